"""Benchmark (issue 15): mamsets GSEA vs gseapy, interleaved rounds, CPU and wall, converted to R fgsea.

Every measurement runs in a fresh subprocess after a warm-up call on a tiny input (the C
kernels loaded, gseapy's Rust extension imported). Reported per call: CPU
seconds of the process (``time.process_time``: all threads), wall seconds and peak RSS.
Rounds are interleaved (gseapy, mamsets multilevel, mamsets permutation, then again), and
medians are printed, so that a busy shared machine hits every tool alike.

R fgsea cannot be installed here. Its times are *derived*, never measured, from ratios
measured side by side with R fgsea 1.31.6 on this kind of machine (NOTES.md, issue 15):

* gseapy 1.3.1 multilevel CPU = 1.20 x fgsea multilevel CPU (fgsea example),
  3.05 x (synthetic case);
* fgsea simple (10,000 permutations) CPU = 2.6 / 4.6 of fgsea multilevel CPU on the
  example and 6.2 / 8.7 on the synthetic case (issue 15's table, one run).

So ``fgsea / mamsets = (gseapy / mamsets measured) / 1.20`` (or ``/ 3.05``) for
multilevel, and ``x (2.6 / 4.6)`` (or ``x (6.2 / 8.7)``) more for permutation mode
against fgsea simple. gseapy's permutation mode is not comparable to fgsea simple and is
not run. blitzgsea is measured when it is importable (it is not installed here).

Cases: fgsea's example (12,000 genes, 586 Reactome sets, 15-500) and issue 15's synthetic
case: 20,000 genes ``G00001..G20000``, scores ``rng.standard_normal(20000)``, sizes
``rng.integers(15, 500, size=5000, endpoint=True)``, members
``np.sort(rng.choice(20000, size=k, replace=False))`` per set in turn,
``rng = numpy.random.default_rng(20240601)``, sets ``S0001..S5000``.

Usage::

    python benchmarks/bench_speed.py [--rounds 3] [--cases fgsea,synthetic] [--baseline DIR]

``--baseline DIR``: also time the mamsets in ``DIR/src`` (e.g. ``git archive <commit> src |
tar -x -C DIR``), interleaved with the rest, and print this checkout's speed-up over it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
from bench_gsea import fgsea_case  # (fgsea's example, read once for every benchmark)

REPO = Path(__file__).resolve().parents[1]

#: gseapy 1.3.1 multilevel CPU / R fgsea 1.31.6 multilevel CPU, measured side by side.
GSEAPY_OVER_FGSEA = {"fgsea": 1.20, "synthetic": 3.05}
#: R fgsea simple (10,000 perms) CPU / R fgsea multilevel CPU, same run (issue 15's table).
SIMPLE_OVER_MULTILEVEL = {"fgsea": 2.6 / 4.6, "synthetic": 6.2 / 8.7}


def synthetic_case(n_sets: int = 5000, seed: int = 20240601) -> tuple[pd.Series, dict[str, list[str]]]:
    """Issue 15's synthetic case, exactly as specified there (the defaults); other ``n_sets``
    and ``seed`` draw a collection of another size by the same recipe."""
    rng = np.random.default_rng(seed)
    genes = np.array([f"G{i:05d}" for i in range(1, 20001)])
    scores = rng.standard_normal(20000)
    sizes = rng.integers(15, 500, size=n_sets, endpoint=True)
    sets = {f"S{i + 1:04d}": genes[np.sort(rng.choice(20000, size=int(k), replace=False))].tolist()
            for i, k in enumerate(sizes)}
    return pd.Series(scores, index=genes), sets


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(case: str, tool: str, n_jobs: int) -> dict:
    warnings.simplefilter("ignore")
    r, sets = fgsea_case() if case == "fgsea" else synthetic_case()
    small = dict(list(sets.items())[:3])
    if tool.startswith(("mamsets", "base")):
        from mamsets.engines.gsea import gsea
        from mamsets.model import GeneSetCollection

        method, n_perm = ("multilevel", 1000) if tool.endswith("-ml") else ("permutation", 10_000)
        col = GeneSetCollection.from_dict(sets)
        gsea(r, GeneSetCollection.from_dict(small), method="multilevel", n_perm=100, rng=0,
             min_size=15)  # warm-up: load the C kernels and imports
        gsea(r.iloc[:3000], GeneSetCollection.from_dict(
            {"top": list(r.sort_values().index[-40:]), "x": list(r.index[:60])}), rng=0)

        def call():
            return gsea(r, col, method=method, n_perm=n_perm, rng=1, min_size=15, max_size=500,
                        n_jobs=n_jobs).table["pval"]
    elif tool == "gseapy-ml":
        import gseapy

        gseapy.prerank(rnk=r, gene_sets=small, outdir=None, permutation_num=10, min_size=15,
                       seed=0, threads=n_jobs, no_plot=True, method="multilevel", verbose=False)

        def call():
            return gseapy.prerank(rnk=r, gene_sets=sets, outdir=None, permutation_num=1000,
                                  min_size=15, max_size=500, seed=1, threads=n_jobs,
                                  no_plot=True, method="multilevel", verbose=False).res2d["NOM p-val"]
    else:  # blitzgsea
        import blitzgsea

        sig = pd.DataFrame({"0": r.index, "1": r.to_numpy()})
        blitzgsea.gsea(sig, small, permutations=100, min_size=15, seed=0)

        def call():
            return blitzgsea.gsea(sig, sets, min_size=15, max_size=500, seed=1)["pval"]
    base = _peak_mb()
    t0, c0 = time.perf_counter(), time.process_time()
    p = pd.to_numeric(call(), errors="coerce")
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    digest = hashlib.sha256(np.ascontiguousarray(p.to_numpy(dtype=np.float64)).tobytes()).hexdigest()
    return {"wall": wall, "cpu": cpu, "peak_mb": _peak_mb(), "base_mb": base,
            "n": int(p.size), "min_p": float(p.min()), "sha": digest[:16]}


def measure(case: str, tool: str, n_jobs: int = 1, src: str | None = None) -> dict | None:
    cmd = [sys.executable, __file__, "--worker", case, tool, str(n_jobs)]
    env = None
    if src is not None:
        import os

        env = {**os.environ, "PYTHONPATH": src}
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=1800, check=True,
                             env=env)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        msg = getattr(exc, "stderr", "") or ""
        print(f"  {case} {tool}: failed or timed out {msg.strip().splitlines()[-1:]}", flush=True)
        return None
    res = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"  {case:9s} {tool:12s} jobs={n_jobs}: cpu {res['cpu']:6.2f} s  wall {res['wall']:6.2f} s  "
          f"peak {res['peak_mb']:5.0f} MB  {res['n']} sets  min p {res['min_p']:.1e}", flush=True)
    return res


def _med(rows: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--cases", default="fgsea,synthetic")
    ap.add_argument("--baseline", help="a folder holding src/mamsets of the version to compare with")
    ap.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker[0], args.worker[1], int(args.worker[2]))))
        return
    try:
        import blitzgsea  # noqa: F401
        tools = ["gseapy-ml", "mamsets-ml", "mamsets-perm", "blitzgsea"]
    except ImportError:
        tools = ["gseapy-ml", "mamsets-ml", "mamsets-perm"]
        print("blitzgsea is not installed here: not measured")
    base_src = None
    if args.baseline:
        base_src = str(Path(args.baseline).resolve() / "src")
        tools += ["base-ml", "base-perm"]
    cases = args.cases.split(",")
    runs: dict[tuple[str, str], list[dict]] = {}
    for rnd in range(args.rounds):
        print(f"round {rnd + 1}/{args.rounds}", flush=True)
        for case in cases:
            for tool in tools:
                res = measure(case, tool, src=base_src if tool.startswith("base") else None)
                if res is not None:
                    runs.setdefault((case, tool), []).append(res)
    print()
    print("medians over rounds (CPU s / wall s / peak MB); ratios on CPU (wall in brackets)")
    print(f"{'case':10s} {'mamsets':24s} {'gseapy ml (measured)':22s} {'gseapy/mamsets':>16s} "
          f"{'fgsea/mamsets (derived)':>24s}")
    for case in cases:
        g = runs.get((case, "gseapy-ml"))
        for tool, label in (("mamsets-ml", "multilevel"), ("mamsets-perm", "perm 10,000")):
            m = runs.get((case, tool))
            if not m or not g:
                continue
            rc = _med(g, "cpu") / _med(m, "cpu")
            rw = _med(g, "wall") / _med(m, "wall")
            conv = GSEAPY_OVER_FGSEA[case] / (SIMPLE_OVER_MULTILEVEL[case] if tool == "mamsets-perm" else 1)
            print(f"{case:10s} {label:11s} {_med(m, 'cpu'):5.2f}/{_med(m, 'wall'):5.2f}/"
                  f"{_med(m, 'peak_mb'):4.0f}  {_med(g, 'cpu'):6.2f}/{_med(g, 'wall'):6.2f}/"
                  f"{_med(g, 'peak_mb'):5.0f}  {rc:7.2f}x [{rw:5.2f}x]   "
                  f"{rc / conv:6.2f}x [{rw / conv:5.2f}x] vs fgsea "
                  f"{'simple' if tool == 'mamsets-perm' else 'multilevel'}")
        b = runs.get((case, "blitzgsea"))
        m = runs.get((case, "mamsets-ml"))
        if b and m:
            print(f"{case:10s} blitzgsea {_med(b, 'cpu'):.2f} s CPU: "
                  f"{_med(b, 'cpu') / _med(m, 'cpu'):.2f}x mamsets multilevel CPU")
    for case in cases:
        for mode in ("ml", "perm"):
            b, m = runs.get((case, f"base-{mode}")), runs.get((case, f"mamsets-{mode}"))
            if b and m:
                print(f"{case:10s} {mode:5s} this checkout vs baseline: cpu {_med(b, 'cpu'):.2f} -> "
                      f"{_med(m, 'cpu'):.2f} s ({_med(b, 'cpu') / _med(m, 'cpu'):.2f}x), wall "
                      f"{_med(b, 'wall'):.2f} -> {_med(m, 'wall'):.2f} s")
    print("\nfgsea/mamsets (derived) = measured gseapy/mamsets / (gseapy/fgsea multilevel: "
          f"{GSEAPY_OVER_FGSEA}) [/ (fgsea simple/multilevel: "
          f"{ {k: round(v, 3) for k, v in SIMPLE_OVER_MULTILEVEL.items()} }) for permutation]")


if __name__ == "__main__":
    main()
