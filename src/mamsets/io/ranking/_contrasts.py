"""Step 3 of :func:`read_ranking`: score every row and split the rows by contrast.

The rows of one contrast carry ``gene`` (text or None), ``lfc``/``pval``/``padj``
when the table has them, the float ``score``, ``_pzero`` (p-value 0 floored
before -log10) and ``_contrast``; nothing is dropped yet.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...errors import InputError
from ._columns import ColumnChoice, _gene_text

__all__ = ["score_rows", "split_contrasts"]


def score_rows(df: pd.DataFrame, choice: ColumnChoice, *, source: str) -> pd.DataFrame:
    """One row per input row: gene text, lfc/pval/padj and the score.

    A signed -log10 p score needs p-values in [0, 1]; a p-value of exactly 0
    is set to the smallest positive double and flagged in ``_pzero``.
    """
    cols = choice.columns
    work = pd.DataFrame(index=range(len(df)))
    gvals = pd.Series(
        [_gene_text(v) for v in np.asarray(choice.genes, dtype=object)],
        index=work.index,
        dtype=object,
    )
    work["gene"] = gvals
    for role in ("lfc", "pval", "padj"):
        if role in cols:
            work[role] = np.asarray(df[cols[role]], dtype="float64")
    n_p_zero_all = np.zeros(len(df), dtype=bool)
    if choice.signed_p:
        pval_col = choice.pval
        p = np.asarray(df[pval_col], dtype="float64")
        lfc = np.asarray(df[choice.lfc], dtype="float64")
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
        work["score"] = np.asarray(df[choice.score_column], dtype="float64")
    work["_pzero"] = n_p_zero_all
    return work


def split_contrasts(
    df: pd.DataFrame, choice: ColumnChoice, *, source: str, name: str
) -> dict[str, pd.DataFrame]:
    """Contrast -> its scored rows, contrasts in first-seen order.

    Without a contrast column there is one contrast, called ``name``. A missing
    contrast label is an error.
    """
    work = score_rows(df, choice, source=source)
    contrast_column = choice.contrast_column
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
        work["_contrast"] = name
        order = [name]
    return {contrast: work[work["_contrast"] == contrast] for contrast in order}
