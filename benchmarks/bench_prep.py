"""Benchmark (issue 15): the serial Python work before and around the kernels of a GSEA call.

Two measurements, each printed as medians of interleaved, repeated runs:

1. **Member codes** (``GeneSetCollection.member_index``): the C pass of
   ``mamsets._strindex.index_members`` against what it replaced, an object array of every
   (set, member) pair factorized with ``pandas.factorize`` (the pairs are the same, the
   codes are checked equal; the replaced code also worked in blocks of 2**18 pairs to cap
   its peak memory, which this leaves out). Collections: issue 15's synthetic case (5,000
   sets, 1.29M pairs) and a 15,000-set one (3.9M pairs, an MSigDB-sized GMT), made afresh
   for each run with their str hashes computed once, as ``GeneSet`` does when it checks for
   duplicated members. CPU and wall seconds.
2. **Garbage collection**: the time of one full collection (``gc.collect()``) in a fresh
   process after importing mamsets, then after loading the identifier tables that detection
   needs, then those that mapping mouse/rat data needs. The tables live for the rest of the
   process, so every full collection of the user's session walks what of them the collector
   tracks. ``--baseline DIR`` (a folder holding ``src/mamsets`` of another version, e.g.
   ``git archive <commit> | tar -x -C DIR`` and ``python setup.py build_ext --inplace``
   there) measures that version in the same rounds.

Usage::

    python benchmarks/bench_prep.py [--rounds 5] [--baseline DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from itertools import chain
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).parent))
from bench_speed import synthetic_case  # noqa: E402 - issue 15's case, drawn in one place

_GC_CHILD = r"""
import gc, json, statistics, time
def full():
    gc.collect(); gc.collect()
    ts = []
    for _ in range(9):
        t0 = time.perf_counter(); gc.collect(); ts.append(time.perf_counter() - t0)
    return statistics.median(ts), len(gc.get_objects())
import numpy, pandas, mamsets
from mamsets.engines.gsea import gsea
from mamsets.ids import tables as T
out = {"imports": full()}
T._human(); T._evidence(); T._symbol_only()
out["detection tables"] = full()
T._orthologs(); T._rodent("mouse"); T._rodent("rat")
out["mapping tables"] = full()
print(json.dumps(out))
"""


def collection_pairs(n_sets: int, seed: int) -> list[tuple[str, ...]]:
    """Member tuples of :func:`bench_speed.synthetic_case` (issue 15's case for
    ``n_sets=5000, seed=20240601``), made afresh: new str objects on every call."""
    _, sets = synthetic_case(n_sets, seed)
    return [tuple(members) for members in sets.values()]


def codes_factorize(groups: list[tuple[str, ...]]) -> tuple[np.ndarray, list[str]]:
    """The replaced way: an object array of every pair, then ``pandas.factorize``."""
    n = sum(map(len, groups))
    block = np.fromiter(chain.from_iterable(groups), dtype=object, count=n)
    codes, uniques = pd.factorize(block)
    return codes.astype(np.int32), uniques.tolist()


def codes_c(groups: list[tuple[str, ...]]) -> tuple[np.ndarray, list[str]]:
    """``mamsets._strindex.index_members`` (what ``member_index`` runs)."""
    from mamsets._strindex import index_members

    codes = np.empty(sum(map(len, groups)), dtype=np.int32)
    return codes, index_members(groups, codes)


def bench_codes(rounds: int) -> None:
    print("member codes: medians of CPU / wall seconds; ratio = pandas.factorize / C pass (CPU)")
    for n_sets, seed in ((5000, 20240601), (15000, 7)):
        fresh = collection_pairs(n_sets, seed)
        a, b = codes_c(fresh), codes_factorize(fresh)
        assert np.array_equal(a[0], b[0]) and a[1] == b[1], "the two ways disagree"
        res: dict[str, list[tuple[float, float]]] = {"c": [], "factorize": []}
        for r in range(rounds):
            for name in (("c", "factorize") if r % 2 == 0 else ("factorize", "c")):
                groups = collection_pairs(n_sets, seed)  # fresh str objects
                for g in groups:  # hashed once, as GeneSet's duplicate check does
                    set(g)
                fn = codes_c if name == "c" else codes_factorize
                c0, w0 = time.process_time(), time.perf_counter()
                fn(groups)
                res[name].append((time.process_time() - c0, time.perf_counter() - w0))
        med = {k: (statistics.median(x[0] for x in v), statistics.median(x[1] for x in v))
               for k, v in res.items()}
        n_pairs = sum(map(len, fresh))
        print(f"  {n_sets:6,d} sets, {n_pairs:9,d} pairs: C pass {med['c'][0]:.3f} / {med['c'][1]:.3f} s, "
              f"pandas.factorize {med['factorize'][0]:.3f} / {med['factorize'][1]:.3f} s, "
              f"ratio {med['factorize'][0] / med['c'][0]:.1f}x")


def _gc_child(src: str | None) -> dict[str, list[float]]:
    env = dict(os.environ)
    if src:
        env["PYTHONPATH"] = src
    out = subprocess.run([sys.executable, "-c", _GC_CHILD], capture_output=True, text=True,
                         env=env, check=True)
    return json.loads(out.stdout)


def bench_gc(rounds: int, baseline: str | None) -> None:
    versions = {"this checkout": None}
    if baseline:
        versions["baseline"] = str(Path(baseline).resolve() / "src")
    res: dict[str, list[dict[str, list[float]]]] = {v: [] for v in versions}
    for r in range(rounds):
        for name in (list(versions) if r % 2 == 0 else list(reversed(versions))):
            res[name].append(_gc_child(versions[name]))
    print("\none full collection (gc.collect) in a fresh process: median ms (objects tracked); "
          "'added' = minus the collection after the imports alone, in the same process")
    for name, runs in res.items():
        parts = []
        base = statistics.median(x["imports"][0] for x in runs)
        for stage in ("imports", "detection tables", "mapping tables"):
            t = statistics.median(x[stage][0] for x in runs)
            added = statistics.median(x[stage][0] - x["imports"][0] for x in runs)
            n = int(statistics.median(x[stage][1] for x in runs))
            parts.append(f"{stage} {t * 1e3:.1f} ms ({n:,d})" if stage == "imports" else
                         f"{stage} {t * 1e3:.1f} ms, added {added * 1e3:+.1f} ms ({n:,d})")
        print(f"  {name:14s} " + "; ".join(parts) + f"  [floor {base * 1e3:.1f} ms]")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--baseline", help="a folder holding src/mamsets of the version to compare with")
    args = ap.parse_args()
    bench_codes(args.rounds)
    bench_gc(args.rounds, args.baseline)


if __name__ == "__main__":
    main()
