"""Numeric kernels of preranked GSEA: enrichment scores, running sums and permutation nulls.

Plain numbers in, plain numbers out (no pandas, no gene names). Everything works on
a ranking already sorted by decreasing score and on *positions* (0-based ranks) of
set members in that ranking. The public engine is :func:`mamsets.engines.gsea.gsea`.

Conventions shared by every function here
-----------------------------------------
``w``
    ``|score| ** weight`` of the ranked genes, in ranking order (float64, length N).
``pos``
    Strictly increasing int64 positions of the K members of one set (``0 <= pos < N``,
    ``1 <= K < N``).

The kernels are compiled with numba (``cache=True``, ``nogil=True``) so that the
null distributions can be computed by several threads without copying data.
"""

from __future__ import annotations

import numba
import numpy as np

__all__ = [
    "gene_weights",
    "enrichment_score",
    "enrichment_scores",
    "running_sum_curve",
    "leading_edge_positions",
    "null_es_unit",
    "null_es_nested",
]

_NJIT = {"cache": True, "nogil": True}

# 64-bit de Bruijn sequence and table: index of the lowest set bit of a word in O(1).
_DEBRUIJN = 0x03F79D71B4CB0A89
_DEBRUIJN_TABLE = np.zeros(64, dtype=np.int64)
for _i in range(64):
    _DEBRUIJN_TABLE[(((1 << _i) * _DEBRUIJN) & 0xFFFFFFFFFFFFFFFF) >> 58] = _i
del _i


def gene_weights(sorted_scores: np.ndarray, weight: float) -> np.ndarray:
    """Return ``|score| ** weight`` as float64 (``0 ** 0`` is 1, as in fgsea's ``abs(r)^0``).

    Parameters
    ----------
    sorted_scores : numpy.ndarray
        Gene-level scores sorted by decreasing value.
    weight : float
        The GSEA weight ``p`` (0 gives the classic Kolmogorov-Smirnov statistic).
    """
    return np.power(np.abs(np.asarray(sorted_scores, dtype=np.float64)), float(weight))


@numba.njit(**_NJIT)
def _es_core(w: np.ndarray, pos: np.ndarray, n_genes: int) -> tuple[float, int]:
    """ES of one set and the index (into ``pos``) of the hit where it is reached."""
    k = pos.shape[0]
    nr = 0.0
    for i in range(k):
        nr += w[pos[i]]
    miss_step = 1.0 / (n_genes - k)
    top_max = -np.inf
    top_arg = 0
    bottom_min = np.inf
    bottom_arg = 0
    cum = 0.0
    if nr == 0.0:  # all member weights 0: every hit steps 1/K (fgsea's convention)
        for i in range(k):
            top = (i + 1) / k - (pos[i] - i) * miss_step
            bottom = top - 1.0 / k
            if top > top_max:
                top_max = top
                top_arg = i
            if bottom < bottom_min:
                bottom_min = bottom
                bottom_arg = i
    else:
        for i in range(k):
            step = w[pos[i]] / nr
            cum += step
            top = cum - (pos[i] - i) * miss_step
            bottom = top - step
            if top > top_max:
                top_max = top
                top_arg = i
            if bottom < bottom_min:
                bottom_min = bottom
                bottom_arg = i
    top_max = min(top_max, 1.0)  # rounding of the summed steps must not exceed |ES| = 1
    bottom_min = max(bottom_min, -1.0)
    if top_max > -bottom_min:
        return top_max, top_arg
    if top_max < -bottom_min:
        return bottom_min, bottom_arg
    return 0.0, -1


@numba.njit(**_NJIT)
def _es_value(w: np.ndarray, pos: np.ndarray, n_genes: int, nr: float) -> float:
    """ES only (no peak), given N_R summed over ``pos`` in order: the null's inner loop.

    Same arithmetic as :func:`_es_core`, so the same set gets a bit-identical score.
    """
    k = pos.shape[0]
    miss_step = 1.0 / (n_genes - k)
    top_max = -np.inf
    bottom_min = np.inf
    if nr == 0.0:
        for i in range(k):
            top = (i + 1) / k - (pos[i] - i) * miss_step
            bottom = top - 1.0 / k
            if top > top_max:
                top_max = top
            if bottom < bottom_min:
                bottom_min = bottom
    else:
        cum = 0.0
        for i in range(k):
            step = w[pos[i]] / nr
            cum += step
            top = cum - (pos[i] - i) * miss_step
            bottom = top - step
            if top > top_max:
                top_max = top
            if bottom < bottom_min:
                bottom_min = bottom
    top_max = min(top_max, 1.0)
    bottom_min = max(bottom_min, -1.0)
    if top_max > -bottom_min:
        return top_max
    if top_max < -bottom_min:
        return bottom_min
    return 0.0


def enrichment_score(w: np.ndarray, pos: np.ndarray) -> tuple[float, int]:
    """Enrichment score of one set and the hit index where it is reached.

    Parameters
    ----------
    w : numpy.ndarray
        ``|score| ** weight`` in ranking order, length N.
    pos : numpy.ndarray
        Sorted int64 positions of the K members (``1 <= K < N``).

    Returns
    -------
    es : float
        The running-sum deviation of largest absolute value; ``0.0`` when the
        largest positive and negative deviations are exactly equal in size.
    peak : int
        Index into ``pos`` of the hit where ES is reached (for ES < 0, the hit right
        after the trough); ``-1`` when ES is 0 by that tie rule.

    Notes
    -----
    With hits at positions :math:`p_1 < \\dots < p_K` (0-based), weights
    :math:`w_j = |r_j|^p`, :math:`N_R = \\sum_{i} w_{p_i}` and :math:`N` genes, the
    running sum just after hit :math:`i` (1-based) is

    .. math:: T_i = \\sum_{j \\le i} \\frac{w_{p_j}}{N_R} - \\frac{p_i - (i - 1)}{N - K}

    and just before it :math:`B_i = T_i - w_{p_i}/N_R`. Between hits the sum only
    decreases, so its extremes are :math:`\\max_i T_i` and :math:`\\min_i B_i`, and
    :math:`ES` is the one of larger absolute value (Subramanian et al. 2005; fgsea's
    ``calcGseaStat``). If :math:`N_R = 0` every hit steps :math:`1/K`. O(K).

    References
    ----------
    Subramanian A et al. (2005) PNAS 102:15545-15550. doi:10.1073/pnas.0506580102
    """
    es, peak = _es_core(w, np.ascontiguousarray(pos, dtype=np.int64), w.shape[0])
    return float(es), int(peak)


@numba.njit(**_NJIT)
def _es_batch(w: np.ndarray, flat: np.ndarray, offsets: np.ndarray,
              es: np.ndarray, peak: np.ndarray) -> None:
    n = w.shape[0]
    for s in range(offsets.shape[0] - 1):
        e, p = _es_core(w, flat[offsets[s]:offsets[s + 1]], n)
        es[s] = e
        peak[s] = p


def enrichment_scores(w: np.ndarray, flat: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """ES of many sets at once.

    Parameters
    ----------
    w : numpy.ndarray
        ``|score| ** weight`` in ranking order.
    flat : numpy.ndarray
        Concatenated sorted positions of every set (int64).
    offsets : numpy.ndarray
        Set ``s`` is ``flat[offsets[s]:offsets[s + 1]]`` (length n_sets + 1).

    Returns
    -------
    es : numpy.ndarray of float64
    peak : numpy.ndarray of int64
        See :func:`enrichment_score`.
    """
    n_sets = offsets.shape[0] - 1
    es = np.empty(n_sets, dtype=np.float64)
    peak = np.empty(n_sets, dtype=np.int64)
    _es_batch(np.ascontiguousarray(w, dtype=np.float64), np.ascontiguousarray(flat, dtype=np.int64),
              np.ascontiguousarray(offsets, dtype=np.int64), es, peak)
    return es, peak


def running_sum_curve(w: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """The running sum after each ranked gene (length N), for plots.

    Hits step up by ``w[p] / N_R`` (``1/K`` if ``N_R == 0``), misses step down by
    ``1 / (N - K)``; the curve starts at 0 before the first gene and ends at 0.
    Its extreme equals :func:`enrichment_score` (up to rounding).
    """
    n = w.shape[0]
    k = pos.shape[0]
    hit = np.zeros(n, dtype=bool)
    hit[pos] = True
    nr = float(w[pos].sum())
    step_hit = w / nr if nr > 0 else np.full(n, 1.0 / k)
    steps = np.where(hit, step_hit, -1.0 / (n - k))
    return np.cumsum(steps)


def leading_edge_positions(pos: np.ndarray, es: float, peak: int) -> np.ndarray:
    """Positions of the leading-edge members, most extreme first.

    For ES > 0 the hits at or before the peak, from the top of the ranking down;
    for ES < 0 the hits at or after the trough, from the bottom of the ranking up
    (fgsea's order); empty when ES is 0.
    """
    if es > 0:
        return pos[: peak + 1].copy()
    if es < 0:
        return pos[peak:][::-1].copy()
    return pos[:0].copy()


@numba.njit(**_NJIT)
def _lowest_bit(x: np.uint64, table: np.ndarray) -> int:
    low = x & (~x + np.uint64(1))
    return table[(low * np.uint64(0x03F79D71B4CB0A89)) >> np.uint64(58)]


try:  # the CPU's count-trailing-zeros instruction (an LLVM intrinsic exposed by numba)
    from numba.cpython.unsafe.numbers import trailing_zeros as _trailing_zeros

    @numba.njit(**_NJIT)
    def _tz(x: np.uint64, table: np.ndarray) -> int:
        return _trailing_zeros(x)

except ImportError:  # pragma: no cover - older/newer numba without it: de Bruijn lookup
    _tz = _lowest_bit


def null_es_unit(w: np.ndarray, k: int, n_samples: int, rng: np.random.Generator,
                 out: np.ndarray | None = None) -> np.ndarray:
    """ES of ``n_samples`` random sets of size ``k`` drawn uniformly from the ranking.

    One size of :func:`null_es_nested` (the same kernel and the same draws). Each random set is ``k`` distinct positions drawn uniformly without replacement
    (rejection of repeats, positions ``floor(u * N)`` from ``rng.random()``, whose
    bias is below ``N / 2**53``). Its ES is computed by :func:`enrichment_score` on
    the sorted positions, so a random set equal to an observed set gets a
    bit-identical score. Cost O(k + N/4096) per sample (a two-level bitset
    returns the drawn positions in order without sorting).

    Parameters
    ----------
    w : numpy.ndarray
        ``|score| ** weight`` in ranking order (length N > k).
    k : int
        Set size, ``1 <= k < N``.
    n_samples : int
        Number of random sets.
    rng : numpy.random.Generator
        Consumed by this call only.
    out : numpy.ndarray, optional
        float64 array of length ``n_samples`` to fill.

    Returns
    -------
    numpy.ndarray
        The random enrichment scores, in drawing order.
    """
    n = w.shape[0]
    if not 1 <= k < n:
        raise ValueError(f"set size k={k} must satisfy 1 <= k < N={n}")
    if out is None:
        out = np.empty(n_samples, dtype=np.float64)
    null_es_nested(w, np.array([k], dtype=np.int64), n_samples, rng, out=out.reshape(1, -1))
    return out


@numba.njit(**_NJIT)
def _null_es_nested(w: np.ndarray, sizes: np.ndarray, n_samples: int, rng: np.random.Generator,
                    out: np.ndarray, table: np.ndarray) -> None:
    # One random sequence of distinct genes per sample; the set of size K is its first K genes.
    n = w.shape[0]
    n_sizes = sizes.shape[0]
    kmax = sizes[n_sizes - 1]
    n_words = (n + 63) >> 6
    n_summary = (n_words + 63) >> 6
    bits = np.zeros(n_words, dtype=np.uint64)
    summary = np.zeros(n_summary, dtype=np.uint64)
    drawn = np.empty(kmax, dtype=np.int64)
    pos = np.empty(kmax, dtype=np.int64)
    one = np.uint64(1)
    for j in range(n_samples):
        c = 0
        for si in range(n_sizes):
            target = sizes[si]
            while c < target:
                p = int(rng.random() * n)
                word = p >> 6
                bit = one << np.uint64(p & 63)
                if bits[word] & bit:
                    continue
                bits[word] |= bit
                summary[word >> 6] |= one << np.uint64(word & 63)
                drawn[c] = p
                c += 1
            t = 0
            nr = 0.0
            for sw in range(n_summary):
                y = summary[sw]
                while y:
                    word = (sw << 6) + _tz(y, table)
                    y &= y - one
                    x = bits[word]
                    base = word << 6
                    q = base + _tz(x, table)
                    pos[t] = q
                    nr += w[q]
                    t += 1
                    x &= x - one
                    while x:
                        q = base + _tz(x, table)
                        pos[t] = q
                        nr += w[q]
                        t += 1
                        x &= x - one
            out[si, j] = _es_value(w, pos[:target], n, nr)
        for c in range(kmax):
            bits[drawn[c] >> 6] = np.uint64(0)
            summary[drawn[c] >> 12] = np.uint64(0)


def null_es_nested(w: np.ndarray, sizes: np.ndarray, n_samples: int, rng: np.random.Generator,
                   out: np.ndarray | None = None) -> np.ndarray:
    """Random ES for several set sizes at once, from nested random sets (as fgsea does).

    For each sample, distinct genes are drawn uniformly one after another (as in
    :func:`null_es_unit`); the random set of size ``K`` is the first ``K`` of them, so
    for every size it is a uniform random ``K``-subset, and the draws are shared by
    all sizes (cost O(max K) draws plus O(K + N/4096) per size, instead of O(sum K)
    draws). Scores of different sizes within one sample are dependent (nested sets);
    each size's scores are an exact permutation sample.

    Parameters
    ----------
    w : numpy.ndarray
        ``|score| ** weight`` in ranking order (length N).
    sizes : numpy.ndarray
        Strictly increasing set sizes, ``1 <= K < N``.
    n_samples : int
        Random sequences (columns of ``out``).
    rng : numpy.random.Generator
        Consumed by this call only.
    out : numpy.ndarray, optional
        float64 array (len(sizes), n_samples) to fill (may be a column slice).

    Returns
    -------
    numpy.ndarray
        ``out[i, j]``: ES of the first ``sizes[i]`` genes of sequence ``j``.
    """
    n = w.shape[0]
    sizes = np.ascontiguousarray(sizes, dtype=np.int64)
    if sizes.size == 0 or sizes[0] < 1 or sizes[-1] >= n or np.any(np.diff(sizes) <= 0):
        raise ValueError(f"sizes must increase strictly within [1, N-1={n - 1}], got {sizes[:5]}...")
    if out is None:
        out = np.empty((sizes.size, n_samples), dtype=np.float64)
    _null_es_nested(np.ascontiguousarray(w, dtype=np.float64), sizes, int(n_samples), rng, out,
                    _DEBRUIJN_TABLE)
    return out
