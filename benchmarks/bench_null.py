"""Benchmark: the permutation null kernel alone, new vs old, and the whole permutation-mode call.

Kernel: ``null_es_cumulative`` (``mamsets_gsea_null_cumulative``) on issue 15's synthetic case
(20,000 genes, scores ``rng.standard_normal(20000)``, the distinct sizes of
``rng.integers(15, 500, size=5000, endpoint=True)``, ``rng = numpy.random.default_rng(20240601)``,
weights ``|score|``), ``--samples`` random sequences per call, CPU seconds
(``time.process_time``), old and new interleaved, medians printed. "Old" is the kernel of the
checkout given by ``--baseline DIR`` (its ``src/mamsets/engines/_ckernels*.so``, loaded beside
ours), else ``mamsets_gsea_null_cumulative_full`` (every member folded for every size, as
before, but with this checkout's chunk size). Both outputs are checked to be the same bits.

Whole call (``--whole``): ``bench_speed.worker("synthetic", "mamsets", 1)``, i.e.
``gsea(r, col, method="permutation", n_perm=10000, rng=1, min_size=15, max_size=500)``, in fresh
subprocesses, this checkout vs ``--baseline DIR/src``, interleaved; the p-values' sha256 must
agree.

Usage::

    git archive <commit> | tar -x -C /tmp/base && (cd /tmp/base && python setup.py build_ext --inplace)
    python benchmarks/bench_null.py --baseline /tmp/base [--rounds 7] [--samples 2000] [--whole]
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from mamsets.engines import _gsea_kernel as K
from mamsets.engines._clib import f64p, i64p

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_speed import synthetic_case  # noqa: E402 - issue 15's case, drawn in one place


def synthetic_weights() -> tuple[np.ndarray, np.ndarray]:
    """Quantised weights and distinct sizes of issue 15's synthetic case."""
    scores, sets = synthetic_case()
    sizes = np.unique([len(members) for members in sets.values()])
    return K.quantized_weights(K.gene_weights(np.sort(scores.to_numpy())[::-1], 1.0)), sizes


def baseline_kernel(base: Path):
    """``mamsets_gsea_null_cumulative`` of the checkout at ``base``."""
    lib = ctypes.CDLL(str(next((base / "src" / "mamsets" / "engines").glob("_ckernels*.so"))))
    fn = lib.mamsets_gsea_null_cumulative
    fn.restype = ctypes.c_int64
    fn.argtypes = [f64p, ctypes.c_int64, i64p, ctypes.c_int64, ctypes.c_int64, ctypes.c_void_p,
                   ctypes.c_void_p, f64p, ctypes.c_int64]
    return fn


def bench_kernel(old_fn, rounds: int, samples: int) -> None:
    wq, sizes = synthetic_weights()
    sizes = K._check_sizes(sizes, wq.size)
    times: dict[str, list[float]] = {"old": [], "new": []}
    for r in range(rounds):
        outs = {}
        for name in (("old", "new") if r % 2 == 0 else ("new", "old")):
            fn = old_fn if name == "old" else K._null_cumulative
            c0 = time.process_time()
            outs[name] = K._run_null(fn, wq, sizes, samples, np.random.default_rng(r), None)
            times[name].append(time.process_time() - c0)
        assert np.array_equal(outs["old"].view(np.uint64), outs["new"].view(np.uint64)), "bits differ"
    old, new = statistics.median(times["old"]), statistics.median(times["new"])
    print(f"null kernel, {sizes.size} sizes x {samples} samples, CPU s (median of {rounds}): "
          f"old {old:.3f}  new {new:.3f}  old/new {old / new:.2f}x  (same bits)")
    print(f"  per 10,000 samples: old {old * 10000 / samples:.2f} s  new {new * 10000 / samples:.2f} s")


def bench_whole(base: Path, rounds: int) -> None:
    script = ("import json, sys; sys.path.insert(0, %r); from bench_speed import worker; "
              "print(json.dumps(worker('synthetic', 'mamsets', 1)))" % str(HERE))
    srcs = {"old": str(base / "src"), "new": str(HERE.parent / "src")}
    rows: dict[str, list[dict]] = {"old": [], "new": []}
    for r in range(rounds):
        for name in (("old", "new") if r % 2 == 0 else ("new", "old")):
            env = {**os.environ, "PYTHONPATH": srcs[name]}
            out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                                 check=True, env=env)
            rows[name].append(json.loads(out.stdout.strip().splitlines()[-1]))
            print(f"  {name}: cpu {rows[name][-1]['cpu']:.2f} s  wall {rows[name][-1]['wall']:.2f} s",
                  flush=True)
    assert {x["sha"] for x in rows["old"]} == {x["sha"] for x in rows["new"]}, "p-values differ"
    old = statistics.median(x["cpu"] for x in rows["old"])
    new = statistics.median(x["cpu"] for x in rows["new"])
    print(f"whole gsea(method='permutation', n_perm=10000) on the synthetic case, CPU s (median of "
          f"{rounds}): old {old:.2f}  new {new:.2f}  old/new {old / new:.2f}x  (same p-values)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--baseline", type=Path, help="checkout with a built old kernel")
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--samples", type=int, default=2000)
    ap.add_argument("--whole", action="store_true", help="also time the whole gsea() call")
    args = ap.parse_args()
    old_fn = baseline_kernel(args.baseline) if args.baseline else K._null_cumulative_full
    bench_kernel(old_fn, args.rounds, args.samples)
    if args.whole:
        if not args.baseline:
            ap.error("--whole needs --baseline")
        bench_whole(args.baseline, args.rounds)


if __name__ == "__main__":
    main()
