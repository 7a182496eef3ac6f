"""Benchmark: mamsets preranked GSEA vs gseapy.prerank, measured in the same run.

Every measurement runs in its own subprocess (fresh interpreter), after a warm-up
call on a tiny input (so the compiled C kernels are loaded and gseapy's Rust extension
imported), and reports wall time of the call and the peak resident memory
of the whole process (``resource.getrusage``: includes the ~200 MB of Python, numpy,
pandas and gseapy themselves; the baseline before the call is printed too).

Cases
-----
* ``fgsea``: fgsea's example, 12,000 genes, the 586 Reactome sets of 15-500 genes
  (``tests/data/gsea``).
* ``synthetic``: 20,000 genes x 5,000 sets of 15-500 genes (log-uniform sizes), from a
  fixed-seed generator (:func:`synthetic`): scores are t-like; 10 % of the sets take
  5-30 % of their members from the top (or bottom) fifth of the ranking, so that
  p-values range down to far below 1/n_perm.

R fgsea cannot run here; its times on this machine (measured by the project, quoted in
issue 5) are printed as labelled constants.

Usage::

    python benchmarks/bench_gsea.py            # everything (about 5-10 min on 2 cores)
    python benchmarks/bench_gsea.py --quick    # fgsea case only, no gseapy permutation
"""

from __future__ import annotations

import argparse
import gzip
import json
import resource
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data" / "gsea"

#: R fgsea 1.31.6 on this 2-core machine, fgsea example (issue 5; not runnable here).
R_FGSEA = {
    ("fgsea", "multilevel"): 3.2,
    ("fgsea", "permutation-10000"): 1.8,
}
#: gseapy figures quoted in issue 5 / NOTES.md (for reference next to today's measurement).
QUOTED_GSEAPY = {
    ("fgsea", "multilevel"): "4.2 s, 570 MB",
    ("fgsea", "permutation-1000"): "17.5 s, 1 GB",
}


# ------------------------------------------------------------------------------ inputs
def fgsea_case() -> tuple[pd.Series, dict[str, list[str]]]:
    rnk = pd.read_csv(DATA / "naive.vs.th1.rnk.gz", sep="\t", dtype={"ID": str}).set_index("ID")["t"]
    sets: dict[str, list[str]] = {}
    with gzip.open(DATA / "mouse.reactome.15-500.gmt.gz", "rt") as fh:
        for line in fh:
            f = line.rstrip("\n").split("\t")
            sets[f[0]] = list(dict.fromkeys(f[2:]))
    return rnk, sets


def synthetic(n_genes: int = 20_000, n_sets: int = 5_000, seed: int = 20261125
              ) -> tuple[pd.Series, dict[str, list[str]]]:
    """Fixed-seed synthetic ranking and gene sets (see module docstring)."""
    rng = np.random.default_rng(seed)
    genes = np.array([f"GENE{i:05d}" for i in range(n_genes)])
    scores = rng.standard_t(df=5, size=n_genes) * 2.0
    order = np.argsort(-scores)
    ranked = genes[order]
    sizes = np.exp(rng.uniform(np.log(15), np.log(500), n_sets)).astype(int)
    sets: dict[str, list[str]] = {}
    all_pos = np.arange(n_genes)
    for i, k in enumerate(sizes):
        if i % 10 == 0:  # enriched: 5-30 % of the members from the top (or bottom) fifth
            n_top = int(k * rng.uniform(0.05, 0.3))
            top = rng.choice(n_genes // 5, n_top, replace=False)
            rest = rng.choice(np.setdiff1d(all_pos, top), k - n_top, replace=False)
            idx = np.concatenate([top, rest])
            if i % 20 == 0:
                idx = n_genes - 1 - idx
            members = ranked[idx]
        else:
            members = rng.choice(genes, k, replace=False)
        sets[f"SET{i:05d}"] = list(members)
    return pd.Series(scores, index=genes), sets


def load(case: str, n_sets: int | None = None) -> tuple[pd.Series, dict[str, list[str]]]:
    r, sets = fgsea_case() if case == "fgsea" else synthetic()
    if n_sets is not None:
        sets = dict(list(sets.items())[:n_sets])
    return r, sets


# ------------------------------------------------------------------------------ worker
def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(case: str, tool: str, method: str, n_perm: int, n_sets: int | None, n_jobs: int) -> dict:
    warnings.simplefilter("ignore")
    r, sets = load(case, n_sets)
    if tool == "mamsets":
        from mamsets.engines.gsea import gsea
        from mamsets.model import GeneSetCollection

        col = GeneSetCollection.from_dict(sets)
        small = GeneSetCollection.from_dict(dict(list(sets.items())[:3]))
        gsea(r, small, method=method, n_perm=50, rng=0, min_size=15)  # warm-up: load JIT cache

        def call() -> pd.DataFrame:
            return gsea(r, col, method=method, n_perm=n_perm, rng=1, min_size=15, max_size=500,
                        n_jobs=n_jobs).table
    else:
        import gseapy

        small = dict(list(sets.items())[:3])
        gseapy.prerank(rnk=r, gene_sets=small, outdir=None, permutation_num=10, min_size=15,
                       seed=0, threads=n_jobs, no_plot=True, method=method)

        def call() -> pd.DataFrame:
            return gseapy.prerank(rnk=r, gene_sets=sets, outdir=None, permutation_num=n_perm,
                                  min_size=15, max_size=500, seed=1, threads=n_jobs, no_plot=True,
                                  method=method).res2d
    base = _rss_mb()
    t0 = time.perf_counter()
    table = call()
    dt = time.perf_counter() - t0
    pcol = "pval" if "pval" in table.columns else "NOM p-val"
    p = pd.to_numeric(table[pcol], errors="coerce")
    return {"time": dt, "peak_mb": _rss_mb(), "base_mb": base, "n": len(table),
            "min_p": float(p.min()), "n_p0": int((p == 0).sum())}


def measure(case: str, tool: str, method: str, n_perm: int, n_sets: int | None = None,
            n_jobs: int = 1, timeout: float = 900) -> dict | None:
    cmd = [sys.executable, __file__, "--worker", case, tool, method, str(n_perm),
           str(n_sets or 0), str(n_jobs)]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=True)
    except subprocess.TimeoutExpired:
        print(f"  {tool} {method} on {case}: timed out after {timeout:.0f} s", flush=True)
        return None
    except subprocess.CalledProcessError as exc:
        print(f"  {tool} {method} on {case}: failed: {exc.stderr.strip().splitlines()[-1:]}", flush=True)
        return None
    res = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"  {tool:8s} {method:11s} n_perm={n_perm:<6d} sets={n_sets or 'all':<5} jobs={n_jobs}: "
          f"{res['time']:7.2f} s, peak {res['peak_mb']:6.0f} MB (baseline {res['base_mb']:.0f}), "
          f"{res['n']} sets, min p {res['min_p']:.2e}, p=0 for {res['n_p0']}", flush=True)
    return res


def ratio(a: dict | None, b: dict | None) -> str:
    if a is None or b is None:
        return "n/a"
    return f"{b['time'] / a['time']:.1f}x"


# ------------------------------------------------------------------------------ main
def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="fgsea case only, skip gseapy permutation")
    ap.add_argument("--worker", nargs=6, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        case, tool, method, n_perm, n_sets, n_jobs = args.worker
        res = worker(case, tool, method, int(n_perm), int(n_sets) or None, int(n_jobs))
        print(json.dumps(res))
        return

    import gseapy

    print(f"mamsets GSEA benchmark; gseapy {gseapy.__version__}; numpy {np.__version__}; "
          f"{sys.version.split()[0]}; 1 thread unless stated")
    rows = []
    print("\n== fgsea example: 12,000 genes, 586 sets (15-500)")
    m_ml = measure("fgsea", "mamsets", "multilevel", 1000)
    m_pm = measure("fgsea", "mamsets", "permutation", 10_000)
    m_pm1 = measure("fgsea", "mamsets", "permutation", 1000)
    m_ml2 = measure("fgsea", "mamsets", "multilevel", 1000, n_jobs=2)
    g_ml = measure("fgsea", "gseapy", "multilevel", 1000)
    g_pm = None if args.quick else measure("fgsea", "gseapy", "permutation", 1000, timeout=600)
    rows += [
        ("fgsea", "multilevel", m_ml, g_ml, R_FGSEA[("fgsea", "multilevel")]),
        ("fgsea", "permutation (mamsets 10,000 / gseapy 1,000 perms)", m_pm, g_pm,
         R_FGSEA[("fgsea", "permutation-10000")]),
    ]
    print(f"  mamsets multilevel with 2 threads: {ratio(m_ml2, m_ml)} of 1 thread's speed (>1 = faster)"
          if m_ml and m_ml2 else "")
    if m_pm1 and g_pm:
        print(f"  same n_perm=1,000: mamsets permutation {g_pm['time'] / m_pm1['time']:.0f}x faster than gseapy")

    if not args.quick:
        print("\n== synthetic: 20,000 genes, 5,000 sets (15-500)")
        s_ml = measure("synthetic", "mamsets", "multilevel", 1000)
        s_pm = measure("synthetic", "mamsets", "permutation", 10_000)
        gs_ml = measure("synthetic", "gseapy", "multilevel", 1000, timeout=900)
        rows += [("synthetic", "multilevel", s_ml, gs_ml, None),
                 ("synthetic", "permutation (mamsets 10,000 perms; gseapy not run: >5 GB)", s_pm, None, None)]
        print("\n== scaling (mamsets permutation, synthetic)")
        for n_sets in (500, 1000, 2500, 5000):
            measure("synthetic", "mamsets", "permutation", 1000, n_sets=n_sets)
        for n_perm in (1000, 2500, 5000, 10_000):
            measure("synthetic", "mamsets", "permutation", n_perm, n_sets=1000)
        print("\n== scaling (mamsets multilevel, synthetic)")
        for n_sets in (500, 1000, 2500):
            measure("synthetic", "mamsets", "multilevel", 1000, n_sets=n_sets)

    print("\n== summary (wall time of the call; speed-up = other / mamsets)")
    print(f"{'case':10s} {'method':58s} {'mamsets':>16s} {'gseapy':>16s} {'vs gseapy':>10s} "
          f"{'R fgsea (quoted)':>17s} {'vs fgsea':>9s}")
    for case, method, m, g, r in rows:
        ms = f"{m['time']:.2f}s/{m['peak_mb']:.0f}MB" if m else "n/a"
        gs = f"{g['time']:.2f}s/{g['peak_mb']:.0f}MB" if g else "n/a"
        rs = f"{r:.1f}s" if r else "n/a"
        rr = f"{r / m['time']:.1f}x" if (r and m) else "n/a"
        print(f"{case:10s} {method:58s} {ms:>16s} {gs:>16s} {ratio(m, g):>10s} {rs:>17s} {rr:>9s}")
    print("quoted gseapy figures from issue 5:", QUOTED_GSEAPY)


if __name__ == "__main__":
    main()
