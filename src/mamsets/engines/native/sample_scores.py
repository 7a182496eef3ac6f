"""Single-sample gene-set scores: ssGSEA, GSVA, z-score, PLAGE, singscore (numpy/scipy kernels).

Every entry function takes ``(x, members, opts)``: ``x`` genes x samples
(float64, no constant rows), ``members`` a list of int arrays (rows of ``x`` of
each set's members, at least one each) and ``opts`` a dict of the method's
options; it returns a (sets x samples) float64 array. The public front is
:func:`mamsets.engines.score_samples.score_samples`, where the formulas are.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from scipy import sparse

# scipy (stats alone costs ~0.7 s CPU and ~50 MB to import) is imported inside the functions
# that use it: the registry lists these methods, and GSEA runs must not pay for it.

__all__ = ["SAMPLE_SCORE_METHODS", "SCORES_SCHEMA", "gsva", "plage", "singscore", "ssgsea", "zscore"]

#: Column -> dtype of the tidy table of every single-sample method.
SCORES_SCHEMA: dict[str, str] = {
    "sample": "object",
    "term": "object",
    "description": "object",
    "size": "int64",
    "n_members": "int64",
    "score": "float64",
}

#: Samples scored at once (bounds memory to a few genes x CHUNK float64 arrays).
CHUNK = 128


def _incidence(members: list[np.ndarray], n_genes: int) -> sparse.csr_matrix:
    from scipy import sparse

    rows = np.repeat(np.arange(len(members)), [m.size for m in members])
    cols = np.concatenate(members) if members else np.empty(0, dtype=np.int64)
    return sparse.csr_matrix((np.ones(cols.size), (rows, cols)), shape=(len(members), n_genes))


def _positions_from_end(r: np.ndarray) -> np.ndarray:
    """N - p for every gene, p its 0-based position when sorted by decreasing ``r`` (ties: row order)."""
    n = r.shape[0]
    order = np.argsort(-r, axis=0, kind="stable")
    q = np.empty_like(order)
    np.put_along_axis(q, order, np.arange(n, 0, -1)[:, None], axis=0)
    return q.astype(np.float64)


def ssgsea(x: np.ndarray, members: list[np.ndarray], opts: dict[str, Any]) -> np.ndarray:
    """ssGSEA enrichment scores (sets x samples), range-normalised when ``opts["normalize"]``."""
    from scipy import stats

    alpha = float(opts.get("alpha", 0.25))
    ties = opts.get("ties", "gsva")
    n, n_samples = x.shape
    s = _incidence(members, n)
    k = np.asarray(s.sum(axis=1)).ravel()
    out = np.empty((len(members), n_samples))
    for c in range(0, n_samples, CHUNK):
        xc = x[:, c:c + CHUNK]
        r = stats.rankdata(xc, axis=0, method="average")
        if ties == "gsva":
            r = np.floor(r)                         # GSVA's as.integer(rank(x))
        q = _positions_from_end(r)
        w = r ** alpha
        a = s @ (w * q)
        b = s @ w
        cq = s @ q
        out[:, c:c + CHUNK] = a / b - (n * (n + 1) / 2 - cq) / (n - k)[:, None]
    if opts.get("normalize", True) and out.size:
        span = out.max() - out.min()
        if span > 0:
            out /= span
    return out


def _z(x: np.ndarray) -> np.ndarray:
    return (x - x.mean(axis=1, keepdims=True)) / x.std(axis=1, ddof=1, keepdims=True)


def zscore(x: np.ndarray, members: list[np.ndarray], opts: dict[str, Any]) -> np.ndarray:
    """Sum of the members' z-scores over sqrt(K) (Lee et al. 2008)."""
    s = _incidence(members, x.shape[0])
    k = np.asarray(s.sum(axis=1)).ravel()
    return np.asarray(s @ _z(x)) / np.sqrt(k)[:, None]


def plage(x: np.ndarray, members: list[np.ndarray], opts: dict[str, Any]) -> np.ndarray:
    """First right singular vector of the members' z-scores (Tomfohr et al. 2005); sign arbitrary.

    The sign is fixed so that the score correlates positively with the members'
    mean z-score (GSVA leaves it to LAPACK).
    """
    z = _z(x)
    out = np.empty((len(members), x.shape[1]))
    for i, m in enumerate(members):
        zs = z[m]
        v = np.linalg.svd(zs, full_matrices=False)[2][0]
        mean = zs.mean(axis=0)
        out[i] = -v if np.dot(v - v.mean(), mean - mean.mean()) < 0 else v
    return out


def _gene_density(x: np.ndarray, kcdf: str) -> np.ndarray:
    """GSVA's per-gene kernel CDF of each sample's value, as log-odds (genes x samples)."""
    from scipy import special, stats

    n, m = x.shape
    out = np.empty_like(x)
    step = max(1, 2_000_000 // max(m * m, 1))
    for g in range(0, n, step):
        xg = x[g:g + step]
        d = xg[:, :, None] - xg[:, None, :]           # (genes, i, j): x_i - x_j
        if kcdf == "gaussian":
            h = xg.std(axis=1, ddof=1)[:, None, None] / 4.0
            f = special.ndtr(d / h).mean(axis=2)
        else:                                          # poisson: ppois(x_i, x_j + 0.5)
            f = stats.poisson.cdf(xg[:, :, None], xg[:, None, :] + 0.5).mean(axis=2)
        out[g:g + step] = -np.log((1.0 - f) / f)
    return out


def gsva(x: np.ndarray, members: list[np.ndarray], opts: dict[str, Any]) -> np.ndarray:
    """GSVA scores (Hänzelmann et al. 2013), ``mx.diff=TRUE`` (max positive + max negative deviation)."""
    dens = _gene_density(x, opts.get("kcdf", "gaussian"))
    n, n_samples = x.shape
    order = np.argsort(-dens, axis=0, kind="stable")
    sym = np.abs(np.arange(n, 0, -1) - n / 2.0)      # rank score at each position
    out = np.empty((len(members), n_samples))
    for j in range(n_samples):
        pos_of = np.empty(n, dtype=np.int64)
        pos_of[order[:, j]] = np.arange(n)
        rs = np.empty(n)
        rs[order[:, j]] = sym
        for i, m in enumerate(members):
            out[i, j] = _walk_extremes(pos_of[m], rs[m], n)
    return out


def _walk_extremes(pos: np.ndarray, w: np.ndarray, n: int) -> float:
    """max(0, walk) + min(0, walk) of the weighted running sum with hits at ``pos``."""
    o = np.argsort(pos)
    p, w = pos[o], w[o]
    k = p.size
    cum = np.cumsum(w) / w.sum()
    top = cum - (p - np.arange(k)) / (n - k)
    bottom = top - w / w.sum()
    return max(0.0, float(top.max())) + min(0.0, float(bottom.min()))


def _singscore_part(r: np.ndarray, m: np.ndarray, n: int) -> np.ndarray:
    """Mean rank of rows ``m`` scaled to [0, 1] between its smallest and largest possible value."""
    k = m.size
    low, high = (k + 1) / 2.0, (2.0 * n - k + 1) / 2.0
    return (r[m].mean(axis=0) - low) / (high - low)


def singscore(x: np.ndarray, members: list[np.ndarray], opts: dict[str, Any]) -> np.ndarray:
    """singscore (Foroutan et al. 2018), centred; signed sets add the down members' reversed score.

    ``opts["down"]``: optional list aligned with ``members``, each None or the rows
    of that set's down members (then ``members`` holds its up members).
    """
    from scipy import stats

    n = x.shape[0]
    r = stats.rankdata(x, axis=0, method="min")          # singscore's rankGenes(tiesMethod = "min")
    down = opts.get("down") or [None] * len(members)
    out = np.empty((len(members), x.shape[1]))
    for i, (m, d) in enumerate(zip(members, down)):
        out[i] = _singscore_part(r, m, n) - 0.5
        if d is not None and d.size:
            out[i] += (1.0 - _singscore_part(r, d, n)) - 0.5
    return out


#: name -> (entry function, one-line description), registered in :mod:`mamsets.engines.registry`.
SAMPLE_SCORE_METHODS: dict[str, tuple[Callable[..., np.ndarray], str]] = {
    "ssgsea": (ssgsea, "single-sample GSEA (Barbie et al. 2009) as GSVA computes it; "
               "range-normalised by default"),
    "gsva": (gsva, "GSVA (Hänzelmann et al. 2013): kernel CDF per gene, rank walk, max deviation difference"),
    "zscore": (zscore, "combined z-score (Lee et al. 2008): sum of member z-scores / sqrt(K)"),
    "plage": (plage, "PLAGE (Tomfohr et al. 2005): first singular vector of member z-scores"),
    "singscore": (singscore, "singscore (Foroutan et al. 2018): centred mean rank of the members; "
                  "up and down members of signed sets scored together"),
}
