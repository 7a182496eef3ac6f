"""Shared test fixtures.

Tests that read the large reference data in ``../shared/data`` (next to the
checkout; CI has it) carry ``@pytest.mark.shared_data``. When that folder is
absent they are deselected, not failed. Tests that drive a real browser carry
``@pytest.mark.browser`` and are deselected without Chromium, chromedriver and
selenium, unless ``MAMSETS_REQUIRE_BROWSER`` is set (CI sets it). Set ``MAMSETS_SHARED`` to point
elsewhere.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
TESTS_DATA = REPO / "tests" / "data"


def _shared_dir() -> Path:
    env = os.environ.get("MAMSETS_SHARED")
    return Path(env) if env else REPO.parent / "shared"


SHARED = _shared_dir()
HAVE_SHARED = (SHARED / "data").is_dir()


def _have_browser() -> bool:
    import importlib.util
    import shutil

    return bool(shutil.which("chromium") and shutil.which("chromedriver")
                and importlib.util.find_spec("selenium"))


HAVE_BROWSER = _have_browser()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("MAMSETS_REQUIRE_BROWSER") and not HAVE_BROWSER:
        raise pytest.UsageError("MAMSETS_REQUIRE_BROWSER is set but chromium, chromedriver or "
                                "selenium is missing: apt-get install chromium chromium-driver")
    if HAVE_SHARED and HAVE_BROWSER:
        return
    kept, deselected = [], []
    for item in items:
        drop = ((not HAVE_SHARED and item.get_closest_marker("shared_data"))
                or (not HAVE_BROWSER and item.get_closest_marker("browser")))
        (deselected if drop else kept).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """Path to ``../shared/data`` (tests using it must be marked ``shared_data``)."""
    return SHARED / "data"


@pytest.fixture(scope="session")
def tests_data() -> Path:
    """Path to ``tests/data`` (small committed fixtures and reference outputs)."""
    return TESTS_DATA


class MiniAnnData:
    """The part of ``anndata.AnnData`` mamsets reads (X, obs, var, names, layers, obsm).

    Used where anndata (an optional extra, not in the test extra because it pins
    pandas < 3) is not installed, so the AnnData code paths are tested either way.
    """

    def __init__(self, X, obs=None, var=None, layers=None):  # noqa: N803 - AnnData's name
        import pandas as pd

        self.X = X
        n_obs, n_var = X.shape
        self.obs = obs if obs is not None else pd.DataFrame(index=[str(i) for i in range(n_obs)])
        self.var = var if var is not None else pd.DataFrame(index=[str(i) for i in range(n_var)])
        self.layers = dict(layers or {})
        self.obsm: dict = {}

    @property
    def obs_names(self):
        return self.obs.index

    @property
    def var_names(self):
        return self.var.index


@pytest.fixture(scope="session")
def anndata_cls():
    """``anndata.AnnData`` when installed, else :class:`MiniAnnData` (same attributes)."""
    try:
        import anndata
    except ImportError:
        return MiniAnnData
    return anndata.AnnData
