"""Kinase readout sites (genesets/kinases.toml), site GMT export and KSEA scores (issue 17)."""

from __future__ import annotations

from pathlib import Path

import pytest

import mamsets as ms
from mamsets.errors import OutputExistsError
from mamsets.io.bundled import genesets_dir
from mamsets.io.kinases import (
    READOUT_COLUMNS,
    kinase_readouts,
    kinase_sets,
    kinases_version,
    write_site_gmt,
)
from mamsets.io.sites import parse_site_ids


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
