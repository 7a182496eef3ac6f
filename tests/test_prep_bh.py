"""Our Benjamini-Hochberg adjustment is bit for bit scipy's ``false_discovery_control``.

:func:`mamsets.engines._tables.bh_adjust` replaces scipy's on the GSEA path so that a
GSEA run does not import ``scipy.stats``; here both run on many inputs (ties, zeros and
ones, tiny and large sizes, p-values from permutation counts) and must agree exactly.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import false_discovery_control

from mamsets.engines._families import padj_by_family
from mamsets.engines._tables import bh_adjust


def _inputs() -> list[np.ndarray]:
    rng = np.random.default_rng(20240515)
    out: list[np.ndarray] = [np.array([0.3]), np.array([0.0]), np.array([1.0]), np.array([0.0, 1.0]),
                             np.array([1.0, 0.0]), np.zeros(7), np.ones(7), np.full(5, 0.5),
                             np.array([0.01, 0.04, 0.03, 0.005]), np.array([1e-300, 5e-324, 1.0])]
    for size in [2, 3, 5, 10, 17, 100, 587, 1000, 5000, 20_000]:
        out.append(rng.random(size))
        out.append(rng.random(size) ** 6)                                 # many small values
        out.append(np.round(rng.random(size), 2))                         # heavy ties
        n = int(rng.integers(10, 10_001))
        out.append((rng.integers(0, n, size) + 1) / (n + 1))              # permutation p-values
        out.append(np.where(rng.random(size) < 0.2, 1.0,
                            np.where(rng.random(size) < 0.1, 0.0, rng.random(size))))
        out.append(np.sort(rng.random(size)))
        out.append(np.sort(rng.random(size))[::-1].copy())
    for _ in range(300):
        size = int(rng.integers(1, 60))
        k = int(rng.integers(1, 6))
        out.append(rng.choice(rng.random(k), size) if rng.random() < 0.5 else rng.random(size))
    return out


@pytest.mark.parametrize("i", range(len(_inputs())))
def test_bh_adjust_is_bit_identical_to_scipy(i: int) -> None:
    p = _inputs()[i]
    ours, theirs = bh_adjust(p.copy()), false_discovery_control(p.copy(), method="bh")
    assert ours.dtype == theirs.dtype and ours.shape == theirs.shape
    assert np.array_equal(ours.view(np.int64), np.asarray(theirs, dtype=np.float64).view(np.int64))


def test_bh_adjust_rejects_what_scipy_rejects() -> None:
    for bad in (np.array([0.1, np.nan]), np.array([0.1, 1.5]), np.array([-0.1, 0.5])):
        with pytest.raises(ValueError):
            bh_adjust(bad)
        with pytest.raises(ValueError):
            false_discovery_control(bad, method="bh")


def test_padj_by_family_keeps_nan_and_matches_scipy_per_family() -> None:
    rng = np.random.default_rng(5)
    p = rng.random(400)
    p[rng.random(400) < 0.1] = np.nan
    fam = rng.choice(np.array(["hypothesis", "control", "reference"], dtype=object), 400)
    out = padj_by_family(p, fam)
    assert np.array_equal(np.isnan(out), np.isnan(p))
    for f in ("hypothesis", "control", "reference"):
        sel = (fam == f) & np.isfinite(p)
        assert np.array_equal(out[sel], false_discovery_control(p[sel], method="bh"))
