"""Ties in a ranking: how they are counted and when :func:`read_ranking` warns."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

__all__ = ["TIES_WARN_FRACTION", "ties_fraction"]

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
