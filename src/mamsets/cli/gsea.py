"""``mamsets gsea``: preranked GSEA of a ranked gene list or a differential-expression table.

::

    mamsets gsea TABLE [--gmt FILE] [--method multilevel|permutation] [--n-perm N] [--seed S]
                 [--min-size K] [--max-size K] [--weight P] [--eps E] [--n-jobs J]
                 [--gene-column G] [--score-column S] [--contrast-column C] [--contrast NAME]
                 [--dropna] [--duplicates RULE] [--scheduler local|ADDRESS] [--[no-]progress]
                 [--stream] -o OUTDIR [--force]

TABLE is any results table :func:`mamsets.io.ranking.read_ranking` recognises
(DESeq2, limma, edgeR, Seurat, MoTrPAC; CSV/TSV, gzipped too) or a GSEA ``.rnk``
file. The score is chosen in a documented order (test statistic first) and
reported; species and identifier type are detected and the built-in library is
mapped onto them. A long table with a contrast column runs every contrast and
writes one table with a ``contrast`` column; ``--scheduler`` runs the contrasts on a
Dask cluster (identical results), ``--stream`` writes each contrast's rows as it finishes
(many contrasts in bounded memory: ``results.tsv`` and ``params.json`` only).

OUTDIR receives, atomically (:func:`mamsets.report.write_run_outputs`):
``results.tsv``, ``params.json``, ``ranking.tsv``, ``summary.txt``,
``report.html`` (one self-contained file) and ``plots/``.
"""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path
from typing import Any

from .._atomic import check_writable
from .._random import resolve_seed
from ..errors import InputError, MamsetsWarning
from ._common import Once, figure_claims_for, gene_sets_record, print_warnings, use_file_backend

__all__ = ["default_collection", "register", "run"]


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "gsea",
        help="preranked gene set enrichment analysis (exact ES, multilevel or permutation p-values)",
        description=(
            "Preranked GSEA (Subramanian et al. 2005) with fgsea's normalised score and p-values: "
            "adaptive multilevel p-values (default) or gene-set permutation p-values, "
            "Benjamini-Hochberg padj and GSEA desktop's FDR q-value. TABLE is a DESeq2, limma, "
            "edgeR, Seurat or MoTrPAC results table (CSV/TSV, gzipped too) or a .rnk file; the "
            "score and the species/identifiers are detected and reported. Writes results.tsv, "
            "params.json, ranking.tsv, summary.txt, report.html and plots/ into OUTDIR."
        ),
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    p.add_argument("ranking", metavar="TABLE",
                   help="results table (CSV/TSV) or .rnk file (gene<TAB>score)")
    p.add_argument("--gmt", metavar="FILE",
                   help="gene sets as GMT (default: the built-in MAMs library, without the raw "
                        "PFOCR keyword set, plus the positive controls)")
    p.add_argument("--controls", action=argparse.BooleanOptionalAction, default=True,
                   help="with the built-in library, add the positive-control sets (OXPHOS, ribosome)")
    p.add_argument("--method", choices=("multilevel", "permutation"), default="multilevel",
                   help="p-value method")
    p.add_argument("--n-perm", type=int, default=1000,
                   help="random gene sets per set size (multilevel: for NES and large p-values)")
    p.add_argument("--seed", type=int, default=None,
                   help="random seed, the same for every contrast (default: fresh entropy, "
                        "printed and recorded in params.json)")
    p.add_argument("--min-size", type=int, default=1, help="smallest number of members in the ranking")
    p.add_argument("--max-size", type=int, default=500, help="largest number of members in the ranking")
    p.add_argument("--min-size-pval", type=int, default=3,
                   help="sets with fewer members in the ranking get no GSEA p-value (kept in the "
                        "table with a note)")
    p.add_argument("--weight", type=float, default=1.0, help="GSEA weight p of |score|^p (0: unweighted)")
    p.add_argument("--eps", type=float, default=1e-50, help="multilevel p-value floor")
    p.add_argument("--sample-size", type=int, default=101, help="multilevel sample size per level")
    p.add_argument("--n-jobs", type=int, default=1, help="threads (-1: all cores); results do not depend on it")
    p.add_argument("--gene-column", metavar="G", action=Once,
                   help="gene column of a results table (auto-detected)")
    p.add_argument("--score-column", metavar="S", action=Once,
                   help="score column of a results table, or 'signed_log10p' (auto: stat, z, t, "
                        "else sign(lfc)*-log10 p); in a wide table (IS.t, IR.t, ...) the role, e.g. t")
    p.add_argument("--contrast-column", metavar="C", action=Once,
                   help="column naming the contrast of each row of a long table (auto: contrast, "
                        "comparison); every contrast is run")
    p.add_argument("--contrast", action="append", metavar="NAME",
                   help="run only this contrast (repeat for several; default: all)")
    p.add_argument("--dropna", action="store_true",
                   help="drop rows without a gene id or score (counted; e.g. DESeq2's all-zero "
                        "genes) instead of stopping")
    p.add_argument("--duplicates", choices=("error", "max_abs", "mean", "first"), default="error",
                   help="what to do with genes listed more than once")
    p.add_argument("--species", help="species of your genes (human, mouse, rat); detected when omitted")
    p.add_argument("--id-type", help="identifier type of your genes (symbol, entrez, ensembl)")
    p.add_argument("--engine", choices=("mamsets", "gseapy"), default="mamsets",
                   help="compute with mamsets or with gseapy.prerank (same table)")
    p.add_argument("--scheduler", metavar="local|ADDRESS",
                   help="run the contrasts on a Dask cluster: 'local' (one worker process per "
                        "core) or a scheduler address such as tcp://host:8786 (needs "
                        "mamsets[dask]); results are identical to a run without it")
    p.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help="progress bar over contrasts on stderr (default: when stderr is a terminal)")
    p.add_argument("--stream", action="store_true",
                   help="many contrasts: write each contrast's rows to results.tsv as it finishes "
                        "(bounded memory; always a contrast column) with params.json, and no "
                        "report, plots, claims or ranking.tsv")
    p.add_argument("--no-plots", dest="plots", action="store_false",
                   help="skip the plots (the report keeps the tables)")
    p.add_argument("-o", "--output", required=True, metavar="OUTDIR", help="output folder (created)")
    p.add_argument("--force", action="store_true", help="replace OUTDIR if it exists")
    p.add_argument("--cls", help="TABLE is an expression matrix and this its GSEA .cls phenotype: "
                   "phenotype-permutation GSEA (as `mamsets phenotype-gsea`; --metric)")
    p.add_argument("--metric", help="phenotype GSEA metric (with --cls; default signal_to_noise)")
    p.set_defaults(func=run)


def default_collection(controls: bool) -> Any:
    """The built-in library as tested by default (raw PFOCR set left out), plus the controls.

    In human symbols; the engines map it onto the user's species and identifiers.
    """
    from ..io.bundled import controls as control_sets
    from ..io.bundled import library
    from ..model import GeneSetCollection

    lib = library(include_raw=False)
    if not controls:
        return lib
    return GeneSetCollection(
        lib.sets + control_sets().sets, name=lib.name + "+controls", version=lib.version,
        species=lib.species, id_type=lib.id_type, source=lib.source,
    )


#: read_ranking's and read_sites' keyword spellings -> the flags of mamsets gsea and claims
#: (their messages name the fix).
_FLAG_WORDS = (
    (r"pass site_column=", "pass --gene-column COLUMN"),
    (r"pass site_map= \(", "pass --site-map FILE ("),
    (r"pass site_map=None", "drop --site-map"),
    (r"or species=None", "or drop --species"),
    (r"species='(\w+)'", r"--species \1"),
    (r"pass on_malformed='drop'", "pass --drop-malformed"),
    (r"dropna=True", "--dropna"),
    (r"duplicates='(\w+)'", r"--duplicates \1"),
    (r"\bscore='([^']*)'", r"--score-column \1"),
    (r"\bscore= ", "--score-column NAME "),
    (r"\bscore=", "--score-column "),
    (r"gene_column='([^']*)'", r"--gene-column \1"),
    (r"\bgene_column= ", "--gene-column NAME "),
    (r"\bgene_column=?", "--gene-column"),
    (r"contrast_column=None", "no --contrast-column"),
    (r"\bcontrast_column=", "--contrast-column "),
    (r"\bcontrast=", "--contrast "),
)


def cli_words(message: str) -> str:
    """Say a :func:`~mamsets.io.ranking.read_ranking` or :func:`~mamsets.io.sites.read_sites`
    message in command-line flags."""
    import re

    for pattern, repl in _FLAG_WORDS:
        message = re.sub(pattern, repl, message)
    return message


def run(args: argparse.Namespace) -> int:
    if args.cls:
        from .expr import run_from_gsea
        return run_from_gsea(args)
    from ..engines.contrasts import iter_gsea
    from ..io.gmt import read_gmt
    from ..io.ranking import read_ranking
    from ..report import text_summary, write_run_outputs
    from ..results import stack_results

    out = Path(args.output)
    check_writable(out, args.force)  # fail before computing
    path = Path(args.ranking)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such ranking file")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", MamsetsWarning)
        try:
            ranking = read_ranking(path, gene_column=args.gene_column, score=args.score_column,
                                   contrast_column=args.contrast_column,
                                   duplicates=args.duplicates, dropna=args.dropna)
            if args.contrast:
                ranking = ranking.select(args.contrast)
        except InputError as exc:
            raise InputError(cli_words(str(exc))) from None
        collection = read_gmt(args.gmt) if args.gmt else default_collection(args.controls)
        # one seed for the whole run (drawn once when not given), so --seed SEED repeats it all
        seed = args.seed if args.seed is not None else resolve_seed(None)[1]
        stream = iter_gsea(
            ranking, collection, rng=dict.fromkeys(ranking.contrasts, seed),
            weight=args.weight, min_size=args.min_size, max_size=args.max_size,
            method=args.method, n_perm=args.n_perm, eps=args.eps, sample_size=args.sample_size,
            n_jobs=args.n_jobs, species=args.species, id_type=args.id_type, engine=args.engine,
            min_size_pval=args.min_size_pval, scheduler=args.scheduler, progress=args.progress,
        )
        if args.stream:
            return _write_stream(stream, ranking, out, args, seed, caught)
        per_contrast = dict(stream)
    print_warnings(caught, "gsea")
    # a table with a contrast column gives a table with a contrast column (even for one)
    if ranking.contrast_column is not None:
        res = stack_results(per_contrast)
    else:
        res = next(iter(per_contrast.values()))
    res = _with_input(res, ranking, args)
    use_file_backend(args)
    verdicts, note = figure_claims_for(ranking, args.gmt, rng=seed, species=args.species,
                                       id_type=args.id_type)
    with warnings.catch_warnings():  # the engine already reported identifier issues
        warnings.simplefilter("ignore", MamsetsWarning)
        written = write_run_outputs(res, out, ranking=ranking, collection=collection,
                                    overwrite=args.force, plots=args.plots, claims=verdicts,
                                    claims_note=note)
    n_plots = sum(1 for k in written if k.startswith("plot:"))
    if verdicts is not None:
        from ..report.claims import claims_text

        print(claims_text(verdicts) + "\n")
    print(text_summary(res, collection=collection, ranking=ranking))
    print(
        f"{res.params['pvalue_method']} p-values, seed {seed} (--seed {seed} repeats this run); "
        f"wrote {out}/: results.tsv, params.json, ranking.tsv, summary.txt, report.html"
        + (f", plots/ ({n_plots})" if n_plots else "")
    )
    return 0


def _write_stream(stream: Any, ranking: Any, out: Path, args: argparse.Namespace, seed: int,
                  caught: list[warnings.WarningMessage]) -> int:
    """``--stream``: results.tsv written contrast by contrast, then params.json (atomically)."""
    import json

    from .._atomic import atomic_dir
    from ..results import write_stacked_tsv

    with atomic_dir(out, overwrite=args.force) as tmp:
        meta = write_stacked_tsv(stream, tmp / "results.tsv", extra_params=_input_params(ranking, args))
        params = {"gsea": meta.metadata(), "input": ranking.metadata()}
        (tmp / "params.json").write_text(json.dumps(params, indent=2, sort_keys=True, default=str)
                                         + "\n", encoding="utf-8")
    print_warnings(caught, "gsea")
    print(f"{len(ranking.contrasts)} contrasts, {meta.params['pvalue_method']} p-values, seed "
          f"{seed} (--seed {seed} repeats this run); wrote {out}/: results.tsv, params.json "
          "(--stream: no report, plots or claims)")
    return 0


def _input_params(ranking: Any, args: argparse.Namespace) -> dict[str, Any]:
    """Which gene sets were used (file or built-in) and the score, for the result's params."""
    return {"gene_sets": gene_sets_record(args), "score": ranking.score_name}


def _with_input(res: Any, ranking: Any, args: argparse.Namespace) -> Any:
    """Record in the result's params which gene sets were used (file or built-in)."""
    import dataclasses

    return dataclasses.replace(res, params={**res.params, **_input_params(ranking, args)})
