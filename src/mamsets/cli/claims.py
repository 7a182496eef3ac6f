"""``mamsets claims``: the figure's directional claims, and verdicts on them from your data.

::

    mamsets claims list
    mamsets claims TABLE -o OUTDIR [--data-level transcript|protein|phosphosite] [--site-map F]
                   [--proxy]
                   [--contrast-is exercise|opposite] [--seed S] [--n-perm N] [--alpha A]
                   [--gene-column G] [--score-column S] [--contrast-column C] [--contrast NAME]
                   [--dropna] [--drop-malformed] [--duplicates RULE] [--species S] [--id-type T]
                   [--force]

``list`` prints :func:`mamsets.figure_claims`. With a TABLE (any table
:func:`mamsets.read_ranking` reads), :func:`mamsets.claims` tests each claim and
OUTDIR receives ``claims.tsv``, ``claims_members.tsv``, ``params.json``,
``summary.txt``, ``report.html`` and ``plots/`` (atomically; ``--force`` to replace).
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path
from typing import Any

from .._atomic import check_writable
from .._random import resolve_seed
from ..errors import InputError, MamsetsError, MamsetsWarning
from ._common import print_warnings

__all__ = ["register", "run"]


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "claims",
        help="the figure's claims, and which of them your data support, contradict or cannot see",
        description=(
            "'mamsets claims list' prints the figure's directional claims (one per caption clause "
            "and subject, with the level each is made at). 'mamsets claims TABLE -o OUTDIR' tests "
            "each claim on a DE table or .rnk: a competitive rank test of the claim's members "
            "against all other genes, a shift with its 95 percent interval in the table's units, and a "
            "verdict (supported, contradicted, inconclusive, not_testable)."
        ),
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    p.add_argument("table", metavar="TABLE", help="'list', or a results table (CSV/TSV) or .rnk")
    p.add_argument("-o", "--output", metavar="OUTDIR", help="output folder (required with TABLE)")
    p.add_argument("--force", action="store_true", help="replace OUTDIR if it exists")
    p.add_argument("--data-level", choices=("transcript", "protein", "phosphosite"), default=None,
                   help="what the table measures (default: detected from the table)")
    p.add_argument("--site-map", metavar="FILE",
                   help="phosphosites: species site id -> human site id (e.g. MoTrPAC's "
                        "RAT_TO_HUMAN_SITE.tsv.gz); the table is then read with read_sites")
    p.add_argument("--proxy", action="store_true",
                   help="also test activity and localisation claims on member expression, labelled "
                        "as a proxy")
    p.add_argument("--contrast-is", choices=("exercise", "opposite"), default="exercise",
                   help="'opposite' for inactivity-type contrasts (each claim then predicts the "
                        "other sign)")
    p.add_argument("--seed", type=int, default=None,
                   help="random seed (default: fresh entropy, printed and recorded)")
    p.add_argument("--n-perm", type=int, default=100_000, help="random member sets for p-values")
    p.add_argument("--alpha", type=float, default=0.05, help="verdict threshold on padj")
    p.add_argument("--gene-column", metavar="G",
                   help="gene column, or site-id column for phosphosites (auto-detected)")
    p.add_argument("--score-column", metavar="S", help="score column (auto: stat, z, t, ...)")
    p.add_argument("--contrast-column", metavar="C", help="contrast column of a long table")
    p.add_argument("--contrast", action="append", metavar="NAME",
                   help="test only this contrast (repeat for several)")
    p.add_argument("--dropna", action="store_true", help="drop rows without gene id or score")
    p.add_argument("--drop-malformed", action="store_true",
                   help="phosphosites: drop malformed site ids (listed in the report) instead of "
                        "stopping at the first")
    p.add_argument("--duplicates", choices=("error", "max_abs", "mean", "first"), default="error",
                   help="what to do with genes listed more than once")
    p.add_argument("--species", help="species of your genes or sites (human, mouse, rat); detected "
                                     "for genes")
    p.add_argument("--id-type", help="identifier type (symbol, entrez, ensembl); detected")
    p.add_argument("--no-plots", dest="plots", action="store_false",
                   help="skip the plots (drawn by default)")
    p.set_defaults(func=run)


def _list() -> int:
    from ..io.claims import figure_claims

    t = figure_claims()
    for r in t.itertuples(index=False):
        part = f" [{', '.join(r.members)}]" if r.members else ""
        ctx = f" (in {r.context})" if r.context else ""
        print(f"{r.claim_id:<24} {r.direction:<4} {r.level:<12} {r.subject}{part}{ctx}")
        print(f"{'':<24} \"{r.clause}\"")
    print(f"\n{len(t)} claims; the level says what data can test each (transcript, protein, "
          "activity, localisation, metabolite).")
    return 0


def _read(path: Path, args: argparse.Namespace) -> Any:
    """The table as a gene-level Ranking, or as human sites (read_sites) for phosphosite data."""
    from ..io.ranking import read_ranking, table_level
    from ..io.sites import read_sites

    if args.site_map or args.data_level == "phosphosite":
        return read_sites(path, site_column=args.gene_column, site_map=args.site_map,
                          species=args.species, score=args.score_column,
                          contrast_column=args.contrast_column, dropna=args.dropna,
                          duplicates=args.duplicates, on_malformed="drop" if args.drop_malformed else "raise")
    hint = ("pass --site-map FILE to map them to human sites (or --data-level phosphosite "
            "--species human if the ids are human UniProt sites)")
    try:
        ranking = read_ranking(path, gene_column=args.gene_column, score=args.score_column,
                               contrast_column=args.contrast_column, duplicates=args.duplicates,
                               dropna=args.dropna)
    except InputError:
        # a site table read as genes usually fails on repeated gene symbols: say what it is
        level, why = table_level(path) if args.data_level is None else (args.data_level, "")
        if level == "phosphosite":
            raise InputError(f"{path} holds phosphosites ({why}); {hint}") from None
        raise
    if ranking.level == "phosphosite" and args.data_level is None:
        raise InputError(f"{path} holds phosphosites ({ranking.level_evidence}); {hint}")
    return ranking


def run(args: argparse.Namespace) -> int:
    if args.table == "list":
        return _list()
    from ..engines.claims import claims
    from ..report.claims import claims_text, write_claims_outputs
    from ._common import use_file_backend
    from .gsea import cli_words

    if not args.output:
        raise InputError("give an output folder with -o OUTDIR (or 'mamsets claims list')")
    out = Path(args.output)
    check_writable(out, args.force)
    path = Path(args.table)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such table (or use 'mamsets claims list')")
    seed = args.seed if args.seed is not None else resolve_seed(None)[1]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", MamsetsWarning)
        try:
            ranking = _read(path, args)
            if args.contrast:
                ranking = ranking.select(args.contrast)
        except MamsetsError as exc:  # the readers' hints name keywords: say this command's flags
            raise InputError(cli_words(str(exc))) from None
        res = claims(ranking, data_level=args.data_level, proxy=args.proxy, alpha=args.alpha,
                     n_perm=args.n_perm, rng=seed, species=args.species, id_type=args.id_type,
                     contrast_is=args.contrast_is)
    print_warnings(caught, "claims")
    use_file_backend(args)
    written = write_claims_outputs(res, out, overwrite=args.force, plots=args.plots,
                                   input_metadata=ranking.metadata())
    print(claims_text(res))
    n_plots = sum(1 for k in written if k.startswith("plot:"))
    print(f"seed {seed} (--seed {seed} repeats this run); wrote {out}/: claims.tsv, "
          f"claims_members.tsv, params.json, summary.txt, report.html"
          + (f", plots/ ({n_plots})" if n_plots else ""), file=sys.stdout)
    return 0
