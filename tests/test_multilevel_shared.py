"""The shared first stage (``_multilevel_shared``): screening changes no decision.

The comparison ES of the shared null only screens draws; ``screen=False`` rescores every
draw exactly with multilevel's own formula. Both must give the same bits (kept sets,
threshold, query counts) on continuous weights, ranks-only weights (many ties), exact
zeros and small rankings, for both signs. Also checks the law: the unit's first stage
from shared draws estimates the same tail probability as exact enumeration.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from mamsets.engines._multilevel_shared import shared_draws, shared_first_stage
from test_multilevel_zeros import es_rows


def _weights(kind: str, n: int, rng: np.random.Generator) -> np.ndarray:
    if kind == "normal":
        return np.sort(np.abs(rng.normal(size=n)))[::-1].copy()
    if kind == "ranks":
        return np.ones(n)
    if kind == "zeros":
        side = np.linspace(2.0, 1.0, n // 8)
        return np.concatenate([side, np.zeros(n - 2 * side.size), side[::-1]])
    if kind == "tiny":  # weights that quantise to 0 next to large ones
        w = np.full(n, 1e-300)
        w[:3] = 1.0
        return w
    raise AssertionError(kind)


def _run(draws, w, k, sg, es, s_n, screen):
    n = w.shape[0]
    ws = w if sg > 0 else np.ascontiguousarray(w[::-1])
    nq = es.size
    outs = (np.zeros(nq), np.zeros(nq), np.zeros(nq, np.int64), np.zeros(nq, np.int64))
    rng = np.array([1, 2, 3, 4], dtype=np.uint64)
    zob = np.empty(n, np.uint64)
    flat = np.zeros((s_n, k), np.int64)
    got = shared_first_stage(draws, ws, k, sg, es, s_n, math.log(1e-50), rng, zob, flat, outs,
                             screen=screen)
    return got, flat, outs


@pytest.mark.parametrize("kind,n", [("normal", 2000), ("ranks", 300), ("zeros", 80),
                                    ("tiny", 200), ("normal", 40)])
def test_screen_equals_exact(kind: str, n: int) -> None:
    rng = np.random.default_rng(7)
    w = _weights(kind, n, rng)
    sizes = np.array(sorted({k for k in (1, 3, 5, 15, 30, 60) if k < n} | {n - 2, n - 1}))
    s_n = 11
    draws = shared_draws(w, sizes, 16 * s_n, np.random.SeedSequence(42))
    es = np.sort(rng.uniform(0.05, 0.9, size=6))
    n_cmp = 0
    for k in sizes.tolist():
        for sg in (1, -1):
            a = _run(draws, w, k, sg, es, s_n, True)
            b = _run(draws, w, k, sg, es, s_n, False)
            assert (a[0] is None) == (b[0] is None)
            if a[0] is None:
                continue
            n_cmp += 1
            assert a[0] == b[0]
            assert np.array_equal(a[1], b[1])
            for x, y in zip(a[2], b[2]):
                assert np.array_equal(x, y)
    assert n_cmp > 0


def test_shared_tail_matches_enumeration() -> None:
    """N = 24, K = 3: the first stage's log0 (threshold tail) and query counts are unbiased."""
    import itertools

    rng = np.random.default_rng(3)
    w = np.sort(np.abs(rng.normal(size=24)))[::-1].copy()
    k, s_n = 3, 11
    allpos = np.array(list(itertools.combinations(range(24), k)))
    es_all = es_rows(w, allpos)
    pos_es = es_all[es_all >= 0]
    q = float(np.quantile(pos_es, 0.7))
    ests = []
    for seed in range(40):
        draws = shared_draws(w, np.array([k]), 16 * s_n, np.random.SeedSequence(seed))
        got, _, outs = _run(draws, w, k, 1, np.array([q]), s_n, True)
        assert got is not None and got[0] == 1  # the threshold reaches q
        ests.append(int(outs[2][0]))
        t = draws.rec.shape[0]
    # r counts the T draws with ES >= q (all >= 0): mean T * P(ES >= q)
    exact = float(np.mean(es_all >= q - 1e-10))
    assert np.mean(ests) == pytest.approx(exact * t, rel=4 / math.sqrt(exact * t * 40))


def test_engine_uses_shared_first_stage(monkeypatch) -> None:
    """gsea(method='multilevel') takes its first stage from the shared null."""
    import pandas as pd

    import mamsets.engines._multilevel as ml
    from mamsets.engines.gsea import gsea
    from mamsets.model import GeneSetCollection

    calls = []
    real = ml.shared_draws

    def spy(*args, **kwargs):
        calls.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(ml, "shared_draws", spy)
    rng = np.random.default_rng(5)
    genes = [f"G{i}" for i in range(3000)]
    ranking = pd.Series(np.sort(rng.normal(size=3000))[::-1], index=genes)
    sets = {"top": genes[:40], "bottom": genes[-30:], "mixed": genes[::100]}
    res = gsea(ranking, GeneSetCollection.from_dict(sets), method="multilevel", n_perm=200,
               rng=1, min_size=15)
    assert calls, "the multilevel p-values did not use the shared first stage"
    assert np.all(np.isfinite(res.table["pval"].to_numpy()))
