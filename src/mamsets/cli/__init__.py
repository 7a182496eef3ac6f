"""The ``mamsets`` command line: a thin layer over the Python API.

Each feature lives in its own module ``mamsets.cli.<name>`` exposing
``register(subparsers)``; flags are the API's keyword names in kebab-case.
User errors print one line to stderr and exit with status 2 (no traceback).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from ..errors import MamsetsError
from ..results import package_version

__all__ = ["build_parser", "main"]

#: Feature modules, in the order their commands appear in ``--help``.
_FEATURES = ("run", "claims", "sets", "validate", "ids", "ora", "gsea", "expr", "curate")


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every available sub-command."""
    parser = argparse.ArgumentParser(
        prog="mamsets",
        description=(
            "Curated mitochondria-associated membrane (MAM) mechanism gene sets "
            "(Li et al. 2024, doi:10.3390/ijms25063196, fig. 3) and exact, fast enrichment engines."
        ),
    )
    parser.add_argument("--version", action="version", version=f"mamsets {package_version()}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in _FEATURES:
        try:
            module = importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:  # a feature not built yet in this checkout
            if exc.name == f"{__name__}.{name}":
                continue
            raise
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit status (0 ok, 1 problems found, 2 usage/input error)."""
    parser = build_parser()
    args = parser.parse_args(list(argv) if argv is not None else None)
    if args.verbose:
        logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except (MamsetsError, FileNotFoundError, FileExistsError, KeyError) as exc:
        msg = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"mamsets {args.command}: error: {msg}", file=sys.stderr)
        return 2


def _entry() -> None:  # pragma: no cover - console script shim
    sys.exit(main())
