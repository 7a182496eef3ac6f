"""Precision/recall of `mamsets curate` against human-curated lists of the same PFOCR figures.

    python benchmarks/bench_curate.py [--corpus ../shared/data/pfocr-corpus]

Prints, per figure with a WikiPathways twin, the raw OCR list's precision/recall, the kept
genes' precision/recall, the share of the raw list's correct genes that curation keeps, and
medians for all / independent / built-from-PFOCR pairs; then the lexicon routes' precision on
PFOCR's 2018 benchmark and the time per figure. Every number is computed in this run.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pandas as pd

from mamsets.curate.benchmark import benchmark, route_reliability, summarize

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared" / "data" / "pfocr-corpus"))
    args = ap.parse_args()
    pd.set_option("display.width", 200)
    t = time.perf_counter()
    table = benchmark(args.corpus)
    dt = time.perf_counter() - t
    cols = ["figid", "independence", "n_truth", "n_raw", "n_kept", "raw_precision", "raw_recall",
            "kept_precision", "kept_recall", "raw_tp_kept"]
    print(table[cols].assign(figid=table["figid"].str[:28]).round(2).to_string(index=False))
    print()
    print(summarize(table).round(3).to_string(index=False))
    print()
    print("lexicon route precision (PFOCR 2018 benchmark):", route_reliability(args.corpus))
    print(f"{len(table)} figures curated in {dt:.2f} s (HGNC tables loaded once, included): "
          f"{dt / max(len(table), 1):.3f} s per figure")


if __name__ == "__main__":
    main()
