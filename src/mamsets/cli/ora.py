"""``mamsets ora``: over-representation analysis from gene lists or a differential-expression table.

Two ways in::

    mamsets ora GENES [GENES ...] --universe UNIVERSE [--column C] -o OUTDIR
    mamsets ora --from-table DE.tsv [--gene-column G] [--padj-column P] [--lfc-column L]
                [--padj-max 0.05] [--lfc-min 0] [--contrast-column C]
                [--duplicates {error,min_padj,first}] -o OUTDIR

GENES and UNIVERSE are text files with one gene per line, or CSV/TSV tables
whose column ``--column`` holds the genes. Each GENES file is one query, named
after the file. With ``--from-table`` the ``up`` and ``down`` queries and the
universe (every gene of the table with an adjusted p-value and a fold change)
come from one results table (DESeq2, limma, edgeR, Seurat column names are
recognised; a long table with a ``contrast`` column gives lists per contrast and
a ``contrast`` column in the results). OUTDIR receives, atomically,
``results.tsv`` (the table, with a ``#`` JSON metadata line), ``params.json``,
``summary.txt``, ``report.html`` (one self-contained file), ``plots/`` (dot plot;
with ``--from-table`` also the member heatmap: each member's log fold change),
``ranking.tsv`` (the measured genes' fold changes, ``--from-table`` only), and
the inputs as tested: ``lists.tsv`` (query, gene) and ``universe.txt``
(``contrast``-prefixed and ``universe.tsv`` for a long table).

The reading and the ``--from-table`` selection rules are the Python API's
(:func:`mamsets.read_gene_file`, :func:`mamsets.gene_lists_from_table`, in
:mod:`mamsets.io.genelists` and :mod:`mamsets.io.de_lists`); this module parses
the flags, calls them and :func:`mamsets.ora`, and prints.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import warnings
from pathlib import Path

from .._atomic import check_writable
from ..engines.ora import ora
from ..errors import InputError
from ..io.de_lists import (
    DUPLICATES,
    GeneListSelection,
    NothingSelectedError,
    gene_lists_from_table,
)
from ..io.genelists import gene_lists_from_files, read_gene_file
from ..io.gmt import read_gmt
from ..report import text_summary
from ._common import gene_sets_record, print_warnings
from ._ora_outputs import Runs, print_summary, stacked_result, write_outputs
from .gsea import default_collection

__all__ = ["register", "run"]


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "ora",
        help="over-representation analysis of gene lists (hypergeometric test, explicit universe)",
        description=(
            "Over-representation analysis (hypergeometric upper tail = one-sided Fisher test)\n"
            "of gene lists in gene sets, against an explicit universe: every gene that could\n"
            "have been in the lists (all genes measured).\n\n"
            "Either give GENES files and --universe, or --from-table with a differential-\n"
            "expression table, from which the up and down lists and the universe are built.\n"
            "Writes OUTDIR/results.tsv, params.json, summary.txt, report.html, plots/, and the\n"
            "lists and universe tested (lists.tsv, universe.txt)."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=(
            "examples:\n"
            "  mamsets ora --from-table deseq2_results.csv -o ora_out\n"
            "  mamsets ora --from-table toptable.tsv --padj-max 0.1 --lfc-min 0.5 "
            "--gmt reactome.gmt -o ora_out\n"
            "  mamsets ora hits.txt --universe screened.txt --species mouse -o ora_out\n"
            "  mamsets ora up.txt down.txt --universe measured.txt -o ora_out --force"
        ),
    )
    _add_input_flags(p)
    _add_analysis_flags(p)
    p.set_defaults(func=run)


def _add_input_flags(p: argparse.ArgumentParser) -> None:
    """GENES/--universe and --from-table flags."""
    p.add_argument(
        "genes",
        nargs="*",
        metavar="GENES",
        help="file(s) with one gene per line, or CSV/TSV tables with --column; one query per file",
    )
    p.add_argument(
        "--universe",
        metavar="UNIVERSE",
        help="file of all measured genes (one per line, or a table with --column)",
    )
    p.add_argument(
        "--column",
        metavar="C",
        help="column holding the genes when GENES/UNIVERSE are tables (one-per-line files "
        "are read as they are)",
    )
    p.add_argument(
        "--from-table", metavar="DE.tsv", help="differential-expression results table (CSV/TSV)"
    )
    p.add_argument("--gene-column", metavar="G", help="gene column of --from-table (auto-detected)")
    p.add_argument(
        "--padj-column",
        metavar="P",
        help="adjusted p-value column (auto: padj, adj.P.Val, FDR, p_val_adj)",
    )
    p.add_argument(
        "--lfc-column",
        metavar="L",
        help="log fold change column (auto: log2FoldChange, logFC, avg_log2FC)",
    )
    p.add_argument(
        "--padj-max",
        type=float,
        default=0.05,
        help="select genes with adjusted p <= this (default: %(default)s)",
    )
    p.add_argument(
        "--lfc-min",
        type=float,
        default=0.0,
        help="and |log fold change| >= this, non-zero (default: %(default)s)",
    )
    p.add_argument(
        "--contrast-column",
        metavar="C",
        help="column naming the contrast of each row of a long --from-table (auto: contrast, "
        "comparison); each contrast gets its own lists and universe",
    )
    p.add_argument(
        "--duplicates",
        choices=DUPLICATES,
        default="error",
        help="a gene that occurs more than once in --from-table (in one contrast): stop with "
        "an error listing them (default), keep its row with the smallest adjusted p "
        "(min_padj), or its first row (first). Rows of several clusters or contrasts need "
        "--contrast-column instead",
    )


def _add_analysis_flags(p: argparse.ArgumentParser) -> None:
    """Gene sets, test, engine and output flags (after the input flags in ``--help``)."""
    p.add_argument(
        "--gmt",
        metavar="FILE",
        help="gene sets as GMT (default: the built-in MAMs library without the raw PFOCR "
        "keyword set, plus the positive controls)",
    )
    p.add_argument(
        "--controls",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="with the built-in library, add the positive-control sets (default: on)",
    )
    p.add_argument(
        "--no-plots", dest="plots", action="store_false", help="skip the plots in the report"
    )
    p.add_argument(
        "--species", help="species of your genes (human, mouse, rat); detected when omitted"
    )
    p.add_argument(
        "--id-type",
        help="identifier type of your genes (symbol, entrez, ensembl); detected when omitted",
    )
    p.add_argument(
        "--min-size",
        type=int,
        default=1,
        help="smallest set size tested, counting members in the universe (default: %(default)s)",
    )
    p.add_argument(
        "--max-size", type=int, default=None, help="largest set size tested (default: no limit)"
    )
    p.add_argument(
        "--alternative",
        choices=("greater", "less", "two-sided"),
        default="greater",
        help="greater = over-representation, less = depletion (default: %(default)s)",
    )
    p.add_argument(
        "--outside-universe",
        choices=("error", "drop"),
        default="error",
        help="query genes missing from the universe: stop with an error (default), or drop them "
        "with a warning",
    )
    p.add_argument(
        "--engine",
        choices=("mamsets", "gseapy"),
        default="mamsets",
        help="compute p-values with mamsets (default) or gseapy.enrich (same table)",
    )
    p.add_argument(
        "-o", "--output", required=True, metavar="OUTDIR", help="output folder (created)"
    )
    p.add_argument("--force", action="store_true", help="replace OUTDIR if it exists")


# ---------------------------------------------------------------------------
# run
# ---------------------------------------------------------------------------
def run(args: argparse.Namespace) -> int:
    out = Path(args.output)
    check_writable(out, args.force)  # fail before any work
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        runs, selection = _lists_from_table(args) if args.from_table else _lists_from_files(args)
        collection = read_gmt(args.gmt) if args.gmt else default_collection(args.controls)
        gene_sets = gene_sets_record(args)
        ranking = selection.ranking(str(args.from_table)) if selection is not None else None
        per_contrast = {}
        for contrast, (queries, universe, source) in runs.items():
            res = ora(
                queries,
                collection,
                universe=universe,
                min_size=args.min_size,
                max_size=args.max_size,
                alternative=args.alternative,
                outside_universe=args.outside_universe,
                species=args.species,
                id_type=args.id_type,
                engine=args.engine,
            )
            per_contrast[contrast] = dataclasses.replace(
                res, params={**res.params, "input": source, "gmt": args.gmt, "gene_sets": gene_sets}
            )
    print_warnings(caught, "ora")
    long = "" not in runs
    res = stacked_result(per_contrast, runs, args) if long else per_contrast[""]
    written = write_outputs(out, args, res, runs, ranking, collection)
    n_plots = sum(1 for k in written if k.startswith("plot:"))
    if long:
        for contrast, r in per_contrast.items():
            print(f"[{contrast}]")
            print_summary(r)
    else:
        print_summary(res)
    print(text_summary(res, collection=collection, ranking=ranking))
    print(
        f"wrote {out}/: results.tsv, params.json, summary.txt, report.html, "
        + ("ranking.tsv (fold changes), " if ranking is not None else "")
        + (f"plots/ ({n_plots}), " if n_plots else "")
        + f"lists.tsv (the gene lists), {'universe.tsv' if long else 'universe.txt'}"
    )
    return 0


def _lists_from_files(args: argparse.Namespace) -> tuple[Runs, None]:
    """One run named ``""``: a query per GENES file, the --universe file."""
    if args.contrast_column:
        raise InputError("--contrast-column applies to --from-table only")
    if args.duplicates != "error":
        raise InputError("--duplicates applies to --from-table only")
    if not args.genes:
        raise InputError("give GENES file(s) and --universe, or --from-table DE.tsv")
    if not args.universe:
        raise InputError(
            "--universe is required: a file of every gene that could have been in your "
            "lists (all genes measured). The library's own genes are not a valid universe. "
            "With a differential-expression table, use --from-table, which takes it from "
            "the table"
        )
    queries = gene_lists_from_files([Path(g) for g in args.genes], args.column, what="GENES")
    universe = read_gene_file(Path(args.universe), args.column, what="--universe")
    source = {"genes": list(args.genes), "universe": args.universe, "column": args.column}
    return {"": (queries, universe, source)}, None


def _lists_from_table(args: argparse.Namespace) -> tuple[Runs, GeneListSelection]:
    """Per contrast: the up/down lists, the universe and the record; and the selection."""
    if args.genes or args.universe:
        raise InputError(
            "--from-table builds the gene lists and the universe itself; do not also give "
            "GENES or --universe"
        )
    try:
        selection = gene_lists_from_table(
            Path(args.from_table),
            gene_column=args.gene_column,
            padj_column=args.padj_column,
            lfc_column=args.lfc_column,
            padj_max=args.padj_max,
            lfc_min=args.lfc_min,
            contrast_column=args.contrast_column,
            duplicates=args.duplicates,
        )
    except NothingSelectedError as exc:
        _print_skipped(exc.skipped)
        raise
    _print_skipped(selection.skipped)
    runs = {c: (gl.queries, gl.universe, gl.info) for c, gl in selection.lists.items()}
    return runs, selection


def _print_skipped(skipped: dict[str, str]) -> None:
    for why in skipped.values():
        print(f"mamsets ora: {why}; contrast not tested", file=sys.stderr)
