"""Phosphosite ids, site maps and site rankings (issue 17)."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import mamsets as ms
from mamsets.errors import DroppedInputWarning, IdentifierError
from mamsets.io.sites import (
    DROPPED_COLUMNS,
    MAPPING_COLUMNS,
    SITE_COLUMNS,
    SiteIdError,
    SiteRanking,
    SiteSpaceWarning,
    parse_site_ids,
    read_site_map,
    read_sites,
)

DATA = Path(__file__).parent / "data" / "sites"
FIXTURE = DATA / "motrpac_phospho_8w.tsv"
FIXTURE_MAP = DATA / "motrpac_rat_to_human_site.tsv"


# --------------------------------------------------------------------------- parsing
@pytest.mark.parametrize(
    ("raw", "protein", "isoform", "ptype", "sites"),
    [
        ("NP_001001512.2_S228", "NP_001001512.2", "", "refseq", [("S", 228)]),
        ("NP_001001514.1_S273;T276", "NP_001001514.1", "", "refseq", [("S", 273), ("T", 276)]),
        ("P78347_S228", "P78347", "", "uniprot", [("S", 228)]),
        ("P10636-8_Y310", "P10636-8", "8", "uniprot", [("Y", 310)]),
        ("A0A0G2K4T7_T5", "A0A0G2K4T7", "", "uniprot", [("T", 5)]),
        ("ACACA_S80", "ACACA", "", "symbol", [("S", 80)]),
        ("P46937-Y407", "P46937", "", "uniprot", [("Y", 407)]),
        ("P10636-8-Y310", "P10636-8", "8", "uniprot", [("Y", 310)]),
        ("Q13085_s80", "Q13085", "", "uniprot", [("S", 80)]),
        ("XP_1.1_S5;7", "XP_1.1", "", "refseq", [("S", 5), ("S", 7)]),
    ],
)
def test_parse_site_id_forms(raw, protein, isoform, ptype, sites):
    t = parse_site_ids([raw])
    assert list(t.columns) == list(SITE_COLUMNS)
    assert list(zip(t["residue"], t["position"].astype(int))) == sites
    assert set(t["protein"]) == {protein} and set(t["isoform"]) == {isoform}
    assert set(t["protein_type"]) == {ptype}
    assert list(t["site_id"]) == [f"{protein}_{r}{p}" for r, p in sites]
    assert (t["multi"] == (len(sites) > 1)).all() and (t["n_sites"] == len(sites)).all()
    assert list(t["site_index"]) == list(range(1, len(sites) + 1))
    assert (t["problem"] == "").all() and (t["source_id"] == raw).all()


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("P78347", "no '_<residue><position>'"),
        ("P78347_S", "no position"),
        ("P78347_K12", "not a phosphosite residue"),
        ("P78347_S0", "position must be >= 1"),
        ("P78347_12", "no residue letter"),
        ("P78347_S1;Q", "not a phosphosite residue"),
        ("P78347_S1;T", "no position"),
        ("", "empty id"),
        (None, "missing id"),
    ],
)
def test_parse_malformed_is_reported_or_raised(raw, problem):
    t = parse_site_ids(["P1_S1", raw], errors="report")
    assert list(t.columns) == list(SITE_COLUMNS)
    bad = t[t["problem"] != ""]
    assert len(bad) == 1 and problem in bad["problem"].iloc[0]
    assert bad["row"].iloc[0] == 1 and pd.isna(bad["position"].iloc[0])
    with pytest.raises(SiteIdError, match=r"f.tsv: 1 malformed site id.*row 2"):
        parse_site_ids(["P1_S1", raw], source="f.tsv")


def test_parse_empty_has_fixed_columns():
    t = parse_site_ids([])
    assert list(t.columns) == list(SITE_COLUMNS) and t.empty
    assert str(t["position"].dtype) == "Int64"


# --------------------------------------------------------------------------- reading
def test_split_and_collapse_by_hand():
    df = pd.DataFrame({
        "site": ["P1_S10;T12", "P1_S10", "P2_Y5", "P3_S1;S2", "P3_S2"],
        "logFC": [0.5, -0.7, 0.1, 0.2, -0.2],
        "t": [2.0, -3.0, 1.0, 4.0, -4.0],
    })
    r = read_sites(df)
    assert isinstance(r, SiteRanking) and isinstance(r, ms.Ranking)
    # by hand: P1_S10 from rows 1 (2.0) and 2 (-3.0) -> -3.0; P1_T12 only row 1 -> 2.0;
    # P3_S2 from rows 4 (4.0) and 5 (-4.0): tie in |score|, first row kept -> 4.0
    assert r.series().to_dict() == {
        "P3_S1": 4.0, "P3_S2": 4.0, "P1_T12": 2.0, "P2_Y5": 1.0, "P1_S10": -3.0,
    }
    t = r.table()
    assert t.index.name == "site"
    assert t.loc["P1_S10", "source_id"] == "P1_S10" and t.loc["P1_S10", "n_sources"] == 2
    assert t.loc["P3_S2", "source_id"] == "P3_S1;S2" and bool(t.loc["P3_S2", "multi"])
    assert t.loc["P1_S10", "lfc"] == -0.7
    m = r.mapping.iloc[0]
    assert list(r.mapping.columns) == list(MAPPING_COLUMNS)
    assert (m.n_rows, m.n_multi, m.n_mapped, m.n_split_sites, m.n_collapsed, m.n_sites) == (
        5, 2, 5, 4, 2, 5)
    assert list(r.dropped.columns) == list(DROPPED_COLUMNS) and r.dropped.empty
    assert r.site_column == "site" and r.score_name == "t"


def test_split_multi_false_keeps_peptides():
    df = pd.DataFrame({"site": ["P1_S10;T12", "P1_S10"], "t": [2.0, -3.0]})
    r = read_sites(df, split_multi=False)
    assert r.series().to_dict() == {"P1_S10;T12": 2.0, "P1_S10": -3.0}


def test_rat_map_several_sites_onto_one_keep_largest_abs():
    df = pd.DataFrame({
        "contrast": ["a"] * 5 + ["b"] * 2,
        "featureName": ["NP_1.1_S5", "NP_1.1_S9", "NP_1.1_T3;S5", "NP_2.1_Y7", "NP_3.1_S1",
                        "NP_1.1_S5", "NP_1.1_S9"],
        "z": [1.5, -2.5, 0.5, 3.0, 9.0, 1.0, 0.5],
    })
    site_map = {"NP_1.1_S5": "P00001_S6", "NP_1.1_S9": "P00001_S6", "NP_1.1_T3;S5": "P00001_T4;S6",
                "NP_2.1_Y7": ""}
    with pytest.warns(DroppedInputWarning, match=r"2 of 5 site ids dropped"):
        r = read_sites(df, site_map=site_map)
    # contrast a: P00001_S6 from S5 (1.5), S9 (-2.5) and the peptide (0.5) -> -2.5
    assert r.series("a").to_dict() == {"P00001_T4": 0.5, "P00001_S6": -2.5}
    assert r.series("b").to_dict() == {"P00001_S6": 1.0}
    a = r.mapping.set_index("contrast").loc["a"]
    assert (a.n_rows, a.n_unmapped, a.n_not_in_map, a.n_mapped, a.n_split_sites, a.n_collapsed,
            a.n_sites) == (5, 1, 1, 3, 2, 2, 2)
    d = r.dropped.set_index("source_id")
    assert d.loc["NP_2.1_Y7", "reason"].startswith("no human site") and d.loc["NP_2.1_Y7", "row"] == 4
    assert d.loc["NP_3.1_S1", "reason"] == "not in the site map"
    assert r.table("a").loc["P00001_S6", "n_sources"] == 3
    assert "largest |score|" in r.metadata()["collapse_rule"]


def test_malformed_in_table_names_file_row_and_id(tmp_path):
    p = tmp_path / "sites.tsv"
    p.write_text("site\tt\nP1_S1\t1.0\nP1_K2\t2.0\nP2_S3\t-1.0\n")
    with pytest.raises(SiteIdError, match=r"sites.tsv.*row 2: 'P1_K2': residue 'K'.*on_malformed='drop'"):
        read_sites(p, site_column="site")
    with pytest.warns(DroppedInputWarning, match="1 of 3 site ids dropped"):
        r = read_sites(p, on_malformed="drop")
    assert list(r.series().index) == ["P1_S1", "P2_S3"]
    assert r.dropped.iloc[0].tolist()[:2] == [2, "P1_K2"]
    assert r.mapping.iloc[0].n_malformed == 1 and r.source == str(p)


def test_species_and_map_errors():
    df = pd.DataFrame({"site": ["NP_1.1_S5", "NP_2.1_S6"], "t": [1.0, 2.0]})
    with pytest.raises(IdentifierError, match="species='rat'.*site_map="):
        read_sites(df, species="rat")
    with pytest.raises(IdentifierError, match="none of the 2 site ids is in the site map"):
        read_sites(df, site_map={"XP_9.1_S1": "P1_S1"})
    with pytest.warns(SiteSpaceWarning, match="RefSeq"):
        read_sites(df)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        read_sites(pd.DataFrame({"site": ["P78347_S228"], "t": [1.0]}))
    with pytest.raises(ms.InputError, match="site_column="):
        read_sites(pd.DataFrame({"gene": ["A", "B"], "t": [1.0, 2.0]}))


def test_series_input_and_select_keep_type():
    r = read_sites(pd.Series({"P1_S10": 1.0, "P2_T3": -2.0}))
    assert r.series().to_dict() == {"P1_S10": 1.0, "P2_T3": -2.0}
    df = pd.DataFrame({"contrast": ["a", "b"], "site": ["P1_S1", "P1_S1"], "t": [1.0, 2.0]})
    sel = read_sites(df).select("b")
    assert isinstance(sel, SiteRanking) and sel.contrasts == ("b",)


def test_read_site_map_forms(tmp_path):
    p = tmp_path / "map.tsv"
    p.write_text("ptm_id_rat_refseq\tptm_id_human_uniprot\nNP_1.1_S5\tP1_S6\nNP_2.1_S1\t\n")
    m = read_site_map(p)
    assert dict(m) == {"NP_1.1_S5": "P1_S6", "NP_2.1_S1": ""}
    bad = pd.DataFrame({"a": ["x_S1", "x_S1"], "b": ["P1_S1", "P1_S2"]})
    with pytest.raises(ms.InputError, match="more than one target"):
        read_site_map(bad)


# --------------------------------------------------------------------------- MoTrPAC fixture
def _authors_rule(df: pd.DataFrame, site_map: pd.DataFrame, contrast: str) -> pd.Series:
    """Independent re-implementation of the MoTrPAC authors' steps with plain pandas."""
    m = dict(zip(site_map.iloc[:, 0], site_map.iloc[:, 1], strict=True))
    d = df[df["contrast"] == contrast]
    rows = []
    for fid, z in zip(d["featureName"], d["z"], strict=True):
        human = m.get(fid, "")
        if not human:
            continue
        protein, _, sites = human.rpartition("_")
        rows += [(f"{protein}_{s}", z) for s in sites.split(";")]
    long = pd.DataFrame(rows, columns=["site", "z"])
    long = long.loc[long["z"].abs().groupby(long["site"]).idxmax()]
    return long.set_index("site")["z"].sort_index()


def test_motrpac_fixture_matches_authors_rule():
    df = pd.read_csv(FIXTURE, sep="\t")
    smap = pd.read_csv(FIXTURE_MAP, sep="\t", dtype=str, keep_default_na=False)
    with pytest.warns(DroppedInputWarning):
        r = read_sites(FIXTURE, site_map=FIXTURE_MAP)
    assert r.score_name == "z" and r.site_column == "featureName"
    assert r.contrasts == ("F_8W - F_SED", "M_8W - M_SED")
    for c in r.contrasts:
        got = r.series(c).sort_index()
        want = _authors_rule(df, smap, c)
        pd.testing.assert_index_equal(got.index, want.index)
        np.testing.assert_array_equal(got.to_numpy(), want.to_numpy())
    assert r.mapping["n_unmapped"].gt(0).all() and r.mapping["n_multi"].gt(0).all()
    assert {"Q86TI0_S237", "Q92597_T346"} <= set(r.series("M_8W - M_SED").index)  # TBC1D1, NDRG1


@pytest.mark.shared_data
def test_motrpac_full_mapping_numbers(shared_data):
    d = shared_data / "motrpac-rat-training"
    with pytest.warns(DroppedInputWarning, match="6083 of 18125 site ids dropped"):
        r = read_sites(d / "PHOSPHO_GN_NORM_DA_trained_vs_SED.tsv.gz",
                       site_map=d / "RAT_TO_HUMAN_SITE.tsv.gz")
    m = r.mapping.set_index("contrast")
    assert len(m) == 8 and m.loc["F_8W - F_SED", "n_rows"] == 17862
    assert m.loc["M_1W - M_SED", "n_rows"] == 18125 and m.loc["M_8W - M_SED", "n_rows"] == 18090
    assert m.loc["M_1W - M_SED", "n_unmapped"] == 6083 and m["n_not_in_map"].eq(0).all()
    assert m.loc["M_1W - M_SED", "n_sites"] == 11164
    df = pd.read_csv(d / "PHOSPHO_GN_NORM_DA_trained_vs_SED.tsv.gz", sep="\t",
                     usecols=["contrast", "featureName", "z"])
    smap = pd.read_csv(d / "RAT_TO_HUMAN_SITE.tsv.gz", sep="\t", dtype=str, keep_default_na=False)
    got = r.series("M_8W - M_SED").sort_index()
    want = _authors_rule(df, smap, "M_8W - M_SED")
    np.testing.assert_array_equal(got.to_numpy(), want.to_numpy())
