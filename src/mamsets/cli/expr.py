"""``mamsets score`` and ``mamsets phenotype-gsea``: expression matrices in.

``mamsets score EXPR [--cls FILE | --phenotype-column COL --sample-sheet S] --method ssgsea -o OUT``
writes ``scores.tsv`` (samples x sets), ``results.tsv`` (tidy), ``params.json`` and,
with a phenotype, ``compare.tsv`` (each set's scores tested between groups).
``mamsets phenotype-gsea EXPR --cls FILE [--metric ...] -o OUT`` (and ``mamsets gsea EXPR
--cls FILE``) writes what ``mamsets gsea`` writes: ``results.tsv``, ``params.json``,
``ranking.tsv`` (the metric of the observed labels), ``summary.txt``, ``report.html`` and
``plots/``. Outputs are written atomically; OUT is never overwritten
without ``--force``.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from typing import Any

from .._atomic import atomic_dir
from ..engines.phenotype_gsea import phenotype_gsea
from ..engines.score_samples import compare_scores, score_samples
from ..io.expression import read_expression
from ._common import print_warnings, use_file_backend


def _reading_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("expression", metavar="EXPR", help="genes x samples: TSV/CSV/GCT (gz too) or .h5ad")
    p.add_argument("--cls", help="GSEA .cls phenotype file (column order)")
    p.add_argument("--sample-sheet", help="one row per sample (TSV/CSV)")
    p.add_argument("--sample-column", help="sample-id column of the sample sheet")
    p.add_argument("--phenotype-column", help="sample-sheet (or AnnData obs) column holding the phenotype")
    p.add_argument("--gene-column", help="column holding gene ids (default: the first)")
    p.add_argument("--layer", help="AnnData layer instead of X")
    p.add_argument("--collapse", default="max_mean", choices=["max_mean", "mean", "error"])
    p.add_argument("--transform", choices=["log_cpm", "none"], help="required for raw counts")
    p.add_argument("--gmt", help="gene sets (default: the built-in MAMs library)")
    p.add_argument("--species", help="species of the matrix's identifiers (mapping the sets)")
    p.add_argument("--id-type", help="identifier type of the matrix")
    p.add_argument("-o", "--outdir", required=True, help="output folder")
    p.add_argument("--force", action="store_true", help="replace OUT if it exists")


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    s = subparsers.add_parser("score", help="single-sample gene-set scores (ssGSEA, GSVA, z-score, PLAGE)")
    _reading_flags(s)
    s.add_argument("--method", default="ssgsea", choices=["ssgsea", "gsva", "zscore", "plage", "singscore"])
    s.add_argument("--no-normalize", dest="normalize", action="store_false",
                   help="ssGSEA: do not divide by the range over all scores")
    s.add_argument("--ties", default="gsva", choices=["gsva", "average"])
    s.add_argument("--kcdf", default="gaussian", choices=["gaussian", "poisson"])
    s.add_argument("--min-size", type=int, default=1)
    s.add_argument("--max-size", type=int)
    s.add_argument("--positive", help="group tested against the others in compare.tsv")
    s.add_argument("--negative")
    s.set_defaults(func=run_score)
    g = subparsers.add_parser("phenotype-gsea",
                              help="GSEA of an expression matrix with phenotype (label) permutation")
    _reading_flags(g)
    g.add_argument("--metric", choices=["signal_to_noise", "t_test", "ratio_of_classes", "diff_of_classes",
                                        "log2_ratio_of_classes", "pearson"])
    g.add_argument("--positive")
    g.add_argument("--negative")
    g.add_argument("--block", help="sample-sheet column: permute labels only within its levels")
    g.add_argument("--min-size", type=int, default=15)
    g.add_argument("--max-size", type=int, default=500)
    g.add_argument("--n-perm", type=int, default=1000)
    g.add_argument("--seed", type=int, default=None)
    g.add_argument("--n-jobs", type=int, default=1)
    g.add_argument("--no-plots", dest="plots", action="store_false",
                   help="skip the plots (the report keeps the tables)")
    g.set_defaults(func=run_phenotype_gsea)


def _read(args: argparse.Namespace):
    return read_expression(args.expression, cls=args.cls, sample_sheet=args.sample_sheet,
                           sample_column=args.sample_column, phenotype=args.phenotype_column,
                           gene_column=args.gene_column, layer=args.layer, collapse=args.collapse,
                           transform=args.transform)


def run_score(args: argparse.Namespace) -> int:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        expr = _read(args)
        res = score_samples(expr, args.gmt, method=args.method, min_size=args.min_size,
                            max_size=args.max_size, normalize=args.normalize, ties=args.ties,
                            kcdf=args.kcdf, species=args.species, id_type=args.id_type)
        cmp = None
        if expr.phenotype is not None:
            cmp = compare_scores(res, expr.phenotype, positive=args.positive, negative=args.negative)
    print_warnings(caught, "score")
    with atomic_dir(args.outdir, overwrite=args.force) as out:
        res.scores.to_csv(out / "scores.tsv", sep="\t")
        res.as_result().to_tsv(out / "results.tsv")
        res.as_result().to_json_params(out / "params.json")
        if cmp is not None:
            cmp.to_csv(out / "compare.tsv", sep="\t", index=False)
            _score_plot(res, expr.phenotype, cmp, out)
    print(f"{res.scores.shape[1]} sets x {res.scores.shape[0]} samples scored ({args.method}) -> {args.outdir}")
    return 0


def _score_plot(res: Any, phenotype: Any, cmp: Any, out: Any) -> None:
    """plots/scores_by_group.png: each set's per-sample scores by group (needs matplotlib)."""
    import importlib.util

    if importlib.util.find_spec("matplotlib") is None:
        print("note: matplotlib is not installed, so no plot is drawn", file=sys.stderr)
        return
    import matplotlib

    if matplotlib.get_backend().lower() not in ("agg", "pdf", "svg", "png"):
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ..plot import score_groups

    (out / "plots").mkdir(exist_ok=True)
    fig = score_groups(res, phenotype, compare=cmp)
    fig.savefig(out / "plots" / "scores_by_group.png", dpi=110, bbox_inches="tight")
    plt.close(fig)


def run_phenotype_gsea(args: argparse.Namespace, command: str = "phenotype-gsea") -> int:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        expr = _read(args)
        res = phenotype_gsea(expr, None, args.gmt, metric=args.metric, positive=args.positive,
                             negative=args.negative, block=args.block, min_size=args.min_size,
                             max_size=args.max_size, n_perm=args.n_perm, rng=args.seed,
                             n_jobs=args.n_jobs, species=args.species, id_type=args.id_type)
    print_warnings(caught, command)
    p = res.params
    coll = args.gmt if hasattr(args.gmt, "sets") else None
    written = _write_phenotype_outputs(res, expr, args, coll)
    from ..report.text import text_summary

    print(text_summary(res, collection=coll))
    n_plots = sum(1 for k in written if k.startswith("plot:"))
    print(f"metric {p['metric']}, {p['positive']} vs {p['negative']}, seed {p['seed']} "
          f"(--seed {p['seed']} repeats this run); wrote {args.outdir}/: results.tsv, params.json, "
          "ranking.tsv, summary.txt, report.html" + (f", plots/ ({n_plots})" if n_plots else ""))
    return 0


def _write_phenotype_outputs(res: Any, expr: Any, args: argparse.Namespace, coll: Any) -> dict[str, Any]:
    """The same output folder as ``mamsets gsea`` (report, plots, ranking.tsv), atomically.

    ``ranking.tsv`` and the enrichment plots use the observed ranking: the metric of the
    real labels (:func:`~mamsets.engines.phenotype_gsea.metric_ranking`).
    """
    import dataclasses

    from ..engines.phenotype_gsea import metric_ranking
    from ..io.ranking import read_ranking
    from ..report import write_run_outputs

    p = res.params
    observed = metric_ranking(expr, None, metric=p["metric"], positive=p["positive"],
                              negative=p["negative"])
    ranking = read_ranking(observed, name=f"{p['positive']} vs {p['negative']}")
    ranking = dataclasses.replace(
        ranking, source=str(args.expression), style="expression matrix",
        how_chosen=f"ranked by the {p['metric']} of {p['positive']} vs {p['negative']} "
                   "(the observed labels)")
    use_file_backend(args)
    with warnings.catch_warnings():  # the engine already reported identifier issues
        warnings.simplefilter("ignore")
        return write_run_outputs(res, args.outdir, ranking=ranking, collection=coll,
                                 overwrite=args.force, plots=args.plots)


#: ``mamsets gsea`` flags that only a preranked table uses: (flag, dest, default).
_PRERANKED_ONLY = (("--method", "method", "multilevel"), ("--contrast", "contrast", None),
                   ("--contrast-column", "contrast_column", None), ("--score-column", "score_column", None),
                   ("--engine", "engine", "mamsets"), ("--dropna", "dropna", False),
                   ("--duplicates", "duplicates", "error"))


def run_from_gsea(args: argparse.Namespace) -> int:
    """``mamsets gsea EXPR --cls FILE``: phenotype-permutation GSEA with ``mamsets gsea``'s flag names."""
    from ..errors import InputError
    from .gsea import default_collection

    given = [flag for flag, dest, default in _PRERANKED_ONLY if getattr(args, dest, default) != default]
    if given:
        raise InputError(f"{', '.join(given)} only make sense for a ranked table, not for an expression matrix "
                         "with --cls; leave them out (phenotype permutation takes --metric, "
                         "--n-perm, --seed, --min-size, --max-size)")
    gmt = args.gmt if args.gmt else default_collection(args.controls)
    ns = argparse.Namespace(
        expression=args.ranking, cls=args.cls, sample_sheet=None, sample_column=None, phenotype_column=None,
        gene_column=args.gene_column, layer=None, collapse="max_mean", transform=None, gmt=gmt,
        species=args.species, id_type=args.id_type, outdir=args.output, force=args.force,
        metric=args.metric, positive=None, negative=None, block=None, min_size=args.min_size,
        max_size=args.max_size, n_perm=args.n_perm, seed=args.seed, n_jobs=args.n_jobs,
        plots=args.plots)
    return run_phenotype_gsea(ns, command="gsea")
