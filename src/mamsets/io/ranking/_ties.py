"""Ties in a ranking: how they are counted and when :func:`read_ranking` warns."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from ._columns import ColumnChoice, _key

__all__ = ["TIES_WARN_FRACTION", "ties_fraction", "ties_message"]

#: Fraction of tied scores above which :func:`read_ranking` warns.
TIES_WARN_FRACTION = 0.01


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


def ties_message(
    source: str, ties: Mapping[str, float], df: pd.DataFrame, choice: ColumnChoice
) -> str | None:
    """The :class:`TiesWarning` text when a contrast has more than 1% ties, else None.

    It names the worst contrast and suggests a finer score: another statistic
    column (``z``, ``stat``, ``t``) when the table has one.
    """
    heavy = {c: v for c, v in ties.items() if v > TIES_WARN_FRACTION}
    if not heavy:
        return None
    worst = max(heavy, key=heavy.get)  # type: ignore[arg-type]
    score_column = choice.columns.get("score")
    finer = [
        str(c) for c in df.columns
        if c in choice.numeric and c != score_column and _key(c) in ("z", "stat", "t")
    ]
    hint = (
        f"rank by {finer[0]!r} (score={finer[0]!r}) if it is unrounded"
        if finer
        else "use an unrounded test statistic or score='signed_log10p' if the statistic was rounded"
    )
    where = f" (contrast {worst!r}, {len(heavy)} contrasts above 1%)"
    return (
        f"{source}: {heavy[worst]:.0%} of the scores in {choice.score_name!r} are tied"
        + (where if choice.contrast_column else "")
        + f"; ties make the gene order arbitrary within each tie. {hint}"
    )
