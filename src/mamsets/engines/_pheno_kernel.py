"""Numeric kernel of phenotype-permutation GSEA: ranks and ES of every set for many labellings.

Plain numbers in, plain numbers out (numpy and numba only). Everything per
labelling runs in one compiled loop: the class sums of the centred expression
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
``_MAX_BUCKET`` genes (many ties, e.g. genes constant in every sample), that
labelling falls back to a stable argsort. Either way the positions are exactly
those of ``np.argsort(-metric, kind="stable")``. ES then comes from
:func:`mamsets.engines._gsea_kernel._es_value` with N_R summed in position order:
the arithmetic of the preranked kernel. (The null's metric can differ from the
observed metric's arithmetic by rounding, about 1e-16 relative.) Only member positions of the weight vector are read,
so only those are filled.
"""

from __future__ import annotations

import numba
import numpy as np

from ._gsea_kernel import _DEBRUIJN_TABLE, _es_value, _tz

__all__ = ["null_es_block"]

_NJIT = {"cache": True, "nogil": True, "error_model": "numpy"}    # x/0 -> inf or nan, as numpy


#: Bucket size above which a labelling is ranked by a stable argsort instead.
_MAX_BUCKET = 64
#: Buckets span the mean +- this many standard deviations (heavy tails would waste them).
_SD_RANGE = 5.0


@numba.njit(**_NJIT)
def _argsort_positions(col: np.ndarray, flat: np.ndarray, pos: np.ndarray) -> None:
    n = col.shape[0]
    order = np.argsort(col, kind="mergesort")            # stable: ties in row order
    inv = np.empty(n, dtype=np.int64)
    for r in range(n):
        inv[order[r]] = r
    for i in range(flat.shape[0]):
        pos[i] = inv[flat[i]]


@numba.njit(**_NJIT)
def _positions(col: np.ndarray, flat: np.ndarray, pos: np.ndarray, bucket: np.ndarray,
               start: np.ndarray, vals: np.ndarray, rows: np.ndarray) -> None:
    """0-based rank of rows ``flat`` when ``col`` is sorted ascending, ties by row (stable)."""
    n = col.shape[0]
    nb = start.shape[0] - 1
    mean = 0.0
    for g in range(n):
        mean += col[g]
    mean /= n
    ss = 0.0
    for g in range(n):
        ss += (col[g] - mean) ** 2
    half = _SD_RANGE * np.sqrt(ss / n)
    lo = mean - half                                       # tails beyond +-_SD_RANGE sd share
    scale = nb / (2.0 * half) if half > 0.0 else 0.0      # the end buckets
    start[:] = 0
    for g in range(n):
        b = min(max(int((col[g] - lo) * scale), 0), nb - 1)
        bucket[g] = b
        start[b + 1] += 1
    for b in range(nb):
        if start[b + 1] > _MAX_BUCKET:
            _argsort_positions(col, flat, pos)
            return
        start[b + 1] += start[b]
    fill = start[:nb].copy()
    for g in range(n):                                     # rows ascending within a bucket
        b = bucket[g]
        vals[fill[b]] = col[g]
        rows[fill[b]] = g
        fill[b] += 1
    for i in range(flat.shape[0]):
        r = flat[i]
        v = col[r]
        b = bucket[r]
        c = start[b]
        for j in range(start[b], start[b + 1]):
            if vals[j] < v or (vals[j] == v and rows[j] < r):
                c += 1
        pos[i] = c


#: Metric codes of the compiled loop (names as in :mod:`mamsets.engines._expr_metrics`).
METRIC_CODES = {"signal_to_noise": 0, "t_test": 1, "ratio_of_classes": 2, "diff_of_classes": 3,
                "log2_ratio_of_classes": 4, "pearson": 5}


@numba.njit(**_NJIT)
def _metric_col(code: int, s1: np.ndarray, s2: np.ndarray, t1: np.ndarray, t2: np.ndarray,
                centre: np.ndarray, na: float, nb: float, scale: float, col: np.ndarray) -> int:
    """Negated metric of every gene for one labelling into ``col``; non-finite values -> 0 (counted)."""
    n_bad = 0
    for g in range(col.shape[0]):
        if code == 5:                                   # pearson: s1 = centred x . centred y
            v = s1[g] / t1[g] / scale
        else:
            ma = s1[g] / na
            mb = (t1[g] - s1[g]) / nb
            diff = ma - mb
            if code == 3:
                v = diff
            elif code == 2 or code == 4:
                v = (ma + centre[g]) / (mb + centre[g])
                if code == 4:
                    v = np.log2(v)
            else:
                va = max((s2[g] - s1[g] * ma) / (na - 1.0), 0.0)
                vb = max((t2[g] - s2[g] - (t1[g] - s1[g]) * mb) / (nb - 1.0), 0.0)
                if code == 1:
                    v = diff / np.sqrt(va / na + vb / nb)
                else:
                    sa = max(np.sqrt(va), 0.2 * abs(ma + centre[g]))
                    sb = max(np.sqrt(vb), 0.2 * abs(mb + centre[g]))
                    if sa == 0.0:
                        sa = 0.2
                    if sb == 0.0:
                        sb = 0.2
                    v = diff / (sa + sb)
        if not np.isfinite(v):
            v = 0.0
            n_bad += 1
        col[g] = -v
    return n_bad


@numba.njit(**_NJIT)
def _class_sums(xct: np.ndarray, sq: np.ndarray, lab: np.ndarray, t1: np.ndarray, t2: np.ndarray,
                squares: bool, s1: np.ndarray, s2: np.ndarray) -> None:
    """Sums of centred values (and squares) over the samples labelled 1, from the smaller class."""
    n_a = 0
    for j in range(lab.shape[0]):
        n_a += lab[j] == 1.0
    flip = 2 * n_a > lab.shape[0]
    s1[:] = 0.0
    s2[:] = 0.0
    for j in range(lab.shape[0]):
        if (lab[j] == 1.0) != flip:
            for g in range(s1.shape[0]):
                s1[g] += xct[j, g]
            if squares:
                for g in range(s1.shape[0]):
                    s2[g] += sq[j, g]
    if flip:
        for g in range(s1.shape[0]):
            s1[g] = t1[g] - s1[g]
            s2[g] = t2[g] - s2[g]


@numba.njit(**_NJIT)
def _null_es_block(code: int, labels: np.ndarray, xct: np.ndarray, sq: np.ndarray, s1m: np.ndarray,
                   t1: np.ndarray, t2: np.ndarray, centre: np.ndarray, na: np.ndarray, n_total: float,
                   scale: np.ndarray, weight: float, flat: np.ndarray, offsets: np.ndarray,
                   out: np.ndarray, table: np.ndarray) -> int:
    n_lab = labels.shape[0]
    n = t1.shape[0]
    s1 = np.empty(n, dtype=np.float64)
    s2 = np.empty(n, dtype=np.float64)
    n_sets = offsets.shape[0] - 1
    pos = np.empty(flat.shape[0], dtype=np.int64)
    w = np.zeros(n, dtype=np.float64)
    col = np.empty(n, dtype=np.float64)
    bucket = np.empty(n, dtype=np.int64)
    start = np.empty(max(n // 2, 1) + 1, dtype=np.int64)
    vals = np.empty(n, dtype=np.float64)
    rows = np.empty(n, dtype=np.int64)
    n_words = (n + 63) >> 6
    bits = np.zeros(n_words, dtype=np.uint64)
    seg = np.empty(n, dtype=np.int64)
    one = np.uint64(1)
    n_bad = 0
    for p in range(n_lab):
        if code == 5:
            s1[:] = s1m[p]
        else:
            _class_sums(xct, sq, labels[p], t1, t2, code < 2, s1, s2)
        n_bad += _metric_col(code, s1, s2, t1, t2, centre, na[p], n_total - na[p], scale[p], col)
        _positions(col, flat, pos, bucket, start, vals, rows)
        for i in range(flat.shape[0]):
            a = abs(col[flat[i]])
            if weight == 1.0:
                w[pos[i]] = a
            elif weight == 0.0:
                w[pos[i]] = 1.0
            else:
                w[pos[i]] = a ** weight
        for s in range(n_sets):                        # each set's positions in order, from a bitset
            for i in range(offsets[s], offsets[s + 1]):
                q = pos[i]
                bits[q >> 6] |= one << np.uint64(q & 63)
            t = 0
            nr = 0.0
            for word in range(n_words):
                y = bits[word]
                if y:
                    bits[word] = np.uint64(0)
                    base = word << 6
                    while y:
                        q = base + _tz(y, table)
                        seg[t] = q
                        nr += w[q]
                        t += 1
                        y &= y - one
            out[s, p] = _es_value(w, seg[:t], n, nr)
    return n_bad


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
    return int(_null_es_block(code, labels, xct, sq, s1m, t1, t2, centre, na, float(x.shape[1]), scale,
                              float(weight), np.ascontiguousarray(flat, dtype=np.int64),
                              np.ascontiguousarray(offsets, dtype=np.int64), out, _DEBRUIJN_TABLE))
