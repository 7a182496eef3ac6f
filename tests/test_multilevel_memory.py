"""Memory of the random walk's chunk store: it grows as S * N, not as S * K**1.5.

Each of the ``2 sqrt(K)`` chunks of a sample used to reserve room for K entries, so the
store asked for ``S * 2 sqrt(K) * K`` entries (about 45 GB for N = 40,000, K = 20,000,
S = 1001). A chunk holds at most min(its width, K) distinct positions, so a sample's
chunks now fit in a row of min(N, 2 sqrt(K) K) entries. The test runs the kernel in a
child process whose address space is capped 200 MB above what it uses before the call:
the old layout (570 MB for this case) cannot allocate, the new one (8 MB) can.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

import mamsets

_CHILD = textwrap.dedent(
    """
    import resource
    import numpy as np
    from mamsets.engines._multilevel_walk import _run_unit

    n, k, s_n = 10_000, 5_000, 101
    w = np.sqrt(np.arange(n, 0, -1, dtype=np.float64))
    # S sorted distinct rows: every other gene, odd rows shifted by one
    flat = np.stack([np.arange(k, dtype=np.int64) * 2 + (s % 2) for s in range(s_n)])
    zob = (np.arange(1, n + 1, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15))
    outs = [np.zeros(1), np.zeros(1), np.zeros(1, np.int64), np.zeros(1, np.int64)]
    with open("/proc/self/status") as fh:
        vm = next(int(x.split()[1]) for x in fh if x.startswith("VmSize:")) * 1024
    resource.setrlimit(resource.RLIMIT_AS, (vm + 200 * 2**20, resource.RLIM_INFINITY))
    # one level only: the store is allocated and filled, no walk is needed
    levels = _run_unit(w, k, np.array([0.99]), s_n, -np.inf, 1, np.array([1, 2, 3, 4], np.uint64),
                       flat, zob, 0.0, 0.0, *outs, np.zeros(5, np.int64))
    print("levels", levels)
    """
)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs /proc and RLIMIT_AS")
def test_chunk_store_fits_in_s_times_n() -> None:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.path.dirname(os.path.dirname(os.path.abspath(mamsets.__file__)))
    res = subprocess.run([sys.executable, "-c", _CHILD], capture_output=True, text=True,
                         env=env, timeout=120)
    assert res.returncode == 0, res.stderr[-2000:]
    assert res.stdout.strip() == "levels 1"
