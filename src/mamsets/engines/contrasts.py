"""Many contrasts, one collection: GSEA results per contrast as they finish, in bounded memory.

A grid of tissues x time points x sexes (MoTrPAC) or a set of pseudobulk clusters gives
hundreds to thousands of rankings tested against the same gene sets.
:func:`iter_gsea` yields ``(contrast, EnrichmentResult)`` one contrast at a time, in
contrast order, here or on a Dask cluster (``scheduler=``); :func:`write_gsea` streams
them into one TSV; :func:`mamsets.engines.gsea.gsea` on a multi-contrast
:class:`~mamsets.io.ranking.Ranking` stacks them into one result
(:func:`gsea_by_contrast`).

What is shared, and why it changes nothing:

* each contrast runs with its own seed (:func:`~mamsets.engines.gsea.contrast_seeds`),
  so a contrast gives the same table alone, in a loop, or on any worker of a cluster;
* the collection is resolved once, and per distinct set of measured genes (contrasts
  of one tissue usually share it) the sets are matched to the data's identifiers, their
  members located among those genes, and identical and nested sets found, once
  (:class:`~mamsets.engines._gsea_inputs.SharedSets`): all of that depends only on
  which genes were measured, never on their scores or order (the identifiers are
  matched in sorted order), so each contrast then only renumbers the members into its
  own ranks, and gets what it would compute alone (tested frame for frame);
* memory: one contrast's permutation null exists at a time per worker and is freed
  with its contrast; the generator holds no result it has yielded, and on a cluster
  at most a window of tasks is in flight (:func:`~.distributed.imap_ordered`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import inspect
import os
import sys
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np
import pandas as pd

from .._random import RngLike
from ..errors import InputError
from ..io.ranking import Ranking
from ..model import GeneSetCollection
from ..results import EnrichmentResult, stack_results, write_stacked_tsv
from ._collections import resolve_collection
from ._families import MIN_SIZE_PVAL
from ._gsea_inputs import GseaOptions, check_options, share_sets
from ._gsea_shelf import set_groups
from .gsea import contrast_seeds, gsea, gsea_one

__all__ = ["SEED_DERIVATION", "gsea_by_contrast", "iter_gsea", "write_gsea"]

#: How :func:`~mamsets.engines.gsea.contrast_seeds` derives each contrast's seed (in params).
SEED_DERIVATION = ("contrast_seeds[c]: first 63 bits of SeedSequence(seed).spawn(n_contrasts)[i], "
                   "i the contrast's position")

#: Distinct gene universes whose matched collections are kept (least recently used dropped).
KEEP_UNIVERSES = 8


# --------------------------------------------------------------------------------------
# inputs: contrasts, seeds, the sets in each universe's identifiers
# --------------------------------------------------------------------------------------
def _contrasts(ranking: Any) -> tuple[list[str], Any]:
    """The contrast names and a function name -> scores, for a Ranking or a mapping.

    A mapping is read lazily: each contrast's scores are looked up when it starts, so a
    mapping that computes or loads them on access is never held whole.
    """
    if isinstance(ranking, Ranking):
        return list(ranking.contrasts), ranking.series
    if isinstance(ranking, Mapping) and len(ranking):
        keys = {str(k): k for k in ranking}
        if len(keys) < len(ranking):
            raise InputError("ranking: two contrast names are equal as text; rename them")

        def scores_of(name: str) -> pd.Series:
            value = ranking[keys[name]]
            if not isinstance(value, pd.Series):
                raise InputError(f"ranking[{name!r}] is a {type(value).__name__}; pass a pandas "
                                 "Series gene -> score for every contrast")
            return value

        return list(keys), scores_of
    raise InputError(
        f"ranking is a {type(ranking).__name__}; pass a Ranking (read_ranking of a table with a "
        "contrast column) or a {contrast: pandas.Series gene -> score} dict"
    )


def _seed_plan(rng: Any, names: list[str]) -> tuple[dict[str, int], dict[str, Any]]:
    """Each contrast's seed and the run's seed parameters.

    ``rng`` is a seed for the run (contrast seeds derived by :func:`contrast_seeds`) or a
    mapping contrast -> seed (e.g. one seed for every contrast, as ``mamsets gsea --seed``).
    """
    if isinstance(rng, Mapping):
        missing = [c for c in names if c not in rng]
        if missing:
            raise InputError(f"rng is a mapping without seeds for contrasts {missing[:5]}; give "
                             "every contrast a seed, or pass one seed for the run")
        seeds = {c: rng[c] for c in names}
        same = len(set(seeds.values())) == 1
        return seeds, {"seed": seeds[names[0]] if same else None, "contrast_seeds": seeds,
                       "seed_derivation": "contrast_seeds given per contrast"}
    seed, seeds = contrast_seeds(rng, names)
    return seeds, {"seed": seed, "contrast_seeds": seeds, "seed_derivation": SEED_DERIVATION}


#: gsea() keywords that iter_gsea passes on as ``**options``.
_OPTIONS = ("weight", "min_size", "max_size", "method", "n_perm", "eps", "sample_size", "n_jobs",
            "engine")


def _gsea_options(options: Mapping[str, Any]) -> tuple[dict[str, Any], GseaOptions]:
    """``options`` completed with :func:`~mamsets.engines.gsea.gsea`'s defaults, and checked."""
    unknown = sorted(set(options) - set(_OPTIONS))
    if unknown:
        raise InputError(f"unknown keyword(s) {unknown}; iter_gsea takes gsea's keywords "
                         f"({', '.join(_OPTIONS)}) and its own")
    params = inspect.signature(gsea).parameters
    full = {k: options.get(k, params[k].default) for k in _OPTIONS}
    # checked before the first contrast (or a cluster) starts; the seed plays no part here
    return full, check_options(rng=0, **full)


def _universe_key(scores: pd.Series) -> tuple[int, str]:
    """Which genes were measured (not their order): sorted 64-bit hashes of the ids, digested."""
    ids = scores.index.astype(str).to_numpy(dtype=object)
    hashes = np.sort(pd.util.hash_array(ids))
    return ids.size, hashlib.sha256(hashes.tobytes()).hexdigest()


class _Universes:
    """The sets to test in each gene universe, matched once per universe.

    :func:`~._gsea_inputs.share_sets` and :func:`~._gsea_shelf.set_groups` of the first
    contrast of each universe; holds the last :data:`KEEP_UNIVERSES`. With a Dask
    ``client`` each is scattered to the workers once and held as a future. Belongs to
    one :func:`iter_gsea` call (nothing is kept between calls).
    """

    def __init__(self, source: GeneSetCollection, opts: GseaOptions, species: str | None,
                 id_type: str | None, client: Any = None) -> None:
        self.source, self.opts, self.client = source, opts, client
        self.species, self.id_type = species, id_type
        self.cache: OrderedDict[tuple[int, str], Any] = OrderedDict()

    def get(self, scores: pd.Series) -> Any:
        key = _universe_key(scores)
        if key in self.cache:
            self.cache.move_to_end(key)
            return self.cache[key]
        try:
            shared = share_sets(self.source, scores.index.astype(str).to_numpy(dtype=object),
                                self.opts, self.species, self.id_type)
            value: Any = dataclasses.replace(shared, groups=set_groups(shared.sets))
        except Exception:  # noqa: BLE001 - the contrast matches its sets itself and raises
            value = None   # there, after the ranking checks, exactly as it would alone
        if value is not None and self.client is not None:
            from .distributed import share

            value = share(self.client, value)
        self.cache[key] = value
        if len(self.cache) > KEEP_UNIVERSES:
            self.cache.popitem(last=False)
        return value


def _progress(progress: Any, total: int) -> Any:
    """A tqdm bar over contrasts: ``progress=True`` always, ``None`` when stderr is a terminal."""
    if progress is not None and not isinstance(progress, bool):
        raise InputError(f"progress={progress!r}: pass True, False or None (a bar when stderr "
                         "is a terminal)")
    show = progress if progress is not None else (total > 1 and sys.stderr.isatty())
    if not show:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, desc="gsea contrasts", unit="contrast", file=sys.stderr)


def _task(scores: pd.Series, source: GeneSetCollection, shared: Any, seed: int,
          options: dict[str, Any]) -> EnrichmentResult:
    """One contrast (a module-level function, so a Dask worker can import it)."""
    return gsea_one(scores, source, shared=shared, rng=seed, **options)


# --------------------------------------------------------------------------------------
# public entry points
# --------------------------------------------------------------------------------------
def iter_gsea(
    ranking: Any,
    collection: GeneSetCollection | Mapping[str, Any] | str | os.PathLike[str] | None = None,
    *,
    rng: RngLike | Mapping[str, int] = None,
    species: str | None = None,
    id_type: str | None = None,
    min_size_pval: int = MIN_SIZE_PVAL,
    scheduler: Any = None,
    progress: bool | None = None,
    window: int | None = None,
    **options: Any,
) -> Iterator[tuple[str, EnrichmentResult]]:
    """GSEA of each contrast, yielded as ``(contrast, result)`` in contrast order.

    Parameters
    ----------
    ranking : Ranking or mapping of str to pandas.Series
        The contrasts (a :class:`~mamsets.io.ranking.Ranking` read from a table with
        a contrast column, or ``{contrast: gene -> score}``, e.g. pseudobulk clusters).
        A mapping is read lazily, one contrast when it starts, so it may load or compute
        each ranking on access (``benchmarks/bench_contrasts.py`` does).
    collection : GeneSetCollection, dict, path or None
        As for :func:`~mamsets.engines.gsea.gsea`; resolved once.
    rng : int, Generator, SeedSequence, None or mapping of str to int
        The run's seed; contrast ``c`` runs with ``contrast_seeds(rng, contrasts)[c]``
        (:func:`~mamsets.engines.gsea.contrast_seeds`), as
        :func:`~mamsets.engines.gsea.gsea` does on a multi-contrast Ranking. A mapping
        gives each contrast its seed directly.
    species, id_type, min_size_pval
        As for :func:`~mamsets.engines.gsea.gsea`.
    scheduler : dask.distributed.Client, "local", address or None
        ``None`` computes here, one contrast after the other. A Client (or a
        scheduler address such as ``"tcp://host:8786"``) runs the contrasts as tasks
        on its cluster; ``"local"`` starts a LocalCluster of one single-threaded
        worker process per core for this call and closes it at the end. The results
        are the same wherever they run (tested). Warnings a contrast shows in a worker
        process (e.g. tied scores) are shown here, prefixed with ``contrast '<name>':``.
        Needs ``mamsets[dask]``.
    progress : bool or None
        A progress bar over contrasts on stderr (tqdm): ``None`` shows it when stderr
        is a terminal and there is more than one contrast.
    window : int, optional
        With a scheduler: the most tasks submitted and not yet yielded (default twice
        the cluster's threads). Bounds the rankings and results held at once.
    **options
        :func:`~mamsets.engines.gsea.gsea`'s other keywords (``method``, ``n_perm``,
        ``weight``, ``min_size``, ``max_size``, ``eps``, ``sample_size``, ``n_jobs``,
        ``engine``); checked before the first contrast starts.

    Yields
    ------
    contrast : str
    result : EnrichmentResult
        Exactly ``gsea(scores_c, collection, rng=seed_c, ...)`` of that contrast alone.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> genes = [f"g{i}" for i in range(100)]
    >>> runs = {c: pd.Series(np.random.default_rng(i).normal(size=100), index=genes)
    ...         for i, c in enumerate(["day1", "day7"])}
    >>> sets = {"first": genes[:15], "last": genes[-15:]}
    >>> for c, res in iter_gsea(runs, sets, rng=1, method="permutation", n_perm=200):
    ...     print(c, len(res.table), res.params["seed"] > 0)
    day1 2 True
    day7 2 True
    """
    names, scores_of = _contrasts(ranking)
    seeds, _ = _seed_plan(rng, names)
    source = resolve_collection(collection)
    full, opts = _gsea_options(options)
    fixed = dict(full, default_collection=collection is None, species=species,
                 id_type=id_type, min_size_pval=min_size_pval)
    bar = _progress(progress, len(names))
    try:
        if scheduler is None:
            spaces = _Universes(source, opts, species, id_type)
            for c in names:
                scores = scores_of(c)
                yield c, _task(scores, source, spaces.get(scores), seeds[c], fixed)
                if bar is not None:
                    bar.update()
            return
        yield from _iter_on_cluster(scheduler, names, scores_of, source, seeds, fixed,
                                    _Universes(source, opts, species, id_type), window, bar)
    finally:
        if bar is not None:
            bar.close()


def _iter_on_cluster(scheduler: Any, names: list[str], scores_of: Any, source: GeneSetCollection,
                     seeds: dict[str, int], fixed: dict[str, Any], spaces: _Universes,
                     window: int | None, bar: Any) -> Iterator[tuple[str, EnrichmentResult]]:
    """:func:`iter_gsea`'s loop with each contrast a task on a Dask cluster."""
    from .distributed import (PROCESS_TOKEN, as_client, close, imap_ordered, reemit,
                              run_capturing, send, share)

    client, owned = as_client(scheduler)
    driver = PROCESS_TOKEN
    try:
        spaces.client = client
        shared_source = share(client, source)

        def calls() -> Iterator[tuple[tuple[Any, ...], dict[str, Any]]]:
            for c in names:
                scores = scores_of(c)
                shared = spaces.get(scores)
                yield (_task, driver, send(client, scores), shared_source, shared, seeds[c],
                       fixed), {}

        for c, (res, notes) in zip(names, imap_ordered(client, run_capturing, calls(), window)):
            # a worker process's warnings, shown here (the frames: this generator,
            # iter_gsea, its caller; through gsea() or write_gsea() they point inside mamsets)
            reemit(f"contrast {c!r}", notes, stacklevel=3)
            yield c, res
            if bar is not None:
                bar.update()
    finally:
        if owned:
            close(client)


def gsea_by_contrast(ranking: Ranking, collection: Any, *, rng: RngLike,
                     **kwargs: Any) -> EnrichmentResult:
    """:func:`~mamsets.engines.gsea.gsea` of a multi-contrast Ranking: every contrast
    (:func:`iter_gsea`), stacked with a ``contrast`` column (:func:`~mamsets.results.stack_results`),
    with the run's seed and each contrast's in ``params``."""
    seeds, run = _seed_plan(rng, list(ranking.contrasts))
    per = dict(iter_gsea(ranking, collection, rng=seeds, **kwargs))
    res = stack_results(per, column="contrast")
    return EnrichmentResult(
        method=res.method, table=res.table, params={**res.params, **run},
        collection_name=res.collection_name, collection_version=res.collection_version,
        collection_sha256=res.collection_sha256, package_version=res.package_version,
        mapping=res.mapping,
    )


def write_gsea(ranking: Any, path: str | os.PathLike[str], collection: Any = None, *,
               rng: RngLike | Mapping[str, int] = None, overwrite: bool = False,
               **kwargs: Any) -> EnrichmentResult:
    """GSEA of every contrast written to one TSV as each finishes (bounded memory).

    Parameters
    ----------
    ranking, collection, rng
        As for :func:`iter_gsea`.
    path : path
        The TSV: the same bytes as ``gsea(ranking, collection, rng=rng, ...).to_tsv(path)``
        (a ``#`` line with the metadata, then the table with a ``contrast`` column), but
        each contrast's rows go to disk when it finishes instead of staying in memory
        (:func:`~mamsets.results.write_stacked_tsv`). Written atomically.
    overwrite : bool
        Replace an existing file.
    **kwargs
        :func:`iter_gsea`'s other keywords (``scheduler``, ``progress``, ``method``, ...).

    Returns
    -------
    EnrichmentResult
        The metadata written (params with each contrast's, the seeds, the collection)
        around an empty table; read the rows with
        ``pandas.read_csv(path, sep="\\t", comment="#")``.
    """
    names, _ = _contrasts(ranking)
    seeds, run = _seed_plan(rng, names)
    return write_stacked_tsv(iter_gsea(ranking, collection, rng=seeds, **kwargs), path,
                             column="contrast", extra_params=run, overwrite=overwrite)
