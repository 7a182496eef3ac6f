"""Contrasts run elsewhere: a Dask cluster (``scheduler=``) with results identical to serial.

Each contrast of a multi-contrast :class:`~mamsets.io.ranking.Ranking` is an independent
task with its own seed (:func:`mamsets.engines.gsea.contrast_seeds`), so where it runs does
not change what it computes: the tables gathered from a cluster equal the serial ones.
Shared inputs (the collection, the sets in the data's identifiers) are scattered to the
workers once (:func:`share`) rather than sent with every task, and :func:`imap_ordered`
keeps only a window of tasks in flight, so neither the driver nor the cluster holds
every contrast's ranking or result at once. Warnings a task shows in a worker process
(sets not tested, members dropped) would be lost with that process's stderr:
:func:`run_capturing` returns them with the result, for the driver to show
(:func:`reemit`).

Dask is an optional extra (``pip install 'mamsets[dask]'``); ``dask.distributed`` is the
standard way Python users scale out, to many machines with dask-jobqueue (SLURM, PBS).
"""

from __future__ import annotations

import contextlib
import threading
import uuid
import warnings
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ..errors import InputError
from ._gsea_inputs import usable_cores

__all__ = ["as_client", "close", "imap_ordered", "local_cluster", "reemit", "run_capturing",
           "send", "share"]

#: Per thread: the list collecting the warnings shown while a task runs (None: not capturing).
_CAPTURE = threading.local()
_HOOK_LOCK = threading.Lock()
_previous_show: Any = None
#: Names this process: a task compares it with its driver's to know whether it runs in the
#: driver's own process (process ids repeat across hosts and containers).
PROCESS_TOKEN = uuid.uuid4().hex


def local_cluster(n_workers: int | None = None) -> Any:
    """A client of a new LocalCluster: ``n_workers`` processes (default: one per core) of one
    thread each, no dashboard. Close it with ``client.close(); client.cluster.close()``."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise InputError("scheduler='local' needs Dask: pip install 'mamsets[dask]'") from None
    n = n_workers if n_workers is not None else usable_cores()
    try:
        return Client(LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                   dashboard_address=None))
    except RuntimeError as exc:
        raise InputError(
            f"scheduler='local' could not start its worker processes ({exc}); in a script, "
            "call mamsets under `if __name__ == '__main__':` (new processes import the script "
            "again, as for any Dask LocalCluster or multiprocessing pool), or pass a "
            "dask.distributed.Client you started yourself"
        ) from exc


def as_client(scheduler: Any) -> tuple[Any, bool]:
    """``(client, owned)`` for ``scheduler``.

    ``scheduler`` is a ``dask.distributed.Client``; ``"local"`` (a new LocalCluster of
    one single-threaded worker process per core, see :func:`local_cluster`); or a
    scheduler address such as ``"tcp://10.0.0.5:8786"`` (connected to). ``owned`` is
    true when this call started a cluster or connection the caller must close.
    """
    if isinstance(scheduler, str):
        if scheduler == "local":
            return local_cluster(), True
        if "://" in scheduler:
            try:
                from dask.distributed import Client
            except ImportError:
                raise InputError(f"scheduler={scheduler!r} needs Dask: "
                                 "pip install 'mamsets[dask]'") from None
            return Client(scheduler), True
        raise InputError(f"scheduler={scheduler!r}; pass a dask.distributed.Client, 'local' or "
                         "a scheduler address such as 'tcp://host:8786'")
    if not (hasattr(scheduler, "submit") and hasattr(scheduler, "gather")
            and hasattr(scheduler, "scatter")):
        raise InputError(f"scheduler is a {type(scheduler).__name__}; pass a "
                         "dask.distributed.Client (or 'local', or None to run here)")
    return scheduler, False


def close(client: Any) -> None:
    """Close a client from :func:`as_client` with ``owned`` true (and its LocalCluster)."""
    cluster = getattr(client, "cluster", None)  # None when connected to an address
    client.close()
    if cluster is not None:
        cluster.close()


def share(client: Any, value: Any) -> Any:
    """``value`` scattered once to every worker (a future that tasks take as an argument)."""
    return client.scatter(value, broadcast=True, hash=False)


def send(client: Any, value: Any) -> Any:
    """``value`` moved to one worker ahead of the task that takes it (a future).

    A contrast's ranking sent this way goes straight to a worker; passed as a task
    argument it would travel inside the task's message, and Dask keeps the last
    ``distributed.admin.low-level-log-length`` (1,000) messages of each batched stream
    for debugging. In a LocalCluster, whose scheduler lives in this process, those
    messages are the objects themselves, so 1,000 rankings of 12,000 genes stayed in
    memory (1.5 GB at 1,000 contrasts; ``benchmarks/bench_contrasts.py``).
    """
    return client.scatter(value, hash=False)


def imap_ordered(client: Any, fn: Callable[..., Any],
                 calls: Iterable[tuple[tuple[Any, ...], dict[str, Any]]],
                 window: int | None = None) -> Iterator[Any]:
    """``fn(*args, **kwargs)`` for each ``(args, kwargs)`` of ``calls``, computed on the
    cluster, yielded in the order of ``calls``.

    At most ``window`` tasks (default: twice the cluster's threads, at least 2) are
    submitted and not yet yielded; ``calls`` is read lazily, one call per task submitted,
    and each result is released on the cluster once yielded. If the consumer stops early
    the pending tasks are cancelled.
    """
    if window is None:
        window = max(2, 2 * sum(client.nthreads().values()))
    todo = iter(calls)
    pending: deque[Any] = deque()

    def submit_next() -> None:
        for args, kwargs in todo:
            pending.append(client.submit(fn, *args, pure=False, **kwargs))
            return

    try:
        for _ in range(window):
            submit_next()
        while pending:
            future = pending.popleft()
            result = future.result()
            future.release()
            submit_next()
            yield result
    finally:
        if pending:
            with contextlib.suppress(Exception):
                client.cancel(list(pending))


def _show(message: Any, category: type[Warning], filename: str, lineno: int, file: Any = None,
          line: str | None = None) -> None:
    """``warnings.showwarning`` in a worker: kept for the task of this thread, if it captures."""
    records = getattr(_CAPTURE, "records", None)
    if records is None:
        _previous_show(message, category, filename, lineno, file, line)
    else:
        records.append((str(message), category))


def _install_show() -> None:
    """Route ``warnings.showwarning`` through :func:`_show` (once per process, thread-safe).

    A hook per thread rather than ``warnings.catch_warnings``, which swaps process-wide state
    and is not safe while other worker threads run tasks. The hook it replaces is kept from
    the first install only (a hook installed later that falls back to ``_show`` must not
    become ``_show``'s fallback: that would recurse). mamsets' own warnings are shown every
    time in a worker process (its once-per-location registry lives as long as the process,
    so a later contrast's identical warning would vanish); the driver's filters decide when
    they are shown again there.
    """
    global _previous_show
    with _HOOK_LOCK:
        if warnings.showwarning is not _show:
            if _previous_show is None:
                _previous_show = warnings.showwarning
                from ..errors import MamsetsWarning

                warnings.filterwarnings("always", category=MamsetsWarning)
            warnings.showwarning = _show


def run_capturing(fn: Callable[..., Any], driver: str, *args: Any,
                  **kwargs: Any) -> tuple[Any, list[tuple[str, type[Warning]]]]:
    """``(fn(*args, **kwargs), warnings it showed)``, run as a cluster task.

    In a worker process other than the driver's (``driver`` is the driver's
    :data:`PROCESS_TOKEN`), the warnings the call shows in the task's thread are returned as
    ``(message, category)`` pairs instead of going to the worker's stderr, which the user does
    not see; if the call raises, they are added to the exception's notes. In the driver's own
    process (a cluster of threads, ``processes=False``) they are shown there as usual and the
    list is empty. Warnings of threads the call starts itself (``n_jobs > 1``) are not
    captured.
    """
    if driver == PROCESS_TOKEN:
        return fn(*args, **kwargs), []
    _install_show()
    records: list[tuple[str, type[Warning]]] = []
    outer = getattr(_CAPTURE, "records", None)
    _CAPTURE.records = records
    try:
        return fn(*args, **kwargs), records
    except BaseException as exc:
        for message, category in records:
            exc.add_note(f"warning shown before the error ({category.__name__}): {message}")
        raise
    finally:
        _CAPTURE.records = outer


def reemit(label: str, notes: list[tuple[str, type[Warning]]], stacklevel: int = 2) -> None:
    """Show in the driver the warnings a task returned, each prefixed with ``label``.

    ``stacklevel`` counts from the caller of this function, as for ``warnings.warn``. The
    prefix and the new location mean that a filter matching the start of the original text
    (``message=``) or mamsets' module (``module=``) no longer matches; filters by category do.
    """
    for message, category in notes:
        if not (isinstance(category, type) and issubclass(category, Warning)):
            category = UserWarning
        warnings.warn(f"{label}: {message}", category, stacklevel=stacklevel + 1)
