"""Helpers shared by the ``mamsets`` sub-commands (printing, provenance records)."""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Iterable
from typing import Any

__all__ = ["Once", "figure_claims_for", "gene_sets_record", "print_warnings"]


def print_warnings(caught: Iterable[warnings.WarningMessage], command: str) -> None:
    """Print recorded warnings to stderr, one line per distinct message (contrasts repeat them)."""
    seen: set[str] = set()
    for w in caught:
        if str(w.message) not in seen:
            seen.add(str(w.message))
            print(f"mamsets {command}: warning: {w.message}", file=sys.stderr)


def gene_sets_record(args: argparse.Namespace) -> dict[str, Any]:
    """Which gene sets a run used (``--gmt`` file or the built-in library), for params.json."""
    if args.gmt:
        return {"source": "gmt", "path": str(args.gmt)}
    return {"source": "built-in", "include_raw": False, "controls": bool(args.controls)}


class Once(argparse.Action):
    """An option that may be given once: a repeat is an error, not silently the last one.

    ``--score-column t --score-column logFC`` used to run with ``logFC`` alone; a wide
    table has one column group per contrast, chosen by the role name (``t``), so one
    value is all a run needs.
    """

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> None:
        if getattr(namespace, f"_seen_{self.dest}", False):
            parser.error(
                f"{option_string} given twice ({getattr(namespace, self.dest)!r} and {values!r}); "
                f"give it once (a wide table's column groups share one name, e.g. {option_string} t)"
            )
        setattr(namespace, f"_seen_{self.dest}", True)
        setattr(namespace, self.dest, values)


def figure_claims_for(ranking: Any, gmt: Any, *, rng: Any, species: str | None,
                      id_type: str | None) -> tuple[Any, str]:
    """Verdicts on the figure's claims for a run on the built-in library, else a note why not.

    ``run`` and ``gsea`` both call this, so their reports lead with the same answer.
    """
    if gmt:
        return None, ("A GMT of your own was tested. The figure's claims are tested on the "
                      "built-in library: mamsets claims TABLE -o OUTDIR.")
    from ..engines.claims import claims
    from ..errors import MamsetsWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MamsetsWarning)  # already reported for the enrichment
        return claims(ranking, rng=rng, species=species, id_type=id_type), ""


def use_file_backend(args: argparse.Namespace) -> None:
    """Draw into files only (never open windows); turn plots off without matplotlib."""
    if not args.plots:
        return
    try:
        import matplotlib
    except ImportError:
        print("note: matplotlib is not installed, so no plots are drawn; "
              "pip install 'mamsets[plot]' to get them", file=sys.stderr)
        args.plots = False
        return
    if matplotlib.get_backend().lower() not in ("agg", "pdf", "svg", "png"):
        matplotlib.use("Agg")
