"""Tests of the multilevel p-value kernel against references independent of its code.

References: R fgsea 1.31.6 on its example data and fgsea's C++ multilevel output (both in
tests/data/multilevel, see the README there), brute-force Monte Carlo with a separate
vectorised numpy enrichment score written here, and exact hand counts for one-gene sets.
Calibration (uniform p-values, no bias by sign) is in test_multilevel_calibration.py.
"""

from __future__ import annotations

import gzip
import itertools
import math

import numpy as np
import pandas as pd
import pytest

from mamsets.engines._multilevel import MIN_SIGN_COUNT, MIN_SIGN_DRAWS, multilevel_pvalues
from mamsets.errors import InputError

SEED = np.random.SeedSequence(20261125)


# ----------------------------------------------------------------- independent helpers


def es_batch(w: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """Signed GSEA enrichment scores of many sets at once (rows of sorted positions).

    Straight from the definition (Subramanian et al. 2005, weight already in ``w``): the
    running sum after each hit and just before it; the larger deviation wins, 0 on a tie
    (fgsea's ``calcGseaStat`` convention; equal to 1e-12, since in small rankings both
    deviations are often whole numbers of misses over N - K and only rounding differs).
    """
    pos = np.atleast_2d(pos)
    n, k = w.shape[0], pos.shape[1]
    ww = w[pos]
    nr = ww.sum(axis=1, keepdims=True)
    after = np.cumsum(ww, axis=1) / nr - (pos - np.arange(k)) / (n - k)
    before = after - ww / nr
    top, bottom = after.max(axis=1), before.min(axis=1)
    return np.where(top > -bottom + 1e-12, top, np.where(top < -bottom - 1e-12, bottom, 0.0))


def null_es(w: np.ndarray, k: int, n_sets: int, rng: np.random.Generator) -> np.ndarray:
    """ES of ``n_sets`` uniform random k-subsets (draw with replacement, reject duplicates)."""
    out, got = [], 0
    while got < n_sets:
        x = np.sort(rng.integers(0, w.shape[0], size=(min(200_000, 2 * n_sets), k)), axis=1)
        x = x[(np.diff(x, axis=1) > 0).all(axis=1)]
        out.append(es_batch(w, x))
        got += x.shape[0]
    return np.concatenate(out)[:n_sets]


def log2_ratio_z(p, err, p_ref, err_ref):
    """Difference of log2 p-values in units of the combined reported error."""
    return (np.log2(p) - np.log2(p_ref)) / np.sqrt(np.asarray(err) ** 2 + np.asarray(err_ref) ** 2)


@pytest.fixture(scope="module")
def fgsea_example(tests_data):
    d = tests_data / "multilevel"
    rnk = pd.read_csv(d / "naive.vs.th1.rnk.gz", sep="\t", dtype={"ID": str})
    rnk = rnk.sort_values("t", ascending=False, kind="mergesort")  # no ties in this file
    where = {g: i for i, g in enumerate(rnk["ID"])}
    sets = {}
    with gzip.open(d / "mouse.reactome.tested.gmt.gz", "rt") as fh:
        for line in fh:
            f = line.rstrip("\n").split("\t")
            sets[f[0]] = np.array(sorted({where[g] for g in f[2:] if g in where}))
    ref = pd.read_csv(d / "fgsea-multilevel.tsv.gz", sep="\t")
    w = np.abs(rnk["t"].to_numpy())
    es = np.array([es_batch(w, sets[p])[0] for p in ref["pathway"]])
    sizes = np.array([len(sets[p]) for p in ref["pathway"]])
    return w, sizes, es, ref


# ----------------------------------------------------------------- references


def test_example_es_helper_matches_fgsea(fgsea_example):
    _w, sizes, es, ref = fgsea_example
    assert np.array_equal(sizes, ref["size"].to_numpy())
    assert np.max(np.abs(es - ref["ES"].to_numpy())) < 1e-12


def test_agrees_with_r_fgsea_on_example(fgsea_example):
    """586 pathways: within the combined log2err of both tools (fgsea 1.31.6, seed 42).

    The reference is one Monte Carlo run; below 1e-10 fgsea's own runs differ by up to
    ~4 log2 units (NOTES.md), so those are compared on the log scale within 4 errors.
    """
    w, sizes, es, ref = fgsea_example
    p, err, at_floor = multilevel_pvalues(w, sizes, es, seed_sequence=SEED)
    assert not np.isnan(p).any() and not at_floor.any()
    p_ref = ref["pval"].to_numpy()
    z = log2_ratio_z(p, err, p_ref, ref["log2err"].to_numpy())
    assert np.mean(np.abs(z) < 3) >= 0.98, np.sort(np.abs(z))[-10:]
    assert np.max(np.abs(z)) < 4.5
    # no systematic shift: mean log2 difference well inside one typical error
    assert abs(np.mean(np.log2(p) - np.log2(p_ref))) < 0.15
    small = p_ref < 1e-10
    assert small.sum() >= 10
    assert np.all(np.abs(z[small]) < 4)
    assert np.corrcoef(np.log10(p), np.log10(p_ref))[0, 1] > 0.995


def test_agrees_with_fgsea_cpp_multilevel(tests_data):
    """fgsea's C++ ruler, ranks 1..3000 as weights (positive scores are rare there)."""
    ref = pd.read_csv(tests_data / "multilevel" / "ref_fgseaMultilevelCpp.tsv", sep="\t")
    w = np.arange(1, 3001, dtype=np.float64)
    p, err, at_floor = multilevel_pvalues(
        w, ref["pathwaySize"].to_numpy(), ref["ES"].to_numpy(), eps=0.0, seed_sequence=SEED
    )
    neg = ref["ES"].to_numpy() < 0
    rng = np.random.default_rng(1)
    for i in np.flatnonzero(neg):
        k = int(ref["pathwaySize"].iloc[i])
        # cppMPval is unconditional: multiply ours by P(ES <= 0), estimated by brute force
        p_sign = np.mean(null_es(w, k, 20_000, rng) <= 0)
        z = log2_ratio_z(p[i] * p_sign, err[i], ref["cppMPval"].iloc[i], ref["log2err"].iloc[i])
        assert abs(z) < 3, (k, ref["ES"].iloc[i], p[i] * p_sign, ref["cppMPval"].iloc[i])
    # ES > 0 is rarer than 1 in 100 random sets of this ranking: unbalanced -> NaN (fgsea: NA)
    for k in (25, 100):
        assert np.mean(null_es(w, k, 20_000, rng) >= 0) < MIN_SIGN_COUNT / MIN_SIGN_DRAWS
    assert np.isnan(p[~neg]).all() and np.isnan(err[~neg]).all() and not at_floor.any()


def test_agrees_with_gseapy_multilevel_in_process():
    """gseapy 1.3's Rust port of fgseaMultilevel on other inputs: small p-values (below 1e-3)."""
    gse = pytest.importorskip("gseapy.gse")
    rng = np.random.default_rng(12)
    n = 2000
    scores = np.sort(rng.standard_normal(n))[::-1]
    ids = [f"g{i}" for i in range(n)]
    gmt, pos_list = {}, []
    for i, (k, b) in enumerate([(20, 1.4), (20, 2.0), (40, 1.3), (40, 1.6), (60, 1.2), (30, 0.7)]):
        pos = np.unique((rng.beta(1.0, b, size=6 * k) * n).astype(int))[:k]
        gmt[f"S{i}"] = [ids[j] for j in pos]
        pos_list.append(pos)
    w = np.abs(scores)
    es = np.array([es_batch(w, p)[0] for p in pos_list])
    sizes = np.array([p.size for p in pos_list])
    res = gse.fgsea_rs(ids, scores.tolist(), gmt, 1.0, 1, 1000, 101, 1000, 1e-50, 1, 7)
    ref = {s.term: (s.es, s.pval, s.log2err) for s in res.summaries}
    ref = np.array([ref[f"S{i}"] for i in range(len(pos_list))])
    assert np.max(np.abs(ref[:, 0] - es)) < 1e-12
    p, err, _ = multilevel_pvalues(w, sizes, es, seed_sequence=SEED)
    assert np.all(ref[:, 1] < 1e-3)
    z = log2_ratio_z(p, err, ref[:, 1], ref[:, 2])
    assert np.all(np.abs(z) < 4), (p, ref[:, 1], z)


@pytest.mark.parametrize("k", [20, 60])
def test_agrees_with_brute_force(k):
    """Moderate p-values (1 .. 1e-3) against 400,000 plain random sets."""
    rng = np.random.default_rng(k)
    w = np.abs(np.sort(rng.standard_normal(2000))[::-1])
    null = null_es(w, k, 400_000, rng)
    pos_null = np.sort(null[null >= 0])
    neg_null = np.sort(null[null <= 0])
    # observed scores at chosen upper quantiles of each sign
    targets = np.array([0.5, 0.05, 0.003])
    es = np.concatenate([np.quantile(pos_null, 1 - targets), np.quantile(neg_null, targets)])
    p, err, _ = multilevel_pvalues(w, np.full(es.shape, k), es, seed_sequence=SEED)
    brute = np.array(
        [np.mean(pos_null >= e) for e in es[:3]] + [np.mean(neg_null <= e) for e in es[3:]]
    )
    n_sign = np.array([pos_null.size] * 3 + [neg_null.size] * 3)
    brute_err = np.sqrt((1 - brute) / (brute * n_sign)) / np.log(2)
    z = log2_ratio_z(p, err, brute, brute_err)
    assert np.all(np.abs(z) < 4), (p, brute, z)


def test_one_gene_sets_exact():
    """K = 1: ES of the gene at position i is 1 - i/(N-1) (positive while i < (N-1)/2)."""
    n = 2001
    w = np.ones(n)
    # positive-tail p of the gene at position i: (i + 1) / #positions with ES >= 0 (1001)
    i = np.array([9, 99, 499])
    es = 1 - i / (n - 1)
    p, err, _ = multilevel_pvalues(w, np.ones(3, dtype=int), es, seed_sequence=SEED)
    exact = (i + 1) / 1001
    assert np.all(np.abs(np.log2(p / exact)) < 3 * err), (p, exact)


def test_exact_by_enumeration():
    """All 142,506 sets of 5 of 30 genes: exact conditional p-values, both tails."""
    rng = np.random.default_rng(1)
    n, k = 30, 5
    w = np.abs(np.sort(rng.standard_normal(n))[::-1])
    es_all = es_batch(w, np.array(list(itertools.combinations(range(n), k))))
    pos, neg = es_all[es_all >= 0], es_all[es_all <= 0]
    es = np.concatenate(
        [np.quantile(pos, [0.5, 0.9, 0.99, 0.999]), np.quantile(neg, [0.5, 0.1, 0.01, 0.001])]
    )
    exact = np.array([np.mean(pos >= e) for e in es[:4]] + [np.mean(neg <= e) for e in es[4:]])
    p, err, _ = multilevel_pvalues(w, np.full(es.size, k), es, seed_sequence=SEED)
    z = np.log2(p / exact) / err
    assert np.all(np.abs(z) < 3), (p, exact, z)


def _exact_tail(es_all: np.ndarray, es: float) -> float:
    """Exact conditional p-value from the ES of every possible set (ties within 1e-10)."""
    if es >= 0:
        pos = es_all[es_all >= 0]
        return float(np.mean(pos >= es - 1e-10))
    neg = es_all[es_all <= 0]
    return float(np.mean(neg <= es + 1e-10))


def test_top_set_of_tiny_ranking_is_exact_within_error_and_scale_invariant():
    """Reviewer's case: the top 3 of 20 linearly spaced scores, all 1,140 sets enumerated.

    Rounding used to split mathematically equal ES of different sets, so the ladder kept
    "climbing" among ties and reported p-values down to 1e-22. Now every seed is within a
    factor 2 (and 3 log2err) of the exact value, never below 1/C(N, K), and rescaling the
    scores (x0.1 rounds differently from x0.125) gives the very same result.
    """
    n, k = 20, 3
    base = np.abs(np.linspace(2, -2, n))
    combos = np.array(list(itertools.combinations(range(n), k)))
    floor = 1 / len(combos)
    by_scale = []
    for f in (1.0, 0.1, 0.125, 0.3):
        w = base * f
        es = es_batch(w, np.arange(k))[0]
        assert es == pytest.approx(1.0)
        exact = _exact_tail(es_batch(w, combos), es)
        assert exact == pytest.approx(1 / 596)  # 596 of the 1,140 sets have ES >= 0
        runs = [
            multilevel_pvalues(w, [k], [es], seed_sequence=np.random.SeedSequence(seed))
            for seed in range(1, 9)
        ]
        p = np.array([r[0][0] for r in runs])
        err = np.array([r[1][0] for r in runs])
        assert not any(r[2][0] for r in runs)
        assert np.all(p >= floor * (1 - 1e-12)), p
        assert np.all(np.abs(np.log2(p / exact)) <= 1.0), p / exact
        assert np.all(np.abs(np.log2(p / exact)) < 3 * err)
        assert abs(np.mean(np.log2(p / exact))) < 0.5
        by_scale.append(p)
    for p in by_scale[1:]:
        np.testing.assert_allclose(p, by_scale[0], rtol=1e-9)


def test_rank_only_ties_by_enumeration():
    """weight=0 (all gene weights 1): ES takes few values, many sets tie exactly.

    All 142,506 sets of 5 of 30 genes; quantiles and the extreme value of both tails.
    """
    n, k = 30, 5
    w = np.ones(n)
    es_all = es_batch(w, np.array(list(itertools.combinations(range(n), k))))
    pos, neg = es_all[es_all >= 0], es_all[es_all <= 0]
    assert np.unique(np.round(pos, 9)).size < 30  # heavily tied
    es = np.concatenate(
        [
            np.quantile(pos, [0.5, 0.9, 0.99, 0.999]),
            [pos.max()],
            np.quantile(neg, [0.5, 0.1, 0.01, 0.001]),
            [neg.min()],
        ]
    )
    exact = np.array([_exact_tail(es_all, e) for e in es])
    for seed in (SEED, np.random.SeedSequence(3)):
        p, err, at_floor = multilevel_pvalues(w, np.full(es.size, k), es, seed_sequence=seed)
        assert not at_floor.any()
        z = np.log2(p / exact) / err
        assert np.all(np.abs(z) < 3), (p, exact, z)


def test_rank_only_top_set_of_large_ranking():
    """Reviewer's second case: weight=0, N=1000, the top 5 genes (ES = 1).

    Exactly one set reaches ES = 1, so p = (1 / C(N, 5)) / P(ES >= 0); P(ES >= 0) comes
    from 200,000 random sets scored by the independent helper. Ties made the old ladder
    report 9-37 times too large p-values.
    """
    n, k = 1000, 5
    w = np.ones(n)
    p_sign = np.mean(null_es(w, k, 200_000, np.random.default_rng(11)) >= 0)
    log_comb = np.log(float(math.comb(n, k)))
    exact = np.exp(-log_comb) / p_sign
    runs = [
        multilevel_pvalues(w, [k], [1.0], seed_sequence=np.random.SeedSequence(seed))
        for seed in range(6)
    ]
    p = np.array([r[0][0] for r in runs])
    err = np.array([r[1][0] for r in runs])
    assert np.all(p >= np.exp(-log_comb) * (1 - 1e-12))
    assert np.all(np.abs(np.log2(p / exact)) < 3 * err), (p, exact, err)
    assert abs(np.mean(np.log2(p / exact))) < 1.0


# ----------------------------------------------------------------- behaviour


@pytest.fixture(scope="module")
def small_problem():
    rng = np.random.default_rng(3)
    w = np.abs(np.sort(rng.standard_normal(3000))[::-1])
    sizes = np.array([15, 15, 50, 50, 50, 120, 15])
    es = np.array([0.7, -0.5, 0.6, 0.3, -0.55, 0.45, 0.0])
    return w, sizes, es


def test_reproducible_and_independent_of_n_jobs(small_problem):
    w, sizes, es = small_problem
    ss = np.random.SeedSequence(99)
    a = multilevel_pvalues(w, sizes, es, seed_sequence=ss)
    b = multilevel_pvalues(w, sizes, es, seed_sequence=ss)
    c = multilevel_pvalues(w, sizes, es, seed_sequence=np.random.SeedSequence(99), n_jobs=2)
    for x, y, z in zip(a, b, c):
        assert np.array_equal(x, y, equal_nan=True)
        assert np.array_equal(x, z, equal_nan=True)
    assert ss.n_children_spawned == 0  # the caller's sequence is not advanced
    d = multilevel_pvalues(w, sizes, es, seed_sequence=np.random.SeedSequence(100))
    assert not np.array_equal(a[0], d[0])


def test_order_of_sets_does_not_matter(small_problem):
    w, sizes, es = small_problem
    p, err, _fl = multilevel_pvalues(w, sizes, es, seed_sequence=SEED)
    perm = np.array([6, 3, 0, 5, 1, 4, 2])
    p2, err2, _fl2 = multilevel_pvalues(w, sizes[perm], es[perm], seed_sequence=SEED)
    assert np.array_equal(p[perm], p2) and np.array_equal(err[perm], err2)


def test_zero_es_has_p_one(small_problem):
    w, sizes, es = small_problem
    p, err, fl = multilevel_pvalues(w, sizes, es, seed_sequence=SEED)
    assert p[6] == 1.0 and not fl[6] and np.isfinite(err[6])
    assert np.all((p > 0) & (p <= 1))


def test_eps_floor_is_flagged():
    rng = np.random.default_rng(5)
    w = np.abs(np.sort(rng.standard_normal(5000))[::-1])
    es = np.array([0.85, 0.2])
    p, err, fl = multilevel_pvalues(w, np.array([80, 80]), es, eps=1e-12, seed_sequence=SEED)
    assert p[0] == 1e-12 and fl[0] and np.isnan(err[0])
    assert p[1] > 1e-12 and not fl[1] and np.isfinite(err[1])
    # without a floor the same score gets a real estimate far below it
    p0, err0, fl0 = multilevel_pvalues(w, np.array([80]), es[:1], eps=0.0, seed_sequence=SEED)
    assert p0[0] < 1e-20 and not fl0[0] and np.isfinite(err0[0])


def test_unbalanced_ranking_gives_nan():
    """Nearly all scores negative: a positive ES is rare -> NaN; negative ES still fine."""
    n = 2000
    scores = -np.linspace(0.5, 10, n)  # sorted decreasing, all negative
    scores[:5] = [9.0, 8.0, 7.0, 6.0, 5.0]
    w = np.abs(scores)
    rng = np.random.default_rng(0)
    assert np.mean(null_es(w, 30, 20_000, rng) >= 0) < 0.01  # independent check of the premise
    p, err, fl = multilevel_pvalues(
        w, np.array([30, 30]), np.array([0.4, -0.3]), seed_sequence=SEED
    )
    assert np.isnan(p[0]) and np.isnan(err[0]) and not fl[0]
    assert 0 < p[1] <= 1


def test_empty_input():
    p, err, fl = multilevel_pvalues(
        np.ones(10), np.array([], dtype=int), np.array([]), seed_sequence=SEED
    )
    assert p.shape == err.shape == fl.shape == (0,)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"sizes": [10]}, "sizes\\[0\\]=10"),
        ({"sizes": [0]}, "sizes\\[0\\]=0"),
        ({"es": [1.5]}, "es\\[0\\]=1.5"),
        ({"es": [np.nan]}, "es\\[0\\]"),
        ({"es": [0.1, 0.2]}, "equal length"),
        ({"abs_scores": [1.0, -1.0] * 5}, "abs_scores\\[1\\]"),
        ({"abs_scores": [1.0, np.inf] * 5}, "abs_scores\\[1\\]"),
        ({"sample_size": 2}, "sample_size=2"),
        ({"eps": 1.0}, "eps=1.0"),
        ({"n_jobs": 0}, "n_jobs=0"),
        ({"seed_sequence": 3}, "SeedSequence"),
    ],
)
def test_input_errors(kwargs, match):
    args = {"abs_scores": np.ones(10), "sizes": [3], "es": [0.5], "seed_sequence": SEED}
    args.update(kwargs)
    with pytest.raises(InputError, match=match):
        multilevel_pvalues(
            args.pop("abs_scores"),
            np.asarray(args.pop("sizes")),
            np.asarray(args.pop("es")),
            **args,
        )


def test_level_cap_without_eps_is_flagged_and_positive(monkeypatch):
    """eps=0 and the ladder stopped by its cap of levels: p > 0 with at_floor, never 0.

    The cap (1,070 levels, below the smallest double) is lowered to 4 levels so that a
    cheap case reaches it; p used to be reported as eps, that is exactly 0.
    """
    import mamsets.engines._multilevel as ml

    w = np.sqrt(np.arange(1000, 0, -1, dtype=np.float64))
    es = np.array([0.97, 0.2])
    p_free, _, fl_free = multilevel_pvalues(w, [10, 10], es, eps=0.0, seed_sequence=SEED)
    assert not fl_free.any() and p_free[0] < 1e-6
    monkeypatch.setattr(ml, "_MAX_LEVELS", 4)
    p, err, fl = multilevel_pvalues(w, [10, 10], es, eps=0.0, seed_sequence=SEED)
    assert fl[0] and p[0] > 0 and np.isnan(err[0])
    assert p_free[0] < p[0] < 1e-2  # an upper bound, from about 4 halvings of the tail
    assert not fl[1] and p[1] > 1e-2
