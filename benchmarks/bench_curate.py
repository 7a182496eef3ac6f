"""Precision/recall of `mamsets curate` against human-curated lists of the same PFOCR figures.

    python benchmarks/bench_curate.py [--corpus ../shared/data/pfocr-corpus] [--baseline ../main] [--leave-out]

Prints, per figure with a WikiPathways twin, the raw OCR list's precision/recall, the kept
genes' precision/recall, and the share of the raw list's correct genes that curation keeps
(``raw_tp_kept``, "retention"); then medians for all / independent / built-from-PFOCR pairs, the
lexicon routes' precision on PFOCR's 2018 benchmark and the time per figure. Every number is
computed in this run.

``--baseline DIR`` also curates with another checkout's ``src`` (in a subprocess, same corpus)
and prints its kept precision and retention beside this tree's, per figure and as medians.

``--leave-out`` checks the tuned thresholds that move the medians (:data:`GRIDS`:
``FAMILY_RARE_FRACTION`` with ``FAMILY_WELL_KNOWN``, and ``USAGE_RARE``), one at a time: the
figures are split in two halves (alternating within the built-from-PFOCR and the independent
pairs), the value with the best min(median precision, median retention) is chosen on one half
and reported on the other.
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

from mamsets.curate.benchmark import benchmark, route_reliability, summarize

ROOT = Path(__file__).resolve().parents[1]
_KEEP = ["figid", "independence", "raw_precision", "raw_recall", "kept_precision", "raw_tp_kept"]


def _baseline(checkout: Path, corpus: str) -> pd.DataFrame:
    """The per-figure table of another checkout, computed in a subprocess with its ``src``."""
    env = {**os.environ, "PYTHONPATH": str(checkout / "src")}
    out = subprocess.run([sys.executable, __file__, "--corpus", corpus, "--json"], env=env, check=True,
                         capture_output=True, text=True).stdout
    return pd.read_json(io.StringIO(out), orient="records", dtype={"figid": str})


def _halves(table: pd.DataFrame) -> tuple[list[str], list[str]]:
    a: list[str] = []
    b: list[str] = []
    for built in (True, False):
        ids = sorted(table.loc[(table["independence"] == "built_from_pfocr") == built, "figid"])
        a += ids[0::2]
        b += ids[1::2]
    return a, b


#: The tuned thresholds the leave-out check re-chooses on half the figures: name -> {label: settings}.
#: ``None`` turns the rule off. USAGE_RARE was chosen on the 2018 benchmark (held-out pathway
#: halves, see :func:`mamsets.curate._decide._apply_usage`); here it is checked on the figures too.
GRIDS = {
    "rare-member fraction (FAMILY_RARE_FRACTION, FAMILY_WELL_KNOWN)": {
        (f, w): {"FAMILY_RARE_FRACTION": f, "FAMILY_WELL_KNOWN": w} for f in (3, 4, 6) for w in (10, 20)
    } | {None: {"FAMILY_RARE_FRACTION": 10**9, "FAMILY_WELL_KNOWN": 10**9}},
    "rarely meant share (USAGE_RARE)": {
        u: {"USAGE_RARE": u} for u in (0.0, 0.05, 0.1, 0.15, 0.2)
    } | {None: {"USAGE_RARE": -1.0}},
}


def leave_out(corpus: str) -> None:
    """For each tuned threshold: choose its value on one half of the figures, report the other half."""
    from mamsets.curate import _decide

    for title, grid in GRIDS.items():
        runs = {}
        for label, settings in grid.items():
            saved = {k: getattr(_decide, k) for k in settings}
            for k, v in settings.items():
                setattr(_decide, k, v)
            try:
                runs[label] = benchmark(corpus).set_index("figid")
            finally:
                for k, v in saved.items():
                    setattr(_decide, k, v)
        a, b = _halves(next(iter(runs.values())).reset_index())

        def score(t: pd.DataFrame, ids: list[str]) -> tuple[float, float, float]:
            p, r = t.loc[ids, "kept_precision"].median(), t.loc[ids, "raw_tp_kept"].median()
            return min(p, r), p, r

        print(f"leave-out check, {title} (None = rule off): precision / retention medians")
        for name, train, test in (("A", a, b), ("B", b, a)):
            best = max(runs, key=lambda k: (score(runs[k], train), k is not None))
            off = score(runs[None], test)
            print(f"  tuned on half {name} ({len(train)} figures): {best} -> train {score(runs[best], train)[1]:.3f} / "
                  f"{score(runs[best], train)[2]:.3f}; held-out {score(runs[best], test)[1]:.3f} / "
                  f"{score(runs[best], test)[2]:.3f} (rule off on the held-out half: {off[1]:.3f} / {off[2]:.3f})")
    print("  half A:", " ".join(f[:12] for f in a))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared" / "data" / "pfocr-corpus"))
    ap.add_argument("--baseline", type=Path, help="another checkout (its src/) to compare in the same run")
    ap.add_argument("--leave-out", action="store_true", help="choose the family threshold on half the figures")
    ap.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    t = time.perf_counter()
    table = benchmark(args.corpus)
    dt = time.perf_counter() - t
    if args.json:
        print(table.to_json(orient="records"))
        return
    pd.set_option("display.width", 220)
    cols = ["figid", "independence", "n_truth", "n_raw", "n_kept", "raw_precision", "raw_recall",
            "kept_precision", "kept_recall", "raw_tp_kept"]
    show = table[cols]
    if args.baseline:
        base = _baseline(args.baseline.resolve(), args.corpus)[["figid", "kept_precision", "raw_tp_kept"]]
        show = show.merge(base.rename(columns={"kept_precision": "base_precision", "raw_tp_kept": "base_tp_kept"}),
                          on="figid", how="left")
    print(show.assign(figid=show["figid"].str[:28]).round(2).to_string(index=False))
    print()
    print(summarize(table).round(3).to_string(index=False))
    if args.baseline:
        print(f"\nbaseline {args.baseline} vs this tree (medians; retention = raw_tp_kept):")
        print(summarize(show, ["raw_precision", "raw_recall", "base_precision", "kept_precision", "base_tp_kept",
                              "raw_tp_kept"]).round(3).to_string(index=False))
    print()
    print("lexicon route precision (PFOCR 2018 benchmark):", route_reliability(args.corpus))
    print(f"{len(table)} figures curated in {dt:.2f} s (HGNC tables loaded once, included): "
          f"{dt / max(len(table), 1):.3f} s per figure")
    if args.leave_out:
        print()
        leave_out(args.corpus)


if __name__ == "__main__":
    main()
