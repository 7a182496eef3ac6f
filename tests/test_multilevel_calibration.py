"""Calibration of the multilevel p-values, by sign, with and without the first stage.

Two checks that hold whatever the random stream, each run on the real p-values and on
deliberately biased ones (``p * 1.3`` on one sign), which must fail it:

* **Uniformity** of p-values of random sets, by sign. The sets of one (size, sign) unit
  share one ladder, so their p-values share its Monte Carlo error; with the plain ladder
  (``first_stage_factor=0``) every p above the first median is read off the same
  ``S = 101`` samples, an empirical CDF off by ~0.08 in KS distance, which a KS test
  on hundreds of sets of two sizes detects (the old test of 400 sets of sizes 15 / 40
  failed at 1 % on 13 % of set samples on the negative side, 7 % on the positive, with
  near-exact p-values of the same sets failing at the nominal 1 %). Here every set is
  alone in its unit, so the errors are independent and the KS test is valid. (A fixed
  sample of sets is itself a draw: the old test's 400 sets fail KS at p = 0.004 on the
  negative side even with near-exact p-values.)
* **No bias against a near-exact reference** for scores at fixed tail probabilities
  (0.3 down to 0.003) of both signs: plain Monte Carlo p-values from 400,000 random sets
  per size scored by the independent numpy helper, against the mean over 32 seeds of
  ``log2(p / p_ref)``, with a bound of 4 standard errors derived from the reported
  ``log2err`` and the reference's binomial error (queries of one unit count as fully
  correlated, so the bound is conservative).

Robustness, measured by rerunning both checks with other seeds, set samples and
references (scratch harness, not shipped): no false alarm in 50 (uniformity) and 60
(bias) reruns for either factor, the largest |mean| being 2.5 of the 4 standard errors;
the biased p-values failed every rerun (worst KS p 2e-6 against the 1e-4 threshold).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from test_multilevel import es_batch, null_es

from mamsets.engines._multilevel import FIRST_STAGE_FACTOR, multilevel_pvalues

SEED = np.random.SeedSequence(20261125)
N_GENES = 1000
SIZES = (15, 40)
N_REF = 400_000
TAILS = np.array([0.3, 0.05, 0.01, 0.003])
N_SEEDS = 32
KS_ALPHA = 1e-4


@pytest.fixture(scope="module")
def ranking() -> np.ndarray:
    """Weights |z| of 1,000 sorted standard normals (both signs equally represented)."""
    rng = np.random.default_rng(7)
    return np.abs(np.sort(rng.standard_normal(N_GENES))[::-1])


@pytest.fixture(scope="module")
def reference(ranking):
    """Sorted null ES of each sign per size: N_REF plain random sets per size."""
    out = {}
    for k in SIZES:
        nul = null_es(ranking, k, N_REF, np.random.default_rng(k + 100))
        out[k] = (np.sort(nul[nul >= 0]), np.sort(nul[nul <= 0]))
    return out


def _ks_failures(p: np.ndarray, es: np.ndarray) -> list[str]:
    """The sign groups whose p-values are not uniform (KS p < KS_ALPHA)."""
    bad = []
    for name, m in (("positive", es > 0), ("negative", es < 0), ("both", es != 0)):
        ks = stats.kstest(p[m], "uniform").pvalue
        if ks < KS_ALPHA:
            bad.append(f"{name}: KS p={ks:.2g} on {m.sum()} sets")
    return bad


def _random_set_pvalues(ranking, factor, entropy, set_seed):
    """p-values and ES of 600 random sets, each alone in its (size, sign) unit (independent)."""
    rng = np.random.default_rng(set_seed)
    p_all, es_all = [], []
    for call in range(6):  # sizes 10..109 in each call, fresh sets and seeds
        sizes = np.arange(10, 110)
        es = np.array([es_batch(ranking, np.sort(rng.choice(N_GENES, k, replace=False)))[0]
                       for k in sizes])
        seed = np.random.SeedSequence(entropy, spawn_key=(call,))
        p, _, _ = multilevel_pvalues(ranking, sizes, es, seed_sequence=seed,
                                     first_stage_factor=factor)
        p_all.append(p)
        es_all.append(es)
    return np.concatenate(p_all), np.concatenate(es_all)


@pytest.mark.parametrize("factor", [0, FIRST_STAGE_FACTOR])
def test_calibration_uniform_on_random_rankings(ranking, factor):
    """600 random sets, 100 distinct sizes per call (one set per unit: independent p-values)."""
    p, es = _random_set_pvalues(ranking, factor, SEED.entropy, 17)
    assert not np.isnan(p).any() and min((es > 0).sum(), (es < 0).sum()) > 200
    assert _ks_failures(p, es) == []
    # the check has power: p-values 1.3 times too large on either sign fail it
    for sign in (1, -1):
        biased = np.where(np.sign(es) == sign, np.minimum(1.0, 1.3 * p), p)
        assert _ks_failures(biased, es), sign


def _bias_failures(lr: np.ndarray, sd: np.ndarray, es: np.ndarray, sizes: np.ndarray) -> list[str]:
    """Signs whose mean log2(p / p_ref) is beyond 4 standard errors of zero.

    ``lr``: per query, the mean over seeds of log2(p / p_ref); ``sd``: per query, the
    standard deviation of one seed's log2 ratio (reported log2err and reference error).
    The queries of one (size, sign) unit share a ladder and a reference sample, so their
    errors are taken as fully correlated: the unit's mean has the mean of their ``sd``.
    """
    bad = []
    for sign in (1, -1):
        m = np.sign(es) == sign
        unit_sd = [sd[m & (sizes == k)].mean() for k in SIZES]
        se = np.sqrt(np.sum(np.square(unit_sd))) / len(SIZES)
        if abs(lr[m].mean()) > 4 * se:
            bad.append(f"sign {sign}: mean log2(p/p_ref) {lr[m].mean():+.3f}, bound {4 * se:.3f}")
    return bad


def _reference_ratios(ranking, reference, factor, entropy):
    """Per seed and query log2(p / p_ref), log2err; per query the reference's SD, es, size."""
    sizes, es, p_ref, n_ref = [], [], [], []
    for k in SIZES:
        pos, neg = reference[k]
        # observed scores of real random sets at the chosen tail probabilities
        for sign, nul in ((1, pos), (-1, neg)):
            q = 1 - TAILS if sign > 0 else TAILS
            e = np.quantile(nul, q, method="inverted_cdf")
            sizes += [k] * e.size
            es += list(e)
            p_ref += [np.mean(nul >= x - 1e-10) if sign > 0 else np.mean(nul <= x + 1e-10)
                      for x in e]
            n_ref += [nul.size] * e.size
    sizes, es, p_ref, n_ref = map(np.asarray, (sizes, es, p_ref, n_ref))
    ref_sd = np.sqrt((1 - p_ref) / (p_ref * n_ref)) / np.log(2)
    lr, err = [], []
    for s in range(N_SEEDS):
        seed = np.random.SeedSequence(entropy, spawn_key=(100 + s,))
        p, e, fl = multilevel_pvalues(ranking, sizes, es, seed_sequence=seed,
                                      first_stage_factor=factor)
        assert not fl.any() and not np.isnan(p).any()
        lr.append(np.log2(p / p_ref))
        err.append(e)
    return np.array(lr), np.array(err), ref_sd, es, sizes


@pytest.mark.parametrize("factor", [0, FIRST_STAGE_FACTOR])
def test_no_bias_against_monte_carlo_reference(ranking, reference, factor):
    lr, err, ref_sd, es, sizes = _reference_ratios(ranking, reference, factor, SEED.entropy)
    # per query: seed-mean ratio; SD of that mean: log2err / sqrt(seeds) and the reference's
    sd_mean = np.sqrt(np.mean(err**2, axis=0) / N_SEEDS + ref_sd**2)
    assert _bias_failures(lr.mean(axis=0), sd_mean, es, sizes) == []
    # the reported error matches the seed-to-seed spread (it is what the bound relies on)
    spread = lr.std(axis=0, ddof=1) / np.sqrt(np.mean(err**2, axis=0))
    assert 0.6 < np.median(spread) < 1.5, spread
    # the check has power: p-values 1.3 times too large on either sign fail it
    for sign in (1, -1):
        shift = np.where(np.sign(es) == sign, np.log2(1.3), 0.0)
        assert _bias_failures(lr.mean(axis=0) + shift, sd_mean, es, sizes), sign
