"""GSEA numeric kernels against hand computations, fgsea's C++ outputs and brute force."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from mamsets.engines import _gsea_kernel as K


def brute_running_sum(scores: np.ndarray, members: set[int], p: float) -> np.ndarray:
    """The textbook O(N) running sum: walk the whole ranking gene by gene."""
    n = len(scores)
    k = len(members)
    nr = sum(abs(scores[j]) ** p for j in members)
    out, s = [], 0.0
    for j in range(n):
        if j in members:
            s += (abs(scores[j]) ** p / nr) if nr > 0 else 1.0 / k
        else:
            s -= 1.0 / (n - k)
        out.append(s)
    return np.array(out)


def brute_es(scores: np.ndarray, members: set[int], p: float) -> float:
    rs = np.concatenate([[0.0], brute_running_sum(scores, members, p)])
    hi, lo = rs.max(), rs.min()
    return hi if hi > -lo else (lo if hi < -lo else 0.0)


# ----------------------------------------------------------------------------- hand-computed
def test_hand_example_positive() -> None:
    # scores 3,2,1,-1,-2; set = ranks {0, 2}; N_R = 4; misses step 1/3.
    scores = np.array([3.0, 2.0, 1.0, -1.0, -2.0])
    w = K.gene_weights(scores, 1.0)
    pos = np.array([0, 2])
    es, peak = K.enrichment_score(w, pos)
    assert es == pytest.approx(0.75, abs=1e-15)
    assert peak == 0
    np.testing.assert_allclose(K.running_sum_curve(w, pos), [0.75, 5 / 12, 2 / 3, 1 / 3, 0.0], atol=1e-15)
    assert K.leading_edge_positions(pos, es, peak).tolist() == [0]


def test_hand_example_unweighted() -> None:
    # weight 0: hits step 1/2, misses 1/4 -> -1/4, 1/4, 0, 1/2, 1/4, 0
    w = K.gene_weights(np.array([6.0, 5, 4, 3, 2, 1]), 0.0)
    pos = np.array([1, 3])
    es, peak = K.enrichment_score(w, pos)
    assert es == pytest.approx(0.5, abs=1e-15)
    assert peak == 1
    np.testing.assert_allclose(K.running_sum_curve(w, pos), [-0.25, 0.25, 0, 0.5, 0.25, 0], atol=1e-15)
    assert K.leading_edge_positions(pos, es, peak).tolist() == [1, 3]


def test_hand_example_negative_leading_edge_from_bottom() -> None:
    # set at the bottom: misses step 1/4 down to -1 after rank 3, then hits 2/5 and 3/5.
    scores = np.array([3.0, 2, 1, -1, -2, -3])
    w = K.gene_weights(scores, 1.0)
    pos = np.array([4, 5])
    es, peak = K.enrichment_score(w, pos)
    assert es == pytest.approx(-1.0, abs=1e-15)
    assert peak == 0  # the hit right after the trough
    np.testing.assert_allclose(K.running_sum_curve(w, pos), [-0.25, -0.5, -0.75, -1.0, -0.6, 0.0], atol=1e-15)
    assert K.leading_edge_positions(pos, es, peak).tolist() == [5, 4]


def test_exact_tie_gives_zero() -> None:
    # hits and misses both step 1/2: +1/2 then -1/2 -> max deviation tie -> ES 0 (fgsea's rule)
    w = K.gene_weights(np.array([4.0, 3, 2, 1]), 0.0)
    pos = np.array([0, 3])
    es, peak = K.enrichment_score(w, pos)
    assert es == 0.0 and peak == -1
    assert K.leading_edge_positions(pos, es, peak).size == 0


def test_zero_weight_members_step_equally() -> None:
    # members have score 0 -> N_R = 0 -> each hit steps 1/K (misses 1/3): -1/3, 1/6, 2/3, 1/3, 0
    w = K.gene_weights(np.array([2.0, 0.0, 0.0, -1.0, -3.0]), 1.0)
    pos = np.array([1, 2])
    es, _ = K.enrichment_score(w, pos)
    assert es == pytest.approx(2 / 3, abs=1e-15)
    np.testing.assert_allclose(K.running_sum_curve(w, pos), [-1 / 3, 1 / 6, 2 / 3, 1 / 3, 0], atol=1e-15)


def test_batch_equals_single() -> None:
    rng = np.random.default_rng(3)
    scores = np.sort(rng.standard_normal(300))[::-1]
    w = K.gene_weights(scores, 1.0)
    sets = [np.sort(rng.choice(300, k, replace=False)) for k in (1, 5, 40, 299)]
    flat = np.concatenate(sets)
    offsets = np.concatenate([[0], np.cumsum([s.size for s in sets])])
    es, peak = K.enrichment_scores(w, flat, offsets)
    for i, s in enumerate(sets):
        assert (es[i], peak[i]) == K.enrichment_score(w, s)


# ----------------------------------------------------------------------------- fgsea C++
def _cpp(tests_data: Path) -> tuple[np.ndarray, list[np.ndarray]]:
    d = tests_data / "gsea" / "fgsea-cpp"
    stats_ = pd.read_csv(d / "stats.tsv", sep="\t")["stats"].to_numpy()
    paths = [np.array(line.split("\t"), dtype=np.int64) - 1
             for line in (d / "pathways.tsv").read_text().strip().split("\n")]
    return stats_, paths


def test_es_equals_fgsea_cpp_calcGseaStatBatch(tests_data: Path) -> None:
    stats_, paths = _cpp(tests_data)
    ref = pd.read_csv(tests_data / "gsea" / "fgsea-cpp" / "ref_calcGseaStatBatchCpp.tsv", sep="\t")
    w = K.gene_weights(stats_, 1.0)
    es = np.array([K.enrichment_score(w, p)[0] for p in paths])
    assert ref["size"].tolist() == [p.size for p in paths]
    np.testing.assert_allclose(es, ref["ES"], rtol=0, atol=1e-12)


def test_es_of_every_prefix_equals_fgsea_cpp_cumulative(tests_data: Path) -> None:
    stats_, _ = _cpp(tests_data)
    d = tests_data / "gsea" / "fgsea-cpp"
    sel = np.loadtxt(d / "cumulative_selectedStats.tsv", dtype=np.int64) - 1
    ref = pd.read_csv(d / "ref_calcGseaStatCumulative.tsv", sep="\t")
    ref = ref[ref.scoreType == "std"].sort_values("prefix_index0")
    w = K.gene_weights(stats_, 1.0)
    es = [K.enrichment_score(w, np.sort(sel[: i + 1]))[0] for i in range(sel.size)]
    np.testing.assert_allclose(es, ref["value"], rtol=0, atol=1e-12)


# ----------------------------------------------------------------------------- brute force
@settings(max_examples=150, deadline=None)
@given(
    scores=st.lists(st.floats(-50, 50, allow_nan=False), min_size=3, max_size=40),
    data=st.data(),
    p=st.sampled_from([0.0, 0.5, 1.0, 2.0]),
)
def test_es_matches_textbook_definition(scores: list[float], data: st.DataObject, p: float) -> None:
    r = np.sort(np.array(scores))[::-1]
    n = r.size
    k = data.draw(st.integers(1, n - 1))
    members = data.draw(st.sets(st.integers(0, n - 1), min_size=k, max_size=k))
    pos = np.array(sorted(members), dtype=np.int64)
    w = K.gene_weights(r, p)
    es, peak = K.enrichment_score(w, pos)
    assert abs(es) <= 1 + 1e-12
    curve0 = np.concatenate([[0.0], brute_running_sum(r, members, p)])
    if abs(curve0.max() + curve0.min()) < 1e-12:  # a tie in exact arithmetic: rounding decides
        assert min(abs(es), abs(es - curve0.max()), abs(es - curve0.min())) < 1e-12
    else:
        assert es == pytest.approx(brute_es(r, members, p), abs=1e-12)
    curve = K.running_sum_curve(w, pos)
    np.testing.assert_allclose(curve, brute_running_sum(r, members, p), atol=1e-12)
    if es != 0:
        # the curve reaches ES at the peak (ES>0) or just before the hit after the trough (ES<0)
        at = pos[peak] if es > 0 else pos[peak] - 1
        assert curve[at] == pytest.approx(es, abs=1e-12)


def test_null_is_uniform_over_subsets() -> None:
    # N=8, K=3: 56 subsets. Every ES value must appear with the frequency of the subsets
    # that produce it (chi-square against the exact enumeration).
    r = np.array([4.0, 3.1, 2.2, 1.5, -0.5, -1.7, -2.9, -3.6])
    w = K.gene_weights(r, 1.0)
    exact = [K.enrichment_score(w, np.array(c))[0] for c in itertools.combinations(range(8), 3)]
    values, counts = np.unique(np.round(exact, 12), return_counts=True)
    n = 56_000
    sample = K.null_es_unit(w, 3, n, np.random.default_rng(20261125))
    idx = np.searchsorted(values, np.round(sample, 12))
    assert np.all(values[idx] == np.round(sample, 12))  # every random ES is one of the exact values
    observed = np.bincount(idx, minlength=values.size)
    expected = counts / counts.sum() * n
    assert stats.chisquare(observed, expected).pvalue > 1e-3


def test_null_matches_numpy_sampling_in_distribution() -> None:
    rng = np.random.default_rng(5)
    r = np.sort(rng.standard_normal(2000))[::-1]
    w = K.gene_weights(r, 1.0)
    ours = K.null_es_unit(w, 25, 4000, np.random.default_rng(1))
    ref_rng = np.random.default_rng(2)
    theirs = [brute_es(r, set(ref_rng.choice(2000, 25, replace=False).tolist()), 1.0) for _ in range(1500)]
    assert stats.ks_2samp(ours, theirs).pvalue > 1e-3


def test_null_is_reproducible_and_sized() -> None:
    w = K.gene_weights(np.linspace(3, -3, 500), 1.0)
    a = K.null_es_unit(w, 30, 200, np.random.default_rng(9))
    b = K.null_es_unit(w, 30, 200, np.random.default_rng(9))
    assert a.shape == (200,) and np.array_equal(a, b)
    assert np.all(np.abs(a) <= 1)
    with pytest.raises(ValueError, match="k=500"):
        K.null_es_unit(w, 500, 10, np.random.default_rng(0))


def test_null_for_every_gene_set_size_up_to_n_minus_1() -> None:
    w = K.gene_weights(np.linspace(2, -1, 70), 1.0)
    for k in (1, 2, 63, 64, 65, 69):
        x = K.null_es_unit(w, k, 50, np.random.default_rng(k))
        assert np.all(np.isfinite(x))


def test_lowest_bit_fallback_equals_trailing_zeros() -> None:
    # the C kernels' lowest-set-bit index (CPU instruction) and its portable de Bruijn fallback
    for b in range(64):
        x = 1 << b
        assert K._lowest_bit(x | ((x << 1) & 0xFFFFFFFFFFFFFFFF)) == b
        assert K._lowest_bit(x | (1 << 63)) == b
        assert K._tz(x) == b
        assert K._tz(0xFFFFFFFFFFFFFFFF ^ (x - 1)) == b


def test_null_advances_the_generator_like_random_draws() -> None:
    # the C null draws rng.random() through numpy's C interface: with K = N - 1 = 1 of N = 2 genes,
    # one double per sample, position floor(u * 2); the generator then continues as after the draws
    w = K.gene_weights(np.array([2.0, -1.0]), 1.0)
    a = np.random.default_rng(17)
    null = K.null_es_unit(w, 1, 1000, a)
    u = np.random.default_rng(17).random(1000)
    es_top, es_bottom = K.enrichment_score(w, np.array([0]))[0], K.enrichment_score(w, np.array([1]))[0]
    np.testing.assert_array_equal(null, np.where(u < 0.5, es_top, es_bottom))
    b = np.random.default_rng(17)
    b.random(1000)
    assert a.random() == b.random()


def test_null_fills_a_column_slice_only() -> None:
    w = K.gene_weights(np.linspace(3, -3, 400), 1.0)
    sizes = np.array([5, 50])
    big = np.full((2, 30), 7.0)
    K.null_es_nested(w, sizes, 10, np.random.default_rng(3), out=big[:, 10:20])
    assert np.all(big[:, :10] == 7.0) and np.all(big[:, 20:] == 7.0)
    np.testing.assert_array_equal(big[:, 10:20], K.null_es_nested(w, sizes, 10, np.random.default_rng(3)))
    with pytest.raises(TypeError, match="out must be float64"):
        K.null_es_nested(w, sizes, 10, np.random.default_rng(3), out=np.empty((2, 10), dtype=np.float32))


def test_nested_null_is_uniform_for_every_size() -> None:
    # the first K of a random sequence of distinct genes must be a uniform K-subset, for all K
    r = np.array([4.0, 3.1, 2.2, 1.5, -0.5, -1.7, -2.9, -3.6])
    w = K.gene_weights(r, 1.0)
    sizes = np.array([1, 3, 5, 7])
    n = 24_000
    out = K.null_es_nested(w, sizes, n, np.random.default_rng(99))
    assert out.shape == (4, n)
    for row, k in zip(out, sizes):
        exact = [K.enrichment_score(w, np.array(c))[0] for c in itertools.combinations(range(8), k)]
        values, counts = np.unique(np.round(exact, 12), return_counts=True)
        idx = np.searchsorted(values, np.round(row, 12))
        assert np.all(values[np.minimum(idx, values.size - 1)] == np.round(row, 12))
        if values.size > 1:
            observed = np.bincount(idx, minlength=values.size)
            assert stats.chisquare(observed, counts / counts.sum() * n).pvalue > 1e-3


def test_nested_null_matches_single_size_distribution() -> None:
    rng = np.random.default_rng(5)
    w = K.gene_weights(np.sort(rng.standard_normal(3000))[::-1], 1.0)
    nested = K.null_es_nested(w, np.array([20, 150]), 3000, np.random.default_rng(1))
    for row, k in zip(nested, (20, 150)):
        single = K.null_es_unit(w, k, 3000, np.random.default_rng(2))
        assert stats.ks_2samp(row, single).pvalue > 1e-3
    a = K.null_es_nested(w, np.array([20, 150]), 100, np.random.default_rng(8))
    b = K.null_es_nested(w, np.array([20, 150]), 100, np.random.default_rng(8))
    assert np.array_equal(a, b)
    with pytest.raises(ValueError, match="increase strictly"):
        K.null_es_nested(w, np.array([150, 20]), 10, np.random.default_rng(0))
    with pytest.raises(ValueError, match="increase strictly"):
        K.null_es_nested(w, np.array([3000]), 10, np.random.default_rng(0))


# ----------------------------------------------------------------------------- cumulative null
def _draw_sequences(n: int, length: int, n_seq: int, rng: np.random.Generator) -> list[list[int]]:
    """The null's draws, re-done in Python: floor(u * n) from rng.random(), repeats rejected."""
    out = []
    for _ in range(n_seq):
        seq: list[int] = []
        while len(seq) < length:
            p = int(rng.random() * n)
            if p not in seq:
                seq.append(p)
        out.append(seq)
    return out


def test_quantized_weights_sum_exactly_in_any_order() -> None:
    rng = np.random.default_rng(4)
    w = K.gene_weights(rng.standard_normal(5000) * 1e3, 1.5)
    wq = K.quantized_weights(w)
    assert np.all(wq == np.rint(wq)) and wq.sum() < 2.0**53
    idx = rng.permutation(5000)[:800]
    assert np.cumsum(wq[idx])[-1] == np.cumsum(wq[np.sort(idx)])[-1] == int(wq[idx].astype(np.int64).sum())
    np.testing.assert_allclose(wq / wq.sum(), w / w.sum(), rtol=1e-9, atol=1e-15)
    assert np.all(K.quantized_weights(np.zeros(5)) == 0)


@pytest.mark.parametrize("p", [0.0, 1.0, 2.0])
def test_comparison_scores_equal_es_up_to_rounding(p: float) -> None:
    rng = np.random.default_rng(6)
    r = np.sort(np.round(rng.standard_normal(3000), 2))[::-1]
    w = K.gene_weights(r, p)
    sets = [np.sort(rng.choice(3000, k, replace=False)) for k in (1, 2, 15, 64, 300, 2999)]
    flat = np.concatenate(sets)
    offsets = np.concatenate([[0], np.cumsum([s.size for s in sets])])
    es = K.enrichment_scores(w, flat, offsets)[0]
    cmp_ = K.comparison_scores(K.quantized_weights(w), flat, offsets)
    np.testing.assert_allclose(cmp_, es, rtol=0, atol=1e-11)


def test_cumulative_null_scores_each_prefix_like_comparison_scores() -> None:
    # same draws as the nested null; each random prefix gets exactly the bits its sorted set gets
    rng = np.random.default_rng(8)
    w = K.gene_weights(np.sort(np.round(rng.standard_normal(700), 1))[::-1], 1.0)
    wq = K.quantized_weights(w)
    sizes = np.array([1, 2, 3, 17, 63, 64, 65, 200, 699])
    null = K.null_es_cumulative(wq, sizes, 6, np.random.default_rng(12))
    seqs = _draw_sequences(700, 699, 6, np.random.default_rng(12))
    sets = [np.sort(seq[:k]) for seq in seqs for k in sizes]
    flat = np.concatenate(sets)
    offsets = np.concatenate([[0], np.cumsum([s.size for s in sets])])
    ref = K.comparison_scores(wq, flat, offsets).reshape(6, sizes.size).T
    np.testing.assert_array_equal(null, ref)
    nested = K.null_es_nested(w, sizes, 6, np.random.default_rng(12))
    np.testing.assert_allclose(null, nested, rtol=0, atol=1e-12)


def test_cumulative_null_values_are_exact_subset_scores_and_uniform() -> None:
    # N=8: every random score is bit-equal to the score of one of the C(8, K) subsets, at the
    # subsets' frequencies (chi-square), for every K of the nested sequence
    w = K.gene_weights(np.array([4.0, 3.1, 2.2, 1.5, 1.5, -1.7, -2.9, -3.6]), 1.0)
    wq = K.quantized_weights(w)
    sizes = np.array([1, 3, 5, 7])
    n = 24_000
    out = K.null_es_cumulative(wq, sizes, n, np.random.default_rng(99))
    for row, k in zip(out, sizes):
        subsets = [np.array(c) for c in itertools.combinations(range(8), k)]
        exact = K.comparison_scores(wq, np.concatenate(subsets), np.arange(0, k * len(subsets) + 1, k))
        values, counts = np.unique(exact, return_counts=True)
        idx = np.minimum(np.searchsorted(values, row), values.size - 1)
        assert np.array_equal(values[idx], row)
        if values.size > 1:
            observed = np.bincount(idx, minlength=values.size)
            assert stats.chisquare(observed, counts / counts.sum() * n).pvalue > 1e-3


def test_weights_that_overflow_are_refused_naming_the_weight():
    from mamsets.errors import InputError

    scores = np.array([3e200, 1e200, -2e200, 5.0])
    with pytest.raises(InputError, match=r"weight=2.*overflows.*rescale"):
        K.gene_weights(scores, 2.0)
    assert np.all(np.isfinite(K.gene_weights(scores, 1.0)))


def test_positions_outside_the_ranking_are_refused_before_the_kernel():
    w = np.ones(10)
    with pytest.raises(ValueError, match=r"\[0, N=10\)"):
        K.enrichment_scores(w, np.array([2, 10], dtype=np.int64), np.array([0, 2], dtype=np.int64))
    with pytest.raises(ValueError, match="offsets"):
        K.enrichment_scores(w, np.array([2, 3], dtype=np.int64), np.array([0, 3], dtype=np.int64))
    with pytest.raises(ValueError, match=r"\[0, N=10\)"):
        K.comparison_scores(w, np.array([-1, 3], dtype=np.int64), np.array([0, 2], dtype=np.int64))
