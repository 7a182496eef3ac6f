"""``mamsets validate FILE.gmt``: report every problem with its line number."""

from __future__ import annotations

import argparse

from ..io.gmt import validate_gmt


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "validate",
        help="check a GMT file and report problems with line numbers",
        description="Check a GMT file. Exit 0 when valid, 1 when any error is found.",
    )
    p.add_argument("path", metavar="FILE.gmt", help="GMT file to check")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    problems = validate_gmt(args.path)
    errors = [pr for pr in problems if pr.severity == "error"]
    for pr in problems:
        where = f"{args.path}:{pr.line}" if pr.line else args.path
        print(f"{where}: {pr.severity}: {pr.message}")
    if not errors:
        print(f"{args.path}: OK ({len(problems)} warning(s))")
        return 0
    return 1
