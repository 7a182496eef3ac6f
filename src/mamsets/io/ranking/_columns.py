"""Step 2 of :func:`read_ranking`: recognise the columns of a results table.

Which column holds the genes, which the statistic, log fold change, p-value,
adjusted p-value and contrast; which score to rank by and why; and which tool's
table this looks like (DESeq2, limma, MoTrPAC, edgeR, Seurat, .rnk).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ...errors import InputError

__all__ = ["SCORE_ORDER", "ColumnChoice", "recognise_columns", "table_style"]

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


def _offending(col: pd.Series) -> tuple[str, int]:
    """The first value of a text column that is not a number, and its 1-based data row."""
    first: tuple[str, int] | None = None
    for i, v in enumerate(col, start=1):
        if isinstance(v, str):
            try:
                float(v)
            except ValueError:
                return v, i
            first = first or (v, i)
    return first or ("", 0)


def _refuse_text_statistic(
    df: pd.DataFrame, source: str, gene_col: str, numeric: tuple[object, ...]
) -> None:
    """A ``stat``/``z``/``t`` column read as text is an error naming a bad value, rather than
    a silent fall-back to another score."""
    text_stat = _find([c for c in df.columns if c != gene_col and c not in numeric], _STAT_NAMES)
    if text_stat is None:
        return
    value, row = _offending(df[text_stat])
    if re.fullmatch(r"\s*[-+]?\d*,\d+\s*", value):
        raise _unrecognised(df, source)  # decimal commas: that message says how to read them
    try:
        float(value)
    except ValueError:
        raise InputError(
            f"{source}: column {text_stat!r} holds text, not numbers (e.g. {value!r}, data row "
            f"{row}); correct the value(s), or pass score='<column>' to rank by another column"
        ) from None


#: Columns that are never a ranking score on their own (compared after _key): abundances,
#: standard errors and unsigned p-values.
_NOT_A_SCORE = frozenset(_key(c) for c in (
    "baseMean", "AveExpr", "logCPM", "lfcSE", "pvalue", "P.Value", "PValue", "padj", "adj.P.Val",
    "FDR", "p_val", "p_val_adj", "qvalue", "expression", "mean", "TPM", "FPKM", "counts",
))


def _unrecognised(df: pd.DataFrame, source: str = "<DataFrame>") -> InputError:
    # a recognised column read as text: usually decimal commas (R write.csv2, European Excel)
    text = [c for c in _SCORE_NAMES if c in df.columns and not pd.api.types.is_numeric_dtype(df[c])]
    if text:
        example, row = _offending(df[text[0]])
        return InputError(
            f"{source}: column(s) {text} hold text, not numbers (e.g. {example!r} in {text[0]!r}, data row "
            f"{row}); if the file uses decimal "
            "commas (R write.csv2, European spreadsheets), re-save it with decimal points or read "
            "it with pandas.read_csv(..., sep=';', decimal=',') and pass the DataFrame"
        )
    return InputError(
        f"{source}: cannot choose a ranking score: columns seen {list(map(str, df.columns))}. mamsets recognises "
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


@dataclass(frozen=True, eq=False)
class ColumnChoice:
    """What each column of a table is for, and which score ranks the genes.

    Attributes
    ----------
    genes : pandas.Series
        The raw gene identifiers, one per row.
    gene_column : str
        Where they came from (a column name or ``"<index>"``).
    numeric : tuple
        Numeric columns other than the gene column, in table order.
    lfc, pval : str or None
        The log fold change and raw p-value columns, if any.
    score_column : str or None
        The column ranked by; None when the score is sign(lfc) * -log10(p).
    score_name : str
        ``score_column``, or ``"sign(<lfc>)*-log10(<p>)"``.
    how : str
        One sentence saying which score was chosen and why.
    columns : dict
        Role (``score``, then ``lfc``, ``pval``, ``padj`` when present) -> input column.
    contrast_column : str or None
        The column naming each row's contrast, if any.
    """

    genes: pd.Series
    gene_column: str
    numeric: tuple[object, ...]
    lfc: str | None
    pval: str | None
    score_column: str | None
    score_name: str
    how: str
    columns: dict[str, str]
    contrast_column: str | None

    @property
    def signed_p(self) -> bool:
        """True when the score is sign(lfc) * -log10(p) rather than a column."""
        return self.score_column is None


def recognise_columns(
    df: pd.DataFrame,
    gene_column: str | None = None,
    score: str | None = None,
    contrast_column: str | None = None,
    *,
    source: str = "<DataFrame>",
) -> ColumnChoice:
    """Find the gene, score, lfc, p-value, adjusted p and contrast columns of ``df``.

    ``gene_column``, ``score`` and ``contrast_column`` are :func:`read_ranking`'s
    arguments (None: recognise by name). Errors name the columns seen.
    """
    genes, gene_col = _gene_values(df, gene_column)
    numeric = tuple(
        c for c in df.columns if c != gene_col and pd.api.types.is_numeric_dtype(df[c])
    )
    lfc_col = _find(numeric, _LFC_NAMES)
    pval_col = _find(numeric, _PVAL_NAMES)
    padj_col = _find(numeric, _PADJ_NAMES)
    stat_col = _find(numeric, _STAT_NAMES)
    if stat_col is None and score is None:
        _refuse_text_statistic(df, source, gene_col, numeric)
    cols: dict[str, str] = {}
    if lfc_col:
        cols["lfc"] = lfc_col
    if pval_col:
        cols["pval"] = pval_col
    if padj_col:
        cols["padj"] = padj_col
    score_col, how = _choose_score(
        df, source, score, numeric, gene_col, stat=stat_col, lfc=lfc_col, pval=pval_col
    )
    if score_col is not None:
        cols = {"score": score_col, **cols}
        score_name = score_col
    else:
        score_name = f"sign({lfc_col})*-log10({pval_col})"
        cols = {"score": score_name, **cols}
    contrast_column = _contrast_column(df, contrast_column, numeric)
    return ColumnChoice(
        genes=genes,
        gene_column=gene_col,
        numeric=numeric,
        lfc=lfc_col,
        pval=pval_col,
        score_column=score_col,
        score_name=score_name,
        how=how,
        columns=cols,
        contrast_column=contrast_column,
    )


def _choose_score(
    df: pd.DataFrame,
    source: str,
    score: str | None,
    numeric: tuple[object, ...],
    gene_col: str,
    *,
    stat: str | None,
    lfc: str | None,
    pval: str | None,
) -> tuple[str | None, str]:
    """The score column (None for sign(lfc) * -log10(p)) and why, in :data:`SCORE_ORDER`."""
    if score is not None and score != "signed_log10p":
        if score not in df.columns:
            raise InputError(
                f"score={score!r} is not a column of {source}; columns are "
                f"{list(map(str, df.columns))}, or use score='signed_log10p'"
            )
        if not pd.api.types.is_numeric_dtype(df[score]):
            value, row = _offending(df[score])
            raise InputError(f"score={score!r}: column {score!r} of {source} is not numeric "
                             f"(e.g. {value!r} in data row {row})")
        return score, f"ranked by column {score!r} (chosen by score=)"
    if score == "signed_log10p":
        if not (lfc and pval):
            raise InputError(
                f"score='signed_log10p' needs a log fold change and a p-value column; found "
                f"lfc={lfc!r}, p-value={pval!r} among {list(map(str, df.columns))}"
            )
        return None, f"ranked by sign({lfc}) * -log10({pval}) (chosen by score=)"
    if stat is not None:
        why = {
            "stat": "DESeq2's Wald statistic",
            "z": "a z-score equivalent of the moderated t, unrounded (preferred over 't')",
            "t": "limma's moderated t statistic",
        }.get(_key(stat), "a test statistic")
        how = f"ranked by column {stat!r}: {why}; the test statistic is preferred when present"
        return stat, how
    if lfc and pval:
        return None, (
            f"ranked by sign({lfc}) * -log10({pval}): no test statistic column "
            "(stat, z, t), so the signed log10 p-value is used"
        )
    if len(numeric) == 1 and len(df.columns) - (gene_col != "<index>") == 1:
        only = numeric[0]
        if _key(only) in _NOT_A_SCORE:
            raise InputError(
                f"{source}: the only numeric column, {only!r}, is an abundance or a p-value, not a "
                "signed score: ranking by it would order genes by expression or significance, not "
                "by change; pass a table with a statistic (stat, t, z) or a log fold change and p-value"
            )
        return only, f"ranked by column {only!r}, the table's only numeric column"  # type: ignore[return-value]
    raise _unrecognised(df, source)


def _contrast_column(
    df: pd.DataFrame, contrast_column: str | None, numeric: tuple[object, ...]
) -> str | None:
    """The given contrast column (checked), else a text column named contrast/comparison."""
    if contrast_column is None:
        return _find([c for c in df.columns if c not in numeric], _CONTRAST_NAMES)
    if contrast_column not in df.columns:
        raise InputError(
            f"contrast_column={contrast_column!r} is not a column; columns are "
            f"{list(map(str, df.columns))}"
        )
    return contrast_column


def table_style(df: pd.DataFrame, choice: ColumnChoice, *, rnk: bool) -> str:
    """The recognised table style (see :attr:`Ranking.style`)."""
    if rnk and choice.score_column in ("score",) and len(df.columns) <= 2:
        return "rnk"
    return _style({"lfc": choice.lfc or "", "stat_raw": choice.score_column or ""}, df)
