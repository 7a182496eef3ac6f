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

The loops are C (``_c/gsea_kernel.c``, compiled at install time and called through
ctypes, which releases the GIL), so the null distributions can be computed by several
threads without copying data; this module checks the arguments and documents the API.
"""

from __future__ import annotations

import ctypes
import math

import numpy as np

from ..errors import InputError
from ._clib import declare, f64p, i64p, ptr

__all__ = [
    "comparison_scores",
    "enrichment_score",
    "enrichment_scores",
    "gene_weights",
    "leading_edge_positions",
    "null_es_cumulative",
    "null_es_nested",
    "null_es_unit",
    "quantized_weights",
    "running_sum_curve",
]

_es_batch = declare("mamsets_gsea_es_batch", None, f64p, ctypes.c_int64, i64p, i64p, ctypes.c_int64,
                    f64p, i64p)
_null_nested = declare("mamsets_gsea_null_nested", ctypes.c_int64, f64p, ctypes.c_int64, i64p,
                       ctypes.c_int64, ctypes.c_int64, ctypes.c_void_p, ctypes.c_void_p, f64p,
                       ctypes.c_int64)
_cmp_batch = declare("mamsets_gsea_cmp_batch", ctypes.c_int64, f64p, ctypes.c_int64, i64p, i64p,
                     ctypes.c_int64, f64p)
_null_cumulative = declare("mamsets_gsea_null_cumulative", ctypes.c_int64, f64p, ctypes.c_int64, i64p,
                           ctypes.c_int64, ctypes.c_int64, ctypes.c_void_p, ctypes.c_void_p, f64p,
                           ctypes.c_int64)
_null_cumulative_full = declare("mamsets_gsea_null_cumulative_full", ctypes.c_int64, f64p, ctypes.c_int64,
                                i64p, ctypes.c_int64, ctypes.c_int64, ctypes.c_void_p, ctypes.c_void_p,
                                f64p, ctypes.c_int64)
_lowest_bit = declare("mamsets_lowest_bit_debruijn", ctypes.c_int64, ctypes.c_uint64)
_tz = declare("mamsets_lowest_bit", ctypes.c_int64, ctypes.c_uint64)


def gene_weights(sorted_scores: np.ndarray, weight: float) -> np.ndarray:
    """Return ``|score| ** weight`` as float64 (``0 ** 0`` is 1, as in fgsea's ``abs(r)^0``).

    Parameters
    ----------
    sorted_scores : numpy.ndarray
        Gene-level scores sorted by decreasing value.
    weight : float
        The GSEA weight ``p`` (0 gives the classic Kolmogorov-Smirnov statistic).
    """
    with np.errstate(over="ignore"):
        w = np.power(np.abs(np.asarray(sorted_scores, dtype=np.float64)), float(weight))
        total = w.sum() if w.size else 0.0
    if not (np.isfinite(total) and np.all(np.isfinite(w))):
        big = float(np.max(np.abs(sorted_scores))) if w.size else 0.0
        raise InputError(
            f"weight={weight}: |score| ** weight overflows float64 (largest |score| is {big:.3g}), "
            "so every enrichment score would be 0; rescale the scores (e.g. use a t statistic or "
            "-log10 p times the sign) or use weight=1 or weight=0"
        )
    return w


def _check_positions(flat: np.ndarray, offsets: np.ndarray, n_genes: int) -> None:
    """Refuse positions outside ``[0, N)`` and offsets that are not a partition of ``flat``."""
    if offsets.size < 1 or offsets[0] != 0 or offsets[-1] != flat.size or np.any(np.diff(offsets) < 0):
        raise ValueError(f"offsets must rise from 0 to len(flat)={flat.size}, got {offsets[:5]}...")
    if flat.size and (flat.min() < 0 or flat.max() >= n_genes):
        raise ValueError(f"positions must lie in [0, N={n_genes}), got {flat.min()}..{flat.max()}")


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
    pos = np.ascontiguousarray(pos, dtype=np.int64)
    es, peak = enrichment_scores(w, pos, np.array([0, pos.size], dtype=np.int64))
    return float(es[0]), int(peak[0])


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
    w = np.ascontiguousarray(w, dtype=np.float64)
    flat = np.ascontiguousarray(flat, dtype=np.int64)
    offsets = np.ascontiguousarray(offsets, dtype=np.int64)
    _check_positions(flat, offsets, w.shape[0])
    _es_batch(ptr(w, f64p), w.shape[0], ptr(flat, i64p), ptr(offsets, i64p), n_sets, ptr(es, f64p),
              ptr(peak, i64p))
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
    sizes = _check_sizes(sizes, w.shape[0])
    return _run_null(_null_nested, w, sizes, n_samples, rng, out)


def _run_null(fn, w: np.ndarray, sizes: np.ndarray, n_samples: int, rng: np.random.Generator,
              out: np.ndarray | None) -> np.ndarray:
    """Call a C null kernel with the generator's C interface (under its lock)."""
    if out is None:
        out = np.empty((sizes.size, n_samples), dtype=np.float64)
    if (out.dtype != np.float64 or out.shape != (sizes.size, n_samples)
            or (n_samples > 1 and out.strides[1] != 8) or out.strides[0] % 8):
        raise TypeError(f"out must be float64 of shape ({sizes.size}, {n_samples}) with contiguous rows")
    w = np.ascontiguousarray(w, dtype=np.float64)
    bitgen = rng.bit_generator
    c = bitgen.ctypes                     # numpy's C interface: the same doubles as rng.random()
    with bitgen.lock:
        status = fn(ptr(w, f64p), w.shape[0], ptr(sizes, i64p), sizes.size, int(n_samples),
                    c.state_address, ctypes.cast(c.next_double, ctypes.c_void_p).value,
                    out.ctypes.data_as(f64p), out.strides[0] // 8)
    if status != 0:
        raise MemoryError("no memory for the null's scratch arrays")
    return out


def _check_sizes(sizes: np.ndarray, n: int) -> np.ndarray:
    sizes = np.ascontiguousarray(sizes, dtype=np.int64)
    if sizes.size == 0 or sizes[0] < 1 or sizes[-1] >= n or np.any(np.diff(sizes) <= 0):
        raise ValueError(f"sizes must increase strictly within [1, N-1={n - 1}], got {sizes[:5]}...")
    return sizes


def quantized_weights(w: np.ndarray) -> np.ndarray:
    """Gene weights rounded to integers (as float64) whose total stays below ``2**53``.

    ``rint(w * 2**e)`` with the largest ``e`` such that ``sum(w) * 2**e < 2**52``: every
    partial sum of these weights is exact in float64, in any order of addition, which is
    what :func:`comparison_scores` and :func:`null_es_cumulative` rely on. Relative
    rounding of a weight is about ``N * mean(w) / w * 2**-53``.

    Parameters
    ----------
    w : numpy.ndarray
        ``|score| ** weight`` (finite, non-negative).
    """
    w = np.ascontiguousarray(w, dtype=np.float64)
    total = float(w.sum())
    e = 52 - math.frexp(total)[1] if total > 0 else 0
    return np.rint(np.ldexp(w, e))


def comparison_scores(wq: np.ndarray, flat: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    r"""ES of many sets computed the way :func:`null_es_cumulative` computes random ES.

    Equal to :func:`enrichment_scores` up to rounding (the weights are
    :func:`quantized_weights`), and a function of the set alone: a random set equal to an
    observed set gets bit-identical scores, so counts of random ES at least as extreme as
    the observed one treat exact ties consistently.

    Parameters
    ----------
    wq : numpy.ndarray
        :func:`quantized_weights` of the gene weights.
    flat, offsets : numpy.ndarray
        As for :func:`enrichment_scores`.

    Notes
    -----
    With :math:`S_i` the sum of quantised weights of hits :math:`0..i` (:math:`S_{-1} = 0`),
    :math:`m_i = p_i - i`, :math:`N_R = S_{K-1}` and :math:`\lambda = N_R / (N - K)`, the
    score is :math:`\max_i (S_i - \lambda m_i) / N_R` or :math:`\min_i (S_{i-1} - \lambda
    m_i) / N_R`, whichever is larger in absolute value (0 on a tie).
    """
    wq = np.ascontiguousarray(wq, dtype=np.float64)
    flat = np.ascontiguousarray(flat, dtype=np.int64)
    offsets = np.ascontiguousarray(offsets, dtype=np.int64)
    _check_positions(flat, offsets, wq.shape[0])
    out = np.empty(offsets.size - 1, dtype=np.float64)
    if _cmp_batch(ptr(wq, f64p), wq.shape[0], ptr(flat, i64p), ptr(offsets, i64p), out.size,
                  ptr(out, f64p)) != 0:
        raise MemoryError("no memory for the scores' scratch arrays")
    return out


def null_es_cumulative(wq: np.ndarray, sizes: np.ndarray, n_samples: int, rng: np.random.Generator,
                       out: np.ndarray | None = None) -> np.ndarray:
    """:func:`null_es_nested`'s random sets (the same draws), scored as :func:`comparison_scores`.

    Each random sequence grows one member at a time, kept sorted in chunks; each chunk keeps
    bounds of its largest and smallest running-sum terms, so a size folds only the chunks
    that can hold an extreme (no sorting and no division per member). The scores are the
    same bits as folding every member (``mamsets_gsea_null_cumulative_full``, kept for the
    tests).

    Parameters
    ----------
    wq : numpy.ndarray
        :func:`quantized_weights` of the gene weights (length N).
    sizes, n_samples, rng, out
        As for :func:`null_es_nested`.

    Returns
    -------
    numpy.ndarray
        ``out[i, j]``: comparison ES of the first ``sizes[i]`` genes of sequence ``j``.
    """
    sizes = _check_sizes(sizes, wq.shape[0])
    return _run_null(_null_cumulative, wq, sizes, n_samples, rng, out)
