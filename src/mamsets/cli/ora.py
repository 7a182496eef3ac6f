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

``--from-table`` keeps its own column detection (``GENE_COLUMNS``,
``PADJ_COLUMNS``, ``LFC_COLUMNS``) rather than
:func:`mamsets.io.ranking.read_ranking`'s: ORA needs an adjusted p-value and a
fold change, not a ranking score (a table with no p-value column works), takes
``--padj-column``/``--lfc-column`` explicitly, and leaves rows without statistics
out of the universe (they could not have been selected). Like ``read_ranking``, a
gene identifier that occurs twice (in one contrast) is an error by default,
listing examples and the ways out: ``--contrast-column`` when the rows belong to
several contrasts or clusters (Seurat FindAllMarkers' ``cluster``; picking one
row per gene would mix clusters), or ``--duplicates min_padj`` (each gene's row
with the smallest adjusted p) / ``--duplicates first`` (its first row).
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import io
import sys
import warnings
from pathlib import Path
from typing import Any

import pandas as pd

from .._atomic import atomic_dir, check_writable
from ..engines.ora import ora
from ..errors import DroppedInputWarning, DuplicateGeneWarning, InputError, MamsetsWarning
from ..io.gmt import read_gmt
from ..report import text_summary, write_run_outputs
from .gsea import default_collection, use_file_backend

__all__ = ["register", "run"]

#: Column names recognised in differential-expression tables, in order of preference.
GENE_COLUMNS = (
    "gene", "gene_id", "gene_symbol", "symbol", "gene_name", "genes", "Gene", "GeneID", "Gene.ID",
    "gene.id", "Symbol", "SYMBOL", "GeneSymbol", "Gene.symbol", "hgnc_symbol",
    "external_gene_name", "ENTREZID", "entrez", "ensembl_gene_id", "ID", "id", "Name",
    "feature", "Feature", "names",
)  # fmt: skip
PADJ_COLUMNS = (
    "padj", "adj.P.Val", "FDR", "p_val_adj", "adj.p.value", "p.adjust", "adj_pval", "q_value",
    "qvalue", "fdr",
)  # fmt: skip
#: Name given to an unnamed first column (row names written by R).
_ROW_NAMES = "(row names)"
LFC_COLUMNS = ("log2FoldChange", "logFC", "avg_log2FC", "avg_logFC", "log2FC", "lfc")
#: Columns naming the contrast of each row of a long table (matched ignoring case).
CONTRAST_COLUMNS = ("contrast", "comparison")
#: ``--duplicates`` choices: what to do with a gene identifier that occurs more than once.
DUPLICATES = ("error", "min_padj", "first")
_DUPLICATES_RULE = {"error": "error", "min_padj": "smallest adjusted p", "first": "first"}


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
    p.set_defaults(func=run)


# ---------------------------------------------------------------------------
# reading
# ---------------------------------------------------------------------------
def _open_text(path: Path) -> str:
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason}); re-save it as UTF-8") from None


def _sep_for(path: Path, first_line: str) -> str:
    name = path.name.lower().removesuffix(".gz")
    if name.endswith(".csv"):
        return ","
    if name.endswith((".tsv", ".tab", ".txt", ".rnk")) or "\t" in first_line:
        return "\t"
    return ","


def _read_table(path: Path) -> pd.DataFrame:
    text = _open_text(path)
    first = text.split("\n", 1)[0]
    sep = _sep_for(path, first)
    try:
        df = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=True, comment=None)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(
            f"{path}: cannot read as a {'comma' if sep == ',' else 'tab'}-separated table: {exc}"
        ) from None
    if not isinstance(df.index, pd.RangeIndex):
        # R's write.table(row.names=TRUE): the header lacks the row-name field, so
        # pandas made the first column the index; bring it back as an unnamed column
        df = df.reset_index(names=_ROW_NAMES)
    first = str(df.columns[0]) if len(df.columns) else ""
    if first == "" or first.startswith("Unnamed: 0"):
        df = df.rename(columns={df.columns[0]: _ROW_NAMES})  # R's write.csv row names
    return df


def _looks_tabular(path: Path) -> bool:
    for line in _open_text(path).splitlines():
        s = line.strip()
        if s and not s.startswith("#"):
            return "\t" in s or "," in s
    return False


def _read_gene_file(path: Path, column: str | None, what: str) -> list[str]:
    """Genes from a one-per-line text file, or from column ``column`` of a table.

    ``column`` is used only for files whose first data line has several fields,
    so a table of genes and a plain list can be mixed (e.g. GENES from a table,
    UNIVERSE as a list).
    """
    if column is not None and _looks_tabular(path):
        df = _read_table(path)
        if column not in df.columns:
            raise InputError(
                f"{path}: no column {column!r} for {what}; columns are {list(df.columns)[:20]} "
                "(pass --column with one of them)"
            )
        values = df[column]
        n_missing = int(values.isna().sum())
        genes = values.dropna().str.strip()
        genes = genes[genes != ""].tolist()
        n_missing += int(len(values) - n_missing - len(genes))
        if n_missing:
            warnings.warn(
                f"{path}: {n_missing} row(s) without a gene id in column {column!r} ignored",
                DroppedInputWarning,
                stacklevel=2,
            )
        return genes
    genes = []
    for lineno, line in enumerate(_open_text(path).splitlines(), start=1):
        s = line.strip()
        if not s or s.startswith("#"):
            continue
        if "\t" in s or "," in s:
            cols = [c.strip() for c in s.replace(",", "\t").split("\t")]
            raise InputError(
                f"{path}, line {lineno}: several fields ({cols[:6]}); this looks like a table: "
                "pass --column NAME to say which column holds the genes"
            )
        genes.append(s)
    if not genes:
        raise InputError(f"{path}: no genes found ({what} needs one gene per line)")
    return genes


def _pick(
    df: pd.DataFrame, given: str | None, candidates: tuple[str, ...], flag: str, what: str
) -> str:
    if given is not None:
        if given not in df.columns:
            raise InputError(
                f"{flag} {given!r}: no such column; columns seen: {list(df.columns)[:30]}"
            )
        return given
    for c in candidates:
        if c in df.columns:
            return c
    raise InputError(
        f"cannot tell which column holds the {what}; columns seen: {list(df.columns)[:30]}. "
        f"Pass {flag} NAME"
    )


def _lists_from_table(
    path: Path,
    gene_column: str | None,
    padj_column: str | None,
    lfc_column: str | None,
    padj_max: float,
    lfc_min: float,
    contrast_column: str | None = None,
    duplicates: str = "error",
) -> dict[str, tuple[dict[str, list[str]], list[str], dict[str, Any]]]:
    """Per contrast: the ``up``/``down`` lists, the universe and what was done, from a DE table.

    A table without a contrast column gives one entry named ``""``.
    """
    if not (0 < padj_max <= 1):
        raise InputError(f"--padj-max {padj_max}: must be in (0, 1]")
    if lfc_min < 0:
        raise InputError(f"--lfc-min {lfc_min}: must be >= 0 (it bounds |log fold change|)")
    if duplicates not in DUPLICATES:
        raise InputError(f"--duplicates {duplicates!r}: choose one of {list(DUPLICATES)}")
    if path.name.lower().removesuffix(".gz").endswith(".rnk"):
        raise InputError(
            f"{path}: a .rnk ranked list has no adjusted p-values or fold changes to select "
            "up/down genes from; run `mamsets gsea` on it, or give gene lists and --universe"
        )
    df = _read_table(path)
    if contrast_column is not None:
        if contrast_column not in df.columns:
            raise InputError(
                f"--contrast-column {contrast_column!r}: no such column; columns seen: "
                f"{list(df.columns)[:30]}"
            )
    else:
        contrast_column = next((c for c in df.columns if str(c).lower() in CONTRAST_COLUMNS), None)
    if contrast_column is None:
        return {
            "": _lists_from_frame(
                df, str(path), gene_column, padj_column, lfc_column, padj_max, lfc_min, duplicates
            )
        }
    labels = df[contrast_column]
    if labels.isna().any():
        raise InputError(
            f"{path}: contrast column {contrast_column!r} has {int(labels.isna().sum())} missing "
            "values; fill or drop those rows"
        )
    out = {}
    for contrast in dict.fromkeys(labels):
        part = df[labels == contrast].drop(columns=contrast_column).reset_index(drop=True)
        label = f"{path}, contrast {contrast!r}"
        try:
            out[str(contrast)] = _lists_from_frame(
                part, label, gene_column, padj_column, lfc_column, padj_max, lfc_min, duplicates
            )
        except _NothingSelected as exc:
            print(f"mamsets ora: {exc}; contrast not tested", file=sys.stderr)
        else:
            out[str(contrast)][2]["contrast_column"] = contrast_column
    if not out:
        raise InputError(
            f"{path}: no contrast has genes with adjusted p <= {padj_max} and |log fold change| "
            f">= {lfc_min}; nothing to test (relax --padj-max / --lfc-min)"
        )
    return out


def _groups(df: pd.DataFrame, gene_column: str, column: str) -> bool:
    """Whether ``column`` looks like a contrast/cluster label that separates duplicated genes."""
    values = df[column]
    if not 2 <= values.nunique() <= 100:
        return False
    num = pd.to_numeric(values, errors="coerce")
    if num.notna().all() and (num % 1 != 0).any():
        return False  # a measurement (e.g. pct.1), not a label
    return not df[[gene_column, column]].duplicated().any()


class _NothingSelected(InputError):
    """No gene passes the thresholds (in one contrast)."""


def _lists_from_frame(
    df: pd.DataFrame,
    label: str,
    gene_column: str | None,
    padj_column: str | None,
    lfc_column: str | None,
    padj_max: float,
    lfc_min: float,
    duplicates: str = "error",
) -> tuple[dict[str, list[str]], list[str], dict[str, Any]]:
    """``{"up": [...], "down": [...]}``, the universe and what was done, from one contrast.

    A gene identifier occurring more than once raises :class:`InputError` unless
    ``duplicates`` is ``"min_padj"`` (keep its row with the smallest adjusted p,
    the first of ties) or ``"first"`` (keep its first row); either is reported
    with a :class:`DuplicateGeneWarning`.
    """
    no_gene_column = not any(c in df.columns for c in GENE_COLUMNS)
    if gene_column is None and no_gene_column and df.columns[0] == _ROW_NAMES:
        gene_column = _ROW_NAMES  # R's write.csv / write.table row names
    gcol = _pick(df, gene_column, GENE_COLUMNS, "--gene-column", "gene identifiers")
    pcol = _pick(df, padj_column, PADJ_COLUMNS, "--padj-column", "adjusted p-values")
    lcol = _pick(df, lfc_column, LFC_COLUMNS, "--lfc-column", "log fold changes")
    genes = df[gcol].str.strip()
    padj = pd.to_numeric(df[pcol], errors="coerce")
    lfc = pd.to_numeric(df[lcol], errors="coerce")
    no_id = genes.isna() | (genes == "")
    no_stat = ~no_id & (padj.isna() | lfc.isna())
    if no_id.any():
        warnings.warn(
            f"{label}: {int(no_id.sum())} row(s) without a gene identifier in {gcol!r} ignored",
            DroppedInputWarning,
            stacklevel=2,
        )
    if no_stat.any():
        warnings.warn(
            f"{label}: {int(no_stat.sum())} row(s) without {pcol!r} or {lcol!r} (e.g. filtered "
            "before testing) left out of the universe: they could not have been selected",
            DroppedInputWarning,
            stacklevel=2,
        )
    tab = pd.DataFrame({"gene": genes, "padj": padj, "lfc": lfc})[~(no_id | no_stat)]
    n_dup = int(tab["gene"].duplicated().sum())
    if n_dup:
        dup_genes = list(dict.fromkeys(tab.loc[tab["gene"].duplicated(keep=False), "gene"]))
        dups = dup_genes[:5]
        if duplicates == "error":
            groups = [
                str(c) for c in df.columns if c not in (gcol, pcol, lcol) and _groups(df, gcol, c)
            ]
            hint = (
                "if the rows belong to several contrasts or clusters (e.g. Seurat "
                f"FindAllMarkers), pass --contrast-column {groups[0]} to test each separately "
                f"(candidates: {groups[:4]}); otherwise "
                if groups
                else ""
            )
            raise InputError(
                f"{label}: {len(dup_genes)} gene identifier(s) occur more than once in {gcol!r} "
                f"({n_dup} extra rows), e.g. {dups}; {hint}pass --duplicates min_padj (keep each "
                f"gene's row with the smallest {pcol}) or --duplicates first (keep its first "
                "row), or make the identifiers unique (e.g. --gene-column with an Ensembl id "
                "column)"
            )
        kept = (
            f"the row with the smallest {pcol!r}" if duplicates == "min_padj" else "the first row"
        )
        warnings.warn(
            f"{label}: {len(dup_genes)} gene identifier(s) occur more than once in {gcol!r} "
            f"({n_dup} extra rows); kept {kept} for each (--duplicates {duplicates}), "
            f"e.g. {dups}",
            DuplicateGeneWarning,
            stacklevel=2,
        )
        if duplicates == "min_padj":
            tab = tab.sort_values("padj", kind="stable")
        tab = tab.drop_duplicates("gene", keep="first")
        if duplicates == "min_padj":
            tab = tab.sort_index()  # back to the table's order
    sig = tab["padj"] <= padj_max
    up = tab.loc[sig & (tab["lfc"] > 0) & (tab["lfc"] >= lfc_min), "gene"].tolist()
    down = tab.loc[sig & (tab["lfc"] < 0) & (tab["lfc"] <= -lfc_min), "gene"].tolist()
    universe = tab["gene"].tolist()
    if not universe:
        raise InputError(f"{label}: no row has a gene identifier, {pcol!r} and {lcol!r}")
    queries = {name: lst for name, lst in (("up", up), ("down", down)) if lst}
    if not queries:
        raise _NothingSelected(
            f"{label}: no gene has {pcol} <= {padj_max} and |{lcol}| >= {lfc_min}; nothing to "
            "test (relax --padj-max / --lfc-min)"
        )
    info = {
        "table": label,
        "gene_column": gcol,
        "padj_column": pcol,
        "lfc_column": lcol,
        "padj_max": padj_max,
        "lfc_min": lfc_min,
        "n_rows": len(df),
        "n_rows_without_id": int(no_id.sum()),
        "n_rows_without_statistics": int(no_stat.sum()),
        "n_duplicated_ids": n_dup,
        "duplicates": duplicates,
        "n_up": len(up),
        "n_down": len(down),
        "selection": f"{pcol} <= {padj_max} and |{lcol}| >= {lfc_min} (non-zero); sign: up/down",
        "universe": "every gene of the table with an identifier, adjusted p-value and fold change",
        # the measured genes with their fold changes, for the report (popped before params)
        "_table": tab.set_index("gene")[["lfc", "padj"]],
    }
    return queries, universe, info


# ---------------------------------------------------------------------------
# run
# ---------------------------------------------------------------------------
def _query_name(path: Path, taken: set[str]) -> str:
    name = path.name
    for suffix in (".gz", ".txt", ".tsv", ".csv", ".tab", ".list"):
        name = name.removesuffix(suffix)
    base, i = name or "query", 2
    while name in taken:
        name, i = f"{base}_{i}", i + 1
    taken.add(name)
    return name


def run(args: argparse.Namespace) -> int:
    from ..report import stack_results

    out = Path(args.output)
    check_writable(out, args.force)  # fail before any work
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if args.from_table:
            if args.genes or args.universe:
                raise InputError(
                    "--from-table builds the gene lists and the universe itself; do not also give "
                    "GENES or --universe"
                )
            runs = _lists_from_table(
                Path(args.from_table),
                args.gene_column,
                args.padj_column,
                args.lfc_column,
                args.padj_max,
                args.lfc_min,
                args.contrast_column,
                args.duplicates,
            )
        else:
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
            taken: set[str] = set()
            queries = {
                _query_name(Path(g), taken): _read_gene_file(Path(g), args.column, "GENES")
                for g in args.genes
            }
            universe = _read_gene_file(Path(args.universe), args.column, "--universe")
            source = {"genes": list(args.genes), "universe": args.universe, "column": args.column}
            runs = {"": (queries, universe, source)}
        collection = read_gmt(args.gmt) if args.gmt else default_collection(args.controls)
        gene_sets = (
            {"source": "gmt", "path": str(args.gmt)}
            if args.gmt
            else {"source": "built-in", "include_raw": False, "controls": bool(args.controls)}
        )
        ranking = _ranking_for_report(runs, args) if args.from_table else None
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
    seen: set[str] = set()
    for w in caught:  # one line per distinct warning
        if str(w.message) not in seen:
            seen.add(str(w.message))
            print(f"mamsets ora: warning: {w.message}", file=sys.stderr)
    long = "" not in runs
    if long:
        res = stack_results(per_contrast)
        first = next(iter(runs.values()))[2]
        common = {k: v for k, v in first.items() if not k.startswith("n_") and k != "table"}
        res = dataclasses.replace(
            res,
            params={
                **res.params,
                "input": {
                    **common,
                    "table": str(args.from_table),
                    "contrasts": list(per_contrast),
                    "per_contrast": "see by_contrast",
                },
            },
        )
    else:
        res = per_contrast[""]
    lines = ["contrast\tquery\tgene\n" if long else "query\tgene\n"]
    uni = ["contrast\tgene\n"] if long else []
    for contrast, (queries, universe, _) in runs.items():
        pre = f"{contrast}\t" if long else ""
        lines += [f"{pre}{name}\t{g}\n" for name, genes in queries.items() for g in genes]
        uni += [f"{pre}{g}\n" for g in universe]
    use_file_backend(args)
    with atomic_dir(out, overwrite=args.force) as tmp:
        # the shared run layout (results.tsv, params.json, summary.txt, report.html, plots/)
        # built inside our own temporary folder, so the inputs as tested join it atomically
        with warnings.catch_warnings():  # the engine already reported identifier issues
            warnings.simplefilter("ignore", MamsetsWarning)
            written = write_run_outputs(
                res, tmp / "run", ranking=ranking, collection=collection, plots=args.plots
            )
        for child in (tmp / "run").iterdir():
            child.rename(tmp / child.name)
        (tmp / "run").rmdir()
        (tmp / "lists.tsv").write_text("".join(lines), encoding="utf-8")
        (tmp / ("universe.tsv" if long else "universe.txt")).write_text(
            "".join(uni), encoding="utf-8"
        )
    n_plots = sum(1 for k in written if k.startswith("plot:"))
    if long:
        for contrast, r in per_contrast.items():
            print(f"[{contrast}]")
            _print_summary(r)
    else:
        _print_summary(res)
    print(text_summary(res, collection=collection, ranking=ranking))
    print(
        f"wrote {out}/: results.tsv, params.json, summary.txt, report.html, "
        + ("ranking.tsv (fold changes), " if ranking is not None else "")
        + (f"plots/ ({n_plots}), " if n_plots else "")
        + f"lists.tsv (the gene lists), {'universe.tsv' if long else 'universe.txt'}"
    )
    return 0


_STYLE_BY_PADJ = {"padj": "DESeq2", "adj.P.Val": "limma", "FDR": "edgeR", "p_val_adj": "Seurat"}


def _ranking_for_report(runs: dict[str, Any], args: argparse.Namespace) -> Any:
    """The measured genes ranked by log fold change, per contrast, for the report.

    Drives the member heatmap (which members of each set moved) and ``ranking.tsv``;
    the ORA itself uses only the lists and the universe. Pops the private
    ``_table`` entry from each contrast's input record.
    """
    from ..io.ranking import Ranking, ties_fraction

    tables: dict[str, pd.DataFrame] = {}
    infos: dict[str, dict[str, Any]] = {}
    for contrast, (_, _, info) in runs.items():
        name = contrast or Path(args.from_table).name
        t = info.pop("_table")
        t = t.assign(score=t["lfc"])[["score", "lfc", "padj"]]
        t = t.sort_values("score", ascending=False, kind="stable")
        t.index = pd.Index(t.index.astype(str), name="gene", dtype=object)
        tables[name], infos[name] = t, info
    first = next(iter(infos.values()))
    lcol, pcol = first["lfc_column"], first["padj_column"]
    return Ranking(
        tables=tables,
        score_name=lcol,
        how_chosen=(
            f"gene lists: {first['selection']}; members shown by {lcol} "
            "(the ORA uses only the lists and the universe)"
        ),
        style=_STYLE_BY_PADJ.get(pcol, "custom"),
        gene_column=first["gene_column"],
        contrast_column=first.get("contrast_column"),
        columns={"score": lcol, "lfc": lcol, "padj": pcol},
        source=str(args.from_table),
        n_rows=sum(i["n_rows"] for i in infos.values()),
        n_dropped_missing_gene={c: i["n_rows_without_id"] for c, i in infos.items()},
        n_dropped_nonfinite={c: i["n_rows_without_statistics"] for c, i in infos.items()},
        n_duplicates_resolved={c: i["n_duplicated_ids"] for c, i in infos.items()},
        ties={c: ties_fraction(t["score"]) for c, t in tables.items()},
        duplicates=_DUPLICATES_RULE[first.get("duplicates", "error")],
    )


def _print_summary(res: Any) -> None:
    p = res.params
    n_out = p["n_sets_dropped_min_size"] + p["n_sets_dropped_max_size"]
    skipped = (
        f"; {n_out} not tested (members in the universe outside --min-size..--max-size)"
        if n_out
        else ""
    )
    print(
        f"mamsets ora: {p['n_queries']} quer{'y' if p['n_queries'] == 1 else 'ies'} x "
        f"{p['n_sets_tested']} sets (of {p['n_sets_in_collection']} in {res.collection_name}"
        f"{skipped}) over a universe of {p['universe_size']:,} genes; "
        f"alternative={p['alternative']}"
    )
    src = p.get("input", {})
    if "selection" in src:
        print(f"  lists from {src['table']}: {src['selection']}")
    t = res.table
    for name, qp in p["queries"].items():
        block = t[t["query"] == name]
        sig = block[block["padj"] < 0.05]
        line = (
            f"  {name}: {qp['n_tested']} genes, {len(sig)} set{'' if len(sig) == 1 else 's'} "
            "with padj < 0.05"
        )
        if not (block["overlap"] > 0).any():
            line += "; no set shares a gene with this list"
        print(line)
