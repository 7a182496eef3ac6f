"""The figure's claims: curated data, the rank test against independent references, verdicts."""

from __future__ import annotations

import tomllib
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import mamsets as ms
from mamsets.engines._claims_kernel import detectable_shift, draw_member_sets, rank_shift
from mamsets.engines.claims import CLAIMS_SCHEMA, claims, readout
from mamsets.errors import InputError
from mamsets.io.bundled import genesets_dir


@pytest.fixture(scope="module")
def motrpac() -> pd.Series:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = ms.read_ranking(ms.load_example(), duplicates="max_abs", dropna=True)
    return r.series("M_8W - M_SED")


# ----------------------------------------------------------------------------- curated data
def test_claims_are_verbatim_clauses_of_the_caption_and_name_real_sets() -> None:
    caption = tomllib.loads((genesets_dir() / "mams.toml").read_text())["library"]["caption"]
    table = ms.figure_claims()
    assert table["claim_id"].is_unique
    assert len(table) >= 15
    lib = ms.library()
    met = ms.metabolites()
    for row in table.itertuples():
        assert row.clause in caption, row.claim_id
        assert row.direction in ("up", "down")
        coll = met if row.level == "metabolite" else lib
        assert row.set_id in coll, row.claim_id
        assert set(row.members) <= set(coll[row.set_id].genes), row.claim_id
    # the caption's one down-regulated gene and its lipids
    down = set(table.loc[table["direction"] == "down", "claim_id"])
    assert down == {"DYN3_FUNDC1", "LIP1_DAG", "LIP2_TG", "LIP3_CERAMIDES"}
    levels = table.set_index("claim_id")["level"]
    assert levels["DYN3_AMPK"] == "activity" and levels["CA3_GLUT4_TRANSLOCATION"] == "localisation"


def test_readout_rules() -> None:
    assert readout("transcript", "transcript", False) == "direct"
    assert readout("protein", "transcript", False) == "proxy"
    assert readout("activity", "transcript", False) == "none"
    assert readout("activity", "transcript", True) == "proxy"
    assert readout("metabolite", "protein", True) == "none"
    assert readout("protein", "protein", False) == "direct"
    with pytest.raises(InputError, match="data_level"):
        readout("protein", "phospho", False)


# ----------------------------------------------------------------------------- kernel vs references
def test_one_member_p_is_the_exact_rank_tail() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=501)
    i = int(np.argsort(x)[-7])  # 7th highest
    rs = rank_shift(x, np.array([i]), n_perm=999, rng=rng)
    assert rs.pval_up == pytest.approx(7 / 501)
    assert rs.pval_down == pytest.approx(495 / 501)
    # Hodges-Lehmann for one member: its score minus the others' median
    assert rs.shift == pytest.approx(np.median(x[i] - np.delete(x, i)))


def test_permutation_p_agrees_with_scipy_mannwhitney_and_hl_by_hand() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(size=3000)
    members = rng.choice(3000, size=8, replace=False)
    x[members] += 0.8
    rs = rank_shift(x, members, n_perm=200_000, rng=np.random.default_rng(2))
    others = np.delete(x, members)
    ref = stats.mannwhitneyu(x[members], others, alternative="greater", method="exact")
    assert rs.pval_up == pytest.approx(ref.pvalue, rel=0.05)
    assert rs.auc == pytest.approx(ref.statistic / (8 * others.size))
    hl = np.median([a - b for a in x[members] for b in others])
    assert rs.shift == pytest.approx(hl)
    assert rs.shift_low < hl < rs.shift_high


def test_shift_interval_covers_the_true_shift() -> None:
    rng = np.random.default_rng(3)
    covered, n = 0, 200
    for _ in range(n):
        x = rng.normal(size=400)
        members = rng.choice(400, size=5, replace=False)
        x[members] += 1.0
        rs = rank_shift(x, members, n_perm=2000, rng=rng)
        covered += rs.shift_low <= 1.0 <= rs.shift_high
    # nominal 95%; binomial sd at n=200 is 1.5 points
    assert 0.90 <= covered / n <= 0.995


def test_draws_are_without_replacement() -> None:
    sets = draw_member_sets(20, 15, 500, np.random.default_rng(4))
    assert all(len(set(r)) == 15 for r in sets.tolist())
    assert sets.min() >= 0 and sets.max() < 20


def test_detectable_shift_has_the_power_it_claims() -> None:
    rng = np.random.default_rng(5)
    x = rng.normal(size=2000)
    delta = detectable_shift(x, 4, sign=1, alpha=0.05, power=0.8, n_draws=1000, null_sums=None,
                             rng=np.random.default_rng(6))
    assert 0 < delta < 5
    hits = 0
    for _ in range(300):
        members = rng.choice(2000, size=4, replace=False)
        y = x.copy()
        y[members] += delta
        p = rank_shift(y, members, n_perm=4000, rng=rng)
        hits += min(1.0, 2 * min(p.pval_up, p.pval_down)) < 0.05 and p.shift > 0
    assert 0.72 <= hits / 300 <= 0.88


# ----------------------------------------------------------------------------- verdicts on real data
def _spiked(s: pd.Series, genes: list[str], by: float) -> pd.Series:
    out = s.copy()
    out[genes] = out[genes] + by
    return out


def test_spike_in_gives_supported_and_contradicted(motrpac: pd.Series) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        female = ms.read_ranking(ms.load_example(), duplicates="max_abs", dropna=True).series(
            "F_8W - F_SED")
    genes = ["Ryr1", "Ryr2", "Ryr3"]  # z -0.74, -0.36, -0.52 in females: near the middle
    up = claims(_spiked(female, genes, 3.0), rng=1, n_perm=20_000).table.set_index("claim_id")
    down = claims(_spiked(female, genes, -3.0), rng=1, n_perm=20_000).table.set_index("claim_id")
    assert up.loc["CA2_RYR", "verdict"] == "supported"
    assert down.loc["CA2_RYR", "verdict"] == "contradicted"
    assert up.loc["CA2_RYR", "effect_low"] > 0 > down.loc["CA2_RYR", "effect_high"]
    # a down claim on a gene pushed down is supported
    fundc1 = claims(_spiked(motrpac, ["Fundc1"], -4.0), rng=1).table.set_index("claim_id")
    assert fundc1.loc["DYN3_FUNDC1", "verdict"] == "supported"
    assert fundc1.loc["DYN1_FUNDC1", "verdict"] == "contradicted"


def test_table_schema_not_testable_and_proxy(motrpac: pd.Series) -> None:
    res = claims(motrpac, rng=2, n_perm=5000)
    t = res.table.set_index("claim_id")
    assert list(res.table.columns) == list(CLAIMS_SCHEMA)
    assert t.loc["DYN3_AMPK", "verdict"] == "not_testable"
    assert "proxy=True" in t.loc["DYN3_AMPK", "reason"]
    assert t.loc["LIP1_DAG", "verdict"] == "not_testable"
    assert t.loc["CA2_IP3R", "readout"] == "proxy"
    assert t.loc["DYN2_MFN2", "shared_with"] == ("ERS_MFN2",)
    assert t.loc["DYN2_MFN2", "pval"] == t.loc["ERS_MFN2", "pval"]
    inconclusive = t[t["verdict"] == "inconclusive"]
    assert len(inconclusive) > 0
    assert inconclusive["reason"].str.contains("is excluded").all()
    assert (inconclusive["detectable_shift"].abs() > 0).all()
    prox = claims(motrpac, rng=2, n_perm=5000, proxy=True).table.set_index("claim_id")
    assert prox.loc["DYN3_AMPK", "readout"] == "proxy"
    assert prox.loc["DYN3_AMPK", "verdict"] != "not_testable"
    # members: one row per member, measured ones with a percentile
    m = res.members
    assert set(m.loc[m["claim_id"] == "CA2_RYR", "member"]) == {"RYR1", "RYR2", "RYR3"}
    assert m.loc[m["gene"] != "", "percentile"].between(0, 100).all()


def test_padj_is_bh_over_distinct_hypothesis_tests(motrpac: pd.Series) -> None:
    t = claims(motrpac, rng=3, n_perm=5000).table
    tested = t[t["verdict"] != "not_testable"]
    assert (tested["family"] == "hypothesis").all()
    distinct = tested.drop_duplicates(subset=["pval_two_sided", "effect", "direction"])
    ref = stats.false_discovery_control(distinct["pval_two_sided"].to_numpy(), method="bh")
    assert np.allclose(np.sort(ref), np.sort(distinct["padj"].to_numpy()))


def test_same_seed_same_table_and_multi_contrast(motrpac: pd.Series) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = ms.read_ranking(ms.load_example(), duplicates="max_abs", dropna=True)
    a = claims(r, rng=9, n_perm=2000)
    b = claims(r, rng=9, n_perm=2000)
    pd.testing.assert_frame_equal(a.table, b.table)
    assert list(a.table["contrast"].unique()) == list(r.contrasts)
    assert a.params["seed"] == 9


def test_calibrated_under_gene_label_permutation(motrpac: pd.Series) -> None:
    rng = np.random.default_rng(11)
    pvals, calls, n_tested = [], 0, 0
    for i in range(40):
        perm = pd.Series(rng.permutation(motrpac.to_numpy()), index=motrpac.index)
        t = claims(perm, rng=i, n_perm=2000, n_power=200).table
        tested = t[t["verdict"] != "not_testable"]
        calls += int((tested["verdict"] != "inconclusive").sum())
        n_tested += len(tested)
        distinct = tested.drop_duplicates(subset=["pval", "effect", "direction"])
        pvals += distinct["pval"].tolist()
    rate = calls / n_tested
    slack = 3 * np.sqrt(0.05 * 0.95 / 40)  # 40 independent permutations
    assert rate <= 0.05 + slack
    assert stats.kstest(pvals, "uniform").pvalue > 0.001


def test_bad_input_is_named(motrpac: pd.Series) -> None:
    s = motrpac.copy()
    s.iloc[3] = np.nan
    with pytest.raises(InputError, match=str(s.index[3])):
        claims(s)
    with pytest.raises(InputError, match="alpha"):
        claims(motrpac, alpha=5)
    with pytest.raises(InputError, match="short list"):
        claims(motrpac.iloc[:5])


def test_opposite_contrast_negates_the_prediction(motrpac: pd.Series) -> None:
    a = claims(motrpac, rng=4, n_perm=5000).table.set_index("claim_id")
    b = claims(-motrpac, rng=4, n_perm=5000, contrast_is="opposite").table.set_index("claim_id")
    tested = a["verdict"] != "not_testable"
    # the data keep their own sign; the prediction flips instead, so the verdicts agree
    assert np.allclose(a.loc[tested, "effect"], -b.loc[tested, "effect"])
    assert np.allclose(a.loc[tested, "pval"], b.loc[tested, "pval"])
    assert (a["verdict"] == b["verdict"]).all()
    assert (b["direction"] == a["direction"]).all()
    assert (b.loc[a["direction"] == "up", "predicted"] == "down").all()
    assert b.loc[tested, "reason"].str.contains("opposite to exercise").all()
    # an uncorrected interval that excludes 0 is said as such, not as 'no shift detected'
    spiked = motrpac.copy()
    spiked["Mfn2"] = spiked.max() + 1  # alone at the top: p = 1/N before correction
    r = claims(spiked, rng=4, n_perm=5000).table.set_index("claim_id").loc["DYN2_MFN2"]
    assert r["effect_low"] > 0
    assert r["verdict"] == "supported" or "before correction" in r["reason"]
    with pytest.raises(InputError, match="contrast_is"):
        claims(motrpac, contrast_is="inactivity")


# ----------------------------------------------------------------------------- levels (issue 17)
def test_level_is_detected_from_the_table() -> None:
    rng = np.random.default_rng(0)
    n = 50
    genes = [f"G{i}" for i in range(n)]
    base = {"logFC": rng.normal(size=n), "t": rng.normal(size=n), "P.Value": rng.uniform(size=n)}
    perseus = pd.DataFrame({"Protein IDs": [f"P{10000 + i}" for i in range(n)], "Gene names": genes,
                            **base})
    motrpac_prot = pd.DataFrame({"featureName": [f"NP_{1000 + i}.1" for i in range(n)],
                                 "gene_symbol": genes, **base})
    sites = pd.DataFrame({"featureName": [f"NP_{1000 + i}.1_S{10 + i}" for i in range(n)],
                          "gene_symbol": genes, **base})
    rna = pd.DataFrame({"gene": genes, **base})
    assert ms.read_ranking(perseus, gene_column="Gene names").level == "protein"
    assert ms.read_ranking(motrpac_prot).level == "protein"
    assert ms.read_ranking(sites).level == "phosphosite"
    r = ms.read_ranking(rna)
    assert r.level == "transcript" and "transcript" in r.level_evidence
    assert ms.read_ranking(rna, level="protein").level == "protein"
    with pytest.raises(InputError, match="level="):
        ms.read_ranking(rna, level="proteome")


def test_protein_data_read_protein_claims_directly(motrpac: pd.Series) -> None:
    t = claims(motrpac, data_level="protein", rng=1, n_perm=2000).table.set_index("claim_id")
    assert t.loc["CA2_RYR", "readout"] == "direct"      # "channel proteins": a protein claim
    assert t.loc["DYN2_MFN2", "readout"] == "proxy"     # "expression": read as a proxy on protein
    assert t.loc["DYN3_AMPK", "verdict"] == "not_testable"
    assert (t["data_level"] == "protein").all()


@pytest.mark.shared_data
def test_motrpac_proteome_is_read_as_protein_level(shared_data) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = ms.read_ranking(shared_data / "motrpac-rat-training" / "PROT_GN_DA_trained_vs_SED.tsv.gz",
                            duplicates="max_abs", dropna=True)
    assert r.level == "protein" and "NP_" in r.level_evidence
    res = claims(r.select(["M_8W - M_SED"]), rng=1, n_perm=2000)
    assert res.params["data_level"] == "protein"
    assert (res.table.set_index("claim_id").loc["CA2_RYR", "readout"]) == "direct"


def test_phosphosite_data_read_kinase_activity_claims(tests_data) -> None:
    d = tests_data / "sites"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = ms.read_sites(d / "motrpac_phospho_8w.tsv", site_map=d / "motrpac_rat_to_human_site.tsv",
                          species="rat")
    assert s.level == "phosphosite"
    res = claims(s, rng=3, n_perm=2000)
    t = res.table[res.table["contrast"] == s.contrasts[0]].set_index("claim_id")
    assert t.loc["DYN3_AMPK", "readout"] == "direct" and t.loc["BIO1_MTORC2", "readout"] == "direct"
    assert t.loc["CA3_GQ_IP3_SIGNALLING", "readout"] == "proxy"  # CaMKII: downstream of Gq/IP3
    # amounts and location are not read from sites normalised to their protein
    assert (t.loc[["CA2_RYR", "DYN2_MFN2", "CA3_GLUT4_TRANSLOCATION"], "verdict"] == "not_testable").all()
    # the members are human substrate sites of the curated readout set
    ampk = set(ms.kinase_sets()["KINASE_AMPK"].genes)
    m = res.members
    assert set(m.loc[m["claim_id"] == "DYN3_AMPK", "member"]) == ampk
    # a spike-in on the AMPK substrate sites gives 'supported'
    c = s.contrasts[0]
    ser = s.series(c).copy()
    found = [g for g in ampk if g in ser.index]
    assert len(found) == 4  # ACACB S222, TBC1D1 S237, TBC1D4 S704, PFKFB3 S461 are measured
    ser[found] = ser[found] + 4.0
    spiked = claims(ser, data_level="phosphosite", rng=3, n_perm=2000).table.set_index("claim_id")
    assert spiked.loc["DYN3_AMPK", "verdict"] == "supported"
