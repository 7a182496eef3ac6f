"""Random number generator handling: one explicit seed, split per worker.

The rules follow ``scipy.stats``: ``rng`` may be ``None`` (fresh entropy, which
is recorded so the run can be repeated), an ``int`` seed, or a
:class:`numpy.random.Generator`. The global NumPy RNG is never touched.
"""

from __future__ import annotations

from typing import TypeAlias

import numpy as np

from .errors import InputError

__all__ = ["RngLike", "resolve_seed", "as_generator", "spawn_generators"]

RngLike: TypeAlias = "int | np.integer | np.random.Generator | np.random.SeedSequence | None"


def resolve_seed(rng: RngLike) -> tuple[np.random.SeedSequence, int | None]:
    """Turn ``rng`` into a seed sequence and the integer seed to record.

    Parameters
    ----------
    rng : int, numpy.random.Generator, numpy.random.SeedSequence or None
        ``None`` draws fresh entropy from the OS; the entropy is returned so the
        run can be repeated exactly.

    Returns
    -------
    seed_sequence : numpy.random.SeedSequence
    seed : int or None
        The integer that reproduces the run (``None`` when a Generator was
        passed, whose state cannot be summarised by one integer).
    """
    if rng is None:
        ss = np.random.SeedSequence()
        return ss, int(ss.entropy)
    if isinstance(rng, bool):
        raise InputError(f"rng={rng!r}: pass an int seed, a numpy Generator or None, not a bool")
    if isinstance(rng, (int, np.integer)):
        if rng < 0:
            raise InputError(f"rng={rng}: a seed must be a non-negative integer")
        return np.random.SeedSequence(int(rng)), int(rng)
    if isinstance(rng, np.random.SeedSequence):
        ent = rng.entropy
        return rng, int(ent) if isinstance(ent, (int, np.integer)) else None
    if isinstance(rng, np.random.Generator):
        # Derive a child sequence from the generator's own stream, deterministically.
        seed = int(rng.integers(0, 2**63 - 1))
        return np.random.SeedSequence(seed), seed
    raise InputError(
        f"rng={rng!r} (type {type(rng).__name__}): pass an int seed, a numpy Generator or None"
    )


def as_generator(rng: RngLike) -> np.random.Generator:
    """Return a :class:`numpy.random.Generator` for ``rng`` (see :func:`resolve_seed`)."""
    if isinstance(rng, np.random.Generator):
        return rng
    ss, _ = resolve_seed(rng)
    return np.random.default_rng(ss)


def spawn_generators(seed_sequence: np.random.SeedSequence, n: int) -> list[np.random.Generator]:
    """Split one seed sequence into ``n`` independent generators.

    Work units (not workers) get one generator each, so results do not depend on
    how many workers process them.
    """
    return [np.random.default_rng(s) for s in seed_sequence.spawn(n)]
