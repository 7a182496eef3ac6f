"""Benchmark: mamsets phenotype_gsea vs gseapy gsea() (phenotype permutation), same run.

P53 (``../shared/data/gsea-benchmarks/p53``: 10,100 genes x 50 samples, MUT vs WT),
the sets of ``tests/data/gsva_reference/sets.gmt`` with 15-500 members (28 sets),
signal-to-noise, 1,000 label permutations. Both tools are warmed up first (mamsets'
compiled kernels loaded, gseapy's Rust extension imported), then called in interleaved
rounds in this one process; each call's wall time and process CPU time are printed,
and the ratio of medians (gseapy / mamsets). gseapy runs with ``threads=1``
(``threads=2`` used one core in every run here, NOTES.md); mamsets with
``n_jobs=1`` and, separately labelled, ``n_jobs=2``.

Usage::

    python benchmarks/bench_phenotype_gsea.py [--rounds 3] [--n-perm 1000]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_ssgsea import P53, REPO, timed  # (the same data and timer as the ssGSEA benchmark)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--n-perm", type=int, default=1000)
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    import gseapy as gp

    import mamsets as ms
    from mamsets.io.gmt import read_gmt

    e = ms.read_expression(P53 / "P53.txt.gz", cls=P53 / "P53.cls")
    sets = {gs.id: list(gs.genes) for gs in read_gmt(REPO / "tests" / "data" / "gsva_reference" / "sets.gmt")}
    cls = e.phenotype.tolist()

    def run_gp(n_perm: int) -> None:
        gp.gsea(data=e.values, gene_sets=sets, cls=cls, permutation_type="phenotype",
                permutation_num=n_perm, method="signal_to_noise", min_size=15, max_size=500, seed=1,
                threads=1, outdir=None, no_plot=True)

    def run_ms(n_perm: int, n_jobs: int) -> None:
        ms.phenotype_gsea(e, collection=sets, n_perm=n_perm, min_size=15, max_size=500, rng=1,
                          n_jobs=n_jobs)

    run_gp(20)
    run_ms(20, 1)
    run_ms(200, 2)
    cases = {"gseapy gsea() threads=1": lambda: run_gp(args.n_perm),
             "mamsets n_jobs=1": lambda: run_ms(args.n_perm, 1),
             "mamsets n_jobs=2": lambda: run_ms(args.n_perm, 2)}
    times: dict[str, list[tuple[float, float]]] = {k: [] for k in cases}
    print(f"P53 {e.values.shape[0]} genes x {e.values.shape[1]} samples, {args.n_perm} permutations, "
          f"{args.rounds} interleaved rounds")
    for r in range(args.rounds):
        for name, fn in cases.items():
            wall, cpu = timed(fn)
            times[name].append((wall, cpu))
            print(f"  round {r + 1}  {name:26s} wall {wall:7.2f} s  cpu {cpu:7.2f} s", flush=True)
    med = {k: (statistics.median(t[0] for t in v), statistics.median(t[1] for t in v)) for k, v in times.items()}
    g = med["gseapy gsea() threads=1"]
    print("median wall / cpu, and gseapy / mamsets:")
    for name, (wall, cpu) in med.items():
        print(f"  {name:26s} {wall:7.2f} s {cpu:7.2f} s   ratio wall {g[0] / wall:5.1f}x  cpu {g[1] / cpu:5.1f}x")


if __name__ == "__main__":
    main()
