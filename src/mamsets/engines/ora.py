"""Over-representation analysis (hypergeometric / one-sided Fisher test) with an explicit universe.

:func:`ora` tests one or many gene lists against every set of a collection in
one vectorised pass and returns an :class:`~mamsets.results.EnrichmentResult`
whose table has the fixed columns of :data:`ORA_SCHEMA`.
"""

from __future__ import annotations

import itertools
import logging
import os
import warnings
from collections.abc import Iterable, Mapping
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..errors import (
    DroppedInputWarning,
    DuplicateGeneWarning,
    IdentifierError,
    InputError,
    MamsetsWarning,
)
from ..model import GeneSetCollection
from ..results import EnrichmentResult, conform_table, empty_table
from . import _ora_kernel as kern
from ._collections import resolve_collection, to_user_space

__all__ = ["DEFAULT_QUERY", "ORA_SCHEMA", "ora"]

logger = logging.getLogger(__name__)

#: Column -> dtype of every ORA result table (the same columns when empty).
ORA_SCHEMA: dict[str, str] = {
    "query": "object",
    "term": "object",
    "description": "object",
    "size": "int64",
    "n_members": "int64",
    "n_lost_to_universe": "int64",
    "overlap": "int64",
    "expected": "float64",
    "fold_enrichment": "float64",
    "odds_ratio": "float64",
    "pval": "float64",
    "padj": "float64",
    "overlap_genes": "object",
}

#: Name of the query when ``genes`` is a single list rather than a mapping.
DEFAULT_QUERY = "query"

_UNIVERSE_HELP = (
    "ora() needs universe=: every gene that could have been in your list (all genes measured, "
    "e.g. every row of your differential-expression table, after the same filtering). "
    "The p-value depends on it directly. gseapy's default background, the union of the "
    "library's own genes, is meaningless for a small curated library such as the MAM sets "
    "(a few hundred genes, nearly all of them 'hits' by construction), and even for large "
    "libraries it omits measured genes that belong to no set, inflating enrichment. "
    "From the command line, `mamsets ora --from-table DE.tsv` takes the universe from the "
    "full results table."
)

_MAX_EXAMPLES = 10


# ---------------------------------------------------------------------------
# input cleaning
# ---------------------------------------------------------------------------
def _is_missing(v: Any) -> bool:
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    return isinstance(v, (float, np.floating)) and bool(np.isnan(v))


def _clean_ids(values: Iterable[Any], what: str) -> tuple[list[str], dict[str, int]]:
    """Identifiers as strings, cleaned as :func:`mamsets.ids.map_ids` cleans them.

    Strings are stripped of surrounding whitespace; missing values (None, NaN,
    pandas NA) and empty or whitespace-only strings are dropped; integers
    (Entrez ids) become text; anything else is an error. Returns the cleaned
    list and the counts ``{"n_missing_dropped": ..., "n_whitespace_stripped": ...}``.
    """
    if isinstance(values, (str, bytes)):
        raise InputError(
            f"{what} is a single string ({values[:60]!r}); pass a list of gene identifiers "
            "(to read a file with one gene per line: Path(f).read_text().split())"
        )
    if isinstance(values, pd.DataFrame):
        raise InputError(f"{what} is a DataFrame; pass one column, e.g. df['gene']")
    if isinstance(values, pd.Series):
        values = values.tolist()
    elif isinstance(values, np.ndarray):
        values = values.ravel().tolist()
    elif isinstance(values, (set, frozenset)):
        values = sorted(values, key=str)
    out: list[str] = []
    n_missing = n_stripped = 0
    for i, v in enumerate(values):
        if isinstance(v, str):
            s = v.strip()
            if not s:
                n_missing += 1
                continue
            n_stripped += s != v
            out.append(s)
        elif isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_)):
            out.append(str(int(v)))
        elif _is_missing(v):
            n_missing += 1
        else:
            hint = ""
            if isinstance(v, (float, np.floating)):
                hint = (
                    " (numeric ids read as floats: read the identifier column as text, e.g. "
                    "pandas.read_csv(..., dtype={'gene': str}))"
                )
            raise InputError(
                f"{what}: item {i} is {v!r} of type {type(v).__name__}; gene identifiers must "
                f"be strings or integers{hint}"
            )
    if n_missing or n_stripped:
        warnings.warn(
            f"{what}: dropped {n_missing} missing or empty identifiers (None, NaN, '') and "
            f"stripped surrounding whitespace from {n_stripped}",
            DroppedInputWarning,
            stacklevel=3,
        )
    return out, {"n_missing_dropped": n_missing, "n_whitespace_stripped": n_stripped}


def _dedupe(values: list[str], what: str) -> tuple[list[str], int]:
    seen: dict[str, None] = dict.fromkeys(values)
    n_dup = len(values) - len(seen)
    if n_dup:
        counts: dict[str, int] = {}
        for v in values:
            counts[v] = counts.get(v, 0) + 1
        examples = [g for g, c in counts.items() if c > 1][:_MAX_EXAMPLES]
        warnings.warn(
            f"{what}: {n_dup} duplicated identifier(s) removed (each gene counts once), "
            f"e.g. {examples}",
            DuplicateGeneWarning,
            stacklevel=3,
        )
    return list(seen), n_dup


def _as_queries(genes: Any) -> dict[str, Any]:
    if isinstance(genes, Mapping):
        if not genes:
            raise InputError("genes is an empty mapping; give at least one query name -> gene list")
        out: dict[str, Any] = {}
        for name, lst in genes.items():
            if not isinstance(name, str) or not name:
                raise InputError(f"genes: query name {name!r} must be a non-empty string")
            out[name] = lst
        return out
    if genes is None:
        raise InputError("genes is None; pass a list of gene identifiers or a mapping name -> list")
    return {DEFAULT_QUERY: genes}


def _member_counts(report: Any) -> dict[str, tuple[int, int]] | None:
    """Per set id, ``(n_members, n_missing)`` of the original members (None: used as written)."""
    if report is None:
        return None
    sets = report.sets
    return {
        str(sid): (int(nm), int(nmiss))
        for sid, nm, nmiss in zip(sets["set_id"], sets["n_members"], sets["n_missing"])
    }


def _check_options(
    min_size: int, max_size: int | None, alternative: str, outside_universe: str, engine: str
) -> None:
    if isinstance(min_size, bool) or not isinstance(min_size, (int, np.integer)) or min_size < 1:
        raise InputError(
            f"min_size={min_size!r}: must be an integer >= 1 (a set with no member in the "
            "universe cannot be tested; small sets are reported with exact p-values)"
        )
    if max_size is not None and (
        isinstance(max_size, bool)
        or not isinstance(max_size, (int, np.integer))
        or max_size < min_size
    ):
        raise InputError(
            f"max_size={max_size!r}: must be None or an integer >= min_size={min_size}"
        )
    if alternative not in kern.ALTERNATIVES:
        raise InputError(f"alternative={alternative!r}: use one of {kern.ALTERNATIVES}")
    if outside_universe not in ("error", "drop"):
        raise InputError(f"outside_universe={outside_universe!r}: use 'error' or 'drop'")
    if engine not in ("mamsets", "gseapy"):
        raise InputError(f"engine={engine!r}: use 'mamsets' or 'gseapy'")
    if engine == "gseapy" and alternative != "greater":
        raise InputError(
            f"engine='gseapy' computes only the upper tail; alternative={alternative!r} needs "
            "engine='mamsets'"
        )


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
    _check_options(min_size, max_size, alternative, outside_universe, engine)
    if universe is None:
        raise InputError(_UNIVERSE_HELP)
    universe_clean, universe_counts = _clean_ids(universe, "universe")
    universe_list, n_universe_dup = _dedupe(universe_clean, "universe")
    if not universe_list:
        raise InputError("universe is empty; " + _UNIVERSE_HELP)

    raw_queries = _as_queries(genes)
    source = resolve_collection(collection)
    coll, mapping, report = to_user_space(source, universe_list, species, id_type)
    member_counts = _member_counts(report)

    # -- universe index (sorted, so overlap genes come out sorted) --------------
    uni = np.array(sorted(universe_list), dtype=object)
    index = {g: i for i, g in enumerate(uni.tolist())}
    N = len(uni)

    # -- queries -------------------------------------------------------------
    q_names: list[str] = []
    q_indices: list[np.ndarray] = []
    q_params: dict[str, dict[str, int]] = {}
    for name, lst in raw_queries.items():
        what = (
            "genes"
            if name == DEFAULT_QUERY and not isinstance(genes, Mapping)
            else f"genes[{name!r}]"
        )
        cleaned, clean_counts = _clean_ids(lst, what)
        if not cleaned:
            raise InputError(f"{what} is empty; give at least one gene")
        unique, n_dup = _dedupe(cleaned, what)
        inside = [index[g] for g in unique if g in index]
        outside = [g for g in unique if g not in index]
        if outside and outside_universe == "error":
            raise InputError(
                f"{what}: {len(outside)} of {len(unique)} genes are not in the universe, e.g. "
                f"{outside[:_MAX_EXAMPLES]}. The universe must contain every gene that could "
                "have been in the list; add them to the universe, or pass "
                "outside_universe='drop' (CLI: --outside-universe drop) to drop them with a warning"
            )
        if outside:
            warnings.warn(
                f"{what}: dropped {len(outside)} of {len(unique)} genes not in the universe, "
                f"e.g. {outside[:_MAX_EXAMPLES]}",
                DroppedInputWarning,
                stacklevel=2,
            )
        q_names.append(name)
        q_indices.append(np.array(sorted(inside), dtype=np.int64))
        q_params[name] = {
            "n_input": len(cleaned) + clean_counts["n_missing_dropped"],
            **clean_counts,
            "n_duplicates": n_dup,
            "n_outside_universe": len(outside),
            "n_tested": len(inside),
        }

    # -- sets ------------------------------------------------------------------
    all_ids = coll.ids
    lengths = [len(gs.genes) for gs in coll.sets]
    flat = np.fromiter(
        map(
            index.get,
            itertools.chain.from_iterable(gs.genes for gs in coll.sets),
            itertools.repeat(-1),
        ),
        dtype=np.int64,
        count=sum(lengths),
    )
    set_idx = [ix[ix >= 0] for ix in np.split(flat, np.cumsum(lengths)[:-1])] if lengths else []
    n_members = np.array(lengths, dtype=np.int64)
    n_lost = np.array([n - len(ix) for n, ix in zip(lengths, set_idx)], dtype=np.int64)
    if member_counts is not None:
        for j, gs in enumerate(coll.sets):
            if gs.id in member_counts:
                n_members[j], n_lost[j] = member_counts[gs.id]
    sizes = np.fromiter((len(ix) for ix in set_idx), dtype=np.int64, count=len(set_idx))
    coll_genes: set[str] = set().union(*(gs.genes for gs in coll.sets))
    n_coll_in_universe = int(
        np.count_nonzero(
            np.bincount(np.concatenate([np.zeros(0, np.int64), *set_idx]), minlength=N)
        )
    )
    if len(coll_genes) and n_coll_in_universe == 0:
        raise IdentifierError(
            f"none of the {len(coll_genes)} genes of collection {coll.name!r} is in the universe "
            f"(universe e.g. {uni[:3].tolist()}, collection e.g. {sorted(coll_genes)[:3]}); "
            "are they the same species and identifier type? Pass species= and id_type=, or "
            "use a collection in your identifiers"
        )
    if n_coll_in_universe == N and N < 5000 and len(coll) > 1:
        warnings.warn(
            f"every one of the {N} universe genes belongs to a set of {coll.name!r}: this looks "
            "like the library's own genes used as the universe (gseapy's default background). "
            "The p-values then compare the sets with each other, not with your experiment; "
            "pass all measured genes as the universe",
            MamsetsWarning,
            stacklevel=2,
        )
    hi = max_size if max_size is not None else np.iinfo(np.int64).max
    too_small = sizes < min_size
    too_big = sizes > hi
    keep = ~(too_small | too_big)
    kept = np.flatnonzero(keep)

    params: dict[str, Any] = {
        "default_collection": collection is None,
        "raw_set_included": any("raw" in gs.tags for gs in source),
        "alternative": alternative,
        "min_size": int(min_size),
        "max_size": None if max_size is None else int(max_size),
        "outside_universe": outside_universe,
        "engine": engine,
        "species": species,
        "id_type": id_type,
        "universe_size": N,
        "n_universe_duplicates": n_universe_dup,
        "n_universe_missing_dropped": universe_counts["n_missing_dropped"],
        "n_universe_whitespace_stripped": universe_counts["n_whitespace_stripped"],
        "n_query_cleaned": sum(
            q["n_missing_dropped"] + q["n_whitespace_stripped"] for q in q_params.values()
        ),
        "n_queries": len(q_names),
        "queries": q_params,
        "n_sets_in_collection": len(coll),
        "n_sets_tested": int(kept.size),
        "n_sets_dropped_min_size": int(too_small.sum()),
        "n_sets_dropped_max_size": int((too_big & ~too_small).sum()),
        "sets_dropped": [all_ids[j] for j in np.flatnonzero(~keep)],
        "n_collection_genes": len(coll_genes),
        "n_collection_genes_in_universe": n_coll_in_universe,
        "pvalue": {
            "greater": "P(X >= k), hypergeometric upper tail (one-sided Fisher)",
            "less": "P(X <= k), hypergeometric lower tail",
            "two-sided": "Fisher minimum-likelihood two-sided, relative tolerance 1e-7",
        }[alternative],
        "odds_ratio": "Haldane-Anscombe sample odds ratio (+0.5 to every cell)",
        "padj": "Benjamini-Hochberg per query over the sets tested",
    }

    if kept.size == 0:
        table = empty_table(ORA_SCHEMA)
    else:
        qmat = kern.membership_matrix(q_indices, N)
        smat = kern.membership_matrix([set_idx[j] for j in kept], N)
        q_sizes = np.fromiter((len(ix) for ix in q_indices), dtype=np.int64, count=len(q_indices))
        genes_flat, starts, overlap = kern.overlap_members(qmat, smat)
        if engine == "mamsets":
            arr = kern.ora_arrays(overlap, N, sizes[kept], q_sizes, alternative)
            pval = arr.pval
        else:
            gp_overlap, pval = _gseapy_pvalues(q_indices, [set_idx[j] for j in kept], N)
            if not np.array_equal(gp_overlap, overlap):  # pragma: no cover - would be a gseapy bug
                raise RuntimeError("gseapy.enrich found other overlaps than mamsets; please report")
            arr = kern.ora_arrays(overlap, N, sizes[kept], q_sizes, alternative)
            pval = np.clip(pval, kern.P_FLOOR, 1.0)
            padj = _bh(pval)
            arr = arr._replace(pval=pval, padj=padj)
        table = _build_table(
            q_names, coll, kept, sizes, n_members, n_lost, arr, uni, genes_flat, starts
        )

    return EnrichmentResult(
        method="ora",
        table=table,
        params=params,
        collection_name=source.name,
        collection_version=source.version,
        collection_sha256=source.sha256,
        mapping=mapping,
    )


def _bh(pval: np.ndarray) -> np.ndarray:
    from scipy.stats import false_discovery_control

    if pval.shape[1] == 0:
        return pval.copy()
    return np.maximum(false_discovery_control(pval, axis=1, method="bh"), pval)


def _build_table(
    q_names: list[str],
    coll: GeneSetCollection,
    kept: np.ndarray,
    sizes: np.ndarray,
    n_members: np.ndarray,
    n_lost: np.ndarray,
    arr: kern.OraArrays,
    uni: np.ndarray,
    genes_flat: np.ndarray,
    starts: np.ndarray,
) -> pd.DataFrame:
    nq, ns = arr.pval.shape
    ids = np.array([coll.sets[j].id for j in kept], dtype=object)
    desc = np.array([coll.sets[j].title or coll.sets[j].description for j in kept], dtype=object)
    # rows: queries in input order; within a query by p-value, ties by set id
    by_term = np.argsort(ids.astype(str), kind="stable")
    within = np.argsort(arr.pval[:, by_term], axis=1, kind="stable")
    si = by_term[within].ravel()
    qi = np.repeat(np.arange(nq), ns)
    order = qi * ns + si
    # one tuple of all overlap genes, sliced per row (a tuple slice is a tuple)
    names = tuple(uni[genes_flat].tolist())
    lo = starts.ravel()[order]
    hi = (lo + arr.overlap.ravel()[order]).tolist()
    overlap_genes = np.empty(nq * ns, dtype=object)
    overlap_genes[:] = list(map(names.__getitem__, map(slice, lo.tolist(), hi)))
    df = pd.DataFrame(
        {
            "query": pd.Series(np.array(q_names, dtype=object)[qi], dtype=object),
            "term": pd.Series(ids[si], dtype=object),
            "description": pd.Series(desc[si], dtype=object),
            "size": sizes[kept][si],
            "n_members": n_members[kept][si],
            "n_lost_to_universe": n_lost[kept][si],
            "overlap": arr.overlap.ravel()[order],
            "expected": arr.expected.ravel()[order],
            "fold_enrichment": arr.fold_enrichment.ravel()[order],
            "odds_ratio": arr.odds_ratio.ravel()[order],
            "pval": arr.pval.ravel()[order],
            "padj": arr.padj.ravel()[order],
            "overlap_genes": pd.Series(overlap_genes, dtype=object),
        }
    )
    return conform_table(df, ORA_SCHEMA)


# ---------------------------------------------------------------------------
# gseapy engine
# ---------------------------------------------------------------------------
def _gseapy_pvalues(
    q_indices: list[np.ndarray], set_indices: list[np.ndarray], N: int
) -> tuple[np.ndarray, np.ndarray]:
    """Overlaps and upper-tail p-values (queries x sets) computed by ``gseapy.enrich``.

    Genes are passed to gseapy as opaque upper-case tokens (``G0``, ``G1``, ...
    for the universe's sorted genes) so that gseapy's input heuristics
    (upper-casing queries when the sets look upper-case; treating all-numeric
    lists as Entrez integers, which then match no string set) cannot change
    which genes match. Sets gseapy omits (no overlap) have P(X >= 0) = 1.
    """
    import gseapy

    token = [f"G{i}" for i in range(N)]
    gene_sets = {f"S{j}": [token[i] for i in ix] for j, ix in enumerate(set_indices)}
    background = list(token)
    nq, ns = len(q_indices), len(set_indices)
    overlap = np.zeros((nq, ns), dtype=np.int64)
    pval = np.ones((nq, ns), dtype=np.float64)
    for q, ix in enumerate(q_indices):
        if ix.size == 0:
            continue
        enr = gseapy.enrich(
            gene_list=[token[i] for i in ix],
            gene_sets=gene_sets,
            background=background,
            outdir=None,
            no_plot=True,
            verbose=False,
        )
        res = enr.results
        if not isinstance(res, pd.DataFrame) or res.empty:
            continue
        cols = res["Term"].str.slice(1).astype(np.int64).to_numpy()
        overlap[q, cols] = res["Overlap"].str.split("/").str[0].astype(np.int64).to_numpy()
        pval[q, cols] = res["P-value"].to_numpy(dtype=np.float64)
    return overlap, pval
