"""Phenotype-permutation GSEA: metrics against independent references, permutations, calibration,
and agreement with gseapy's gsea() on P53."""

from __future__ import annotations

import itertools
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from mamsets.engines._expr_metrics import metric_matrix
from mamsets.engines.gsea import GSEA_SCHEMA, gsea
from mamsets.engines.native.phenotype_permutation import distinct_permutations, label_matrix
from mamsets.engines.phenotype_gsea import metric_ranking, phenotype_gsea
from mamsets.errors import InputError, MamsetsWarning
from mamsets.io.expression import read_expression

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def _toy(n_genes: int = 300, n_a: int = 10, n_b: int = 10, seed: int = 0, shift: float = 0.0):
    rng = np.random.default_rng(seed)
    x = rng.normal(8, 1, size=(n_genes, n_a + n_b))
    x[:20, :n_a] += shift
    genes = [f"G{i}" for i in range(n_genes)]
    df = pd.DataFrame(x, index=genes, columns=[f"s{j}" for j in range(n_a + n_b)])
    labels = ["A"] * n_a + ["B"] * n_b
    sets = {"shifted": genes[:20], **{f"rand{i}": list(rng.choice(genes, 25, replace=False))
                                      for i in range(8)}}
    return df, labels, sets


def test_metrics_match_independent_references() -> None:
    df, labels, _ = _toy()
    x = df.to_numpy()
    a = np.array(labels) == "A"
    lab = a.astype(float)[None, :]
    welch = stats.ttest_ind(x[:, a], x[:, ~a], axis=1, equal_var=False).statistic
    np.testing.assert_allclose(metric_matrix(x, lab, "t_test")[:, 0], welch, rtol=1e-10)
    ma, mb = x[:, a].mean(1), x[:, ~a].mean(1)
    sa = np.maximum(x[:, a].std(1, ddof=1), 0.2 * np.abs(ma))
    sb = np.maximum(x[:, ~a].std(1, ddof=1), 0.2 * np.abs(mb))
    np.testing.assert_allclose(metric_matrix(x, lab, "signal_to_noise")[:, 0], (ma - mb) / (sa + sb),
                               rtol=1e-10)
    np.testing.assert_allclose(metric_matrix(x, lab, "log2_ratio_of_classes")[:, 0], np.log2(ma / mb))
    np.testing.assert_allclose(metric_matrix(x, lab, "diff_of_classes")[:, 0], ma - mb, atol=1e-12)
    y = np.linspace(0, 1, x.shape[1])
    r = [stats.pearsonr(row, y).statistic for row in x]
    np.testing.assert_allclose(metric_matrix(x, y[None, :], "pearson")[:, 0], r, rtol=1e-10)


def test_signal_to_noise_sd_floor() -> None:
    x = np.array([[10.0, 10.0, 10.0, 1.0, 1.0, 1.0]])       # sd 0: floored at 0.2*|mean|
    s2n = metric_matrix(x, np.array([[1, 1, 1, 0, 0, 0.0]]), "signal_to_noise")[0, 0]
    assert s2n == pytest.approx(9 / (2.0 + 0.2))


def test_distinct_permutations_by_brute_force() -> None:
    labels = np.array([1, 1, 0, 0, 0, 1, 0.0])
    blocks = np.array([0, 0, 0, 1, 1, 1, 1])
    brute = {tuple(p[i] for i in range(7)) for p in itertools.permutations(labels)
             if all(sorted(np.array(p)[blocks == b]) == sorted(labels[blocks == b]) for b in (0, 1))}
    assert distinct_permutations(labels, blocks) == len(brute) == 3 * 4
    assert distinct_permutations(labels, np.zeros(7, dtype=int)) == 35


def test_label_permutations_stay_within_blocks() -> None:
    labels = np.array([1, 1, 0, 0, 1, 0, 0, 0.0])
    blocks = np.array([0, 0, 0, 0, 1, 1, 1, 1])
    m = label_matrix(labels, blocks, 200, np.random.default_rng(3))
    assert (m[:, blocks == 0].sum(1) == 2).all() and (m[:, blocks == 1].sum(1) == 1).all()
    assert len({tuple(r) for r in m}) > 10


def test_es_equals_preranked_kernel_and_schema() -> None:
    df, labels, sets = _toy(shift=1.5)
    res = phenotype_gsea(df, labels, sets, n_perm=200, min_size=5, rng=1)
    assert list(res.table.columns) == list(GSEA_SCHEMA)
    pre = gsea(metric_ranking(df, labels), sets, method="permutation", n_perm=100, rng=1).table
    merged = res.table.merge(pre, on="term")
    np.testing.assert_array_equal(merged["es_x"].to_numpy(), merged["es_y"].to_numpy())
    top = res.table.iloc[0]
    assert top["term"] == "shifted" and top["es"] > 0 and bool(top["pval_at_floor"])
    assert top["pval"] < 0.02                      # 1/(n+1), n the null ES >= 0 of 200
    p = res.params
    assert (p["metric"], p["positive"], p["negative"], p["n_perm"], p["seed"]) == (
        "signal_to_noise", "A", "B", 200, 1)
    assert p["n_distinct_permutations"] == 184756


def test_results_do_not_depend_on_n_jobs_and_seed_repeats() -> None:
    df, labels, sets = _toy()
    a = phenotype_gsea(df, labels, sets, n_perm=250, min_size=5, rng=7, n_jobs=1).table
    b = phenotype_gsea(df, labels, sets, n_perm=250, min_size=5, rng=7, n_jobs=2).table
    pd.testing.assert_frame_equal(a, b)


def test_too_few_samples_warns_with_distinct_count() -> None:
    df, labels, sets = _toy(n_a=4, n_b=4)
    with pytest.warns(MamsetsWarning, match=r"70 distinct labellings .*preranked GSEA"):
        phenotype_gsea(df, labels, sets, n_perm=100, min_size=5, rng=1)
    with pytest.raises(InputError, match="fewer than 3 samples"):
        phenotype_gsea(df.iloc[:, :6], labels[:2] + labels[4:], sets, min_size=5)


def test_more_classes_need_positive_and_negative_and_block() -> None:
    df, _, sets = _toy(n_a=12, n_b=12)
    group = (["M_SED"] * 8 + ["M_8W"] * 8 + ["F_8W"] * 8)
    with pytest.raises(InputError, match="pass positive= and negative="):
        phenotype_gsea(df, group, sets)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MamsetsWarning)
        res = phenotype_gsea(df, group, sets, positive="M_8W", negative="M_SED", n_perm=50,
                             min_size=5, rng=1, block=["x", "y"] * 12)
    assert res.params["n_samples_left_out"] == 8 and res.params["block"] == "block"
    assert res.params["n_distinct_permutations"] == 70 * 70 // 70 * 70  # C(8,4) per block of 8


def test_null_calibration_fixed_seed() -> None:
    """Under the null (no difference between classes) nominal p-values are uniform."""
    rng = np.random.default_rng(2026)
    n_genes, n = 400, 24
    x = rng.normal(0, 1, size=(n_genes, n))
    genes = [f"G{i}" for i in range(n_genes)]
    df = pd.DataFrame(x, index=genes, columns=[f"s{j}" for j in range(n)])
    sets = {f"S{i}": list(rng.choice(genes, 20, replace=False)) for i in range(200)}
    res = phenotype_gsea(df, ["A"] * 12 + ["B"] * 12, sets, n_perm=200, min_size=5, rng=11)
    p = res.table["pval"].to_numpy()
    assert stats.kstest(p, "uniform").pvalue > 0.01
    assert 0.01 <= (p <= 0.05).mean() <= 0.10          # 200 sets: 5% expected, binomial sd 1.5%


@pytest.mark.slow
@pytest.mark.shared_data
def test_p53_against_gseapy_gsea() -> None:
    gp = pytest.importorskip("gseapy")
    d = SHARED / "gsea-benchmarks" / "p53"
    e = read_expression(d / "P53.txt.gz", cls=d / "P53.cls")
    from mamsets.io.gmt import read_gmt

    ref = Path(__file__).parent / "data" / "gsva_reference" / "sets.gmt"
    sets = {gs.id: list(gs.genes) for gs in read_gmt(ref) if 15 <= len(gs.genes) <= 200}
    ours = phenotype_gsea(e, collection=sets, n_perm=1000, rng=1).table.set_index("term")
    shifted = phenotype_gsea(e.values + 1e-8, e.phenotype, sets, n_perm=10, rng=1).table.set_index("term")
    runs = []
    for seed in (1, 2, 3, 4):
        r = gp.gsea(data=e.values, gene_sets=sets, cls=e.phenotype.tolist(), permutation_type="phenotype",
                    permutation_num=1000, method="signal_to_noise", min_size=15, max_size=500,
                    seed=seed, threads=1, outdir=None, no_plot=True)
        runs.append(r.res2d.set_index("Term").loc[ours.index])
    es = runs[0]["ES"].astype(float)
    assert np.abs(shifted.loc[ours.index, "es"] - es).max() < 1e-12   # gseapy adds 1e-8 first
    assert np.abs(ours["es"] - es).max() < 1e-9                       # and without it
    nes = pd.concat([r["NES"].astype(float) for r in runs], axis=1)
    z = (ours["nes"] - nes.mean(axis=1)) / (nes.std(axis=1, ddof=1) * np.sqrt(1 + 1 / 4))
    assert np.abs(z).max() < 6 and np.abs(ours["nes"] - nes.mean(axis=1)).max() < 0.06


@pytest.mark.parametrize("metric", ["signal_to_noise", "t_test", "ratio_of_classes", "diff_of_classes",
                                    "log2_ratio_of_classes", "pearson"])
@pytest.mark.parametrize("n_constant", [0, 150])          # 150 tied genes: the stable-argsort fallback
def test_compiled_null_equals_a_plain_loop(metric: str, n_constant: int) -> None:
    """The compiled null (metric, ranks, ES per labelling) against numpy's stable argsort and the
    preranked ES kernel, labelling by labelling; duplicated rows tie exactly and break by row."""
    from mamsets.engines import _gsea_kernel as _k
    from mamsets.engines._pheno_kernel import null_es_block

    rng = np.random.default_rng(5)
    x = rng.lognormal(2, 0.5, size=(600, 16))
    x[100:130] = x[200:230]                                  # exact ties of the metric
    x[300:300 + n_constant] = 7.0
    labels = (np.array([rng.permutation([1.0] * 7 + [0.0] * 9) for _ in range(40)]) if metric != "pearson"
              else rng.normal(size=(40, 16)))
    sets = [np.sort(rng.choice(600, k, replace=False)) for k in (5, 20, 60, 150)]
    sets.append(np.arange(95, 135))                          # members tied with non-members
    flat = np.concatenate(sets).astype(np.int64)
    offsets = np.concatenate([[0], np.cumsum([s.size for s in sets])]).astype(np.int64)
    out = np.empty((len(sets), 40))
    null_es_block(x, labels, metric, 1.0, flat, offsets, out)
    m = metric_matrix(x, labels, metric)
    m[~np.isfinite(m)] = 0.0
    ref = np.empty_like(out)
    for j in range(40):
        order = np.argsort(-m[:, j], kind="stable")
        inv = np.empty(600, dtype=np.int64)
        inv[order] = np.arange(600)
        w = _k.gene_weights(m[order, j], 1.0)
        for s, members in enumerate(sets):
            ref[s, j] = _k.enrichment_score(w, np.sort(inv[members]))[0]
    np.testing.assert_allclose(out, ref, rtol=0, atol=1e-12)


def test_null_es_block_refuses_labels_or_members_that_do_not_fit_the_matrix():
    from mamsets.engines._pheno_kernel import null_es_block

    x = np.random.default_rng(0).normal(size=(50, 4))
    flat, offsets = np.arange(5, dtype=np.int64), np.array([0, 5], dtype=np.int64)
    out = np.empty((1, 2))
    with pytest.raises(ValueError, match="6 columns for 4 samples"):
        null_es_block(x, np.ones((2, 6)), "diff_of_classes", 1.0, flat, offsets, out)
    with pytest.raises(ValueError, match="partition rows"):
        null_es_block(x, np.array([[1.0, 1, 0, 0], [0, 1, 1, 0]]), "diff_of_classes", 1.0,
                      np.array([1, 50], dtype=np.int64), np.array([0, 2], dtype=np.int64), out)
