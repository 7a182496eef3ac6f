"""Contrasts on a Dask cluster give the serial result, bit for bit (issue 15)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import mamsets as ms
from mamsets.errors import InputError


def _many_contrasts(n_contrasts: int = 6, n_genes: int = 800) -> tuple[ms.Ranking, dict]:
    rng = np.random.default_rng(12)
    genes = [f"G{i:04d}" for i in range(n_genes)]
    rows = []
    for c in range(n_contrasts):
        t = rng.standard_normal(n_genes)
        rows.append(pd.DataFrame({"contrast": f"c{c}", "gene": genes, "t": t}))
    sets = {f"S{i}": list(rng.choice(genes, int(k), replace=False))
            for i, k in enumerate(rng.integers(5, 60, 40))}
    return ms.read_ranking(pd.concat(rows, ignore_index=True)), sets


def test_local_cluster_equals_serial() -> None:
    import dask.distributed  # noqa: F401 - in the test extra, so this never skips
    ranking, sets = _many_contrasts()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        serial = ms.gsea(ranking, sets, rng=5, n_perm=300)
        dist = ms.gsea(ranking, sets, rng=5, n_perm=300, scheduler="local")
    pd.testing.assert_frame_equal(serial.table, dist.table)
    assert serial.params["contrast_seeds"] == dist.params["contrast_seeds"]
    assert list(dist.table["contrast"].unique()) == [f"c{c}" for c in range(6)]


def test_scheduler_errors_name_the_fix() -> None:
    ranking, sets = _many_contrasts(n_contrasts=2, n_genes=200)
    with pytest.raises(InputError, match="dask.distributed.Client"):
        ms.gsea(ranking, sets, rng=1, scheduler=object())
    with pytest.raises(InputError, match="one contrast"):
        ms.gsea(ranking.series("c0"), sets, rng=1, scheduler="local")
