"""Read a user's differential-expression results table into a gene ranking.

A user's real starting point is a results table from DESeq2, limma, edgeR or
Seurat, not a clean ranked list. :func:`read_ranking` recognises those tables by
their column names, picks the ranking score in a fixed, documented order, says
which it chose and why, and refuses (with a message that names the fix) the
things that silently spoil an enrichment run: duplicated genes, missing scores,
and unrecognised columns. Heavy ties in the score give a :class:`TiesWarning`.

Recognised columns (matched exactly, then ignoring case, dots and underscores):

- DESeq2: ``stat``, ``log2FoldChange``, ``pvalue``, ``padj``
- limma ``topTable``: ``t``, ``logFC``, ``P.Value``, ``adj.P.Val``
- edgeR ``topTags``: ``logFC``, ``PValue``, ``FDR`` (no statistic)
- Seurat ``FindMarkers``: ``avg_log2FC``, ``p_val``, ``p_val_adj`` (no statistic)
- MoTrPAC limma tables: ``z`` (unrounded) and ``t`` (rounded), ``logFC``, ``P.Value``, ``adj.P.Val``
- GSEA ``.rnk``: two columns, gene and score
"""

from __future__ import annotations

import logging
import os
import re
import warnings
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..errors import DroppedInputWarning, InputError, TiesWarning

__all__ = [
    "SCORE_ORDER",
    "TIES_WARN_FRACTION",
    "Ranking",
    "read_gene_list",
    "read_ranking",
    "ties_fraction",
]

log = logging.getLogger(__name__)

Duplicates = Literal["error", "max_abs", "mean", "first"]
_DUPLICATE_OPTIONS = ("error", "max_abs", "mean", "first")

#: Fraction of tied scores above which :func:`read_ranking` warns.
TIES_WARN_FRACTION = 0.01

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


def ties_fraction(values: Iterable[float] | pd.Series) -> float:
    """Fraction of scores tied with an earlier score: ``(n - n_unique) / n``.

    With this definition a ranking of ``n`` distinct scores has 0, and one where
    every score is equal has ``(n - 1) / n``. MoTrPAC's rounded ``t`` column
    gives 0.61.
    """
    arr = np.asarray(pd.Series(values, dtype="float64"))
    if arr.size == 0:
        return 0.0
    return float((arr.size - np.unique(arr).size) / arr.size)


@dataclass(frozen=True)
class Ranking:
    """Gene rankings read from a results table, with how they were made.

    Attributes
    ----------
    tables : Mapping[str, pandas.DataFrame]
        Contrast name -> table indexed by gene (index name ``"gene"``), sorted
        by ``score`` decreasing (stable: tied genes keep their input order),
        with a float ``score`` column and, when the input had them, ``lfc``,
        ``pval`` and ``padj``. A table without a contrast column gives one
        entry, named after the file (or ``"ranking"``).
    score_name : str
        The input column used as score, or ``"sign(<lfc>)*-log10(<p>)"``.
    how_chosen : str
        One sentence saying which score was chosen and why.
    style : str
        Recognised table style: ``"DESeq2"``, ``"limma"``, ``"MoTrPAC"``,
        ``"edgeR"``, ``"Seurat"``, ``"rnk"`` or ``"custom"``.
    gene_column : str
        Where the gene identifiers came from (a column name or ``"<index>"``).
    contrast_column : str or None
    columns : Mapping[str, str]
        Role (``score``, ``lfc``, ``pval``, ``padj``) -> input column name.
    source : str
        The path read, or ``"<DataFrame>"`` / ``"<Series>"``.
    n_rows : int
        Rows in the input.
    n_dropped_missing_gene, n_dropped_nonfinite : Mapping[str, int]
        Rows dropped per contrast (only when ``dropna=True``).
    n_duplicates_resolved : Mapping[str, int]
        Rows removed per contrast by the ``duplicates`` rule.
    n_p_zero : Mapping[str, int]
        p-values equal to 0 that were set to the smallest positive double
        before taking logs (signed -log10 p scores only).
    ties : Mapping[str, float]
        :func:`ties_fraction` of each contrast's scores.
    duplicates : str
        The duplicate rule applied.
    """

    tables: Mapping[str, pd.DataFrame]
    score_name: str
    how_chosen: str
    style: str = "custom"
    gene_column: str = "<index>"
    contrast_column: str | None = None
    columns: Mapping[str, str] = field(default_factory=dict)
    source: str = ""
    n_rows: int = 0
    n_dropped_missing_gene: Mapping[str, int] = field(default_factory=dict)
    n_dropped_nonfinite: Mapping[str, int] = field(default_factory=dict)
    n_duplicates_resolved: Mapping[str, int] = field(default_factory=dict)
    n_p_zero: Mapping[str, int] = field(default_factory=dict)
    ties: Mapping[str, float] = field(default_factory=dict)
    duplicates: str = "error"

    def __post_init__(self) -> None:
        for name in (
            "tables",
            "columns",
            "n_dropped_missing_gene",
            "n_dropped_nonfinite",
            "n_duplicates_resolved",
            "n_p_zero",
            "ties",
        ):
            object.__setattr__(self, name, MappingProxyType(dict(getattr(self, name))))
        if not self.tables:
            raise InputError("a Ranking needs at least one contrast")

    # -- access ---------------------------------------------------------------
    @property
    def contrasts(self) -> tuple[str, ...]:
        """Contrast names, in input order."""
        return tuple(self.tables)

    @property
    def is_multi(self) -> bool:
        """True when the input had more than one contrast."""
        return len(self.tables) > 1

    @property
    def scores(self) -> pd.Series:
        """The ranking (gene -> score, decreasing) when there is exactly one contrast."""
        if self.is_multi:
            raise InputError(
                f"this ranking has {len(self.tables)} contrasts {list(self.contrasts)[:8]}; "
                "use ranking.series(contrast) or ranking.items(), or pass contrast_column=None "
                "to read_ranking after filtering the table to one contrast"
            )
        return self.series(self.contrasts[0])

    def series(self, contrast: str | None = None) -> pd.Series:
        """The scores of one contrast as a Series (index ``gene``, name ``score``)."""
        return self.table(contrast)["score"].copy()

    def table(self, contrast: str | None = None) -> pd.DataFrame:
        """The cleaned table of one contrast (see :attr:`tables`)."""
        if contrast is None:
            if self.is_multi:
                raise InputError(
                    f"contrast=None but there are {len(self.tables)} contrasts: "
                    f"choose one of {list(self.contrasts)}"
                )
            contrast = self.contrasts[0]
        try:
            return self.tables[contrast].copy()
        except KeyError:
            raise InputError(
                f"contrast={contrast!r} is not in this ranking; choose one of {list(self.contrasts)}"
            ) from None

    def items(self) -> Iterator[tuple[str, pd.Series]]:
        """Iterate over ``(contrast, scores)`` pairs."""
        for c in self.tables:
            yield c, self.series(c)

    def __len__(self) -> int:
        return len(self.tables)

    def __iter__(self) -> Iterator[str]:
        return iter(self.tables)

    def __getitem__(self, contrast: str) -> pd.Series:
        return self.series(contrast)

    @property
    def genes(self) -> tuple[str, ...]:
        """Union of the genes of all contrasts, in first-seen order (e.g. an ORA universe)."""
        seen: dict[str, None] = {}
        for t in self.tables.values():
            seen.update(dict.fromkeys(t.index))
        return tuple(seen)

    def _de_table(self, contrast: str | None, what: str) -> pd.DataFrame:
        t = self.table(contrast)
        missing = [c for c in ("padj", "lfc") if c not in t.columns]
        if missing:
            raise InputError(
                f"{what} needs an adjusted p-value and a log fold change column; this table "
                f"has none for {missing} (columns used: {dict(self.columns)}); build the lists "
                "yourself or pass a table with padj/adj.P.Val/FDR/p_val_adj and a log fold change"
            )
        return t

    def gene_lists(
        self,
        contrast: str | None = None,
        *,
        padj_max: float = 0.05,
        lfc_min: float = 0.0,
    ) -> dict[str, list[str]]:
        """Up- and down-regulated genes of one contrast, for over-representation analysis.

        A gene is ``up`` when ``padj <= padj_max`` and ``lfc >= lfc_min`` with
        ``lfc > 0``, and ``down`` when ``padj <= padj_max`` and ``lfc <= -lfc_min``
        with ``lfc < 0`` (the rule of ``mamsets ora --from-table``). Without an
        adjusted p column the error says so. The matching universe is
        :meth:`universe`.
        """
        t = self._de_table(contrast, "gene_lists")
        sig = t["padj"] <= padj_max
        return {
            "up": list(t.index[sig & (t["lfc"] > 0) & (t["lfc"] >= lfc_min)]),
            "down": list(t.index[sig & (t["lfc"] < 0) & (t["lfc"] <= -lfc_min)]),
        }

    def universe(self, contrast: str | None = None) -> list[str]:
        """The ORA universe of one contrast: genes that could have been selected.

        Every gene of the contrast with a finite adjusted p-value and log fold
        change. Genes whose ``padj`` is missing (e.g. DESeq2's independent
        filtering) were measured but could never enter :meth:`gene_lists`, so they
        are not in the universe.
        """
        t = self._de_table(contrast, "universe")
        ok = np.isfinite(t["padj"].to_numpy(float)) & np.isfinite(t["lfc"].to_numpy(float))
        return list(t.index[ok])

    def select(self, contrasts: str | Iterable[str]) -> Ranking:
        """A Ranking with only these contrasts (one name or several, in this order; counts kept)."""
        from dataclasses import replace

        wanted = list(dict.fromkeys([contrasts] if isinstance(contrasts, str) else contrasts))
        missing = [c for c in wanted if c not in self.tables]
        if missing or not wanted:
            raise InputError(
                f"contrasts {missing or wanted} not in this ranking; choose from {list(self.contrasts)}"
            )

        def keep(m: Mapping[str, Any]) -> dict[str, Any]:
            return {c: m[c] for c in wanted if c in m}

        return replace(
            self,
            tables=keep(self.tables),
            n_dropped_missing_gene=keep(self.n_dropped_missing_gene),
            n_dropped_nonfinite=keep(self.n_dropped_nonfinite),
            n_duplicates_resolved=keep(self.n_duplicates_resolved),
            n_p_zero=keep(self.n_p_zero),
            ties=keep(self.ties),
        )

    def write_rnk(
        self, path: str | os.PathLike[str], contrast: str | None = None, *, overwrite: bool = False
    ) -> Path:
        """Write one contrast as a GSEA ``.rnk`` file (for GSEA desktop, fgsea, gseapy).

        Two tab-separated columns without header (gene, score; scores with 17
        significant digits so nothing is rounded into ties), preceded by ``#``
        lines saying where the ranking came from. Written atomically; an
        existing file needs ``overwrite=True``.
        """
        from .._atomic import atomic_write_text

        s = self.series(contrast)
        name = contrast if contrast is not None else self.contrasts[0]
        head = (
            f"# mamsets ranking of {self.source or 'a table'}, contrast {name!r}\n"
            f"# score: {self.score_name} ({self.style} table)\n"
        )
        body = "".join(f"{g}\t{v:.17g}\n" for g, v in s.items())
        return atomic_write_text(path, head + body, overwrite=overwrite)

    def summary(self) -> str:
        """A few lines for logs and reports."""
        lines = [f"ranking from {self.source or '<unknown>'} ({self.style} table, {self.n_rows} rows)"]
        lines.append(self.how_chosen)
        lines.append(f"genes from {self.gene_column}; duplicates rule: {self.duplicates}")
        for c, t in self.tables.items():
            extra = []
            for label, counts in (
                ("dropped without gene", self.n_dropped_missing_gene),
                ("dropped non-finite", self.n_dropped_nonfinite),
                ("duplicates resolved", self.n_duplicates_resolved),
                ("p = 0 floored", self.n_p_zero),
            ):
                if counts.get(c):
                    extra.append(f"{label} {counts[c]}")
            tie = self.ties.get(c, 0.0)
            extra.append(f"ties {tie:.1%}")
            lines.append(f"  {c}: {len(t)} genes; " + ", ".join(extra))
        return "\n".join(lines)

    def metadata(self) -> dict[str, Any]:
        """JSON-ready description (for result parameters and reports)."""
        return {
            "source": self.source,
            "style": self.style,
            "score": self.score_name,
            "how_chosen": self.how_chosen,
            "gene_column": self.gene_column,
            "contrast_column": self.contrast_column,
            "columns": dict(self.columns),
            "duplicates": self.duplicates,
            "n_rows": self.n_rows,
            "n_genes": {c: len(t) for c, t in self.tables.items()},
            "n_dropped_missing_gene": dict(self.n_dropped_missing_gene),
            "n_dropped_nonfinite": dict(self.n_dropped_nonfinite),
            "n_duplicates_resolved": dict(self.n_duplicates_resolved),
            "n_p_zero": dict(self.n_p_zero),
            "ties": {c: round(float(v), 6) for c, v in self.ties.items()},
        }

    def __repr__(self) -> str:
        sizes = ", ".join(f"{c}: {len(t)}" for c, t in list(self.tables.items())[:4])
        more = ", ..." if len(self.tables) > 4 else ""
        return f"Ranking(score={self.score_name!r}, style={self.style}, genes={{{sizes}{more}}})"


# --------------------------------------------------------------------------- reading
def _sep_for(path: Path) -> str | None:
    name = path.name.lower()
    for suf in (".gz", ".bz2", ".xz", ".zip"):
        name = name.removesuffix(suf)
    if name.endswith(".csv"):
        return ","
    if name.endswith((".tsv", ".tab", ".rnk", ".txt")):
        return "\t"
    return None


def _first_line(path: Path) -> str:
    return _leading(path)[1]


def _leading(path: Path) -> tuple[int, str]:
    """Number of leading comment (``#``) or blank lines, and the first other line."""
    import gzip

    opener = gzip.open if path.name.lower().endswith(".gz") else open
    n = 0
    with opener(path, "rt", encoding="utf-8-sig", errors="replace") as fh:  # type: ignore[operator]
        for line in fh:
            if line.strip() and not line.startswith("#"):
                return n, line
            n += 1
    return n, ""


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _read_path(path: Path) -> tuple[pd.DataFrame, bool]:
    """Read a CSV/TSV/.rnk file. Returns the frame and whether it looked like a .rnk."""
    if not path.exists():
        raise FileNotFoundError(f"results table {path} does not exist")
    if path.is_dir():
        raise InputError(f"{path} is a folder; pass a results table (CSV, TSV or .rnk file)")
    if path.name.lower().endswith((".xlsx", ".xls", ".ods")):
        raise InputError(
            f"{path} is a spreadsheet; save the sheet as CSV or TSV (or read it with "
            "pandas.read_excel and pass the DataFrame to read_ranking)"
        )
    n_skip, first = _leading(path)
    if not first:
        raise InputError(f"{path}: the file is empty (no data lines)")
    sep = _sep_for(path)
    if sep is None or (sep == "," and "," not in first and ";" in first):
        counts = {s: first.count(s) for s in ("\t", ",", ";")}
        best = max(counts, key=counts.get)  # type: ignore[arg-type]
        sep = best if counts[best] else r"\s+"
    fields = [f.strip().strip('"') for f in re.split(sep if sep != r"\s+" else r"\s+", first.strip())]
    headerless = len(fields) == 2 and _is_number(fields[1])
    try:
        if headerless:
            df = pd.read_csv(
                path, sep=sep, header=None, comment="#", names=["gene", "score"],
                dtype={"gene": str}, engine="python" if sep == r"\s+" else "c",
            )
        else:
            df = pd.read_csv(
                path, sep=sep, comment=None, engine="python" if sep == r"\s+" else "c",
                encoding="utf-8-sig", skiprows=n_skip,
            )
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot be read as a {'CSV' if sep == ',' else 'TSV'} table ({exc})") from exc
    rnk = headerless or path.name.lower().endswith((".rnk", ".rnk.gz"))
    return df, rnk


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


def read_ranking(
    path_or_frame: str | os.PathLike[str] | pd.DataFrame | pd.Series | Mapping[str, float],
    *,
    gene_column: str | None = None,
    score: str | None = None,
    contrast_column: str | None = None,
    duplicates: Duplicates = "error",
    dropna: bool = False,
    name: str | None = None,
) -> Ranking:
    """Read a differential-expression table (or ranked list) into a :class:`Ranking`.

    Parameters
    ----------
    path_or_frame : path, pandas.DataFrame, pandas.Series or mapping
        A CSV or TSV file (optionally gzipped; the separator comes from the
        extension, else from the first line), a GSEA ``.rnk`` file (two
        tab-separated columns, no header, ``#`` comment lines allowed), a
        DataFrame, or a Series / mapping gene -> score.
    gene_column : str, optional
        Column with gene identifiers (``"<index>"`` for the row index). By
        default the first column named (ignoring case, dots and underscores)
        ``gene_symbol, symbol, gene_name, gene, genes, name, gene_id,
        feature_ID, featureName, feature, ensembl_gene_id, ensembl, entrez,
        entrez_id, id``; else a first column without a header (R's
        ``write.csv`` of a DESeq2/limma result); else a non-numeric row index;
        else a first text column.
    score : str, optional
        Column to rank by, overriding the automatic choice. The special value
        ``"signed_log10p"`` forces sign(log fold change) x -log10(p-value).
    contrast_column : str, optional
        Column naming the contrast of each row in a long table; one ranking per
        contrast. By default a column named ``contrast`` or ``comparison`` is
        used when present (Seurat FindAllMarkers' ``cluster`` column only when
        named here).
    duplicates : {"error", "max_abs", "mean", "first"}
        What to do when a gene occurs more than once within a contrast:
        ``"error"`` (default) lists examples; ``"max_abs"`` keeps the row with
        the largest absolute score; ``"mean"`` averages score and log fold
        change and keeps the smallest p-values; ``"first"`` keeps the first row.
        Resolved rows are counted in the result.
    dropna : bool
        Rows with a missing gene identifier or a missing/non-finite score are an
        error by default; with ``dropna=True`` they are dropped and counted.
    name : str, optional
        Name of the single contrast of a table without a contrast column
        (default: the file name stem, or ``"ranking"``).

    Returns
    -------
    Ranking
        The scores per contrast, sorted decreasing, plus how they were chosen
        and what was dropped.

    Raises
    ------
    InputError
        Unrecognised columns (the message lists the columns seen and the
        options), duplicated genes, missing values, an unknown option.
    FileNotFoundError
        The path does not exist.

    Warns
    -----
    TiesWarning
        When more than 1% of a contrast's scores are tied (see
        :func:`ties_fraction`), suggesting a finer score.

    Notes
    -----
    Files are read with pandas' missing-value rules, so a gene identifier written
    as ``NA``, ``NULL``, ``NaN`` or left empty is a *missing* identifier (R writes
    missing values as ``NA``); such rows are counted as rows without a gene and
    need ``dropna=True``. No approved HGNC, MGI or RGD symbol is one of these tokens.

    The score is chosen in this order (first available wins):

    1. ``stat`` -- DESeq2's Wald statistic;
    2. ``z`` -- a z-score equivalent of a moderated t (MoTrPAC's tables store
       ``t`` rounded to 3 decimals, 61% tied, and ``z`` unrounded);
    3. ``t`` -- limma's moderated t;
    4. :math:`s_g = \\operatorname{sign}(\\mathrm{lfc}_g)\\,(-\\log_{10} p_g)`
       from a log fold change and a raw p-value (edgeR, Seurat, DESeq2 results
       without ``stat``); p-values of exactly 0 (underflow, common in Seurat)
       are set to the smallest positive double, 2.2e-308, and counted;
    5. the only numeric column of a two-column table (``.rnk``).

    A test statistic is preferred because it combines effect size and
    precision on one continuous scale, which is what preranked GSEA assumes
    (Subramanian et al. 2005). The signed -log10 p score is the common fallback
    (e.g. mitch's edgeR score, Kaspi & Ziemann 2020).

    References
    ----------
    .. [1] Subramanian A. et al. (2005) Gene set enrichment analysis. PNAS 102:15545.
       doi:10.1073/pnas.0506580102
    .. [2] Kaspi A., Ziemann M. (2020) mitch: multi-contrast pathway enrichment for
       multi-omics and single-cell profiling data. BMC Genomics 21:447.
       doi:10.1186/s12864-020-06856-9

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"gene": ["A", "B", "C"], "logFC": [1.0, -2.0, 0.5],
    ...                    "t": [3.1, -4.2, 0.7], "P.Value": [0.01, 0.001, 0.5]})
    >>> r = read_ranking(df)
    >>> r.score_name, list(r.scores.index)
    ('t', ['A', 'C', 'B'])
    """
    if duplicates not in _DUPLICATE_OPTIONS:
        raise InputError(f"duplicates={duplicates!r}: choose one of {list(_DUPLICATE_OPTIONS)}")

    rnk = False
    if isinstance(path_or_frame, pd.Series):
        s = path_or_frame
        df = pd.DataFrame({"gene": s.index.astype(str), "score": np.asarray(s, dtype="float64")})
        source, default_name = "<Series>", str(s.name) if s.name is not None else "ranking"
        gene_column = gene_column or "gene"
        rnk = True
    elif isinstance(path_or_frame, pd.DataFrame):
        df, source, default_name = path_or_frame, "<DataFrame>", "ranking"
    elif isinstance(path_or_frame, Mapping):
        df = pd.DataFrame(
            {"gene": [str(k) for k in path_or_frame], "score": list(path_or_frame.values())}
        )
        source, default_name, rnk = "<mapping>", "ranking", True
        gene_column = gene_column or "gene"
    elif isinstance(path_or_frame, (str, os.PathLike)):
        p = Path(path_or_frame)
        df, rnk = _read_path(p)
        source = str(p)
        default_name = re.sub(r"\.(csv|tsv|txt|tab|rnk)(\.gz)?$", "", p.name, flags=re.IGNORECASE)
    else:
        raise InputError(
            f"path_or_frame: got {type(path_or_frame).__name__}; pass a file path, a pandas "
            "DataFrame, a Series (gene -> score) or a mapping gene -> score"
        )
    if len(df) == 0:
        raise InputError(f"{source}: the table has no rows")
    n_rows = len(df)

    genes, gene_col = _gene_values(df, gene_column)

    # ------------------------------------------------------------- choose columns
    numeric = [
        c for c in df.columns if c != gene_col and pd.api.types.is_numeric_dtype(df[c])
    ]
    lfc_col = _find(numeric, _LFC_NAMES)
    pval_col = _find(numeric, _PVAL_NAMES)
    padj_col = _find(numeric, _PADJ_NAMES)
    stat_col = _find(numeric, _STAT_NAMES)
    cols: dict[str, str] = {}
    if lfc_col:
        cols["lfc"] = lfc_col
    if pval_col:
        cols["pval"] = pval_col
    if padj_col:
        cols["padj"] = padj_col

    signed_p = False
    if score is not None and score != "signed_log10p":
        if score not in df.columns:
            raise InputError(
                f"score={score!r} is not a column of {source}; columns are "
                f"{list(map(str, df.columns))}, or use score='signed_log10p'"
            )
        if not pd.api.types.is_numeric_dtype(df[score]):
            raise InputError(f"score={score!r}: column {score!r} of {source} is not numeric")
        score_col: str | None = score
        how = f"ranked by column {score!r} (chosen by score=)"
    elif score == "signed_log10p":
        if not (lfc_col and pval_col):
            raise InputError(
                f"score='signed_log10p' needs a log fold change and a p-value column; found "
                f"lfc={lfc_col!r}, p-value={pval_col!r} among {list(map(str, df.columns))}"
            )
        score_col, signed_p = None, True
        how = f"ranked by sign({lfc_col}) * -log10({pval_col}) (chosen by score=)"
    elif stat_col is not None:
        score_col = stat_col
        why = {
            "stat": "DESeq2's Wald statistic",
            "z": "a z-score equivalent of the moderated t, unrounded (preferred over 't')",
            "t": "limma's moderated t statistic",
        }.get(_key(stat_col), "a test statistic")
        how = f"ranked by column {stat_col!r}: {why}; the test statistic is preferred when present"
    elif lfc_col and pval_col:
        score_col, signed_p = None, True
        how = (
            f"ranked by sign({lfc_col}) * -log10({pval_col}): no test statistic column "
            "(stat, z, t), so the signed log10 p-value is used"
        )
    elif len(numeric) == 1 and len(df.columns) - (gene_col != "<index>") == 1:
        score_col = numeric[0]
        how = f"ranked by column {score_col!r}, the table's only numeric column"
    else:
        raise _unrecognised(df)

    if score_col is not None:
        cols = {"score": score_col, **cols}
        score_name = score_col
    else:
        score_name = f"sign({lfc_col})*-log10({pval_col})"
        cols = {"score": score_name, **cols}

    # ------------------------------------------------------------- contrasts
    if contrast_column is None:
        contrast_column = _find([c for c in df.columns if c not in numeric], _CONTRAST_NAMES)
    elif contrast_column not in df.columns:
        raise InputError(
            f"contrast_column={contrast_column!r} is not a column; columns are {list(map(str, df.columns))}"
        )

    work = pd.DataFrame(index=range(len(df)))
    gvals = pd.Series(
        [_gene_text(v) for v in np.asarray(genes, dtype=object)], index=work.index, dtype=object
    )
    work["gene"] = gvals
    for role in ("lfc", "pval", "padj"):
        if role in cols:
            work[role] = np.asarray(df[cols[role]], dtype="float64")
    n_p_zero_all = np.zeros(len(df), dtype=bool)
    if signed_p:
        p = np.asarray(df[pval_col], dtype="float64")
        lfc = np.asarray(df[lfc_col], dtype="float64")
        bad_p = np.isfinite(p) & ((p < 0) | (p > 1))
        if bad_p.any():
            raise InputError(
                f"{source}: column {pval_col!r} has {int(bad_p.sum())} values outside [0, 1] "
                f"(e.g. {p[bad_p][:3].tolist()}); is it really a p-value? pass score= to choose"
            )
        n_p_zero_all = p == 0
        with np.errstate(divide="ignore", invalid="ignore"):
            work["score"] = np.sign(lfc) * -np.log10(np.where(p == 0, np.finfo(float).tiny, p))
    else:
        work["score"] = np.asarray(df[score_col], dtype="float64")
    work["_pzero"] = n_p_zero_all
    if contrast_column is not None:
        cvals = df[contrast_column]
        if cvals.isna().any():
            raise InputError(
                f"{source}: contrast column {contrast_column!r} has {int(cvals.isna().sum())} "
                "missing values; fill or drop those rows"
            )
        work["_contrast"] = np.asarray(cvals.astype(str), dtype=object)
        order = list(dict.fromkeys(work["_contrast"]))
    else:
        cname = name or default_name or "ranking"
        work["_contrast"] = cname
        order = [cname]

    tables: dict[str, pd.DataFrame] = {}
    n_miss_gene: dict[str, int] = {}
    n_nonfinite: dict[str, int] = {}
    n_dup: dict[str, int] = {}
    n_pz: dict[str, int] = {}
    ties: dict[str, float] = {}
    for contrast in order:
        sub = work[work["_contrast"] == contrast]
        label = f"{source}" + (f", contrast {contrast!r}" if contrast_column else "")
        no_gene = sub["gene"].isna()
        nonfinite = ~np.isfinite(sub["score"].to_numpy())
        if no_gene.any() and not dropna:
            rows = (np.flatnonzero(no_gene.to_numpy())[:5] + 1).tolist()
            raise InputError(
                f"{label}: {int(no_gene.sum())} rows have no gene identifier in {gene_col!r} "
                f"(e.g. data rows {rows}); pass dropna=True to drop them (they are counted), "
                "or choose another gene_column"
            )
        if nonfinite.any() and not dropna:
            ex = sub.loc[nonfinite, ["gene", "score"]].head(5)
            exs = ", ".join(f"{g}={v}" for g, v in zip(ex["gene"], ex["score"]))
            raise InputError(
                f"{label}: {int(nonfinite.sum())} missing or non-finite scores in {score_name!r} "
                f"(e.g. {exs}); pass dropna=True to drop them (they are counted), or choose "
                "another score="
            )
        keep = ~no_gene.to_numpy() & ~nonfinite
        n_miss_gene[contrast] = int(no_gene.sum())
        n_nonfinite[contrast] = int((nonfinite & ~no_gene.to_numpy()).sum())
        sub = sub[keep]
        dup_mask = sub["gene"].duplicated(keep=False)
        n_dup[contrast] = 0
        if dup_mask.any():
            dups = list(dict.fromkeys(sub.loc[dup_mask, "gene"]))
            if duplicates == "error":
                hint = ""
                if contrast_column is None:
                    groups = [
                        str(c) for c in df.columns
                        if c not in numeric and c != gene_col and 2 <= df[c].nunique() <= 100
                    ]
                    if groups:
                        hint = (
                            f"; if the table holds several contrasts or clusters, pass "
                            f"contrast_column= (candidates: {groups[:4]})"
                        )
                raise InputError(
                    f"{label}: {len(dups)} genes occur more than once in {gene_col!r} "
                    f"(e.g. {dups[:5]}); pass duplicates='max_abs' (keep the row with the largest "
                    "|score|), 'mean' (average) or 'first', or make the identifiers unique" + hint
                )
            before = len(sub)
            sub = _resolve_duplicates(sub, duplicates)
            n_dup[contrast] = before - len(sub)
        if len(sub) == 0:
            raise InputError(f"{label}: no genes left after dropping missing values")
        n_pz[contrast] = int(sub["_pzero"].sum())
        t = sub.drop(columns=["_contrast", "_pzero"]).set_index("gene")
        t = t[["score", *[c for c in ("lfc", "pval", "padj") if c in t.columns]]]
        t = t.sort_values("score", ascending=False, kind="stable")
        t.index = pd.Index(t.index.astype(str), name="gene", dtype=object)
        tables[contrast] = t
        ties[contrast] = ties_fraction(t["score"])

    n_dropped = sum(n_miss_gene.values()) + sum(n_nonfinite.values())
    if n_dropped:
        warnings.warn(
            f"{source}: dropped {sum(n_miss_gene.values())} rows without a gene identifier and "
            f"{sum(n_nonfinite.values())} rows with a missing/non-finite score (dropna=True)",
            DroppedInputWarning,
            stacklevel=2,
        )
    heavy = {c: v for c, v in ties.items() if v > TIES_WARN_FRACTION}
    if heavy:
        worst = max(heavy, key=heavy.get)  # type: ignore[arg-type]
        finer = [
            str(c) for c in df.columns
            if c in numeric and c != cols.get("score") and _key(c) in ("z", "stat", "t")
        ]
        hint = (
            f"rank by {finer[0]!r} (score={finer[0]!r}) if it is unrounded"
            if finer
            else "use an unrounded test statistic or score='signed_log10p' if the statistic was rounded"
        )
        warnings.warn(
            f"{source}: {heavy[worst]:.0%} of the scores in {score_name!r} are tied"
            + (f" (contrast {worst!r}, {len(heavy)} contrasts above 1%)" if contrast_column else "")
            + f"; ties make the gene order arbitrary within each tie. {hint}",
            TiesWarning,
            stacklevel=2,
        )
    if sum(n_pz.values()):
        log.info("%s: %d p-values of 0 set to 2.2e-308 before -log10", source, sum(n_pz.values()))

    style = "rnk" if rnk and score_col in ("score",) and len(df.columns) <= 2 else _style(
        {"lfc": lfc_col or "", "stat_raw": score_col or ""}, df
    )
    return Ranking(
        tables=tables,
        score_name=score_name,
        how_chosen=how,
        style=style,
        gene_column=gene_col,
        contrast_column=contrast_column,
        columns=cols,
        source=source,
        n_rows=n_rows,
        n_dropped_missing_gene=n_miss_gene,
        n_dropped_nonfinite=n_nonfinite,
        n_duplicates_resolved=n_dup,
        n_p_zero=n_pz,
        ties=ties,
        duplicates=duplicates,
    )


def _resolve_duplicates(sub: pd.DataFrame, rule: str) -> pd.DataFrame:
    if rule == "first":
        return sub.drop_duplicates("gene", keep="first")
    if rule == "max_abs":
        idx = sub.assign(_abs=sub["score"].abs()).groupby("gene", sort=False)["_abs"].idxmax()
        return sub.loc[sorted(idx.to_numpy())]
    # mean: average score/lfc, smallest p-values, first contrast label
    agg: dict[str, str] = {"score": "mean", "_contrast": "first", "_pzero": "any"}
    if "lfc" in sub.columns:
        agg["lfc"] = "mean"
    for c in ("pval", "padj"):
        if c in sub.columns:
            agg[c] = "min"
    out = sub.groupby("gene", sort=False).agg(agg).reset_index()
    return out


def read_gene_list(path: str | os.PathLike[str], column: str | None = None) -> list[str]:
    """Read gene identifiers from a text file (one per line) or a column of a table.

    Blank lines and lines starting with ``#`` are skipped; surrounding
    whitespace is removed. Duplicates are an error naming examples (a gene list
    for over-representation analysis is a set).

    Parameters
    ----------
    path : path
        A text file, or a CSV/TSV table (optionally gzipped) when ``column`` is given.
    column : str, optional
        Column of a table holding the identifiers.

    Returns
    -------
    list of str
        The identifiers, in file order.
    """
    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(f"gene list {p} does not exist")
    if column is not None:
        sep = _sep_for(p) or ("\t" if "\t" in _first_line(p) else ",")
        df = pd.read_csv(p, sep=sep, encoding="utf-8-sig")
        if column not in df.columns:
            raise InputError(
                f"column={column!r} is not in {p}; columns are {list(map(str, df.columns))}"
            )
        raw = [str(v).strip() for v in df[column] if not pd.isna(v)]
        n_missing = int(df[column].isna().sum())
        if n_missing:
            warnings.warn(
                f"{p}: skipped {n_missing} empty cells in column {column!r}",
                DroppedInputWarning,
                stacklevel=2,
            )
    else:
        import gzip

        opener = gzip.open if p.name.lower().endswith(".gz") else open
        with opener(p, "rt", encoding="utf-8-sig") as fh:  # type: ignore[operator]
            lines = [ln.strip() for ln in fh]
        if any("\t" in ln or "," in ln for ln in lines if ln and not ln.startswith("#")):
            raise InputError(
                f"{p} has several fields per line; pass column='<name>' to read one column of a table"
            )
        raw = [ln for ln in lines if ln and not ln.startswith("#")]
    raw = [g for g in raw if g]
    seen: set[str] = set()
    dups = sorted({g for g in raw if g in seen or seen.add(g)})  # type: ignore[func-returns-value]
    if dups:
        raise InputError(
            f"{p}: {len(dups)} identifiers occur more than once (e.g. {dups[:5]}); remove duplicates"
        )
    if not raw:
        raise InputError(f"{p}: no gene identifiers found")
    return raw
