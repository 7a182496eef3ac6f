"""The gene-set permutation null shared by our GSEA methods.

Random ES for every tested set size (:func:`null_matrix`, chunked and seeded so
results do not depend on ``n_jobs``), the NES, counts and GSEA desktop's FDR
derived from them (:func:`null_stats`, :func:`fdr_gsea`), the standard errors of
log2 p-values fgsea reports, and :func:`permutation_pass`, the first pass every
method of :mod:`mamsets.engines.native` starts from. The formulas are in
:func:`mamsets.engines.gsea.gsea`'s Notes.
"""

from __future__ import annotations

import math
import sys
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..errors import MamsetsWarning
from . import _gsea_kernel as _k

if TYPE_CHECKING:
    from ._gsea_inputs import GseaOptions, GseaSets

__all__ = [
    "PERM_CHUNK",
    "NullStats",
    "PermutationPass",
    "fdr_gsea",
    "gsea_rows",
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


def unit_seed(ss: np.random.SeedSequence, *key: int) -> np.random.SeedSequence:
    return np.random.SeedSequence(ss.entropy, spawn_key=tuple(ss.spawn_key) + tuple(key),
                                  pool_size=ss.pool_size)


def _progress(total: int, desc: str):  # pragma: no cover - only with a terminal
    if total < 4 or not (hasattr(sys.stderr, "isatty") and sys.stderr.isatty()):
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, unit="unit", leave=False, file=sys.stderr)


def null_matrix(w: np.ndarray, sizes: np.ndarray, n_perm: int, ss: np.random.SeedSequence,
                 n_jobs: int) -> np.ndarray:
    """Random ES for each distinct size (rows) and ``n_perm`` random sets (columns).

    Column ``j`` holds the ES of the first ``K`` genes of one random sequence of distinct
    genes, for every size ``K`` (nested random sets, as fgsea). Work units are chunks of
    :data:`PERM_CHUNK` columns, each with its own seed.
    """
    out = np.empty((sizes.size, n_perm), dtype=np.float64)
    units = list(range(0, n_perm, PERM_CHUNK))

    def work(c: int) -> None:
        m = min(PERM_CHUNK, n_perm - c)
        rng = np.random.default_rng(unit_seed(ss, 0, c // PERM_CHUNK))
        _k.null_es_nested(w, sizes, m, rng, out=out[:, c:c + m])

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
    sum_pos = np.array([null[r, lo0[r]:].sum() for r in range(n_rows)])
    sum_neg = np.array([null[r, :hi0[r]].sum() for r in range(n_rows)])
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_pos = np.where(n_pos > 0, sum_pos / np.maximum(n_pos, 1), np.nan)
        mean_neg = np.where(n_neg > 0, sum_neg / np.maximum(n_neg, 1), np.nan)

    k = np.empty(es.size, dtype=np.int64)
    n_sign = np.empty(es.size, dtype=np.int64)
    nes = np.empty(es.size, dtype=np.float64)
    for i, (e, r) in enumerate(zip(es, size_row)):
        if e >= 0:
            k[i] = n_perm - np.searchsorted(null[r], e, "left")
            n_sign[i] = n_pos[r]
            nes[i] = e / mean_pos[r] if n_pos[r] > 0 and mean_pos[r] > 0 else (0.0 if e == 0 else np.nan)
        else:
            k[i] = np.searchsorted(null[r], e, "right")
            n_sign[i] = n_neg[r]
            nes[i] = e / -mean_neg[r] if n_neg[r] > 0 and mean_neg[r] < 0 else np.nan
    # normalise in place; each row stays sorted (negatives / |mean-|, non-negatives / mean+)
    for r in range(n_rows):
        if lo0[r] > 0:
            null[r, :lo0[r]] /= -mean_neg[r] if mean_neg[r] < 0 else 1.0
        if lo0[r] < n_perm:
            null[r, lo0[r]:] /= mean_pos[r] if mean_pos[r] > 0 else 1.0
    return NullStats(k=k, n_sign=n_sign, nes=nes, null_nes=null, mean_pos=mean_pos,
                      mean_neg=mean_neg)


def fdr_gsea(nes: np.ndarray, size_row: np.ndarray, null_nes: np.ndarray) -> np.ndarray:
    """GSEA desktop's FDR q-value from pooled normalised null scores (see :func:`gsea`).

    ``null_nes`` rows must be sorted (as :func:`null_stats` leaves them).
    """
    q = np.full(nes.size, np.nan)
    ok = np.isfinite(nes)
    if not ok.any():
        return q
    rows, mult = np.unique(size_row[ok], return_counts=True)
    n_perm = null_nes.shape[1]
    x = nes[ok]
    pos = x >= 0
    null_ge = np.zeros(x.size)   # pooled (weighted) count of null NES >= x, for x >= 0
    null_le = np.zeros(x.size)   # ... <= x, for x < 0
    tot_pos = tot_neg = 0.0
    for r, m in zip(rows, mult):
        row = null_nes[r]
        z = np.searchsorted(row, 0.0, "left")
        tot_pos += m * (n_perm - z)
        tot_neg += m * z
        null_ge += m * (n_perm - np.searchsorted(row, x, "left"))
        null_le += m * np.searchsorted(row, x, "right")
    obs_pos = np.sort(x[pos])
    obs_neg = np.sort(x[~pos])
    out = np.empty(x.size)
    with np.errstate(invalid="ignore", divide="ignore"):
        frac_ge = (obs_pos.size - np.searchsorted(obs_pos, x, "left")) / max(obs_pos.size, 1)
        frac_le = np.searchsorted(obs_neg, x, "right") / max(obs_neg.size, 1)
        out[pos] = (null_ge[pos] / tot_pos) / frac_ge[pos] if tot_pos else np.nan
        out[~pos] = (null_le[~pos] / tot_neg) / frac_le[~pos] if tot_neg else np.nan
    q[ok] = np.minimum(out, 1.0)
    return q


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
    method uses key ``(1,)``, so the two never share random numbers.
    """
    w = _k.gene_weights(sets.scores, opts.weight)
    sizes = np.array([p.size for p in sets.positions], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    es, peak = _k.enrichment_scores(w, np.concatenate(sets.positions), offsets)

    usizes, size_row = np.unique(sizes, return_inverse=True)
    null = null_matrix(w, usizes, opts.n_perm, opts.seed_sequence, opts.n_jobs)
    st = null_stats(es, size_row, null)
    fdr = fdr_gsea(st.nes, size_row, st.null_nes)
    del null
    pval = (st.k + 1) / (st.n_sign + 1)
    log2err = simple_log2err(st.k, st.n_sign)
    return PermutationPass(w=w, sizes=sizes, es=es, peak=peak, stats=st, fdr=fdr, pval=pval,
                           log2err=log2err)


def gsea_rows(sets: GseaSets, p: PermutationPass, *, nes: np.ndarray, pval: np.ndarray,
              log2err: np.ndarray, at_floor: np.ndarray) -> dict[str, object]:
    """The columns of the result table but ``padj`` (see :func:`~mamsets.engines._tables.gsea_table`)."""
    ranked = sets.ranked
    le = [tuple(ranked[_k.leading_edge_positions(pos, e, h)])
          for pos, e, h in zip(sets.positions, p.es, p.peak)]
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
        "leading_edge": le,
    }


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
