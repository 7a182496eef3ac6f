"""The random walk of the multilevel p-values for one work unit (wrapper of the C kernel).

The method, its constants and the public entry :func:`~mamsets.engines._multilevel.
multilevel_pvalues` are in :mod:`mamsets.engines._multilevel`; this module calls the
compiled code it runs for one (size, sign) work unit, :func:`_run_unit`
(``_c/multilevel_walk.c``): score and sort the samples, keep the survivors, resample,
re-chunk, walk, answer the queries, level after level. Random numbers: xoshiro256**
(``_c/multilevel.h``), one state per unit, so a seed gives the same bits whatever the
thread that runs the unit. The C code releases the GIL (ctypes), so units run in
parallel threads.
"""

from __future__ import annotations

import ctypes

import numpy as np

from ._clib import declare, f64p, i64p, ptr, u64p

#: Two enrichment scores closer than this are treated as equal (as in fgsea).
_ES_TOL = 1e-10
#: The positive and negative deviations of one walk are a tie (ES = 0) when closer than
#: this (``ML_TIE_TOL`` in ``_c/multilevel.h``).
_TIE_TOL = 1e-12
# status codes returned by the kernel for each query (``_c/multilevel.h``)
_OK, _FLOOR, _STALLED, _UNBALANCED = 0, 1, 2, 3

_i64, _f64 = ctypes.c_int64, ctypes.c_double
_C_RUN_UNIT = declare(
    "mamsets_ml_run_unit", _i64,
    f64p, _i64, _i64, f64p, _i64, _i64, _f64, _i64,  # w, n, k, es, nq, S, log_floor, max_levels
    u64p, i64p, u64p, _f64, _f64,  # rng, flat, zob, log0, var0
    f64p, f64p, i64p, i64p, i64p, _i64,  # outputs, counters, move_factor
    i64p,  # audit (NULL)
)
_C_LOG_FLOOR_STEP = declare("mamsets_ml_log_floor_step", _f64, _i64)


def log_floor_step(s_n: int) -> float:
    """Expected log of one level passage, ``psi(h) - psi(S + 1)`` with ``h = (S + 1) / 2``.

    Parameters
    ----------
    s_n : int
        Sample size ``S`` (odd).

    Returns
    -------
    float
        The (negative) expected log, by the finite series of the digamma difference.
    """
    return float(_C_LOG_FLOOR_STEP(int(s_n)))


def _run_unit(
    w: np.ndarray,
    k: int,
    es_sorted: np.ndarray,
    sample_size: int,
    log_floor: float,
    max_levels: int,
    rng_state: np.ndarray,
    flat: np.ndarray,
    zob: np.ndarray,
    log0: float,
    var0: float,
    out_logc: np.ndarray,
    out_varc: np.ndarray,
    out_r: np.ndarray,
    out_status: np.ndarray,
    counters: np.ndarray,
    move_factor: int = 1,
    audit: np.ndarray | None = None,
) -> int:
    """Multilevel ladder for one (size, sign) unit; ``w`` already oriented for the sign.

    Parameters
    ----------
    w : numpy.ndarray of float64
        Gene weights in ranking order (length N).
    k : int
        Set size ``K``.
    es_sorted : numpy.ndarray of float64
        The |es| values still to resolve, in increasing order (not empty).
    sample_size : int
        ``S``, odd.
    log_floor : float
        ``log(eps)`` (``-inf``: no floor).
    max_levels : int
        Cap on the number of levels.
    rng_state : numpy.ndarray of uint64
        The unit's xoshiro256** state (4 words), advanced in place.
    flat : numpy.ndarray of int64, shape (S, K)
        The starting sample: ``S`` sorted random sets above the first stage's threshold
        (:func:`~mamsets.engines._multilevel_first.first_stage`, which also drew the gene
        keys ``zob``); overwritten.
    zob : numpy.ndarray of uint64
        Random 64-bit gene keys (a set's hash is their XOR).
    log0, var0 : float
        Expected log (and its variance) of the probability of the starting threshold.
    out_logc, out_varc, out_r, out_status : numpy.ndarray
        Per query (float64, float64, int64, int64): the summed expected log and variance
        of the level passages before its resolving sample, the count of that sample's
        scores ``>= es`` and a status (ok, below the eps floor, walk stalled).
    counters : numpy.ndarray of int64, length 5
        Incremented: sweeps, fast accepts, full checks, full accepts, attempts.
    move_factor : int, default 1
        Accepted moves per level in units of ``S * K``.
    audit : numpy.ndarray of int64, length 2, optional
        Tests only (slow): incremented by the number of walk decisions and by those a
        fresh long-double score of the proposed set contradicts by more than 1e-9.

    Returns
    -------
    int
        The number of levels built.
    """
    n, nq = w.shape[0], es_sorted.shape[0]
    _check_shapes(
        (flat, (sample_size, k)), (zob, (n,)), (rng_state, (4,)), (out_logc, (nq,)),
        (out_varc, (nq,)), (out_r, (nq,)), (out_status, (nq,)), (counters, (5,)),
        *(((audit, (2,)),) if audit is not None else ()),
    )
    if nq == 0 or not 1 <= k < n:
        raise ValueError(f"multilevel kernel: needs queries and 1 <= K < N (K={k}, N={n}, {nq} queries)")
    n_levels = _C_RUN_UNIT(
        ptr(w, f64p), n, int(k), ptr(es_sorted, f64p), nq,
        int(sample_size), float(log_floor), int(max_levels), ptr(rng_state, u64p),
        ptr(flat, i64p), ptr(zob, u64p), float(log0), float(var0), ptr(out_logc, f64p),
        ptr(out_varc, f64p), ptr(out_r, i64p), ptr(out_status, i64p), ptr(counters, i64p),
        int(move_factor), None if audit is None else ptr(audit, i64p),
    )
    if n_levels < 0:
        raise MemoryError(f"multilevel kernel: out of memory (K={k}, S={sample_size})")
    return int(n_levels)


def _check_shapes(*pairs: tuple[np.ndarray, tuple[int, ...]]) -> None:
    """Refuse arrays whose shape is not the one the C kernel will index (it trusts them).

    Parameters
    ----------
    *pairs : tuple of (numpy.ndarray, tuple of int)
        Each array with its expected shape.
    """
    for i, (arr, shape) in enumerate(pairs):
        if arr.shape != tuple(int(x) for x in shape):
            raise ValueError(f"multilevel kernel: argument {i} has shape {arr.shape}, expected {shape}")
