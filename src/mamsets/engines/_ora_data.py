"""ORA inputs, checked and indexed once: options, universe, queries and sets.

:func:`check_options` gives a frozen :class:`OraOptions`; :func:`check_universe`
cleans the universe; :func:`index_queries` and :func:`index_sets` turn the
queries and the (translated) collection into positions in the sorted universe,
kept together in a frozen :class:`OraData`, from which every ORA method
(:mod:`mamsets.engines.registry`) computes; :func:`overlaps` is the step they share.
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

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
from . import _ora_kernel as kern

__all__ = [
    "DEFAULT_QUERY",
    "OraData",
    "OraOptions",
    "Overlaps",
    "Queries",
    "as_queries",
    "check_options",
    "check_universe",
    "index_queries",
    "index_sets",
    "member_counts",
    "overlaps",
]

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


def _clean_ids(
    values: Iterable[Any], what: str, stacklevel: int = 3
) -> tuple[list[str], dict[str, int]]:
    """Identifiers as strings, cleaned as :func:`mamsets.ids.map_ids` cleans them.

    Strings are stripped of surrounding whitespace; missing values (None, NaN,
    pandas NA) and empty or whitespace-only strings are dropped; integers
    (Entrez ids) become text; anything else is an error. Returns the cleaned
    list and the counts ``{"n_missing_dropped": ..., "n_whitespace_stripped": ...}``.
    ``stacklevel`` points the warning at ``ora``'s caller.
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
            stacklevel=stacklevel,
        )
    return out, {"n_missing_dropped": n_missing, "n_whitespace_stripped": n_stripped}


def _dedupe(values: list[str], what: str, stacklevel: int = 3) -> tuple[list[str], int]:
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
            stacklevel=stacklevel,
        )
    return list(seen), n_dup


def as_queries(genes: Any) -> dict[str, Any]:
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


def member_counts(report: Any) -> dict[str, tuple[int, int]] | None:
    """Per set id, ``(n_members, n_missing)`` of the original members (None: used as written)."""
    if report is None:
        return None
    sets = report.sets
    return {
        str(sid): (int(nm), int(nmiss))
        for sid, nm, nmiss in zip(sets["set_id"], sets["n_members"], sets["n_missing"])
    }


# ---------------------------------------------------------------------------
# options and universe
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class OraOptions:
    """:func:`~mamsets.engines.ora.ora`'s options after checking (see its docstring)."""

    min_size: int
    max_size: int | None
    alternative: str
    outside_universe: str
    engine: str
    species: str | None
    id_type: str | None


def check_options(
    min_size: Any, max_size: Any, alternative: Any, outside_universe: Any, engine: Any,
    species: str | None, id_type: str | None,
) -> OraOptions:
    """Check :func:`~mamsets.engines.ora.ora`'s options; ``engine`` must name a registered ORA engine."""
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
    from .registry import choices

    engines = choices("ora", "engine")
    if engine not in engines:
        raise InputError(f"engine={engine!r}: use {' or '.join(repr(e) for e in engines)}")
    if engine == "gseapy" and alternative != "greater":
        raise InputError(
            f"engine='gseapy' computes only the upper tail; alternative={alternative!r} needs "
            "engine='mamsets'"
        )
    return OraOptions(min_size=min_size, max_size=max_size, alternative=alternative,
                      outside_universe=outside_universe, engine=engine, species=species,
                      id_type=id_type)


def check_universe(universe: Any) -> tuple[list[str], dict[str, int], int]:
    """The universe cleaned and de-duplicated, its cleaning counts and its number of duplicates."""
    if universe is None:
        raise InputError(_UNIVERSE_HELP)
    universe_clean, universe_counts = _clean_ids(universe, "universe", stacklevel=4)
    universe_list, n_universe_dup = _dedupe(universe_clean, "universe", stacklevel=4)
    if not universe_list:
        raise InputError("universe is empty; " + _UNIVERSE_HELP)
    return universe_list, universe_counts, n_universe_dup


# ---------------------------------------------------------------------------
# queries and sets as positions in the sorted universe
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Queries:
    """The query lists as sorted positions in the universe, with their cleaning counts."""

    names: list[str]
    indices: list[np.ndarray]
    params: dict[str, dict[str, int]]


def index_queries(genes: Any, raw_queries: dict[str, Any], index: dict[str, int],
                  outside_universe: str) -> Queries:
    """Clean each query and locate it in the universe (``index``: gene -> position).

    Genes outside the universe are an error, or dropped with a warning when
    ``outside_universe="drop"``. Warnings point at ``ora``'s caller.
    """
    q_names: list[str] = []
    q_indices: list[np.ndarray] = []
    q_params: dict[str, dict[str, int]] = {}
    for name, lst in raw_queries.items():
        what = (
            "genes"
            if name == DEFAULT_QUERY and not isinstance(genes, Mapping)
            else f"genes[{name!r}]"
        )
        cleaned, clean_counts = _clean_ids(lst, what, stacklevel=4)
        if not cleaned:
            raise InputError(f"{what} is empty; give at least one gene")
        unique, n_dup = _dedupe(cleaned, what, stacklevel=4)
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
                stacklevel=3,
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
    return Queries(names=q_names, indices=q_indices, params=q_params)


@dataclass(frozen=True)
class OraData:
    """Everything an ORA method computes from: queries and sets as universe positions.

    Set arrays (``set_idx``, ``sizes``, ``n_members``, ``n_lost``) run over all sets
    of ``coll``; ``kept`` selects those within the size limits, which are tested.
    """

    universe: np.ndarray           # sorted universe genes (object array)
    queries: Queries
    coll: GeneSetCollection        # in the universe's identifiers
    set_idx: list[np.ndarray]      # members' positions in the universe, per set
    sizes: np.ndarray              # K: members in the universe
    n_members: np.ndarray          # members before identifier mapping
    n_lost: np.ndarray             # members with no identifier in the universe
    kept: np.ndarray               # indices of the tested sets
    too_small: np.ndarray          # bool per set: below min_size
    too_big: np.ndarray            # bool per set: above max_size
    n_coll_genes: int
    n_coll_in_universe: int

    @property
    def n_universe(self) -> int:
        return len(self.universe)


def index_sets(coll: GeneSetCollection, uni: np.ndarray, index: dict[str, int], queries: Queries,
               member_counts: dict[str, tuple[int, int]] | None, opts: OraOptions) -> OraData:
    """Locate every set's members in the universe and apply the size limits.

    Raises :class:`~mamsets.errors.IdentifierError` when no member is in the
    universe; warns when the universe looks like the library's own genes.
    """
    N = len(uni)
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
            stacklevel=3,
        )
    hi = opts.max_size if opts.max_size is not None else np.iinfo(np.int64).max
    too_small = sizes < opts.min_size
    too_big = sizes > hi
    keep = ~(too_small | too_big)
    kept = np.flatnonzero(keep)
    return OraData(universe=uni, queries=queries, coll=coll, set_idx=set_idx, sizes=sizes,
                   n_members=n_members, n_lost=n_lost, kept=kept, too_small=too_small,
                   too_big=too_big, n_coll_genes=len(coll_genes),
                   n_coll_in_universe=n_coll_in_universe)


@dataclass(frozen=True)
class Overlaps:
    """Query x tested-set overlaps: counts, and the overlap genes as universe positions."""

    q_sizes: np.ndarray
    genes_flat: np.ndarray
    starts: np.ndarray
    overlap: np.ndarray


def overlaps(data: OraData) -> Overlaps:
    """The overlap of every query with every tested set (the step all ORA methods share)."""
    N = data.n_universe
    q_indices = data.queries.indices
    qmat = kern.membership_matrix(q_indices, N)
    smat = kern.membership_matrix([data.set_idx[j] for j in data.kept], N)
    q_sizes = np.fromiter((len(ix) for ix in q_indices), dtype=np.int64, count=len(q_indices))
    genes_flat, starts, overlap = kern.overlap_members(qmat, smat)
    return Overlaps(q_sizes=q_sizes, genes_flat=genes_flat, starts=starts, overlap=overlap)
