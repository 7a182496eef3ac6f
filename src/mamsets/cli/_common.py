"""Helpers shared by the ``mamsets`` sub-commands (printing, provenance records)."""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Iterable
from typing import Any

__all__ = ["gene_sets_record", "print_warnings"]


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
