"""The multilevel first stage (``first_stage_factor > 0``, what ``gsea()`` uses).

References independent of the kernel: brute-force Monte Carlo p-values with the numpy
enrichment score of ``test_multilevel.py``, and the uniform distribution for p-values
of independent random sets (one set per unit, so the KS test's independence holds:
sets of one unit share a sample and their p-values are correlated).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from mamsets.engines._multilevel import FIRST_STAGE_FACTOR, multilevel_pvalues
from mamsets.errors import InputError

from test_multilevel import es_batch, log2_ratio_z, null_es

SEED = np.random.SeedSequence(20261207)


def test_agrees_with_brute_force_at_moderate_and_small_p():
    rng = np.random.default_rng(11)
    n = 2000
    w = np.abs(np.sort(rng.standard_normal(n))[::-1])
    k = 30
    # sets from the top of the ranking (small p) and uniform ones (p of any size)
    sets = [np.sort(rng.choice(n // q, k, replace=False)) for q in (2, 3, 4, 5, 6)]
    sets += [np.sort(rng.choice(n, k, replace=False)) for _ in range(10)]
    es = np.array([es_batch(w, s)[0] for s in sets])
    sizes = np.full(es.size, k)
    p, err, floor = multilevel_pvalues(w, sizes, es, seed_sequence=SEED,
                                       first_stage_factor=FIRST_STAGE_FACTOR)
    assert not floor.any()
    nul = null_es(w, k, 1_000_000, np.random.default_rng(5))
    pos, neg = nul[nul >= 0], nul[nul <= 0]
    ref = np.array([(pos >= e - 1e-10).mean() if e >= 0 else (neg <= e + 1e-10).mean()
                    for e in es])
    n_ref = np.where(es >= 0, pos.size, neg.size)
    ok = ref * n_ref >= 50  # brute force precise enough to compare
    assert ok.sum() >= 10
    ref_err = np.sqrt((1 - ref[ok]) / (ref[ok] * n_ref[ok])) / np.log(2)
    z = log2_ratio_z(p[ok], err[ok], ref[ok], ref_err)
    assert np.all(np.abs(z) < 3.5), z


def test_calibrated_on_independent_random_sets():
    rng = np.random.default_rng(8)
    n = 1000
    w = np.abs(np.sort(rng.standard_normal(n))[::-1])
    sizes = np.arange(10, 210)  # one set per size: independent units
    es = np.array([es_batch(w, np.sort(rng.choice(n, k, replace=False)))[0] for k in sizes])
    p, _, _ = multilevel_pvalues(w, sizes, es, seed_sequence=SEED,
                                 first_stage_factor=FIRST_STAGE_FACTOR)
    assert not np.isnan(p).any()
    assert stats.kstest(p, "uniform").pvalue > 0.01


def test_first_stage_reproducible_and_independent_of_n_jobs():
    rng = np.random.default_rng(3)
    w = np.abs(np.sort(rng.standard_normal(3000))[::-1])
    sizes = np.array([15, 15, 50, 50, 50, 120, 15, 3])
    es = np.array([0.7, -0.5, 0.6, 0.3, -0.55, 0.45, 0.0, 0.99])
    ss = np.random.SeedSequence(99)
    a = multilevel_pvalues(w, sizes, es, seed_sequence=ss, first_stage_factor=16)
    b = multilevel_pvalues(w, sizes, es, seed_sequence=ss, first_stage_factor=16, n_jobs=2)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)
    assert a[0][6] == 1.0
    # the first stage only changes the Monte Carlo draws: within the reported errors
    c = multilevel_pvalues(w, sizes, es, seed_sequence=ss)
    z = log2_ratio_z(a[0][:6], a[1][:6], c[0][:6], c[1][:6])
    assert np.all(np.abs(z) < 3), z


def test_first_stage_tiny_ranking_exact_and_unbalanced():
    # 8 genes, sets of 2: p by enumeration of the 28 sets
    w = np.array([8.0, 5.0, 4.0, 2.0, 1.5, 1.0, 0.5, 0.25])
    allsets = np.array([(i, j) for i in range(8) for j in range(i + 1, 8)])
    es_all = es_batch(w, allsets)
    e = es_all[0]
    exact = (es_all >= e - 1e-10).sum() / (es_all >= 0).sum()
    p, err, _ = multilevel_pvalues(w, np.array([2]), np.array([e]), seed_sequence=SEED,
                                   first_stage_factor=16)
    assert abs(np.log2(p[0] / exact)) < 3 * max(err[0], 0.05)
    # lopsided ranking: the negative sign is rare -> NaN, as without the first stage
    w2 = np.linspace(10, 0.1, 500)
    p2, _, _ = multilevel_pvalues(w2, np.array([40]), np.array([-0.9]), seed_sequence=SEED,
                                  first_stage_factor=16)
    p3, _, _ = multilevel_pvalues(w2, np.array([40]), np.array([-0.9]), seed_sequence=SEED)
    assert np.isnan(p2[0]) == np.isnan(p3[0])


def test_factor_one_is_refused_and_two_works() -> None:
    """Factor 1 drew exactly S sets of the sign and kept S + 1: every p-value was NaN.

    It is refused with a message naming the parameter; factor 2, the least accepted,
    answers every query (S = 101 >= 11, where factor 1 used to fail).
    """
    w = np.sqrt(np.arange(500, 0, -1, dtype=np.float64))
    args = (w, np.array([20, 20]), np.array([0.3, 0.6]))
    with pytest.raises(InputError, match=r"first_stage_factor=1\b.*>= 2"):
        multilevel_pvalues(*args, seed_sequence=np.random.SeedSequence(1), first_stage_factor=1)
    p, err, fl = multilevel_pvalues(*args, seed_sequence=np.random.SeedSequence(1),
                                    first_stage_factor=2)
    assert np.all(np.isfinite(p)) and np.all(np.isfinite(err)) and not fl.any()
    assert 0 < p[1] < p[0] < 1
