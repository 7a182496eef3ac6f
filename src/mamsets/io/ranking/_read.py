"""Read a results table into a :class:`Ranking`."""

from __future__ import annotations

import logging
import os
import re
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from ...errors import DroppedInputWarning, InputError, TiesWarning
from ._columns import (
    _CONTRAST_NAMES,
    _LFC_NAMES,
    _PADJ_NAMES,
    _PVAL_NAMES,
    _STAT_NAMES,
    _find,
    _gene_text,
    _gene_values,
    _key,
    _style,
    _unrecognised,
)
from ._model import Ranking
from ._sniff import _read_path
from ._ties import TIES_WARN_FRACTION, ties_fraction

__all__ = ["read_ranking"]

# the package's logger, as when this was one module
log = logging.getLogger(__package__)

Duplicates = Literal["error", "max_abs", "mean", "first"]
_DUPLICATE_OPTIONS = ("error", "max_abs", "mean", "first")


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
