"""Read a results table into a :class:`Ranking`: the pipeline of steps.

1. :func:`~._sniff.sniff_table` -- the input as one DataFrame (file format sniffed);
2. :func:`~._columns.recognise_columns` -- gene, score, lfc, p-value and contrast columns;
3. :func:`~._contrasts.split_contrasts` -- each row scored, rows split by contrast;
4. :func:`~._clean.clean_contrasts` -- rows without gene or score dropped (or refused),
   duplicated genes resolved (or refused), each contrast's table sorted;
5. report: warnings for dropped rows and heavy ties, then the :class:`Ranking`.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import warnings
from collections.abc import Mapping

import pandas as pd

from ...errors import DroppedInputWarning, InputError, SuspectGeneWarning, TiesWarning
from .._suspect import strip_invisible, suspect_kind, suspect_message
from ._clean import (
    CleanContrast,
    Duplicates,
    check_duplicates_rule,
    clean_contrasts,
    dropped_message,
)
from ._columns import ColumnChoice, recognise_columns, table_style
from ._contrasts import split_contrasts
from ._level import LEVELS, detect_level
from ._model import Ranking
from ._sniff import RawTable, sniff_table
from ._wide import WIDE_CONTRAST_COLUMN, wide_to_long
from ._ties import ties_message

__all__ = ["read_ranking", "table_level"]

# the package's logger, as when this was one module
log = logging.getLogger(__package__)


def read_ranking(
    path_or_frame: str | os.PathLike[str] | pd.DataFrame | pd.Series | Mapping[str, float],
    *,
    gene_column: str | None = None,
    score: str | None = None,
    contrast_column: str | None = None,
    duplicates: Duplicates = "error",
    dropna: bool = False,
    name: str | None = None,
    level: str | None = None,
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
        named here). A *wide* table, one column group per contrast
        (``IS.t, IS.P.Value, IR.t, ...``; ``TTest.0_1.logFC, TTest.0_1.P.Value,
        ...``), gives one contrast per column prefix (``IS``, ``IR``,
        ``TTest.0_1``) when it has two or more prefixes with a score and no
        un-prefixed statistic; ``score="t"`` then picks each group's ``t``.
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
    level : {"transcript", "protein", "phosphosite"}, optional
        What the rows measure. By default detected from the table (protein
        accessions such as RefSeq ``NP_``/UniProt ids or proteomics column names:
        protein; site ids such as ``NP_001001512.2_S228``: phosphosite; else
        transcript) and recorded with the evidence in ``Ranking.level`` /
        ``level_evidence``; claims are tested at the level the data measure.

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
    check_duplicates_rule(duplicates)
    raw = sniff_table(path_or_frame, gene_column)
    wide: list[str] = []
    if contrast_column is None:
        long_df, wide = wide_to_long(raw.df)
        if wide:
            raw = dataclasses.replace(raw, df=long_df)
            contrast_column = WIDE_CONTRAST_COLUMN
    cols = recognise_columns(raw.df, raw.gene_column, score, contrast_column, source=raw.source)
    raw = _damaged_genes(raw, cols)
    if wide:
        note = (f"wide table: {len(wide)} contrasts from the column prefixes "
                f"{', '.join(wide)}; ")
        cols = dataclasses.replace(cols, how=note + cols.how)
    rows = split_contrasts(
        raw.df, cols, source=raw.source, name=name or raw.default_name or "ranking"
    )
    cleaned = clean_contrasts(
        raw.df, cols, rows, source=raw.source, dropna=dropna, duplicates=duplicates
    )
    _report(raw, cols, cleaned)
    ranking = _assemble(raw, cols, cleaned, duplicates)
    return dataclasses.replace(ranking, **_level_of(raw.df, cols, level))


def _damaged_genes(raw: RawTable, cols: ColumnChoice) -> RawTable:
    """Warn about gene names a spreadsheet damaged (one :class:`SuspectGeneWarning` naming
    the rows); zero-width and non-breaking spaces are removed from the names."""
    if cols.gene_column == "<index>" or cols.gene_column not in raw.df.columns:
        return raw
    genes = raw.df[cols.gene_column]
    offset = raw.first_data_line
    hits = []
    for i, g in enumerate(genes):
        kind = suspect_kind(g) if isinstance(g, str) else None
        if kind is not None:
            where = f"line {offset + i}" if offset is not None else f"data row {i + 1}"
            hits.append((kind, where, g))
    if not hits:
        return raw
    warnings.warn(suspect_message(raw.source, hits), SuspectGeneWarning, stacklevel=3)
    if any(k == "invisible" for k, _, _ in hits):
        df = raw.df.copy()
        df[cols.gene_column] = genes.map(lambda g: strip_invisible(g) if isinstance(g, str) else g)
        raw = dataclasses.replace(raw, df=df)
    return raw


def _level_of(df: pd.DataFrame, cols: ColumnChoice, level: str | None) -> dict[str, str]:
    """``level`` and ``level_evidence`` of the Ranking: as given, else detected."""
    if level is not None:
        if level not in LEVELS:
            raise InputError(f"level={level!r}; use one of {', '.join(LEVELS)} (or leave it out "
                             "to detect it from the table)")
        return {"level": level, "level_evidence": "given (level=...)"}
    found, why = detect_level(df, cols.gene_column)
    return {"level": found, "level_evidence": why}


def _report(raw: RawTable, cols: ColumnChoice, cleaned: Mapping[str, CleanContrast]) -> None:
    """Warn about dropped rows and heavy ties (at read_ranking's caller), log floored p-values."""
    dropped = dropped_message(raw.source, cleaned)
    if dropped:
        warnings.warn(dropped, DroppedInputWarning, stacklevel=3)
    tied = ties_message(raw.source, {c: x.ties for c, x in cleaned.items()}, raw.df, cols)
    if tied:
        warnings.warn(tied, TiesWarning, stacklevel=3)
    n_p_zero = sum(x.n_p_zero for x in cleaned.values())
    if n_p_zero:
        log.info("%s: %d p-values of 0 set to 2.2e-308 before -log10", raw.source, n_p_zero)


def _assemble(
    raw: RawTable, cols: ColumnChoice, cleaned: Mapping[str, CleanContrast], duplicates: str
) -> Ranking:
    """The :class:`Ranking` of the cleaned contrasts."""
    return Ranking(
        tables={c: x.table for c, x in cleaned.items()},
        score_name=cols.score_name,
        how_chosen=cols.how,
        style=table_style(raw.df, cols, rnk=raw.rnk),
        gene_column=cols.gene_column,
        contrast_column=cols.contrast_column,
        columns=cols.columns,
        source=raw.source,
        n_rows=len(raw.df),
        n_dropped_missing_gene={c: x.n_dropped_missing_gene for c, x in cleaned.items()},
        n_dropped_nonfinite={c: x.n_dropped_nonfinite for c, x in cleaned.items()},
        n_duplicates_resolved={c: x.n_duplicates_resolved for c, x in cleaned.items()},
        n_p_zero={c: x.n_p_zero for c, x in cleaned.items()},
        ties={c: x.ties for c, x in cleaned.items()},
        duplicates=duplicates,
    )


def table_level(path_or_frame: str | os.PathLike[str] | pd.DataFrame) -> tuple[str, str]:
    """What a table measures, before reading it as a ranking: ``(level, evidence)``.

    The same rule as :func:`read_ranking` records (:func:`~._level.detect_level`), for
    callers that read sites differently from genes (``mamsets claims``).
    """
    raw = sniff_table(path_or_frame, None)
    return detect_level(raw.df, None)
