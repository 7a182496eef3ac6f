"""``mamsets ids detect|map|harmonize``."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

from mamsets.cli import main
from mamsets.errors import MamsetsWarning
from mamsets.io.gmt import read_gmt

HUMAN = ["MFN2", "FIS1", "MCU", "ITPR1", "PPARGC1A", "PRKAA1", "DNM1L", "PRKN", "HSPA9", "VDAC1"]


@pytest.fixture()
def human_list(tmp_path):
    p = tmp_path / "human.txt"
    p.write_text("\n".join(HUMAN) + "\n")
    return p


@pytest.fixture()
def gmt(tmp_path):
    p = tmp_path / "sets.gmt"
    p.write_text("FISSION\tmito fission\tDNM1L\tFIS1\tOR1A1\nFUSION\tmito fusion\tMFN1\tMFN2\n")
    return p


def test_detect_text_file(human_list, capsys) -> None:
    assert main(["ids", "detect", str(human_list)]) == 0
    out = capsys.readouterr().out
    assert "these look like human symbols" in out and "confident: yes" in out


def test_detect_table_column_and_not_confident(tmp_path, capsys) -> None:
    p = tmp_path / "t.csv"
    pd.DataFrame({"score": [1.0, 2.0], "gene": ["Mfn2", "Fis1"]}).to_csv(p, index=False)
    assert main(["ids", "detect", str(p), "--column", "gene"]) == 1  # two ids: cannot be sure
    assert "too few" in capsys.readouterr().out
    assert main(["ids", "detect", str(p), "--column", "nope"]) == 2
    assert "no column 'nope'" in capsys.readouterr().err


def test_detect_headerless_rnk(tmp_path, capsys) -> None:
    p = tmp_path / "x.rnk"
    p.write_text("".join(f"{g}\t{i}.5\n" for i, g in enumerate(HUMAN)))
    assert main(["ids", "detect", str(p)]) == 0
    assert "10 match" in capsys.readouterr().out


@pytest.mark.filterwarnings("error")
def test_map_with_gmt_mouse_symbols(tmp_path, gmt, capsys) -> None:
    ids = tmp_path / "mouse.tsv"
    pd.DataFrame({"symbol": ["Dnm1l", "Fis1", "Mfn2", "Actb"], "t": [1, 2, 3, 4]}).to_csv(
        ids, sep="\t", index=False
    )
    out = tmp_path / "out"
    # a plain GMT has no member table for mouse orthologs of non-library genes: members are reported
    rc = main(
        [
            "ids",
            "map",
            str(ids),
            "--gmt",
            str(gmt),
            "--species",
            "mouse",
            "--id-type",
            "symbol",
            "-o",
            str(out),
        ]
    )
    assert rc == 0, capsys.readouterr().err
    coll = read_gmt(out / "sets.gmt")
    assert coll["FISSION"].genes == ("Dnm1l", "Fis1") and coll["FUSION"].genes == ("Mfn2",)
    members = pd.read_csv(out / "mapping_members.tsv", sep="\t", dtype=str, keep_default_na=False)
    assert list(members.columns) == [
        "set_id",
        "member",
        "hgnc_id",
        "matched",
        "how",
        "reason",
        "note",
    ]
    reasons = members.set_index("member")["reason"]
    assert reasons["OR1A1"] == "absent_from_data" and reasons["MFN1"] == "absent_from_data"
    sets = pd.read_csv(out / "mapping_sets.tsv", sep="\t")
    assert sets.set_index("set_id").loc["FUSION", "n_found"] == 1
    summary = json.loads((out / "mapping_summary.json").read_text())
    assert summary["input"]["species"] == "mouse"
    # existing output: refused without --force, replaced with it
    assert main(["ids", "map", str(ids), "--gmt", str(gmt), "-o", str(out)]) == 2
    assert "--force" in capsys.readouterr().err
    assert (
        main(
            [
                "ids",
                "map",
                str(ids),
                "--gmt",
                str(gmt),
                "--species",
                "mouse",
                "-o",
                str(out),
                "--force",
            ]
        )
        == 0
    )  # id type obvious: no warning (warnings are errors in this test)


def test_map_bundled_library(human_list, tmp_path, capsys) -> None:
    out = tmp_path / "lib"
    assert main(["ids", "map", str(human_list), "-o", str(out)]) == 0
    text = capsys.readouterr().out
    assert "members of 'mams' found" in text
    gmts = list(out.glob("*.gmt"))
    assert len(gmts) == 1 and read_gmt(gmts[0]).genes <= set(HUMAN)


def test_map_no_overlap_is_an_error(tmp_path, gmt, capsys) -> None:
    p = tmp_path / "ids.txt"
    p.write_text("ENSMUSG00000029020\nENSMUSG00000022789\n")
    with pytest.warns(MamsetsWarning, match="you passed species='human'"):
        rc = main(
            [
                "ids",
                "map",
                str(p),
                "--gmt",
                str(gmt),
                "--species",
                "human",
                "--id-type",
                "ensembl",
                "-o",
                str(tmp_path / "o"),
            ]
        )
    assert rc == 2
    err = capsys.readouterr().err
    assert "mouse Ensembl" in err and "species='mouse'" in err
    assert not (tmp_path / "o").exists()


def test_harmonize(tmp_path, capsys) -> None:
    src = tmp_path / "old.gmt"
    src.write_text("S\td\tPARK2\tKIAA0101\tDRP1\tMFN2\n")
    out = tmp_path / "new.gmt"
    assert main(["ids", "harmonize", str(src), "-o", str(out)]) == 0
    assert read_gmt(out)["S"].genes == ("PRKN", "PCLAF", "DRP1", "MFN2")
    rep = pd.read_csv(tmp_path / "new.harmonize.tsv", sep="\t", dtype=str, keep_default_na=False)
    assert dict(zip(rep["original"], rep["updated"])) == {
        "PARK2": "PRKN",
        "KIAA0101": "PCLAF",
        "DRP1": "DRP1",
    }
    assert set(rep.loc[rep["original"] == "DRP1", "reason"]) == {"ambiguous_alias"}
    assert "updated 2" in capsys.readouterr().out
    assert main(["ids", "harmonize", str(src), "-o", str(out)]) == 2
    assert main(["ids", "harmonize", str(src), "-o", str(out), "--force", "--aliases", "none"]) == 0
    assert read_gmt(out)["S"].genes == ("PARK2", "KIAA0101", "DRP1", "MFN2")


@pytest.mark.parametrize("cmd", [["ids"], ["ids", "detect"], ["ids", "map"], ["ids", "harmonize"]])
def test_help(cmd, capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main([*cmd, "--help"])
    assert exc.value.code == 0
    assert "usage:" in capsys.readouterr().out


def test_subprocess_smoke(human_list) -> None:
    code = "import sys; from mamsets.cli import main; sys.exit(main(sys.argv[1:]))"
    r = subprocess.run(
        [sys.executable, "-c", code, "ids", "detect", str(human_list) + ".missing"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert r.returncode == 2 and "not found" in r.stderr and "Traceback" not in r.stderr
