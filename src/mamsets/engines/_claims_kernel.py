"""Numeric kernel of the claim test: a competitive rank test of a few members against a ranking.

Plain numpy; no pandas, no identifiers. The caller passes every gene's score and
the positions of one claim's members in that array.

The test (for a claim's ``m`` members among ``N`` genes, ``n = N - m`` others)
- statistic: ``auc = U / (m n)``, the Mann-Whitney probability that a member outranks
  another gene (mid-ranks for ties; 0.5 under the null);
- p-values: one-sided, from the exact gene-label permutation null of the members'
  rank sum, estimated with ``n_perm`` random member sets drawn without replacement
  (``(k + 1) / (n_perm + 1)``, never 0); for ``m = 1`` the exact tail is used;
- effect: the Hodges-Lehmann shift (median of all member - other differences) with
  the confidence interval that inverts the same test (Moses' order statistics of
  the differences, cut where the permutation null of ``U`` puts ``alpha / 2``);
- sensitivity: the smallest location shift of ``m`` random genes that the two-sided
  test at ``alpha`` detects with the requested power (common random sets, bisection).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import rankdata

__all__ = ["RankShift", "detectable_shift", "draw_member_sets", "null_rank_sums", "rank_shift"]


@dataclass(frozen=True)
class RankShift:
    """One claim's rank test. Scores are in the ranking's own units."""

    n_found: int
    auc: float
    pval_up: float
    pval_down: float
    shift: float
    shift_low: float
    shift_high: float


def draw_member_sets(n_genes: int, m: int, n_draws: int, rng: np.random.Generator) -> np.ndarray:
    """``n_draws`` random sets of ``m`` distinct positions out of ``n_genes`` (rows).

    Rows are drawn with replacement and the few rows holding a repeated position are
    drawn again until none is left, which is exact sampling without replacement.
    """
    if m > n_genes:
        raise ValueError(f"cannot draw {m} members out of {n_genes} genes")
    out = rng.integers(0, n_genes, size=(n_draws, m))
    if m == 1:
        return out
    while True:
        srt = np.sort(out, axis=1)
        bad = np.flatnonzero((srt[:, 1:] == srt[:, :-1]).any(axis=1))
        if bad.size == 0:
            return out
        out[bad] = rng.integers(0, n_genes, size=(bad.size, m))


def null_rank_sums(ranks: np.ndarray, m: int, n_perm: int, rng: np.random.Generator) -> np.ndarray:
    """Rank sums of ``n_perm`` random member sets of size ``m`` (the gene-label permutation null)."""
    idx = draw_member_sets(ranks.size, m, n_perm, rng)
    return ranks[idx].sum(axis=1)


def _order_stat(sorted_diffs: np.ndarray, k: int) -> float:
    """k-th smallest (1-based) difference; -inf/+inf outside 1..K."""
    if k < 1:
        return -np.inf
    if k > sorted_diffs.size:
        return np.inf
    return float(sorted_diffs[k - 1])


def rank_shift(
    scores: np.ndarray,
    members: np.ndarray,
    *,
    n_perm: int,
    rng: np.random.Generator,
    alpha: float = 0.05,
    null_sums: np.ndarray | None = None,
    ranks: np.ndarray | None = None,
) -> RankShift:
    """Competitive rank test and Hodges-Lehmann shift of ``scores[members]`` vs the rest.

    Parameters
    ----------
    scores : numpy.ndarray
        Every gene's score (finite), length ``N``.
    members : numpy.ndarray
        Distinct integer positions of the claim's members in ``scores`` (``m >= 1``,
        ``m < N``).
    n_perm : int
        Random member sets for the permutation null (``m >= 2``).
    rng : numpy.random.Generator
        Source of the random member sets.
    alpha : float
        The interval is ``1 - alpha``.
    null_sums : numpy.ndarray, optional
        Precomputed null rank sums for this ``m`` (from the same ``scores``); saves
        drawing them again for claims of equal size.
    ranks : numpy.ndarray, optional
        ``scipy.stats.rankdata(scores)``, when the caller already has it (one ranking,
        many claims).

    Returns
    -------
    RankShift
    """
    scores = np.asarray(scores, dtype=np.float64)
    members = np.asarray(members, dtype=np.int64)
    n_all = scores.size
    m = members.size
    if m < 1 or m >= n_all:
        raise ValueError(f"need 1 <= members < N, got {m} of {n_all}")
    if ranks is None:
        ranks = rankdata(scores)  # mid-ranks, multiples of 0.5: exact in float64
    obs = float(ranks[members].sum())
    n_oth = n_all - m
    u_obs = obs - m * (m + 1) / 2.0
    if m == 1:
        # exact: the member's rank is uniform on 1..N under gene-label permutation
        at_least = float(np.count_nonzero(ranks >= obs))
        at_most = float(np.count_nonzero(ranks <= obs))
        p_up, p_down = at_least / n_all, at_most / n_all
        u_null = np.sort(ranks - 1.0)
    else:
        if null_sums is None:
            null_sums = null_rank_sums(ranks, m, n_perm, rng)
        p_up = (np.count_nonzero(null_sums >= obs) + 1.0) / (null_sums.size + 1.0)
        p_down = (np.count_nonzero(null_sums <= obs) + 1.0) / (null_sums.size + 1.0)
        u_null = np.sort(null_sums - m * (m + 1) / 2.0)
    mask = np.ones(n_all, dtype=bool)
    mask[members] = False
    diffs = np.sort((scores[members][:, None] - scores[mask][None, :]).ravel())
    k_total = diffs.size
    shift = float(np.median(diffs))
    # U counts member-other pairs with d > 0 (+1/2 ties); the test that U(delta) is not
    # extreme accepts delta between the c-th smallest and c-th largest differences,
    # c the alpha/2 quantile of U's null (Hollander & Wolfe, Moses' interval)
    c = int(np.floor(np.quantile(u_null, alpha / 2.0, method="inverted_cdf")))
    low = _order_stat(diffs, c)
    high = _order_stat(diffs, k_total + 1 - c)
    return RankShift(
        n_found=m,
        auc=u_obs / (m * n_oth),
        pval_up=float(min(p_up, 1.0)),
        pval_down=float(min(p_down, 1.0)),
        shift=shift,
        shift_low=low,
        shift_high=high,
    )


def detectable_shift(
    scores: np.ndarray,
    m: int,
    *,
    sign: int,
    alpha: float,
    power: float,
    n_draws: int,
    null_sums: np.ndarray | None,
    rng: np.random.Generator,
    n_perm: int = 20_000,
    ranks: np.ndarray | None = None,
    order: np.ndarray | None = None,
) -> float:
    """Smallest shift of ``m`` random genes that the two-sided test detects with ``power``.

    The claim's direction is ``sign`` (+1 up, -1 down). ``n_draws`` random member
    sets are shifted by ``sign * delta``; the test rejects when their rank sum passes
    the ``1 - alpha/2`` quantile of the null (the same null as :func:`rank_shift`).
    Power is monotone in ``delta`` for common random sets, so ``delta`` is found by
    bisection. Returns ``inf`` when even an unbounded shift does not reach ``power``
    (possible only for very small rankings).
    """
    scores = np.asarray(scores, dtype=np.float64)
    n_all = scores.size
    if ranks is None:
        ranks = rankdata(scores)
    if m == 1:
        null = np.sort(ranks)
    else:
        null = np.sort(null_sums if null_sums is not None else null_rank_sums(ranks, m, n_perm, rng))
    q = 1.0 - alpha / 2.0
    crit_up = float(np.quantile(null, q, method="higher"))
    crit_down = float(np.quantile(null, 1.0 - q, method="lower"))
    sets = draw_member_sets(n_all, m, n_draws, rng)
    if order is None:
        order = np.sort(scores)
    vals = scores[sets]  # (n_draws, m)
    internal = m * (m + 1) / 2.0

    def rank_sums(delta: float) -> np.ndarray:
        moved = vals + sign * delta
        below = np.searchsorted(order, moved, side="left").astype(np.float64)
        equal = np.searchsorted(order, moved, side="right") - below
        # drop the members themselves from the counts of genes below / equal
        mb = (vals[:, None, :] < moved[:, :, None]).sum(axis=2)
        me = (vals[:, None, :] == moved[:, :, None]).sum(axis=2)
        others_below = below - mb
        others_equal = equal - me
        return (others_below + 0.5 * others_equal).sum(axis=1) + internal

    def achieved(delta: float) -> float:
        s = rank_sums(delta)
        hit = s >= crit_up if sign > 0 else s <= crit_down
        return float(hit.mean())

    span = float(order[-1] - order[0])
    hi = max(span, 1e-12) * 2.0 + 1e-12
    if achieved(hi) < power:
        return float("inf")
    lo = 0.0
    for _ in range(40):
        mid = 0.5 * (lo + hi)
        if achieved(mid) >= power:
            hi = mid
        else:
            lo = mid
        if hi - lo <= 1e-4 * max(span, 1e-12):
            break
    return hi
