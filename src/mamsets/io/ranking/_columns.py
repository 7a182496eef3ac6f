"""Recognise a results table's columns: gene identifiers, statistic, fold change, p-values."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from ...errors import InputError

#: Column names per role, in order of preference. Matching is exact first, then
#: on a normalised key (lower case, only letters and digits).
_STAT_NAMES: tuple[str, ...] = ("stat", "z", "t")
_LFC_NAMES: tuple[str, ...] = (
    "log2FoldChange",
    "logFC",
    "avg_log2FC",
    "avg_logFC",
    "log2FC",
    "lfc",
)
_PVAL_NAMES: tuple[str, ...] = ("pvalue", "P.Value", "PValue", "p_val", "pval", "p")
_PADJ_NAMES: tuple[str, ...] = (
    "padj",
    "adj.P.Val",
    "FDR",
    "p_val_adj",
    "adj.p.value",
    "qvalue",
    "q_value",
)
_GENE_NAMES: tuple[str, ...] = (
    "gene_symbol",
    "symbol",
    "gene_name",
    "gene",
    "genes",
    "name",
    "gene_id",
    "feature_ID",
    "featureName",
    "feature",
    "ensembl_gene_id",
    "ensembl",
    "entrez",
    "entrez_id",
    "id",
)
_CONTRAST_NAMES: tuple[str, ...] = ("contrast", "comparison")

#: The documented order in which the ranking score is chosen (first available wins).
SCORE_ORDER: tuple[str, ...] = (
    "stat (DESeq2 Wald statistic)",
    "z (z-score equivalent of a moderated t; MoTrPAC stores it unrounded)",
    "t (limma moderated t)",
    "sign(log fold change) * -log10(p-value) (edgeR, Seurat, DESeq2 without stat)",
    "the only numeric column (two-column tables such as GSEA .rnk)",
)


def _key(name: object) -> str:
    return re.sub(r"[^a-z0-9]", "", str(name).lower())


def _find(columns: Iterable[object], names: Iterable[str]) -> str | None:
    cols = [c for c in columns if isinstance(c, str)]
    for n in names:
        if n in cols:
            return n
    by_key: dict[str, str] = {}
    for c in cols:
        by_key.setdefault(_key(c), c)
    for n in names:
        if _key(n) in by_key:
            return by_key[_key(n)]
    return None


def _gene_text(value: object) -> str | None:
    """Identifier as text: strip whitespace, integers (Entrez ids) without '.0', missing -> None."""
    if value is None:
        return None
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, (float, np.floating)):
        if not np.isfinite(value):
            return None
        return str(int(value)) if float(value).is_integer() else str(value)
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    text = str(value).strip()
    return text or None


def _gene_values(df: pd.DataFrame, gene_column: str | None) -> tuple[pd.Series, str]:
    if gene_column is not None:
        if gene_column in ("<index>", df.index.name) and gene_column not in df.columns:
            return pd.Series(df.index, index=df.index), "<index>"
        if gene_column not in df.columns:
            raise InputError(
                f"gene_column={gene_column!r} is not a column of the table; columns are "
                f"{list(map(str, df.columns))} (use '<index>' for the row index)"
            )
        return df[gene_column], gene_column
    col = _find(df.columns, _GENE_NAMES)
    if col is not None:
        return df[col], col
    first = df.columns[0] if len(df.columns) else None
    if first is not None and (str(first).startswith("Unnamed") or str(first) == ""):
        return df[first], str(first)
    if not isinstance(df.index, pd.RangeIndex) and not pd.api.types.is_numeric_dtype(df.index):
        return pd.Series(df.index, index=df.index), "<index>"
    # a table whose first column holds text (e.g. an unlabeled gene column)
    if first is not None and not pd.api.types.is_numeric_dtype(df[first]):
        return df[first], str(first)
    raise InputError(
        f"cannot find the gene identifiers: no column named like {list(_GENE_NAMES[:8])}..., "
        f"and the row index is a plain number range; columns seen: {list(map(str, df.columns))}. "
        "Pass gene_column='<name>'"
    )


_SCORE_NAMES = ("stat", "t", "z", "log2FoldChange", "logFC", "avg_log2FC", "pvalue", "P.Value",
                "PValue", "p_val")


def _unrecognised(df: pd.DataFrame) -> InputError:
    # a recognised column read as text: usually decimal commas (R write.csv2, European Excel)
    text = [c for c in _SCORE_NAMES if c in df.columns and not pd.api.types.is_numeric_dtype(df[c])]
    if text:
        example = next((str(v) for v in df[text[0]] if isinstance(v, str)), "")
        return InputError(
            f"column(s) {text} hold text, not numbers (e.g. {example!r}); if the file uses decimal "
            "commas (R write.csv2, European spreadsheets), re-save it with decimal points or read "
            "it with pandas.read_csv(..., sep=';', decimal=',') and pass the DataFrame"
        )
    return InputError(
        f"cannot choose a ranking score: columns seen {list(map(str, df.columns))}. mamsets recognises "
        "a test statistic (DESeq2 'stat', limma 't' or 'z'), or a log fold change "
        "('log2FoldChange', 'logFC', 'avg_log2FC') together with a p-value ('pvalue', 'P.Value', "
        "'PValue', 'p_val'), or a two-column gene/score table (.rnk). Pass score='<column>' to rank "
        "by any numeric column, or gene_column= if the gene column was taken as the score"
    )


def _style(cols: Mapping[str, str], df: pd.DataFrame) -> str:
    stat = cols.get("stat_raw")
    names = set(map(str, df.columns))
    if "log2FoldChange" in names or stat == "stat":
        return "DESeq2"
    if "avg_log2FC" in names or "avg_logFC" in names or "p_val" in names:
        return "Seurat"
    if "z" in names and "t" in names:
        return "MoTrPAC"
    if "t" in names or "P.Value" in names or "adj.P.Val" in names:
        return "limma"
    if "PValue" in names or "FDR" in names:
        return "edgeR"
    return "custom"
