"""The hypergeometric kernels against independent references.

References: exact rational sums of binomial coefficients (``math.comb`` +
``fractions``), ``scipy.stats.hypergeom`` and ``scipy.stats.fisher_exact``, and
plain Python set intersections for the overlap bookkeeping.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import fisher_exact, hypergeom

from mamsets.engines import _ora_kernel as kern


def exact_pmf(x: int, N: int, K: int, n: int) -> Fraction:
    return Fraction(math.comb(K, x) * math.comb(N - K, n - x), math.comb(N, n))


def exact_p(k: int, N: int, K: int, n: int, alternative: str) -> Fraction:
    support = range(max(0, n + K - N), min(n, K) + 1)
    if alternative == "greater":
        return sum((exact_pmf(x, N, K, n) for x in support if x >= k), Fraction(0))
    if alternative == "less":
        return sum((exact_pmf(x, N, K, n) for x in support if x <= k), Fraction(0))
    pk = exact_pmf(k, N, K, n)
    return sum((exact_pmf(x, N, K, n) for x in support if exact_pmf(x, N, K, n) <= pk), Fraction(0))


def table(k: int, N: int, K: int, n: int) -> list[list[int]]:
    return [[k, K - k], [n - k, N - K - n + k]]


# -- hand-computed examples -------------------------------------------------------
def test_hand_computed_upper_tail():
    # N=20, K=3 (set), n=3 (query), k=2: P(X>=2) = (C(3,2)C(17,1) + C(3,3)C(17,0)) / C(20,3)
    expected = (3 * 17 + 1) / 1140
    assert kern.hypergeom_pvalues(2, 20, 3, 3) == pytest.approx(expected, rel=1e-14)
    # lower tail: P(X<=0) = C(17,3)/C(20,3) = 680/1140
    assert kern.hypergeom_pvalues(0, 20, 3, 3, "less") == pytest.approx(680 / 1140, rel=1e-14)
    # two-sided at k=2: pmf = 680, 408, 51, 1 (/1140); tables no likelier than 51: {2, 3}
    assert kern.hypergeom_pvalues(2, 20, 3, 3, "two-sided") == pytest.approx(52 / 1140, rel=1e-14)
    # k=1 (pmf 408/1140): every table except k=0 (680) -> (408 + 51 + 1) / 1140
    assert kern.hypergeom_pvalues(1, 20, 3, 3, "two-sided") == pytest.approx(460 / 1140, rel=1e-14)


@pytest.mark.parametrize("alternative", ["greater", "less", "two-sided"])
def test_exact_rational_sums_on_all_small_tables(alternative):
    ks, Ns, Ks, ns, refs = [], [], [], [], []
    for N in (1, 2, 5, 9, 17, 30):
        for K in range(N + 1):
            for n in range(0, N + 1, max(1, N // 6)):
                for k in range(max(0, n + K - N), min(n, K) + 1):
                    ks.append(k), Ns.append(N), Ks.append(K), ns.append(n)
                    refs.append(float(exact_p(k, N, K, n, alternative)))
    got = kern.hypergeom_pvalues(
        np.array(ks), np.array(Ns), np.array(Ks), np.array(ns), alternative
    )
    np.testing.assert_allclose(got, refs, rtol=1e-12, atol=0)


@pytest.mark.parametrize("alternative", ["greater", "less", "two-sided"])
def test_agrees_with_scipy_fisher_exact(alternative):
    rng = np.random.default_rng(7)
    for _ in range(300):
        N = int(rng.integers(2, 80))
        K = int(rng.integers(0, N + 1))
        n = int(rng.integers(0, N + 1))
        k = int(rng.integers(max(0, n + K - N), min(n, K) + 1))
        ref = fisher_exact(table(k, N, K, n), alternative=alternative).pvalue
        got = kern.hypergeom_pvalues(k, N, K, n, alternative)
        assert got == pytest.approx(ref, rel=1e-12), (k, N, K, n)


def test_agrees_with_scipy_hypergeom_on_genome_scale_tables():
    rng = np.random.default_rng(11)
    m = 3000
    N = 20000
    K = rng.integers(1, 2000, m)
    n = rng.integers(1, 3000, m)
    # overlaps from depleted to strongly enriched
    k = np.minimum(rng.binomial(n, np.minimum(1.0, K / N * rng.uniform(0, 6, m))), np.minimum(n, K))
    up = kern.hypergeom_pvalues(k, N, K, n, "greater")
    lo = kern.hypergeom_pvalues(k, N, K, n, "less")
    ref_up = np.maximum(hypergeom.sf(k - 1, N, K, n), kern.P_FLOOR)
    ref_lo = np.maximum(hypergeom.cdf(k, N, K, n), kern.P_FLOOR)
    np.testing.assert_allclose(up, ref_up, rtol=1e-12)
    np.testing.assert_allclose(lo, ref_lo, rtol=1e-12)
    assert (up < 1e-50).any() and (lo < 1e-20).any()  # the extreme tails were exercised


def test_two_sided_on_genome_scale_tables_against_fisher_exact():
    rng = np.random.default_rng(3)
    for _ in range(60):
        N = 20000
        K = int(rng.integers(1, 600))
        n = int(rng.integers(1, 600))
        k = int(min(rng.binomial(n, min(1.0, K / N * rng.uniform(0, 4))), min(n, K)))
        ref = fisher_exact(table(k, N, K, n), alternative="two-sided").pvalue
        assert kern.hypergeom_pvalues(k, N, K, n, "two-sided") == pytest.approx(ref, rel=1e-11)


def test_logpmf_against_exact_log_binomials():
    cases = [
        (0, 20000, 500, 300),
        (7, 20000, 500, 300),
        (150, 20000, 10000, 300),
        (3, 12000, 40, 300),
    ]
    for k, N, K, n in cases:
        exact = (
            math.log(math.comb(K, k))
            + math.log(math.comb(N - K, n - k))
            - math.log(math.comb(N, n))
        )
        assert kern.hypergeom_logpmf(k, N, K, n) == pytest.approx(exact, rel=1e-13, abs=1e-12)


def test_degenerate_tables_and_floor():
    # empty set, empty query, set = universe, query = universe: a single possible table
    for k, N, K, n in [(0, 10, 0, 4), (0, 10, 3, 0), (4, 10, 10, 4), (3, 10, 3, 10)]:
        for alt in ("greater", "less", "two-sided"):
            assert kern.hypergeom_pvalues(k, N, K, n, alt) == 1.0
    # the whole query inside a 500-gene set of 20,000: p ~ 1e-800 underflows -> floor
    p = kern.hypergeom_pvalues(300, 20000, 500, 300)
    assert p == kern.P_FLOOR > 0


def test_impossible_table_is_refused():
    with pytest.raises(ValueError, match="impossible 2x2 table"):
        kern.hypergeom_pvalues(5, 20, 3, 10)
    with pytest.raises(ValueError, match="alternative"):
        kern.hypergeom_pvalues(1, 20, 3, 10, "up")  # type: ignore[arg-type]


def test_empty_input_keeps_shape():
    assert kern.hypergeom_pvalues(np.zeros((0, 3), int), 10, 2, 2).shape == (0, 3)


def test_odds_ratio_haldane_anscombe_by_hand():
    # k=2, N=20, K=3, n=3 -> cells 2, 1, 1, 16 (+0.5 each)
    assert kern.odds_ratio_ha(2, 20, 3, 3) == pytest.approx(2.5 * 16.5 / (1.5 * 1.5))
    # a zero cell stays finite
    assert np.isfinite(kern.odds_ratio_ha(0, 20, 3, 3))
    assert kern.odds_ratio_ha(0, 20, 3, 3) == pytest.approx(0.5 * 14.5 / (3.5 * 3.5))


def test_overlaps_and_members_against_python_sets():
    rng = np.random.default_rng(5)
    G = 60
    sets = [rng.choice(G, rng.integers(0, 15), replace=False) for _ in range(9)]
    queries = [rng.choice(G, rng.integers(0, 25), replace=False) for _ in range(4)]
    S = kern.membership_matrix(sets, G)
    Q = kern.membership_matrix(queries, G)
    counts = kern.overlap_counts(Q, S)
    genes, starts, counts2 = kern.overlap_members(Q, S)
    assert (counts2 == counts).all()
    for qi, q in enumerate(queries):
        for si, s in enumerate(sets):
            shared = sorted(set(q.tolist()) & set(s.tolist()))
            assert counts[qi, si] == len(shared)
            a = starts[qi, si]
            assert genes[a : a + counts[qi, si]].tolist() == shared


def _bh_reference(p: list[float]) -> list[float]:
    # Benjamini-Hochberg written out: q_(i) = min_{j >= i} p_(j) m / j, capped at 1
    m = len(p)
    order = sorted(range(m), key=lambda i: p[i])
    q = [0.0] * m
    running = 1.0
    for rank in range(m, 0, -1):
        i = order[rank - 1]
        running = min(running, p[i] * m / rank)
        q[i] = running
    return q


def test_ora_arrays_expected_fold_and_bh():
    overlap = np.array([[2, 0, 1], [0, 0, 3]])
    arr = kern.ora_arrays(overlap, 20, np.array([3, 2, 5]), np.array([3, 4]))
    assert arr.expected[0].tolist() == pytest.approx([3 * 3 / 20, 3 * 2 / 20, 3 * 5 / 20])
    assert arr.fold_enrichment[1, 2] == pytest.approx(3 / (4 * 5 / 20))
    for row in range(2):
        np.testing.assert_allclose(arr.padj[row], _bh_reference(arr.pval[row].tolist()), rtol=1e-14)
    zero_query = kern.ora_arrays(np.array([[0]]), 20, np.array([3]), np.array([0]))
    assert np.isnan(zero_query.fold_enrichment[0, 0]) and zero_query.pval[0, 0] == 1.0


# -- properties -------------------------------------------------------------------
@st.composite
def margins(draw):
    N = draw(st.integers(1, 400))
    K = draw(st.integers(0, N))
    n = draw(st.integers(0, N))
    return N, K, n


@settings(max_examples=150, deadline=None)
@given(margins(), st.sampled_from(["greater", "less", "two-sided"]))
def test_pvalues_in_unit_interval_and_monotone(m, alternative):
    N, K, n = m
    ks = np.arange(max(0, n + K - N), min(n, K) + 1)
    p = kern.hypergeom_pvalues(ks, N, K, n, alternative)
    assert ((p > 0) & (p <= 1)).all()
    if alternative == "greater":
        assert (np.diff(p) <= 1e-15).all()  # non-increasing as the overlap grows
        assert p[0] == 1.0
    elif alternative == "less":
        assert (np.diff(p) >= -1e-15).all()
        assert p[-1] == 1.0
    else:
        assert p.max() == 1.0  # the most likely table


@pytest.mark.parametrize("alternative", ["greater", "less", "two-sided"])
def test_many_repeated_tables_take_the_shared_path(alternative):
    # > 4096 pairs sharing few distinct tables: each distinct table is computed once
    rng = np.random.default_rng(13)
    m, N = 20000, 5000
    K = rng.integers(1, 40, m)
    n = rng.integers(50, 60, m)
    k = np.minimum(rng.binomial(n, np.minimum(1.0, K / N * 8)), np.minimum(n, K))
    got = kern.hypergeom_pvalues(k, N, K, n, alternative)
    assert got.shape == (m,)
    tables = np.unique(np.stack([k, K, n]), axis=1)
    assert tables.shape[1] < 0.8 * m  # the shared path was taken
    ref = {}
    for kk, KK, nn in tables.T.tolist():
        ref[(kk, KK, nn)] = fisher_exact(table(kk, N, KK, nn), alternative=alternative).pvalue
    expect = np.array([ref[t] for t in zip(k.tolist(), K.tolist(), n.tolist(), strict=True)])
    np.testing.assert_allclose(got, expect, rtol=1e-11)
