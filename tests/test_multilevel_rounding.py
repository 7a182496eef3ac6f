"""The multilevel walk decides as a fresh score would, even when weights span 1e16.

The walk keeps each sample's total weight and chunk sums by adding and subtracting weights.
When a gene far heavier than the rest of a set leaves it, those sums keep the rounding of
the huge value they held, which can be larger than the whole remaining weight: a walk that
trusted them accepted and rejected moves against the true score (16,750 of 39.6 million
decisions off by more than 1e-9 on 240 random rankings whose weights span 1e8 to 1e16,
before ``ML_DRIFT_BUDGET`` in ``_c/multilevel_walk.c``; none after). The audit scores every
proposed set afresh in long double from its sorted positions and counts the decisions it
contradicts by more than 1e-9. With the resum disabled, the 1e16 cases below fail (158 to
742 contradicted decisions); the 1e12 and ordinary cases happen to pass then too, and guard
against a regression only.
"""

from __future__ import annotations

import numpy as np
import pytest

import mamsets.engines._multilevel as ml
from mamsets.engines._multilevel import multilevel_pvalues


def _audited(monkeypatch, w, sizes, es, seeds, **kw) -> np.ndarray:
    audit = np.zeros(2, dtype=np.int64)
    real = ml._run_unit

    def run_unit(*args, **kwargs):
        return real(*args, audit=audit, **kwargs)

    monkeypatch.setattr(ml, "_run_unit", run_unit)
    for seed in seeds:
        multilevel_pvalues(w, np.asarray(sizes), np.asarray(es, dtype=float),
                           seed_sequence=np.random.SeedSequence(seed), **kw)
    return audit


def _es(w: np.ndarray, pos: np.ndarray) -> float:
    """Signed ES of sorted positions (fgsea's tie rule)."""
    n, k = w.size, pos.size
    nr = w[pos].sum()
    y = np.cumsum(w[pos]) / nr
    miss = (pos - np.arange(k)) / (n - k)
    top, bottom = (y - miss).max(), (y - w[pos] / nr - miss).min()
    return float(top if top > -bottom else bottom)


@pytest.mark.parametrize(("span", "n_giants", "variant"), [(1e12, 8, 0), (1e16, 4, 0),
                                                         (1e16, 8, 1)])
def test_giant_weights_do_not_mislead_the_walk(monkeypatch, span, n_giants, variant) -> None:
    rng = np.random.default_rng(100 * variant + int(np.log10(span)))
    n = 150
    w = np.abs(rng.standard_normal(n))
    w[rng.choice(n, n_giants, replace=False)] *= span  # a few giants among ordinary weights
    sizes, es = [], []
    for k in (2, 3, 5, 8):
        best = max((_es(w, np.sort(rng.choice(n, k, replace=False))) for _ in range(300)),
                   key=abs)
        sizes.append(k)
        es.append(best)
    audit = _audited(monkeypatch, w, sizes, es, seeds=range(3), first_stage_factor=0,
                     sample_size=21, eps=0.0)
    assert audit[0] > 10_000          # the walk made decisions...
    assert audit[1] == 0              # ...and none contradicts a fresh score


def test_ordinary_weights_audit_clean(monkeypatch) -> None:
    w = np.sqrt(np.arange(300, 0, -1, dtype=np.float64))
    audit = _audited(monkeypatch, w, [5, 20, 60], [0.8, 0.6, -0.45], seeds=[1],
                     first_stage_factor=16, eps=0.0)
    assert audit[0] > 10_000
    assert audit[1] == 0


def test_the_audit_sees_every_decision(monkeypatch) -> None:
    # every proposal that swaps genes is decided once, by the O(1) test or the full check,
    # and audited once
    import mamsets.engines._multilevel_walk as mw

    w = np.sqrt(np.arange(300, 0, -1, dtype=np.float64))
    audit = np.zeros(2, dtype=np.int64)
    counters = np.zeros(5, dtype=np.int64)
    real = mw._run_unit

    def run_unit(*args, **kwargs):
        return real(*args[:-1], counters, audit=audit, **kwargs)

    monkeypatch.setattr(ml, "_run_unit", run_unit)
    multilevel_pvalues(w, np.array([20]), np.array([0.6]), first_stage_factor=0, eps=0.0,
                       seed_sequence=np.random.SeedSequence(3))
    assert audit[0] == counters[1] + counters[2] > 1000
    assert audit[1] == 0
