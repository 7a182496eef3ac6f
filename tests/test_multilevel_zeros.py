"""Multilevel p-values of sets whose members all have weight 0 (N_R = 0).

When a set's total weight is 0 the GSEA running sum has no weighted hit steps; the
observed score (``_gsea_kernel``) and fgsea then make every hit step ``1 / K``. The
multilevel kernel used to score such random sets as pure misses (ES = -1), which
removed them from the null of ``ES >= 0`` and gave p-values several times too large
(0.93 instead of 0.32 on the sanitizer review's case). The references here are exact
enumerations scored by a helper written from the definition, independent of the C code.
"""

from __future__ import annotations

import itertools

import numpy as np

from mamsets.engines._multilevel import multilevel_pvalues
from test_multilevel import _exact_tail


def es_rows(w: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """Signed ES of each row of sorted positions; hit step ``w / N_R``, or ``1 / K`` if N_R = 0.

    The larger deviation wins, 0 when they are equal within 1e-12 (fgsea's convention).
    """
    n, k = w.shape[0], pos.shape[1]
    ww = w[pos]
    nr = ww.sum(axis=1, keepdims=True)
    step = np.where(nr > 0, ww / np.where(nr > 0, nr, 1.0), 1.0 / k)
    after = np.cumsum(step, axis=1) - (pos - np.arange(k)) / (n - k)
    before = after - step
    top, bottom = after.max(axis=1), before.min(axis=1)
    return np.where(top > -bottom + 1e-12, top, np.where(top < -bottom - 1e-12, bottom, 0.0))


def _ranking(n_side: int, n_zero: int) -> np.ndarray:
    """Weights of a ranking with ``n_side`` non-zero genes at each end and exact zeros between."""
    side = np.linspace(2.0, 1.0, n_side)
    return np.concatenate([side, np.zeros(n_zero), side[::-1]])


def test_helper_matches_observed_es_on_all_zero_set() -> None:
    """The reference helper scores an all-zero set as the engine's observed ES does."""
    from mamsets.engines._gsea_kernel import enrichment_score

    w = _ranking(6, 48)
    for pos in (np.array([6, 7, 8]), np.array([20, 30, 40]), np.array([0, 30, 59])):
        assert es_rows(w, pos[None, :])[0] == np.float64(enrichment_score(w, pos)[0])


def test_all_zero_sets_by_enumeration() -> None:
    """N = 60 (6 + 6 non-zero, 48 zeros), K = 3: all 34,220 sets enumerated.

    Queries are scores of all-zero sets (both signs) and of mixed sets; the exact
    conditional p-values are compared with the estimate, with and without the first stage.
    """
    w = _ranking(6, 48)
    n, k = w.shape[0], 3
    combos = np.array(list(itertools.combinations(range(n), k)))
    es_all = es_rows(w, combos)
    sets = [[6, 7, 8], [6, 8, 12], [51, 52, 53], [44, 50, 53], [0, 7, 9], [6, 30, 59]]
    es = es_rows(w, np.array(sets))
    exact = np.array([_exact_tail(es_all, e) for e in es])
    # the cases the old kernel got wrong: the all-zero sets' p-values
    assert exact[0] < 0.5 and exact[2] < 0.5
    for factor in (0, 16):
        for seed in (1, 2):
            p, err, fl = multilevel_pvalues(
                w, np.full(len(sets), k), es, seed_sequence=np.random.SeedSequence(seed),
                first_stage_factor=factor, eps=0.0,
            )
            assert not fl.any()
            z = np.log2(p / exact) / err
            assert np.all(np.abs(z) < 4), (factor, seed, p, exact, err)


def test_reviewer_case_many_zeros() -> None:
    """N = 400 with 360 exact zeros, K = 4 at the top of the zero block (exact p = 0.32).

    The exact value is P(ES >= es | ES >= 0) counted over 10**6 uniform random sets scored
    by the helper; the old kernel reported about 0.93.
    """
    rng = np.random.default_rng(0)
    w = _ranking(20, 360)
    n, k = w.shape[0], 4
    es = es_rows(w, np.arange(20, 20 + k)[None, :])[0]
    x = np.sort(rng.integers(0, n, size=(1_200_000, k)), axis=1)
    x = x[(np.diff(x, axis=1) > 0).all(axis=1)][:1_000_000]
    null = es_rows(w, x)
    ref = float(np.mean(null[null >= 0] >= es - 1e-10))
    assert 0.2 < ref < 0.45
    p, err, fl = multilevel_pvalues(
        w, [k], [es], seed_sequence=np.random.SeedSequence(2), first_stage_factor=16, eps=0.0
    )
    assert not fl[0]
    assert abs(np.log2(p[0] / ref)) < 4 * err[0] + 0.02, (p, ref, err)
