"""Preranked GSEA engine against R fgsea, gseapy and GSEA desktop outputs, plus calibration."""

from __future__ import annotations

import gzip
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from mamsets.engines import _gsea_null as N
from mamsets.engines import gsea as G
from mamsets.engines.gsea import GSEA_SCHEMA, gsea, running_sum
from mamsets.errors import (
    DroppedInputWarning,
    IdentifierError,
    InputError,
    MamsetsWarning,
    TiesWarning,
)
from mamsets.model import GeneSetCollection

HAVE_MULTILEVEL = True
try:
    from mamsets.engines._multilevel import multilevel_pvalues  # noqa: F401
except ImportError:  # pragma: no cover - until the multilevel kernel lands
    HAVE_MULTILEVEL = False
needs_multilevel = pytest.mark.skipif(not HAVE_MULTILEVEL, reason="multilevel kernel not available")


# ----------------------------------------------------------------------------- fixtures
def _read_gmt_gz(path: Path) -> GeneSetCollection:
    sets, desc = {}, {}
    with gzip.open(path, "rt") as fh:
        for line in fh:
            f = line.rstrip("\n").split("\t")
            sets[f[0]] = list(dict.fromkeys(f[2:]))
            desc[f[0]] = f[1]
    return GeneSetCollection.from_dict(sets, name="reactome-15-500", descriptions=desc)


@pytest.fixture(scope="module")
def fgsea_example(tests_data: Path) -> tuple[pd.Series, GeneSetCollection]:
    d = tests_data / "gsea"
    rnk = pd.read_csv(d / "naive.vs.th1.rnk.gz", sep="\t", dtype={"ID": str}).set_index("ID")["t"]
    return rnk, _read_gmt_gz(d / "mouse.reactome.15-500.gmt.gz")


@pytest.fixture(scope="module")
def fgsea_perm(fgsea_example):
    rnk, col = fgsea_example
    return gsea(rnk, col, method="permutation", n_perm=10_000, rng=7, min_size=15, max_size=500)


def _ref(tests_data: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(tests_data / "gsea" / name, sep="\t").set_index("pathway")


def toy(n: int = 300, seed: int = 0) -> tuple[pd.Series, GeneSetCollection]:
    rng = np.random.default_rng(seed)
    genes = [f"G{i:04d}" for i in range(n)]
    r = pd.Series(rng.standard_normal(n), index=genes)
    sets = {
        "top": list(r.sort_values(ascending=False).index[:12]),
        "bottom": list(r.sort_values().index[:8]),
        "rand_a": list(rng.choice(genes, 20, replace=False)),
        "rand_b": list(rng.choice(genes, 20, replace=False)),
        "rand_c": list(rng.choice(genes, 5, replace=False)) + ["NOT_RANKED_1", "NOT_RANKED_2"],
    }
    return r, GeneSetCollection.from_dict(sets, name="toy")


# ----------------------------------------------------------------------------- R fgsea
def test_es_size_leading_edge_equal_fgsea(tests_data: Path, fgsea_perm) -> None:
    ref = _ref(tests_data, "fgsea-multilevel.tsv.gz")
    # identical Reactome sets are tested once here (aliases); fgsea reports each
    assert fgsea_perm.params["n_alias_sets"] == len(fgsea_perm.with_aliases()) - len(fgsea_perm.table)
    t = fgsea_perm.with_aliases().set_index("term")
    assert set(t.index) == set(ref.index) and len(t) == 586
    for term, aliases in fgsea_perm.table.set_index("term")["aliases"].items():
        for a in aliases:  # fgsea's own ES for the twins agree, so testing once loses nothing
            assert ref.loc[a, "ES"] == pytest.approx(ref.loc[term, "ES"], abs=1e-12)
    t = t.loc[ref.index]
    np.testing.assert_allclose(t["es"], ref["ES"], rtol=0, atol=1e-12)
    assert (t["size"] == ref["size"]).all()
    assert all(tuple(a) == tuple(b.split(",")) for a, b in zip(t["leading_edge"], ref["leadingEdge"]))


def test_permutation_pvalues_agree_with_fgsea_simple(tests_data: Path, fgsea_perm) -> None:
    ref = _ref(tests_data, "fgsea-simple-10000.tsv.gz")
    t = fgsea_perm.with_aliases().set_index("term").loc[ref.index]
    # both are (k+1)/(n+1) with n ~ 5,000 same-signed random sets: compare with a two-sample
    # binomial z-score; 586 correlated tests -> a bound of 4.5 sd
    n_ref = (ref["nMoreExtreme"] + 1) / ref["pval"] - 1
    p = (t["pval"] + ref["pval"]) / 2
    se = np.sqrt(p * (1 - p) * (1 / n_ref + 1 / n_ref))
    z = (t["pval"] - ref["pval"]) / se
    assert np.abs(z).max() < 4.5
    assert abs(z.mean()) < 0.25  # no systematic bias
    assert t["pval"].min() >= 1 / 10_001
    # NES: same definition, Monte Carlo error of a mean over ~5,000 random ES (< 2 %)
    np.testing.assert_allclose(t["nes"], ref["NES"], rtol=0.02)
    assert (np.sign(t["nes"]) == np.sign(ref["NES"])).all()


@needs_multilevel
def test_multilevel_pvalues_agree_with_fgsea(tests_data: Path, fgsea_example) -> None:
    ref = _ref(tests_data, "fgsea-multilevel.tsv.gz")
    rnk, col = fgsea_example
    res = gsea(rnk, col, rng=42, min_size=15, max_size=500)
    t = res.with_aliases().set_index("term").loc[ref.index]
    lp, lr = np.log2(t["pval"]), np.log2(ref["pval"])
    err = np.sqrt(t["log2err"].fillna(0) ** 2 + ref["log2err"].fillna(0) ** 2)
    # within 4 combined standard errors (log2 scale), plus a little for p near 1
    assert (np.abs(lp - lr) <= 4 * err + 0.15).mean() >= 0.99
    assert t["pval"].min() < 1e-20  # far below 1/n_perm, like fgsea (1e-27)
    np.testing.assert_allclose(t["es"], ref["ES"], atol=1e-12)


# ----------------------------------------------------------------------------- gseapy
def test_es_equal_gseapy_prerank(fgsea_example) -> None:
    gseapy = pytest.importorskip("gseapy")
    rnk, col = fgsea_example
    sub = col.select(list(col.ids)[:60])
    ours = gsea(rnk, sub, method="permutation", n_perm=20, rng=1, min_size=15).with_aliases().set_index("term")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pre = gseapy.prerank(rnk=rnk, gene_sets=sub.to_dict(), outdir=None, permutation_num=20,
                             min_size=15, max_size=500, seed=1, threads=1, no_plot=True)
    theirs = pre.res2d.set_index("Term")
    np.testing.assert_allclose(ours.loc[theirs.index, "es"], theirs["ES"].astype(float), atol=1e-12)


def test_engine_gseapy_same_schema(fgsea_example) -> None:
    pytest.importorskip("gseapy")
    rnk, col = fgsea_example
    sub = col.select(list(col.ids)[:10])
    res = gsea(rnk, sub, method="permutation", n_perm=50, rng=3, engine="gseapy")
    assert list(res.table.columns) == list(GSEA_SCHEMA)
    assert res.table.dtypes.astype(str).tolist() == list(GSEA_SCHEMA.values())
    ours = gsea(rnk, sub, method="permutation", n_perm=50, rng=3).with_aliases().set_index("term")
    t = res.with_aliases().set_index("term")
    np.testing.assert_allclose(t["es"], ours.loc[t.index, "es"], atol=1e-12)
    assert (t["size"] == ours.loc[t.index, "size"]).all()
    assert res.params["engine"] == "gseapy" and "gseapy_seed" in res.params
    ml = gsea(rnk, sub, n_perm=100, rng=3, engine="gseapy", min_size=15).table
    assert list(ml.columns) == list(GSEA_SCHEMA) and ml["log2err"].notna().any()
    assert (ml["pval"] > 0).all()


def test_engine_gseapy_fdr_gsea(fgsea_example) -> None:
    """gseapy's multilevel 'FDR q-val' is BH of its p-values, not GSEA's FDR: we give NaN."""
    gseapy = pytest.importorskip("gseapy")
    from scipy.stats import false_discovery_control

    rnk, col = fgsea_example
    sub = col.select(list(col.ids)[:10])
    ml = gsea(rnk, sub, n_perm=100, rng=3, engine="gseapy", min_size=15)
    assert len(ml.table) and ml.table["fdr_gsea"].isna().all()
    assert ml.table["padj"].notna().all() and "NaN" in ml.params["fdr_gsea"]
    # what gseapy itself reports in the same run is exactly BH (the reason for NaN)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pre = gseapy.prerank(rnk=rnk, gene_sets=sub.to_dict(), outdir=None, method="multilevel",
                             permutation_num=100, min_size=15, seed=ml.params["gseapy_seed"],
                             no_plot=True, verbose=False)
    p = pre.res2d["NOM p-val"].astype(float).to_numpy()
    np.testing.assert_allclose(pre.res2d["FDR q-val"].astype(float), false_discovery_control(p))
    # permutation: gseapy's GSEA-desktop FDR, not BH over the p-values
    perm = gsea(rnk, sub, method="permutation", n_perm=100, rng=3, engine="gseapy").table
    assert perm["fdr_gsea"].notna().all()
    assert not np.allclose(perm["fdr_gsea"], perm["padj"])


def _enriched_case() -> tuple[pd.Series, GeneSetCollection]:
    """1,500 t-like scores; 12 sets mixing top-300 genes (10-76 %) with random others."""
    rng = np.random.default_rng(4)
    n = 1500
    genes = [f"g{i}" for i in range(n)]
    r = pd.Series(rng.standard_t(5, n), index=genes)
    rk = np.array(r.sort_values(ascending=False).index)
    sets = {}
    for i in range(12):
        k = int(rng.integers(15, 80))
        top = rng.choice(300, int(k * (0.1 + 0.06 * i)), replace=False)
        rest = rng.choice(np.arange(300, n), k - top.size, replace=False)
        idx = np.concatenate([top, rest])
        if i % 3 == 0:
            idx = n - 1 - idx
        sets[f"S{i}"] = list(rk[idx])
    return r, GeneSetCollection.from_dict(sets)


@needs_multilevel
def test_multilevel_agrees_with_gseapy_multilevel() -> None:
    gseapy = pytest.importorskip("gseapy")
    r, col = _enriched_case()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pre = gseapy.prerank(rnk=r, gene_sets=col.to_dict(), outdir=None, method="multilevel",
                             permutation_num=1000, min_size=15, seed=3, threads=1, no_plot=True)
    g = pre.res2d.set_index("Term")
    ours = gsea(r, col, rng=5, min_size=15).with_aliases().set_index("term").loc[g.index]
    np.testing.assert_allclose(ours["es"], g["ES"].astype(float), atol=1e-12)
    gp, gerr = g["NOM p-val"].astype(float), g["log2err"].astype(float)
    assert gp.min() < 1e-7  # the comparison covers small p-values
    err = np.sqrt(ours["log2err"] ** 2 + gerr**2)
    assert (np.abs(np.log2(ours["pval"]) - np.log2(gp)) <= 4 * err + 0.1).all()


@needs_multilevel
def test_unbalanced_ranking_gives_nan_not_a_confident_p() -> None:
    rng = np.random.default_rng(1)
    genes = [f"g{i}" for i in range(1000)]
    r = pd.Series(np.abs(rng.standard_normal(1000)) ** 3, index=genes)  # all scores >= 0
    rk = list(r.sort_values(ascending=False).index)
    col = GeneSetCollection.from_dict({"bottom": rk[-30:], "top": rk[:30]})
    with pytest.warns(MamsetsWarning, match="unbalanced"):
        t = gsea(r, col, rng=1).with_aliases().set_index("term")
    assert np.isnan(t.loc["bottom", "pval"]) and np.isnan(t.loc["bottom", "nes"])
    assert t.loc["top", "pval"] < 1e-10
    with pytest.warns(MamsetsWarning, match="none of 1000"):
        t = gsea(r, col, method="permutation", rng=1).with_aliases().set_index("term")
    assert t.loc["bottom", "pval"] == 1.0 and np.isnan(t.loc["bottom", "nes"])


# ----------------------------------------------------------------------------- GSEA desktop
def _edb(tests_data: Path) -> list[dict]:
    with gzip.open(tests_data / "gsea" / "gsea-desktop" / "results.edb.gz") as fh:
        root = ET.parse(fh).getroot()
    out = []
    for d in root:
        a = d.attrib
        out.append({
            "term": a["GENESET"].split("#", 1)[1],
            "es": float(a["ES"]), "nes": float(a["NES"]), "np": float(a["NP"]), "fdr": float(a["FDR"]),
            "rank_at_es": int(float(a["RANK_AT_ES"])),
            "hits": np.array(a["HIT_INDICES"].split(), dtype=int),
            "profile": np.array(a["ES_PROFILE"].split(), dtype=float),
            "null": np.array(a["RND_ES"].split(), dtype=float),
        })
    return out


def _desktop_inputs(tests_data: Path) -> tuple[pd.Series, GeneSetCollection]:
    d = tests_data / "gsea" / "gsea-desktop"
    rnk = pd.read_csv(d / "gsea_data.gsea_data.rnk", sep="\t", header=None, index_col=0).iloc[:, 0]
    sets = {}
    for line in (d / "gene_sets.gmt").read_text().splitlines():
        f = line.split("\t")
        sets[f[0]] = f[2:]
    return rnk, GeneSetCollection.from_dict(sets)


def test_es_equals_gsea_desktop(tests_data: Path) -> None:
    rnk, col = _desktop_inputs(tests_data)
    res = gsea(rnk, col, method="permutation", n_perm=100, rng=1).with_aliases().set_index("term")
    for rec in _edb(tests_data):
        assert res.loc[rec["term"], "es"] == pytest.approx(rec["es"], abs=5.001e-5)
        rs = running_sum(rnk, col[rec["term"]].genes)
        assert rs.positions.tolist() == rec["hits"].tolist()
        np.testing.assert_allclose(rs.curve[rs.positions], rec["profile"], atol=5.001e-5)
        assert rs.peak == rec["rank_at_es"]


def test_nes_np_fdr_from_gsea_desktop_nulls(tests_data: Path) -> None:
    recs = _edb(tests_data)
    es = np.array([r["es"] for r in recs])
    null = np.vstack([r["null"] for r in recs])  # one row per set (its own null)
    rows = np.arange(len(recs))
    st_ = N.null_stats(es, rows, null)
    nes_desktop = np.array([r["nes"] for r in recs])
    # nulls and ES are printed with 4 decimals: NES to 1e-3
    np.testing.assert_allclose(st_.nes, nes_desktop, atol=1e-3)
    # GSEA desktop's nominal p is k/n (ours adds one to both: (k+1)/(n+1))
    np.testing.assert_allclose(st_.k / st_.n_sign, [r["np"] for r in recs], atol=5.001e-5)
    # GSEA desktop's FDR, permutation by permutation, from its own nulls (column j =
    # phenotype permutation j of every set): to its printed decimals
    fdr = N.fdr_gsea(es, rows, np.vstack([r["null"] for r in recs]))
    np.testing.assert_allclose(fdr, [r["fdr"] for r in recs], atol=5.001e-5)
    # the pooled ratio (all permutations at once: gseapy's FDR) is a different number, which
    # these nulls tell apart: 0.1565 vs desktop's 0.1531 for HDAC1 UNIQUE TARGETS
    nn, x = st_.null_nes.ravel(), st_.nes
    pooled = np.array([min(((nn >= v).sum() / (nn >= 0).sum()) / ((x >= v).sum() / (x >= 0).sum()), 1.0)
                       if v >= 0 else
                       min(((nn <= v).sum() / (nn < 0).sum()) / ((x <= v).sum() / (x < 0).sum()), 1.0)
                       for v in x])
    assert np.abs(pooled - [r["fdr"] for r in recs]).max() > 3e-3


# ----------------------------------------------------------------------------- calibration
def test_pvalues_uniform_on_random_rankings() -> None:
    rng = np.random.default_rng(20261125)
    n = 1000
    genes = [f"g{i}" for i in range(n)]
    r = pd.Series(rng.standard_normal(n), index=genes)
    sizes = rng.integers(5, 60, 400)
    sets = {f"s{i}": list(rng.choice(genes, k, replace=False)) for i, k in enumerate(sizes)}
    res = gsea(r, GeneSetCollection.from_dict(sets), method="permutation", n_perm=1000, rng=11)
    p = res.table["pval"].to_numpy()
    assert p.min() >= 1 / 1001
    assert stats.kstest(p, "uniform").pvalue > 0.01
    # NES of random sets centre on +-1
    assert abs(np.median(np.abs(res.table["nes"])) - 1) < 0.1


@needs_multilevel
def test_multilevel_pvalues_uniform_on_random_rankings() -> None:
    rng = np.random.default_rng(7)
    genes = [f"g{i}" for i in range(800)]
    r = pd.Series(rng.standard_normal(800), index=genes)
    sets = {f"s{i}": list(rng.choice(genes, int(k), replace=False))
            for i, k in enumerate(rng.integers(10, 40, 200))}
    p = gsea(r, GeneSetCollection.from_dict(sets), n_perm=500, rng=2).table["pval"].to_numpy()
    assert stats.kstest(p, "uniform").pvalue > 0.01


def test_permutation_pvalue_floor_and_flag() -> None:
    r, col = toy()
    res = gsea(r, col, method="permutation", n_perm=200, rng=5).with_aliases().set_index("term")
    assert res.loc["top", "pval"] >= 1 / 201
    assert bool(res.loc["top", "pval_at_floor"])  # nothing beats the 12 top genes
    assert res.loc["top", "es"] == pytest.approx(1.0)
    assert res.loc["bottom", "es"] == pytest.approx(-1.0)
    assert not res.loc[["rand_a", "rand_b"], "pval_at_floor"].any()


# ----------------------------------------------------------------------------- table and params
def test_table_schema_sizes_and_params() -> None:
    r, col = toy()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = gsea(r, col, method="permutation", n_perm=100, rng=1)
    t = res.with_aliases().set_index("term")
    assert list(res.table.columns) == list(GSEA_SCHEMA)
    assert res.table.dtypes.astype(str).tolist() == list(GSEA_SCHEMA.values())
    assert (t.loc["rand_c", "size"], t.loc["rand_c", "n_members"]) == (5, 7)
    assert res.params["n_members_not_ranked"] == 2
    assert res.params["seed"] == 1 and res.params["pvalue_method"] == "permutation"
    assert res.method == "gsea" and res.collection_sha256 == col.sha256
    assert res.table["pval"].is_monotonic_increasing
    padj = stats.false_discovery_control(res.table["pval"], method="bh")
    np.testing.assert_allclose(res.table["padj"], padj)
    assert all(isinstance(x, tuple) for x in res.table["leading_edge"])
    le_top = t.loc["top", "leading_edge"]
    assert list(le_top) == list(r.sort_values(ascending=False).index[:12])


def test_empty_result_keeps_schema() -> None:
    r, col = toy()
    with pytest.warns(DroppedInputWarning, match="5 of 5 gene sets not tested"):
        res = gsea(r, col, method="permutation", min_size=50, max_size=60, rng=1)
    assert len(res.table) == 0
    assert list(res.table.columns) == list(GSEA_SCHEMA)
    assert res.table.dtypes.astype(str).tolist() == list(GSEA_SCHEMA.values())
    assert res.params["n_sets_below_min_size"] == 5


def test_seed_recorded_when_none_reproduces() -> None:
    r, col = toy()
    a = gsea(r, col, method="permutation", n_perm=100)
    b = gsea(r, col, method="permutation", n_perm=100, rng=a.params["seed"])
    pd.testing.assert_frame_equal(a.table, b.table)


def test_n_jobs_bit_identical() -> None:
    r, col = toy()
    a = gsea(r, col, method="permutation", n_perm=2500, rng=3, n_jobs=1)
    b = gsea(r, col, method="permutation", n_perm=2500, rng=3, n_jobs=2)
    pd.testing.assert_frame_equal(a.table, b.table, check_exact=True)


def test_n_jobs_minus_one_means_the_cores_this_process_may_use(monkeypatch) -> None:
    """-1 counts the process's CPU affinity (a batch job's or container's cpuset), not the host's."""
    import os

    from mamsets.engines._gsea_inputs import _resolve_jobs, usable_cores

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {3}, raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 64)
    assert usable_cores() == 1 and _resolve_jobs(-1) == 1 and _resolve_jobs(3) == 3


@needs_multilevel
def test_n_jobs_bit_identical_multilevel() -> None:
    r, col = toy()
    a = gsea(r, col, n_perm=500, rng=3, n_jobs=1)
    b = gsea(r, col, n_perm=500, rng=3, n_jobs=2)
    pd.testing.assert_frame_equal(a.table, b.table, check_exact=True)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), data=st.data())
def test_invariant_to_order_of_sets_and_genes(seed: int, data: st.DataObject) -> None:
    r, col = toy(120, seed % 1000)
    perm = data.draw(st.permutations(list(col.ids)))
    shuffled = GeneSetCollection.from_dict(
        {k: data.draw(st.permutations(list(col[k].genes))) for k in perm}, name="toy")
    a = gsea(r, col, method="permutation", n_perm=100, rng=seed).table
    b = gsea(r, shuffled, method="permutation", n_perm=100, rng=seed).table
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert (a["es"].abs() <= 1).all()


def test_invariant_to_ranking_order() -> None:
    r, col = toy()
    a = gsea(r, col, method="permutation", n_perm=100, rng=2).table
    b = gsea(r.sample(frac=1, random_state=1), col, method="permutation", n_perm=100, rng=2).table
    pd.testing.assert_frame_equal(a, b, check_exact=True)


# ----------------------------------------------------------------------------- input errors
def test_duplicated_genes_error_lists_examples_and_options() -> None:
    r = pd.Series([1.0, 2.0, 3.0], index=["A", "B", "A"])
    with pytest.raises(InputError, match=r"duplicated gene ids.*'A'.*duplicates="):
        gsea(r, GeneSetCollection.from_dict({"s": ["A"]}), method="permutation")


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nonfinite_scores_error(bad: float) -> None:
    r = pd.Series([1.0, bad, 3.0], index=["A", "B", "C"])
    with pytest.raises(InputError, match=r"non-finite scores, e.g. \['B="):
        gsea(r, GeneSetCollection.from_dict({"s": ["A"]}), method="permutation")


def test_ties_warn_with_fraction_and_break_by_gene_id() -> None:
    r = pd.Series([1.0, 1.0, 0.5, 0.0, -1.0], index=["B", "A", "C", "D", "E"])
    with pytest.warns(TiesWarning, match=r"1 of 5 scores \(20.00%\) are tied"):
        rs = running_sum(r, ["A"])
    assert list(rs.ranked_genes) == ["A", "B", "C", "D", "E"]
    assert rs.positions.tolist() == [0]


def test_ties_warn_only_above_read_rankings_threshold() -> None:
    import warnings

    from mamsets.io.ranking import TIES_WARN_FRACTION

    assert TIES_WARN_FRACTION == 0.01
    genes = [f"g{i:03d}" for i in range(200)]
    sets = GeneSetCollection.from_dict({"s": genes[:20]})
    one_tie = pd.Series(np.linspace(2, -2, 200), index=genes)
    one_tie.iloc[1] = one_tie.iloc[0]  # 1 of 200 tied (0.5%): real statistics have a few
    with warnings.catch_warnings():
        warnings.simplefilter("error", TiesWarning)
        res = gsea(one_tie, sets, method="permutation", n_perm=50, rng=1)
    assert res.params["ties_fraction"] == 1 / 200  # still recorded
    rounded = one_tie.copy()
    rounded.iloc[2:6] = rounded.iloc[2]  # 4 of 200 tied (2%)
    with pytest.warns(TiesWarning, match=r"4 of 200 scores \(2.00%\) are tied .*more than 1%"):
        gsea(rounded, sets, method="permutation", n_perm=50, rng=1)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"method": "exact"}, "method='exact'"),
        ({"engine": "blitz"}, "engine='blitz'"),
        ({"weight": -1}, "weight=-1"),
        ({"min_size": 0}, "min_size=0"),
        ({"min_size": 10, "max_size": 5}, "max_size=5 is smaller"),
        ({"n_perm": 0}, "n_perm=0"),
        ({"eps": 1.5}, "eps=1.5"),
        ({"n_jobs": 0}, "n_jobs=0"),
        ({"rng": "x"}, "rng='x'"),
    ],
)
def test_parameter_errors(kwargs: dict, match: str) -> None:
    r, col = toy()
    with pytest.raises(InputError, match=match):
        gsea(r, col, **{"method": "permutation", **kwargs})


def test_no_overlap_is_identifier_error() -> None:
    r, _ = toy()
    with pytest.raises(IdentifierError, match="species and identifier type"):
        gsea(r, GeneSetCollection.from_dict({"s": ["x1", "x2"]}), method="permutation")


def test_bad_ranking_types() -> None:
    col = GeneSetCollection.from_dict({"s": ["A"]})
    with pytest.raises(InputError, match="pandas Series"):
        gsea([1, 2, 3], col, method="permutation")
    with pytest.raises(InputError, match="floats"):
        gsea(pd.Series([1.0, 2.0], index=[1.0, 2.0]), col, method="permutation")
    with pytest.raises(InputError, match="numbers"):
        gsea(pd.Series(["a", "b"], index=["A", "B"]), col, method="permutation")
    res = gsea(pd.Series({"A": 2.0, "B": 1.0, "C": -1.0}), col, method="permutation", n_perm=10, rng=0)
    assert res.table.loc[0, "es"] == pytest.approx(1.0)


def test_running_sum_checks_members() -> None:
    r, _ = toy()
    rs = running_sum(r, ["G0001", "G0002", "nope"])
    assert rs.missing == ("nope",)
    assert rs.curve.shape == (300,) and rs.curve[-1] == pytest.approx(0, abs=1e-12)
    with pytest.raises(InputError, match="between 1 and N-1"):
        running_sum(r, ["nope"])


# ----------------------------------------------------------------------------- integration
def test_accepts_a_ranking_object(tests_data: Path) -> None:
    from mamsets.io.ranking import read_ranking

    rnk, col = _desktop_inputs(tests_data)
    ranking = read_ranking(tests_data / "gsea" / "gsea-desktop" / "gsea_data.gsea_data.rnk")
    a = gsea(ranking, col, method="permutation", n_perm=100, rng=1).table
    b = gsea(rnk, col, method="permutation", n_perm=100, rng=1).table
    pd.testing.assert_frame_equal(a, b)


def test_builtin_library_on_rat_data_maps_identifiers() -> None:
    from mamsets.io.examples import example_path
    from mamsets.io.ranking import read_ranking

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ranking = read_ranking(example_path(), dropna=True, duplicates="max_abs")
        res = gsea(ranking.series(ranking.contrasts[0]), species="rat", method="permutation",
                   n_perm=200, rng=1)
    t = res.table
    assert res.collection_name == "mams" and len(t) > 0
    from mamsets.io.bundled import library

    # the library as shipped, without the raw PFOCR keyword set (comparison only) ...
    assert res.collection_sha256 == library(include_raw=False).sha256
    assert res.collection_sha256 != library().sha256
    assert "MAMS_FIGURE_RAW_PFOCR" not in set(t["term"])
    assert res.params["default_collection"] and not res.params["raw_set_included"]
    assert res.params["tested_sets_sha256"] != res.collection_sha256  # ... tested in rat symbols
    assert res.mapping["input"]["species"] == "rat"
    assert (t["size"] <= t["n_members"]).all() and (t["size"] >= 1).all()
    # rat symbols in the leading edge (e.g. Mfn2, not MFN2)
    le = {g for x in t["leading_edge"] for g in x}
    assert le and all(g[0].isupper() and not g.isupper() for g in le if g.isalpha() and len(g) > 3)


def test_raw_set_tested_only_when_asked() -> None:
    from mamsets.io.bundled import library

    lib = library()  # explicitly with the raw keyword set
    raw = [gs for gs in lib if "raw" in gs.tags]
    assert [gs.id for gs in raw] == ["MAMS_FIGURE_RAW_PFOCR"]
    genes = sorted(lib.genes) + [f"FILLER{i}" for i in range(300)]
    ranking = pd.Series(np.linspace(3, -3, len(genes)), index=genes)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        default = gsea(ranking, method="permutation", n_perm=100, rng=1)
        explicit = gsea(ranking, lib, method="permutation", n_perm=100, rng=1)
    assert "MAMS_FIGURE_RAW_PFOCR" not in set(default.table["term"])
    assert "MAMS_FIGURE_RAW_PFOCR" in set(explicit.table["term"])
    assert len(explicit.table) == len(default.table) + 1
    assert (default.params["default_collection"], default.params["raw_set_included"]) == (True, False)
    assert (explicit.params["default_collection"], explicit.params["raw_set_included"]) == (False, True)


@pytest.mark.filterwarnings("ignore::mamsets.errors.MamsetsWarning")
def test_multi_contrast_ranking_gives_one_table_with_a_contrast_column():
    from mamsets.io.examples import example_path
    from mamsets.io.ranking import read_ranking

    ranking = read_ranking(example_path(), duplicates="max_abs", dropna=True)
    assert len(ranking.contrasts) == 2
    res = gsea(ranking, rng=1, method="permutation", n_perm=300)
    t = res.table
    assert list(t.columns) == ["contrast", *GSEA_SCHEMA]
    assert list(dict.fromkeys(t["contrast"])) == list(ranking.contrasts)
    seeds = res.params["contrast_seeds"]
    assert res.params["seed"] == 1 and set(seeds) == set(ranking.contrasts)
    assert len(set(seeds.values())) == 2  # independent streams, not one seed reused
    assert res.params["padj_scope"] == "within each contrast"
    for c in ranking.contrasts:
        alone = gsea(ranking.series(c), rng=seeds[c], method="permutation", n_perm=300).table
        part = t[t["contrast"] == c].drop(columns="contrast").reset_index(drop=True)
        pd.testing.assert_frame_equal(part, alone)
        assert res.params["by_contrast"][c]["seed"] == seeds[c]
    # the same rng gives the same result; another rng other p-values
    again = gsea(ranking, rng=1, method="permutation", n_perm=300)
    pd.testing.assert_frame_equal(again.table, t)
    assert G.contrast_seeds(2, ranking.contrasts)[1] != seeds
    # the collection actually tested: the default library without the raw PFOCR set
    from mamsets.io.bundled import library
    from mamsets.report import methods_text

    assert res.collection_sha256 == library(include_raw=False).sha256
    text = methods_text(res)
    assert "Random seed: 1; each contrast was run with its own seed" in text
    assert all(str(v) in text for v in seeds.values())


def test_ties_are_not_broken_alphabetically() -> None:
    """A block of tied scores must not put a gene family (consecutive ids) on top."""
    import warnings as _w

    genes = [f"GNA{i:03d}" for i in range(20)] + [f"ZZZ{i:03d}" for i in range(380)]
    tied = pd.Series(1.0, index=genes)
    family = GeneSetCollection.from_dict({"FAMILY": genes[:20]})
    with _w.catch_warnings():
        _w.simplefilter("ignore")
        res = gsea(tied, family, method="permutation", n_perm=2000, rng=3)
        shuffled = gsea(tied.sample(frac=1.0, random_state=1), family, method="permutation",
                        n_perm=2000, rng=3)
    # alphabetical tie-breaking would place all 20 first: ES = 1, p about 1/2001
    assert res.table.loc[0, "es"] < 0.9
    assert res.table.loc[0, "pval"] > 0.01
    # the order is fixed by the ids, not by the input order
    pd.testing.assert_frame_equal(res.table, shuffled.table)
    assert "hash" in res.params["tie_break"]


def test_collection_forms_agree_with_ora(tmp_path: Path) -> None:
    """gsea() and ora() take the same collection forms (shared resolver): object, dict, GMT path."""
    genes = [f"G{i}" for i in range(60)]
    ranking = pd.Series(np.linspace(3, -3, 60), index=genes)
    sets = {"TOP": genes[:8], "MID": genes[25:33]}
    gmt = tmp_path / "s.gmt"
    gmt.write_text("".join(f"{k}\t\t" + "\t".join(v) + "\n" for k, v in sets.items()))
    tables = [
        gsea(ranking, c, method="permutation", n_perm=200, rng=5).table
        for c in (GeneSetCollection.from_dict(sets), sets, gmt)
    ]
    for t in tables[1:]:
        pd.testing.assert_frame_equal(t, tables[0])
    with pytest.raises(InputError, match="GMT path"):
        gsea(ranking, 42, method="permutation", n_perm=10, rng=1)


def test_align_ties_follows_the_comparison_score() -> None:
    # weight 0, N=4, hits at 0 and 3: rises 1/2 then falls 1/2 -> the two extremes tie
    w = np.ones(4)
    pos = [np.array([0, 3])]
    es, peak = N.align_ties(w, pos, np.array([0.5]), np.array([0]), np.array([-0.5]))
    assert es.tolist() == [-0.5] and peak.tolist() == [1]     # the trough before the last hit
    es, peak = N.align_ties(w, pos, np.array([-0.5]), np.array([1]), np.array([0.0]))
    assert es.tolist() == [0.0] and peak.tolist() == [-1]
    es, peak = N.align_ties(w, pos, np.array([0.0]), np.array([-1]), np.array([0.5]))
    assert es.tolist() == [0.5] and peak.tolist() == [0]


def _fdr_by_definition(es: np.ndarray, rows: np.ndarray, null: np.ndarray) -> np.ndarray:
    """GSEA desktop's FDR written out permutation by permutation (loops, no shared code)."""
    n_rows, n_perm = null.shape
    mp = [null[r][null[r] >= 0].mean() if (null[r] >= 0).any() else np.nan for r in range(n_rows)]
    mn = [null[r][null[r] < 0].mean() if (null[r] < 0).any() else np.nan for r in range(n_rows)]
    nes = np.array([e / mp[r] if e >= 0 else e / -mn[r] for e, r in zip(es, rows)])
    q = np.full(es.size, np.nan)
    for i, x in enumerate(nes):
        if not np.isfinite(x):
            continue
        fracs = []
        for j in range(n_perm):
            nn = [null[r, j] / mp[r] if null[r, j] >= 0 else null[r, j] / -mn[r]
                  for r, y in zip(rows, nes) if np.isfinite(y)]
            same = [v for v, raw in zip(nn, [null[r, j] for r, y in zip(rows, nes) if np.isfinite(y)])
                    if (raw >= 0) == (x >= 0)]
            if same:
                fracs.append(np.mean([(v >= x) if x >= 0 else (v <= x) for v in same]))
        obs = [y for y in nes if np.isfinite(y) and (y >= 0) == (x >= 0)]
        frac_obs = np.mean([(y >= x) if x >= 0 else (y <= x) for y in obs])
        q[i] = min(np.mean(fracs) / frac_obs, 1.0)
    return q


def test_fdr_gsea_equals_its_definition() -> None:
    rng = np.random.default_rng(3)
    null = np.round(rng.normal(0, 0.3, size=(5, 40)), 2)        # rounded: ties between values
    null[1] = np.abs(null[1])                                   # a row without negatives
    null[:, 7] = np.abs(null[:, 7]) + 0.01                      # a permutation without negatives
    rows = np.array([0, 0, 1, 2, 3, 3, 3, 4, 2])                # shared rows count once per set
    es = np.array([0.5, -0.4, 0.2, 0.0, 0.31, -0.2, 0.31, -0.9, -0.1])
    np.testing.assert_allclose(N.fdr_gsea(es, rows, null), _fdr_by_definition(es, rows, null),
                               rtol=1e-12, equal_nan=True)
    col = np.asfortranarray(null)                               # any memory layout
    np.testing.assert_allclose(N.fdr_gsea(es, rows, col), N.fdr_gsea(es, rows, null), rtol=0)
