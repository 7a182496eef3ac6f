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
Subramanian et al. (2005): the running-sum value of largest magnitude. A set whose
members all have weight 0 (total weight N_R = 0) steps ``1 / K`` at each hit, as in
fgsea and in the observed score of :mod:`._gsea_kernel`.

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

Implementation: C compiled at install time (``_c/multilevel_walk.c`` and
``_c/multilevel_first.c``, called through ctypes from :mod:`._multilevel_walk` and
:mod:`._multilevel_first`, which release the GIL, so units run in parallel threads). The
random walk makes millions of data-dependent moves that numpy cannot vectorise. Each
sample is stored in ``2 sqrt(K)`` chunks of the ranking (boundaries at the samples'
median order statistics, reset at each level) with per-chunk weight sums. A proposed
swap is first tested in O(1) at the last known peak of the walk (exact value) against a
bound on the walk's depth below zero; otherwise each chunk's maximum and minimum are
bounded from its weight sum and hit count and only the chunks that can matter are
scanned. Both paths decide exactly as a full recomputation would. Random numbers:
xoshiro256** per unit. With a first stage, its draws come by default from one nested null
shared by all units (:mod:`._multilevel_shared`, PCG64 from the same seed sequence),
screened on quantised scores and rescored exactly where a decision needs it.

Validation (``tests/test_multilevel.py``): R fgsea 1.31.6 on its example (586 sets, all
within 3 combined log2err at 99 %), fgsea's C++ ruler, brute force, exhaustive
enumeration, exact one-gene sets; ``tests/test_multilevel_calibration.py``: uniform
p-values of independent random sets and no bias against near-exact Monte Carlo, by sign.
The p-values of sets in one unit share its ladder's Monte Carlo error, so they are not
independent: a KS test of many sets of few sizes is not a valid uniformity test.

Randomness: one :class:`numpy.random.SeedSequence` child per unit, derived from the given
sequence by ``spawn_key + (0x6D6C, i)`` with units sorted by (size, sign) — the given
sequence is not advanced, so the same ``seed_sequence`` always gives the same result,
whatever ``n_jobs`` (the units run in threads; the kernels release the GIL). Pass a
sequence dedicated to this call (e.g. a child of the run's root sequence).
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from scipy.special import digamma, gammaln, polygamma

from ..errors import InputError
from ._multilevel_first import FIRST_STAGE_FACTOR, MIN_SIGN_COUNT, MIN_SIGN_DRAWS, first_stage
from ._multilevel_shared import SharedDraws, shared_draws, shared_first_stage
from ._multilevel_walk import _FLOOR, _OK, _STALLED, _run_unit, log_floor_step

__all__ = ["FIRST_STAGE_FACTOR", "MIN_SIGN_COUNT", "MIN_SIGN_DRAWS", "multilevel_pvalues"]

#: Hard cap on levels: 2**-1070 is below the smallest positive double.
_MAX_LEVELS = 1070
#: The smallest positive double: no p-value is reported below it (p is never 0).
_TINY = math.ulp(0.0)


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
    first_stage_factor: int = 0,
    shared_first: bool = True,
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
    first_stage_factor : int, default 0
        ``f >= 2``: start each unit with ``f * sample_size`` plain random sets and keep the
        top ``sample_size`` of them (:mod:`._multilevel_first`), instead of climbing the
        lowest ``log2(f)`` levels by random walk; queries the first stage reaches are
        answered from all its draws. ``0``: the plain ladder (the results of earlier
        versions, bit for bit). :func:`~mamsets.engines.gsea.gsea` uses
        :data:`~._multilevel_first.FIRST_STAGE_FACTOR` (16).
    shared_first : bool, default True
        With a first stage: take every unit's draws from one shared nested null over the
        units' sizes (:mod:`._multilevel_shared`, the same law per unit, ~10x cheaper per
        draw); units whose sign is too rare there fall back to their own draws. False: each
        unit draws its own sets (the results of earlier versions).

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
        for scores near the maximum of tiny sets; ``pval`` is the bound reached), or,
        with ``eps=0``, the ladder hit its cap of levels (``pval`` is the estimate at
        the last level). ``pval`` is never below the smallest positive double.

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

    units = _make_units(sizes_a, es_a)
    seeds = _unit_seeds(seed_sequence, len(units))
    log_floor = math.log(eps_f) if eps_f > 0 else -math.inf
    step = float(log_floor_step(s_n))
    max_levels = _MAX_LEVELS if eps_f == 0 else min(_MAX_LEVELS, math.ceil(log_floor / step) + 2)
    if isinstance(first_stage_factor, bool) or not isinstance(first_stage_factor, (int, np.integer)) \
            or first_stage_factor < 0 or first_stage_factor == 1:
        # factor 1 draws exactly S sets with ES >= 0 and keeps S + 1 of them: none to spare
        raise InputError(
            f"first_stage_factor={first_stage_factor!r}: pass 0 (no first stage) or an integer "
            ">= 2 (the first stage needs more draws than the sample_size it keeps)"
        )
    m_first = int(first_stage_factor) * s_n
    draws = None
    if m_first > 0 and shared_first:
        draws = shared_draws(w, np.array([t[1] for t in units]), m_first, seed_sequence,
                             n_jobs_i)
    outs = _run_units(units, seeds, w, s_n, log_floor, max_levels, n_jobs_i, m_first, draws)
    for idx, lc, lvar, rr, st in outs:
        pv, er, fl = _unit_pvalues(lc, lvar, rr, st, sizes_a[idx], w.shape[0], s_n, eps_f)
        pval[idx] = pv
        log2err[idx] = er
        at_floor[idx] = fl
    zero = es_a == 0
    pval[zero] = 1.0
    at_floor[zero] = False
    return pval, log2err, at_floor


def _make_units(sizes_a: np.ndarray, es_a: np.ndarray) -> list[tuple]:
    """Work units ``(u, K, sign, set indices, |es| increasing)`` by sorted (size, sign)."""
    sign = np.where(es_a >= 0, 1, -1)
    keys = sorted(set(zip(sizes_a.tolist(), sign.tolist())))
    units = []
    for u, (k, sg) in enumerate(keys):
        idx = np.flatnonzero((sizes_a == k) & (sign == sg))
        a = np.abs(es_a[idx])
        order = np.argsort(a, kind="mergesort")
        units.append((u, int(k), sg, idx[order], a[order]))
    return units


def _run_units(
    units: list[tuple],
    seeds: list[np.ndarray],
    w: np.ndarray,
    s_n: int,
    log_floor: float,
    max_levels: int,
    n_jobs: int,
    m_first: int = 0,
    draws: SharedDraws | None = None,
) -> list[tuple]:
    """Kernel output ``(set indices, lc, lvar, rr, st)`` of every unit, in threads."""
    w_rev = np.ascontiguousarray(w[::-1])

    def work(unit):
        u, k, sg, idx, a = unit
        ws = w if sg > 0 else w_rev
        return (idx, *_solve_unit(ws, k, a, s_n, log_floor, max_levels, seeds[u], m_first,
                                  draws, sg))

    # likely costliest units first (cost ~ K * levels) for load balance across threads;
    # results do not depend on the order
    units = sorted(units, key=lambda t: -t[1] * t[4][-1])
    if n_jobs == 1 or len(units) == 1:
        return [work(t) for t in units]
    with ThreadPoolExecutor(max_workers=n_jobs) as ex:
        return list(ex.map(work, units))


def _solve_unit(
    w: np.ndarray,
    k: int,
    a: np.ndarray,
    s_n: int,
    log_floor: float,
    max_levels: int,
    seed: np.ndarray,
    m_first: int = 0,
    draws: SharedDraws | None = None,
    sg: int = 1,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Run the kernel on one unit: per query the summed log, variance, count and status."""
    nq = a.shape[0]
    lc = np.zeros(nq, dtype=np.float64)
    lvar = np.zeros(nq, dtype=np.float64)
    rr = np.zeros(nq, dtype=np.int64)
    st = np.zeros(nq, dtype=np.int64)
    rng = seed.copy()
    zob = np.empty(w.shape[0], dtype=np.uint64)
    flat = np.empty((s_n, k), dtype=np.int64)
    got = None
    if draws is not None:
        got = shared_first_stage(draws, w, k, sg, a, s_n, log_floor, rng, zob, flat,
                                 (lc, lvar, rr, st))
        if got is None:  # the sign is too rare among the shared draws: the unit's own draws
            rng = seed.copy()
            lc[:], lvar[:], rr[:], st[:] = 0.0, 0.0, 0, 0
    if got is None:
        got = first_stage(w, k, a, s_n, m_first, log_floor, rng, zob, flat, lc, lvar, rr, st)
    q0, log0, var0 = got
    if q0 < nq:
        _run_unit(
            w, k, a[q0:], s_n, log_floor, max_levels, rng, flat, zob, log0, var0,
            lc[q0:], lvar[q0:], rr[q0:], st[q0:], np.zeros(5, np.int64),
        )
    return lc, lvar, rr, st


def _unit_pvalues(
    lc: np.ndarray,
    lvar: np.ndarray,
    rr: np.ndarray,
    st: np.ndarray,
    k_u: np.ndarray,
    n: int,
    s_n: int,
    eps_f: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """p-value, log2err and floor flag of one unit's queries from the kernel's output."""
    ok = st == _OK
    logp = lc + digamma(rr + 1) - digamma(s_n + 2)
    # the observed set is one of the C(N, K) equally likely sets with ES >= es, so
    # p >= 1 / C(N, K) exactly: an estimate below that is only Monte Carlo noise
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
    # no eps floor (eps = 0): a unit stopped by the cap on levels reports the estimate at the
    # last level, like a stalled walk; p is never 0 (exp underflows beyond 2**-1074)
    bound = (st == _STALLED) | ((st == _FLOOR) & (eps_f == 0.0))
    pv = np.where(bound, p, pv)
    pv = np.maximum(pv, _TINY)
    return pv, er, fl


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
