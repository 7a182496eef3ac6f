"""The lazy cumulative null (bounds per chunk) against the full fold it replaces, bit for bit.

``mamsets_gsea_null_cumulative`` folds only the chunks whose bounds can reach the extremes;
``mamsets_gsea_null_cumulative_full`` (the previous kernel, kept for these tests) folds every
member for every size. Both draw the same members, so their outputs must be the same bits, on
rankings with ties, exact zeros, weight 0 (every weight equal: many exact ties) and at scale.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from mamsets.engines import _gsea_kernel as K


def _both(wq: np.ndarray, sizes: np.ndarray, n_samples: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    sizes = K._check_sizes(sizes, wq.shape[0])
    lazy = K._run_null(K._null_cumulative, wq, sizes, n_samples, np.random.default_rng(seed), None)
    full = K._run_null(K._null_cumulative_full, wq, sizes, n_samples, np.random.default_rng(seed), None)
    return lazy, full


def _same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and np.array_equal(a.view(np.uint64), b.view(np.uint64))


def _ranking(rng: np.random.Generator, n: int, kind: str) -> np.ndarray:
    """Sorted scores: gaussian, rounded (ties), with exact zeros, few distinct values, one giant."""
    x = rng.standard_normal(n)
    if kind == "ties":
        x = np.round(x, 1)
    elif kind == "zeros":
        x[rng.random(n) < 0.4] = 0.0
    elif kind == "few":
        x = rng.choice([-2.0, -1.0, 0.0, 1.0, 3.0], size=n)
    elif kind == "giant":
        x[rng.integers(n)] = 1e6
    return np.sort(x)[::-1]


@pytest.mark.parametrize("kind", ["plain", "ties", "zeros", "few", "giant"])
@pytest.mark.parametrize("p", [0.0, 0.5, 1.0, 2.0])
def test_lazy_equals_full_on_small_rankings(kind: str, p: float) -> None:
    rng = np.random.default_rng([["plain", "ties", "zeros", "few", "giant"].index(kind), int(p * 2)])
    for _ in range(12):
        n = int(rng.integers(20, 201))
        wq = K.quantized_weights(K.gene_weights(_ranking(rng, n, kind), p))
        n_sizes = int(rng.integers(1, min(n - 1, 60) + 1))
        sizes = np.sort(rng.choice(np.arange(1, n), size=n_sizes, replace=False))
        lazy, full = _both(wq, sizes, 40, int(rng.integers(2**31)))
        assert _same_bits(lazy, full), (kind, p, n, sizes[:5])


def test_lazy_equals_full_on_every_size_up_to_n_minus_1() -> None:
    # consecutive sizes 1..N-1: one insertion per size, many chunk splits, lambda up to N_R
    rng = np.random.default_rng(11)
    for n, p in [(150, 1.0), (150, 0.0), (300, 1.0), (97, 2.0)]:
        wq = K.quantized_weights(K.gene_weights(_ranking(rng, n, "ties"), p))
        lazy, full = _both(wq, np.arange(1, n), 30, n)
        assert _same_bits(lazy, full)


def test_lazy_equals_full_on_a_large_ranking() -> None:
    # issue 15's shape: 20,000 genes, sizes 15..500
    rng = np.random.default_rng(20240601)
    scores = np.sort(rng.standard_normal(20000))[::-1]
    sizes = np.unique(rng.integers(15, 500, size=5000, endpoint=True))
    for p in (1.0, 0.0):
        wq = K.quantized_weights(K.gene_weights(scores, p))
        lazy, full = _both(wq, sizes, 25, 3)
        assert _same_bits(lazy, full)


def test_lazy_equals_full_with_sparse_sizes_and_bulk_rebuilds() -> None:
    # gaps of >= 32 members rebuild the chunks from the bitset between scores
    rng = np.random.default_rng(5)
    wq = K.quantized_weights(K.gene_weights(_ranking(rng, 5000, "zeros"), 1.0))
    lazy, full = _both(wq, np.array([3, 40, 41, 42, 200, 201, 900, 4999]), 60, 8)
    assert _same_bits(lazy, full)


@pytest.mark.parametrize("p", [0.0, 1.0])
def test_lazy_null_scores_equal_observed_sets_bit_for_bit(p: float) -> None:
    # a random prefix gets exactly the bits comparison_scores gives the same set, however its
    # members were drawn; with weight 0 many different sets tie exactly
    n = 9
    w = K.gene_weights(np.array([4.0, 3.0, 3.0, 1.5, 0.0, 0.0, -1.7, -2.9, -2.9]), p)
    wq = K.quantized_weights(w)
    sizes = np.array([1, 2, 4, 5, 8])
    null = K.null_es_cumulative(wq, sizes, 6000, np.random.default_rng(21))
    for row, k in zip(null, sizes):
        subsets = [np.array(c) for c in itertools.combinations(range(n), k)]
        exact = K.comparison_scores(wq, np.concatenate(subsets), np.arange(0, k * len(subsets) + 1, k))
        values = np.unique(exact)
        idx = np.minimum(np.searchsorted(values, row), values.size - 1)
        assert _same_bits(values[idx], row)
