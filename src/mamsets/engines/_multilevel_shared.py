"""The multilevel first stage of every unit from one shared nested null.

:mod:`._multilevel_first` draws, per (size, sign) unit, uniform random sets of the unit's
size until ``M`` have its sign (~1.5 us a draw). The cumulative permutation null of
:mod:`._gsea_kernel` instead grows ONE random sequence of genes a member at a time and
scores every requested size on the way (~0.2 us a size), so one sample serves every size
and both signs. Here ``T`` such samples over the sizes that need multilevel replace the
per-unit draws:

* For a unit of size ``K``, sample ``j``'s first ``K`` genes are a uniform random
  ``K``-set, and the ``T`` samples are independent, so the draws of the unit's sign are
  iid uniform sets conditioned on the sign, whatever other sizes they are nested with:
  each unit's law is the one the per-unit first stage samples. ``M``, the number of them,
  is random (binomial), but given ``M`` they are ``M`` iid draws, which is all the
  order-statistic bookkeeping uses. Units of different sizes are now correlated (they
  share genes), as the sizes of fgsea's simple null are; each unit's estimate is unbiased
  as before, and no quantity sums over units.
* The null scores sets on quantised weights (the "comparison ES"), within a proven band of
  the multilevel score. They only screen: a draw whose sign, rank among the top ``S + 1``
  or count against a query the band cannot decide is rescored exactly (multilevel's
  formula on the oriented float weights, the Zobrist hash of the unit's keys) from the
  recorded members, so every decision is the one exact scores would give
  (``_c/multilevel_first.c``, ``mamsets_ml_first_shared``).
* A unit whose sign has fewer than :data:`MIN_SHARED_FACTOR` ``* S`` draws (a rare sign)
  returns ``None`` and the caller runs the per-unit first stage.
* The samples are drawn in fixed blocks of :data:`_BLOCK`, each from its own seed (a child
  of the run's seed with the block's number in its spawn key), so threads can share the
  draws while the samples, and every p-value, stay the same whatever ``n_jobs``.
"""

from __future__ import annotations

import ctypes
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from ._clib import declare, f64p, i32p, i64p, ptr, u64p
from ._gsea_kernel import _check_sizes, quantized_weights

__all__ = ["MIN_SHARED_FACTOR", "SharedDraws", "shared_draws", "shared_first_stage"]

#: Least draws of a unit's sign, in units of S, for the shared first stage (fewer: the
#: per-unit first stage). 4 S still replaces two levels of the ladder.
MIN_SHARED_FACTOR = 4
#: Shared samples per requested first-stage draw ``16 S``: ``M`` is about ``T / 2 = 32 S``
#: for a balanced sign. Shared draws are ~10x cheaper than per-unit ones, so the first stage
#: can replace one more level of the random walk than the per-unit 16 S did (synthetic
#: case, multilevel CPU: 2 -> 1.2 s, 4 -> 1.0 s, 6 -> 1.2 s, 8 -> 1.2 s).
_SAMPLES_PER_DRAW = 4
#: Memory cap of the recorded draws (members and screening data), bytes.
_MAX_BYTES = 256 * 2**20
#: Samples per block of the shared null (each block its own seed; independent of n_jobs).
_BLOCK = 1024

_i64, _f64, _vp = ctypes.c_int64, ctypes.c_double, ctypes.c_void_p
_C_RECORD = declare(
    "mamsets_gsea_null_cumulative_record", _i64,
    f64p, _i64, i64p, _i64, _i64, _vp, _vp, f64p, _i64, i32p, f64p,
)
_C_SHARED = declare(
    "mamsets_ml_first_shared", _i64,
    f64p, _i64, _i64, _i64, i32p, _i64, _i64, f64p, f64p, _i64, _i64, _i64, _i64, _f64,
    u64p, u64p, i64p, f64p, f64p, i64p, i64p, f64p,
)


class SharedDraws:
    """Recorded samples of the shared nested null.

    Parameters
    ----------
    sizes : numpy.ndarray of int64
        The sizes scored, increasing.
    rec : numpy.ndarray of int32, shape (T, max(sizes))
        Each sample's genes in drawing order (positions in the original ranking).
    tb : numpy.ndarray of float64, shape (len(sizes), T, 3)
        Per size and sample: comparison top / N_R, bottom / N_R and quantised N_R.
    """

    def __init__(self, sizes: np.ndarray, rec: np.ndarray, tb: np.ndarray) -> None:
        self.sizes = sizes
        self.rec = rec
        self.tb = tb
        self.row = {int(k): i for i, k in enumerate(sizes.tolist())}


def shared_draws(
    w: np.ndarray, sizes: np.ndarray, m_first: int, seed_sequence: np.random.SeedSequence,
    n_jobs: int = 1,
) -> SharedDraws:
    """Draw the shared null for ``sizes`` (``_SAMPLES_PER_DRAW * m_first`` samples, fewer if
    their record would exceed ``_MAX_BYTES``).

    Parameters
    ----------
    w : numpy.ndarray of float64
        Gene weights in ranking order.
    sizes : numpy.ndarray
        Distinct unit sizes.
    m_first : int
        The first stage's target of same-signed draws (``M``).
    seed_sequence : numpy.random.SeedSequence
        Not advanced: block ``b`` of :data:`_BLOCK` samples is seeded by a child with spawn
        key ``+ (0x6D73, b)``.
    n_jobs : int, default 1
        Threads sharing the blocks (the C kernel releases the GIL); the draws do not depend
        on it.

    Returns
    -------
    SharedDraws
    """
    sizes = _check_sizes(np.unique(np.asarray(sizes, dtype=np.int64)), w.shape[0])
    per_sample = 4 * int(sizes[-1]) + 32 * sizes.size  # rec, tb and out
    n_samples = max(1, min(_SAMPLES_PER_DRAW * int(m_first), _MAX_BYTES // per_sample))
    wq = quantized_weights(w)
    rec = np.empty((n_samples, int(sizes[-1])), dtype=np.int32)
    tb = np.empty((sizes.size, n_samples, 3), dtype=np.float64)
    starts = list(range(0, n_samples, _BLOCK))

    def block(b: int) -> None:
        j0 = starts[b]
        j1 = min(j0 + _BLOCK, n_samples)
        child = np.random.SeedSequence(
            entropy=seed_sequence.entropy,
            spawn_key=tuple(seed_sequence.spawn_key) + (0x6D73, b),
            pool_size=seed_sequence.pool_size,
        )
        bitgen = np.random.PCG64(child)  # held: its ctypes interface does not keep it alive
        c = bitgen.ctypes
        out_b = np.empty((sizes.size, j1 - j0), dtype=np.float64)
        tb_b = np.empty((sizes.size, j1 - j0, 3), dtype=np.float64)
        rec_b = rec[j0:j1]  # whole rows: contiguous
        status = _C_RECORD(
            ptr(wq, f64p), wq.shape[0], ptr(sizes, i64p), sizes.size, j1 - j0, c.state_address,
            ctypes.cast(c.next_double, ctypes.c_void_p).value, ptr(out_b, f64p), j1 - j0,
            ptr(rec_b, i32p), ptr(tb_b, f64p),
        )
        if status != 0:
            raise MemoryError("no memory for the shared null's scratch arrays")
        tb[:, j0:j1] = tb_b

    if n_jobs == 1 or len(starts) == 1:
        for b in range(len(starts)):
            block(b)
    else:
        with ThreadPoolExecutor(max_workers=n_jobs) as ex:
            list(ex.map(block, range(len(starts))))
    return SharedDraws(sizes, rec, tb)


def shared_first_stage(
    draws: SharedDraws,
    w: np.ndarray,
    k: int,
    sg: int,
    es_sorted: np.ndarray,
    s_n: int,
    log_floor: float,
    rng: np.ndarray,
    zob: np.ndarray,
    flat: np.ndarray,
    outs: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    screen: bool = True,
) -> tuple[int, float, float] | None:
    """The first stage of one unit from the shared draws, as :func:`._multilevel_first.first_stage`.

    Parameters
    ----------
    draws : SharedDraws
        From :func:`shared_draws` (must include ``k``).
    w : numpy.ndarray of float64
        Gene weights oriented for the unit (reversed for ``sg < 0``).
    k, sg : int
        Size and sign of the unit.
    es_sorted, s_n, log_floor, rng, zob, flat
        As for :func:`._multilevel_first.first_stage`.
    outs : tuple of numpy.ndarray
        ``(out_logc, out_varc, out_r, out_status)``, as there.
    screen : bool, default True
        False: score every draw exactly instead of screening (the same result, slower; the
        reference of the tests).

    Returns
    -------
    tuple of (int, float, float) or None
        ``(q0, log0, var0)`` as :func:`._multilevel_first.first_stage`, or None when the
        unit's sign has too few draws (``rng`` and ``zob`` were used: reseed the fallback).
    """
    out_logc, out_varc, out_r, out_status = outs
    tb = np.ascontiguousarray(draws.tb[draws.row[int(k)]])
    rec = draws.rec
    lv = np.zeros(2, dtype=np.float64)
    q0 = _C_SHARED(
        ptr(w, f64p), w.shape[0], int(k), int(sg), ptr(rec, i32p), rec.shape[1], rec.shape[0],
        ptr(tb, f64p), ptr(es_sorted, f64p), es_sorted.shape[0], int(s_n),
        MIN_SHARED_FACTOR * int(s_n), int(bool(screen)), float(log_floor), ptr(rng, u64p), ptr(zob, u64p),
        ptr(flat, i64p), ptr(out_logc, f64p), ptr(out_varc, f64p), ptr(out_r, i64p),
        ptr(out_status, i64p), ptr(lv, f64p),
    )
    if q0 == -1:
        raise MemoryError(f"multilevel shared first stage: out of memory (K={k}, S={s_n})")
    if q0 == -2:
        return None
    return int(q0), float(lv[0]), float(lv[1])
