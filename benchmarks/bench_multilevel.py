"""Benchmark: the multilevel p-value kernel vs gseapy's fgsea port, measured in one run.

Each measurement runs in its own subprocess (fresh interpreter) after a warm-up call on
a tiny input (gseapy's Rust extension imported; the mamsets kernel is C compiled at
install time, nothing to warm up since the numba kernels were ported, issue 15) and
reports the wall and CPU time of the call and the peak resident memory of the whole
process (``resource.getrusage``; the baseline before the call is printed too).

* ``mamsets``: ``multilevel_pvalues`` given the enrichment scores (computed beforehand
  with numpy, not timed: the engine computes them once for every method). With
  ``n_jobs`` 1 and 2 (threads).
* ``gseapy``: ``gseapy.gse.fgsea_rs`` (gseapy 1.3's in-process Rust port of R's
  ``fgseaMultilevel``, what ``gseapy.prerank(method="multilevel")`` calls), seed fixed:
  ES, 1,000 simple permutations and the multilevel ruler.
* R fgsea cannot run here: its time on this machine (3.2 s, issue 5) is a quoted constant.

Cases: fgsea's example (12,000 genes, the 586 Reactome sets of 15-500 genes,
``tests/data/multilevel``) and a fixed-seed synthetic ranking of 20,000 genes with 500 to
5,000 sets of 15-500 genes (10 % drawn toward one end of the ranking, Beta(1, 1.4)
positions, so some p-values are small) to show how time grows with the number of sets:
the cost follows the number of distinct (size, sign) pairs and the smallest p-value of
each, not the number of sets.

The kernel is given every set here, whereas fgsea and gseapy estimate large p-values
with 1,000 simple permutations and run the multilevel ruler only for the others (the
mamsets engine routes the same way, in ``engines/gsea.py``); the ruler for the smallest
p-values dominates both costs (on the fgsea example the 144 sets with p < 0.02 take
~92 % of the kernel's time).

``--kernel``: the kernel alone on exactly what the engine gives it (the sets it routes
to the multilevel ruler, ``method="multilevel"``, ``rng=1``) for fgsea's example and issue
15's synthetic case (``bench_speed.synthetic_case``), in CPU seconds, rounds interleaved,
medians; with ``--baseline DIR`` also the mamsets in ``DIR/src`` (e.g. ``git archive
<commit> | tar -x -C DIR`` and, for a C version, ``python setup.py build_ext --inplace``
there), and whether both gave the same bits.

Measured 2026-11-25 on the shared 2-core machine (fgsea case, quiet moment): gseapy
3.83 s, mamsets 3.23 s (n_jobs=1) and 1.64 s (n_jobs=2), R fgsea 3.2 s (quoted); peak
RSS 283 MB (gseapy) vs 204-210 MB (mamsets, of which 196 MB is the interpreter with
numpy/scipy/numba/pandas loaded).

Usage::

    python benchmarks/bench_multilevel.py           # fgsea case + synthetic growth (~15 min)
    python benchmarks/bench_multilevel.py --quick   # fgsea case only (~30 s)
    python benchmarks/bench_multilevel.py --kernel --rounds 5 [--baseline DIR] [--n-jobs 1]
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import pickle
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data" / "multilevel"
R_FGSEA_MULTILEVEL_S = 3.2  # R fgsea 1.31.6 fgseaMultilevel, fgsea example, this machine


def _es(w: np.ndarray, pos: np.ndarray) -> float:
    k, n = pos.shape[0], w.shape[0]
    ww = w[pos]
    after = np.cumsum(ww) / ww.sum() - (pos - np.arange(k)) / (n - k)
    top, bottom = after.max(), (after - ww / ww.sum()).min()
    return float(top if top > -bottom else (bottom if top < -bottom else 0.0))


def fgsea_case():
    rnk = pd.read_csv(DATA / "naive.vs.th1.rnk.gz", sep="\t", dtype={"ID": str})
    rnk = rnk.sort_values("t", ascending=False, kind="mergesort")
    ids = rnk["ID"].tolist()
    where = {g: i for i, g in enumerate(ids)}
    sets = {}
    with gzip.open(DATA / "mouse.reactome.tested.gmt.gz", "rt") as fh:
        for line in fh:
            f = line.rstrip("\n").split("\t")
            sets[f[0]] = sorted({where[g] for g in f[2:] if g in where})
    return ids, rnk["t"].to_numpy(), sets


def synthetic_case(n_sets: int, n_genes: int = 20_000, seed: int = 20261125):
    rng = np.random.default_rng(seed)
    scores = np.sort(rng.standard_t(df=5, size=n_genes) * 2.0)[::-1].copy()
    ids = [f"G{i}" for i in range(n_genes)]
    sets = {}
    sizes = np.exp(rng.uniform(np.log(15), np.log(500), 5_000)).astype(int)
    for i, k in enumerate(sizes[:n_sets]):
        if i % 10 == 0:  # biased toward the top (even i) or the bottom (odd i)
            u = rng.beta(1.0, 1.4, size=4 * k)
            if i % 20:
                u = 1.0 - u
            pos = np.unique((u * n_genes).astype(int))[:k]
            if pos.size < k:
                extra = rng.choice(
                    np.setdiff1d(np.arange(n_genes), pos), k - pos.size, replace=False
                )
                pos = np.union1d(pos, extra)
        else:
            pos = np.sort(rng.choice(n_genes, k, replace=False))
        sets[f"S{i}"] = sorted(pos.tolist())
    return ids, scores, sets


def _load(case: str):
    if case == "fgsea":
        return fgsea_case()
    return synthetic_case(int(case.split("-")[1]))


def _child(tool: str, case: str, n_jobs: int) -> dict:
    """Run one measurement in this (fresh) process and return its numbers."""
    ids, scores, sets = _load(case)
    names = list(sets)
    w = np.abs(scores)
    if tool == "mamsets":
        from mamsets.engines._multilevel import multilevel_pvalues

        sizes = np.array([len(sets[s]) for s in names])
        es = np.array([_es(w, np.asarray(sets[s])) for s in names])
        multilevel_pvalues(
            w[:200], np.array([5]), np.array([0.5]), seed_sequence=np.random.SeedSequence(0)
        )
        base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        t0, c0 = time.perf_counter(), time.process_time()
        p, _, _ = multilevel_pvalues(
            w, sizes, es, seed_sequence=np.random.SeedSequence(42), n_jobs=n_jobs
        )
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        pmin = float(np.nanmin(p))
    else:
        from gseapy.gse import fgsea_rs

        gmt = {s: [ids[i] for i in sets[s]] for s in names}
        fgsea_rs(
            ids[:300], scores[:300].tolist(), {"a": ids[:20]}, 1.0, 15, 500, 101, 1000, 1e-50, 1, 1
        )
        base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        t0, c0 = time.perf_counter(), time.process_time()
        res = fgsea_rs(ids, scores.tolist(), gmt, 1.0, 1, 100_000, 101, 1000, 1e-50, n_jobs, 42)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        pmin = float(min(s.pval for s in res.summaries))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "wall": wall,
        "cpu": cpu,
        "base_mb": base,
        "peak_mb": peak,
        "n_sets": len(names),
        "pmin": pmin,
    }


def measure(tool: str, case: str, n_jobs: int = 1) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", tool, case, str(n_jobs)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _engine_inputs(case: str) -> dict:
    """The arguments the engine passes to ``multilevel_pvalues`` (this checkout's mamsets)."""
    sys.path[:0] = [str(REPO / "src"), str(Path(__file__).resolve().parent)]
    import bench_speed

    import mamsets.engines._multilevel as ml
    from mamsets.engines.gsea import gsea
    from mamsets.model import GeneSetCollection

    r, sets = bench_speed.fgsea_case() if case == "fgsea" else bench_speed.synthetic_case()
    got: dict = {}
    real = ml.multilevel_pvalues

    def spy(w, sizes, es, **kw):
        got.update(w=np.array(w), sizes=np.array(sizes), es=np.array(es), kw=kw)
        return real(w, sizes, es, **kw)

    ml.multilevel_pvalues = spy
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            gsea(r, GeneSetCollection.from_dict(sets), method="multilevel", n_perm=1000, rng=1,
                 min_size=15, max_size=500)
    finally:
        ml.multilevel_pvalues = real
    return got


def _kernel_child(path: str, n_jobs: int) -> dict:
    """Time ``multilevel_pvalues`` on saved engine inputs in this (fresh) process."""
    from mamsets.engines._multilevel import multilevel_pvalues

    with open(path, "rb") as fh:
        g = pickle.load(fh)
    kw = {**g["kw"], "n_jobs": n_jobs}
    multilevel_pvalues(g["w"], g["sizes"][:2], g["es"][:2], **kw)  # warm-up
    t0, c0 = time.perf_counter(), time.process_time()
    p, err, fl = multilevel_pvalues(g["w"], g["sizes"], g["es"], **kw)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    digest = hashlib.sha256(p.tobytes() + err.tobytes() + fl.tobytes()).hexdigest()[:16]
    return {"cpu": cpu, "wall": wall, "sha": digest, "n_sets": int(p.size)}


def kernel_rounds(rounds: int, baseline: str | None, n_jobs: int) -> None:
    """``--kernel``: this checkout (and a baseline) on the engine's inputs, interleaved."""
    srcs = {"this": str(REPO / "src")}
    if baseline:
        srcs["baseline"] = str(Path(baseline).resolve() / "src")
    runs: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        paths = {}
        for case in ("fgsea", "synthetic"):
            paths[case] = os.path.join(tmp, f"{case}.pkl")
            with open(paths[case], "wb") as fh:
                pickle.dump(_engine_inputs(case), fh)
        for rnd in range(rounds):
            for case, path in paths.items():
                for label, src in srcs.items():
                    env = {**os.environ, "PYTHONPATH": src}
                    out = subprocess.run(
                        [sys.executable, __file__, "--kernel-child", path, str(n_jobs)],
                        capture_output=True, text=True, check=True, env=env,
                    )
                    r = json.loads(out.stdout.strip().splitlines()[-1])
                    runs.setdefault((case, label), []).append(r)
                    print(f"round {rnd + 1} {case:9} {label:8} cpu {r['cpu']:6.2f} s  wall "
                          f"{r['wall']:6.2f} s  {r['n_sets']} sets  sha {r['sha']}", flush=True)
    print(f"\nmedians over {rounds} rounds, CPU seconds of the kernel call, n_jobs={n_jobs}")
    for case in ("fgsea", "synthetic"):
        this = statistics.median(r["cpu"] for r in runs[(case, "this")])
        line = f"{case:9} this {this:6.2f} s"
        if baseline:
            base = statistics.median(r["cpu"] for r in runs[(case, "baseline")])
            same = {r["sha"] for r in runs[(case, "this")]} == {r["sha"] for r in runs[(case, "baseline")]}
            line += (f"  baseline {base:6.2f} s  baseline/this {base / this:5.2f}x  "
                     f"{'identical results' if same else 'results differ'}")
        print(line)


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--quick", action="store_true", help="fgsea example only")
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    ap.add_argument("--kernel", action="store_true", help="the kernel on the engine's inputs")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--baseline", help="a folder holding src/mamsets of the version to compare with")
    ap.add_argument("--n-jobs", type=int, default=1)
    ap.add_argument("--kernel-child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(_child(args.child[0], args.child[1], int(args.child[2]))))
        return
    if args.kernel_child:
        print(json.dumps(_kernel_child(args.kernel_child[0], int(args.kernel_child[1]))))
        return
    if args.kernel:
        kernel_rounds(args.rounds, args.baseline, args.n_jobs)
        return

    rows = []
    print("fgsea example: 12,000 genes, 586 sets (15-500 genes)", flush=True)
    gp = measure("gseapy", "fgsea")
    m1 = measure("mamsets", "fgsea", 1)
    m2 = measure("mamsets", "fgsea", 2)
    for name, r in (
        ("gseapy fgsea_rs (1 thread)", gp),
        ("mamsets n_jobs=1", m1),
        ("mamsets n_jobs=2", m2),
    ):
        rows.append(("fgsea", name, r))
    if not args.quick:
        for n_sets in (500, 1000, 2000, 5000):
            case = f"synthetic-{n_sets}"
            print(f"synthetic: 20,000 genes, {n_sets} sets", flush=True)
            rows.append((case, "mamsets n_jobs=1", measure("mamsets", case, 1)))
        rows.append(("synthetic-5000", "mamsets n_jobs=2", measure("mamsets", "synthetic-5000", 2)))
        print("synthetic: gseapy, 1000 sets", flush=True)
        rows.append(
            ("synthetic-1000", "gseapy fgsea_rs (1 thread)", measure("gseapy", "synthetic-1000"))
        )

    print()
    print(
        f"{'case':16} {'tool':28} {'wall s':>7} {'cpu s':>7} {'peak MB':>8} {'base MB':>8} {'min p':>9}"
    )
    for case, name, r in rows:
        print(
            f"{case:16} {name:28} {r['wall']:7.2f} {r['cpu']:7.2f} {r['peak_mb']:8.0f} "
            f"{r['base_mb']:8.0f} {r['pmin']:9.1e}"
        )
    print()
    print(
        f"R fgsea fgseaMultilevel on the fgsea example (quoted, issue 5): {R_FGSEA_MULTILEVEL_S} s"
    )
    print(f"ratio gseapy / mamsets (n_jobs=1), wall: {gp['wall'] / m1['wall']:.2f}x")
    print(f"ratio gseapy / mamsets (n_jobs=2), wall: {gp['wall'] / m2['wall']:.2f}x")
    print(f"ratio R fgsea (quoted) / mamsets (n_jobs=1): {R_FGSEA_MULTILEVEL_S / m1['wall']:.2f}x")
    print("targets: >= 1x R fgsea, >= 3x gseapy, peak < 300 MB")


if __name__ == "__main__":
    main()
