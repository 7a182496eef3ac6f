"""The gene-set permutation null shared by our GSEA methods.

Random ES for every tested set size (:func:`null_matrix`, chunked and seeded so
results do not depend on ``n_jobs``), the NES, counts and GSEA desktop's FDR
derived from them (:func:`null_stats`, :func:`fdr_gsea`), the standard errors of
log2 p-values fgsea reports, and :func:`permutation_pass`, the first pass every
method of :mod:`mamsets.engines.native` starts from. The formulas are in
:func:`mamsets.engines.gsea.gsea`'s Notes.
"""

from __future__ import annotations

import ctypes
import math
import sys
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..errors import MamsetsWarning
from . import _gsea_kernel as _k
from ._clib import declare, f64p, i64p, ptr

if TYPE_CHECKING:
    from ._gsea_inputs import GseaOptions, GseaSets

__all__ = [
    "PERM_CHUNK",
    "NullStats",
    "PermutationPass",
    "align_ties",
    "fdr_gsea",
    "gsea_rows",
    "leading_edges",
    "multilevel_log2err",
    "null_matrix",
    "null_stats",
    "permutation_pass",
    "simple_log2err",
    "unit_seed",
    "warn_unbalanced",
]

#: Random sequences per work unit of the permutation null. Each chunk has its own
#: seed derived from the run's seed, so results do not depend on ``n_jobs`` or on
#: the order of the sets.
PERM_CHUNK = 250

_LN2 = math.log(2.0)

_fdr_kernel = declare("mamsets_gsea_fdr_tails", ctypes.c_int64, f64p, ctypes.c_int64, i64p, f64p, f64p,
                      f64p, ctypes.c_int64, ctypes.c_int64, f64p, ctypes.c_int64, f64p, ctypes.c_int64,
                      f64p, f64p, i64p)
_row_means_kernel = declare("mamsets_gsea_row_means", None, f64p, ctypes.c_int64, ctypes.c_int64,
                            ctypes.c_int64, f64p, f64p)


def unit_seed(ss: np.random.SeedSequence, *key: int) -> np.random.SeedSequence:
    return np.random.SeedSequence(ss.entropy, spawn_key=tuple(ss.spawn_key) + tuple(key),
                                  pool_size=ss.pool_size)


def _progress(total: int, desc: str):  # pragma: no cover - only with a terminal
    if total < 4 or not (hasattr(sys.stderr, "isatty") and sys.stderr.isatty()):
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, unit="unit", leave=False, file=sys.stderr)


def null_matrix(wq: np.ndarray, sizes: np.ndarray, n_perm: int, ss: np.random.SeedSequence,
                 n_jobs: int) -> np.ndarray:
    """Random ES for each distinct size (rows) and ``n_perm`` random sets (columns).

    Column ``j`` holds the ES of the first ``K`` genes of one random sequence of distinct
    genes, for every size ``K`` (nested random sets, as fgsea), scored by
    :func:`~mamsets.engines._gsea_kernel.null_es_cumulative` from the quantised weights
    ``wq``. Work units are chunks of :data:`PERM_CHUNK` columns, each with its own seed.
    """
    out = np.empty((sizes.size, n_perm), dtype=np.float64)
    units = list(range(0, n_perm, PERM_CHUNK))

    def work(c: int) -> None:
        m = min(PERM_CHUNK, n_perm - c)
        rng = np.random.default_rng(unit_seed(ss, 0, c // PERM_CHUNK))
        _k.null_es_cumulative(wq, sizes, m, rng, out=out[:, c:c + m])

    bar = _progress(len(units), "gsea permutations")
    try:
        if n_jobs == 1 or len(units) == 1:
            for u in units:
                work(u)
                if bar is not None:
                    bar.update()
        else:
            with ThreadPoolExecutor(max_workers=n_jobs) as pool:
                for _ in pool.map(work, units):
                    if bar is not None:
                        bar.update()
    finally:
        if bar is not None:
            bar.close()
    return out


@dataclass
class NullStats:
    """Per-set statistics from the permutation null (arrays over tested sets)."""

    k: np.ndarray        # random ES at least as extreme (same sign)
    n_sign: np.ndarray   # random ES of the same sign (>= 0 for ES >= 0, <= 0 for ES < 0)
    nes: np.ndarray
    null_nes: np.ndarray  # (n_sizes, n_perm) null ES normalised per size and sign
    mean_pos: np.ndarray
    mean_neg: np.ndarray


def null_stats(es: np.ndarray, size_row: np.ndarray, null: np.ndarray) -> NullStats:
    """Counts, NES and normalised null from the random ES (``null`` is sorted and
    normalised in place, so no copy of the (sizes x n_perm) matrix is made)."""
    n_perm = null.shape[1]
    n_rows = null.shape[0]
    null.sort(axis=1)
    lo0 = np.array([np.searchsorted(null[r], 0.0, "left") for r in range(n_rows)], dtype=np.int64)
    hi0 = np.array([np.searchsorted(null[r], 0.0, "right") for r in range(n_rows)], dtype=np.int64)
    n_pos = n_perm - lo0                              # random ES >= 0
    n_neg = hi0                                       # random ES <= 0
    # slice sums, row by row: numpy's pairwise summation of exactly these slices
    sum_pos = np.array([null[r, lo0[r]:].sum() for r in range(n_rows)])
    sum_neg = np.array([null[r, :hi0[r]].sum() for r in range(n_rows)])
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_pos = np.where(n_pos > 0, sum_pos / np.maximum(n_pos, 1), np.nan)
        mean_neg = np.where(n_neg > 0, sum_neg / np.maximum(n_neg, 1), np.nan)
    k, n_sign, nes = _set_counts(es, size_row, null, n_pos, n_neg, mean_pos, mean_neg)
    # normalise in place; each row stays sorted (negatives / |mean-|, non-negatives / mean+)
    for r in range(n_rows):
        if lo0[r] > 0:
            null[r, :lo0[r]] /= -mean_neg[r] if mean_neg[r] < 0 else 1.0
        if lo0[r] < n_perm:
            null[r, lo0[r]:] /= mean_pos[r] if mean_pos[r] > 0 else 1.0
    return NullStats(k=k, n_sign=n_sign, nes=nes, null_nes=null, mean_pos=mean_pos,
                      mean_neg=mean_neg)


def _set_counts(es: np.ndarray, size_row: np.ndarray, null: np.ndarray, n_pos: np.ndarray,
                n_neg: np.ndarray, mean_pos: np.ndarray,
                mean_neg: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per set: random ES at least as extreme (``k``), of the same sign, and the NES.

    ``null``'s rows are sorted. One vectorised search per distinct row for all its sets;
    ES >= 0 counts random ES >= ES, ES < 0 (or NaN) random ES <= ES.
    """
    n_perm = null.shape[1]
    es = np.asarray(es, dtype=np.float64)
    size_row = np.asarray(size_row, dtype=np.int64)
    up = es >= 0
    k = np.empty(es.size, dtype=np.int64)
    order = np.argsort(size_row, kind="stable")
    rows, starts = np.unique(size_row[order], return_index=True)
    for r, idx in zip(rows.tolist(), np.split(order, starts[1:])):
        e, u = es[idx], up[idx]
        k[idx] = np.where(u, n_perm - np.searchsorted(null[r], e, "left"),
                          np.searchsorted(null[r], e, "right"))
    n_sign = np.where(up, n_pos[size_row], n_neg[size_row])
    mp, mn = mean_pos[size_row], mean_neg[size_row]
    with np.errstate(invalid="ignore", divide="ignore"):
        pos_nes = np.where((n_pos[size_row] > 0) & (mp > 0), es / mp, np.where(es == 0, 0.0, np.nan))
        neg_nes = np.where((n_neg[size_row] > 0) & (mn < 0), es / -mn, np.nan)
    nes = np.where(up, pos_nes, neg_nes)
    return k, n_sign.astype(np.int64), nes


def _row_means(null: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean of each row's non-negative and of its negative entries (NaN when none)."""
    null = _rows_contiguous(null)
    mean_pos, mean_neg = np.empty(null.shape[0]), np.empty(null.shape[0])
    _row_means_kernel(null.ctypes.data_as(f64p), null.strides[0] // 8, null.shape[0], null.shape[1],
                      ptr(mean_pos, f64p), ptr(mean_neg, f64p))
    return mean_pos, mean_neg


def _rows_contiguous(null: np.ndarray) -> np.ndarray:
    """``null`` as float64 whose rows are contiguous (a row stride is passed to C)."""
    null = np.asarray(null, dtype=np.float64)
    if (null.shape[1] > 1 and null.strides[1] != 8) or null.strides[0] % 8 or null.strides[0] < 0:
        null = np.ascontiguousarray(null)
    return null


def fdr_gsea(es: np.ndarray, size_row: np.ndarray, null: np.ndarray) -> np.ndarray:
    """GSEA desktop's FDR q-value, permutation by permutation (see :func:`gsea`).

    Parameters
    ----------
    es : numpy.ndarray
        Observed ES of the tested sets.
    size_row : numpy.ndarray
        Row of ``null`` that holds each set's null.
    null : numpy.ndarray
        Random ES, rows x permutations, **unsorted**: column ``j`` is permutation ``j``
        of every row (GSEA desktop: one permuted data set for all sets; here, rows of
        independent random sets, so the pairing of columns across rows is arbitrary).
        Not modified.

    Returns
    -------
    numpy.ndarray
        For a set with NES ``x >= 0``: the mean over permutations ``j`` that have a
        non-negative null NES of ``#{null NES_j >= x} / #{null NES_j >= 0}`` (every
        tested set contributes its null NES of permutation ``j``), divided by
        ``#{observed NES >= x} / #{observed NES >= 0}``, capped at 1; mirrored for
        ``x < 0``. NaN where the NES is NaN. NES are ES over the mean same-signed null
        ES of the set's row.
    """
    es = np.asarray(es, dtype=np.float64)
    q = np.full(es.size, np.nan)
    mean_pos, mean_neg = _row_means(null)
    r = np.asarray(size_row)
    with np.errstate(invalid="ignore", divide="ignore"):
        nes = np.where(es >= 0, es / mean_pos[r], es / -mean_neg[r])
    ok = np.isfinite(nes)
    if not ok.any():
        return q
    rows, mult = np.unique(r[ok], return_counts=True)
    x = nes[ok]
    up = x >= 0
    obs_pos, obs_neg = np.sort(x[up]), np.sort(x[~up])
    tail_pos, tail_neg, n_used = _fdr_tails(null, rows, mult, mean_pos[rows], mean_neg[rows],
                                            obs_pos, obs_neg)
    out = np.full(x.size, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        i_pos = np.searchsorted(obs_pos, x[up], "left")        # first of equal NES: same tail
        i_neg = np.searchsorted(obs_neg, x[~up], "right") - 1  # last of equal NES
        frac_ge = (obs_pos.size - i_pos) / max(obs_pos.size, 1)
        frac_le = (i_neg + 1) / max(obs_neg.size, 1)
        if n_used[0]:
            out[up] = tail_pos[i_pos] / n_used[0] / frac_ge
        if n_used[1]:
            out[~up] = tail_neg[i_neg] / n_used[1] / frac_le
    q[ok] = np.minimum(out, 1.0)
    return q


def _fdr_tails(null: np.ndarray, rows: np.ndarray, mult: np.ndarray, mean_pos: np.ndarray,
               mean_neg: np.ndarray, obs_pos: np.ndarray,
               obs_neg: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The C kernel of :func:`fdr_gsea` (``_c/gsea_null.c``): per-permutation tail sums."""
    null = _rows_contiguous(null)
    rows = np.ascontiguousarray(rows, dtype=np.int64)
    f = [np.ascontiguousarray(a, dtype=np.float64) for a in (mult, mean_pos, mean_neg, obs_pos, obs_neg)]
    tail_pos, tail_neg = np.empty(obs_pos.size), np.empty(obs_neg.size)
    n_used = np.zeros(2, dtype=np.int64)
    status = _fdr_kernel(null.ctypes.data_as(f64p), null.strides[0] // 8, ptr(rows, i64p),
                         ptr(f[0], f64p), ptr(f[1], f64p), ptr(f[2], f64p), rows.size, null.shape[1],
                         ptr(f[3], f64p), obs_pos.size, ptr(f[4], f64p), obs_neg.size,
                         ptr(tail_pos, f64p), ptr(tail_neg, f64p), ptr(n_used, i64p))
    if status != 0:
        raise MemoryError("no memory for fdr_gsea's scratch arrays")
    return tail_pos, tail_neg, n_used


def _trigamma(x: np.ndarray) -> np.ndarray:
    from scipy.special import polygamma

    return polygamma(1, np.asarray(x, dtype=np.float64))


def simple_log2err(k: np.ndarray, n_sign: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return np.sqrt(np.maximum(_trigamma(k + 1) - _trigamma(n_sign + 1), 0.0)) / _LN2


def multilevel_log2err(p: np.ndarray, sample_size: int) -> np.ndarray:
    levels = np.floor(-np.log2(p) + 1)
    return np.sqrt(levels * (_trigamma((sample_size + 1) / 2) - _trigamma(sample_size + 1))) / _LN2


# --------------------------------------------------------------------------------------
# the first pass of every GSEA method of ours
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PermutationPass:
    """Observed ES and the permutation null's statistics for the tested sets."""

    w: np.ndarray          # gene weights |score|^weight, in ranking order
    sizes: np.ndarray      # members in the ranking, per tested set
    es: np.ndarray
    peak: np.ndarray       # index into the set's positions where ES is reached
    stats: NullStats
    fdr: np.ndarray        # GSEA desktop's FDR q-value
    pval: np.ndarray       # (k + 1) / (n + 1), per sign
    log2err: np.ndarray    # its standard error of log2


def permutation_pass(sets: GseaSets, opts: GseaOptions) -> PermutationPass:
    """ES of the tested sets and their permutation null (``sets.terms`` must not be empty).

    Draws the null from the run's seed with spawn key ``(0, chunk)``; the multilevel
    method uses key ``(1,)``, so the two never share random numbers. Counts, NES and
    ``fdr_gsea`` compare the null with the observed sets' comparison scores
    (:func:`~mamsets.engines._gsea_kernel.comparison_scores`, computed exactly as the
    null's), so exact ties count the same way; the reported ES and leading edge are fgsea's
    float formula (:func:`~mamsets.engines._gsea_kernel.enrichment_scores`, the two agree
    within 1e-11, and in sign through :func:`align_ties`).
    """
    w = _k.gene_weights(sets.scores, opts.weight)
    wq = _k.quantized_weights(w)
    sizes = np.array([p.size for p in sets.positions], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    flat = np.concatenate(sets.positions)
    es, peak = _k.enrichment_scores(w, flat, offsets)
    es_cmp = _k.comparison_scores(wq, flat, offsets)   # scored as the null is: exact ties agree
    es, peak = align_ties(w, sets.positions, es, peak, es_cmp)

    usizes, size_row = np.unique(sizes, return_inverse=True)
    null = null_matrix(wq, usizes, opts.n_perm, opts.seed_sequence, opts.n_jobs)
    fdr = fdr_gsea(es_cmp, size_row, null)   # before null_stats sorts the null in place
    st = null_stats(es_cmp, size_row, null)
    fdr[~np.isfinite(st.nes)] = np.nan   # no NES, no FDR (never 0)
    del null
    pval = (st.k + 1) / (st.n_sign + 1)
    log2err = simple_log2err(st.k, st.n_sign)
    return PermutationPass(w=w, sizes=sizes, es=es, peak=peak, stats=st, fdr=fdr, pval=pval,
                           log2err=log2err)


def align_ties(w: np.ndarray, positions: list[np.ndarray], es: np.ndarray, peak: np.ndarray,
               es_cmp: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """ES and peak whose sign (or 0) is that of the comparison scores.

    The two differ only where the running sum's largest rise and deepest fall are equal up
    to rounding (an exact tie, e.g. weight 0); there the comparison score, which the null
    shares, decides: 0, or the other extreme of the running sum.
    """
    bad = np.flatnonzero(np.sign(es) != np.sign(es_cmp))
    if bad.size == 0:
        return es, peak
    es, peak = es.copy(), peak.copy()
    n = w.shape[0]
    for i in bad:
        pos = positions[i]
        k = pos.size
        nr = w[pos].sum()
        step = w[pos] / nr if nr > 0 else np.full(k, 1.0 / k)
        top = np.cumsum(step) - (pos - np.arange(k)) / (n - k)
        if es_cmp[i] > 0:
            peak[i] = int(np.argmax(top))
            es[i] = min(top[peak[i]], 1.0)
        elif es_cmp[i] < 0:
            peak[i] = int(np.argmin(top - step))
            es[i] = max((top - step)[peak[i]], -1.0)
        else:
            es[i], peak[i] = 0.0, -1
    return es, peak


def gsea_rows(sets: GseaSets, p: PermutationPass, *, nes: np.ndarray, pval: np.ndarray,
              log2err: np.ndarray, at_floor: np.ndarray) -> dict[str, object]:
    """The columns of the result table but ``padj`` (see :func:`~mamsets.engines._tables.gsea_table`)."""
    return {
        "term": sets.terms,
        "description": sets.descs,
        "size": p.sizes,
        "n_members": np.asarray(sets.n_members, dtype=np.int64),
        "es": p.es,
        "nes": nes,
        "pval": pval,
        "fdr_gsea": p.fdr,
        "log2err": log2err,
        "pval_at_floor": at_floor,
        "leading_edge": leading_edges(sets.ranked, sets.positions, p.es, p.peak),
    }


def leading_edges(ranked: np.ndarray, positions: list[np.ndarray], es: np.ndarray,
                  peak: np.ndarray) -> list[tuple[object, ...]]:
    """Every set's leading-edge genes as a tuple, most extreme first.

    What :func:`~mamsets.engines._gsea_kernel.leading_edge_positions` gives set by set
    (ES > 0: the members up to the peak; ES < 0: from the trough to the bottom, reversed;
    otherwise none), gathered for all sets with one index into ``ranked`` and sliced out of
    one tuple (5,000 sets: one gather instead of 5,000 small ones).

    Parameters
    ----------
    ranked : numpy.ndarray
        Gene ids in ranking order (object array of str).
    positions : list of numpy.ndarray
        Each set's increasing member positions in ``ranked``.
    es, peak : numpy.ndarray
        Each set's ES and the index into its positions where the ES is reached.

    Returns
    -------
    list of tuple
        One tuple of gene ids per set, in the order of ``positions``.
    """
    sizes = np.fromiter((q.size for q in positions), dtype=np.int64, count=len(positions))
    if sizes.size == 0:
        return []
    es = np.asarray(es, dtype=np.float64)
    peak = np.asarray(peak, dtype=np.int64)
    end = np.cumsum(sizes)                  # of each set's members in the concatenation
    down = es < 0
    length = np.where(es > 0, peak + 1, np.where(down, sizes - peak, 0))
    le_end = np.cumsum(length)              # of each edge in the concatenated edges
    lo = le_end - length
    # edge gene i of a set: member i from the top (ES > 0) or from the bottom (ES < 0)
    base = np.where(down, end - 1 + lo, end - sizes - lo)
    sign = np.where(down, -1, 1)
    i = np.arange(int(le_end[-1]), dtype=np.int64)
    idx = np.repeat(base, length) + np.repeat(sign, length) * i
    picked = ranked[np.concatenate(positions)[idx]]
    genes = tuple(picked.tolist() if picked.dtype == object else picked)
    return list(map(genes.__getitem__, map(slice, lo.tolist(), le_end.tolist())))


def warn_unbalanced(n_unbalanced: int, rare: str, consequence: str) -> None:
    """Warn about sets whose ES sign is rare in the null (a lopsided ranking).

    Called from a method's entry function, which :func:`~mamsets.engines.gsea.gsea`
    calls: the warning points at ``gsea``'s caller.
    """
    warnings.warn(
        f"{n_unbalanced} gene set(s) have an ES whose sign is rare among random sets of their "
        f"size ({rare} random scores have that sign): the ranking is unbalanced (mostly "
        f"positive or mostly negative scores); their {consequence}. Centre or re-think the "
        "gene-level statistic",
        MamsetsWarning,
        stacklevel=4,
    )
