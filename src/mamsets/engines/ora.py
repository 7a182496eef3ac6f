"""Over-representation analysis (hypergeometric / one-sided Fisher test) with an explicit universe.

:func:`ora` tests one or many gene lists against every set of a collection in
one vectorised pass and returns an :class:`~mamsets.results.EnrichmentResult`
whose table has the fixed columns of :data:`ORA_SCHEMA`.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable, Mapping
from typing import Any, Literal

import numpy as np

from ..model import GeneSetCollection
from ..results import EnrichmentResult, conform_table, empty_table
from ._collections import resolve_collection, to_user_space
from ._ora_data import (
    DEFAULT_QUERY,
    OraData,
    OraOptions,
    as_queries,
    check_options,
    check_universe,
    index_queries,
    index_sets,
    member_counts,
)
from ._families import add_family_columns, alias_groups, families
from ._tables import ORA_SCHEMA
from .registry import select

__all__ = ["DEFAULT_QUERY", "ORA_SCHEMA", "ora"]



# ---------------------------------------------------------------------------
# the public function
# ---------------------------------------------------------------------------


def ora(
    genes: Iterable[str] | Mapping[str, Iterable[str]],
    collection: GeneSetCollection
    | Mapping[str, Iterable[str]]
    | str
    | os.PathLike[str]
    | None = None,
    *,
    universe: Iterable[str] | None = None,
    min_size: int = 1,
    max_size: int | None = None,
    alternative: Literal["greater", "less", "two-sided"] = "greater",
    outside_universe: Literal["error", "drop"] = "error",
    species: str | None = None,
    id_type: str | None = None,
    engine: Literal["mamsets", "gseapy"] = "mamsets",
) -> EnrichmentResult:
    # check inputs
    """Over-representation analysis of gene lists in gene sets (hypergeometric test).

    Parameters
    ----------
    genes : list-like of str, or mapping of str to list-like of str
        The gene list(s) to test: e.g. differentially expressed genes, a
        proteomics hit list. A single list is reported as query ``"query"``;
        a mapping ``{name: genes}`` (e.g. ``{"up": [...], "down": [...]}``)
        gives one block of rows per name, in the mapping's order, all computed
        in one vectorised pass. Integers (Entrez ids) are converted to text;
        surrounding whitespace is stripped and missing values (None, NaN, NA)
        and empty strings are dropped, counted in ``params["queries"][name]``
        (``n_missing_dropped``, ``n_whitespace_stripped``; total in
        ``params["n_query_cleaned"]``) and reported with a
        :class:`~mamsets.errors.DroppedInputWarning`, as :func:`mamsets.ids.map_ids`
        does; duplicates are removed with a :class:`~mamsets.errors.DuplicateGeneWarning`.
        Several contrasts: name the lists by contrast and direction, e.g.
        ``{f"{c}:{d}": lst for c in ranking.contrasts
        for d, lst in ranking.gene_lists(c).items()}``; the ``query`` column
        then says which list each row belongs to (``padj`` is per query), or
        stack per-contrast results with :func:`mamsets.results.stack_results`
        to get a ``contrast`` column as :func:`~mamsets.engines.gsea.gsea` does.
    collection : GeneSetCollection, dict, path or None
        The gene sets. ``None`` means the built-in MAM library as tested by
        default, ``mamsets.io.bundled.library(include_raw=False)``: without
        ``MAMS_FIGURE_RAW_PFOCR``, the unedited PFOCR keyword set with its known
        false positives, which is kept in the library for comparison, is not a
        hypothesis to test, and would add a test to the BH correction. Pass
        ``library()`` to include it. A dict ``{set_id: genes}`` or a GMT path
        are accepted too. ``params["default_collection"]`` and
        ``params["raw_set_included"]`` record which was used.
    universe : list-like of str
        Required. Every gene that could have appeared in the lists: all genes
        measured (all rows of the differential-expression table, all proteins
        quantified, all genes screened). Set members outside it are not
        counted (``n_lost_to_universe``). Cleaned like ``genes`` (counts in
        ``params["n_universe_missing_dropped"]`` and
        ``params["n_universe_whitespace_stripped"]``). gseapy's default background, the union
        of the library's genes, is meaningless for a small curated library and
        is not offered.
    min_size, max_size : int
        Test only sets with ``min_size <= size <= max_size`` members *in the
        universe*. The default keeps every set with at least one member: the
        curated library has sets of 1-16 genes, and they are reported with
        exact p-values. Dropped sets are counted in ``result.params``.
    alternative : {"greater", "less", "two-sided"}
        ``"greater"`` tests over-representation (P(X >= k)); ``"less"``
        depletion (P(X <= k)); ``"two-sided"`` is Fisher's minimum-likelihood
        two-sided test (as R's ``fisher.test``).
    outside_universe : {"error", "drop"}
        What to do with query genes that are not in the universe: raise an
        error naming them (default), or drop them with a counted
        :class:`~mamsets.errors.DroppedInputWarning`. They are never kept.
    species, id_type : str, optional
        Species and identifier type of ``genes`` and ``universe`` (detected
        when omitted). The collection is translated into your identifiers by
        :func:`mamsets.ids.map_ids` with the universe as the identifiers
        (e.g. the human MAM library to mouse Entrez ids through orthologs);
        its report's summary is ``result.mapping``.
    engine : {"mamsets", "gseapy"}
        ``"gseapy"`` computes the p-values with ``gseapy.enrich`` on the same
        inputs (upper tail only) and returns the same table.

    Returns
    -------
    EnrichmentResult
        ``method="ora"``; ``table`` has one row per query and tested set, sorted
        by query (input order), ``pval`` and ``term``, with columns

        ========================  =========================================================
        ``query``                 query name
        ``term``                  set id
        ``description``           set title (or GMT description)
        ``size``                  K, genes of the set in the universe
        ``n_members``             members of the set (before identifier mapping)
        ``n_lost_to_universe``    members with no identifier in the universe
        ``overlap``               k, query genes in the set
        ``expected``              n K / N
        ``fold_enrichment``       k / expected (NaN when expected is 0)
        ``odds_ratio``            Haldane-Anscombe sample odds ratio (always finite)
        ``pval``                  exact hypergeometric tail (see Notes)
        ``padj``                  Benjamini-Hochberg within the query, over the sets tested
        ``overlap_genes``         tuple of the shared genes, sorted
        ========================  =========================================================

        ``params`` records the universe size, per-query counts (input,
        duplicates, outside the universe, tested), the sets dropped by the size
        filters (counts and ids), the alternative and the engine.

    Raises
    ------
    InputError
        Missing universe, query genes outside the universe (default), bad options.
    IdentifierError
        No member of any set is in the universe (wrong species or identifier type).

    Notes
    -----
    For a query of ``n`` genes, a set with ``K`` members in a universe of ``N``
    genes, and an overlap of ``k``, the 2x2 table is::

                         in query     not in query       total
        in set           k            K - k              K
        not in set       n - k        N - K - n + k      N - K
        total            n            N - n              N

    Under the null hypothesis the overlap X is hypergeometric,
    ``P(X = x) = C(K, x) C(N - K, n - x) / C(N, n)``, and

    - ``greater``: ``p = P(X >= k) = scipy.stats.hypergeom.sf(k - 1, N, K, n)``,
      identical to the one-sided Fisher exact test
      ``scipy.stats.fisher_exact(table, alternative="greater")`` and to R's
      ``fgsea::fora``;
    - ``less``: ``p = P(X <= k)``;
    - ``two-sided``: ``p = sum of P(X = x) over x with P(X = x) <= P(X = k)(1 + 1e-7)``.

    ``odds_ratio = (k + .5)(N - K - n + k + .5) / ((K - k + .5)(n - k + .5))``
    (0.5 added to every cell: finite, and equal to gseapy's ``Odds Ratio``; it is
    not R's conditional maximum-likelihood estimate). ``padj`` is the
    Benjamini-Hochberg adjustment (``scipy.stats.false_discovery_control``)
    of the p-values of one query over all sets tested, including sets with no
    overlap (gseapy adjusts only over sets with an overlap, which is
    anti-conservative). p-values below 2.2e-308 are reported as 2.2e-308.

    References
    ----------
    .. [1] Rivals I, Personnaz L, Taing L, Potier MC (2007). Enrichment or
       depletion of a GO category within a class of genes: which test?
       Bioinformatics 23:401-407. doi:10.1093/bioinformatics/btl633
    .. [2] Benjamini Y, Hochberg Y (1995). Controlling the false discovery rate.
       J R Stat Soc B 57:289-300. doi:10.1111/j.2517-6161.1995.tb02031.x
    .. [3] Korotkevich G et al. (2016). Fast gene set enrichment analysis.
       bioRxiv. doi:10.1101/060012

    Examples
    --------
    >>> from mamsets.model import GeneSetCollection
    >>> sets = GeneSetCollection.from_dict({"A": ["g1", "g2", "g3"], "B": ["g4", "g5"]})
    >>> universe = [f"g{i}" for i in range(1, 21)]
    >>> res = ora({"up": ["g1", "g2", "g6"]}, sets, universe=universe)
    >>> res.table[["query", "term", "size", "overlap", "pval"]].round(4)
      query term  size  overlap    pval
    0    up    A     3        2  0.0456
    1    up    B     2        0  1.0000
    """
    opts = check_options(min_size, max_size, alternative, outside_universe, engine, species, id_type)
    universe_list, universe_counts, n_universe_dup = check_universe(universe)
    raw_queries = as_queries(genes)
    # resolve the collection into the universe's identifiers; index queries and sets
    source = resolve_collection(collection)
    coll, mapping, report = to_user_space(source, universe_list, species, id_type)
    uni = np.array(sorted(universe_list), dtype=object)  # sorted: overlap genes come out sorted
    index = {g: i for i, g in enumerate(uni.tolist())}
    queries = index_queries(genes, raw_queries, index, outside_universe)
    data = index_sets(coll, uni, index, queries, member_counts(report), opts)
    data, aliases = _without_aliases(data)
    params = _params(opts, data, source, default_collection=collection is None,
                     universe_counts=universe_counts, n_universe_dup=n_universe_dup)
    params["aliases"] = {k: list(v) for k, v in aliases.items()}
    params["n_alias_sets"] = sum(len(v) for v in aliases.values())
    # compute with the engine the options select
    if data.kept.size == 0:
        table = empty_table(ORA_SCHEMA)
    else:
        table = select("ora", engine=opts.engine).entry(data, opts, params)
    # assemble the result: family columns, padj within query and family
    table = conform_table(add_family_columns(table, families(coll), aliases, None, by="query"),
                          ORA_SCHEMA)
    return EnrichmentResult(
        method="ora",
        table=table,
        params=params,
        collection_name=source.name,
        collection_version=source.version,
        collection_sha256=source.sha256,
        mapping=mapping,
    )


def _without_aliases(data: OraData) -> tuple[OraData, dict[str, tuple[str, ...]]]:
    """Test one set per group of sets identical after mapping; the others are its aliases."""
    kept = data.kept.tolist()
    ids = [data.coll.sets[j].id for j in kept]
    keep, aliases = alias_groups(ids, [data.coll.sets[j].genes for j in kept])
    if len(keep) == len(kept):
        return data, aliases
    return dataclasses.replace(data, kept=np.asarray([kept[i] for i in keep], dtype=data.kept.dtype)), aliases


_PVALUE = {
    "greater": "P(X >= k), hypergeometric upper tail (one-sided Fisher)",
    "less": "P(X <= k), hypergeometric lower tail",
    "two-sided": "Fisher minimum-likelihood two-sided, relative tolerance 1e-7",
}


def _params(opts: OraOptions, data: OraData, source: GeneSetCollection, *,
            default_collection: bool, universe_counts: dict[str, int],
            n_universe_dup: int) -> dict[str, Any]:
    """The result's parameter record."""
    q_params = data.queries.params
    too_small, too_big = data.too_small, data.too_big
    all_ids = data.coll.ids
    return {
        "default_collection": default_collection,
        "raw_set_included": any("raw" in gs.tags for gs in source),
        "alternative": opts.alternative,
        "min_size": int(opts.min_size),
        "max_size": None if opts.max_size is None else int(opts.max_size),
        "outside_universe": opts.outside_universe,
        "engine": opts.engine,
        "species": opts.species,
        "id_type": opts.id_type,
        "universe_size": data.n_universe,
        "n_universe_duplicates": n_universe_dup,
        "n_universe_missing_dropped": universe_counts["n_missing_dropped"],
        "n_universe_whitespace_stripped": universe_counts["n_whitespace_stripped"],
        "n_query_cleaned": sum(
            q["n_missing_dropped"] + q["n_whitespace_stripped"] for q in q_params.values()
        ),
        "n_queries": len(data.queries.names),
        "queries": q_params,
        "n_sets_in_collection": len(data.coll),
        "n_sets_tested": int(data.kept.size),
        "n_sets_dropped_min_size": int(too_small.sum()),
        "n_sets_dropped_max_size": int((too_big & ~too_small).sum()),
        "sets_dropped": [all_ids[j] for j in np.flatnonzero(too_small | too_big)],
        "n_collection_genes": data.n_coll_genes,
        "n_collection_genes_in_universe": data.n_coll_in_universe,
        "pvalue": _PVALUE[opts.alternative],
        "odds_ratio": "Haldane-Anscombe sample odds ratio (+0.5 to every cell)",
        "padj": "Benjamini-Hochberg per query and family (hypothesis, control, reference) over "
                "the sets tested",
    }
