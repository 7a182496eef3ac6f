"""``mamsets ids detect|map|harmonize``: identifiers and species, explicitly and with a report.

* ``mamsets ids detect FILE [--column C]`` prints what the identifiers look like
  (exit 0 when confident, 1 when it cannot tell).
* ``mamsets ids map FILE [--species S] [--id-type T] [--column C] [--gmt FILE] -o OUTDIR``
  writes ``OUTDIR/<collection>.gmt`` translated into the file's identifiers, with
  ``mapping_members.tsv``, ``mapping_sets.tsv`` and ``mapping_summary.json``.
* ``mamsets ids harmonize IN.gmt -o OUT.gmt`` writes current HGNC symbols to
  ``OUT.gmt`` and every change / ambiguity to ``OUT.harmonize.tsv``.

FILE is text with one identifier per line, or a CSV/TSV table whose first column
(or ``--column``) holds the identifiers.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from .._atomic import atomic_dir, atomic_write_text, check_writable
from ..ids import (
    ALIAS_MODES,
    ID_TYPES,
    SPECIES,
    detect_ids,
    harmonize_gmt,
    map_ids,
    read_identifiers,
)
from ..io.gmt import gmt_text, read_gmt

__all__ = ["register", "run_detect", "run_harmonize", "run_map"]


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "ids",
        help="detect gene identifier types/species, map gene sets onto them, harmonize GMT symbols",
        description=__doc__.split("\n\n")[0],
    )
    sub = p.add_subparsers(dest="ids_command", metavar="{detect,map,harmonize}")
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])

    d = sub.add_parser(
        "detect",
        help="say what a list of identifiers looks like (id type, species) with the evidence",
        description="Detect the identifier type and species of FILE. Exit 0 when confident, 1 when not.",
    )
    d.add_argument("file", metavar="FILE", help="one identifier per line, or a CSV/TSV table")
    d.add_argument(
        "--column", default=None, help="table column holding the identifiers (default: first)"
    )
    d.set_defaults(func=run_detect)

    m = sub.add_parser(
        "map",
        help="translate gene sets into the identifiers of FILE, with a per-member report",
        description=(
            "Translate a collection (the bundled MAMs library, or --gmt) into the identifier space "
            "of FILE and write the translated GMT plus the mapping report to OUTDIR."
        ),
    )
    m.add_argument("file", metavar="FILE", help="one identifier per line, or a CSV/TSV table")
    m.add_argument(
        "--column", default=None, help="table column holding the identifiers (default: first)"
    )
    m.add_argument(
        "--species", choices=SPECIES, default=None, help="species of FILE (default: detected)"
    )
    m.add_argument(
        "--id-type",
        choices=ID_TYPES,
        default=None,
        help="identifier type of FILE (default: detected)",
    )
    m.add_argument(
        "--aliases",
        choices=ALIAS_MODES,
        default="unique",
        help="use unique previous+alias symbols (unique), previous only, or none (default: unique)",
    )
    m.add_argument(
        "--gmt",
        default=None,
        metavar="FILE.gmt",
        help="collection to translate (default: the bundled MAMs library, human symbols)",
    )
    m.add_argument(
        "-o", "--output", required=True, metavar="OUTDIR", help="output folder (must not exist)"
    )
    m.add_argument("--force", action="store_true", help="replace OUTDIR if it exists")
    m.set_defaults(func=run_map)

    h = sub.add_parser(
        "harmonize",
        help="update outdated/alias symbols of a human GMT to current HGNC symbols",
        description=(
            "Update outdated and alias symbols of a human gene-symbol GMT to current HGNC symbols. "
            "Writes OUT.gmt and OUT.harmonize.tsv (every change and every ambiguity left alone)."
        ),
    )
    h.add_argument("gmt", metavar="IN.gmt", help="GMT of human gene symbols")
    h.add_argument(
        "-o", "--output", required=True, metavar="OUT.gmt", help="harmonized GMT to write"
    )
    h.add_argument(
        "--aliases",
        choices=ALIAS_MODES,
        default="unique",
        help="use unique previous+alias symbols (unique), previous only, or none (default: unique)",
    )
    h.add_argument("--force", action="store_true", help="replace existing outputs")
    h.set_defaults(func=run_harmonize)


def run_detect(args: argparse.Namespace) -> int:
    ids = read_identifiers(args.file, args.column)
    det = detect_ids(ids)
    print(f"{args.file}: {det.message}")
    print(
        f"id_type: {det.id_type}\nspecies: {det.species}\nconfident: {'yes' if det.confident else 'no'}"
    )
    if not det.evidence.empty:
        print("\nevidence (fraction of identifiers matched per candidate):")
        print(det.evidence.to_string(index=False, float_format=lambda x: f"{x:.3f}"))
    kinds = det.kinds.assign(examples=det.kinds["examples"].map(lambda t: ", ".join(t[:3])))
    print("\nkinds:")
    print(kinds.to_string(index=False, float_format=lambda x: f"{x:.3f}"))
    return 0 if det.confident else 1


def run_map(args: argparse.Namespace) -> int:
    check_writable(args.output, args.force)  # fail before any work
    ids = read_identifiers(args.file, args.column)
    if args.gmt:
        coll = read_gmt(args.gmt)
    else:
        from ..io.bundled import library

        coll = library()
    out, rep = map_ids(coll, ids, species=args.species, id_type=args.id_type, aliases=args.aliases)
    summary = rep.summary()
    outdir = Path(args.output)
    nonempty = out.replace_sets(gs for gs in out if len(gs))
    n_empty = len(out) - len(nonempty)
    with atomic_dir(outdir, overwrite=args.force) as tmp:
        if len(nonempty):
            (tmp / f"{coll.name}.gmt").write_text(gmt_text(nonempty), encoding="utf-8")
        rep.members.to_csv(tmp / "mapping_members.tsv", sep="\t", index=False, lineterminator="\n")
        rep.sets.to_csv(tmp / "mapping_sets.tsv", sep="\t", index=False, lineterminator="\n")
        (tmp / "mapping_summary.json").write_text(
            json.dumps(summary, indent=2) + "\n", encoding="utf-8"
        )
    inp = summary["input"]
    print(
        f"{args.file}: {inp['n_unique']} identifiers ({inp['species']} {inp['id_type']}); "
        f"{summary['n_distinct_members_found']} of {summary['n_distinct_members']} members of "
        f"{coll.name!r} found; {len(summary['sets_missing_members'])} of {summary['n_sets']} sets lost members"
    )
    if summary["how"]:
        print("matched: " + ", ".join(f"{k} {v}" for k, v in summary["how"].items()))
    if summary["reason"]:
        print("not matched: " + ", ".join(f"{k} {v}" for k, v in summary["reason"].items()))
    if n_empty:
        print(f"{n_empty} sets with no member found are left out of the GMT (see mapping_sets.tsv)")
    print(f"wrote {outdir}/{coll.name}.gmt and the mapping report")
    return 0


def run_harmonize(args: argparse.Namespace) -> int:
    out_path = Path(args.output)
    if out_path.resolve() == Path(args.gmt).resolve():
        from ..errors import InputError

        raise InputError(f"-o/--output {out_path}: must differ from the input GMT")
    report_path = out_path.with_name(out_path.name.removesuffix(".gmt") + ".harmonize.tsv")
    check_writable(out_path, args.force)
    check_writable(report_path, args.force)
    coll, rep = harmonize_gmt(args.gmt, aliases=args.aliases)
    atomic_write_text(
        report_path,
        rep.changes.to_csv(sep="\t", index=False, lineterminator="\n"),
        overwrite=args.force,
    )
    atomic_write_text(out_path, gmt_text(coll), overwrite=args.force)
    s = rep.summary()
    print(
        f"{args.gmt}: {s['n_sets']} sets, {s['n_genes']} genes; updated {s['n_updated']}, "
        f"ambiguous {s['n_ambiguous']} (kept), unknown {s['n_unknown']} (kept), "
        f"duplicates removed {s['n_duplicates_removed']}"
    )
    print(f"wrote {out_path} and {report_path}")
    return 0
