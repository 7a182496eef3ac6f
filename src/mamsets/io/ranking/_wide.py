"""Step 1b of :func:`read_ranking`: a wide table (one column group per contrast) made long.

Labs export multi-contrast results side by side: ``IS.t, IS.P.Value, IR.t, IR.P.Value``
(limma ``topTable`` per contrast, joined on the gene), or ``TTest.0_1.logFC,
TTest.0_1.P.Value, TTest.2_3.logFC`` (MetaMEx). A column is ``<contrast><sep><role>``
where ``sep`` is ``.`` or ``_`` and ``role`` is a known statistic name; a prefix with
a score (a statistic, or a log fold change with a p-value) is a contrast. With two or
more such prefixes, and no un-prefixed statistic or fold change, the table becomes one
long table with a ``contrast`` column; every other column is kept on every row.
"""

from __future__ import annotations

from collections import defaultdict

import pandas as pd

__all__ = ["WIDE_CONTRAST_COLUMN", "wide_to_long"]

WIDE_CONTRAST_COLUMN = "contrast"

_STATS = ("stat", "t", "z")
_LFCS = ("logFC", "log2FoldChange", "avg_log2FC", "log2FC", "lfc")
_PVALS = ("P.Value", "pvalue", "PValue", "p_val", "pval")
_OTHER = ("adj.P.Val", "padj", "FDR", "p_val_adj", "qvalue", "AveExpr", "B", "CI.L", "CI.R",
          "lfcSE", "baseMean", "logCPM", "F")
#: roles, longest first so that ``adj.P.Val`` wins over a shorter ending
_ROLES = tuple(sorted(_STATS + _LFCS + _PVALS + _OTHER, key=len, reverse=True))


def _split(column: object) -> tuple[str, str] | None:
    """``(prefix, role)`` of a column named ``<prefix>.<role>`` or ``<prefix>_<role>``."""
    if not isinstance(column, str):
        return None
    for role in _ROLES:
        for sep in (".", "_"):
            end = sep + role
            if column.endswith(end) and len(column) > len(end):
                return column[: -len(end)], role
    return None


def wide_to_long(df: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The long form of a wide multi-contrast table, and its contrasts (``[]``: not wide)."""
    if any(c in df.columns for c in _STATS + _LFCS + (WIDE_CONTRAST_COLUMN, "comparison")):
        return df, []
    groups: dict[str, dict[str, str]] = defaultdict(dict)
    for c in df.columns:
        hit = _split(c)
        if hit is not None:
            groups[hit[0]].setdefault(hit[1], c)
    contrasts = [
        p for p, roles in groups.items()
        if any(r in roles for r in _STATS)
        or (any(r in roles for r in _LFCS) and any(r in roles for r in _PVALS))
    ]
    if len(contrasts) < 2:
        return df, []
    owned = {c for p in contrasts for c in groups[p].values()}
    shared = [c for c in df.columns if c not in owned]
    blocks = []
    for p in contrasts:
        block = df[shared].copy()
        for role, col in groups[p].items():
            block[role] = df[col].to_numpy()
        block[WIDE_CONTRAST_COLUMN] = p
        blocks.append(block)
    return pd.concat(blocks, ignore_index=True), contrasts
