"""Steps 4 and 5 of :func:`read_ranking`: drop rows without a gene or score, resolve duplicates.

Each contrast's rows (from :func:`split_contrasts`) lose the rows without a gene
identifier or a finite score (an error unless ``dropna=True``; dropped rows are
counted), then genes occurring more than once are resolved by the ``duplicates``
rule (an error by default), and the rest becomes the contrast's sorted table.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from ...errors import InputError
from ._columns import ColumnChoice
from ._ties import ties_fraction

__all__ = [
    "CleanContrast",
    "Duplicates",
    "check_duplicates_rule",
    "clean_contrast",
    "clean_contrasts",
    "drop_missing",
    "dropped_message",
    "finish_table",
    "resolve_duplicates",
]

Duplicates = Literal["error", "max_abs", "mean", "first"]
_DUPLICATE_OPTIONS = ("error", "max_abs", "mean", "first")


@dataclass(frozen=True, eq=False)
class CleanContrast:
    """One contrast's final table and what happened on the way (see :class:`Ranking`)."""

    table: pd.DataFrame
    n_dropped_missing_gene: int
    n_dropped_nonfinite: int
    n_duplicates_resolved: int
    n_p_zero: int
    ties: float


def check_duplicates_rule(duplicates: str) -> None:
    """Refuse an unknown ``duplicates=`` rule."""
    if duplicates not in _DUPLICATE_OPTIONS:
        raise InputError(f"duplicates={duplicates!r}: choose one of {list(_DUPLICATE_OPTIONS)}")


def drop_missing(
    rows: pd.DataFrame, *, label: str, gene_column: str, score_name: str, dropna: bool
) -> tuple[pd.DataFrame, int, int]:
    """Rows with a gene and a finite score, and how many lacked each.

    Without ``dropna`` a row lacking either is an error naming examples. A row
    lacking both is counted once, as without a gene.
    """
    no_gene = rows["gene"].isna()
    nonfinite = ~np.isfinite(rows["score"].to_numpy())
    if no_gene.any() and not dropna:
        examples = (np.flatnonzero(no_gene.to_numpy())[:5] + 1).tolist()
        raise InputError(
            f"{label}: {int(no_gene.sum())} rows have no gene identifier in {gene_column!r} "
            f"(e.g. data rows {examples}); pass dropna=True to drop them (they are counted), "
            "or choose another gene_column"
        )
    if nonfinite.any() and not dropna:
        ex = rows.loc[nonfinite, ["gene", "score"]].head(5)
        exs = ", ".join(f"{g}={v}" for g, v in zip(ex["gene"], ex["score"]))
        raise InputError(
            f"{label}: {int(nonfinite.sum())} missing or non-finite scores in {score_name!r} "
            f"(e.g. {exs}); pass dropna=True to drop them (they are counted), or choose "
            "another score="
        )
    keep = ~no_gene.to_numpy() & ~nonfinite
    n_no_gene = int(no_gene.sum())
    n_nonfinite = int((nonfinite & ~no_gene.to_numpy()).sum())
    return rows[keep], n_no_gene, n_nonfinite


def resolve_duplicates(
    rows: pd.DataFrame,
    rule: str,
    *,
    label: str,
    gene_column: str,
    hint: Callable[[], str] = str,
) -> tuple[pd.DataFrame, int]:
    """Rows with each gene once, and how many rows the rule removed.

    ``"error"`` refuses duplicated genes, naming examples (plus ``hint()``);
    ``"max_abs"`` keeps the row with the largest |score| (the first on a tie);
    ``"mean"`` averages score and lfc and keeps the smallest p-values;
    ``"first"`` keeps the first row.
    """
    dup_mask = rows["gene"].duplicated(keep=False)
    if not dup_mask.any():
        return rows, 0
    if rule == "error":
        dups = list(dict.fromkeys(rows.loc[dup_mask, "gene"]))
        raise InputError(
            f"{label}: {len(dups)} genes occur more than once in {gene_column!r} "
            f"(e.g. {dups[:5]}); pass duplicates='max_abs' (keep the row with the largest "
            "|score|), 'mean' (average) or 'first', or make the identifiers unique" + hint()
        )
    out = _resolve_duplicates(rows, rule)
    return out, len(rows) - len(out)


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


def contrast_hint(df: pd.DataFrame, choice: ColumnChoice) -> str:
    """Suggest ``contrast_column=`` when a text column looks like contrast or cluster labels."""
    groups = [
        str(c) for c in df.columns
        if c not in choice.numeric and c != choice.gene_column and 2 <= df[c].nunique() <= 100
    ]
    if not groups:
        return ""
    return (
        f"; if the table holds several contrasts or clusters, pass "
        f"contrast_column= (candidates: {groups[:4]})"
    )


def finish_table(rows: pd.DataFrame) -> pd.DataFrame:
    """The contrast's table: indexed by gene, ``score`` first, sorted decreasing (stable)."""
    t = rows.drop(columns=["_contrast", "_pzero"]).set_index("gene")
    t = t[["score", *[c for c in ("lfc", "pval", "padj") if c in t.columns]]]
    t = t.sort_values("score", ascending=False, kind="stable")
    t.index = pd.Index(t.index.astype(str), name="gene", dtype=object)
    return t


def clean_contrast(
    rows: pd.DataFrame,
    *,
    label: str,
    gene_column: str,
    score_name: str,
    dropna: bool,
    duplicates: str,
    hint: Callable[[], str] = str,
) -> CleanContrast:
    """Drop missing rows, resolve duplicates and finish one contrast's table."""
    rows, n_no_gene, n_nonfinite = drop_missing(
        rows, label=label, gene_column=gene_column, score_name=score_name, dropna=dropna
    )
    rows, n_dup = resolve_duplicates(
        rows, duplicates, label=label, gene_column=gene_column, hint=hint
    )
    if len(rows) == 0:
        raise InputError(f"{label}: no genes left after dropping missing values")
    n_p_zero = int(rows["_pzero"].sum())
    table = finish_table(rows)
    return CleanContrast(
        table, n_no_gene, n_nonfinite, n_dup, n_p_zero, ties_fraction(table["score"])
    )


def clean_contrasts(
    df: pd.DataFrame,
    choice: ColumnChoice,
    rows: Mapping[str, pd.DataFrame],
    *,
    source: str,
    dropna: bool,
    duplicates: str,
) -> dict[str, CleanContrast]:
    """:func:`clean_contrast` for each contrast, in order; errors name the file and contrast."""
    contrast_column = choice.contrast_column
    out: dict[str, CleanContrast] = {}
    for contrast, sub in rows.items():
        out[contrast] = clean_contrast(
            sub,
            label=f"{source}" + (f", contrast {contrast!r}" if contrast_column else ""),
            gene_column=choice.gene_column,
            score_name=choice.score_name,
            dropna=dropna,
            duplicates=duplicates,
            hint=(lambda: contrast_hint(df, choice)) if contrast_column is None else str,
        )
    return out


def dropped_message(source: str, cleaned: Mapping[str, CleanContrast]) -> str | None:
    """The :class:`DroppedInputWarning` text when ``dropna=True`` dropped rows, else None."""
    n_no_gene = sum(c.n_dropped_missing_gene for c in cleaned.values())
    n_nonfinite = sum(c.n_dropped_nonfinite for c in cleaned.values())
    if not n_no_gene + n_nonfinite:
        return None
    return (
        f"{source}: dropped {n_no_gene} rows without a gene identifier and "
        f"{n_nonfinite} rows with a missing/non-finite score (dropna=True)"
    )
