"""``mamsets gsea``: preranked GSEA of a ranked gene list or a differential-expression table.

::

    mamsets gsea RANKING [--gmt FILE] [--method multilevel|permutation] [--n-perm N] [--seed S]
                 [--min-size K] [--max-size K] [--weight P] [--eps E] [--n-jobs J]
                 [--gene-column G --score-column S] -o OUTDIR [--force]

RANKING is a GSEA ``.rnk`` file (two tab-separated columns, with or without a
header, ``#`` comment lines allowed) or a CSV/TSV results table (DESeq2, limma,
edgeR, Seurat columns are recognised; ``--gene-column``/``--score-column`` choose
explicitly). OUTDIR receives ``results.tsv`` (one row per gene set; a ``#`` JSON
metadata first line) and ``params.json``, written atomically.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

from .._atomic import atomic_dir, check_writable
from ..engines.gsea import gsea
from ..errors import InputError
from ..io.gmt import read_gmt
from ..io.ranking import read_ranking

__all__ = ["register", "run"]


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "gsea",
        help="preranked gene set enrichment analysis (exact ES, multilevel or permutation p-values)",
        description=(
            "Preranked GSEA (Subramanian et al. 2005) with fgsea's normalised score and p-values: "
            "adaptive multilevel p-values (default) or gene-set permutation p-values, "
            "Benjamini-Hochberg padj and GSEA desktop's FDR q-value. Writes OUTDIR/results.tsv "
            "and OUTDIR/params.json."
        ),
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    p.add_argument("ranking", metavar="RANKING",
                   help=".rnk file (gene<TAB>score) or CSV/TSV results table")
    p.add_argument("--gmt", metavar="FILE", help="gene sets as GMT (default: the built-in MAM library)")
    p.add_argument("--method", choices=("multilevel", "permutation"), default="multilevel",
                   help="p-value method")
    p.add_argument("--n-perm", type=int, default=1000,
                   help="random gene sets per set size (multilevel: for NES and large p-values)")
    p.add_argument("--seed", type=int, default=None,
                   help="random seed (default: fresh entropy, recorded in params.json)")
    p.add_argument("--min-size", type=int, default=1, help="smallest number of members in the ranking")
    p.add_argument("--max-size", type=int, default=500, help="largest number of members in the ranking")
    p.add_argument("--weight", type=float, default=1.0, help="GSEA weight p of |score|^p (0: unweighted)")
    p.add_argument("--eps", type=float, default=1e-50, help="multilevel p-value floor")
    p.add_argument("--sample-size", type=int, default=101, help="multilevel sample size per level")
    p.add_argument("--n-jobs", type=int, default=1, help="threads (-1: all cores); results do not depend on it")
    p.add_argument("--gene-column", metavar="G", help="gene column of a results table (auto-detected)")
    p.add_argument("--score-column", metavar="S",
                   help="score column of a results table (auto: stat, z, t, else sign(lfc)*-log10 p)")
    p.add_argument("--duplicates", choices=("error", "max_abs", "mean", "first"), default="error",
                   help="what to do with genes listed more than once")
    p.add_argument("--species", help="species of your genes (human, mouse, rat); detected when omitted")
    p.add_argument("--id-type", help="identifier type of your genes (symbol, entrez, ensembl)")
    p.add_argument("--engine", choices=("mamsets", "gseapy"), default="mamsets",
                   help="compute with mamsets or with gseapy.prerank (same table)")
    p.add_argument("-o", "--output", required=True, metavar="OUTDIR", help="output folder (created)")
    p.add_argument("--force", action="store_true", help="replace OUTDIR if it exists")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    out = Path(args.output)
    check_writable(out, args.force)  # fail before computing
    path = Path(args.ranking)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such ranking file")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ranking = read_ranking(path, gene_column=args.gene_column, score=args.score_column,
                               duplicates=args.duplicates)
        if ranking.is_multi:
            raise InputError(
                f"{path}: the table has {len(ranking.contrasts)} contrasts "
                f"{list(ranking.contrasts)[:5]}; split it into one file per contrast"
            )
        collection = None
        if args.gmt:
            collection = read_gmt(args.gmt)
        res = gsea(
            ranking.scores, collection, weight=args.weight, min_size=args.min_size,
            max_size=args.max_size, method=args.method, n_perm=args.n_perm, eps=args.eps,
            sample_size=args.sample_size, rng=args.seed, n_jobs=args.n_jobs,
            species=args.species, id_type=args.id_type, engine=args.engine,
        )
    for w in caught:
        print(f"mamsets gsea: warning: {w.message}", file=sys.stderr)
    with atomic_dir(out, overwrite=args.force) as tmp:
        res.to_tsv(tmp / "results.tsv")
        res.to_json_params(tmp / "params.json")
    t = res.table
    n_sig = int((t["padj"] < 0.05).sum())
    print(
        f"mamsets gsea: {len(t)} gene sets tested ({res.params['pvalue_method']} p-values, "
        f"seed {res.params['seed']}); {n_sig} with padj < 0.05; ranking: {ranking.how_chosen}; "
        f"wrote {out}/results.tsv and params.json"
    )
    return 0
