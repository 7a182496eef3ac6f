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
threshold reaches are resolved here with ``r`` of the ``M`` scores ``>= es``: ``log p =
psi(r + 1) - psi(M + 2)``, a finer estimate than a level's ``S`` samples give.

The code is C (``_c/multilevel_first.c``, the same xoshiro256** stream and ES formula
as the walk, from ``_c/multilevel.h``); this module declares it and checks the arrays.
"""

from __future__ import annotations

import ctypes

import numpy as np

from ._clib import declare, f64p, i64p, ptr, u64p
from ._multilevel_walk import _check_shapes

__all__ = ["FIRST_STAGE_FACTOR", "MIN_SIGN_COUNT", "MIN_SIGN_DRAWS", "first_stage"]

#: Random sets drawn to judge whether the sign of a unit is too rare (fgsea's nPermSimple).
MIN_SIGN_DRAWS = 1000
#: Fewer same-signed sets than this among :data:`MIN_SIGN_DRAWS` -> unbalanced, NaN p-value.
MIN_SIGN_COUNT = 10
#: First-stage draws with ES >= 0, in units of the sample size S (M = 16 S: ~4 levels for
#: ~2 M draws; measured on 20k genes x 5k sets, kernel CPU: 16 < 32 < 0 < 64).
FIRST_STAGE_FACTOR = 16
#: Cap on draws in the first stage (a rare, but not unbalanced, sign); the C code's
#: ``ML_MAX_INITIAL_DRAWS``, like the two constants above.
_MAX_INITIAL_DRAWS = 1_000_000

_i64, _f64 = ctypes.c_int64, ctypes.c_double
_C_FIRST_STAGE = declare(
    "mamsets_ml_first_stage", _i64,
    f64p, _i64, _i64, f64p, _i64, _i64, _i64, _f64,  # w, n, k, es, nq, S, m_target, log_floor
    u64p, u64p, i64p, f64p, f64p, i64p, i64p, f64p,  # rng, zob, flat, outputs, (log0, var0)
)


def first_stage(
    w: np.ndarray,
    k: int,
    es_sorted: np.ndarray,
    s_n: int,
    m_target: int,
    log_floor: float,
    rng: np.ndarray,
    zob: np.ndarray,
    flat: np.ndarray,
    out_logc: np.ndarray,
    out_varc: np.ndarray,
    out_r: np.ndarray,
    out_status: np.ndarray,
) -> tuple[int, float, float]:
    """Run the first stage of one unit; returns ``(q0, log0, var0)``.

    Parameters
    ----------
    w : numpy.ndarray of float64
        Gene weights in ranking order (length N), oriented for the unit's sign.
    k : int
        Set size ``K``, ``1 <= K < N``.
    es_sorted : numpy.ndarray of float64
        The unit's |es| values in increasing order.
    s_n : int
        Sample size ``S``.
    m_target : int
        Draws with ``ES >= 0`` to make (``M``); ``<= 0``: no first stage, the first ``S``
        random sets with ``ES >= 0`` start the ladder (``q0`` is then 0 or, for an
        unbalanced unit, the number of queries).
    log_floor : float
        ``log(eps)``.
    rng : numpy.ndarray of uint64
        The unit's xoshiro256** state (4 words), advanced in place.
    zob : numpy.ndarray of uint64
        Filled with random 64-bit gene keys (the sets' hashes are their XOR).
    flat : numpy.ndarray of int64, shape (S, K)
        Filled with ``S`` sorted sets above the threshold (survivors copied ``S // m``
        times, the rest filled with random survivors when identical sets left ``m < S``).
    out_logc, out_varc, out_r, out_status : numpy.ndarray
        Per query, as :func:`._multilevel_walk._run_unit` writes them (relative to a
        sample of ``S``); only the first ``q0`` are final.

    Returns
    -------
    q0 : int
        Queries answered here: those the threshold reaches, or all of them when the unit
        is unbalanced, stalled (no set above the threshold) or below the ``eps`` floor.
    log0, var0 : float
        Expected log (and variance) of the threshold's tail probability, where the ladder
        starts.
    """
    n, nq = w.shape[0], es_sorted.shape[0]
    _check_shapes(
        (flat, (s_n, k)), (zob, (n,)), (rng, (4,)), (out_logc, (nq,)), (out_varc, (nq,)),
        (out_r, (nq,)), (out_status, (nq,)),
    )
    if not 1 <= k < n:
        raise ValueError(f"first stage: needs 1 <= K < N (K={k}, N={n})")
    lv = np.zeros(2, dtype=np.float64)
    q0 = _C_FIRST_STAGE(
        ptr(w, f64p), n, int(k), ptr(es_sorted, f64p), nq, int(s_n), int(m_target),
        float(log_floor), ptr(rng, u64p), ptr(zob, u64p), ptr(flat, i64p), ptr(out_logc, f64p),
        ptr(out_varc, f64p), ptr(out_r, i64p), ptr(out_status, i64p), ptr(lv, f64p),
    )
    if q0 < 0:
        raise MemoryError(f"multilevel first stage: out of memory (K={k}, S={s_n})")
    return int(q0), float(lv[0]), float(lv[1])
