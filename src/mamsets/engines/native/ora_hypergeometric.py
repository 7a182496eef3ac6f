"""ORA p-values from exact hypergeometric tails (one-sided Fisher; ``less``; two-sided)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from .. import _ora_kernel as kern
from .._ora_data import overlaps
from .._tables import ora_table

if TYPE_CHECKING:
    from .._ora_data import OraData, OraOptions

__all__ = ["ora_hypergeometric"]


def ora_hypergeometric(data: OraData, opts: OraOptions, params: dict[str, Any]) -> pd.DataFrame:
    """Every query against every tested set in one vectorised pass (:func:`~mamsets.engines._ora_kernel.ora_arrays`)."""
    ov = overlaps(data)
    arr = kern.ora_arrays(ov.overlap, data.n_universe, data.sizes[data.kept], ov.q_sizes,
                          opts.alternative)
    return ora_table(data, arr, ov)
