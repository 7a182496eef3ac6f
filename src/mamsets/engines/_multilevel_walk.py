"""Numba kernels of the multilevel p-values: RNG, scores and the random walk of one unit.

The method, its constants and the public entry :func:`~mamsets.engines._multilevel.
multilevel_pvalues` are in :mod:`mamsets.engines._multilevel`; this module holds the
nopython code it runs for one (size, sign) work unit, :func:`_run_unit`, split into the
steps of one level of the ladder (score and sort the samples, keep the survivors,
resample, re-chunk, walk, answer the queries). The steps are separate numba functions
called from :func:`_run_unit` and draw their random numbers in the order of the
original single loop, so a seed gives the same bits.

Note: numba's on-disk cache of a function is invalidated only by changes to its own
file, so every kernel that calls another lives in this one module.
"""

from __future__ import annotations

import math

import numba
import numpy as np

#: Two enrichment scores closer than this are treated as equal (as in fgsea).
_ES_TOL = 1e-10
#: The positive and negative deviations of one walk are a tie (ES = 0) when closer than
#: this: exact ties are common in small rankings (both can be whole numbers of misses
#: over N - K) and rounding must not break them differently on the reversed ranking.
_TIE_TOL = 1e-12
#: Cap on random-walk attempts per level, in units of sample_size * K accepted moves, and
#: in absolute terms (dense sets, K close to N, rarely propose a non-member).
_MAX_ATTEMPT_FACTOR = 200
_MAX_ATTEMPTS_PER_LEVEL = 20_000_000
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
def _exceeds(cpos, cnt, csum, nr, bnd, n_chunks, w, q1, level, scratch, cand):
    """True when the signed ES of one sample is ``> level`` (``level > -1e-9``).

    The sample is stored by chunks of the ranking (``cpos[c, :cnt[c]]`` sorted positions
    in ``[bnd[c], bnd[c + 1])``, weight sums ``csum``). From a chunk's weight sum and hit
    count come an upper bound of the running sum at its hits and a lower bound just
    before them, so only chunks that can matter are scanned hit by hit.

    On success ``cand`` receives ``[peak position, weight prefix through it, misses before
    it, depth, chunk of the peak, chunk of the deepest point]``, depth being the exact
    ``-min`` of the running sum; its last two entries are read as hints.
    ``scratch``: the arrays ``(ub, lb, ystart, hstart)`` of ``n_chunks`` values each.
    """
    ub, lb, ystart, hstart = scratch
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


# ------------------------------------------------------------------ one unit, by steps


@numba.njit(**_NJIT)
def _new_store(s_n, k, n):
    """Arrays holding the S samples by chunks of the ranking (``2 sqrt(K)`` chunks).

    ``(bnd, chunk_id, cpos, cnt, csum, nr, members, is_member, cand, has_cand)``: chunk
    boundaries and the chunk of each position; per sample the sorted positions, hit
    count and weight sum of each chunk, the total weight, the members (unsorted) and a
    membership mask, and the last known peak/depth of the walk (see :func:`_exceeds`).
    """
    n_chunks = max(1, int(2.0 * math.sqrt(k)))  # 2 sqrt(K): measured optimum (1-3 flat)
    return (
        np.empty(n_chunks + 1, dtype=np.int64),
        np.empty(n, dtype=np.int32),
        np.empty((s_n, n_chunks, k), dtype=np.int32),  # int32: half the cache traffic
        np.zeros((s_n, n_chunks), dtype=np.int64),
        np.zeros((s_n, n_chunks), dtype=np.float64),
        np.empty(s_n, dtype=np.float64),
        np.empty((s_n, k), dtype=np.int64),
        np.zeros((s_n, n), dtype=np.bool_),
        np.zeros((s_n, 6), dtype=np.float64),
        np.zeros(s_n, dtype=np.bool_),
    )


@numba.njit(**_NJIT)
def _score_and_sort(flat, k, w, zob, scores, hashes, order):
    """ES and hash of every sample, and ``order`` sorting them by the (ES, hash) key."""
    n = w.shape[0]
    s_n = flat.shape[0]
    for s in range(s_n):
        scores[s] = _signed_es(flat[s], k, w, n)
        hh = np.uint64(0)
        for j in range(k):
            hh ^= zob[flat[s, j]]
        hashes[s] = hh
    # ES within _ES_TOL counting as equal (insertion sort, S small)
    for s in range(s_n):
        order[s] = s
    for s in range(1, s_n):
        cur = order[s]
        t = s - 1
        while t >= 0 and _key_less(scores[cur], hashes[cur], scores[order[t]], hashes[order[t]]):
            order[t + 1] = order[t]
            t -= 1
        order[t + 1] = cur


@numba.njit(**_NJIT)
def _first_survivor(scores, hashes, order, half, level, level_h):
    """Rank of the first sample whose key is strictly above the median key ``(level, level_h)``.

    Without ties in ES that is ``half``; identical sets (duplicates that never moved)
    share the key. ``S`` when none is above (the walk is stuck).
    """
    s_n = scores.shape[0]
    first = half
    while first < s_n and not _key_less(level, level_h, scores[order[first]], hashes[order[first]]):
        first += 1
    return first


@numba.njit(**_NJIT)
def _passage_log_var(n_surv, s_n):
    """Expected log (and variance) of the passage fraction ``n_surv / S``.

    Without ties ``n_surv = h - 1`` and this is ``psi(h) - psi(S + 1)``, the median
    order statistic.
    """
    c_log = 0.0
    c_var = 0.0
    for t in range(n_surv + 1, s_n + 1):
        c_log -= 1.0 / t
        c_var += 1.0 / (t * t)
    return c_log, c_var


@numba.njit(**_NJIT)
def _resample(flat, tmp_flat, order, first, rng):
    """Kill the samples below the median, copy each survivor ``S // m`` times, fill at random."""
    s_n = flat.shape[0]
    n_surv = s_n - first
    copies = s_n // n_surv
    for t in range(n_surv):
        src = order[first + t]
        for cc in range(copies):
            tmp_flat[t * copies + cc, :] = flat[src]
    for t in range(n_surv * copies, s_n):
        extra = order[first + _randint(rng, n_surv)]
        tmp_flat[t, :] = flat[extra]
    flat[:, :] = tmp_flat


@numba.njit(**_NJIT)
def _set_chunks(flat, k, n, store):
    """Chunk boundaries: medians over samples of evenly spaced order statistics."""
    bnd, chunk_id = store[0], store[1]
    s_n = flat.shape[0]
    n_chunks = bnd.shape[0] - 1
    column = np.empty(s_n, dtype=np.int64)
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


@numba.njit(**_NJIT)
def _fill_chunks(flat, k, w, zob, hashes, store):
    """Store every sample by chunks (positions, counts, weight sums), as members and hash."""
    _, chunk_id, cpos, cnt, csum, nr, members, is_member, cand, has_cand = store
    s_n = flat.shape[0]
    n_chunks = cnt.shape[1]
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


@numba.njit(**_NJIT)
def _unchunk(flat, k, store):
    """Back to flat sorted rows (and clear the membership flags)."""
    cpos, cnt, members, is_member = store[2], store[3], store[6], store[7]
    s_n = flat.shape[0]
    n_chunks = cnt.shape[1]
    for s in range(s_n):
        for j in range(k):
            is_member[s, members[s, j]] = False
        j = 0
        for c in range(n_chunks):
            for t in range(cnt[s, c]):
                flat[s, j] = cpos[s, c, t]
                j += 1


@numba.njit(inline="always", **_NJIT)  # per move: no call in the hot loop
def _fast_accept(cd, old, v_new, w_old, w_new, nr_new, q1, lev_eff):
    """O(1) sufficient test that the swap ``old -> v_new`` keeps the key above the level.

    The running sum at the last known peak ``cd`` is updated exactly and the depth of
    the walk below 0 bounded (one swap moves every point of the walk by at most
    ``2 * max(w_old, w_new) / NR' + 1 / (N - K)``). Returns ``(passes, peak weight
    prefix, peak misses, depth bound)``; the caller has checked the peak is known and
    ``old`` is not the peak gene.
    """
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
    return a > lev_eff and a > depth + _TIE_TOL, cy, cx, depth


@numba.njit(inline="always", **_NJIT)  # per move: no call in the hot loop
def _swap(cp, cn, su, co, r, cw, t_ins, v_new, w_old, w_new):
    """Remove ``cp[co, r]`` and insert ``v_new`` at ``t_ins`` of chunk ``cw``.

    Returns the insertion index actually used (one less when both are in the chunk and
    the removal came first), for :func:`_unswap`.
    """
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
    return t_ins


@numba.njit(inline="always", **_NJIT)  # per move: no call in the hot loop
def _unswap(cp, cn, su, co, r, cw, t_ins, old, w_old, w_new):
    """Undo :func:`_swap` (a rejected move)."""
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


@numba.njit(**_NJIT)
def _walk_level(w, k, level, level_h, target, rng, zob, hashes, store, counters):
    """Metropolis random walk of every sample restricted to (ES, hash) > (level, level_h).

    Runs until ``target`` moves were accepted (or the attempt cap). Fast path
    (:func:`_fast_accept`), else the full check :func:`_exceeds`; both decide exactly.
    """
    bnd, chunk_id, cpos, cnt, csum, nr, members, is_member, cand, has_cand = store
    n = w.shape[0]
    s_n, n_chunks = cnt.shape
    scratch = (
        np.empty(n_chunks),
        np.empty(n_chunks),
        np.empty(n_chunks),
        np.empty(n_chunks, np.int64),
    )
    q1 = 1.0 / (n - k)
    iters = max(1, k // 10)
    moves = 0
    attempts = 0
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
                    fast, cy, cx, depth = _fast_accept(
                        cd, old, v_new, w_old, w_new, nr_new, q1, lev_eff
                    )
                # locate old (exact) and v_new (insertion point) in their chunks, swap
                co = chunk_id[old]
                r = _lower_bound(cp, co, cn[co], old)
                cw = chunk_id[v_new]
                t_ins = _lower_bound(cp, cw, cn[cw], v_new)
                t_ins = _swap(cp, cn, su, co, r, cw, t_ins, v_new, w_old, w_new)
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
                        cp, cn, su, nr_new, bnd, n_chunks, w, q1, lev_eff, scratch, cd
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
                    _unswap(cp, cn, su, co, r, cw, t_ins, old, w_old, w_new)
                    nr[s] = nr_old
    counters[4] += attempts


@numba.njit(**_NJIT)
def _answer_queries(
    ladder, n_levels, cum_log, cum_var, es_sorted, stop, out_logc, out_varc, out_r, out_status
):
    """Resolve each |es| (increasing) at the first level whose median reaches it."""
    s_n = ladder.shape[1]
    half = (s_n + 1) // 2
    li = 0
    for q in range(es_sorted.shape[0]):
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


@numba.njit(**_NJIT)
def _run_unit(
    w,
    k,
    es_sorted,
    sample_size,
    log_floor,
    max_levels,
    rng_state,
    flat,
    zob,
    log0,
    var0,
    out_logc,
    out_varc,
    out_r,
    out_status,
    counters,
    move_factor=1,
):
    """Multilevel ladder for one (size, sign) unit; ``w`` already oriented for the sign.

    Starts from ``flat``, ``S`` random sets above the first stage's threshold
    (:func:`~mamsets.engines._multilevel_first.first_stage`, which also drew the gene keys
    ``zob``), reached with expected log ``log0`` and its variance ``var0``.
    ``es_sorted``: the |es| values still to resolve, in increasing order. For each query
    writes the summed expected log ``out_logc`` (and variance ``out_varc``) of the level
    passages before its resolving sample, the count ``out_r`` of that sample's scores
    ``>= es`` and a status (ok, below the eps floor, walk stalled).
    Returns the number of levels built.
    """
    n = w.shape[0]
    s_n = sample_size
    half = (s_n + 1) // 2
    es_max = es_sorted[es_sorted.shape[0] - 1]
    rng = rng_state

    tmp_flat = np.empty((s_n, k), dtype=np.int64)
    ladder = np.empty((max_levels + 1, s_n), dtype=np.float64)
    scores = np.empty(s_n, dtype=np.float64)
    store = _new_store(s_n, k, n)
    cum_log = np.zeros(max_levels + 2, dtype=np.float64)
    cum_var = np.zeros(max_levels + 2, dtype=np.float64)
    cum_log[0] = log0
    cum_var[0] = var0
    hashes = np.zeros(s_n, dtype=np.uint64)
    order = np.empty(s_n, dtype=np.int64)
    stop = _OK
    n_levels = 0
    lev = 0
    while True:
        # 2. the next level: the median (ES, hash) key of the current sample
        _score_and_sort(flat, k, w, zob, scores, hashes, order)
        for s in range(s_n):
            ladder[lev, s] = scores[order[s]]
        n_levels = lev + 1
        level = ladder[lev, half - 1]
        if level >= es_max - _ES_TOL:
            break
        level_h = hashes[order[half - 1]]
        first = _first_survivor(scores, hashes, order, half, level, level_h)
        if first == s_n:
            stop = _STALLED
            break
        # 3. the passage's expected log and variance, and the eps floor
        c_log, c_var = _passage_log_var(s_n - first, s_n)
        cum_log[lev + 1] = cum_log[lev] + c_log
        cum_var[lev + 1] = cum_var[lev] + c_var
        if lev + 1 > max_levels - 1 or cum_log[lev + 1] < log_floor:
            stop = _FLOOR
            break
        # 4. survivors to S samples, stored by chunks, moved above the level
        _resample(flat, tmp_flat, order, first, rng)
        _set_chunks(flat, k, n, store)
        _fill_chunks(flat, k, w, zob, hashes, store)
        _walk_level(w, k, level, level_h, s_n * k * move_factor, rng, zob, hashes, store, counters)
        _unchunk(flat, k, store)
        lev += 1

    # 5. answer the queries from the ladder
    _answer_queries(
        ladder, n_levels, cum_log, cum_var, es_sorted, stop, out_logc, out_varc, out_r, out_status
    )
    return n_levels
