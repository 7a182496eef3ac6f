"""The fixed result tables of the engines: column schemas and their final assembly.

Every method of a kind fills the same columns (:data:`GSEA_SCHEMA`,
:data:`ORA_SCHEMA`), even when nothing was tested, so the report, the CLI and
users can rely on them. The registry (:mod:`mamsets.engines.registry`) lists
them per method.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..results import conform_table, empty_table

if TYPE_CHECKING:
    from . import _ora_kernel as kern
    from ._ora_data import OraData, Overlaps

__all__ = ["GSEA_SCHEMA", "METHOD_GSEA_SCHEMA", "METHOD_ORA_SCHEMA", "ORA_SCHEMA", "bh_adjust",
           "bh_per_query", "gsea_table", "ora_table"]

#: Columns every GSEA method computes (:func:`gsea_table`); ``gsea()`` then adds the
#: family columns of :data:`GSEA_SCHEMA`.
METHOD_GSEA_SCHEMA: dict[str, str] = {
    "term": "object",
    "description": "object",
    "size": "int64",
    "n_members": "int64",
    "es": "float64",
    "nes": "float64",
    "pval": "float64",
    "padj": "float64",
    "fdr_gsea": "float64",
    "log2err": "float64",
    "pval_at_floor": "bool",
    "leading_edge": "object",
}

#: Column -> dtype of every GSEA result table (same for all methods and engines):
#: the method's columns plus ``family`` (hypothesis / control / reference; ``padj`` is
#: BH within it), ``aliases`` (sets identical to this one, not tested again),
#: ``nested_in`` (tested sets that strictly contain it) and ``note``.
GSEA_SCHEMA: dict[str, str] = {
    "term": "object",
    "family": "object",
    **{k: v for k, v in METHOD_GSEA_SCHEMA.items() if k != "term"},
    "aliases": "object",
    "nested_in": "object",
    "note": "object",
}

#: Columns every ORA method computes; ``ora()`` adds the family columns of :data:`ORA_SCHEMA`.
METHOD_ORA_SCHEMA: dict[str, str] = {
    "query": "object",
    "term": "object",
    "description": "object",
    "size": "int64",
    "n_members": "int64",
    "n_lost_to_universe": "int64",
    "overlap": "int64",
    "expected": "float64",
    "fold_enrichment": "float64",
    "odds_ratio": "float64",
    "pval": "float64",
    "padj": "float64",
    "overlap_genes": "object",
}

#: Column -> dtype of every ORA result table (the same columns when empty): the method's
#: columns plus ``family`` (``padj`` is BH within query and family) and ``aliases``.
ORA_SCHEMA: dict[str, str] = {
    "query": "object",
    "term": "object",
    "family": "object",
    **{k: v for k, v in METHOD_ORA_SCHEMA.items() if k not in ("query", "term")},
    "aliases": "object",
}


def gsea_table(rows: dict[str, Any]) -> pd.DataFrame:
    """GSEA rows (every column but ``padj``) as the final table: BH ``padj``, sorted, schema dtypes."""
    df = pd.DataFrame(rows)
    if len(df) == 0:
        return empty_table(METHOD_GSEA_SCHEMA)
    p = df["pval"].to_numpy(dtype=np.float64)
    padj = np.full(p.size, np.nan)
    ok = np.isfinite(p)
    if ok.any():
        padj[ok] = bh_adjust(np.clip(p[ok], 0.0, 1.0))
    df["padj"] = padj
    df = df.sort_values(["pval", "term"], kind="stable", na_position="last")
    return conform_table(df, METHOD_GSEA_SCHEMA)  # text columns come back as object


def bh_adjust(p: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values, bit for bit those of
    ``scipy.stats.false_discovery_control(p, method="bh")``.

    The same operations in the same order (sort, multiply by ``m / i``, running
    minimum from the largest p-value, back to input order, clip to [0, 1]), without
    importing ``scipy.stats`` (~0.7 s CPU and ~50 MB on a GSEA call that needs
    nothing else from it). ``tests/test_prep_bh.py`` checks the identity.

    Parameters
    ----------
    p : numpy.ndarray
        One-dimensional float64 p-values in [0, 1] (no NaN: callers pass the finite ones).

    Returns
    -------
    numpy.ndarray
        The adjusted p-values in input order (a new array; ``p`` itself when it has at
        most one value, as scipy returns it).
    """
    p = np.asarray(p)
    if p.ndim != 1 or not np.issubdtype(p.dtype, np.floating) or not np.all(p == np.clip(p, 0.0, 1.0)):
        raise ValueError("bh_adjust takes one-dimensional float p-values between 0 and 1")
    m = p.shape[0]
    if m <= 1:
        return p
    order = np.argsort(p, kind="stable")   # as scipy's array-API argsort
    adj = p[order]
    adj *= m / np.arange(1, m + 1, dtype=p.dtype)
    np.minimum.accumulate(adj[::-1], out=adj[::-1])
    out = np.empty_like(adj)
    out[order] = adj
    return np.clip(out, 0.0, 1.0)


def bh_per_query(pval: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg within each row (query) of a queries x sets p-value matrix."""
    from scipy.stats import false_discovery_control

    if pval.shape[1] == 0:
        return pval.copy()
    return np.maximum(false_discovery_control(pval, axis=1, method="bh"), pval)


def ora_table(data: OraData, arr: kern.OraArrays, ov: Overlaps) -> pd.DataFrame:
    """ORA arrays (queries x tested sets) as the final table, one row per query and set.

    Rows: queries in input order; within a query by p-value, ties by set id.
    """
    q_names, coll, kept = data.queries.names, data.coll, data.kept
    sizes, n_members, n_lost, uni = data.sizes, data.n_members, data.n_lost, data.universe
    genes_flat, starts = ov.genes_flat, ov.starts
    nq, ns = arr.pval.shape
    ids = np.array([coll.sets[j].id for j in kept], dtype=object)
    desc = np.array([coll.sets[j].title or coll.sets[j].description for j in kept], dtype=object)
    # rows: queries in input order; within a query by p-value, ties by set id
    by_term = np.argsort(ids.astype(str), kind="stable")
    within = np.argsort(arr.pval[:, by_term], axis=1, kind="stable")
    si = by_term[within].ravel()
    qi = np.repeat(np.arange(nq), ns)
    order = qi * ns + si
    # one tuple of all overlap genes, sliced per row (a tuple slice is a tuple)
    names = tuple(uni[genes_flat].tolist())
    lo = starts.ravel()[order]
    hi = (lo + arr.overlap.ravel()[order]).tolist()
    overlap_genes = np.empty(nq * ns, dtype=object)
    overlap_genes[:] = list(map(names.__getitem__, map(slice, lo.tolist(), hi)))
    df = pd.DataFrame(
        {
            "query": pd.Series(np.array(q_names, dtype=object)[qi], dtype=object),
            "term": pd.Series(ids[si], dtype=object),
            "description": pd.Series(desc[si], dtype=object),
            "size": sizes[kept][si],
            "n_members": n_members[kept][si],
            "n_lost_to_universe": n_lost[kept][si],
            "overlap": arr.overlap.ravel()[order],
            "expected": arr.expected.ravel()[order],
            "fold_enrichment": arr.fold_enrichment.ravel()[order],
            "odds_ratio": arr.odds_ratio.ravel()[order],
            "pval": arr.pval.ravel()[order],
            "padj": arr.padj.ravel()[order],
            "overlap_genes": pd.Series(overlap_genes, dtype=object),
        }
    )
    return conform_table(df, METHOD_ORA_SCHEMA)
