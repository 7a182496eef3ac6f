"""Committed exports: up to date, readable by gseapy and pandas, and re-derivable from ../shared."""

from __future__ import annotations

import hashlib
import importlib.util
import json
from pathlib import Path

import pandas as pd
import pytest

from mamsets.errors import InputError, OutputExistsError
from mamsets.io import bundled
from mamsets.io.bundled import controls, identity_table, library, metabolites
from mamsets.io.export import MEMBER_COLUMNS, build_exports, export, members_table

REPO = Path(__file__).resolve().parents[1]
GENESETS = REPO / "genesets"
EXPORTS = GENESETS / "exports"
STALE = "is out of date: run `python scripts/build_library.py` and commit genesets/"


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("exports")
    build_exports(out)
    return out


def _gmt_files() -> list[Path]:
    return sorted(EXPORTS.glob("*.gmt"))


def test_committed_exports_are_up_to_date(rebuilt):
    fresh = sorted(p.name for p in rebuilt.iterdir())
    committed = sorted(p.name for p in EXPORTS.iterdir())
    assert fresh == committed, f"genesets/exports file list {STALE}"
    for name in fresh:
        assert (rebuilt / name).read_bytes() == (EXPORTS / name).read_bytes(), f"{name} {STALE}"


def test_rebuild_is_byte_identical(rebuilt, tmp_path):
    build_exports(tmp_path)
    for p in rebuilt.iterdir():
        assert (tmp_path / p.name).read_bytes() == p.read_bytes(), p.name


def test_expected_files_exist():
    names = {p.name for p in EXPORTS.iterdir()}
    for species in ("human", "mouse", "rat"):
        for id_type in ("symbol", "entrez", "ensembl"):
            assert f"mams.{species}.{id_type}.gmt" in names
            assert f"mams_controls.{species}.{id_type}.gmt" in names
    assert {"mams_metabolites.chebi.gmt", "mams.json", "mams.members.tsv", "manifest.json"} <= names


def test_manifest_hashes_match_files():
    manifest = json.loads((EXPORTS / "manifest.json").read_text())
    assert manifest["version"] == bundled.library_version()
    listed = set(manifest["files"])
    assert listed == {p.name for p in EXPORTS.iterdir()} - {"manifest.json"}
    for name, info in manifest["files"].items():
        data = (EXPORTS / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == info["sha256"], name
        assert len(data) == info["bytes"]
    for name, digest in manifest["sources"].items():
        assert hashlib.sha256((GENESETS / name).read_bytes()).hexdigest() == digest, f"{name} {STALE}"


@pytest.mark.parametrize("path", _gmt_files(), ids=lambda p: p.name)
def test_every_gmt_loads_in_gseapy_unchanged(path):
    import gseapy

    got = gseapy.read_gmt(str(path))
    name = path.name
    if name.startswith("mams_metabolites"):
        expected = metabolites().to_dict()
    elif name.startswith("mams_kinases"):
        from mamsets.io.kinases import kinase_sets

        expected = kinase_sets(name.split(".")[2]).to_dict()
    else:
        _, species, id_type, _ = name.split(".")
        loader = controls if name.startswith("mams_controls") else library
        expected = loader(species, id_type).to_dict()
    assert got == expected
    # our own reader agrees too, descriptions included
    from mamsets.io.gmt import read_gmt

    ours = read_gmt(path)
    assert ours.to_dict() == expected
    for gs in ours:
        assert gs.description and gs.description != "NA"
        assert " | " in gs.description


def test_gmt_description_names_title_and_source():
    lines = (EXPORTS / "mams.human.symbol.gmt").read_text().splitlines()
    desc = dict(line.split("\t")[:2] for line in lines)
    assert desc["MAMS_AMPK_COMPLEX"] == (
        "AMPK heterotrimer subunits | Li2024 Fig3 (doi:10.3390/ijms25063196) | curated"
    )
    assert desc["MAMS_FIGURE_RAW_PFOCR"].endswith("| raw")
    assert desc["MAMS_CALCIUM_EXTENDED"].endswith("| extended")
    assert desc["MAMS_FIGURE_UP"].endswith("| curated, up")


def test_entrez_sets_hold_only_digits():
    for line in (EXPORTS / "mams.mouse.entrez.gmt").read_text().splitlines():
        assert all(g.isdigit() for g in line.split("\t")[2:])


def test_members_tsv_reads_back_with_pandas():
    df = pd.read_csv(EXPORTS / "mams.members.tsv", sep="\t", dtype=str, keep_default_na=False)
    assert tuple(df.columns) == MEMBER_COLUMNS
    lib = library()
    assert len(df) == sum(len(gs.members) for gs in lib)
    row = df[(df.set == "MAMS_IP3_RECEPTORS") & (df.gene == "ITPR2")].iloc[0]
    assert row.role == "caption" and row.direction == "up" and row.hgnc_id == "HGNC:6181"
    assert '"Exercise directly upregulates' in row.evidence
    assert set(df.loc[df.set == "MAMS_FIGURE", "gene"]) == set(lib["MAMS_FIGURE"].genes)


def test_members_table_in_another_space_keeps_unmapped_members():
    coll = controls("mouse", "symbol")
    df = members_table(coll)
    ribo = df[df.set == "CONTROL_CYTOSOLIC_RIBOSOME"]
    assert len(ribo) == 89
    assert set(ribo.loc[ribo.gene == "", "symbol"]) == {"RPS4Y2", "RPL26L1", "RPL41"}
    ident = identity_table().set_index("hgnc_id")
    for r in ribo[ribo.gene != ""].itertuples():
        assert ident.loc[r.hgnc_id, "mouse_symbol"] == r.gene


def test_json_holds_all_metadata():
    data = json.loads((EXPORTS / "mams.json").read_text())
    assert data["library"]["doi"] == "10.3390/ijms25063196"
    sets = {s["id"]: s for s in data["collection"]["sets"]}
    assert set(sets) == set(library().ids)
    ampk = sets["MAMS_AMPK_COMPLEX"]
    assert ampk["level"] == "complex" and len(ampk["members"]) == 7
    assert ampk["long_description"].startswith("All seven subunits")
    assert {e["keyword"] for e in data["exclusions"]} >= {"TG", "SGCG", "CXCL12", "KCNJ4"}
    assert {a["symbol"] for a in data["additions"]} == {"ITPR2", "PRKN", "PRR5"}
    assert {m["chebi_id"] for m in data["metabolites"]["records"]} >= {"CHEBI:29108", "CHEBI:17855"}
    assert data["controls"]["collection"]["name"] == "mams_controls"
    assert data["collection"]["sha256"] == library().sha256


@pytest.mark.parametrize("fmt", ["gmt", "json", "tsv"])
def test_export_formats_and_overwrite(tmp_path, fmt):
    path = tmp_path / f"out.{fmt}"
    coll = library("rat", "entrez", include_raw=False)
    export(coll, path, format=fmt)
    text = path.read_text()
    assert text.endswith("\n") and "\r" not in text
    if fmt == "json":
        rec = json.loads(text)
        assert (rec["species"], rec["id_type"]) == ("rat", "entrez")
        assert [s["id"] for s in rec["sets"]] == list(coll.ids)
        assert rec["sets"][0]["genes"] == list(coll.sets[0].genes)
    with pytest.raises(OutputExistsError, match="overwrite"):
        export(coll, path, format=fmt)
    export(coll, path, format=fmt, overwrite=True)


def test_export_defaults_to_the_library(tmp_path):
    export(None, tmp_path / "x.gmt")
    assert (tmp_path / "x.gmt").read_text() == (EXPORTS / "mams.human.symbol.gmt").read_text()


def test_export_rejects_unknown_format(tmp_path):
    with pytest.raises(InputError, match="gmt.*json.*tsv"):
        export(None, tmp_path / "x.xlsx", format="xlsx")  # type: ignore[arg-type]
    assert not (tmp_path / "x.xlsx").exists()


def test_export_of_a_plain_collection(tmp_path):
    from mamsets.model import GeneSetCollection

    coll = GeneSetCollection.from_dict({"A": ["x", "y"]}, name="plain")
    export(coll, tmp_path / "p.tsv", format="tsv")
    df = pd.read_csv(tmp_path / "p.tsv", sep="\t", dtype=str, keep_default_na=False)
    assert df[["set", "gene", "symbol"]].values.tolist() == [["A", "x", ""], ["A", "y", ""]]


def test_identity_tsv_header():
    first = (GENESETS / "identity.tsv").read_text().splitlines()[0]
    assert first.split("\t") == [
        "hgnc_id", "symbol", "entrez", "ensembl", "mgi_id", "mouse_symbol", "mouse_entrez",
        "mouse_ensembl", "rgd_id", "rat_symbol", "rat_entrez", "rat_ensembl",
    ]


# ----------------------------------------------------------------------------- ../shared checks
def _build_script():
    spec = importlib.util.spec_from_file_location("build_library", REPO / "scripts" / "build_library.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.shared_data
def test_library_validates_against_hgnc(shared_data):
    b = _build_script()
    assert b.validate(shared_data, b.load_hgnc(shared_data)) == []


@pytest.mark.shared_data
def test_identity_table_rederives_from_shared(shared_data):
    b = _build_script()
    table, report = b.derive_identity(shared_data, b.library_hgnc_ids())
    assert b.identity_text(table) == (GENESETS / "identity.tsv").read_text(), f"identity.tsv {STALE}"
    sidecar = json.loads((GENESETS / "identity.sources.json").read_text())
    assert sidecar["report"] == json.loads(json.dumps(report))
    for src in sidecar["sources"]:
        path = shared_data / src["file"].removeprefix("shared/data/")
        assert hashlib.sha256(path.read_bytes()).hexdigest() == src["sha256"], src["file"]


@pytest.mark.shared_data
def test_validation_catches_a_wrong_symbol(shared_data, monkeypatch):
    b = _build_script()
    real = bundled._source_members()
    broken = [(f, s, "ITPR9" if sym == "ITPR2" else sym, h, g) for f, s, sym, h, g in real]
    monkeypatch.setattr(b.bundled, "_source_members", lambda: broken)
    problems = b.validate(shared_data, b.load_hgnc(shared_data))
    assert problems and all("ITPR9" in p and "approved symbol is ITPR2" in p for p in problems)
    wrong_group = [(f, s, sym, h, 9999 if sym == "MTOR" else g) for f, s, sym, h, g in real]
    monkeypatch.setattr(b.bundled, "_source_members", lambda: wrong_group)
    problems = b.validate(shared_data, b.load_hgnc(shared_data))
    assert problems and all("MTOR" in p and "gene group 9999" in p for p in problems)
