"""Up and down gene lists, and their universe, from a differential-expression table.

:func:`gene_lists_from_table` is what ``mamsets ora --from-table`` runs: it finds
the gene, adjusted p-value and log fold change columns (DESeq2, limma, edgeR and
Seurat names are recognised), selects ``up`` and ``down`` genes by thresholds,
and takes as universe every gene of the table with an identifier, an adjusted
p-value and a fold change. A long table with a contrast column (or Seurat
FindAllMarkers' ``cluster``, named explicitly) gives lists per contrast.

It keeps its own column detection rather than
:func:`mamsets.io.ranking.read_ranking`'s: ORA needs an adjusted p-value and a
fold change, not a ranking score, and rows without statistics stay out of the
universe (they could not have been selected). A gene identifier that occurs
twice (in one contrast) is an error by default, listing examples and the ways
out: a contrast column when the rows belong to several contrasts or clusters
(picking one row per gene would mix them), or ``duplicates="min_padj"`` (each
gene's row with the smallest adjusted p) / ``duplicates="first"`` (its first
row). Messages name the ``mamsets ora`` flags, which are these keyword names in
kebab-case.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from ..errors import DroppedInputWarning, DuplicateGeneWarning, InputError
from .genelists import ROW_NAMES, read_text_table

if TYPE_CHECKING:
    from .ranking import Ranking

__all__ = [
    "CONTRAST_COLUMNS",
    "DUPLICATES",
    "GENE_COLUMNS",
    "LFC_COLUMNS",
    "PADJ_COLUMNS",
    "GeneListSelection",
    "GeneLists",
    "NothingSelectedError",
    "gene_lists_from_table",
]

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
LFC_COLUMNS = ("log2FoldChange", "logFC", "avg_log2FC", "avg_logFC", "log2FC", "lfc")
#: Columns naming the contrast of each row of a long table (matched ignoring case).
CONTRAST_COLUMNS = ("contrast", "comparison")
#: ``duplicates`` choices: what to do with a gene identifier that occurs more than once.
DUPLICATES = ("error", "min_padj", "first")
_DUPLICATES_RULE = {"error": "error", "min_padj": "smallest adjusted p", "first": "first"}
_STYLE_BY_PADJ = {"padj": "DESeq2", "adj.P.Val": "limma", "FDR": "edgeR", "p_val_adj": "Seurat"}

Duplicates = Literal["error", "min_padj", "first"]


class NothingSelectedError(InputError):
    """No gene passes the thresholds (in one contrast, or in any contrast).

    ``skipped`` maps each contrast left out to the reason, when the table had
    several contrasts.
    """

    def __init__(self, message: str, skipped: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.skipped = dict(skipped or {})


@dataclass(frozen=True)
class GeneLists:
    """The gene lists and universe selected from one contrast of a DE table.

    Attributes
    ----------
    queries : dict of str to list of str
        ``{"up": [...], "down": [...]}``, each in table order; an empty list is
        left out (at least one is present).
    universe : list of str
        Every gene of the contrast with an identifier, an adjusted p-value and a
        fold change (after the ``duplicates`` rule).
    info : dict
        What was done, JSON-ready: the columns used, thresholds, row counts
        (``n_rows``, ``n_rows_without_id``, ``n_rows_without_statistics``,
        ``n_duplicated_ids``), the ``duplicates`` rule, ``n_up``/``n_down``, the
        selection rule in words, and ``contrast_column`` for a long table.
    table : pandas.DataFrame
        The universe's genes (index ``gene``) with their ``lfc`` and ``padj``.
    """

    queries: dict[str, list[str]]
    universe: list[str]
    info: dict[str, Any]
    table: pd.DataFrame = field(repr=False)


@dataclass(frozen=True)
class GeneListSelection:
    """Result of :func:`gene_lists_from_table`.

    Attributes
    ----------
    lists : dict of str to GeneLists
        Per contrast, in table order; a table without a contrast column gives
        one entry named ``""``.
    skipped : dict of str to str
        Contrasts in which no gene passed the thresholds, with the reason.
    contrast_column : str or None
        The column that split the table, if any.
    source : str
        The table's label: its path, or the ``name`` given (``"table"`` for a frame).
    """

    lists: dict[str, GeneLists]
    skipped: dict[str, str]
    contrast_column: str | None
    source: str

    def ranking(self, source: str | None = None) -> Ranking:
        """The measured genes ranked by log fold change, per contrast, as a :class:`Ranking`.

        For the report's member heatmap (which members of each set moved) and
        ``ranking.tsv``; the ORA itself uses only the lists and the universe. A
        table without a contrast column gives one contrast named after the file.
        ``source`` is recorded as the Ranking's source (default :attr:`source`).
        """
        from .ranking import Ranking, ties_fraction

        tables: dict[str, pd.DataFrame] = {}
        infos: dict[str, dict[str, Any]] = {}
        for contrast, lists in self.lists.items():
            name = contrast or Path(self.source).name
            t = lists.table.assign(score=lists.table["lfc"])[["score", "lfc", "padj"]]
            t = t.sort_values("score", ascending=False, kind="stable")
            t.index = pd.Index(t.index.astype(str), name="gene", dtype=object)
            tables[name], infos[name] = t, lists.info
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
            source=self.source if source is None else source,
            n_rows=sum(i["n_rows"] for i in infos.values()),
            n_dropped_missing_gene={c: i["n_rows_without_id"] for c, i in infos.items()},
            n_dropped_nonfinite={c: i["n_rows_without_statistics"] for c, i in infos.items()},
            n_duplicates_resolved={c: i["n_duplicated_ids"] for c, i in infos.items()},
            ties={c: ties_fraction(t["score"]) for c, t in tables.items()},
            duplicates=_DUPLICATES_RULE[first.get("duplicates", "error")],
        )


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


def _as_frame(
    table: str | os.PathLike[str] | pd.DataFrame, name: str | None
) -> tuple[pd.DataFrame, str]:
    if isinstance(table, pd.DataFrame):
        df = table
        if not isinstance(df.index, pd.RangeIndex):  # e.g. PyDESeq2: genes as the index
            df = df.reset_index(names=df.index.name or ROW_NAMES)
        return df, name or "table"
    path = Path(table)
    if path.name.lower().removesuffix(".gz").endswith(".rnk"):
        raise InputError(
            f"{path}: a .rnk ranked list has no adjusted p-values or fold changes to select "
            "up/down genes from; run `mamsets gsea` on it, or give gene lists and --universe"
        )
    return read_text_table(path), name or str(path)


def gene_lists_from_table(
    table: str | os.PathLike[str] | pd.DataFrame,
    *,
    gene_column: str | None = None,
    padj_column: str | None = None,
    lfc_column: str | None = None,
    padj_max: float = 0.05,
    lfc_min: float = 0.0,
    contrast_column: str | None = None,
    duplicates: Duplicates = "error",
    name: str | None = None,
) -> GeneListSelection:
    """Select ``up`` and ``down`` gene lists and their universe from a DE results table.

    Parameters
    ----------
    table : path or pandas.DataFrame
        A CSV/TSV file (read with :func:`mamsets.io.genelists.read_text_table`)
        or a frame; a frame's non-range index (e.g. PyDESeq2's gene names)
        becomes a column. A ``.rnk`` file is refused (it has no p-values).
    gene_column, padj_column, lfc_column : str, optional
        Columns of gene identifiers, adjusted p-values and log fold changes;
        detected from :data:`GENE_COLUMNS`, :data:`PADJ_COLUMNS` and
        :data:`LFC_COLUMNS` (R row names serve as genes when no gene column is
        found).
    padj_max : float
        Select genes with adjusted p <= this; in (0, 1].
    lfc_min : float
        And ``|log fold change| >= lfc_min`` (>= 0); the fold change must be
        non-zero, its sign making the gene ``up`` or ``down``.
    contrast_column : str, optional
        Column naming the contrast of each row; each contrast gets its own lists
        and universe. Detected from :data:`CONTRAST_COLUMNS` (ignoring case).
    duplicates : {"error", "min_padj", "first"}
        A gene occurring more than once (in one contrast): raise an error naming
        examples, keep its row with the smallest adjusted p (the first of ties),
        or its first row.
    name : str, optional
        Label of the table in messages and in ``info["table"]``; the path by
        default (``"table"`` for a frame).

    Returns
    -------
    GeneListSelection
        Lists, universe and record of what was dropped, per contrast.

    Raises
    ------
    mamsets.InputError
        Bad thresholds or ``duplicates``; a column that is not in the table or
        cannot be detected; duplicated genes with ``duplicates="error"``; missing
        contrast labels; a contrast without any complete row.
    NothingSelectedError
        No gene passes the thresholds (in any contrast).

    Warns
    -----
    mamsets.DroppedInputWarning
        Rows without a gene identifier, or without statistics.
    mamsets.DuplicateGeneWarning
        Duplicated genes resolved by ``duplicates="min_padj"`` or ``"first"``.

    Examples
    --------
    >>> import pandas as pd
    >>> de = pd.DataFrame({"gene": ["A", "B", "C", "D"], "padj": [0.01, 0.02, 0.5, 0.03],
    ...                    "log2FoldChange": [1.5, -2.0, 3.0, 0.1]})
    >>> sel = gene_lists_from_table(de, lfc_min=1.0)
    >>> sel.lists[""].queries
    {'up': ['A'], 'down': ['B']}
    >>> sel.lists[""].universe
    ['A', 'B', 'C', 'D']
    """
    if not (0 < padj_max <= 1):
        raise InputError(f"--padj-max {padj_max}: must be in (0, 1]")
    if lfc_min < 0:
        raise InputError(f"--lfc-min {lfc_min}: must be >= 0 (it bounds |log fold change|)")
    if duplicates not in DUPLICATES:
        raise InputError(f"--duplicates {duplicates!r}: choose one of {list(DUPLICATES)}")
    df, label = _as_frame(table, name)
    if contrast_column is not None:
        if contrast_column not in df.columns:
            raise InputError(
                f"--contrast-column {contrast_column!r}: no such column; columns seen: "
                f"{list(df.columns)[:30]}"
            )
    else:
        contrast_column = next((c for c in df.columns if str(c).lower() in CONTRAST_COLUMNS), None)
    columns = (gene_column, padj_column, lfc_column)
    if contrast_column is None:
        lists = _from_frame(df, label, *columns, padj_max, lfc_min, duplicates)
        return GeneListSelection({"": lists}, {}, None, label)
    labels = df[contrast_column]
    if labels.isna().any():
        raise InputError(
            f"{label}: contrast column {contrast_column!r} has {int(labels.isna().sum())} missing "
            "values; fill or drop those rows"
        )
    out: dict[str, GeneLists] = {}
    skipped: dict[str, str] = {}
    for contrast in dict.fromkeys(labels):
        part = df[labels == contrast].drop(columns=contrast_column).reset_index(drop=True)
        where = f"{label}, contrast {contrast!r}"
        try:
            lists = _from_frame(part, where, *columns, padj_max, lfc_min, duplicates)
        except NothingSelectedError as exc:
            skipped[str(contrast)] = str(exc)
        else:
            lists.info["contrast_column"] = contrast_column
            out[str(contrast)] = lists
    if not out:
        raise NothingSelectedError(
            f"{label}: no contrast has genes with adjusted p <= {padj_max} and |log fold change| "
            f">= {lfc_min}; nothing to test (relax --padj-max / --lfc-min)",
            skipped,
        )
    return GeneListSelection(out, skipped, contrast_column, label)


def _groups(df: pd.DataFrame, gene_column: str, column: str) -> bool:
    """Whether ``column`` looks like a contrast/cluster label that separates duplicated genes."""
    values = df[column]
    if not 2 <= values.nunique() <= 100:
        return False
    num = pd.to_numeric(values, errors="coerce")
    if num.notna().all() and (num % 1 != 0).any():
        return False  # a measurement (e.g. pct.1), not a label
    return not df[[gene_column, column]].duplicated().any()


def _gene_text(values: pd.Series) -> pd.Series:
    """Identifiers as stripped text (missing stays missing); numbers (Entrez ids) as text."""
    if values.dtype != object:
        values = values.astype(str).where(values.notna())
    return values.str.strip()


def _duplicates_error(
    df: pd.DataFrame, label: str, cols: tuple[str, str, str], dup_genes: list[str], n_dup: int
) -> InputError:
    gcol, pcol, _ = cols
    groups = [str(c) for c in df.columns if c not in cols and _groups(df, gcol, c)]
    hint = (
        "if the rows belong to several contrasts or clusters (e.g. Seurat "
        f"FindAllMarkers), pass --contrast-column {groups[0]} to test each separately "
        f"(candidates: {groups[:4]}); otherwise "
        if groups
        else ""
    )
    return InputError(
        f"{label}: {len(dup_genes)} gene identifier(s) occur more than once in {gcol!r} "
        f"({n_dup} extra rows), e.g. {dup_genes[:5]}; {hint}pass --duplicates min_padj (keep each "
        f"gene's row with the smallest {pcol}) or --duplicates first (keep its first "
        "row), or make the identifiers unique (e.g. --gene-column with an Ensembl id "
        "column)"
    )


def _from_frame(
    df: pd.DataFrame,
    label: str,
    gene_column: str | None,
    padj_column: str | None,
    lfc_column: str | None,
    padj_max: float,
    lfc_min: float,
    duplicates: str = "error",
) -> GeneLists:
    """The lists, universe and record of one contrast (see :func:`gene_lists_from_table`)."""
    no_gene_column = not any(c in df.columns for c in GENE_COLUMNS)
    if gene_column is None and no_gene_column and df.columns[0] == ROW_NAMES:
        gene_column = ROW_NAMES  # R's write.csv / write.table row names
    gcol = _pick(df, gene_column, GENE_COLUMNS, "--gene-column", "gene identifiers")
    pcol = _pick(df, padj_column, PADJ_COLUMNS, "--padj-column", "adjusted p-values")
    lcol = _pick(df, lfc_column, LFC_COLUMNS, "--lfc-column", "log fold changes")
    genes = _gene_text(df[gcol])
    padj = pd.to_numeric(df[pcol], errors="coerce")
    lfc = pd.to_numeric(df[lcol], errors="coerce")
    no_id = genes.isna() | (genes == "")
    no_stat = ~no_id & (padj.isna() | lfc.isna())
    if no_id.any():
        warnings.warn(
            f"{label}: {int(no_id.sum())} row(s) without a gene identifier in {gcol!r} ignored",
            DroppedInputWarning,
            stacklevel=3,
        )
    if no_stat.any():
        warnings.warn(
            f"{label}: {int(no_stat.sum())} row(s) without {pcol!r} or {lcol!r} (e.g. filtered "
            "before testing) left out of the universe: they could not have been selected",
            DroppedInputWarning,
            stacklevel=3,
        )
    tab = pd.DataFrame({"gene": genes, "padj": padj, "lfc": lfc})[~(no_id | no_stat)]
    n_dup = int(tab["gene"].duplicated().sum())
    if n_dup:
        dup_genes = list(dict.fromkeys(tab.loc[tab["gene"].duplicated(keep=False), "gene"]))
        if duplicates == "error":
            raise _duplicates_error(df, label, (gcol, pcol, lcol), dup_genes, n_dup)
        kept = (
            f"the row with the smallest {pcol!r}" if duplicates == "min_padj" else "the first row"
        )
        warnings.warn(
            f"{label}: {len(dup_genes)} gene identifier(s) occur more than once in {gcol!r} "
            f"({n_dup} extra rows); kept {kept} for each (--duplicates {duplicates}), "
            f"e.g. {dup_genes[:5]}",
            DuplicateGeneWarning,
            stacklevel=3,
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
        raise NothingSelectedError(
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
    }
    return GeneLists(queries, universe, info, tab.set_index("gene")[["lfc", "padj"]])
