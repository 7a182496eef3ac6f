"""``mamsets run [TABLE] -o OUTDIR``: the main job, from a results table to a report.

Without TABLE it runs on the bundled real example (MoTrPAC rat gastrocnemius,
8 weeks of endurance training vs sedentary, female and male contrasts) against
the MAMs library plus the positive-control sets, so a fresh install shows the
whole path in one command.
"""

from __future__ import annotations

import argparse
import logging
import sys
import warnings
from typing import Any

from ..errors import InputError, MamsetsWarning
from ._common import Once

__all__ = ["register", "run", "run_job"]

log = logging.getLogger(__name__)

DEFAULT_OUTDIR = "mamsets-out"


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "run",
        help="the main job: results table -> GSEA (+ ORA of up/down genes) -> TSV, HTML report, plots",
        description=(
            "Read a differential-expression table (DESeq2, limma, edgeR, Seurat, MoTrPAC, .rnk; "
            "CSV/TSV, gzipped too), detect species and identifiers, run preranked GSEA (and ORA of "
            "the up- and down-regulated genes when the table has adjusted p-values and fold "
            "changes) against the MAMs library with positive controls, and write results.tsv, "
            "results_ora.tsv, params.json, ranking.tsv, summary.txt, report.html and plots/ "
            "into OUTDIR. Without TABLE, runs on the bundled MoTrPAC rat training example."
        ),
    )
    p.add_argument("table", nargs="?", metavar="TABLE",
                   help="results table or .rnk (default: the bundled MoTrPAC example)")
    p.add_argument("-o", "--output", default=DEFAULT_OUTDIR, metavar="OUTDIR",
                   help=f"output folder (default: {DEFAULT_OUTDIR})")
    p.add_argument("--force", action="store_true", help="replace OUTDIR if it exists")
    p.add_argument("--gmt", metavar="FILE",
                   help="gene sets from a GMT file instead of the MAMs library + controls")
    p.add_argument("--controls", action=argparse.BooleanOptionalAction, default=True,
                   help="add the positive-control sets (OXPHOS, ribosomes) to the MAMs library")
    p.add_argument("--gene-column", action=Once,
                   help="column with gene identifiers (default: detected)")
    p.add_argument("--score", action=Once,
                   help="column to rank by, or 'signed_log10p' (default: detected)")
    p.add_argument("--contrast-column", action=Once, help="column naming the contrast of each row")
    p.add_argument("--contrast", action="append", metavar="NAME",
                   help="analyse only this contrast (repeat for several; default: all)")
    p.add_argument("--duplicates", choices=("error", "max_abs", "mean", "first"), default=None,
                   help="duplicated genes: error (default for your tables) or how to resolve")
    p.add_argument("--dropna", action="store_true",
                   help="drop rows without a gene id or score (counted) instead of failing")
    p.add_argument("--species", choices=("human", "mouse", "rat"),
                   help="species of the identifiers (default: detected)")
    p.add_argument("--id-type", choices=("symbol", "entrez", "ensembl"),
                   help="identifier type (default: detected)")
    p.add_argument("--method", choices=("multilevel", "permutation"), default="multilevel",
                   help="GSEA p-value method (default: multilevel)")
    p.add_argument("--n-perm", type=int, default=1000, help="GSEA permutations (default: 1000)")
    p.add_argument("--weight", type=float, default=1.0, help="GSEA weight p (default: 1)")
    p.add_argument("--min-size", type=int, default=1, help="smallest set size tested (default: 1)")
    p.add_argument("--max-size", type=int, default=500, help="largest set size tested (default: 500)")
    p.add_argument("--min-size-pval", type=int, default=3,
                   help="sets with fewer members in the ranking get no GSEA p-value (kept in the "
                        "table with a note)")
    p.add_argument("--seed", type=int, default=None,
                   help="random seed (default: fresh entropy, recorded in params.json)")
    p.add_argument("--ora", action=argparse.BooleanOptionalAction, default=True,
                   help="also run ORA of up/down genes (needs adjusted p and fold change columns)")
    p.add_argument("--padj-max", type=float, default=0.05,
                   help="ORA gene lists: adjusted p below this (default: 0.05)")
    p.add_argument("--lfc-min", type=float, default=0.0,
                   help="ORA gene lists: |log fold change| above this (default: 0)")
    p.add_argument("--no-plots", dest="plots", action="store_false", help="skip the plots")
    p.set_defaults(func=run)


def _collection(args: argparse.Namespace, genes: tuple[str, ...]) -> tuple[Any, str, str]:
    """The gene sets (the bundled library in human symbols) and the data's species and id type.

    The engines map the library onto the data with :func:`mamsets.map_ids`, the same rule
    (and the same orthologs) as ``ms.gsea(ranking)`` in Python.
    """
    from ..ids import detect_ids
    from ..io.bundled import ID_TYPES, SPECIES, controls, library
    from ..io.gmt import read_gmt
    from ..model import GeneSetCollection

    species, id_type = args.species, args.id_type
    if species is None or id_type is None:
        det = detect_ids(list(genes))
        print(f"identifiers: {det.message}", file=sys.stderr)
        if not det.confident:
            print("warning: identifier detection is not confident; pass --species and --id-type "
                  "to be explicit", file=sys.stderr)
        species = species or det.species
        id_type = id_type or ("ensembl" if det.id_type == "ensembl_versioned" else det.id_type)
    if args.gmt:
        return read_gmt(args.gmt), species, id_type
    if species not in SPECIES or id_type not in ID_TYPES:
        raise InputError(
            f"could not tell the species/identifier type of TABLE's genes ({species} {id_type}); "
            "pass --species {human,mouse,rat} and --id-type {symbol,entrez,ensembl}"
        )
    lib = library(include_raw=False)  # the raw PFOCR set is for comparison only
    sets = lib.sets + (controls().sets if args.controls else ())
    name = lib.name + ("+controls" if args.controls else "")
    coll = GeneSetCollection(sets, name=name, version=lib.version, species=lib.species,
                             id_type=lib.id_type, source=lib.source)
    return coll, species, id_type


def run_job(args: argparse.Namespace) -> dict[str, Any]:
    """Do the work of ``mamsets run``; returns the results, ranking and collection."""
    from ..engines.gsea import gsea
    from ..io.examples import example_path
    from ..io.ranking import read_ranking
    from ..results import stack_results

    if args.table is None:
        table: Any = example_path("motrpac_gn_8w")
        # the example has 772 genes without a rat symbol and 68 duplicated symbols
        dropna = True
        duplicates = args.duplicates or "max_abs"
        print(
            "no TABLE given: running the bundled example, MoTrPAC rat gastrocnemius after 8 weeks "
            "of endurance training vs sedentary (limma; MIT licence), rows without a symbol "
            "dropped and duplicated symbols resolved by max |z|",
            file=sys.stderr,
        )
    else:
        table, dropna, duplicates = args.table, args.dropna, args.duplicates or "error"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", MamsetsWarning)
        ranking = read_ranking(
            table, gene_column=args.gene_column, score=args.score,
            contrast_column=args.contrast_column, duplicates=duplicates, dropna=dropna,
        )
    for w in caught:
        print(f"warning: {w.message}", file=sys.stderr)
    if args.contrast:
        ranking = ranking.select(args.contrast)
    print(f"ranking: {ranking.how_chosen}", file=sys.stderr)
    collection, species, id_type = _collection(args, ranking.genes)

    per_gsea = {}
    for contrast, scores in ranking.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", MamsetsWarning)  # recorded in params and the report
            per_gsea[contrast] = gsea(
                scores, collection, weight=args.weight, min_size=args.min_size,
                max_size=args.max_size, method=args.method, n_perm=args.n_perm, rng=args.seed,
                species=species, id_type=id_type, min_size_pval=args.min_size_pval,
            )
    # a table with a contrast column gives result tables with a contrast column (even for one)
    by_contrast = ranking.contrast_column is not None
    results = {"gsea": stack_results(per_gsea) if by_contrast else per_gsea[ranking.contrasts[0]]}

    if args.ora and {"padj", "lfc"} <= set(ranking.table(ranking.contrasts[0]).columns):
        from ..engines.ora import ora

        per_ora = {}
        for contrast in ranking.contrasts:
            lists = ranking.gene_lists(contrast, padj_max=args.padj_max, lfc_min=args.lfc_min)
            empty = [k for k, v in lists.items() if not v]
            if empty:
                print(f"ORA [{contrast}]: no {' or '.join(empty)} genes at padj < "
                      f"{args.padj_max:g}; not tested", file=sys.stderr)
            lists = {k: v for k, v in lists.items() if v}
            if not lists:
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", MamsetsWarning)
                per_ora[contrast] = ora(
                    lists, collection, universe=ranking.universe(contrast),
                    min_size=args.min_size, max_size=args.max_size, species=species,
                    id_type=id_type,
                )
        if per_ora:
            results["ora"] = (stack_results(per_ora) if by_contrast
                              else next(iter(per_ora.values())))
    elif args.ora:
        print("ORA skipped: the table has no adjusted p-value and fold change columns",
              file=sys.stderr)
    from ._common import figure_claims_for

    verdicts, note = figure_claims_for(ranking, args.gmt, rng=args.seed, species=species,
                                       id_type=id_type)
    return {"results": results, "ranking": ranking, "collection": collection, "claims": verdicts,
            "claims_note": note}


def run(args: argparse.Namespace) -> int:
    from .._atomic import check_writable
    from ..report import text_summary, write_run_outputs
    from ._common import use_file_backend

    check_writable(args.output, args.force)  # fail before the work, not after
    job = run_job(args)
    use_file_backend(args)  # files only; never open windows from the CLI
    written = write_run_outputs(
        job["results"], args.output, ranking=job["ranking"], collection=job["collection"],
        overwrite=args.force, plots=args.plots, claims=job["claims"], claims_note=job["claims_note"],
    )
    if job["claims"] is not None:
        from ..report.claims import claims_text

        print(claims_text(job["claims"]) + "\n")
    print(text_summary(job["results"], collection=job["collection"], ranking=job["ranking"]))
    n_plots = sum(1 for k in written if k.startswith("plot:"))
    print(f"\nwrote {args.output}/: results.tsv" + (", results_ora.tsv" if "ora" in job["results"] else "")
          + (", claims.tsv, claims_members.tsv" if job["claims"] is not None else "")
          + f", report.html, params.json, ranking.tsv, summary.txt, {n_plots} plots")
    return 0
