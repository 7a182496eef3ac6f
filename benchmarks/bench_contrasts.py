"""Benchmark: many contrasts x a Reactome-size collection, serial vs a 2-worker Dask LocalCluster.

Issue 15's goal: 1,000 contrasts run on one machine in bounded memory (results streamed,
no null kept), with a progress bar, and on a Dask cluster with results identical to the
serial run. Every measurement runs in its own subprocess (fresh interpreter), so each peak
memory figure belongs to one configuration.

Inputs
------
* genes: fgsea's example ranking (12,000 genes, ``tests/data/gsea``); sets: its 586
  mouse Reactome sets of 15-500 genes (a Reactome-size collection);
* contrast ``i``: ``0.6 * z + 0.8 * e_i``, where ``z`` is the example's t statistic
  standardised and ``e_i`` standard normal noise from ``default_rng([20261207, i])``:
  correlated rankings (r = 0.6 with the example and 0.36 between contrasts), like the
  time points of one tissue. They are generated when a contrast starts (a lazy mapping),
  so the input itself does not grow with N.

What runs
---------
``mamsets.write_gsea(contrasts, path, sets, rng=1, method=..., n_perm=...)``: each
contrast's rows appended to disk as it finishes; ``serial`` computes in the driver, one
contrast after the other; ``dask2`` passes ``scheduler=`` a Client of a new LocalCluster
of 2 worker processes x 1 thread (started and closed inside the measurement, so its start
is counted). ``loop`` (small N only) is the plain loop a user would write,
``gsea(scores_i, sets, rng=seed_i)`` per contrast, without the shared matching.

Measured per run: wall seconds; CPU seconds of the driver and of its child processes (the
Dask workers, reaped when the cluster closes); peak RSS of the driver and of the largest
worker (``VmHWM`` of each process, asked of the workers before the cluster closes; they
include Python, numpy, pandas and the compiled kernels themselves).
The serial and Dask output files are compared byte for byte.

The full default (1,000 contrasts, permutation, twice) takes about 10 minutes on 2 shared
cores. Multilevel (the default p-value method) costs ~3 s a contrast on this data, so
1,000 multilevel contrasts are not run here: ``--ml-n`` contrasts are run and the
1,000-contrast time is extrapolated linearly, printed as EXTRAPOLATED.

Usage::

    python benchmarks/bench_contrasts.py                  # N=1000 and N=100, permutation; ML N=10
    python benchmarks/bench_contrasts.py --n 200 --rounds 1 --ml-n 0   # quicker
"""

from __future__ import annotations

import argparse
import filecmp
import json
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))


class Contrasts(Mapping):
    """N correlated rankings over fgsea's example genes, generated on access."""

    def __init__(self, n: int) -> None:
        from bench_gsea import fgsea_case

        rnk, self.sets = fgsea_case()
        self.genes = rnk.index
        t = rnk.to_numpy(float)
        self.z = (t - t.mean()) / t.std()
        self.names = [f"contrast{i:04d}" for i in range(n)]

    def __getitem__(self, name: str) -> pd.Series:
        i = int(name.removeprefix("contrast"))
        e = np.random.default_rng([20261207, i]).standard_normal(self.z.size)
        return pd.Series(0.6 * self.z + 0.8 * e, index=self.genes, name="score")

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)


def peak_rss() -> float:
    """This process's peak RSS in MiB (``VmHWM``; unlike ``ru_maxrss`` it is not inherited
    from the parent process through fork + exec)."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _usage() -> dict[str, float]:
    me = resource.getrusage(resource.RUSAGE_SELF)
    ch = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"cpu_driver": me.ru_utime + me.ru_stime, "cpu_children": ch.ru_utime + ch.ru_stime,
            "rss_driver": peak_rss()}


def child(mode: str, n: int, method: str, n_perm: int, out: str) -> None:
    """One measurement (run in a fresh interpreter); prints one JSON line."""
    warnings.simplefilter("ignore")
    import mamsets as ms
    from mamsets.engines.gsea import contrast_seeds

    data = Contrasts(n)
    # warm-up on a tiny input: the compiled kernels and identifier tables loaded in the driver
    ms.gsea(data[data.names[0]].iloc[:300], {"s": list(data.genes[:20])}, rng=0,
            method=method, n_perm=50)
    before = _usage()
    t0 = time.perf_counter()
    rss_worker = 0.0
    if mode == "loop":
        seeds = contrast_seeds(1, data.names)[1]
        rows = 0
        for c in data.names:
            rows += len(ms.gsea(data[c], data.sets, rng=seeds[c], method=method,
                                n_perm=n_perm).table)
    elif mode == "serial":
        ms.write_gsea(data, out, data.sets, rng=1, method=method, n_perm=n_perm,
                      overwrite=True, progress=False)
    else:
        from mamsets.engines.distributed import close, local_cluster

        client = local_cluster(2)
        try:
            ms.write_gsea(data, out, data.sets, rng=1, method=method, n_perm=n_perm,
                          overwrite=True, progress=False, scheduler=client)
            rss_worker = max(client.run(peak_rss).values())
        finally:
            close(client)
    wall = time.perf_counter() - t0
    after = _usage()
    print(json.dumps({
        "mode": mode, "n": n, "method": method, "wall": wall,
        "cpu_driver": after["cpu_driver"] - before["cpu_driver"],
        "cpu_children": after["cpu_children"] - before["cpu_children"],
        "rss_driver": after["rss_driver"], "rss_worker": rss_worker,
        "rss_driver_before": before["rss_driver"],
    }))


def run(mode: str, n: int, method: str, n_perm: int, out: Path) -> dict:
    cmd = [sys.executable, __file__, "--child", mode, str(n), method, str(n_perm), str(out)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    row = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"  {mode:>6} N={n:<5} {method:<11} wall {row['wall']:7.1f} s  CPU driver "
          f"{row['cpu_driver']:6.1f} s + workers {row['cpu_children']:6.1f} s  peak RSS driver "
          f"{row['rss_driver']:5.0f} MiB (before the run {row['rss_driver_before']:.0f}), "
          f"worker {row['rss_worker']:5.0f} MiB", flush=True)
    return row


def _median(rows: list[dict], mode: str, n: int, method: str, key: str) -> float:
    return float(np.median([r[key] for r in rows
                            if (r["mode"], r["n"], r["method"]) == (mode, n, method)]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=1000, help="contrasts (permutation mode)")
    ap.add_argument("--n-perm", type=int, default=1000, help="permutations per contrast")
    ap.add_argument("--rounds", type=int, default=2, help="interleaved repeats")
    ap.add_argument("--ml-n", type=int, default=10,
                    help="contrasts in multilevel mode (extrapolated to --n; 0: skip)")
    ap.add_argument("--child", nargs=5, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        mode, n, method, n_perm, out = args.child
        child(mode, int(n), method, int(n_perm), out)
        return
    small = max(1, args.n // 10)
    plan = [("serial", args.n, "permutation"), ("dask2", args.n, "permutation"),
            ("serial", small, "permutation"), ("dask2", small, "permutation"),
            ("loop", small, "permutation")]
    if args.ml_n:
        plan += [("serial", args.ml_n, "multilevel"), ("dask2", args.ml_n, "multilevel")]
    print(f"{args.n} and {small} contrasts x 586 Reactome sets (15-500 genes) over 12,000 genes; "
          f"permutation with n_perm={args.n_perm}; multilevel with {args.ml_n} contrasts; "
          f"{args.rounds} interleaved round(s); each run in a fresh process", flush=True)
    rows: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(args.rounds):
            print(f"round {r + 1}", flush=True)
            for mode, n, method in plan:
                out = Path(tmp) / f"{mode}-{n}-{method}.tsv"
                rows.append(run(mode, n, method, args.n_perm, out))
            for n, method in {(n, m) for _, n, m in plan}:
                a, b = (Path(tmp) / f"{m}-{n}-{method}.tsv" for m in ("serial", "dask2"))
                same = filecmp.cmp(a, b, shallow=False)
                print(f"  N={n} {method}: serial and dask2 files identical: {same}")
                if not same:
                    raise SystemExit("serial and Dask results differ")
    _summary(rows, args, small)


def _summary(rows: list[dict], args: argparse.Namespace, small: int) -> None:
    med = lambda *k: _median(rows, *k)
    print("\nmedians over rounds (ratios > 1 favour the second-named side)")
    for n in (args.n, small):
        s, d = med("serial", n, "permutation", "wall"), med("dask2", n, "permutation", "wall")
        cs = med("serial", n, "permutation", "cpu_driver")
        cd = med("dask2", n, "permutation", "cpu_driver") + med("dask2", n, "permutation",
                                                                "cpu_children")
        print(f"  N={n} permutation: wall serial {s:.1f} s / dask2 {d:.1f} s = {s / d:.2f}x "
              f"(2-worker LocalCluster over one process, its start included); total CPU "
              f"dask2 / serial = {cd / cs:.2f}x (the cluster's overhead); serial "
              f"{n / s:.1f} contrasts/s")
    lp, sr = med("loop", small, "permutation", "wall"), med("serial", small, "permutation", "wall")
    print(f"  N={small}: plain gsea() loop {lp:.1f} s / write_gsea serial {sr:.1f} s = "
          f"{lp / sr:.2f}x (sets matched once per gene universe, rows streamed to disk)")
    for mode, key in (("serial", "rss_driver"), ("dask2", "rss_driver"), ("dask2", "rss_worker")):
        big, little = med(mode, args.n, "permutation", key), med(mode, small, "permutation", key)
        print(f"  peak RSS {mode} {key.split('_')[1]}: N={args.n} {big:.0f} MiB vs N={small} "
              f"{little:.0f} MiB = {big / little:.2f}x for {args.n // small}x the contrasts")
    if args.ml_n:
        s = med("serial", args.ml_n, "multilevel", "wall")
        d = med("dask2", args.ml_n, "multilevel", "wall")
        print(f"  N={args.ml_n} multilevel: wall serial {s:.1f} s / dask2 {d:.1f} s = "
              f"{s / d:.2f}x; EXTRAPOLATED linearly to {args.n} contrasts (not run): serial "
              f"~{s / args.ml_n * args.n / 60:.0f} min, dask2 ~{d / args.ml_n * args.n / 60:.0f}"
              " min (the cluster's start is spread over more contrasts there)")


if __name__ == "__main__":
    main()
