"""Benchmark: mamsets ORA vs gseapy.enrich on 100 query lists x 5,000 sets x 20,000 genes.

Synthetic data with a fixed seed: a universe of 20,000 gene names, 5,000 sets of
15-500 genes, 100 query lists of 100-1,000 genes (a third of them enriched in
a few sets). Both tools run in this process on the same inputs:

- mamsets: one call ``ora(queries, collection, universe=...)`` for all 100
  queries (identifier mapping included; its share is timed separately).
- gseapy: ``gseapy.enrich`` once per query (it takes one list at a time). It is
  slow, so by default it runs on ``--gseapy-queries`` of the 100 queries and
  the time is extrapolated linearly; the output says so.

The p-values of the queries both tools ran are compared (gseapy reports only
sets with an overlap).

Run: ``python benchmarks/bench_ora.py`` (about a minute on 2 cores).
"""

from __future__ import annotations

import argparse
import platform
import time
import warnings

import numpy as np


def make_data(n_genes: int, n_sets: int, n_queries: int, seed: int):
    from mamsets.model import GeneSetCollection

    rng = np.random.default_rng(seed)
    universe = [f"GENE{i:05d}" for i in range(n_genes)]
    sets = {
        f"SET{j:04d}": rng.choice(universe, int(rng.integers(15, 501)), replace=False).tolist()
        for j in range(n_sets)
    }
    names = list(sets)
    queries = {}
    for i in range(n_queries):
        size = int(rng.integers(100, 1001))
        genes = set(rng.choice(universe, size, replace=False).tolist())
        if i % 3 == 0:  # plant enrichment in a few sets
            for j in rng.choice(n_sets, 3, replace=False):
                members = sets[names[j]]
                genes.update(rng.choice(members, len(members) // 4, replace=False).tolist())
        queries[f"q{i:03d}"] = sorted(genes)
    return universe, GeneSetCollection.from_dict(sets, name="synthetic"), queries


def best_of(fn, repeat: int) -> tuple[float, float, object]:
    """Best wall-clock and best CPU time (this process) over ``repeat`` runs, and the output."""
    best, best_cpu, out = float("inf"), float("inf"), None
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        best = min(best, time.perf_counter() - t0)
        best_cpu = min(best_cpu, time.process_time() - c0)
    return best, best_cpu, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--genes", type=int, default=20000)
    ap.add_argument("--sets", type=int, default=5000)
    ap.add_argument("--queries", type=int, default=100)
    ap.add_argument(
        "--gseapy-queries",
        type=int,
        default=5,
        help="queries run through gseapy (time extrapolated to all)",
    )
    ap.add_argument("--repeat", type=int, default=3, help="mamsets timing: best of this many runs")
    ap.add_argument("--seed", type=int, default=20261125)
    args = ap.parse_args()

    import gseapy

    import mamsets
    from mamsets.engines.ora import ora

    warnings.simplefilter("ignore")
    universe, coll, queries = make_data(args.genes, args.sets, args.queries, args.seed)
    print(
        f"mamsets {mamsets.__version__}, gseapy {gseapy.__version__}, numpy {np.__version__}, "
        f"python {platform.python_version()}, {platform.machine()}"
    )
    print(
        f"data: {args.queries} queries (100-1,000 genes) x {args.sets} sets (15-500 genes) "
        f"over {args.genes} genes, seed {args.seed}"
    )

    t_ms, c_ms, res = best_of(lambda: ora(queries, coll, universe=universe), args.repeat)
    table = res.table
    try:
        from mamsets.ids import map_ids

        t_map, c_map, _ = best_of(lambda: map_ids(coll, universe)[1].summary(), args.repeat)
    except ModuleNotFoundError:
        t_map = c_map = 0.0
    print(
        f"mamsets ora, all {args.queries} queries in one call: {t_ms:.3f} s wall, "
        f"{c_ms:.3f} s CPU (best of {args.repeat}; {len(table):,} rows)"
    )
    print(
        f"  of which identifier mapping (mamsets.ids.map_ids + report, timed alone): "
        f"{t_map:.3f} s wall, {c_map:.3f} s CPU; "
        f"ORA itself: {t_ms - t_map:.3f} s wall, {c_ms - c_map:.3f} s CPU"
    )

    g = min(args.gseapy_queries, args.queries)
    gene_sets = coll.to_dict()
    names = list(queries)[:g]
    t0, c0 = time.perf_counter(), time.process_time()
    gres = {}
    for q in names:
        enr = gseapy.enrich(
            gene_list=queries[q],
            gene_sets=gene_sets,
            background=universe,
            outdir=None,
            no_plot=True,
        )
        gres[q] = enr.results
    t_gp = (time.perf_counter() - t0) / g * args.queries
    c_gp = (time.process_time() - c0) / g * args.queries
    label = "measured" if g == args.queries else f"EXTRAPOLATED from {g} of {args.queries} queries"
    print(
        f"gseapy.enrich, one call per query, all {args.queries} queries: {t_gp:.1f} s wall, "
        f"{c_gp:.1f} s CPU ({label})"
    )

    rel = 0.0
    n_cmp = 0
    for q in names:
        ours = table[table["query"] == q].set_index("term")
        ref = gres[q].set_index("Term")
        p_ours = ours.loc[ref.index, "pval"].to_numpy()
        p_ref = ref["P-value"].to_numpy()
        ok = p_ref > 0
        rel = max(rel, float(np.max(np.abs(p_ours[ok] - p_ref[ok]) / p_ref[ok])))
        n_cmp += int(ok.sum())
    print(
        f"agreement on {n_cmp:,} (query, set) p-values both tools report: "
        f"max relative difference {rel:.2e}"
    )
    print(
        f"speed-up of mamsets over gseapy ({label}): "
        f"wall {t_gp / t_ms:.0f}x end to end, {t_gp / max(t_ms - t_map, 1e-9):.0f}x without the "
        f"identifier mapping; CPU {c_gp / c_ms:.0f}x end to end, "
        f"{c_gp / max(c_ms - c_map, 1e-9):.0f}x without the mapping "
        "(target: >= 20x, and < 1 s for mamsets)"
    )


if __name__ == "__main__":
    main()
