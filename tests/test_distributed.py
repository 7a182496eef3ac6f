"""Contrasts on a Dask cluster give the serial result, bit for bit (issue 15)."""

from __future__ import annotations

import time
import warnings

import numpy as np
import pandas as pd
import pytest

import mamsets as ms
from mamsets.engines import distributed
from mamsets.errors import InputError

pytestmark = pytest.mark.filterwarnings("ignore::mamsets.errors.MamsetsWarning")


def _many_contrasts(n_contrasts: int = 6, n_genes: int = 800) -> tuple[ms.Ranking, dict]:
    rng = np.random.default_rng(12)
    genes = [f"G{i:04d}" for i in range(n_genes)]
    rows = []
    for c in range(n_contrasts):
        t = rng.standard_normal(n_genes)
        rows.append(pd.DataFrame({"contrast": f"c{c}", "gene": genes, "t": t}))
    sets = {f"S{i}": list(rng.choice(genes, int(k), replace=False))
            for i, k in enumerate(rng.integers(5, 60, 40))}
    return ms.read_ranking(pd.concat(rows, ignore_index=True)), sets


@pytest.fixture(scope="module")
def client():
    from dask.distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                      dashboard_address=None) as cluster, Client(cluster) as c:
        yield c


def test_local_cluster_equals_serial() -> None:
    import dask.distributed  # noqa: F401 - in the test extra, so this never skips
    ranking, sets = _many_contrasts()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        serial = ms.gsea(ranking, sets, rng=5, n_perm=300)
        dist = ms.gsea(ranking, sets, rng=5, n_perm=300, scheduler="local")
    pd.testing.assert_frame_equal(serial.table, dist.table)
    assert serial.params["contrast_seeds"] == dist.params["contrast_seeds"]
    assert list(dist.table["contrast"].unique()) == [f"c{c}" for c in range(6)]


def test_client_equals_serial_in_order_with_any_window(client) -> None:
    ranking, sets = _many_contrasts(n_contrasts=5)
    serial = list(ms.iter_gsea(ranking, sets, rng=9, method="permutation", n_perm=200))
    for window in (1, 3, None):
        dist = list(ms.iter_gsea(ranking, sets, rng=9, method="permutation", n_perm=200,
                                 scheduler=client, window=window))
        assert [c for c, _ in dist] == [c for c, _ in serial]
        for (_, a), (_, b) in zip(serial, dist):
            pd.testing.assert_frame_equal(a.table, b.table)
            assert a.params["seed"] == b.params["seed"]
    # the caller's client stays open
    assert client.status == "running"


def test_imap_ordered_keeps_order_when_tasks_finish_out_of_order(client) -> None:
    def slow_first(i: int) -> int:
        time.sleep(0.3 if i == 0 else 0.0)
        return i

    calls = (((i,), {}) for i in range(6))
    assert list(distributed.imap_ordered(client, slow_first, calls, window=4)) == list(range(6))


def test_imap_ordered_submits_no_more_than_the_window(client) -> None:
    read = []

    def calls():
        for i in range(10):
            read.append(i)
            yield (i,), {}

    it = distributed.imap_ordered(client, lambda i: i * 2, calls(), window=3)
    assert next(it) == 0
    assert len(read) == 4  # three submitted at first, one more after the first was yielded
    it.close()  # stops early: the pending tasks are cancelled, nothing raises


def test_a_failing_contrast_raises_the_serial_error(client) -> None:
    ranking, sets = _many_contrasts(n_contrasts=3, n_genes=200)
    bad = {c: ranking.series(c) for c in ranking.contrasts}
    s = bad["c1"]
    bad["c1"] = pd.concat([s, s.iloc[:2]])  # duplicated genes
    with pytest.raises(InputError, match="duplicated gene ids"):
        list(ms.iter_gsea(bad, sets, rng=1, method="permutation", n_perm=50))
    with pytest.raises(InputError, match="duplicated gene ids"):
        list(ms.iter_gsea(bad, sets, rng=1, method="permutation", n_perm=50, scheduler=client))


def test_scheduler_errors_name_the_fix() -> None:
    ranking, sets = _many_contrasts(n_contrasts=2, n_genes=200)
    with pytest.raises(InputError, match="dask.distributed.Client"):
        ms.gsea(ranking, sets, rng=1, scheduler=object())
    with pytest.raises(InputError, match="tcp://"):
        ms.gsea(ranking, sets, rng=1, scheduler="lokal")
    with pytest.raises(InputError, match="one contrast"):
        ms.gsea(ranking.series("c0"), sets, rng=1, scheduler="local")


def test_rankings_travel_as_data_not_inside_task_messages(client, monkeypatch) -> None:
    # Dask keeps each stream's last 1,000 messages; a ranking inside a task message would
    # stay in the driver's memory (1.5 GB at 1,000 contrasts with a LocalCluster)
    from dask.distributed import Future

    ranking, sets = _many_contrasts(n_contrasts=3, n_genes=200)
    seen = []
    real = client.submit

    def recording(fn, *args, **kwargs):
        seen.append([type(a) for a in args])
        return real(fn, *args, **kwargs)

    monkeypatch.setattr(client, "submit", recording)
    list(ms.iter_gsea(ranking, sets, rng=1, method="permutation", n_perm=50, scheduler=client))
    assert len(seen) == 3
    # (run_capturing, the task, the driver's pid, then the ranking)
    assert all(types[2] is Future and pd.Series not in types for types in seen)


def test_warnings_shown_in_worker_processes_reach_the_driver() -> None:
    # a worker process's stderr is not the user's: its warnings come back with the result
    from mamsets.errors import TiesWarning

    rng = np.random.default_rng(3)
    genes = [f"G{i:04d}" for i in range(300)]
    runs = {f"c{c}": pd.Series(rng.standard_normal(300), index=genes) for c in range(3)}
    runs["c1"] = runs["c1"].round(1)  # a rounded statistic: many ties, a per-contrast warning
    sets = {f"S{i}": list(rng.choice(genes, 30, replace=False)) for i in range(10)}
    with warnings.catch_warnings(record=True) as serial:
        warnings.simplefilter("always")
        list(ms.iter_gsea(runs, sets, rng=2, method="permutation", n_perm=50))
    with warnings.catch_warnings(record=True) as dist:
        warnings.simplefilter("always")
        list(ms.iter_gsea(runs, sets, rng=2, method="permutation", n_perm=50,
                          scheduler="local"))
    want = [str(w.message) for w in serial if w.category is TiesWarning]
    got = [str(w.message) for w in dist if w.category is TiesWarning]
    assert len(want) == 1
    assert got == [f"contrast 'c1': {want[0]}"]
    # and it points at the caller's loop, not into mamsets
    assert [w.filename for w in dist if w.category is TiesWarning] == [__file__]


def test_run_capturing_keeps_each_threads_warnings_apart(monkeypatch) -> None:
    # worker threads of one process run tasks at once: each task gets its own warnings
    import threading

    monkeypatch.setattr(warnings, "showwarning", warnings.showwarning)  # restored after
    monkeypatch.setattr(distributed, "_previous_show", None)
    barrier = threading.Barrier(2)
    out: dict[int, list] = {}

    def task(i: int) -> int:
        barrier.wait()
        for j in range(50):
            warnings.warn(f"task {i} note {j}", UserWarning)
        return i

    def run(i: int) -> None:
        out[i] = distributed.run_capturing(task, "another process", i)

    with warnings.catch_warnings():
        warnings.simplefilter("always")
        threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    for i in range(2):
        value, notes = out[i]
        assert value == i
        assert [m for m, _ in notes] == [f"task {i} note {j}" for j in range(50)]
        assert all(c is UserWarning for _, c in notes)


def test_a_workers_warnings_survive_its_error_and_repeat_per_task(monkeypatch) -> None:
    from mamsets.errors import TiesWarning

    monkeypatch.setattr(warnings, "showwarning", warnings.showwarning)  # restored after
    monkeypatch.setattr(distributed, "_previous_show", None)

    def fails() -> None:
        warnings.warn("the scores are tied", TiesWarning)
        raise ValueError("bad contrast")

    def warns() -> int:
        warnings.warn("the same words each time", TiesWarning)
        return 1

    # the worker's once-per-location registry must not hide a later task's warning: with a
    # fresh interpreter's filters ("default": once per location), both tasks keep theirs
    with warnings.catch_warnings():
        warnings.resetwarnings()
        first = distributed.run_capturing(warns, "another process")[1]
        second = distributed.run_capturing(warns, "another process")[1]
        with pytest.raises(ValueError, match="bad contrast") as info:
            distributed.run_capturing(fails, "another process")
    assert any("the scores are tied" in n for n in info.value.__notes__)
    assert [m for m, _ in first] == [m for m, _ in second] == ["the same words each time"]
    # in the driver's own process nothing is captured: warnings show as usual
    with pytest.warns(TiesWarning):
        assert distributed.run_capturing(warns, distributed.PROCESS_TOKEN) == (1, [])
