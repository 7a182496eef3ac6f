"""Adaptive multilevel splitting p-values for preranked GSEA (numeric kernel).

Plain numbers in, plain numbers out: no pandas, no gene names. The public engine
(:func:`mamsets.engines.gsea.gsea`) computes the observed enrichment scores and calls
:func:`multilevel_pvalues` with the gene weights ``|score| ** weight`` in ranking order.

Which p-value
-------------
For a set of size ``K`` with observed enrichment score ``es >= 0`` the p-value is the
probability that a uniformly random set of ``K`` genes of the same ranking scores at
least as high, *given that its score is not negative*::

    p = P(ES_K >= es | ES_K >= 0)

and symmetrically ``p = P(ES_K <= es | ES_K <= 0)`` for ``es < 0``. This is the
quantity R's fgsea reports as ``pval`` (fgseaSimple's ``(k + 1) / (n_same_sign + 1)`` and
fgseaMultilevel's multilevel estimate divided by the probability of the sign), and the
nominal p-value of GSEA desktop. ``ES_K`` is the signed Kolmogorov-Smirnov-like score of
Subramanian et al. (2005): the running-sum value of largest magnitude.

How it is estimated (our implementation of the method of Korotkevich et al.)
----------------------------------------------------------------------------
Sets of equal size and sign form one *work unit* and share one ladder of levels; a
negative ``es`` is the positive problem on the reversed ranking. For one unit:

1. Draw uniform random sets until ``sample_size`` of them have ``ES >= 0`` (exact draws
   from the conditional distribution). Among the first 1,000 draws, fewer than 10 of the
   wanted sign marks the unit *unbalanced* (fgsea's rule): the sign is so rare in this
   ranking that no reliable p-value can be given and NaN is returned.
2. Repeat: the median of the sample is the next level ``L``. Samples are ordered by the
   key ``(ES, hash)``: ES values closer than 1e-10 count as equal and then a random
   hash of the set (XOR of random 64-bit gene keys, Zobrist hashing) decides, which
   makes the order strict (see *Ties* below). The ``m`` samples with a key above the
   median's survive (``m = (S - 1) / 2`` unless identical sets share the median's key);
   each is copied ``S // m`` times and random survivors fill the remaining places. Each
   sample is then moved by a Metropolis random walk that swaps one member for one
   non-member and accepts only moves keeping the key above ``L`` (the uniform
   distribution on those sets is its stationary law). Moves continue until
   ``sample_size * K`` moves were accepted (as in fgsea). Stop once the level reaches the
   largest ``es`` of the unit, once the estimated tail probability of the current level
   is below ``eps``, or when no sample lies above the median any more (the walk is
   stuck on one set: only near the maximum of tiny sets).
3. A level passage keeping ``m`` of ``S`` samples contributes ``psi(m + 1) - psi(S + 1)``
   to ``log p`` (for ``m = h - 1``, ``h = (S + 1) / 2``, this is ``psi(h) - psi(S + 1)``,
   the expected log of the median order statistic of ``S`` uniforms, ``Beta(h, h)``). An
   ``es`` resolved at sample ``i`` (the first whose median reaches ``es``), with ``r`` of
   its ``S`` scores ``>= es``, gets the sum over the ``i`` passages plus ``psi(r + 1) -
   psi(S + 2)``, a binomial fraction with a uniform prior (``psi`` is the digamma
   function; these are expected logarithms). Finally ``p`` is raised to ``1 / C(N, K)``
   if the estimate fell below it: the observed set is itself one of the ``C(N, K)``
   equally likely sets, so that is an exact lower bound (this assumes ``es`` is the
   score of a set of size ``K`` of this ranking, as the engine guarantees).

``log2err`` is the standard deviation of ``log2 p`` implied by the same model, the root
of the summed ``psi1(m + 1) - psi1(S + 1)`` plus ``psi1(r + 1) - psi1(S + 2)``, over
``ln 2`` (``psi1`` the trigamma function), fgsea's ``multilevelError`` up to the
treatment of the last level. It assumes the random walk mixes well, as fgsea's does.

Ties: ES values closer than 1e-10 count as equal (so the observed set itself counts as
"at least as extreme"), and a walk whose positive and negative deviations are equal
within 1e-12 has ES = 0, counted on both sides (fgsea's ``ES >= 0`` / ``ES <= 0``).
Ranks-only weights (``weight=0``), repeated scores and small rankings give many sets
with the same ES, which rounding would otherwise split at random (and differently after
rescaling the scores): a plain ``ES > L`` ladder then either keeps "climbing" among equal
values (p-values far too small) or loses the tied sets (far too large). Ordering by
``(ES, hash)`` turns the discrete distribution into a continuous one in which every
passage keeps exactly the sets above the median key, as fgsea does with its integer
scores and set hashes; results are then the same, for the same seed, whatever the scale
of the scores.

Implementation: numba (nopython, ``nogil``, cached). The random walk makes millions of
data-dependent moves that numpy cannot vectorise. Each sample is stored in ``2 sqrt(K)``
chunks of the ranking (boundaries at the samples' median order statistics, reset at each
level) with per-chunk weight sums. A proposed swap is first tested in O(1) at the last
known peak of the walk (exact value) against a bound on the walk's depth below zero;
otherwise each chunk's maximum and minimum are bounded from its weight sum and hit
count and only the chunks that can matter are scanned. Both paths decide exactly as a
full recomputation would. Random numbers: xoshiro256** per unit.

Validation (``tests/test_multilevel.py``): R fgsea 1.31.6 on its example (586 sets, all
within 3 combined log2err at 99 %), fgsea's C++ ruler, brute force, exhaustive
enumeration, exact one-gene sets, calibration (uniform p-values on random rankings).

Randomness: one :class:`numpy.random.SeedSequence` child per unit, derived from the given
sequence by ``spawn_key + (0x6D6C, i)`` with units sorted by (size, sign) — the given
sequence is not advanced, so the same ``seed_sequence`` always gives the same result,
whatever ``n_jobs`` (the units run in threads; the kernels release the GIL). Pass a
sequence dedicated to this call (e.g. a child of the run's root sequence).
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor

import numba
import numpy as np
from scipy.special import digamma, gammaln, polygamma

from ..errors import InputError

__all__ = ["MIN_SIGN_COUNT", "MIN_SIGN_DRAWS", "multilevel_pvalues"]

#: Random sets drawn to judge whether the sign of a unit is too rare (fgsea's nPermSimple).
MIN_SIGN_DRAWS = 1000
#: Fewer same-signed sets than this among :data:`MIN_SIGN_DRAWS` -> unbalanced, NaN p-value.
MIN_SIGN_COUNT = 10
#: Two enrichment scores closer than this are treated as equal (as in fgsea).
_ES_TOL = 1e-10
#: The positive and negative deviations of one walk are a tie (ES = 0) when closer than
#: this: exact ties are common in small rankings (both can be whole numbers of misses
#: over N - K) and rounding must not break them differently on the reversed ranking.
_TIE_TOL = 1e-12
#: Hard cap on levels: 2**-1070 is below the smallest positive double.
_MAX_LEVELS = 1070
#: Cap on random-walk attempts per level, in units of sample_size * K accepted moves, and
#: in absolute terms (dense sets, K close to N, rarely propose a non-member).
_MAX_ATTEMPT_FACTOR = 200
_MAX_ATTEMPTS_PER_LEVEL = 20_000_000
#: Cap on draws when filling the first sample of a rare (but not unbalanced) sign.
_MAX_INITIAL_DRAWS = 1_000_000

# status codes returned by the kernel for each query
_OK, _FLOOR, _STALLED, _UNBALANCED = 0, 1, 2, 3

_NJIT = {"cache": True, "nogil": True}


# --------------------------------------------------------------------------- RNG
# xoshiro256** (Blackman & Vigna 2018), one independent state per work unit, seeded from
# numpy.random.SeedSequence, so a unit's stream does not depend on the thread running it.


@numba.njit(**_NJIT)
def _rotl(x, k):
    return (x << np.uint64(k)) | (x >> np.uint64(64 - k))


@numba.njit(**_NJIT)
def _next_u64(s):
    result = _rotl(s[1] * np.uint64(5), 7) * np.uint64(9)
    t = s[1] << np.uint64(17)
    s[2] ^= s[0]
    s[3] ^= s[1]
    s[1] ^= s[2]
    s[0] ^= s[3]
    s[2] ^= t
    s[3] = _rotl(s[3], 45)
    return result


@numba.njit(**_NJIT)
def _randint(s, n):
    """Uniform integer in ``[0, n)`` (53-bit float method; bias below 2**-30 for n < 2**23)."""
    u = float(_next_u64(s) >> np.uint64(11)) * (1.0 / 9007199254740992.0)
    r = int(u * n)
    return r if r < n else n - 1


# ------------------------------------------------------------------ scores


@numba.njit(**_NJIT)
def _signed_es(pos, k, w, n):
    """Signed enrichment score of the sorted positions ``pos[:k]`` (fgsea's tie rule).

    Running sum after hit ``j`` (0-based) is ``A_j = Y_j / NR - (pos_j - j) / (N - K)``,
    just before it ``B_j = A_j - w_j / NR``; ES is ``max A`` if ``max A > -min B``,
    ``min B`` if ``max A < -min B`` and 0 on a tie (within ``_TIE_TOL``).
    """
    nr = 0.0
    for j in range(k):
        nr += w[pos[j]]
    q2 = 1.0 / nr if nr > 0.0 else 0.0
    q1 = 1.0 / (n - k)
    y = 0.0
    amax = -np.inf
    bmin = np.inf
    for j in range(k):
        m = (pos[j] - j) * q1
        b = y * q2 - m
        bmin = min(bmin, b)
        y += w[pos[j]]
        a = y * q2 - m
        amax = max(amax, a)
    if amax > -bmin + _TIE_TOL:
        return amax
    if amax < -bmin - _TIE_TOL:
        return bmin
    return 0.0


@numba.njit(**_NJIT)
def _chunk_of(bnd, n_chunks, v):
    # chunk c holds positions bnd[c] <= v < bnd[c + 1]
    c = np.searchsorted(bnd, v, side="right") - 1
    if c >= n_chunks:
        c = n_chunks - 1
    return c


@numba.njit(**_NJIT)
def _lower_bound(cp, row, m, value):
    """First index i < m of the sorted row ``cp[row, :m]`` with ``cp[row, i] >= value``."""
    lo = 0
    while m > 0:
        h2 = m >> 1
        if cp[row, lo + h2] < value:
            lo += h2 + 1
            m -= h2 + 1
        else:
            m = h2
    return lo


@numba.njit(**_NJIT)
def _exceeds(cpos, cnt, csum, nr, bnd, n_chunks, w, q1, level, ub, lb, ystart, hstart, cand):
    """True when the signed ES of one sample is ``> level`` (``level > -1e-9``).

    The sample is stored by chunks of the ranking (``cpos[c, :cnt[c]]`` sorted positions
    in ``[bnd[c], bnd[c + 1])``, weight sums ``csum``). From a chunk's weight sum and hit
    count come an upper bound of the running sum at its hits and a lower bound just
    before them, so only chunks that can matter are scanned hit by hit.

    On success ``cand`` receives ``[peak position, weight prefix through it, misses before
    it, depth, chunk of the peak, chunk of the deepest point]``, depth being the exact
    ``-min`` of the running sum; its last two entries are read as hints.
    """
    q2 = 1.0 / nr if nr > 0.0 else 0.0
    y = 0.0
    h = 0
    max_ub = -np.inf
    for c in range(n_chunks):
        m = cnt[c]
        ystart[c] = y
        hstart[c] = h
        if m > 0:
            ub[c] = (y + csum[c]) * q2 - (bnd[c] - h) * q1
            lb[c] = y * q2 - (bnd[c + 1] - h - m) * q1
            max_ub = max(max_ub, ub[c])
        y += csum[c]
        h += m
    if max_ub <= level:
        return False
    # exact peak: the chunk of the previous peak first (a hint), then only chunks whose
    # bound beats the best value so far
    amax = -np.inf
    best_p = -1
    best_x = 0
    best_y = 0.0
    best_c = -1
    hint = int(cand[4])
    for i in range(n_chunks + 1):
        c = hint if i == 0 else i - 1
        if i > 0 and c == hint:
            continue
        m = cnt[c]
        if m > 0 and ub[c] > level and ub[c] > amax:
            yy = ystart[c]
            x0 = hstart[c]
            for t in range(m):
                p = cpos[c, t]
                yy += w[p]
                a = yy * q2 - (p - x0 - t) * q1
                if a > amax:
                    amax = a
                    best_p = p
                    best_x = p - x0 - t
                    best_y = yy
                    best_c = c
    if amax <= level:
        return False
    # exact depth below zero, same pruning, rejecting as soon as it reaches the peak
    depth = 0.0
    deep_c = int(cand[5])
    hint = deep_c
    for i in range(n_chunks + 1):
        c = hint if i == 0 else i - 1
        if i > 0 and c == hint:
            continue
        m = cnt[c]
        if m > 0 and -lb[c] > depth:
            yy = ystart[c]
            x0 = hstart[c]
            for t in range(m):
                p = cpos[c, t]
                d = (p - x0 - t) * q1 - yy * q2
                if d > depth:
                    if d >= amax - _TIE_TOL and (level >= 0.0 or d > amax + _TIE_TOL):
                        # ES <= 0 (a tie, ES = 0, passes a negative level only)
                        return False
                    depth = d
                    deep_c = c
                yy += w[p]
    cand[0] = best_p
    cand[1] = best_y
    cand[2] = best_x
    cand[3] = depth
    cand[4] = best_c
    cand[5] = deep_c
    return True


@numba.njit(**_NJIT)
def _key_less(e1, h1, e2, h2):
    """(ES, hash) order: ES closer than ``_ES_TOL`` count as equal, then the hash decides."""
    if e1 < e2 - _ES_TOL:
        return True
    if e1 > e2 + _ES_TOL:
        return False
    return h1 < h2


@numba.njit(**_NJIT)
def _draw_set(perm, n, k, rng, out):
    """Uniform random k-subset of range(n) into ``out`` (sorted); partial Fisher-Yates.

    ``perm`` is any permutation of range(n); it stays a permutation afterwards.
    """
    for i in range(k):
        j = i + _randint(rng, n - i)
        tmp = perm[i]
        perm[i] = perm[j]
        perm[j] = tmp
        out[i] = perm[i]
    out.sort()


@numba.njit(**_NJIT)
def _run_unit(
    w,
    k,
    es_sorted,
    sample_size,
    log_floor,
    max_levels,
    rng_state,
    out_logc,
    out_varc,
    out_r,
    out_status,
    counters,
    move_factor=1,
):
    """Multilevel ladder for one (size, sign) unit; ``w`` already oriented for the sign.

    ``es_sorted``: the unit's |es| values in increasing order. For each query writes the
    summed expected log ``out_logc`` (and variance ``out_varc``) of the level passages
    before its resolving sample, the count ``out_r`` of that sample's scores ``>= es``
    and a status (ok, below the eps floor, walk stalled, unbalanced).
    Returns the number of levels built.
    """
    n = w.shape[0]
    s_n = sample_size
    half = (s_n + 1) // 2
    nq = es_sorted.shape[0]
    es_max = es_sorted[nq - 1]
    rng = rng_state

    flat = np.empty((s_n, k), dtype=np.int64)
    tmp_flat = np.empty((s_n, k), dtype=np.int64)
    perm = np.arange(n)
    draw = np.empty(k, dtype=np.int64)

    # 1. conditional first sample and the sign check
    n_draws = 0
    n_pos = 0
    while n_pos < s_n or (n_draws < MIN_SIGN_DRAWS and n_pos < MIN_SIGN_COUNT):
        if n_draws >= _MAX_INITIAL_DRAWS:
            break
        _draw_set(perm, n, k, rng, draw)
        n_draws += 1
        if _signed_es(draw, k, w, n) >= 0.0:
            if n_pos < s_n:
                flat[n_pos, :] = draw
            n_pos += 1
        if n_draws == MIN_SIGN_DRAWS and n_pos < MIN_SIGN_COUNT:
            break
    if n_pos < MIN_SIGN_COUNT or n_pos < s_n:
        for q in range(nq):
            out_status[q] = _UNBALANCED
        return 0

    ladder = np.empty((max_levels + 1, s_n), dtype=np.float64)
    scores = np.empty(s_n, dtype=np.float64)
    n_chunks = max(1, int(2.0 * math.sqrt(k)))  # 2 sqrt(K): measured optimum (1-3 flat)
    bnd = np.empty(n_chunks + 1, dtype=np.int64)
    cpos = np.empty((s_n, n_chunks, k), dtype=np.int32)  # int32: half the cache traffic
    chunk_id = np.empty(n, dtype=np.int32)
    members = np.empty((s_n, k), dtype=np.int64)
    is_member = np.zeros((s_n, n), dtype=np.bool_)
    cnt = np.zeros((s_n, n_chunks), dtype=np.int64)
    csum = np.zeros((s_n, n_chunks), dtype=np.float64)
    nr = np.empty(s_n, dtype=np.float64)
    ub = np.empty(n_chunks, dtype=np.float64)
    lb = np.empty(n_chunks, dtype=np.float64)
    ystart = np.empty(n_chunks, dtype=np.float64)
    hstart = np.empty(n_chunks, dtype=np.int64)
    column = np.empty(s_n, dtype=np.int64)
    cand = np.zeros((s_n, 6), dtype=np.float64)
    has_cand = np.zeros(s_n, dtype=np.bool_)
    q1 = 1.0 / (n - k)
    iters = max(1, k // 10)
    cum_log = np.zeros(max_levels + 2, dtype=np.float64)
    cum_var = np.zeros(max_levels + 2, dtype=np.float64)
    # Zobrist hash of a set (XOR of random gene keys): breaks ties between equal ES
    zob = np.empty(n, dtype=np.uint64)
    for v in range(n):
        zob[v] = _next_u64(rng)
    hashes = np.zeros(s_n, dtype=np.uint64)
    order = np.empty(s_n, dtype=np.int64)
    stop = _OK
    n_levels = 0
    lev = 0
    while True:
        for s in range(s_n):
            scores[s] = _signed_es(flat[s], k, w, n)
            hh = np.uint64(0)
            for j in range(k):
                hh ^= zob[flat[s, j]]
            hashes[s] = hh
        # sort by (ES, hash), ES within _ES_TOL counting as equal (insertion sort, S small)
        for s in range(s_n):
            order[s] = s
        for s in range(1, s_n):
            cur = order[s]
            t = s - 1
            while t >= 0 and _key_less(
                scores[cur], hashes[cur], scores[order[t]], hashes[order[t]]
            ):
                order[t + 1] = order[t]
                t -= 1
            order[t + 1] = cur
        for s in range(s_n):
            ladder[lev, s] = scores[order[s]]
        n_levels = lev + 1
        level = ladder[lev, half - 1]
        if level >= es_max - _ES_TOL:
            break
        # survivors: keys strictly above the median key. Without ties in ES these are
        # exactly S - h; identical sets (duplicates that never moved) share the key
        level_h = hashes[order[half - 1]]
        first = half
        while first < s_n and not _key_less(
            level, level_h, scores[order[first]], hashes[order[first]]
        ):
            first += 1
        if first == s_n:
            stop = _STALLED
            break
        n_surv = s_n - first
        # expected log (and variance) of the passage fraction n_surv / S: without ties
        # n_surv = h - 1 and this is psi(h) - psi(S + 1), the median order statistic
        c_log = 0.0
        c_var = 0.0
        for t in range(n_surv + 1, s_n + 1):
            c_log -= 1.0 / t
            c_var += 1.0 / (t * t)
        cum_log[lev + 1] = cum_log[lev] + c_log
        cum_var[lev + 1] = cum_var[lev] + c_var
        if lev + 1 > max_levels - 1 or cum_log[lev + 1] < log_floor:
            stop = _FLOOR
            break
        # kill the rest, duplicate the survivors (plus random survivors to fill S)
        copies = s_n // n_surv
        for t in range(n_surv):
            src = order[first + t]
            for cc in range(copies):
                tmp_flat[t * copies + cc, :] = flat[src]
        for t in range(n_surv * copies, s_n):
            extra = order[first + _randint(rng, n_surv)]
            tmp_flat[t, :] = flat[extra]
        flat[:, :] = tmp_flat
        # chunk boundaries: medians over samples of evenly spaced order statistics
        bnd[0] = 0
        bnd[n_chunks] = n
        for c in range(1, n_chunks):
            idx = (c * k) // n_chunks
            for s in range(s_n):
                column[s] = flat[s, idx]
            column.sort()
            b = column[s_n // 2]
            bnd[c] = max(bnd[c - 1], b)
        for c in range(n_chunks):
            for v in range(bnd[c], bnd[c + 1]):
                chunk_id[v] = c
        for s in range(s_n):
            nr_s = 0.0
            for c in range(n_chunks):
                cnt[s, c] = 0
                csum[s, c] = 0.0
            for j in range(k):
                p = flat[s, j]
                c = chunk_id[p]
                cpos[s, c, cnt[s, c]] = p
                cnt[s, c] += 1
                csum[s, c] += w[p]
                nr_s += w[p]
                members[s, j] = p
                is_member[s, p] = True
            nr[s] = nr_s
            has_cand[s] = False
            hh = np.uint64(0)
            for j in range(k):
                hh ^= zob[flat[s, j]]
            hashes[s] = hh
            cand[s, 4] = 0.0
            cand[s, 5] = 0.0
        # Metropolis random walk restricted to ES > level. Fast path: the running sum at
        # the last known peak is updated exactly in O(1) and the depth of the walk below 0
        # by a bound (one swap moves every point of the walk by at most
        # 2 * max(w_old, w_new) / NR' + 1 / (N - K)); a full check only when these fail.
        moves = 0
        attempts = 0
        target = s_n * k * move_factor
        max_attempts = min(_MAX_ATTEMPT_FACTOR * target, _MAX_ATTEMPTS_PER_LEVEL)
        while moves < target and attempts < max_attempts:
            counters[0] += 1
            for s in range(s_n):
                cp = cpos[s]
                cn = cnt[s]
                su = csum[s]
                cd = cand[s]
                mem = members[s]
                ism = is_member[s]
                for _ in range(iters):
                    attempts += 1
                    # proposal: a uniform member out, a uniform gene in (a member: no move)
                    r_mem = _randint(rng, k)
                    old = mem[r_mem]
                    v_new = _randint(rng, n)
                    if ism[v_new]:
                        if v_new == old:
                            moves += 1
                        continue
                    w_old = w[old]
                    w_new = w[v_new]
                    nr_old = nr[s]
                    nr_new = nr_old - w_old + w_new
                    # the new set passes when (ES, hash) > (level, level_h): ES within
                    # _ES_TOL of the level counts as equal and the hash decides
                    h_new = hashes[s] ^ zob[old] ^ zob[v_new]
                    lev_eff = level - _ES_TOL if h_new > level_h else level + _ES_TOL
                    fast = False
                    if has_cand[s] and old != cd[0] and nr_new > 0.0:
                        cv = cd[0]
                        cy = cd[1]
                        cx = cd[2]
                        if old < cv:
                            cy -= w_old
                            cx += 1.0
                        if v_new < cv:
                            cy += w_new
                            cx -= 1.0
                        a = cy / nr_new - cx * q1
                        depth = cd[3] + 2.0 * max(w_old, w_new) / nr_new + q1
                        fast = a > lev_eff and a > depth + _TIE_TOL
                    # locate old (exact) and v_new (insertion point) in their chunks
                    co = chunk_id[old]
                    r = _lower_bound(cp, co, cn[co], old)
                    cw = chunk_id[v_new]
                    t_ins = _lower_bound(cp, cw, cn[cw], v_new)
                    # apply the swap
                    m_o = cn[co]
                    for u in range(r, m_o - 1):
                        cp[co, u] = cp[co, u + 1]
                    cn[co] = m_o - 1
                    su[co] -= w_old
                    if cw == co and t_ins > r:
                        t_ins -= 1
                    m_w = cn[cw]
                    for u in range(m_w, t_ins, -1):
                        cp[cw, u] = cp[cw, u - 1]
                    cp[cw, t_ins] = v_new
                    cn[cw] = m_w + 1
                    su[cw] += w_new
                    nr[s] = nr_new
                    if fast:
                        cd[1] = cy
                        cd[2] = cx
                        cd[3] = depth
                        counters[1] += 1
                        accepted = True
                    else:
                        counters[2] += 1
                        accepted = _exceeds(
                            cp,
                            cn,
                            su,
                            nr_new,
                            bnd,
                            n_chunks,
                            w,
                            q1,
                            lev_eff,
                            ub,
                            lb,
                            ystart,
                            hstart,
                            cd,
                        )
                        if accepted:
                            has_cand[s] = True
                            counters[3] += 1
                    if accepted:
                        moves += 1
                        mem[r_mem] = v_new
                        hashes[s] = h_new
                        ism[old] = False
                        ism[v_new] = True
                    else:
                        m_w = cn[cw]
                        for u in range(t_ins, m_w - 1):
                            cp[cw, u] = cp[cw, u + 1]
                        cn[cw] = m_w - 1
                        su[cw] -= w_new
                        m_o = cn[co]
                        for u in range(m_o, r, -1):
                            cp[co, u] = cp[co, u - 1]
                        cp[co, r] = old
                        cn[co] = m_o + 1
                        su[co] += w_old
                        nr[s] = nr_old
        counters[4] += attempts
        # back to flat sorted rows
        for s in range(s_n):
            for j in range(k):
                is_member[s, members[s, j]] = False
            j = 0
            for c in range(n_chunks):
                for t in range(cnt[s, c]):
                    flat[s, j] = cpos[s, c, t]
                    j += 1
        lev += 1

    # answer the queries from the ladder
    li = 0
    for q in range(nq):
        e = es_sorted[q] - _ES_TOL
        while li < n_levels - 1 and ladder[li, half - 1] < e:
            li += 1
        r = 0
        for s in range(s_n):
            if ladder[li, s] >= e:
                r += 1
        out_logc[q] = cum_log[li]
        out_varc[q] = cum_var[li]
        out_r[q] = r
        if ladder[li, half - 1] >= e or e <= 0.0:
            out_status[q] = _OK
        else:
            out_status[q] = stop
    return n_levels


@numba.njit(**_NJIT)
def log_floor_step(s_n):
    """Expected log of one level passage, ``psi(h) - psi(S + 1)`` with ``h = (S + 1) / 2``."""
    # digamma difference by the series psi(b) - psi(a) = sum_{t=a}^{b-1} 1/t (integer args)
    h = (s_n + 1) // 2
    acc = 0.0
    for t in range(h, s_n + 1):
        acc += 1.0 / t
    return -acc


# ------------------------------------------------------------------ driver


def _unit_seeds(seed_sequence: np.random.SeedSequence, n_units: int) -> list[np.ndarray]:
    """xoshiro states, one per unit, without advancing ``seed_sequence``."""
    states = []
    for i in range(n_units):
        child = np.random.SeedSequence(
            entropy=seed_sequence.entropy,
            spawn_key=tuple(seed_sequence.spawn_key) + (0x6D6C, i),
            pool_size=seed_sequence.pool_size,
        )
        st = child.generate_state(4, dtype=np.uint64)
        if not st.any():  # the all-zero state is xoshiro's only forbidden state
            st[0] = 1
        states.append(st)
    return states


def multilevel_pvalues(
    abs_scores: np.ndarray,
    sizes: np.ndarray,
    es: np.ndarray,
    *,
    sample_size: int = 101,
    eps: float = 1e-50,
    seed_sequence: np.random.SeedSequence,
    n_jobs: int = 1,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Multilevel Monte Carlo p-values of preranked GSEA enrichment scores.

    Parameters
    ----------
    abs_scores : numpy.ndarray
        ``|score| ** weight`` of all ranked genes in ranking order (decreasing score),
        finite and non-negative, length N.
    sizes : numpy.ndarray
        Size ``K`` (members present in the ranking) of each set, ``1 <= K < N``.
    es : numpy.ndarray
        Observed enrichment score of each set, ``-1 <= es <= 1``.
        Observed scores must be scores of real sets of size ``K`` of this
        ranking (the p-value is never reported below ``1 / C(N, K)``).
    sample_size : int, default 101
        Number of random sets kept at each level (fgsea's ``sampleSize``). Larger is
        more precise and slower; an even value is raised by one (the median must be a
        sample), as in fgsea.
    eps : float, default 1e-50
        Floor: p-values below it are reported as ``eps`` with ``at_floor`` set, and the
        splitting stops there. ``0`` estimates down to about 1e-300.
    seed_sequence : numpy.random.SeedSequence
        The only source of randomness; it is not advanced (see the module docstring).
    n_jobs : int, default 1
        Threads working on (size, sign) units; the result does not depend on it.

    Returns
    -------
    pval : numpy.ndarray of float64
        ``P(ES >= es | ES >= 0)`` for ``es >= 0`` (``es == 0`` gives 1) and
        ``P(ES <= es | ES <= 0)`` for ``es < 0``. NaN for *unbalanced* sets: fewer than
        :data:`MIN_SIGN_COUNT` of :data:`MIN_SIGN_DRAWS` random sets of the same size
        have the sign of ``es`` (fgsea's rule; fgsea also returns NA there).
    log2err : numpy.ndarray of float64
        Estimated standard deviation of ``log2(pval)``; NaN where ``pval`` is NaN or an
        upper bound.
    at_floor : numpy.ndarray of bool
        True where ``pval`` is an upper bound: the estimate fell below ``eps`` (``pval``
        is then ``eps``), or the random walk could not climb to ``es`` (only possible
        for scores near the maximum of tiny sets; ``pval`` is the bound reached).

    Notes
    -----
    With ``S = sample_size``, ``h = (S + 1) / 2``, ``i`` level passages and ``r`` of the
    ``S`` final-level scores at least ``es``:

    .. math::

        \\log p = \\max\\Big(\\sum_{j<i} (\\psi(m_j + 1) - \\psi(S + 1)) + \\psi(r + 1)
        - \\psi(S + 2),\\; -\\log \\tbinom{N}{K}\\Big)

        \\mathrm{log2err} = \\frac{1}{\\ln 2}\\sqrt{\\sum_{j<i} (\\psi_1(m_j + 1)
        - \\psi_1(S + 1)) + \\psi_1(r + 1) - \\psi_1(S + 2)}

    where ``m_j`` samples survive passage ``j`` (``h - 1``, ``h = (S + 1) / 2``, unless
    identical sets tie with the median).

    See the module docstring for the algorithm. Sets of equal size and sign share one
    ladder, so the cost grows with the number of distinct sizes and with ``-log2 p``
    of the most significant set of each size, not with the number of sets.

    References
    ----------
    Korotkevich G, Sukhov V, Budin N, Shpak B, Artyomov MN, Sergushichev A. Fast gene set
    enrichment analysis. bioRxiv 060012 (2016-2021). doi:10.1101/060012

    Subramanian A et al. Gene set enrichment analysis. PNAS 102:15545 (2005).
    doi:10.1073/pnas.0506580102

    Blackman D, Vigna S. Scrambled linear pseudorandom number generators. ACM TOMS
    47(4):36 (2021). doi:10.1145/3460772
    """
    w, sizes_a, es_a, s_n, eps_f, n_jobs_i = _check_inputs(
        abs_scores, sizes, es, sample_size, eps, n_jobs, seed_sequence
    )
    m = es_a.shape[0]
    pval = np.full(m, np.nan)
    log2err = np.full(m, np.nan)
    at_floor = np.zeros(m, dtype=bool)
    if m == 0:
        return pval, log2err, at_floor

    sign = np.where(es_a >= 0, 1, -1)
    keys = sorted(set(zip(sizes_a.tolist(), sign.tolist())))
    seeds = _unit_seeds(seed_sequence, len(keys))
    w_rev = np.ascontiguousarray(w[::-1])
    log_floor = math.log(eps_f) if eps_f > 0 else -math.inf
    step = float(log_floor_step(s_n))
    max_levels = _MAX_LEVELS if eps_f == 0 else min(_MAX_LEVELS, math.ceil(log_floor / step) + 2)

    units = []
    for u, (k, sg) in enumerate(keys):
        idx = np.flatnonzero((sizes_a == k) & (sign == sg))
        a = np.abs(es_a[idx])
        order = np.argsort(a, kind="mergesort")
        units.append((u, int(k), sg, idx[order], a[order]))

    def work(unit):
        u, k, sg, idx, a = unit
        nq = a.shape[0]
        lc = np.zeros(nq, dtype=np.float64)
        lvar = np.zeros(nq, dtype=np.float64)
        rr = np.zeros(nq, dtype=np.int64)
        st = np.zeros(nq, dtype=np.int64)
        _run_unit(
            w if sg > 0 else w_rev,
            k,
            a,
            s_n,
            log_floor,
            max_levels,
            seeds[u].copy(),
            lc,
            lvar,
            rr,
            st,
            np.zeros(5, np.int64),
        )
        return idx, lc, lvar, rr, st

    # likely costliest units first (cost ~ K * levels) for load balance across threads;
    # results do not depend on the order
    units.sort(key=lambda t: -t[1] * t[4][-1])
    if n_jobs_i == 1 or len(units) == 1:
        outs = [work(t) for t in units]
    else:
        with ThreadPoolExecutor(max_workers=n_jobs_i) as ex:
            outs = list(ex.map(work, units))

    n = w.shape[0]
    for idx, lc, lvar, rr, st in outs:
        ok = st == _OK
        logp = lc + digamma(rr + 1) - digamma(s_n + 2)
        # the observed set is one of the C(N, K) equally likely sets with ES >= es, so
        # p >= 1 / C(N, K) exactly: an estimate below that is only Monte Carlo noise
        k_u = sizes_a[idx]
        log_comb = gammaln(n + 1) - gammaln(k_u + 1) - gammaln(n - k_u + 1)
        logp = np.maximum(logp, -log_comb)
        var = lvar + polygamma(1, rr + 1) - polygamma(1, s_n + 2)
        p = np.minimum(1.0, np.exp(logp))
        err = np.sqrt(var) / math.log(2)
        # p-values below eps are reported at the floor, like fgsea
        below = ok & (p < eps_f)
        pv = np.where(ok, p, np.nan)
        er = np.where(ok & ~below, err, np.nan)
        fl = below | (st == _FLOOR) | (st == _STALLED)
        pv = np.where(below | (st == _FLOOR), eps_f, pv)
        pv = np.where(st == _STALLED, p, pv)
        pval[idx] = pv
        log2err[idx] = er
        at_floor[idx] = fl
    zero = es_a == 0
    pval[zero] = 1.0
    at_floor[zero] = False
    return pval, log2err, at_floor


def _check_inputs(abs_scores, sizes, es, sample_size, eps, n_jobs, seed_sequence):
    w = np.ascontiguousarray(np.asarray(abs_scores, dtype=np.float64))
    if w.ndim != 1 or w.shape[0] < 2:
        raise InputError(
            f"abs_scores must be a 1-D array of at least 2 gene weights, got shape {w.shape}"
        )
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        bad = int(np.flatnonzero(~np.isfinite(w) | (w < 0))[0])
        raise InputError(
            f"abs_scores[{bad}]={float(w[bad])}: gene weights must be finite and >= 0 (|score| ** weight)"
        )
    n = w.shape[0]
    sizes_a = np.asarray(sizes)
    es_a = np.asarray(es, dtype=np.float64)
    if sizes_a.ndim != 1 or es_a.ndim != 1 or sizes_a.shape != es_a.shape:
        raise InputError(
            f"sizes and es must be 1-D arrays of equal length, got shapes {sizes_a.shape} and {es_a.shape}"
        )
    if (
        sizes_a.size
        and not np.issubdtype(sizes_a.dtype, np.integer)
        and not np.all(np.mod(sizes_a, 1) == 0)
    ):
        raise InputError(f"sizes must be whole numbers of genes, got {sizes_a[:5]!r}...")
    sizes_a = sizes_a.astype(np.int64)
    bad = np.flatnonzero((sizes_a < 1) | (sizes_a >= n))
    if bad.size:
        raise InputError(
            f"sizes[{int(bad[0])}]={int(sizes_a[bad[0]])}: a set must have between 1 and N-1={n - 1} "
            "members in the ranking; filter sets with min_size/max_size first"
        )
    bad = np.flatnonzero(~np.isfinite(es_a) | (np.abs(es_a) > 1.0 + 1e-9))
    if bad.size:
        raise InputError(
            f"es[{int(bad[0])}]={float(es_a[bad[0]])}: an enrichment score is finite and between -1 and 1"
        )
    if (
        isinstance(sample_size, bool)
        or not isinstance(sample_size, (int, np.integer))
        or sample_size < 3
    ):
        raise InputError(
            f"sample_size={sample_size!r}: pass an integer >= 3 (fgsea's default is 101)"
        )
    s_n = int(sample_size) + (1 - int(sample_size) % 2)
    eps_f = float(eps)
    if not (0.0 <= eps_f < 1.0):
        raise InputError(f"eps={eps!r}: pass a floor in [0, 1), e.g. 1e-50; 0 means no floor")
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, (int, np.integer)) or n_jobs < 1:
        raise InputError(f"n_jobs={n_jobs!r}: pass a positive number of threads")
    if not isinstance(seed_sequence, np.random.SeedSequence):
        raise InputError(
            f"seed_sequence={seed_sequence!r}: pass a numpy.random.SeedSequence "
            "(see mamsets._random.resolve_seed)"
        )
    return w, sizes_a, es_a, s_n, eps_f, int(n_jobs)
