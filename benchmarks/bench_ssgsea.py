"""Benchmark: mamsets score_samples(method="ssgsea") vs gseapy.ssgsea, same run.

Cases (issue 14):

- P53 (``../shared/data/gsea-benchmarks/p53``: 10,100 genes x 50 samples) with 332 random
  sets of 15-500 genes drawn from its genes (seed 332; the issue's 332 sets are not in
  ``../shared``, so the sizes are matched, not the members);
- synthetic: 20,000 genes x ``--samples`` samples x 500 random sets of 15-500 genes
  (standard normal values, seed 20240601). gseapy is timed on the same matrix.

Both tools are warmed up, then called in interleaved rounds in this one process; each
call's wall and process CPU time are printed with the ratio of medians
(gseapy / mamsets, both with the GSVA normalisation off: raw ES). Peak RSS is the
process's, read after each tool's rounds (``resource.getrusage``; it only grows, so the
mamsets figure printed first is the one to read).

Usage::

    python benchmarks/bench_ssgsea.py [--rounds 3] [--samples 200]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
P53 = REPO.parent / "shared" / "data" / "gsea-benchmarks" / "p53"


def timed(fn):
    w, c = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - w, time.process_time() - c


def random_sets(genes: list[str], n: int, seed: int) -> dict[str, list[str]]:
    rng = np.random.default_rng(seed)
    sizes = rng.integers(15, 500, size=n, endpoint=True)
    return {f"S{i:04d}": [genes[j] for j in np.sort(rng.choice(len(genes), k, replace=False))]
            for i, k in enumerate(sizes)}


def case(name: str, values: pd.DataFrame, sets: dict[str, list[str]], rounds: int) -> None:
    import gseapy as gp

    import mamsets as ms

    def run_gp() -> None:
        gp.ssgsea(data=values, gene_sets=sets, sample_norm_method="rank", correl_norm_type="rank",
                  min_size=1, max_size=10_000, threads=1, outdir=None, no_plot=True)

    def run_ms() -> None:
        ms.score_samples(values, sets, method="ssgsea", normalize=False, min_size=1,
                         max_size=None)

    run_ms()
    run_gp()
    t_ms, t_gp = [], []
    for _ in range(rounds):
        t_ms.append(timed(run_ms))
        t_gp.append(timed(run_gp))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    med = {k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v))
           for k, v in (("mamsets", t_ms), ("gseapy", t_gp))}
    print(f"\n== {name}: {values.shape[0]} genes x {values.shape[1]} samples x {len(sets)} sets, "
          f"{rounds} interleaved rounds")
    for k, (w, c) in med.items():
        print(f"  {k:8s} wall {w:8.3f} s   CPU {c:8.3f} s")
    print(f"  gseapy / mamsets (measured, same run): wall {med['gseapy'][0] / med['mamsets'][0]:.1f}x, "
          f"CPU {med['gseapy'][1] / med['mamsets'][1]:.1f}x;  process peak RSS so far {rss:.0f} MB")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--samples", type=int, default=200,
                    help="samples of the synthetic matrix (the issue's 1,000 makes gseapy slow)")
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    import mamsets as ms

    e = ms.read_expression(P53 / "P53.txt.gz")
    genes = list(e.values.index)
    case("P53", e.values, random_sets(genes, 332, 332), args.rounds)
    rng = np.random.default_rng(20240601)
    syn_genes = [f"G{i:05d}" for i in range(1, 20_001)]
    syn = pd.DataFrame(rng.standard_normal((20_000, args.samples)), index=syn_genes,
                       columns=[f"s{i}" for i in range(args.samples)])
    case("synthetic", syn, random_sets(syn_genes, 500, 20240601), args.rounds)


if __name__ == "__main__":
    main()
