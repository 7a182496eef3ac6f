"""GSEA p-values by fgsea's adaptive multilevel splitting where permutations cannot resolve them.

Sets whose permutation p-value would have a larger ``log2err`` than a multilevel
estimate get one from :func:`mamsets.engines._multilevel.multilevel_pvalues`
(seed spawn key ``(1,)``); the others keep their permutation p-value.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ...results import empty_table
from .._gsea_null import (
    gsea_rows,
    multilevel_log2err,
    permutation_pass,
    unit_seed,
    warn_unbalanced,
)
from .._tables import GSEA_SCHEMA, gsea_table

if TYPE_CHECKING:
    from .._gsea_inputs import GseaOptions, GseaSets

__all__ = ["MIN_SAME_SIGN", "gsea_multilevel"]

#: Fewer same-signed random scores than this in the permutation sample make a
#: multilevel p-value meaningless (fgsea's "unbalanced gene-level statistic").
MIN_SAME_SIGN = 10


def gsea_multilevel(sets: GseaSets, opts: GseaOptions, params: dict[str, Any]) -> pd.DataFrame:
    """Multilevel p-values; ``pval_at_floor`` where they reach ``eps``.

    Sets whose sign is rare among the random ES (fewer than :data:`MIN_SAME_SIGN`)
    get NaN p-value, ``log2err`` and NES, with a warning, as in fgsea.
    """
    if not sets.terms:
        params["n_multilevel"] = 0
        return empty_table(GSEA_SCHEMA)
    p = permutation_pass(sets, opts)
    st, es = p.stats, p.es
    pval, log2err = p.pval, p.log2err
    at_floor = np.zeros(es.size, dtype=bool)
    unbalanced = (st.n_sign < MIN_SAME_SIGN) & (es != 0)
    ml_err = multilevel_log2err(pval, opts.sample_size)
    use_ml = (ml_err < log2err) & ~unbalanced & (es != 0)
    n_ml = 0
    if use_ml.any():
        from .._multilevel import FIRST_STAGE_FACTOR, multilevel_pvalues

        idx = np.flatnonzero(use_ml)
        mp, merr, mfloor = multilevel_pvalues(
            p.w, p.sizes[idx], es[idx], sample_size=opts.sample_size, eps=opts.eps,
            seed_sequence=unit_seed(opts.seed_sequence, 1), n_jobs=opts.n_jobs,
            first_stage_factor=FIRST_STAGE_FACTOR,
        )
        pval = pval.astype(np.float64)
        log2err = log2err.astype(np.float64)
        pval[idx] = mp
        log2err[idx] = merr
        at_floor[idx] = np.asarray(mfloor, dtype=bool)
        n_ml = int(idx.size)
    pval = np.where(unbalanced, np.nan, pval)
    log2err = np.where(unbalanced, np.nan, log2err)
    nes = np.where(unbalanced, np.nan, st.nes)
    n_unbalanced = int(unbalanced.sum())
    if n_unbalanced:
        warn_unbalanced(n_unbalanced, f"fewer than {MIN_SAME_SIGN} of {opts.n_perm}",
                        "p-values and NES are NaN")
    params["n_multilevel"] = n_ml
    # random sets per sample-size unit drawn before the random walk (0: plain ladder)
    params["multilevel_first_stage"] = FIRST_STAGE_FACTOR if n_ml else 0
    params["n_unbalanced"] = n_unbalanced
    return gsea_table(gsea_rows(sets, p, nes=nes, pval=pval, log2err=log2err, at_floor=at_floor))
