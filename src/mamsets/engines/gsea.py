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

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from .._random import RngLike, resolve_seed
from ..errors import InputError
from ..io.ranking import Ranking
from ..model import GeneSetCollection
from ..results import EnrichmentResult
from . import _gsea_kernel as _k
from ._collections import resolve_collection
from ._families import MIN_SIZE_PVAL
from ._gsea_inputs import (
    GseaOptions,
    GseaSets,
    SharedSets,
    check_options,
    check_ranking,
    check_weight,
    select_sets,
    warn_ties,
)
from ._gsea_null import PERM_CHUNK
from ._gsea_shelf import SetGroups, shelve_sets
from ._tables import GSEA_SCHEMA
from .native.gsea_multilevel import MIN_SAME_SIGN
from .registry import select

__all__ = ["GSEA_SCHEMA", "MIN_SAME_SIGN", "PERM_CHUNK", "RunningSum", "contrast_seeds", "gsea",
           "running_sum"]


Method = Literal["multilevel", "permutation"]
Engine = Literal["mamsets", "gseapy"]

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
    weight = check_weight(weight)
    ranked, scores, tied = check_ranking(ranking)
    warn_ties(tied, len(ranked))
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
    min_size_pval: int = MIN_SIZE_PVAL,
    scheduler: Any = None,
    progress: bool | None = None,
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
    scheduler : dask.distributed.Client, "local" or str, optional
        For a multi-contrast Ranking: run the contrasts as tasks on a Dask cluster
        (``"local"``: a LocalCluster of one single-threaded worker process per core,
        closed at the end; ``"tcp://host:8786"``: that scheduler). Each contrast keeps
        its own seed, so the result is identical to the serial run (tested). Needs
        ``mamsets[dask]``. To stream many contrasts without holding every table, use
        :func:`mamsets.engines.contrasts.iter_gsea` or
        :func:`~mamsets.engines.contrasts.write_gsea`.
    progress : bool or None
        For a multi-contrast Ranking: a progress bar over contrasts on stderr (``None``:
        when stderr is a terminal).
    min_size_pval : int
        Sets with fewer members in the ranking get no p-value (default 3: a
        running sum over one or two genes is their rank, not an enrichment); they
        stay in the table with ``note`` saying so. Sets with identical members after
        mapping are computed once (``aliases``), and ``padj`` is Benjamini-Hochberg
        within each ``family``: ``hypothesis``, ``control`` (positive controls) and
        ``reference``, so the controls never change a hypothesis' ``padj``.

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
        from .contrasts import gsea_by_contrast

        return gsea_by_contrast(
            ranking, collection, weight=weight, min_size=min_size, max_size=max_size,
            method=method, n_perm=n_perm, eps=eps, sample_size=sample_size, rng=rng,
            n_jobs=n_jobs, species=species, id_type=id_type, engine=engine,
            min_size_pval=min_size_pval, scheduler=scheduler, progress=progress,
        )
    if scheduler is not None:
        raise InputError("scheduler= distributes the contrasts of a multi-contrast Ranking; this "
                         "ranking has one contrast: call gsea() without scheduler")
    # check inputs (here, so that warnings point at the caller)
    opts = check_options(method=method, engine=engine, weight=weight, min_size=min_size,
                         max_size=max_size, n_perm=n_perm, eps=eps, sample_size=sample_size,
                         n_jobs=n_jobs, rng=rng)
    ranked, scores, tied = check_ranking(ranking)
    warn_ties(tied, ranked.size)
    # resolve the collection: the sets to test, in the ranking's identifiers
    source = resolve_collection(collection)
    sets = select_sets(source, ranked, scores, opts, species, id_type)
    return _compute(sets, source, opts, tied=tied, min_size_pval=min_size_pval,
                    default_collection=collection is None)


def gsea_one(ranking: Any, source: GeneSetCollection, *, default_collection: bool,
             shared: SharedSets | None, species: str | None, id_type: str | None,
             min_size_pval: int, **options: Any) -> EnrichmentResult:
    """:func:`gsea` of one ranking against a resolved collection (one contrast of many).

    ``shared`` holds the sets matched once for every ranking of a gene universe
    (:func:`~._gsea_inputs.share_sets`, with :func:`~._gsea_shelf.set_groups` as its
    ``groups``; :mod:`mamsets.engines.contrasts`); a ranking of another universe is
    matched on its own. The result is the same either way. ``options`` are
    :func:`gsea`'s remaining keywords (``rng`` included).
    """
    opts = check_options(**options)
    ranked, scores, tied = check_ranking(ranking)
    warn_ties(tied, ranked.size)
    sets = shared.for_ranking(ranked, scores) if shared is not None else None
    if sets is None:
        sets = select_sets(source, ranked, scores, opts, species, id_type)
        shared = None
    return _compute(sets, source, opts, tied=tied, min_size_pval=min_size_pval,
                    default_collection=default_collection,
                    groups=shared.groups if shared is not None else None)


def _compute(sets: GseaSets, source: GeneSetCollection, opts: GseaOptions, *, tied: float,
             min_size_pval: int, default_collection: bool,
             groups: SetGroups | None = None) -> EnrichmentResult:
    """The result of the method ``opts`` selects on the checked sets."""
    sets, shelf = shelve_sets(sets, _check_min_size_pval(min_size_pval), opts.weight, groups)
    params = _params(opts, sets, source, default_collection=default_collection, tied=tied)
    params.update(shelf.params())
    # compute with the method the options select (it adds its own params)
    table = select("gsea", method=opts.method, engine=opts.engine).entry(sets, opts, params)
    # assemble the result: family columns, padj within family, the shelved small sets
    table = shelf.finish(table)
    return EnrichmentResult(
        method="gsea",
        table=table,
        params=params,
        collection_name=source.name,
        collection_version=source.version,
        collection_sha256=source.sha256,
        mapping=sets.mapping,
    )


def _check_min_size_pval(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise InputError(f"min_size_pval={value!r}; pass an integer >= 1 (default 3: fewer members "
                         "in the ranking give no GSEA p-value)")
    return int(value)


def _params(opts: GseaOptions, sets: GseaSets, source: GeneSetCollection, *,
            default_collection: bool, tied: float) -> dict[str, Any]:
    """The result's parameter record before the method adds its own entries."""
    return {
        "default_collection": default_collection,
        "raw_set_included": any("raw" in gs.tags for gs in source),
        "pvalue_method": opts.method,
        "engine": opts.engine,
        "weight": opts.weight,
        "min_size": opts.min_size,
        "max_size": opts.max_size,
        "n_perm": opts.n_perm,
        "eps": opts.eps,
        "sample_size": opts.sample_size,
        "seed": opts.seed,
        "n_jobs": opts.n_jobs,
        "n_genes": sets.ranked.size,
        "ties_fraction": tied,
        "tie_break": "decreasing score, then pandas.util.hash_array(gene id), then gene id",
        "n_sets": len(sets.collection),
        "n_sets_tested": len(sets.terms),
        "n_sets_below_min_size": sets.n_small,
        "n_sets_above_max_size": sets.n_large,
        "n_members": sets.n_total,
        "n_members_not_ranked": sets.n_missing,
        "perm_chunk": PERM_CHUNK,
        # the sets as tested, in the ranking's identifiers (differs from the collection's
        # sha256 when identifiers were translated)
        "tested_sets_sha256": sets.collection.sha256,
    }


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
