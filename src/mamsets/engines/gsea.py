"""Preranked gene set enrichment analysis (GSEA) with exact scores and honest p-values.

:func:`gsea` scores every gene set of a collection against a ranked gene list
with the weighted Kolmogorov-Smirnov-like enrichment score of Subramanian et al.
(2005), normalises it as fgsea does, and estimates p-values either by gene-set
permutation or by fgsea's adaptive multilevel splitting. :func:`running_sum`
returns the running-sum curve of one set for plots.

Result table (``EnrichmentResult.table``), the same columns for every method:

================  =======  ======================================================
column            dtype    meaning
================  =======  ======================================================
``term``          str      gene set id
``description``   str      gene set description (GMT second column)
``size``          int64    members found in the ranking (the K that was tested)
``n_members``     int64    members in the set (``n_members - size`` were not ranked)
``es``            float64  enrichment score
``nes``           float64  ES / mean of the same-signed null ES of sets of this size
``pval``          float64  nominal p-value given the sign of ES (never 0)
``padj``          float64  Benjamini-Hochberg adjusted ``pval`` over the tested sets
``fdr_gsea``      float64  GSEA desktop's FDR q-value (NaN: gseapy multilevel)
``log2err``       float64  standard deviation of log2(pval) estimate
``pval_at_floor`` bool     pval is at its resolution floor (see :func:`gsea`)
``leading_edge``  tuple    leading-edge genes, most extreme first
================  =======  ======================================================
"""

from __future__ import annotations

import math
import os
import sys
import warnings
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from .._random import RngLike, resolve_seed
from ..errors import DroppedInputWarning, IdentifierError, InputError, MamsetsWarning, TiesWarning
from ..io.ranking import TIES_WARN_FRACTION, Ranking
from ..model import GeneSetCollection
from ..results import EnrichmentResult, conform_table, empty_table, stack_results
from . import _gsea_kernel as _k
from ._collections import resolve_collection, to_user_space

__all__ = ["GSEA_SCHEMA", "PERM_CHUNK", "RunningSum", "contrast_seeds", "gsea", "running_sum"]

#: Column -> dtype of every GSEA result table (same for all methods and engines).
GSEA_SCHEMA: dict[str, str] = {
    "term": "object",
    "description": "object",
    "size": "int64",
    "n_members": "int64",
    "es": "float64",
    "nes": "float64",
    "pval": "float64",
    "padj": "float64",
    "fdr_gsea": "float64",
    "log2err": "float64",
    "pval_at_floor": "bool",
    "leading_edge": "object",
}

#: Random sequences per work unit of the permutation null. Each chunk has its own
#: seed derived from the run's seed, so results do not depend on ``n_jobs`` or on
#: the order of the sets.
PERM_CHUNK = 250

#: Fewer same-signed random scores than this in the permutation sample make a
#: multilevel p-value meaningless (fgsea's "unbalanced gene-level statistic").
MIN_SAME_SIGN = 10

_LN2 = math.log(2.0)

Method = Literal["multilevel", "permutation"]
Engine = Literal["mamsets", "gseapy"]


# --------------------------------------------------------------------------------------
# ranking checks
# --------------------------------------------------------------------------------------
def _as_series(ranking: Any) -> pd.Series:
    if hasattr(ranking, "scores") and not isinstance(ranking, (pd.Series, pd.DataFrame)):
        ranking = ranking.scores  # a mamsets.io.ranking.Ranking (one contrast)
    if isinstance(ranking, pd.DataFrame):
        if ranking.shape[1] == 1:
            ranking = ranking.iloc[:, 0]
        elif "score" in ranking.columns:
            ranking = ranking["score"]
        else:
            raise InputError(
                f"ranking is a DataFrame with columns {list(ranking.columns)[:6]}; pass a Series "
                "gene -> score (e.g. df.set_index('gene')['stat']) or use mamsets.io.ranking.read_ranking"
            )
    elif isinstance(ranking, Mapping):
        ranking = pd.Series(dict(ranking), dtype="float64")
    if not isinstance(ranking, pd.Series):
        raise InputError(
            f"ranking has type {type(ranking).__name__}; pass a pandas Series gene -> score "
            "or a Ranking from mamsets.io.ranking.read_ranking"
        )
    return ranking


def _check_ranking(ranking: Any) -> tuple[np.ndarray, np.ndarray, float]:
    """Validate and sort a ranking: (genes, scores) by decreasing score, ties by a hash of the id.

    Returns the sorted gene ids (object array of str), the sorted scores and the
    fraction of tied scores.
    """
    s = _as_series(ranking)
    if len(s) < 2:
        raise InputError(f"ranking has {len(s)} gene(s); GSEA needs a ranked list of at least 2 genes")
    if pd.api.types.is_float_dtype(s.index.dtype):
        raise InputError(
            "ranking index holds floats (e.g. 1234.0); convert gene ids to strings or integers "
            "first: ranking.index = ranking.index.astype(int).astype(str)"
        )
    missing_id = s.index.isna() | (s.index.astype(str).str.strip() == "")
    if missing_id.any():
        raise InputError(
            f"ranking has {int(missing_id.sum())} missing or empty gene ids; drop those rows first "
            "(ranking = ranking[ranking.index.notna()])"
        )
    genes = s.index.astype(str).to_numpy(dtype=object)
    dup = pd.Index(genes).duplicated(keep=False)
    if dup.any():
        examples = sorted(set(genes[dup]))[:5]
        raise InputError(
            f"ranking has {int(pd.Index(genes).duplicated().sum())} duplicated gene ids, e.g. "
            f"{examples}; collapse them first: keep the largest |score| "
            "(ranking.loc[ranking.abs().groupby(level=0).idxmax()] on unique positions), average "
            "them (ranking.groupby(level=0).mean()), or read the table with "
            "read_ranking(..., duplicates='max_abs'|'mean'|'first')"
        )
    try:
        scores = pd.to_numeric(s, errors="raise").to_numpy(dtype=np.float64)
    except (ValueError, TypeError) as exc:
        raise InputError(f"ranking scores must be numbers: {exc}") from None
    bad = ~np.isfinite(scores)
    if bad.any():
        examples = [f"{g}={v}" for g, v in zip(genes[bad][:5], s.to_numpy()[bad][:5])]
        raise InputError(
            f"ranking has {int(bad.sum())} missing or non-finite scores, e.g. {examples}; drop them "
            "(ranking = ranking[np.isfinite(ranking)]) or replace infinite values by a large finite "
            "score before ranking"
        )
    # ties: a fixed hash of the gene id (pandas' siphash with its constant key), then the
    # id itself; alphabetical order would put gene families (GNA*, PRKA*) next to each other
    # inside a block of tied scores and could make a family look enriched
    ids = genes.astype(str)
    order = np.lexsort((ids, pd.util.hash_array(ids.astype(object)), -scores))
    sorted_scores = scores[order]
    tied = float((scores.size - np.unique(scores).size) / scores.size)
    return genes[order], sorted_scores, tied


def _warn_ties(tied: float, n: int) -> None:
    """Warn when more than :data:`~mamsets.io.ranking.TIES_WARN_FRACTION` of the scores are tied.

    The same threshold as :func:`mamsets.io.ranking.read_ranking`, so a ranking read
    from a table does not warn twice with different rules, and the few exact ties
    any real statistic has (e.g. identical p-values of lowly expressed genes) stay quiet.
    """
    if tied > TIES_WARN_FRACTION:
        warnings.warn(
            f"{round(tied * n)} of {n} scores ({tied:.2%}) are tied with an earlier score (more "
            f"than {TIES_WARN_FRACTION:.0%}); tied genes are ordered by a fixed hash of "
            "their id, which can move ES. Use an unrounded statistic (e.g. limma's z instead of a rounded t) if "
            "you have one",
            TiesWarning,
            stacklevel=3,
        )


# --------------------------------------------------------------------------------------
# running sum (plots)
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RunningSum:
    """The running-sum curve of one gene set, for enrichment plots.

    Attributes
    ----------
    ranked_genes : numpy.ndarray
        Gene ids in ranking order (decreasing score; ties by a fixed hash of the id).
    ranked_scores : numpy.ndarray
        Their scores.
    positions : numpy.ndarray
        0-based ranks of the set's members found in the ranking, increasing.
    curve : numpy.ndarray
        Running sum after each ranked gene (length N).
    es : float
        The enrichment score (the extreme of ``curve``).
    peak : int
        Index into the ranking where ``curve`` reaches ``es`` (-1 if ES is 0).
    leading_edge : tuple of str
        Leading-edge genes, most extreme first (ES > 0: at or before the peak;
        ES < 0: after the trough).
    missing : tuple of str
        Members of ``genes`` not in the ranking.
    """

    ranked_genes: np.ndarray
    ranked_scores: np.ndarray
    positions: np.ndarray
    curve: np.ndarray
    es: float
    peak: int
    leading_edge: tuple[str, ...]
    missing: tuple[str, ...]


def running_sum(ranking: Any, genes: Iterable[str], weight: float = 1.0) -> RunningSum:
    """Running-sum enrichment curve of one gene set, with ES, peak and leading edge.

    Parameters
    ----------
    ranking : pandas.Series
        Gene -> score (same rules as :func:`gsea`).
    genes : iterable of str
        The set's members; those not in the ranking are listed in ``missing``.
    weight : float
        GSEA weight ``p`` (see :func:`gsea`).

    Returns
    -------
    RunningSum

    Notes
    -----
    The curve starts at 0, rises by :math:`|r_j|^p / N_R` at each member and falls
    by :math:`1/(N-K)` at each other gene, ending at 0; ES is its largest deviation
    from 0 (see :func:`mamsets.engines._gsea_kernel.enrichment_score`).

    Examples
    --------
    >>> import pandas as pd
    >>> r = pd.Series({"a": 3.0, "b": 2.0, "c": 1.0, "d": -1.0})
    >>> rs = running_sum(r, ["a", "c"])
    >>> round(rs.es, 4), rs.peak, rs.leading_edge
    (0.75, 0, ('a',))
    """
    weight = _check_weight(weight)
    ranked, scores, tied = _check_ranking(ranking)
    _warn_ties(tied, len(ranked))
    index = pd.Index(ranked)
    members = list(dict.fromkeys(str(g) for g in genes))
    loc = index.get_indexer(members)
    missing = tuple(g for g, i in zip(members, loc) if i < 0)
    pos = np.sort(loc[loc >= 0]).astype(np.int64)
    n = len(ranked)
    if not 1 <= pos.size < n:
        raise InputError(
            f"running_sum: {pos.size} of the set's genes are in the ranking of {n} genes; "
            "a running sum needs between 1 and N-1 of them"
        )
    w = _k.gene_weights(scores, weight)
    es, hit = _k.enrichment_score(w, pos)
    curve = _k.running_sum_curve(w, pos)
    if es > 0:
        peak = int(pos[hit])
    elif es < 0:
        peak = int(pos[hit]) - 1
    else:
        peak = -1
    le = _k.leading_edge_positions(pos, es, hit)
    return RunningSum(
        ranked_genes=ranked,
        ranked_scores=scores,
        positions=pos,
        curve=curve,
        es=es,
        peak=peak,
        leading_edge=tuple(ranked[le]),
        missing=missing,
    )


# --------------------------------------------------------------------------------------
# parameter checks
# --------------------------------------------------------------------------------------
def _check_weight(weight: float) -> float:
    try:
        w = float(weight)
    except (TypeError, ValueError):
        raise InputError(f"weight={weight!r}: pass a number >= 0 (1 is the GSEA default)") from None
    if not math.isfinite(w) or w < 0:
        raise InputError(f"weight={weight!r}: pass a finite number >= 0 (1 is the GSEA default)")
    return w


def _check_int(name: str, value: Any, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise InputError(f"{name}={value!r}: pass an integer >= {low}")
    if value < low:
        raise InputError(f"{name}={value}: must be >= {low}")
    return int(value)


def _resolve_jobs(n_jobs: Any) -> int:
    if isinstance(n_jobs, (int, np.integer)) and not isinstance(n_jobs, bool) and n_jobs == -1:
        return max(1, os.cpu_count() or 1)
    return _check_int("n_jobs", n_jobs, 1)


# --------------------------------------------------------------------------------------
# permutation null
# --------------------------------------------------------------------------------------
def _unit_seed(ss: np.random.SeedSequence, *key: int) -> np.random.SeedSequence:
    return np.random.SeedSequence(ss.entropy, spawn_key=tuple(ss.spawn_key) + tuple(key),
                                  pool_size=ss.pool_size)


def _progress(total: int, desc: str):  # pragma: no cover - only with a terminal
    if total < 4 or not (hasattr(sys.stderr, "isatty") and sys.stderr.isatty()):
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, unit="unit", leave=False, file=sys.stderr)


def _null_matrix(w: np.ndarray, sizes: np.ndarray, n_perm: int, ss: np.random.SeedSequence,
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
        rng = np.random.default_rng(_unit_seed(ss, 0, c // PERM_CHUNK))
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
class _NullStats:
    """Per-set statistics from the permutation null (arrays over tested sets)."""

    k: np.ndarray        # random ES at least as extreme (same sign)
    n_sign: np.ndarray   # random ES of the same sign (>= 0 for ES >= 0, <= 0 for ES < 0)
    nes: np.ndarray
    null_nes: np.ndarray  # (n_sizes, n_perm) null ES normalised per size and sign
    mean_pos: np.ndarray
    mean_neg: np.ndarray


def _null_stats(es: np.ndarray, size_row: np.ndarray, null: np.ndarray) -> _NullStats:
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
    return _NullStats(k=k, n_sign=n_sign, nes=nes, null_nes=null, mean_pos=mean_pos,
                      mean_neg=mean_neg)


def _fdr_gsea(nes: np.ndarray, size_row: np.ndarray, null_nes: np.ndarray) -> np.ndarray:
    """GSEA desktop's FDR q-value from pooled normalised null scores (see :func:`gsea`).

    ``null_nes`` rows must be sorted (as :func:`_null_stats` leaves them).
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


def _simple_log2err(k: np.ndarray, n_sign: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return np.sqrt(np.maximum(_trigamma(k + 1) - _trigamma(n_sign + 1), 0.0)) / _LN2


def _multilevel_log2err(p: np.ndarray, sample_size: int) -> np.ndarray:
    levels = np.floor(-np.log2(p) + 1)
    return np.sqrt(levels * (_trigamma((sample_size + 1) / 2) - _trigamma(sample_size + 1))) / _LN2


# --------------------------------------------------------------------------------------
# main entry point
# --------------------------------------------------------------------------------------
def gsea(
    ranking: Any,
    collection: GeneSetCollection | None = None,
    *,
    weight: float = 1.0,
    min_size: int = 1,
    max_size: int | None = 500,
    method: Method = "multilevel",
    n_perm: int = 1000,
    eps: float = 1e-50,
    sample_size: int = 101,
    rng: RngLike = None,
    n_jobs: int = 1,
    species: str | None = None,
    id_type: str | None = None,
    engine: Engine = "mamsets",
) -> EnrichmentResult:
    """Preranked gene set enrichment analysis (GSEA).

    Parameters
    ----------
    ranking : pandas.Series or Ranking
        Gene -> score (e.g. a moderated t or DESeq2's ``stat``); higher means more
        up. A :class:`mamsets.io.ranking.Ranking` is accepted; with several
        contrasts each is tested on its own, with a seed derived from ``rng``
        (:func:`contrast_seeds`, recorded in ``params["contrast_seeds"]``), and
        the tables are stacked with a leading ``contrast`` column (``padj``
        within each contrast; each contrast's parameters in
        ``params["by_contrast"]``; see :func:`mamsets.results.stack_results`).
        Duplicated gene ids and missing or non-finite scores are errors (the
        message lists examples and how to fix them). Ties are broken by a fixed
        hash of the gene id (``pandas.util.hash_array``, constant key; then the id)
        after sorting by decreasing score, so the order is reproducible but does
        not group gene families as alphabetical order would; when more than
        :data:`mamsets.io.ranking.TIES_WARN_FRACTION` (1%) of the scores are tied
        (the same rule as ``read_ranking``), a :class:`~mamsets.errors.TiesWarning`
        gives the fraction tied. The fraction is always in ``params["ties_fraction"]``.
    collection : GeneSetCollection, dict or path, optional
        The gene sets (a ``{set_id: genes}`` dict or a GMT path also work, as for
        :func:`mamsets.engines.ora.ora`); ``None`` uses the built-in MAMs library as tested by
        default, ``mamsets.io.bundled.library(include_raw=False)``: without
        ``MAMS_FIGURE_RAW_PFOCR``, the unedited PFOCR keyword set with its known
        false positives, which is kept in the library for comparison, is not a
        hypothesis to test, and would add a test to the BH correction (pass
        ``library()`` to include it). ``params["default_collection"]`` and
        ``params["raw_set_included"]`` record which was used. Members absent
        from the ranking are dropped and counted (columns ``size`` vs
        ``n_members``).
    weight : float
        Exponent ``p`` of the gene weights ``|r|^p`` (1, the GSEA default; 0 gives
        the unweighted Kolmogorov-Smirnov statistic).
    min_size, max_size : int
        Sets with fewer/more members found in the ranking are not tested (counted
        in ``params``). ``min_size=1`` (fgsea's default) because the curated MAMs
        sets have 1-16 members; GSEA desktop uses 15 and 500. ``max_size=None``
        means N - 1.
    method : {"multilevel", "permutation"}
        How p-values are estimated (see Notes).
    n_perm : int
        Random gene sets per distinct set size. For ``"multilevel"`` this sample
        gives NES, ``fdr_gsea`` and the p-values of sets not significant enough to
        need the multilevel method (fgsea's ``nPermSimple``). Memory: one float64
        per distinct tested set size and random set (e.g. 40 MB for 500 sizes and
        10,000 permutations).
    eps : float
        Multilevel only: p-values below ``eps`` are reported as ``eps`` with
        ``pval_at_floor=True`` (0 estimates as far as double precision allows).
    sample_size : int
        Multilevel only: random sets per level (fgsea's ``sampleSize``, odd).
    rng : int, numpy.random.Generator, SeedSequence or None
        Seed. The seed used is recorded in ``params["seed"]``; the same seed gives
        bit-identical results for any ``n_jobs``.
    n_jobs : int
        Threads (``-1``: all cores). Work is split into fixed units of
        :data:`PERM_CHUNK` random sequences with their own seeds, so results do not
        depend on ``n_jobs``.
    species, id_type : str, optional
        Identifier space of ``ranking`` for mapping the collection onto it (when
        :mod:`mamsets.ids` is available; the mapping summary goes to ``mapping``).
    engine : {"mamsets", "gseapy"}
        ``"gseapy"`` runs :func:`gseapy.prerank` on the same inputs and returns
        the same columns (for comparison; ``padj`` is BH over its p-values,
        ``fdr_gsea`` is gseapy's ``FDR q-val`` for ``method="permutation"`` and
        NaN for ``"multilevel"``, where gseapy's ``FDR q-val`` is only BH again
        and no null NES are returned to compute GSEA desktop's FDR from,
        ``log2err`` is gseapy's for its multilevel method and NaN otherwise,
        ``pval_at_floor`` marks p-values at ``eps`` (multilevel) or its zero
        permutation p-values, which are reported as they come, i.e. 0).

    Returns
    -------
    EnrichmentResult
        ``method="gsea"``; ``table`` has the columns of :data:`GSEA_SCHEMA`
        (documented in the module docstring), sorted by ``pval`` then ``term``;
        ``params`` holds the resolved parameters, the seed, and the counts of
        sets tested and dropped.

    Notes
    -----
    **Enrichment score.** Genes are sorted by decreasing score :math:`r_j`. For a
    set with :math:`K` members found among :math:`N` genes, the running sum rises
    by :math:`|r_j|^p / N_R` (:math:`N_R = \\sum_{j \\in S} |r_j|^p`) at members
    and falls by :math:`1/(N-K)` elsewhere; :math:`ES` is its maximum deviation
    from zero (positive or negative; an exact tie between the two gives 0, as in
    fgsea). The leading edge is the members at or before the peak for ES > 0, at
    or after the trough for ES < 0, listed from the extreme end inwards.

    **Null distribution.** ``n_perm`` random sequences of distinct genes are drawn
    uniformly from the ranking; for every tested size :math:`K` the random set is
    the first :math:`K` genes of each sequence (a uniform random :math:`K`-subset),
    so sets of equal size share their null and all sizes share the draws (as in
    fgsea). Each size's null is an exact permutation sample; the Monte Carlo draws
    depend on the largest tested size, so adding a larger set changes other sets'
    p-values within their Monte Carlo error (the set order never does).

    **NES** (as fgsea and GSEA desktop): :math:`NES = ES / \\overline{ES^0_+}` for
    :math:`ES \\ge 0`, where :math:`\\overline{ES^0_+}` is the mean of the random
    ES :math:`\\ge 0` of the same size, and :math:`NES = ES / |\\overline{ES^0_-}|`
    with the mean of the random ES :math:`\\le 0` for :math:`ES < 0`.

    **Permutation p-value** (``method="permutation"``), per sign:
    :math:`p = (k + 1) / (n + 1)` where :math:`n` is the number of random ES of
    the same sign as ES and :math:`k` the number at least as extreme (:math:`\\ge ES`
    for ES >= 0, :math:`\\le ES` for ES < 0). Never 0; ``pval_at_floor`` is
    true when :math:`k = 0` (the p-value is then an upper bound set by
    ``n_perm``). ``log2err`` is
    :math:`\\sqrt{\\psi_1(k+1) - \\psi_1(n+1)} / \\ln 2` (:math:`\\psi_1` the
    trigamma function), the standard error of :math:`\\log_2 p`, as fgsea reports it.

    **Multilevel p-value** (``method="multilevel"``, default): sets whose
    permutation p-value would have a larger error than a multilevel estimate
    (fgsea's rule: :math:`\\sqrt{\\lfloor -\\log_2 p + 1 \\rfloor
    (\\psi_1((s+1)/2) - \\psi_1(s+1))} / \\ln 2` for sample size :math:`s`, smaller
    than the permutation ``log2err`` above) get a p-value by adaptive multilevel
    splitting (Korotkevich et al.), conditioned on the sign of ES as fgsea does;
    the others keep the permutation p-value. ``pval_at_floor`` marks p-values at
    ``eps``. A set whose sign is rare among the random ES (fewer than
    :data:`MIN_SAME_SIGN` of ``n_perm``: a lopsided ranking) gets NaN p-values
    with a warning, as in fgsea, because a small p-value there would be wrong.

    **padj**: Benjamini-Hochberg over the tested sets
    (:func:`scipy.stats.false_discovery_control`).

    **fdr_gsea** (GSEA desktop's FDR q-value): each random ES is normalised like
    the observed ones (divided by the mean of the same-signed random ES of its
    size), pooling all tested sets (a size shared by :math:`m` sets counts
    :math:`m` times). For a set with :math:`NES^* \\ge 0`

    .. math:: q = \\min\\left(1, \\frac{\\#\\{NES^0 \\ge NES^*\\} / \\#\\{NES^0 \\ge 0\\}}
              {\\#\\{NES \\ge NES^*\\} / \\#\\{NES \\ge 0\\}}\\right)

    over null (:math:`NES^0`) and observed (:math:`NES`) scores, and mirrored with
    :math:`\\le` and :math:`< 0` for :math:`NES^* < 0`. It is not made monotone
    (neither is GSEA desktop's). For the multilevel method it uses the
    ``n_perm`` random sets.

    References
    ----------
    Subramanian A et al. (2005) Gene set enrichment analysis. PNAS 102:15545-15550.
    doi:10.1073/pnas.0506580102

    Korotkevich G, Sukhov V, Budin N, Shpak B, Artyomov MN, Sergushichev A (2016/2021)
    Fast gene set enrichment analysis. bioRxiv 060012. doi:10.1101/060012

    Benjamini Y, Hochberg Y (1995) J R Stat Soc B 57:289-300.
    doi:10.1111/j.2517-6161.1995.tb02031.x

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from mamsets.model import GeneSetCollection
    >>> genes = [f"g{i}" for i in range(200)]
    >>> ranking = pd.Series(np.linspace(3, -3, 200), index=genes)
    >>> sets = GeneSetCollection.from_dict({"top": genes[:10], "spread": genes[::20]})
    >>> res = gsea(ranking, sets, method="permutation", n_perm=500, rng=1)
    >>> print(res.table[["term", "size", "es"]].round(3).to_string(index=False))
      term  size    es
       top    10 1.000
    spread    10 0.277
    >>> bool(res.table.loc[0, "pval"] >= 1 / 501)  # never below 1/(n_perm + 1)
    True
    """
    if isinstance(ranking, Ranking) and ranking.is_multi:
        return _gsea_by_contrast(
            ranking, collection, weight=weight, min_size=min_size, max_size=max_size,
            method=method, n_perm=n_perm, eps=eps, sample_size=sample_size, rng=rng,
            n_jobs=n_jobs, species=species, id_type=id_type, engine=engine,
        )
    if method not in ("multilevel", "permutation"):
        raise InputError(f"method={method!r}: choose 'multilevel' or 'permutation'")
    if engine not in ("mamsets", "gseapy"):
        raise InputError(f"engine={engine!r}: choose 'mamsets' or 'gseapy'")
    weight = _check_weight(weight)
    min_size = _check_int("min_size", min_size, 1)
    if max_size is not None:
        max_size = _check_int("max_size", max_size, 1)
        if max_size < min_size:
            raise InputError(f"max_size={max_size} is smaller than min_size={min_size}")
    n_perm = _check_int("n_perm", n_perm, 1)
    sample_size = _check_int("sample_size", sample_size, 3)
    try:
        eps = float(eps)
    except (TypeError, ValueError):
        raise InputError(f"eps={eps!r}: pass a number in [0, 1)") from None
    if not 0 <= eps < 1:
        raise InputError(f"eps={eps!r}: pass a number in [0, 1) (fgsea's default is 1e-50)")
    n_jobs = _resolve_jobs(n_jobs)
    ss, seed = resolve_seed(rng)

    ranked, scores, tied = _check_ranking(ranking)
    _warn_ties(tied, ranked.size)
    n_genes = ranked.size

    default_collection = collection is None
    collection = resolve_collection(collection)
    set_sizes = {gs.id: len(gs.genes) for gs in collection}
    n_total = sum(set_sizes.values())
    original = collection
    collection, mapping, _ = to_user_space(collection, ranked, species, id_type)

    # --- members found in the ranking; size filter ------------------------------
    rank_of = {g: i for i, g in enumerate(ranked)}
    hi = n_genes - 1 if max_size is None else min(max_size, n_genes - 1)
    terms, descs, n_members, pos_list = [], [], [], []
    n_small = n_large = n_found = 0
    for gs in collection:
        found = np.unique(np.fromiter((rank_of[g] for g in gs.genes if g in rank_of), dtype=np.int64))
        n_found += found.size
        if found.size < min_size:
            n_small += 1
            continue
        if found.size > hi:
            n_large += 1
            continue
        terms.append(gs.id)
        descs.append(gs.description)
        n_members.append(set_sizes.get(gs.id, len(gs.genes)))
        pos_list.append(found)
    n_missing = n_total - n_found
    if n_total and n_found == 0:
        raise IdentifierError(
            f"none of the {n_total} members of collection {collection.name!r} is in the ranking "
            f"(ranking ids look like {list(ranked[:3])}, set members like "
            f"{sorted(collection.genes)[:3]}); check species and identifier type "
            "(pass species=/id_type= or translate the identifiers)"
        )
    if n_small or n_large:
        warnings.warn(
            f"{n_small + n_large} of {len(collection)} gene sets not tested: {n_small} with fewer "
            f"than min_size={min_size} and {n_large} with more than "
            f"max_size={max_size if max_size is not None else n_genes - 1} members in the ranking",
            DroppedInputWarning,
            stacklevel=2,
        )

    params: dict[str, Any] = {
        "default_collection": default_collection,
        "raw_set_included": any("raw" in gs.tags for gs in original),
        "pvalue_method": method,
        "engine": engine,
        "weight": weight,
        "min_size": min_size,
        "max_size": max_size,
        "n_perm": n_perm,
        "eps": eps,
        "sample_size": sample_size,
        "seed": seed,
        "n_jobs": n_jobs,
        "n_genes": n_genes,
        "ties_fraction": tied,
        "tie_break": "decreasing score, then pandas.util.hash_array(gene id), then gene id",
        "n_sets": len(collection),
        "n_sets_tested": len(terms),
        "n_sets_below_min_size": n_small,
        "n_sets_above_max_size": n_large,
        "n_members": n_total,
        "n_members_not_ranked": n_missing,
        "perm_chunk": PERM_CHUNK,
        # the sets as tested, in the ranking's identifiers (differs from the collection's
        # sha256 when identifiers were translated)
        "tested_sets_sha256": collection.sha256,
    }

    if engine == "gseapy":
        table = _run_gseapy(ranked, scores, terms, descs, n_members, pos_list, collection,
                            weight=weight, min_size=min_size, hi=hi, method=method, n_perm=n_perm,
                            eps=eps, sample_size=sample_size, ss=ss, n_jobs=n_jobs, params=params)
    else:
        table = _run_mamsets(scores, ranked, terms, descs, n_members, pos_list, weight=weight,
                             method=method, n_perm=n_perm, eps=eps, sample_size=sample_size,
                             ss=ss, n_jobs=n_jobs, params=params)
    return EnrichmentResult(
        method="gsea",
        table=table,
        params=params,
        collection_name=original.name,
        collection_version=original.version,
        collection_sha256=original.sha256,
        mapping=mapping,
    )


def contrast_seeds(rng: RngLike, contrasts: Iterable[str]) -> tuple[int, dict[str, int]]:
    """The seed recorded for ``rng`` and one seed per contrast derived from it.

    Each contrast gets the first 63 bits of an independent child of ``rng``'s
    :class:`numpy.random.SeedSequence` (``SeedSequence.spawn``), in the given
    order, so ``gsea(ranking[c], ..., rng=seeds[c])`` repeats contrast ``c`` alone.
    """
    ss, seed = resolve_seed(rng)
    names = [str(c) for c in contrasts]
    children = ss.spawn(len(names))
    seeds = {c: int(ch.generate_state(1, np.uint64)[0] >> np.uint64(1))
             for c, ch in zip(names, children)}
    return seed, seeds


def _gsea_by_contrast(ranking: Ranking, collection: GeneSetCollection | None, *,
                      rng: RngLike, **kwargs: Any) -> EnrichmentResult:
    """:func:`gsea` on each contrast of a multi-contrast Ranking, stacked with a ``contrast`` column."""
    seed, seeds = contrast_seeds(rng, ranking.contrasts)
    per = {c: gsea(ranking.series(c), collection, rng=seeds[c], **kwargs) for c in ranking.contrasts}
    res = stack_results(per, column="contrast")
    params = dict(res.params)
    params["seed"] = seed
    params["contrast_seeds"] = seeds
    params["seed_derivation"] = (
        "contrast_seeds[c]: first 63 bits of SeedSequence(seed).spawn(n_contrasts)[i], "
        "i the contrast's position"
    )
    return EnrichmentResult(
        method=res.method, table=res.table, params=params, collection_name=res.collection_name,
        collection_version=res.collection_version, collection_sha256=res.collection_sha256,
        package_version=res.package_version, mapping=res.mapping,
    )


def _finish(rows: dict[str, Any]) -> pd.DataFrame:
    df = pd.DataFrame(rows)
    if len(df) == 0:
        return empty_table(GSEA_SCHEMA)
    p = df["pval"].to_numpy(dtype=np.float64)
    padj = np.full(p.size, np.nan)
    ok = np.isfinite(p)
    if ok.any():
        from scipy.stats import false_discovery_control

        padj[ok] = false_discovery_control(np.clip(p[ok], 0.0, 1.0), method="bh")
    df["padj"] = padj
    df = df.sort_values(["pval", "term"], kind="stable", na_position="last")
    out = conform_table(df, GSEA_SCHEMA)
    for c, d in GSEA_SCHEMA.items():  # text columns stay plain objects (pandas 3 infers "str")
        if d == "object" and out[c].dtype != object:
            out[c] = out[c].astype(object)
    return out


def _run_mamsets(scores: np.ndarray, ranked: np.ndarray, terms: list[str], descs: list[str],
                 n_members: list[int], pos_list: list[np.ndarray], *, weight: float, method: str,
                 n_perm: int, eps: float, sample_size: int, ss: np.random.SeedSequence,
                 n_jobs: int, params: dict[str, Any]) -> pd.DataFrame:
    if not terms:
        params["n_multilevel"] = 0
        return empty_table(GSEA_SCHEMA)
    w = _k.gene_weights(scores, weight)
    sizes = np.array([p.size for p in pos_list], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    es, peak = _k.enrichment_scores(w, np.concatenate(pos_list), offsets)

    usizes, size_row = np.unique(sizes, return_inverse=True)
    null = _null_matrix(w, usizes, n_perm, ss, n_jobs)
    st = _null_stats(es, size_row, null)
    fdr = _fdr_gsea(st.nes, size_row, st.null_nes)
    del null

    pval = (st.k + 1) / (st.n_sign + 1)
    log2err = _simple_log2err(st.k, st.n_sign)
    at_floor = st.k == 0
    unbalanced = st.n_sign == 0
    n_ml = 0
    if method == "multilevel":
        at_floor = np.zeros(es.size, dtype=bool)
        unbalanced = (st.n_sign < MIN_SAME_SIGN) & (es != 0)
        ml_err = _multilevel_log2err(pval, sample_size)
        use_ml = (ml_err < log2err) & ~unbalanced & (es != 0)
        if use_ml.any():
            from ._multilevel import multilevel_pvalues

            idx = np.flatnonzero(use_ml)
            mp, merr, mfloor = multilevel_pvalues(
                w, sizes[idx], es[idx], sample_size=sample_size, eps=eps,
                seed_sequence=_unit_seed(ss, 1), n_jobs=n_jobs,
            )
            pval = pval.astype(np.float64)
            log2err = log2err.astype(np.float64)
            pval[idx] = mp
            log2err[idx] = merr
            at_floor[idx] = np.asarray(mfloor, dtype=bool)
            n_ml = int(idx.size)
        pval = np.where(unbalanced, np.nan, pval)
        log2err = np.where(unbalanced, np.nan, log2err)
        st.nes = np.where(unbalanced, np.nan, st.nes)
    if method == "permutation":
        log2err = np.where(unbalanced, np.nan, log2err)
    n_unbalanced = int(unbalanced.sum())
    if n_unbalanced:
        rare = (f"fewer than {MIN_SAME_SIGN} of {n_perm}" if method == "multilevel"
                else f"none of {n_perm}")
        consequence = ("p-values and NES are NaN" if method == "multilevel"
                       else "NES is NaN and the p-value 1")
        warnings.warn(
            f"{n_unbalanced} gene set(s) have an ES whose sign is rare among random sets of their "
            f"size ({rare} random scores have that sign): the ranking is unbalanced (mostly "
            f"positive or mostly negative scores); their {consequence}. Centre or re-think the "
            "gene-level statistic",
            MamsetsWarning,
            stacklevel=3,
        )
    params["n_multilevel"] = n_ml
    params["n_unbalanced"] = n_unbalanced

    le = [tuple(ranked[_k.leading_edge_positions(p, e, h)]) for p, e, h in zip(pos_list, es, peak)]
    rows = {
        "term": terms,
        "description": descs,
        "size": sizes,
        "n_members": np.asarray(n_members, dtype=np.int64),
        "es": es,
        "nes": st.nes,
        "pval": pval,
        "fdr_gsea": fdr,
        "log2err": log2err,
        "pval_at_floor": at_floor,
        "leading_edge": le,
    }
    return _finish(rows)


def _run_gseapy(ranked: np.ndarray, scores: np.ndarray, terms: list[str], descs: list[str],
                n_members: list[int], pos_list: list[np.ndarray], collection: GeneSetCollection, *,
                weight: float, min_size: int, hi: int, method: str, n_perm: int, eps: float,
                sample_size: int, ss: np.random.SeedSequence, n_jobs: int,
                params: dict[str, Any]) -> pd.DataFrame:
    if not terms:
        return empty_table(GSEA_SCHEMA)
    import gseapy

    gseapy_seed = int(ss.generate_state(1)[0])
    params["gseapy_seed"] = gseapy_seed
    params["gseapy_version"] = gseapy.__version__
    params["fdr_gsea"] = (
        "NaN: gseapy's multilevel 'FDR q-val' is Benjamini-Hochberg over its p-values (see "
        "padj) and it returns no null NES to compute GSEA desktop's FDR from"
        if method == "multilevel"
        else "gseapy's 'FDR q-val' (GSEA desktop's FDR from its permutation null NES)"
    )
    rnk = pd.Series(scores, index=pd.Index(ranked, name="gene"), name="score")
    gene_sets = {t: [str(g) for g in collection[t].genes] for t in terms}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pre = gseapy.prerank(
            rnk=rnk, gene_sets=gene_sets, outdir=None, min_size=min_size, max_size=hi,
            permutation_num=n_perm, weight=weight, threads=n_jobs, no_plot=True, seed=gseapy_seed,
            verbose=False, method=method, sample_size=sample_size, eps=eps,
        )
    res = pre.res2d.set_index("Term")
    by_term = {t: i for i, t in enumerate(terms)}
    sizes = np.array([p.size for p in pos_list], dtype=np.int64)
    got = [t for t in res.index if t in by_term]
    idx = [by_term[t] for t in got]
    pval = pd.to_numeric(res.loc[got, "NOM p-val"], errors="coerce").to_numpy(dtype=np.float64)
    lead = res.loc[got, "Lead_genes"].astype(str)
    rows = {
        "term": got,
        "description": [descs[i] for i in idx],
        "size": sizes[idx],
        "n_members": np.asarray(n_members, dtype=np.int64)[idx],
        "es": pd.to_numeric(res.loc[got, "ES"]).to_numpy(dtype=np.float64),
        "nes": pd.to_numeric(res.loc[got, "NES"]).to_numpy(dtype=np.float64),
        "pval": pval,
        # gseapy's multilevel "FDR q-val" is BH over its p-values (= padj), and its
        # multilevel output holds no null NES to compute GSEA desktop's FDR from: NaN
        "fdr_gsea": (np.full(len(got), np.nan) if method == "multilevel" else
                     pd.to_numeric(res.loc[got, "FDR q-val"]).to_numpy(dtype=np.float64)),
        "log2err": (pd.to_numeric(res.loc[got, "log2err"], errors="coerce").to_numpy(dtype=np.float64)
                    if "log2err" in res.columns else np.full(len(got), np.nan)),
        "pval_at_floor": (pval <= eps) if method == "multilevel" else (pval == 0),
        "leading_edge": [tuple(x for x in s.split(";") if x) for s in lead],
    }
    return _finish(rows)
