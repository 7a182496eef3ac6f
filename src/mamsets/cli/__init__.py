"""The ``mamsets`` command line: a thin layer over the Python API.

Each feature lives in its own module ``mamsets.cli.<name>`` exposing
``register(subparsers)``; flags are the API's keyword names in kebab-case.
User errors print one line to stderr and exit with status 2 (no traceback).
"""

from __future__ import annotations

import argparse
import errno
import importlib
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from ..errors import InputError, MamsetsError

__all__ = ["build_parser", "main"]

#: Feature modules, in the order their commands appear in ``--help``.
_FEATURES = ("run", "claims", "sets", "validate", "ids", "ora", "gsea", "expr", "curate")

#: Each command's one-line help, shown by ``mamsets --help`` without importing the
#: feature modules (numpy, pandas, scipy: ~1 s). Must equal the ``help=`` each
#: module registers (``tests/test_cli_lazy.py`` checks).
_HELP = {
    "run": "the main job: results table -> GSEA (+ ORA of up/down genes) -> TSV, HTML report, plots",
    "claims": "the figure's claims, and which of them your data support, contradict or cannot see",
    "sets": "list, show and export the bundled MAMs gene sets",
    "validate": "check a GMT file and report problems with line numbers",
    "ids": "detect gene identifier types/species, map gene sets onto them, harmonize GMT symbols",
    "ora": "over-representation analysis of gene lists (hypergeometric test, explicit universe)",
    "gsea": "preranked gene set enrichment analysis (exact ES, multilevel or permutation p-values)",
    "score": "single-sample gene-set scores (ssGSEA, GSVA, z-score, PLAGE)",
    "phenotype-gsea": "GSEA of an expression matrix with phenotype (label) permutation",
    "curate": "curate a PFOCR figure record into audited mechanism-level gene sets",
}

#: Feature modules that register more than one command (default: the module's own name).
_MODULE_COMMANDS = {"expr": ("score", "phenotype-gsea")}


def _package_version() -> str:
    from .. import __version__  # mamsets.results.package_version, without pandas

    return __version__


def _command(argv: Sequence[str]) -> str | None:
    """The sub-command named in ``argv`` (the first argument not starting with '-')."""
    for a in argv:
        if not a.startswith("-"):
            return a
    return None


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """Build the argument parser with every available sub-command.

    With ``argv`` (what :func:`main` passes), only the feature module of the command
    named there is imported; the other commands get a placeholder with their one-line
    help, so ``mamsets --help`` and ``mamsets sets list`` do not import what they do
    not use. Without ``argv`` every feature module is imported and registered.
    """
    wanted = None if argv is None else _command(argv)
    parser = argparse.ArgumentParser(
        prog="mamsets",
        description=(
            "Curated mitochondria-associated membrane (MAM) mechanism gene sets "
            "(Li et al. 2024, doi:10.3390/ijms25063196, fig. 3) and exact, fast enrichment engines."
        ),
    )
    parser.add_argument("--version", action="version", version=f"mamsets {_package_version()}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in _FEATURES:
        commands = _MODULE_COMMANDS.get(name, (name,))
        if argv is not None and wanted not in commands and all(c in _HELP for c in commands):
            for c in commands:
                sub.add_parser(c, help=_HELP[c], add_help=False)
            continue
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
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    if args.verbose:
        logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        _check_output_path(args)
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print(f"mamsets {args.command}: interrupted (Ctrl-C); outputs of this run may be "
              "incomplete: run it again", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - user errors become one line, bugs re-raise
        msg = _user_error(exc)
        if msg is None:
            raise
        print(f"mamsets {args.command}: error: {msg}", file=sys.stderr)
        return 2


def _user_error(exc: BaseException) -> str | None:
    """One line for an error the user can fix, or None for a bug (which keeps its traceback)."""
    if isinstance(exc, (MamsetsError, FileNotFoundError, FileExistsError, KeyError)):
        msg = str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)
    elif isinstance(exc, UnicodeDecodeError):
        msg = (f"bytes {exc.object[exc.start:exc.end]!r} at byte {exc.start} are not valid "
               f"{exc.encoding}: re-save the file as UTF-8 text")
    elif isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        fix = {
            errno.EACCES: "permission denied: choose a folder you can write to (-o)",
            errno.EPERM: "not permitted: choose a folder you can write to (-o)",
            errno.EROFS: "read-only file system: choose another place for the output (-o)",
            errno.ENOSPC: "no space left on the device: free space or choose another disk (-o)",
            errno.EDQUOT: "disk quota exceeded: free space or choose another disk (-o)",
            errno.ENOTDIR: "a part of the path is a file, not a folder: choose another path",
            errno.EISDIR: "is a folder: pass a file",
        }.get(exc.errno or 0, f"{exc.strerror or exc}: check the path and try again")
        msg = where + fix
    elif type(exc).__module__.startswith("pandas") and isinstance(exc, ValueError):
        msg = f"cannot read the table ({exc}); check that it is a CSV/TSV text file"
    else:
        return None
    return " ".join(msg.split("\n"))


def _check_output_path(args: argparse.Namespace) -> None:
    """Refuse an ``-o`` path that cannot be created, before any computation."""
    for dest in ("output", "outdir"):
        value = getattr(args, dest, None)
        if not isinstance(value, (str, os.PathLike)) or str(value) in ("", "-"):
            continue
        path = Path(value)
        for parent in path.absolute().parents:
            if not parent.exists():
                continue
            if not parent.is_dir():
                raise InputError(f"-o {value}: {parent} is a file, not a folder; choose another "
                                 "output path")
            if not os.access(parent, os.W_OK | os.X_OK):
                raise InputError(f"-o {value}: cannot write in {parent} (permission denied); "
                                 "choose a folder you can write to")
            break


def _entry() -> None:  # pragma: no cover - console script shim
    sys.exit(main())
