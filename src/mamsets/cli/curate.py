"""``mamsets curate``: a PFOCR figure record to an audited draft library.

``mamsets curate FIGURE_DIR -o OUTDIR [--genes FILE] [--chemicals FILE] [--force]``
    Curate one record; writes library.toml, exclusions.toml, audit.tsv, sets.gmt, review.html.
``mamsets curate --batch FOLDER -o OUTDIR [--force]``
    Curate every record folder under FOLDER into OUTDIR/<folder name>/.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import InputError


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "curate",
        help="curate a PFOCR figure record into audited mechanism-level gene sets",
        description=(
            "Classify every OCR gene hit of a PFOCR figure record (exact symbol, previous symbol, "
            "alias, family expansion, non-gene word), decide keep/flag/exclude with reasons, add "
            "genes the caption names, group by family and caption section, and write a draft "
            "library in the genesets/ TOML schema plus an audit."
        ),
    )
    p.add_argument("record", metavar="FIGURE_DIR", help="record folder (figure.md + genes.tsv), or its front-matter file")
    p.add_argument("-o", "--outdir", required=True, help="output folder (refused if it exists, unless --force)")
    p.add_argument("--genes", help="genes table, when not beside the front matter")
    p.add_argument("--chemicals", help="chemicals table, when not beside the front matter")
    p.add_argument("--batch", action="store_true", help="FIGURE_DIR is a folder of record folders")
    p.add_argument("--force", action="store_true", help="replace an earlier output folder")
    p.set_defaults(func=run)


def _summary(cur: object) -> str:
    a = cur.audit  # type: ignore[attr-defined]
    counts = a["decision"].value_counts().to_dict()
    parts = ", ".join(f"{k} {counts.get(k, 0)}" for k in ("keep", "keep_flagged", "family_only", "exclude"))
    empty = f" EMPTY: {cur.empty_reason}" if cur.empty_reason else ""  # type: ignore[attr-defined]
    return f"{cur.figid}: {len(cur.kept)} genes kept ({parts}); {len(cur.sets)} sets.{empty}"  # type: ignore[attr-defined]


def run(args: argparse.Namespace) -> int:
    from ..curate import curate_figure, curate_folder
    from ..io.pfocr import read_pfocr_record

    src = Path(args.record)
    if not src.exists():
        raise InputError(f"FIGURE_DIR {src}: no such file or folder; pass a PFOCR record folder")
    if args.batch:
        if args.genes or args.chemicals:
            raise InputError("--genes/--chemicals apply to one record; drop them with --batch")
        results = curate_folder(src)
        if not results:
            raise InputError(f"{src}: no record folders (sub-folders with a genes table) found")
        out = Path(args.outdir)
        if out.exists() and not args.force:
            raise InputError(f"{out} exists; pass --force to replace it, or choose another folder")
        for name, cur in results.items():
            cur.write(out / name, overwrite=args.force)
            print(_summary(cur))
        print(f"wrote {len(results)} drafts into {out}")
        return 0
    rec = read_pfocr_record(src, genes=args.genes, chemicals=args.chemicals)
    cur = curate_figure(rec)
    path = cur.write(args.outdir, overwrite=args.force)
    print(_summary(cur))
    print(f"wrote {path}/library.toml, exclusions.toml, audit.tsv, sets.gmt, review.html")
    return 0
