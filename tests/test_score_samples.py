"""Single-sample scores against R GSVA 1.46 reference outputs and gseapy's ssgsea, plus the API."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mamsets.engines.score_samples import SCORES_SCHEMA, compare_scores, score_samples
from mamsets.errors import InputError
from mamsets.io.expression import read_expression
from mamsets.io.gmt import read_gmt

REF = Path(__file__).parent / "data" / "gsva_reference"
P53 = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "gsea-benchmarks" / "p53"


def _ssgsea_by_hand(x: np.ndarray, members: list[int], alpha: float = 0.25) -> np.ndarray:
    """The running-sum definition, summed position by position (independent of the closed form)."""
    out = []
    for j in range(x.shape[1]):
        r = np.floor(pd.Series(x[:, j]).rank(method="average").to_numpy())
        order = np.argsort(-r, kind="stable")
        hit = np.isin(order, members)
        w = np.where(hit, r[order] ** alpha, 0.0)
        walk = np.cumsum(w) / w.sum() - np.cumsum(~hit) / (~hit).sum()
        out.append(walk.sum())
    return np.array(out)


def test_ssgsea_closed_form_equals_running_sum() -> None:
    rng = np.random.default_rng(5)
    x = np.round(rng.normal(5, 1, size=(60, 7)), 1)           # rounded: ties, as real data has
    df = pd.DataFrame(x, index=[f"g{i}" for i in range(60)])
    df.columns = [f"s{j}" for j in range(7)]
    res = score_samples(df, {"S": ["g1", "g5", "g9", "g30"]}, normalize=False)
    np.testing.assert_allclose(res.scores["S"].to_numpy(), _ssgsea_by_hand(x, [1, 5, 9, 30]), rtol=1e-12)


def test_tidy_table_schema_and_params() -> None:
    rng = np.random.default_rng(1)
    df = pd.DataFrame(rng.normal(size=(30, 5)), index=[f"g{i}" for i in range(30)],
                      columns=list("abcde"))
    res = score_samples(df, {"A": ["g1", "g2", "x"], "B": ["g3"]}, method="zscore")
    assert list(res.table.columns) == list(SCORES_SCHEMA)
    assert len(res.table) == 10 and res.scores.shape == (5, 2)
    row = res.table[(res.table["sample"] == "c") & (res.table["term"] == "A")].iloc[0]
    assert row["score"] == res.scores.loc["c", "A"] and (row["size"], row["n_members"]) == (2, 3)
    assert res.params["method"] == "zscore" and res.params["n_sets_scored"] == 2
    with pytest.raises(InputError, match="method='foo'"):
        score_samples(df, {"A": ["g1"]}, method="foo")


def test_compare_scores_two_groups_and_continuous() -> None:
    from scipy import stats

    rng = np.random.default_rng(3)
    scores = pd.DataFrame({"S": np.r_[rng.normal(1, 1, 8), rng.normal(0, 1, 8)]},
                          index=[f"s{i}" for i in range(16)])
    out = compare_scores(scores, ["T"] * 8 + ["C"] * 8, positive="T")
    t = stats.ttest_ind(scores["S"][:8], scores["S"][8:], equal_var=False)
    assert out.loc[0, "pval"] == pytest.approx(t.pvalue) and out.loc[0, "test"] == "welch_t:T-C"
    assert out.loc[0, "effect_low"] < out.loc[0, "effect"] < out.loc[0, "effect_high"]
    cont = compare_scores(scores, pd.Series(np.arange(16.0), index=scores.index))
    assert cont.loc[0, "test"] == "pearson"


def test_anndata_scores_go_to_obsm(anndata_cls) -> None:
    rng = np.random.default_rng(4)
    ad = anndata_cls(rng.normal(size=(6, 20)), var=pd.DataFrame(index=[f"g{i}" for i in range(20)]),
                         obs=pd.DataFrame(index=[f"c{i}" for i in range(6)]))
    res = score_samples(ad, {"A": ["g1", "g2", "g3"]}, anndata_key=True)
    assert ad.obsm["mamsets_ssgsea"].shape == (6, 1)
    assert ad.obsm["mamsets_ssgsea"].iloc[2, 0] == res.scores.iloc[2, 0]


def _p53_and_ref(name: str) -> tuple[object, object, pd.DataFrame]:
    e = read_expression(P53 / "P53.txt.gz")
    sets = read_gmt(REF / "sets.gmt")
    ref = pd.read_csv(REF / name, sep="\t", index_col=0).T
    return e, sets, ref


@pytest.mark.shared_data
@pytest.mark.parametrize("method,kw,name,tol", [
    ("ssgsea", {"normalize": True}, "ssgsea_norm.tsv", 1e-12),
    ("ssgsea", {"normalize": False}, "ssgsea_raw.tsv", 1e-9),
    ("zscore", {}, "zscore.tsv", 1e-12),
])
def test_equal_to_r_gsva(method: str, kw: dict, name: str, tol: float) -> None:
    e, sets, ref = _p53_and_ref(name)
    s = score_samples(e, sets, method=method, **kw).scores
    np.testing.assert_allclose(s.to_numpy(), ref.loc[s.index, s.columns].to_numpy(), rtol=0, atol=tol)


@pytest.mark.shared_data
def test_plage_equals_r_gsva_up_to_sign() -> None:
    e, sets, ref = _p53_and_ref("plage.tsv")
    s = score_samples(e, sets, method="plage").scores
    multi = [c for c in s.columns if not c.endswith("_K1")]   # GSVA returns 1 for one-gene sets
    r = ref.loc[s.index, multi]
    sign = np.sign((s[multi] * r).sum())
    np.testing.assert_allclose((s[multi] * sign).to_numpy(), r.to_numpy(), atol=1e-10)


@pytest.mark.slow
@pytest.mark.shared_data
def test_gsva_gaussian_close_to_r_gsva() -> None:
    e, sets, ref = _p53_and_ref("gsva_gaussian_log2.tsv")
    s = score_samples(np.log2(e.values.clip(lower=1)), sets, method="gsva").scores
    r = ref.loc[s.index, s.columns]
    assert float(np.abs(s - r).max().max()) < 0.02
    cors = [np.corrcoef(s[c], r[c])[0, 1] for c in s.columns if r[c].std() > 0]
    assert min(cors) >= 0.9999


@pytest.mark.shared_data
def test_ssgsea_against_gseapy_in_process() -> None:
    gp = pytest.importorskip("gseapy")
    e = read_expression(P53 / "P53.txt.gz")
    sets = {gs.id: list(gs.genes) for gs in read_gmt(REF / "sets.gmt")}
    # without ties both compute the same numbers; with ties the order of tied genes differs
    df = e.values + np.random.default_rng(0).uniform(0, 1e-6, e.values.shape)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        g = gp.ssgsea(data=df, gene_sets=sets, min_size=1, max_size=5000, outdir=None, no_plot=True,
                      threads=1, seed=0)
    ours = score_samples(df, sets, method="ssgsea", ties="average").scores
    theirs = g.res2d.pivot(index="Name", columns="Term", values="NES").astype(float)
    np.testing.assert_allclose(ours.to_numpy(), theirs.loc[ours.index, ours.columns].to_numpy(), atol=1e-12)


def test_singscore_against_a_hand_computation() -> None:
    """6 genes x 2 samples, ranks written out by hand (increasing value, ties -> minimum rank)."""
    import mamsets as ms

    x = pd.DataFrame({"s1": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
                      "s2": [6.0, 5.0, 5.0, 1.0, 2.0, 3.0]}, index=list("ABCDEF"))
    # ranks s1: A1 B2 C3 D4 E5 F6; s2: A6 B4 C4 (tie: min) D1 E2 F3.  N = 6.
    res = ms.score_samples(x, {"up": ["E", "F"], "signed": (["E", "F"], ["A", "B"])},
                           method="singscore")
    # "up", K=2: bounds (K+1)/2 = 1.5 and (2N-K+1)/2 = 5.5, span N-K = 4.
    #   s1 mean rank (5+6)/2 = 5.5 -> (5.5-1.5)/4 - 0.5 = 0.5; s2 (2+3)/2 = 2.5 -> 0.25 - 0.5 = -0.25
    # "signed": down {A,B}: s1 mean 1.5 -> uncentred 0 -> 1 - 0 - 0.5 = 0.5; total 1.0
    #   s2 mean (6+4)/2 = 5 -> uncentred 0.875 -> 1 - 0.875 - 0.5 = -0.375; total -0.25 - 0.375 = -0.625
    expected = pd.DataFrame({"up": [0.5, -0.25], "signed": [1.0, -0.625]}, index=["s1", "s2"])
    np.testing.assert_allclose(res.scores.loc[["s1", "s2"], ["up", "signed"]].to_numpy(),
                               expected.to_numpy(), atol=1e-15)
    assert res.params["n_sets_signed"] == 1 and list(res.scores.columns) == ["up", "signed"]


def test_singscore_signed_sets_are_singscore_only_and_follow_member_direction() -> None:
    import mamsets as ms
    from mamsets.model import GeneSet, GeneSetCollection, Member

    rng = np.random.default_rng(0)
    x = pd.DataFrame(rng.normal(size=(30, 5)), index=[f"G{i}" for i in range(30)],
                     columns=[f"s{j}" for j in range(5)])
    with pytest.raises(InputError, match="singscore"):
        ms.score_samples(x, {"a": (["G1", "G2"], ["G3"])}, method="ssgsea")
    members = tuple(Member(symbol=g, hgnc_id="", role="caption", direction=d)
                    for g, d in [("G1", "up"), ("G2", "up"), ("G3", "down"), ("G4", "down")])
    coll = GeneSetCollection(sets=(GeneSet(id="S", genes=("G1", "G2", "G3", "G4"), members=members),))
    by_dir = ms.score_samples(x, coll, method="singscore").scores["S"]
    by_map = ms.score_samples(x, {"S": (["G1", "G2"], ["G3", "G4"])}, method="singscore").scores["S"]
    pd.testing.assert_series_equal(by_dir, by_map)
    # reversing the matrix's values swaps up and down: the signed score changes sign
    flipped = ms.score_samples(-x, {"S": (["G1", "G2"], ["G3", "G4"])}, method="singscore").scores["S"]
    np.testing.assert_allclose(flipped.to_numpy(), -by_map.to_numpy(), atol=1e-12)
