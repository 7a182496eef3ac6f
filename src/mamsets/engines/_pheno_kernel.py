"""Numeric kernel of phenotype-permutation GSEA: ranks and ES of every set for many labellings.

Plain numbers in, plain numbers out (numpy and a C loop, ``_c/pheno_kernel.c``, called
through ctypes). Everything per labelling runs in that one compiled loop: the class sums of the centred expression
values and their squares (over the smaller class; the other class is total minus
it), the metric of every gene (the formulas of :mod:`mamsets.engines._expr_metrics`),
its ranks, and the ES of every set. Pearson's dot products with the permuted
phenotype are one matrix product per block. No (genes x labellings) temporaries,
no Python loop per labelling.

Ranks without sorting
---------------------
A member's 0-based position in the ranking by decreasing metric is the number of
genes with a larger metric plus the number with an equal metric in earlier rows
(the tie order). Both counts come from a counting sort of the negated metric into
about N/2 equal-width buckets over the mean +- 5 sd, tails in the end buckets (a
monotone map, so every gene of a lower bucket has a larger metric) and a scan of the member's own bucket: O(N + members x bucket
size) per labelling instead of a sort. When a bucket holds more than
``MAX_BUCKET`` (64) genes (many ties, e.g. genes constant in every sample), that
labelling falls back to a stable merge sort. Either way the positions are exactly
those of ``np.argsort(-metric, kind="stable")``. ES then comes from
the preranked kernel's C function (``mamsets_es_value``) with N_R summed in position order:
the arithmetic of the preranked kernel. (The null's metric can differ from the
observed metric's arithmetic by rounding, about 1e-16 relative.) Only member positions of the weight vector are read,
so only those are filled.
"""

from __future__ import annotations

import ctypes

import numpy as np

from ._clib import declare, f64p, i64p, ptr

__all__ = ["null_es_block"]

#: Division by zero inside the loop follows IEEE (x/0 -> inf, 0/0 -> nan), as numpy does.
_null_es_block = declare("mamsets_pheno_null_es_block", ctypes.c_int64, ctypes.c_int64, f64p,
                         ctypes.c_int64, ctypes.c_int64, f64p, f64p, f64p, f64p, f64p, f64p, f64p,
                         ctypes.c_double, f64p, ctypes.c_double, i64p, i64p, ctypes.c_int64,
                         ctypes.c_int64, f64p, ctypes.c_int64)


#: Metric codes of the compiled loop (names as in :mod:`mamsets.engines._expr_metrics`).
METRIC_CODES = {"signal_to_noise": 0, "t_test": 1, "ratio_of_classes": 2, "diff_of_classes": 3,
                "log2_ratio_of_classes": 4, "pearson": 5}


def null_es_block(x: np.ndarray, labels: np.ndarray, metric: str, weight: float, flat: np.ndarray,
                  offsets: np.ndarray, out: np.ndarray) -> int:
    """Fill ``out`` (n_sets, P) with the ES of every set under each of P labellings.

    Parameters
    ----------
    x : numpy.ndarray
        (G, n) expression, genes in tie order (row ``i`` ranks before row ``j > i``
        when their metric is equal).
    labels : numpy.ndarray
        (P, n) labellings: 1/0 class indicators, or phenotype values for ``"pearson"``.
    metric : str
        A key of :data:`METRIC_CODES`.
    weight : float
        The GSEA weight ``p`` (``|metric| ** p``).
    flat, offsets : numpy.ndarray
        Rows of set ``s``'s members are ``flat[offsets[s]:offsets[s + 1]]`` (int64).
    out : numpy.ndarray
        float64 (n_sets, P) to fill; may be a column slice of a larger array.

    Returns
    -------
    int
        Metric values that were not finite (set to 0, ranked as 0).
    """
    x = np.asarray(x, dtype=np.float64)
    labels = np.atleast_2d(np.asarray(labels, dtype=np.float64))
    centre = x.mean(axis=1)
    xct = np.ascontiguousarray((x - centre[:, None]).T)          # (n, G)
    code = METRIC_CODES[metric]
    sq = xct * xct
    if code == 5:
        yc = labels - labels.mean(axis=1, keepdims=True)
        s1m = yc @ xct
        t1 = np.sqrt(sq.sum(axis=0))
        t2 = t1
        scale = np.sqrt((yc * yc).sum(axis=1))
    else:                                                       # class sums in the compiled loop
        s1m = np.empty((1, 1))
        t1 = xct.sum(axis=0)
        t2 = sq.sum(axis=0)
        scale = labels.sum(axis=1)
    na = labels.sum(axis=1)
    flat = np.ascontiguousarray(flat, dtype=np.int64)
    offsets = np.ascontiguousarray(offsets, dtype=np.int64)
    n_sets, n_genes, n_lab = offsets.size - 1, x.shape[0], labels.shape[0]
    if labels.shape[1] != x.shape[1]:
        raise ValueError(f"labels have {labels.shape[1]} columns for {x.shape[1]} samples")
    if (offsets.size < 1 or offsets[0] != 0 or offsets[-1] != flat.size
            or np.any(np.diff(offsets) < 0) or (flat.size and (flat.min() < 0 or flat.max() >= n_genes))):
        raise ValueError(f"flat/offsets must partition rows in [0, {n_genes}) of x")
    if (out.dtype != np.float64 or out.shape != (n_sets, n_lab)
            or (n_lab > 1 and out.strides[1] != 8) or out.strides[0] % 8):
        raise TypeError(f"out must be float64 of shape ({n_sets}, {n_lab}) with contiguous rows")
    arrays = [np.ascontiguousarray(a, dtype=np.float64)
              for a in (labels, xct, sq, s1m, t1, t2, centre, na, scale)]
    labels, xct, sq, s1m, t1, t2, centre, na, scale = arrays
    n_bad = _null_es_block(code, ptr(labels, f64p), n_lab, labels.shape[1], ptr(xct, f64p),
                           ptr(sq, f64p), ptr(s1m, f64p), ptr(t1, f64p), ptr(t2, f64p),
                           ptr(centre, f64p), ptr(na, f64p), float(x.shape[1]), ptr(scale, f64p),
                           float(weight), ptr(flat, i64p), ptr(offsets, i64p), n_sets, n_genes,
                           out.ctypes.data_as(f64p), out.strides[0] // 8)
    if n_bad < 0:
        raise MemoryError("no memory for the phenotype null's scratch arrays")
    return int(n_bad)
