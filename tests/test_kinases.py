"""Kinase readout sites (genesets/kinases.toml), site GMT export and KSEA scores (issue 17)."""

from __future__ import annotations

import math
import statistics
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import mamsets as ms
from mamsets.engines.kinases import KINASE_SCORE_COLUMNS, kinase_scores
from mamsets.errors import OutputExistsError
from mamsets.io.bundled import genesets_dir
from mamsets.io.kinases import (
    READOUT_COLUMNS,
    kinase_readouts,
    kinase_sets,
    kinases_version,
    write_site_gmt,
)
from mamsets.io.sites import parse_site_ids, read_sites

DATA = Path(__file__).parent / "data" / "sites"


# --------------------------------------------------------------------------- curated sites
def test_readouts_table_is_well_formed():
    t = kinase_readouts()
    assert list(t.columns) == list(READOUT_COLUMNS)
    assert set(t["set"]) == {"KINASE_AMPK", "KINASE_MTORC2", "KINASE_CAMKII"}
    parsed = parse_site_ids(t["site_id"])  # raises on a malformed id
    assert (parsed["protein_type"] == "uniprot").all() and not parsed["multi"].any()
    assert list(parsed["position"].astype(int)) == list(t["position"])
    assert t["pmid"].map(lambda p: p == "" or p.isdigit()).all()
    # a PubMed id that was not confirmed, or a position that was not, says why
    assert (t.loc[~t["verified"], "note"].str.len() > 20).all()
    assert (t.loc[t["pmid"] == "", "reference"].str.len() > 20).all()
    assert not t.duplicated(["set", "site_id"]).any()


def test_canonical_sites_present():
    t = kinase_readouts().set_index("symbol_site")
    for site in ("ACACA_S80", "RPTOR_S792", "ULK1_S556", "TBC1D1_S237", "TBC1D4_S704",
                 "PFKFB3_S461", "HMGCR_S872", "ACACB_S222"):
        assert t.loc[site, "kinase"] == "AMPK"
    for site in ("AKT1_S473", "SGK1_S422", "PRKCA_S657", "NDRG1_T346"):
        assert t.loc[site, "kinase"] == "mTORC2"
    assert t.loc["RPTOR_S792", "pmid"] == "18439900" and t.loc["AKT1_S473", "pmid"] == "15718470"
    assert t.loc["ULK1_S556", "other_species"] == "mouse S555"
    assert not t.loc["ACACB_S222", "verified"]  # 221 (literature) vs 222 (alignment): said so


def test_kinase_sets_collection():
    c = kinase_sets()
    assert c.name == "mams_kinases" and c.version == kinases_version() and c.id_type == "uniprot_site"
    assert c.ids == ("KINASE_AMPK", "KINASE_MTORC2", "KINASE_CAMKII")
    assert c["KINASE_MTORC2"].genes[0] == "P31749_S473"
    assert c["KINASE_CAMKII"].description.endswith("| inferred")
    assert c["KINASE_AMPK"].description.endswith("| curated")
    t = kinase_readouts()
    assert sum(len(gs) for gs in c) == len(t)
    v = kinase_sets(verified_only=True)
    assert "O00763_S222" not in v["KINASE_AMPK"] and sum(len(gs) for gs in v) == t["verified"].sum()
    assert kinase_sets("symbol_site")["KINASE_AMPK"].genes[0] == "ACACA_S80"
    with pytest.raises(ms.InputError, match="id_space"):
        kinase_sets("entrez")  # type: ignore[arg-type]


def test_site_gmt_round_trip_and_export(tmp_path):
    p = write_site_gmt(tmp_path / "k.gmt")
    back = ms.read_gmt(p)
    assert back.to_dict() == kinase_sets().to_dict()
    with pytest.raises(OutputExistsError):
        write_site_gmt(p)
    manifest = (genesets_dir() / "exports" / "manifest.json").read_text()
    assert '"kinases.toml"' in manifest  # the source is tracked with the library's sources


# --------------------------------------------------------------------------- KSEA scores
def test_kinase_scores_by_hand():
    scores = {"A_S1": 2.5, "A_S2": 1.0, "B_T3": -0.5, "C_Y4": 0.25, "D_S5": -2.0, "E_S6": 0.75}
    sets = {"K1": ["A_S1", "A_S2", "X_S9"], "K2": ["D_S5"], "K3": ["X_S9"]}
    t = kinase_scores(pd.Series(scores), sets)
    assert list(t.columns) == list(KINASE_SCORE_COLUMNS)
    allv = list(scores.values())
    mu, sd = statistics.fmean(allv), statistics.stdev(allv)
    z1 = (statistics.fmean([2.5, 1.0]) - mu) * math.sqrt(2) / sd
    z2 = (-2.0 - mu) * math.sqrt(1) / sd
    p1, p2 = math.erfc(abs(z1) / math.sqrt(2)), math.erfc(abs(z2) / math.sqrt(2))
    k = t.set_index("kinase")
    assert k.loc["K1", "n_sites"] == 3 and k.loc["K1", "n_found"] == 2
    assert k.loc["K1", "sites_found"] == ("A_S1", "A_S2")
    assert k.loc["K1", "z"] == pytest.approx(z1, rel=1e-12)
    assert k.loc["K2", "z"] == pytest.approx(z2, rel=1e-12)
    assert k.loc["K1", "pval"] == pytest.approx(p1, rel=1e-9)
    assert k.loc["K2", "pval"] == pytest.approx(p2, rel=1e-9)
    lo, hi = sorted([p1, p2])  # BH over the two kinases with a p-value
    assert sorted(k.loc[["K1", "K2"], "padj"]) == pytest.approx(sorted([min(lo * 2, hi), hi]))
    assert k.loc["K3", "n_found"] == 0 and np.isnan(k.loc["K3", "z"]) and np.isnan(k.loc["K3", "padj"])
    assert k.loc["K1", "sd_all"] == pytest.approx(sd) and k.loc["K1", "n_all"] == 6


def test_kinase_scores_min_size_and_empty():
    s = pd.Series({"A_S1": 1.0, "B_S2": 0.0, "C_S3": -1.0})
    t = kinase_scores(s, {"K": ["A_S1"]}, min_size=2)
    assert t["n_found"].iloc[0] == 1 and np.isnan(t["z"].iloc[0])
    e = kinase_scores(s, {})
    assert list(e.columns) == list(KINASE_SCORE_COLUMNS) and e.empty


@pytest.mark.parametrize(
    ("series", "match"),
    [
        (pd.Series({"A_S1": 1.0, "B_S2": np.nan}), "non-finite"),
        (pd.Series([1.0, 2.0], index=["A_S1", "A_S1"]), "duplicated"),
        (pd.Series({"A_S1": 1.0}), "at least 2"),
        (pd.Series({"A_S1": 1.0, "B_S2": 1.0}), "sd 0"),
    ],
)
def test_kinase_scores_refuses_bad_input(series, match):
    with pytest.raises(ms.InputError, match=match):
        kinase_scores(series, {"K": ["A_S1"]})


def test_kinase_scores_on_motrpac_fixture():
    with pytest.warns(ms.DroppedInputWarning):
        r = read_sites(DATA / "motrpac_phospho_8w.tsv", site_map=DATA / "motrpac_rat_to_human_site.tsv")
    t = kinase_scores(r.series("M_8W - M_SED"))  # bundled sets by default
    k = t.set_index("kinase")
    assert {"Q86TI0_S237", "Q16875_S461"} <= set(k.loc["KINASE_AMPK", "sites_found"])
    assert set(k.loc["KINASE_MTORC2", "sites_found"]) == {"P31751_S474", "Q92597_T346"}
    assert np.isfinite(k["z"]).all()
