"""GSEA p-values from the gene-set permutation null alone: p = (k + 1) / (n + 1), per sign."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ...results import empty_table
from .._gsea_null import gsea_rows, permutation_pass, warn_unbalanced
from .._tables import GSEA_SCHEMA, gsea_table

if TYPE_CHECKING:
    from .._gsea_inputs import GseaOptions, GseaSets

__all__ = ["gsea_permutation"]


def gsea_permutation(sets: GseaSets, opts: GseaOptions, params: dict[str, Any]) -> pd.DataFrame:
    """Permutation p-values; ``pval_at_floor`` where no random ES is as extreme (k = 0).

    Sets whose sign never occurs among the random ES keep p = 1, with NES and
    ``log2err`` NaN and a warning.
    """
    if not sets.terms:
        params["n_multilevel"] = 0
        return empty_table(GSEA_SCHEMA)
    p = permutation_pass(sets, opts)
    st = p.stats
    unbalanced = st.n_sign == 0
    log2err = np.where(unbalanced, np.nan, p.log2err)
    n_unbalanced = int(unbalanced.sum())
    if n_unbalanced:
        warn_unbalanced(n_unbalanced, f"none of {opts.n_perm}", "NES is NaN and the p-value 1")
    params["n_multilevel"] = 0
    params["n_unbalanced"] = n_unbalanced
    return gsea_table(gsea_rows(sets, p, nes=st.nes, pval=p.pval, log2err=log2err,
                                at_floor=st.k == 0))
