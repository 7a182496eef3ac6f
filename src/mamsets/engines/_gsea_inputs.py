"""GSEA inputs, checked once: the ranking, the options and the sets to test.

:func:`check_options` turns :func:`~mamsets.engines.gsea.gsea`'s keyword arguments
into a frozen :class:`GseaOptions`; :func:`check_ranking` validates and sorts the
ranking; :func:`select_sets` matches a collection to the ranking and keeps the
sets within the size limits, as a frozen :class:`GseaSets`. Every GSEA method
(:mod:`mamsets.engines.registry`) computes from these two records.
"""

from __future__ import annotations

import dataclasses
import math
import os
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._random import RngLike, resolve_seed
from ..errors import DroppedInputWarning, IdentifierError, InputError, TiesWarning
from ..io.ranking import TIES_WARN_FRACTION
from ..model import GeneSetCollection
from ._collections import to_user_space

__all__ = ["GseaOptions", "GseaSets", "SharedSets", "check_options", "check_ranking", "select_sets",
           "share_sets", "warn_ties"]


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


def check_ranking(ranking: Any) -> tuple[np.ndarray, np.ndarray, float]:
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


def warn_ties(tied: float, n: int) -> None:
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
# parameter checks
# --------------------------------------------------------------------------------------
def check_weight(weight: float) -> float:
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


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity: a batch job's or a container's
    cpuset), not all of the machine's (``os.cpu_count``). A CPU quota without a cpuset
    (``docker --cpus``) is not seen."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # no affinity on macOS and Windows
        return max(1, os.cpu_count() or 1)


def _resolve_jobs(n_jobs: Any) -> int:
    if isinstance(n_jobs, (int, np.integer)) and not isinstance(n_jobs, bool) and n_jobs == -1:
        return usable_cores()
    return _check_int("n_jobs", n_jobs, 1)



@dataclass(frozen=True)
class GseaOptions:
    """:func:`~mamsets.engines.gsea.gsea`'s options after checking (see its docstring)."""

    method: str
    engine: str
    weight: float
    min_size: int
    max_size: int | None
    n_perm: int
    eps: float
    sample_size: int
    n_jobs: int
    seed_sequence: np.random.SeedSequence
    seed: int | None


def check_options(*, method: Any, engine: Any, weight: Any, min_size: Any, max_size: Any,
                  n_perm: Any, eps: Any, sample_size: Any, n_jobs: Any,
                  rng: RngLike) -> GseaOptions:
    """Check :func:`~mamsets.engines.gsea.gsea`'s options, in the order users see the errors.

    ``method`` and ``engine`` must name a registered GSEA method; ``rng`` is resolved
    last (a Generator passed as ``rng`` is drawn from once, after every other check).
    """
    from .registry import choices

    methods = choices("gsea", "method")
    if method not in methods:
        raise InputError(f"method={method!r}: choose {_either(methods)}")
    engines = choices("gsea", "engine")
    if engine not in engines:
        raise InputError(f"engine={engine!r}: choose {_either(engines)}")
    weight = check_weight(weight)
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
    return GseaOptions(method=method, engine=engine, weight=weight, min_size=min_size,
                       max_size=max_size, n_perm=n_perm, eps=eps, sample_size=sample_size,
                       n_jobs=n_jobs, seed_sequence=ss, seed=seed)


def _either(values: tuple[str, ...]) -> str:
    return " or ".join(repr(v) for v in values)


# --------------------------------------------------------------------------------------
# the sets to test
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class GseaSets:
    """The ranking and the sets to test, in the ranking's identifiers.

    ``terms``, ``descs``, ``n_members`` and ``positions`` run over the tested sets;
    ``positions[i]`` holds the increasing 0-based ranks of set ``i``'s members.
    """

    ranked: np.ndarray             # gene ids, decreasing score (ties by a hash of the id)
    scores: np.ndarray             # their scores
    collection: GeneSetCollection  # all sets, translated into the ranking's identifiers
    mapping: dict[str, Any]        # how the identifiers were matched (EnrichmentResult.mapping)
    terms: list[str]
    descs: list[str]
    n_members: list[int]           # members before matching to the ranking
    positions: list[np.ndarray]
    max_tested: int                # the effective max_size (N - 1 when max_size is None)
    n_small: int                   # sets below min_size
    n_large: int                   # sets above max_size
    n_total: int                   # members of all sets, before matching
    n_missing: int                 # of those, not in the ranking


def select_sets(source: GeneSetCollection, ranked: np.ndarray, scores: np.ndarray,
                opts: GseaOptions, species: str | None, id_type: str | None) -> GseaSets:
    """Match ``source`` to the ranking and keep the sets with ``min_size..max_size`` members in it.

    The identifiers are matched in sorted order, so which sets are tested and how their
    members are matched depends on which genes were measured, never on their scores:
    every ranking of one gene universe gets the same sets (:class:`SharedSets`). Raises
    :class:`~mamsets.errors.IdentifierError` when no member is ranked; warns
    (:class:`~mamsets.errors.DroppedInputWarning`, pointing at ``gsea``'s caller) with
    the number of sets not tested.
    """
    min_size, max_size = opts.min_size, opts.max_size
    n_genes = ranked.size
    set_sizes = {gs.id: len(gs.genes) for gs in source}
    n_total = sum(set_sizes.values())
    collection, mapping, _ = to_user_space(source, np.sort(ranked), species, id_type)

    hi = n_genes - 1 if max_size is None else min(max_size, n_genes - 1)
    found_all = _member_ranks(collection, ranked)
    terms, descs, n_members, pos_list = [], [], [], []
    n_small = n_large = n_found = 0
    for gs, found in zip(collection, found_all):
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
            stacklevel=3,
        )
    return GseaSets(ranked=ranked, scores=scores, collection=collection, mapping=mapping,
                    terms=terms, descs=descs, n_members=n_members, positions=pos_list,
                    max_tested=hi, n_small=n_small, n_large=n_large, n_total=n_total,
                    n_missing=n_missing)


def _member_ranks(collection: GeneSetCollection, ranked: np.ndarray,
                  block: int = 1 << 18) -> list[np.ndarray]:
    """Increasing, distinct 0-based ranks of each set's members found in ``ranked``.

    The distinct members are looked up once (``pandas.Index.get_indexer``; the
    ranking's ids are unique) and each (set, member) pair takes its member's rank by
    code (:attr:`~mamsets.model.GeneSetCollection.member_index`); then one sort of
    ``set * N + rank`` per block of sets of about ``block`` members (bounded
    temporaries) orders each set's ranks, instead of a Python generator per set.
    """
    mi = collection.member_index
    rank_of = pd.Index(ranked).get_indexer(mi.genes).astype(np.int64)  # -1: not ranked
    lens = mi.sizes
    ends = np.cumsum(lens)
    n = np.int64(max(ranked.size, 1))
    out: list[np.ndarray] = []
    start = 0
    while start < lens.size:
        first = int(ends[start - 1]) if start else 0
        stop = start + max(1, int(np.searchsorted(ends[start:] - first, block, "right")))
        part = lens[start:stop]
        loc = rank_of[mi.codes[first:int(ends[stop - 1])]]
        set_of = np.repeat(np.arange(part.size, dtype=np.int64), part)
        hit = loc >= 0
        key = np.sort(set_of[hit] * n + loc[hit])      # by set, then by rank
        # distinct (np.unique in numpy 2.4 hashes: 1.6 s here, against 0.02 s for sort + mask)
        key = key[np.concatenate(([True], key[1:] != key[:-1]))] if key.size else key
        ranks = key % n
        bounds = np.searchsorted(key // n, np.arange(part.size + 1, dtype=np.int64))
        out.extend(ranks[bounds[i]:bounds[i + 1]] for i in range(part.size))
        start = stop
    return out


# --------------------------------------------------------------------------------------
# the same sets for many rankings of one gene universe
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SharedSets:
    """:func:`select_sets` done once for every ranking of one gene universe.

    ``sets`` is :func:`select_sets` of the sorted universe ``genes``, so its
    ``positions`` index ``genes``; :meth:`for_ranking` renumbers them into one
    ranking's ranks. ``groups`` holds what the caller derives once from the members
    (:func:`~._gsea_shelf.set_groups`).
    """

    genes: pd.Index                # the universe, sorted
    sets: GseaSets                 # positions: indices into ``genes``
    member_set: np.ndarray         # set index of each (set, member) pair, set by set
    member_gene: np.ndarray        # the member's index into ``genes``
    bounds: np.ndarray             # set i's pairs are [bounds[i], bounds[i + 1])
    groups: Any = None

    def for_ranking(self, ranked: np.ndarray, scores: np.ndarray) -> GseaSets | None:
        """The sets with each member's rank in ``ranked``, as :func:`select_sets` gives
        them (increasing, distinct), or None when ``ranked`` is another universe."""
        n = ranked.size
        where = self.genes.get_indexer(ranked)
        if n != len(self.genes) or (where < 0).any():
            return None
        rank_of = np.empty(n, dtype=np.int64)
        rank_of[where] = np.arange(n, dtype=np.int64)
        # sort (set, rank) keys: sets stay in place, ranks increase within each set
        key = np.sort(self.member_set * np.int64(n) + rank_of[self.member_gene])
        ranks = key - self.member_set * np.int64(n)
        b = self.bounds.tolist()
        positions = [ranks[b[i]:b[i + 1]] for i in range(len(b) - 1)]
        return dataclasses.replace(self.sets, ranked=ranked, scores=scores, positions=positions)


def share_sets(source: GeneSetCollection, genes: np.ndarray, opts: GseaOptions,
               species: str | None, id_type: str | None) -> SharedSets:
    """:class:`SharedSets` of the universe ``genes`` (any order; unique ids)."""
    universe = np.sort(np.asarray(genes, dtype=object))
    sets = select_sets(source, universe, np.zeros(universe.size), opts, species, id_type)
    lens = np.array([p.size for p in sets.positions], dtype=np.int64)
    member_set = np.repeat(np.arange(lens.size, dtype=np.int64), lens)
    member_gene = (np.concatenate(sets.positions).astype(np.int64) if lens.sum()
                   else np.zeros(0, dtype=np.int64))
    return SharedSets(genes=pd.Index(universe), sets=sets, member_set=member_set,
                      member_gene=member_gene,
                      bounds=np.concatenate(([0], np.cumsum(lens))).astype(np.int64))
