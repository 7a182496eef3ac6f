"""First stage of the multilevel p-values: many exact draws instead of the lowest levels.

The ladder of :mod:`mamsets.engines._multilevel` halves the tail probability at each
level, and every level costs ``S * K`` accepted random-walk moves. Its first few levels
can be had far more cheaply from plain random sets: draw ``M`` uniform random sets of
the unit's size with ``ES >= 0`` (exact draws of the conditional law), keep the top
``S + 1`` by the ``(ES, hash)`` key, and let the ``m`` whose key is strictly above the
lowest of them (``m = S`` without identical sets) start the ladder. They are ``m``
exact independent draws from the law above that threshold, and the passage has
expected log ``psi(m + 1) - psi(M + 1)`` (variance ``psi1(m + 1) - psi1(M + 1)``), the
same order-statistic bookkeeping as every later level with ``M`` in place of ``S``.
With ``M = 16 S`` this replaces about 4 levels (4 S K moves, ~300 ns each) by about
``32 S`` draws (half have ES >= 0) of O(K + N / 4096) each. Queries whose ``|es|`` the
threshold reaches are resolved here with ``r`` of the ``M`` scores ``>= es``: ``log p = psi(r + 1) - psi(M + 2)``, a
finer estimate than a level's ``S`` samples give.

Self-contained numba code (its own copy of the xoshiro step and of the ES formula of
:mod:`._multilevel_walk`), because numba's on-disk cache of a function is invalidated
only by changes to its own file.
"""

from __future__ import annotations

import numba
import numpy as np

from ._multilevel_walk import _ES_TOL, _FLOOR, _OK, _STALLED, _TIE_TOL, _UNBALANCED

__all__ = ["FIRST_STAGE_FACTOR", "MIN_SIGN_COUNT", "MIN_SIGN_DRAWS", "first_stage"]

#: Random sets drawn to judge whether the sign of a unit is too rare (fgsea's nPermSimple).
MIN_SIGN_DRAWS = 1000
#: Fewer same-signed sets than this among :data:`MIN_SIGN_DRAWS` -> unbalanced, NaN p-value.
MIN_SIGN_COUNT = 10
#: First-stage draws with ES >= 0, in units of the sample size S (M = 16 S: ~4 levels for
#: ~2 M draws; measured on 20k genes x 5k sets, kernel CPU: 16 < 32 < 0 < 64).
FIRST_STAGE_FACTOR = 16
#: Cap on draws in the first stage (a rare, but not unbalanced, sign).
_MAX_INITIAL_DRAWS = 1_000_000

_NJIT = {"cache": True, "nogil": True}


@numba.njit(**_NJIT)
def _rotl(x, k):
    return (x << np.uint64(k)) | (x >> np.uint64(64 - k))


@numba.njit(**_NJIT)
def _next_u64(s):
    """xoshiro256** (Blackman & Vigna), the same generator as :mod:`._multilevel_walk`."""
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
    u = float(_next_u64(s) >> np.uint64(11)) * (1.0 / 9007199254740992.0)
    r = int(u * n)
    return r if r < n else n - 1


try:  # the CPU's count-trailing-zeros instruction (an LLVM intrinsic exposed by numba)
    from numba.cpython.unsafe.numbers import trailing_zeros as _trailing_zeros

    @numba.njit(**_NJIT)
    def _tz(x):
        return _trailing_zeros(x)

except ImportError:  # pragma: no cover - numba without it: shift until the lowest bit

    @numba.njit(**_NJIT)
    def _tz(x):
        t = 0
        while not (x >> np.uint64(t)) & np.uint64(1):
            t += 1
        return t


@numba.njit(**_NJIT)
def _key_less(e1, h1, e2, h2):
    if e1 < e2 - _ES_TOL:
        return True
    if e1 > e2 + _ES_TOL:
        return False
    return h1 < h2


@numba.njit(**_NJIT)
def _es_of(w, k, pos):
    """ES of the sorted positions ``pos[:k]``, exactly as ``_signed_es`` of :mod:`._multilevel_walk`."""
    n = w.shape[0]
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
def _draw(w, k, rng, bits, summary, pos):
    """A uniform random k-subset: sorted positions into ``pos``; returns its ES.

    Distinct positions by rejection in a two-level bitset (``summary`` marks the
    non-zero words), read back in order in O(K + N / 4096); a position is
    ``(u32 * N) >> 32`` of the top 32 bits of a xoshiro draw (bias below ``N / 2**32``).
    """
    n = w.shape[0]
    one = np.uint64(1)
    nn = np.uint64(n)
    c = 0
    while c < k:
        p = np.int64(((_next_u64(rng) >> np.uint64(32)) * nn) >> np.uint64(32))
        word = p >> 6
        bit = one << np.uint64(p & 63)
        if bits[word] & bit:
            continue
        bits[word] |= bit
        summary[word >> 6] |= one << np.uint64(word & 63)
        c += 1
    t = 0
    for sw in range(summary.shape[0]):
        y = summary[sw]
        while y != np.uint64(0):
            word = (np.int64(sw) << 6) + np.int64(_tz(y))
            y &= y - one
            x = bits[word]
            base = word << 6
            while x != np.uint64(0):
                pos[t] = base + np.int64(_tz(x))
                t += 1
                x &= x - one
            bits[word] = np.uint64(0)
        summary[sw] = np.uint64(0)
    return _es_of(w, k, pos)


@numba.njit(**_NJIT)
def _count_at_most(es_sorted, x):
    """Number of queries ``q`` with ``es_sorted[q] - _ES_TOL <= x`` (binary search)."""
    lo = 0
    hi = es_sorted.shape[0]
    while lo < hi:
        mid = (lo + hi) >> 1
        if es_sorted[mid] - _ES_TOL <= x:
            lo = mid + 1
        else:
            hi = mid
    return lo


@numba.njit(**_NJIT)
def _digamma_gap(a, b):
    """``(psi(b) - psi(a), psi1(a) - psi1(b))`` for integers ``1 <= a <= b``."""
    d = 0.0
    v = 0.0
    for t in range(a, b):
        d += 1.0 / t
        v += 1.0 / (t * t)
    return d, v


@numba.njit(**_NJIT)
def _sample(w, k, s_n, m_target, rng, zob, top, tsc, thh, hist, es_sorted):
    """Draw until ``m_target`` sets have ES >= 0; keep the top ``S + 1`` keys in ``top``.

    Returns the number of non-negative sets drawn (fewer than ``S + 1`` or than
    :data:`MIN_SIGN_COUNT` among the first :data:`MIN_SIGN_DRAWS` draws: unbalanced).
    """
    n = w.shape[0]
    n_words = (n + 63) >> 6
    bits = np.zeros(n_words, dtype=np.uint64)
    summary = np.zeros((n_words + 63) >> 6, dtype=np.uint64)
    pos = np.empty(k, dtype=np.int64)
    n_top = s_n + 1
    filled = 0
    lo = 0  # slot of the lowest key in ``top`` once full
    n_draws = 0
    n_pos = 0
    while n_pos < m_target or (n_draws < MIN_SIGN_DRAWS and n_pos < MIN_SIGN_COUNT):
        if n_draws >= _MAX_INITIAL_DRAWS:
            break
        x = _draw(w, k, rng, bits, summary, pos)
        n_draws += 1
        if x >= 0.0:
            n_pos += 1
            hist[_count_at_most(es_sorted, x)] += 1
            if filled < n_top or x >= tsc[lo] - _ES_TOL:  # hash only for candidates
                hh = np.uint64(0)
                for j in range(k):
                    hh ^= zob[pos[j]]
                slot = -1
                if filled < n_top:
                    slot = filled
                    filled += 1
                elif _key_less(tsc[lo], thh[lo], x, hh):
                    slot = lo
                if slot >= 0:
                    top[slot, :] = pos
                    tsc[slot] = x
                    thh[slot] = hh
                    if filled == n_top:
                        lo = 0
                        for i in range(1, n_top):
                            if _key_less(tsc[i], thh[i], tsc[lo], thh[lo]):
                                lo = i
        if n_draws == MIN_SIGN_DRAWS and n_pos < MIN_SIGN_COUNT:
            break
    return n_pos


@numba.njit(**_NJIT)
def _plain_start(w, k, s_n, rng, zob, flat):
    """Without a first stage: the first ``S`` random sets with ES >= 0 start the ladder.

    Partial Fisher-Yates draws, then the gene keys, in the order of the original
    kernel (a seed gives the bits it gave before the first stage existed). Returns the
    number of non-negative sets drawn.
    """
    n = w.shape[0]
    perm = np.arange(n)
    draw = np.empty(k, dtype=np.int64)
    n_draws = 0
    n_pos = 0
    while n_pos < s_n or (n_draws < MIN_SIGN_DRAWS and n_pos < MIN_SIGN_COUNT):
        if n_draws >= _MAX_INITIAL_DRAWS:
            break
        for i in range(k):
            j = i + _randint(rng, n - i)
            tmp = perm[i]
            perm[i] = perm[j]
            perm[j] = tmp
            draw[i] = perm[i]
        draw.sort()
        n_draws += 1
        if _es_of(w, k, draw) >= 0.0:
            if n_pos < s_n:
                flat[n_pos, :] = draw
            n_pos += 1
        if n_draws == MIN_SIGN_DRAWS and n_pos < MIN_SIGN_COUNT:
            break
    for v in range(n):
        zob[v] = _next_u64(rng)
    return n_pos


@numba.njit(**_NJIT)
def first_stage(w, k, es_sorted, s_n, m_target, log_floor, rng, zob, flat,
                out_logc, out_varc, out_r, out_status):
    """Run the first stage of one unit; returns ``(q0, log0, var0)``.

    Fills ``zob`` (random 64-bit gene keys, the sets' hashes are their XOR) and ``flat``
    (``S`` sets above the threshold, survivors copied ``S // m`` times and the rest
    filled with random survivors when identical sets left ``m < S``). The first ``q0``
    queries are answered here (outputs as :func:`._multilevel_walk._run_unit` writes
    them, relative to a sample of ``S``); the others start the ladder at expected log
    ``log0`` with variance ``var0``. ``q0`` is the number of queries when the unit is
    unbalanced, stalled (no set above the threshold) or below the ``eps`` floor.
    ``m_target <= 0``: no first stage (:func:`_plain_start`; ``q0`` is 0 or, for an
    unbalanced unit, the number of queries).
    """
    n = w.shape[0]
    nq = es_sorted.shape[0]
    if m_target <= 0:  # no first stage
        if _plain_start(w, k, s_n, rng, zob, flat) < max(s_n, MIN_SIGN_COUNT):
            for q in range(nq):
                out_status[q] = _UNBALANCED
            return nq, 0.0, 0.0
        return 0, 0.0, 0.0
    for v in range(n):
        zob[v] = _next_u64(rng)
    top = np.empty((s_n + 1, k), dtype=np.int64)
    tsc = np.empty(s_n + 1, dtype=np.float64)
    thh = np.zeros(s_n + 1, dtype=np.uint64)
    hist = np.zeros(nq + 1, dtype=np.int64)
    m_all = _sample(w, k, s_n, m_target, rng, zob, top, tsc, thh, hist, es_sorted)
    if m_all < MIN_SIGN_COUNT or m_all <= s_n:
        for q in range(nq):
            out_status[q] = _UNBALANCED
        return nq, 0.0, 0.0
    # order the S + 1 kept keys; survivors: strictly above the lowest
    order = np.arange(s_n + 1)
    for s in range(1, s_n + 1):
        cur = order[s]
        t = s - 1
        while t >= 0 and _key_less(tsc[cur], thh[cur], tsc[order[t]], thh[order[t]]):
            order[t + 1] = order[t]
            t -= 1
        order[t + 1] = cur
    thr, thr_h = tsc[order[0]], thh[order[0]]
    first = 1
    while first <= s_n and not _key_less(thr, thr_h, tsc[order[first]], thh[order[first]]):
        first += 1
    n_surv = s_n + 1 - first
    # queries the threshold reaches: r of the M scores >= es, log p = psi(r+1) - psi(M+2)
    q0 = _count_at_most(es_sorted, thr)
    d, v = _digamma_gap(s_n + 2, m_all + 2)
    r = 0
    for q in range(nq - 1, -1, -1):
        r += hist[q + 1]
        out_r[q] = r
        out_logc[q] = -d
        out_varc[q] = v
        out_status[q] = _OK
    d0, v0 = _digamma_gap(n_surv + 1, m_all + 1)
    if n_surv == 0 or -d0 < log_floor:
        for q in range(q0, nq):
            out_status[q] = _STALLED if n_surv == 0 else _FLOOR
        return nq, 0.0, 0.0
    copies = s_n // n_surv
    for t in range(n_surv):
        for cc in range(copies):
            flat[t * copies + cc, :] = top[order[first + t]]
    for t in range(n_surv * copies, s_n):
        flat[t, :] = top[order[first + _randint(rng, n_surv)]]
    return q0, -d0, v0
