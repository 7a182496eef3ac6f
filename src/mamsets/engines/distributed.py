"""Contrasts run elsewhere: a Dask cluster (``scheduler=``) with results identical to serial.

Each contrast of a multi-contrast :class:`~mamsets.io.ranking.Ranking` is an independent
task with its own seed (:func:`mamsets.engines.gsea.contrast_seeds`), so where it runs does
not change what it computes: the tables gathered from a cluster equal the serial ones. The
collection is scattered once to the workers rather than sent with every task.

Dask is an optional extra (``pip install 'mamsets[dask]'``); ``dask.distributed`` is the
standard way Python users scale out, to many machines with dask-jobqueue (SLURM, PBS).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ..errors import InputError

__all__ = ["as_client", "map_contrasts"]


def as_client(scheduler: Any) -> tuple[Any, bool]:
    """``(client, owned)`` for ``scheduler``: a ``dask.distributed.Client``, or ``"local"``
    (a new in-process LocalCluster, closed again by :func:`map_contrasts`)."""
    if isinstance(scheduler, str):
        if scheduler != "local":
            raise InputError(f"scheduler={scheduler!r}; pass a dask.distributed.Client or 'local'")
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError:
            raise InputError("scheduler='local' needs Dask: pip install 'mamsets[dask]'") from None
        return Client(LocalCluster(processes=False, n_workers=1, threads_per_worker=2,
                                   dashboard_address=None)), True
    if not (hasattr(scheduler, "submit") and hasattr(scheduler, "gather")
            and hasattr(scheduler, "scatter")):
        raise InputError(f"scheduler is a {type(scheduler).__name__}; pass a "
                         "dask.distributed.Client (or 'local', or None to run here)")
    return scheduler, False


def map_contrasts(scheduler: Any, fn: Callable[..., Any], tasks: Iterable[tuple[str, Any, int]],
                  collection: Any, **kwargs: Any) -> dict[str, Any]:
    """``{contrast: fn(scores, collection, rng=seed, **kwargs)}`` computed on ``scheduler``.

    Results come back in the order of ``tasks`` (contrast order), whatever order the
    workers finish in.
    """
    client, owned = as_client(scheduler)
    try:
        coll = client.scatter(collection, broadcast=True) if collection is not None else None
        names, futures = [], []
        for name, scores, seed in tasks:
            names.append(name)
            futures.append(client.submit(fn, scores, coll, rng=seed, pure=False, **kwargs))
        return dict(zip(names, client.gather(futures)))
    finally:
        if owned:
            cluster = client.cluster
            client.close()
            cluster.close()
