"""``mamsets claims``: the list, and verdicts written as files and a report that leads with them."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

import mamsets as ms
from mamsets.cli import main

EXAMPLE_FLAGS = ["--dropna", "--duplicates", "max_abs"]


@pytest.fixture(scope="module")
def example() -> str:
    from mamsets.io.examples import example_path

    return str(example_path("motrpac_gn_8w"))


def test_list_prints_every_claim(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["claims", "list"]) == 0
    out = capsys.readouterr().out
    for cid in ms.figure_claims()["claim_id"]:
        assert cid in out
    assert '"Exercise promotes MAMs formation by upregulating Parkin expression"' in out


def test_claims_on_a_table_writes_verdicts_and_report(tmp_path: Path, example: str,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "claims"
    assert main(["claims", example, *EXAMPLE_FLAGS, "--seed", "3", "--n-perm", "2000",
                 "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("The figure's claims (38 claim x contrast rows)")
    assert sorted(p.name for p in out.iterdir()) == [
        "claims.tsv", "claims_members.tsv", "params.json", "plots", "report.html", "summary.txt"]
    t = pd.read_csv(out / "claims.tsv", sep="\t", comment="#", keep_default_na=False)
    assert set(t["contrast"]) == {"F_8W - F_SED", "M_8W - M_SED"}
    assert set(t["verdict"]) <= {"supported", "contradicted", "inconclusive", "not_testable"}
    # the same seed through the API gives the same table
    with pytest.warns(ms.DroppedInputWarning, match="1544 rows"):
        r = ms.read_ranking(example, dropna=True, duplicates="max_abs")
    api = ms.claims(r, rng=3, n_perm=2000).table
    assert list(t["padj"].replace("", float("nan")).astype(float).round(12).fillna(-1)) == list(
        api["padj"].round(12).fillna(-1))
    html = (out / "report.html").read_text()
    assert html.index("id='claims'") < html.index("id='results'") < html.index("id='provenance'")
    assert re.findall(r"<script[^>]*>", html) == ["<script>"]
    assert (out / "plots" / "claims_forest.png").stat().st_size > 5000
    # never overwritten without --force
    assert main(["claims", example, *EXAMPLE_FLAGS, "--n-perm", "2000", "-o", str(out)]) == 2
    assert "exists" in capsys.readouterr().err


def test_claims_needs_an_output_and_a_file(tmp_path: Path, example: str,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["claims", example]) == 2
    assert "-o OUTDIR" in capsys.readouterr().err
    assert main(["claims", str(tmp_path / "nope.tsv"), "-o", str(tmp_path / "o")]) == 2
    assert "no such table" in capsys.readouterr().err


def test_run_report_leads_with_the_claims(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "run"
    assert main(["run", "-o", str(out), "--seed", "1", "--n-perm", "200", "--no-ora"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("The figure's claims (")
    html = (out / "report.html").read_text()
    assert html.index("id='claims'") < html.index("id='results'")
    claims = pd.read_csv(out / "claims.tsv", sep="\t", comment="#")
    assert len(claims) == 2 * len(ms.figure_claims())


def test_claims_on_a_phosphosite_table(tmp_path: Path, tests_data: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    d = tests_data / "sites"
    # a site table read as genes is refused with the fix
    assert main(["claims", str(d / "motrpac_phospho_8w.tsv"), "-o", str(tmp_path / "a")]) == 2
    assert "--site-map" in capsys.readouterr().err
    out = tmp_path / "b"
    assert main(["claims", str(d / "motrpac_phospho_8w.tsv"), "--site-map",
                 str(d / "motrpac_rat_to_human_site.tsv"), "--species", "rat", "--seed", "1",
                 "--n-perm", "2000", "--no-plots", "-o", str(out)]) == 0
    t = pd.read_csv(out / "claims.tsv", sep="\t", comment="#", keep_default_na=False)
    amp = t[t["claim_id"] == "DYN3_AMPK"]
    assert (amp["data_level"] == "phosphosite").all() and (amp["readout"] == "direct").all()


def test_phosphosite_errors_name_the_flags_to_use(tmp_path: Path, tests_data: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    d = tests_data / "sites"
    table = pd.read_csv(d / "motrpac_phospho_8w.tsv", sep="\t")
    # rat sites without a map: the fix is a flag of this command, not a Python keyword
    assert main(["claims", str(d / "motrpac_phospho_8w.tsv"), "--data-level", "phosphosite",
                 "--species", "rat", "-o", str(tmp_path / "a")]) == 2
    err = capsys.readouterr().err
    assert "--site-map FILE" in err and "site_map=" not in err and "--species rat" in err
    # a malformed id: the error names --drop-malformed, which then drops it and runs
    bad = table.copy()
    bad.loc[0, "featureName"] = "NP_001001512.2_Q228"
    path = tmp_path / "bad.tsv"
    bad.to_csv(path, sep="\t", index=False)
    args = ["claims", str(path), "--site-map", str(d / "motrpac_rat_to_human_site.tsv"),
            "--species", "rat", "--seed", "1", "--n-perm", "200", "--no-plots"]
    assert main([*args, "-o", str(tmp_path / "b")]) == 2
    err = capsys.readouterr().err
    assert "--drop-malformed" in err and "on_malformed" not in err
    assert main([*args, "--drop-malformed", "-o", str(tmp_path / "c")]) == 0
    # --gene-column picks the site column when the auto-detected one is the wrong one
    two = table.rename(columns={"featureName": "my_ids"}).assign(
        featureName=[f"P99999_S{i}" for i in range(1, len(table) + 1)])
    path2 = tmp_path / "two.tsv"
    two.to_csv(path2, sep="\t", index=False)
    assert main(["claims", str(path2), "--site-map", str(d / "motrpac_rat_to_human_site.tsv"),
                 "--species", "rat", "-o", str(tmp_path / "e")]) == 2
    assert "drop --site-map" in capsys.readouterr().err
    # a site listed twice in a contrast: the error names --duplicates, which this route honours
    dup = pd.concat([table, table.iloc[[0]].assign(z=9.0, t=9.0)])
    path3 = tmp_path / "dup.tsv"
    dup.to_csv(path3, sep="\t", index=False)
    assert main([*args[:1], str(path3), *args[2:], "-o", str(tmp_path / "f")]) == 2
    err = capsys.readouterr().err
    assert "--duplicates max_abs" in err and "duplicates='" not in err
    assert main([*args[:1], str(path3), *args[2:], "--duplicates", "max_abs",
                 "-o", str(tmp_path / "g")]) == 0
    assert main(["claims", str(path2), "--site-map", str(d / "motrpac_rat_to_human_site.tsv"),
                 "--species", "rat", "--gene-column", "my_ids", "--seed", "1", "--n-perm", "200",
                 "--no-plots", "-o", str(tmp_path / "d")]) == 0
