"""``mamsets sets``: list, show and export the bundled gene sets; show the exclusion audit.

Commands
--------
``mamsets sets list [--controls] [--metabolites]``
    One line per set: id, level, pathways, size (and tags).
``mamsets sets show ID``
    A set's title, description and members with role, direction and evidence.
``mamsets sets export --species S --id-type T --format F [--min-size N] [--controls | --metabolites] -o PATH [--force]``
    Write the library (or the controls, or the metabolite sets) as GMT, JSON or the long TSV.
``mamsets sets exclusions``
    The PFOCR keywords left out of the curated figure set, and why.
"""

from __future__ import annotations

import argparse
import sys

from ..errors import InputError
from ..io import bundled
from ..io.export import FORMATS, export
from ..model import PATHWAYS, GeneSetCollection


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "sets",
        help="list, show and export the bundled MAMs gene sets",
        description=(
            "The curated MAMs library (Li et al. 2024, doi:10.3390/ijms25063196, fig. 3), its "
            "positive controls and metabolite sets."
        ),
    )
    sub = p.add_subparsers(dest="sets_command", metavar="SUBCOMMAND")
    p.set_defaults(func=_help(p))

    ls = sub.add_parser("list", help="one line per set: id, level, pathways, size",
                        description="List the bundled sets (id, level, pathways, size, tags).")
    group = ls.add_mutually_exclusive_group()
    group.add_argument("--controls", action="store_true", help="list the positive-control sets")
    group.add_argument("--metabolites", action="store_true", help="list the metabolite (ChEBI) sets")
    ls.set_defaults(func=run_list)

    show = sub.add_parser("show", help="members of one set with role, direction and evidence",
                          description="Show one set: title, description and member provenance.")
    show.add_argument("set_id", metavar="ID", help="set id, e.g. MAMS_AMPK_COMPLEX")
    show.set_defaults(func=run_show)

    ex = sub.add_parser(
        "export",
        help="write the library (or controls) as GMT, JSON or TSV",
        description=(
            "Write the library in one species and identifier type. Mouse and rat ids are the "
            "orthologs of the human members (members without one are dropped and counted in the "
            "set's description)."
        ),
    )
    ex.add_argument("--species", choices=bundled.SPECIES, default="human", help="default: human")
    ex.add_argument("--id-type", choices=bundled.ID_TYPES, default="symbol", help="default: symbol")
    ex.add_argument("--format", choices=FORMATS, default="gmt", help="default: gmt")
    ex.add_argument("--min-size", type=int, default=1, metavar="N",
                    help="leave out sets with fewer than N genes (default 1: keep all)")
    which = ex.add_mutually_exclusive_group()
    which.add_argument("--controls", action="store_true", help="export the positive-control sets")
    which.add_argument("--metabolites", action="store_true",
                       help="export the metabolite sets (ChEBI ids; --species/--id-type do not apply)")
    ex.add_argument("--no-raw", dest="include_raw", action="store_false",
                    help="leave out the raw PFOCR keyword set")
    ex.add_argument("--no-extended", dest="include_extended", action="store_false",
                    help="leave out the *_EXTENDED sets (undrawn neighbours)")
    ex.add_argument("-o", "--output", required=True, metavar="PATH", help="output file")
    ex.add_argument("--force", action="store_true", help="overwrite PATH if it exists")
    ex.set_defaults(func=run_export)

    exc = sub.add_parser("exclusions", help="PFOCR keywords left out of the curated sets, and why",
                         description="Print the exclusion audit as a tab-separated table.")
    exc.set_defaults(func=run_exclusions)


def _help(parser: argparse.ArgumentParser):  # type: ignore[no-untyped-def]
    def run(args: argparse.Namespace) -> int:
        parser.print_help()
        return 2

    return run


def _collection(args: argparse.Namespace) -> GeneSetCollection:
    if getattr(args, "metabolites", False):
        return bundled.metabolites()
    if getattr(args, "controls", False):
        return bundled.controls()
    return bundled.library()


def _pathways(pathways: tuple[str, ...]) -> str:
    if set(pathways) == set(PATHWAYS):
        return "all six"
    return ",".join(pathways) or "-"


def run_list(args: argparse.Namespace) -> int:
    coll = _collection(args)
    rows = [("id", "level", "pathways", "size", "tags")]
    rows += [(gs.id, gs.level or "", _pathways(gs.pathways), str(len(gs)), ",".join(gs.tags))
             for gs in coll]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for r in rows:
        print("  ".join(r[i].ljust(widths[i]) if i != 3 else r[i].rjust(widths[i])
                        for i in range(4)) + "  " + r[4])
    print(f"# {len(coll)} sets, {coll.name} {coll.version}; details: mamsets sets show ID")
    return 0


def run_show(args: argparse.Namespace) -> int:
    for coll in (bundled.library(), bundled.controls(), bundled.metabolites()):
        if args.set_id in coll:
            gs = coll[args.set_id]
            break
    else:
        ids = [*bundled.library().ids, *bundled.controls().ids, *bundled.metabolites().ids]
        close = [i for i in ids if args.set_id.upper() in i][:5]
        hint = f"; did you mean {', '.join(close)}?" if close else "; list them with `mamsets sets list`"
        raise InputError(f"no bundled set {args.set_id!r}{hint}")
    print(f"{gs.id}: {gs.title}")
    print(f"level: {gs.level}   pathways: {', '.join(gs.pathways) or '-'}   size: {len(gs)}   "
          f"tags: {', '.join(gs.tags)}" + (f"   direction: {gs.direction}" if gs.direction else ""))
    print(f"source: {coll.name} {coll.version}")
    print(bundled.describe(gs.id))
    print()
    if gs.members:
        print("symbol\thgnc_id\trole\tdirection\tevidence")
        for m in gs.members:
            print(f"{m.symbol}\t{m.hgnc_id}\t{m.role}\t{m.direction or '-'}\t{m.evidence}")
    elif coll.id_type == "chebi":
        records = {r["chebi_id"]: r for r in bundled._metabolite_records()}
        print("chebi_id\tname\tfigure_word\tdirection\tevidence")
        for g in gs.genes:
            r = records[g]
            print(f"{g}\t{r['name']}\t{r['figure_word']}\t{r['direction']}\t{r['evidence']}")
    else:
        print("\n".join(gs.genes))
    return 0


def run_export(args: argparse.Namespace) -> int:
    if args.min_size < 1:
        raise InputError(f"--min-size {args.min_size}: must be 1 or more")
    if args.metabolites:
        coll = bundled.metabolites()
    elif args.controls:
        coll = bundled.controls(args.species, args.id_type)
    else:
        coll = bundled.library(args.species, args.id_type, include_raw=args.include_raw,
                               include_extended=args.include_extended)
    kept = coll.filter(min_size=args.min_size)
    dropped = len(coll) - len(kept)
    if not len(kept):
        raise InputError(f"--min-size {args.min_size} leaves no set; the largest has "
                         f"{max(len(gs) for gs in coll)} genes")
    path = export(kept, args.output, format=args.format, overwrite=args.force)
    note = f" ({dropped} set(s) smaller than {args.min_size} genes left out)" if dropped else ""
    space = "chebi" if args.metabolites else f"{args.species} {args.id_type}"
    print(f"wrote {len(kept)} sets ({coll.name} {coll.version}, {space}, {args.format}) to "
          f"{path}{note}", file=sys.stderr)
    return 0


def run_exclusions(args: argparse.Namespace) -> int:
    df = bundled.exclusions()
    cols = ["keyword", "hgnc_id", "pfocr_word", "decision", "reason"]
    print("\t".join(cols))
    for row in df[cols].itertuples(index=False):
        print("\t".join(str(v) for v in row))
    return 0
