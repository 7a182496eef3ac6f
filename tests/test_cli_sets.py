"""``mamsets sets`` commands."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mamsets.cli import main
from mamsets.io.bundled import controls, library
from mamsets.io.gmt import read_gmt

REPO = Path(__file__).resolve().parents[1]


def test_list(capsys):
    assert main(["sets", "list"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split()[:4] == ["id", "level", "pathways", "size"]
    rows = {ln.split()[0]: ln.split() for ln in out[1:] if not ln.startswith("#")}
    assert set(rows) == set(library().ids)
    assert rows["MAMS_AMPK_COMPLEX"][1:4] == ["complex", "mitochondrial_dynamics", "7"]
    assert rows["MAMS_G_ALPHA_SUBUNITS"][3] == "16"


def test_list_controls_and_metabolites(capsys):
    assert main(["sets", "list", "--controls"]) == 0
    out = capsys.readouterr().out
    assert "CONTROL_OXPHOS" in out and "MAMS_FIGURE" not in out
    assert main(["sets", "list", "--metabolites"]) == 0
    assert "MAMS_METABOLITES_LIPID_HOMEOSTASIS_DN" in capsys.readouterr().out


def test_show(capsys):
    assert main(["sets", "show", "MAMS_MITOPHAGY"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("MAMS_MITOPHAGY: ")
    prkn = next(ln for ln in out.splitlines() if ln.startswith("PRKN\t")).split("\t")
    assert prkn[1:4] == ["HGNC:8607", "caption", "up"]
    assert "Parkin" in prkn[4]


def test_show_control(capsys):
    assert main(["sets", "show", "CONTROL_OXPHOS"]) == 0
    assert "MT-CO1\tHGNC:7419\tfamily_member" in capsys.readouterr().out


def test_show_unknown_suggests(capsys):
    assert main(["sets", "show", "AMPK"]) == 2
    err = capsys.readouterr().err
    assert "MAMS_AMPK_COMPLEX" in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("species,id_type", [("mouse", "entrez"), ("rat", "ensembl"), ("human", "symbol")])
def test_export_gmt(tmp_path, species, id_type):
    out = tmp_path / "x.gmt"
    assert main(["sets", "export", "--species", species, "--id-type", id_type, "-o", str(out)]) == 0
    assert read_gmt(out).to_dict() == library(species, id_type).to_dict()


def test_export_min_size_and_controls(tmp_path, capsys):
    out = tmp_path / "c.gmt"
    assert main(["sets", "export", "--min-size", "3", "-o", str(out)]) == 0
    got = read_gmt(out)
    assert min(len(gs) for gs in got) >= 3
    assert "MAMS_MITOPHAGY" not in got and "MAMS_AMPK_COMPLEX" in got
    assert "left out" in capsys.readouterr().err
    out2 = tmp_path / "ctl.json"
    assert main(["sets", "export", "--controls", "--format", "json", "--species", "rat",
                 "-o", str(out2)]) == 0
    rec = json.loads(out2.read_text())
    assert rec["name"] == "mams_controls" and rec["species"] == "rat"
    assert [s["id"] for s in rec["sets"]] == list(controls().ids)


def test_export_refuses_to_overwrite(tmp_path, capsys):
    out = tmp_path / "x.tsv"
    out.write_text("keep me")
    assert main(["sets", "export", "--format", "tsv", "-o", str(out)]) == 2
    assert "--force" in capsys.readouterr().err
    assert out.read_text() == "keep me"
    assert main(["sets", "export", "--format", "tsv", "-o", str(out), "--force"]) == 0
    assert out.read_text().startswith("set\tgene\thgnc_id")


def test_export_bad_min_size(tmp_path, capsys):
    assert main(["sets", "export", "--min-size", "500", "-o", str(tmp_path / "x.gmt")]) == 2
    assert "--min-size 500" in capsys.readouterr().err
    assert not (tmp_path / "x.gmt").exists()


def test_export_invalid_choice_is_a_usage_error(tmp_path):
    with pytest.raises(SystemExit) as exc:
        main(["sets", "export", "--species", "zebrafish", "-o", str(tmp_path / "x.gmt")])
    assert exc.value.code == 2


def test_exclusions(capsys):
    assert main(["sets", "exclusions"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "keyword\thgnc_id\tpfocr_word\tdecision\treason"
    tg = next(ln for ln in lines if ln.startswith("TG\t")).split("\t")
    assert tg[3] == "false_positive" and "triglyceride" in tg[4]


@pytest.mark.parametrize("cmd", [["sets"], ["sets", "list"], ["sets", "show"], ["sets", "export"],
                                 ["sets", "exclusions"]])
def test_help(cmd, capsys):
    with pytest.raises(SystemExit) as exc:
        main([*cmd, "--help"])
    assert exc.value.code == 0
    assert "usage: mamsets sets" in capsys.readouterr().out


def test_subprocess_smoke(tmp_path):
    out = tmp_path / "m.gmt"
    proc = subprocess.run(
        [sys.executable, "-c", "import sys; from mamsets.cli import main; sys.exit(main())",
         "sets", "export", "--species", "mouse", "-o", str(out)],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "MAMS_AMPK_COMPLEX" in out.read_text()
    proc = subprocess.run(
        [sys.executable, "-c", "import sys; from mamsets.cli import main; sys.exit(main())",
         "sets", "show", "NOPE"],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


def test_export_metabolites(tmp_path):
    out = tmp_path / "met.gmt"
    assert main(["sets", "export", "--metabolites", "-o", str(out)]) == 0
    got = read_gmt(out)
    assert "CHEBI:17855" in got["MAMS_METABOLITES_LIPID_HOMEOSTASIS_DN"]
    assert out.read_text() == (REPO / "genesets" / "exports" / "mams_metabolites.chebi.gmt").read_text()
    with pytest.raises(SystemExit):
        main(["sets", "export", "--metabolites", "--controls", "-o", str(tmp_path / "y.gmt")])


def test_show_metabolite_set(capsys):
    assert main(["sets", "show", "MAMS_METABOLITES_LIPID_HOMEOSTASIS_DN"]) == 0
    out = capsys.readouterr().out
    tg = next(ln for ln in out.splitlines() if ln.startswith("CHEBI:17855\t")).split("\t")
    assert tg[1:4] == ["triglyceride", "TG", "down"]
