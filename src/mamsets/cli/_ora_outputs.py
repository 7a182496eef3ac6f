"""What ``mamsets ora`` writes and prints: the stacked result, the output folder, the summary."""

from __future__ import annotations

import argparse
import dataclasses
import warnings
from pathlib import Path
from typing import Any

from .._atomic import atomic_dir
from ..errors import MamsetsWarning
from ..report import write_run_outputs
from ..results import stack_results
from ._common import use_file_backend

__all__ = ["Runs", "print_summary", "stacked_result", "write_outputs"]

#: Per contrast (``""`` without one): the queries, the universe and the input record.
Runs = dict[str, tuple[dict[str, list[str]], list[str], dict[str, Any]]]


def stacked_result(per_contrast: dict[str, Any], runs: Runs, args: argparse.Namespace) -> Any:
    """One result for a long table: the contrasts stacked, the shared input record."""
    res = stack_results(per_contrast)
    first = next(iter(runs.values()))[2]
    common = {k: v for k, v in first.items() if not k.startswith("n_") and k != "table"}
    return dataclasses.replace(
        res,
        params={
            **res.params,
            "input": {
                **common,
                "table": str(args.from_table),
                "contrasts": list(per_contrast),
                "per_contrast": "see by_contrast",
            },
        },
    )


def write_outputs(
    out: Path, args: argparse.Namespace, res: Any, runs: Runs, ranking: Any, collection: Any
) -> dict[str, Any]:
    """The shared run layout plus the inputs as tested (lists, universe), atomically."""
    long = "" not in runs
    lines = ["contrast\tquery\tgene\n" if long else "query\tgene\n"]
    uni = ["contrast\tgene\n"] if long else []
    for contrast, (queries, universe, _) in runs.items():
        pre = f"{contrast}\t" if long else ""
        lines += [f"{pre}{name}\t{g}\n" for name, genes in queries.items() for g in genes]
        uni += [f"{pre}{g}\n" for g in universe]
    use_file_backend(args)
    with atomic_dir(out, overwrite=args.force) as tmp:
        # the shared run layout (results.tsv, params.json, summary.txt, report.html, plots/)
        # built inside our own temporary folder, so the inputs as tested join it atomically
        with warnings.catch_warnings():  # the engine already reported identifier issues
            warnings.simplefilter("ignore", MamsetsWarning)
            written = write_run_outputs(
                res, tmp / "run", ranking=ranking, collection=collection, plots=args.plots
            )
        for child in (tmp / "run").iterdir():
            child.rename(tmp / child.name)
        (tmp / "run").rmdir()
        (tmp / "lists.tsv").write_text("".join(lines), encoding="utf-8")
        (tmp / ("universe.tsv" if long else "universe.txt")).write_text(
            "".join(uni), encoding="utf-8"
        )
    return written


def print_summary(res: Any) -> None:
    p = res.params
    n_out = p["n_sets_dropped_min_size"] + p["n_sets_dropped_max_size"]
    skipped = (
        f"; {n_out} not tested (members in the universe outside --min-size..--max-size)"
        if n_out
        else ""
    )
    print(
        f"mamsets ora: {p['n_queries']} quer{'y' if p['n_queries'] == 1 else 'ies'} x "
        f"{p['n_sets_tested']} sets (of {p['n_sets_in_collection']} in {res.collection_name}"
        f"{skipped}) over a universe of {p['universe_size']:,} genes; "
        f"alternative={p['alternative']}"
    )
    src = p.get("input", {})
    if "selection" in src:
        print(f"  lists from {src['table']}: {src['selection']}")
    t = res.table
    for name, qp in p["queries"].items():
        block = t[t["query"] == name]
        sig = block[block["padj"] < 0.05]
        line = (
            f"  {name}: {qp['n_tested']} genes, {len(sig)} set{'' if len(sig) == 1 else 's'} "
            "with padj < 0.05"
        )
        if not (block["overlap"] > 0).any():
            line += "; no set shares a gene with this list"
        print(line)
