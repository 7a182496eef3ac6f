"""``mamsets gsea`` command line."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mamsets.cli import main
from mamsets.engines.gsea import GSEA_SCHEMA, gsea
from mamsets.model import GeneSetCollection

GENES = [f"G{i:03d}" for i in range(200)]
SCORES = np.round(np.linspace(4, -4, 200) + np.sin(np.arange(200)) * 0.01, 6)


@pytest.fixture()
def gmt(tmp_path: Path) -> Path:
    p = tmp_path / "sets.gmt"
    p.write_text(
        "UP\tfirst genes\t" + "\t".join(GENES[:15]) + "\n"
        "DOWN\tlast genes\t" + "\t".join(GENES[-10:]) + "\n"
        "MIXED\tspread\t" + "\t".join(GENES[::13]) + "\tNOT_RANKED\n"
    )
    return p


def _rnk(tmp_path: Path, header: bool = False, comment: bool = False) -> Path:
    p = tmp_path / "ranking.rnk"
    lines = (["# made by a test"] if comment else []) + (["gene\tscore"] if header else [])
    lines += [f"{g}\t{s}" for g, s in zip(GENES, SCORES)]
    p.write_text("\n".join(lines) + "\n")
    return p


def _read(out: Path) -> pd.DataFrame:
    return pd.read_csv(out / "results.tsv", sep="\t", comment="#")


@pytest.mark.parametrize(("header", "comment"), [(False, False), (True, False), (False, True)])
def test_rnk_to_results_and_params(tmp_path: Path, gmt: Path, header: bool, comment: bool) -> None:
    out = tmp_path / "out"
    rc = main(["gsea", str(_rnk(tmp_path, header, comment)), "--gmt", str(gmt), "--method",
               "permutation", "--n-perm", "500", "--seed", "4", "-o", str(out)])
    assert rc == 0
    t = _read(out)
    assert list(t.columns) == list(GSEA_SCHEMA)
    assert set(t["term"]) == {"UP", "DOWN", "MIXED"}
    params = json.loads((out / "params.json").read_text())
    assert params["gsea"]["params"]["seed"] == 4 and params["gsea"]["params"]["n_perm"] == 500
    assert params["gsea"]["params"]["gene_sets"] == {"source": "gmt", "path": str(gmt)}
    assert params["input"]["style"] == "rnk"
    # identical to the API on the same inputs
    api = gsea(pd.Series(SCORES, index=GENES), GeneSetCollection.from_dict(
        {"UP": GENES[:15], "DOWN": GENES[-10:], "MIXED": GENES[::13] + ["NOT_RANKED"]}),
        method="permutation", n_perm=500, rng=4).table
    np.testing.assert_allclose(t["pval"], api["pval"], rtol=1e-12)
    np.testing.assert_allclose(t["es"], api["es"], rtol=1e-12)
    up = t.set_index("term").loc["UP"]
    assert up["leading_edge"] == ";".join(GENES[:15])
    assert (up["size"], t.set_index("term").loc["MIXED", "n_members"]) == (15, 17)


def test_table_with_gene_and_score_columns(tmp_path: Path, gmt: Path) -> None:
    p = tmp_path / "de.csv"
    pd.DataFrame({"name": GENES, "other": 1.0, "my_score": SCORES}).to_csv(p, index=False)
    out = tmp_path / "out"
    rc = main(["gsea", str(p), "--gene-column", "name", "--score-column", "my_score", "--gmt",
               str(gmt), "--method", "permutation", "--n-perm", "100", "--seed", "1", "-o", str(out)])
    assert rc == 0
    t = _read(out).set_index("term")
    assert t.loc["UP", "es"] == pytest.approx(1.0)


def test_existing_outdir_needs_force(tmp_path: Path, gmt: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("x")
    args = ["gsea", str(_rnk(tmp_path)), "--gmt", str(gmt), "--method", "permutation", "--n-perm",
            "50", "--seed", "1", "-o", str(out)]
    assert main(args) == 2
    assert "--force" in capsys.readouterr().err
    assert (out / "keep.txt").exists()
    # --force replaces an earlier run's outputs, never files mamsets did not write
    assert main([*args, "--force"]) == 2
    assert "keep.txt" in capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]
    (out / "keep.txt").unlink()
    assert main(args[:-1] + [str(out)]) == 2  # still exists (empty folder): needs --force
    assert main([*args, "--force"]) == 0
    first = (out / "results.tsv").read_text()
    assert main([*args, "--force"]) == 0  # an earlier run is replaced
    assert (out / "results.tsv").read_text() == first


def test_user_errors_exit_2(tmp_path: Path, gmt: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["gsea", str(tmp_path / "missing.rnk"), "--gmt", str(gmt), "-o", str(out)]) == 2
    assert "missing.rnk" in capsys.readouterr().err
    dup = tmp_path / "dup.rnk"
    dup.write_text("A\t1\nA\t2\nB\t0.5\n")
    assert main(["gsea", str(dup), "--gmt", str(gmt), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "error" in err and "Traceback" not in err
    assert main(["gsea", str(_rnk(tmp_path)), "--gmt", str(gmt), "--n-perm", "0", "-o", str(out)]) == 2
    assert "n_perm=0" in capsys.readouterr().err
    assert not out.exists()


def test_help_lists_flags(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["gsea", "--help"])
    assert exc.value.code == 0
    text = capsys.readouterr().out
    for flag in ("--gmt", "--method", "--n-perm", "--seed", "--min-size", "--max-size", "--weight",
                 "--eps", "--n-jobs", "--gene-column", "--score-column", "--force", "--dropna",
                 "--contrast-column", "--contrast", "--controls", "--no-plots", "--duplicates"):
        assert flag in text


def test_subprocess_smoke(tmp_path: Path, gmt: Path) -> None:
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-c", "import sys; from mamsets.cli import main; sys.exit(main(sys.argv[1:]))",
         "gsea", str(_rnk(tmp_path)), "--gmt", str(gmt), "--method", "permutation", "--n-perm", "100",
         "--seed", "2", "-o", str(out)],
        capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "3 tests" in proc.stdout and "top 3 by p-value" in proc.stdout
    assert _read(out).shape == (3, len(GSEA_SCHEMA))


# --------------------------------------------------------------------------- the main job
# tests/data/tables: simulated tables laid out as each tool writes them (see its README);
# OXPHOS subunits are shifted up, so the positive control must come out positive.
def _signed_log10p(d: pd.DataFrame, lfc: str, p: str) -> pd.Series:
    # p-values of 0 (Seurat underflow) are floored at the smallest positive double
    return np.sign(d[lfc]) * -np.log10(d[p].clip(lower=np.finfo(float).tiny))


TABLE_STYLES = [
    # file, extra flags, score the CLI must choose, how to read the same scores with pandas
    ("deseq2.csv", ["--dropna"], "stat", lambda p: pd.read_csv(p, index_col=0)["stat"].dropna()),
    ("limma.tsv", [], "t", lambda p: pd.read_csv(p, sep="\t")["t"]),
    ("edger.tsv", [], "sign(logFC)*-log10(PValue)",
     lambda p: _signed_log10p(pd.read_csv(p, sep="\t"), "logFC", "PValue")),
    ("seurat.csv", [], "sign(avg_log2FC)*-log10(p_val)",
     lambda p: _signed_log10p(pd.read_csv(p, index_col=0), "avg_log2FC", "p_val")),
    ("ranking.rnk", [], "score",
     lambda p: pd.read_csv(p, sep="\t", comment="#", header=None, index_col=0)[1]),
]


@pytest.mark.parametrize(("fixture", "extra", "score", "reference"), TABLE_STYLES,
                         ids=[t[0] for t in TABLE_STYLES])
def test_each_table_style_end_to_end(tests_data: Path, tmp_path: Path, fixture: str,
                                     extra: list[str], score: str, reference,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    path = tests_data / "tables" / fixture
    out = tmp_path / "out"
    rc = main(["gsea", str(path), "--method", "permutation", "--n-perm", "300", "--seed", "7",
               "--no-plots", "-o", str(out), *extra])
    assert rc == 0
    # printed: the claims' verdicts first, then input and score, the controls, the top sets, the seed
    claims_block, printed = capsys.readouterr().out.split("\n\n", 1)
    assert claims_block.startswith("The figure's claims (")
    assert printed.startswith(f"input: {path} (") and "ranked by" in printed.splitlines()[0]
    controls = printed.split("positive controls (best first):")[1].split("top ")[0]
    assert controls.strip().startswith("CONTROL_OXPHOS: NES +")
    assert "sets by p-value" in printed and "seed 7" in printed
    assert printed.split("\nwrote")[0].split("permutation p-values")[0].strip() == (
        out / "summary.txt").read_text().strip()
    assert sorted(p.name for p in out.iterdir()) == [
        "claims.tsv", "claims_members.tsv", "params.json", "ranking.tsv", "report.html",
        "results.tsv", "summary.txt"]
    params = json.loads((out / "params.json").read_text())
    assert params["input"]["score"] == score
    assert params["gsea"]["params"]["gene_sets"] == {
        "source": "built-in", "include_raw": False, "controls": True}
    t = _read(out)
    assert list(t.columns) == list(GSEA_SCHEMA)
    assert "MAMS_FIGURE_RAW_PFOCR" not in set(t["term"])  # the raw keyword set is not tested
    ox = t.set_index("term").loc["CONTROL_OXPHOS"]
    assert ox["nes"] > 1.5 and ox["pval"] < 0.01
    # the ranking the CLI used equals the scores read independently with pandas
    used = pd.read_csv(out / "ranking.tsv", sep="\t").set_index("gene")["score"]
    ref = reference(path)
    ref.index = ref.index.astype(str)
    pd.testing.assert_series_equal(used.sort_index(), ref.sort_index().astype(float),
                                   check_names=False, rtol=1e-6)


def test_deseq2_na_rows_need_dropna(tests_data: Path, tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["gsea", str(tests_data / "tables" / "deseq2.csv"), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "dropna" in err and "ZERO1" in err
    assert not out.exists()


@pytest.mark.filterwarnings("ignore::mamsets.errors.DroppedInputWarning")
def test_long_table_runs_every_contrast(tests_data: Path, tmp_path: Path) -> None:
    path = tests_data / "tables" / "limma_long.tsv"
    out = tmp_path / "out"
    rc = main(["gsea", str(path), "--method", "permutation", "--n-perm", "300", "--seed", "5",
               "--no-plots", "-o", str(out)])
    assert rc == 0
    t = _read(out)
    assert list(t.columns) == ["contrast", *GSEA_SCHEMA]
    assert t["contrast"].drop_duplicates().tolist() == ["trained_vs_sedentary",
                                                        "detrained_vs_sedentary"]
    ox = t[t["term"] == "CONTROL_OXPHOS"].set_index("contrast")["nes"]
    assert ox["trained_vs_sedentary"] > 1.5 and abs(ox["detrained_vs_sedentary"]) < 1.5
    # each contrast equals a run of the API on that contrast's rows, split here with pandas
    long = pd.read_csv(path, sep="\t")
    part = long[long["contrast"] == "detrained_vs_sedentary"].set_index("gene")["t"]
    from mamsets.cli.gsea import default_collection

    api = gsea(part, default_collection(True), method="permutation", n_perm=300, rng=5).table
    got = t[t["contrast"] == "detrained_vs_sedentary"].drop(columns="contrast")
    np.testing.assert_array_equal(got["term"], api["term"])
    np.testing.assert_allclose(got["es"], api["es"], rtol=1e-12)
    np.testing.assert_allclose(got["pval"], api["pval"], rtol=1e-12)
    # --contrast picks one; --contrast-column names the column explicitly
    out2 = tmp_path / "one"
    assert main(["gsea", str(path), "--contrast-column", "contrast", "--contrast",
                 "trained_vs_sedentary", "--method", "permutation", "--n-perm", "100",
                 "--seed", "5", "--no-plots", "-o", str(out2)]) == 0
    assert set(_read(out2)["contrast"]) == {"trained_vs_sedentary"}


def test_report_is_one_self_contained_file(tests_data: Path, tmp_path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    out = tmp_path / "out"
    rc = main(["gsea", str(tests_data / "tables" / "limma.tsv"), "--method", "permutation",
               "--n-perm", "200", "--seed", "3", "-o", str(out)])
    assert rc == 0
    html = (out / "report.html").read_text()
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    # nothing fetched from elsewhere: no external src/href, no scripts, no stylesheets links
    import re

    refs = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)""", html, flags=re.IGNORECASE)
    assert refs and all(r.startswith("data:") for r in refs), refs[:5]
    # one inline script (table sorting), nothing loaded
    assert re.findall(r"<script[^>]*>", html.lower()) == ["<script>"] and "<link" not in html.lower()
    assert "fetch(" not in html and "xmlhttprequest" not in html.lower()
    assert "@import" not in html and "url(" not in html
    pngs = sorted(p.name for p in (out / "plots").iterdir())
    assert "dotplot.png" in pngs and "enrichment_CONTROL_OXPHOS.png" in pngs
    assert html.count("data:image/png;base64,") == len(pngs)
    assert "CONTROL_OXPHOS" in (out / "summary.txt").read_text()


def test_printed_seed_repeats_the_run(tests_data: Path, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    import re

    path = str(tests_data / "tables" / "limma_long.tsv")
    args = ["gsea", path, "--method", "permutation", "--n-perm", "100", "--no-plots"]
    assert main([*args, "-o", str(tmp_path / "a")]) == 0
    seed = re.search(r"seed (\d+) \(--seed", capsys.readouterr().out).group(1)
    assert main([*args, "--seed", seed, "-o", str(tmp_path / "b")]) == 0
    a, b = _read(tmp_path / "a"), _read(tmp_path / "b")
    pd.testing.assert_frame_equal(a, b)  # both contrasts, bit for bit
    p = json.loads((tmp_path / "a" / "params.json").read_text())["gsea"]["params"]
    assert {v["seed"] for v in p["by_contrast"].values()} == {int(seed)}


def test_failed_run_leaves_nothing(tests_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    # genes that match no member: the engine stops after reading; no folder, no temp files
    p = tmp_path / "odd.rnk"
    p.write_text("".join(f"XX{i}\t{i / 7:.6f}\n" for i in range(50)))
    assert main(["gsea", str(p), "--species", "human", "--id-type", "symbol", "-o", str(out)]) == 2
    assert list(tmp_path.iterdir()) == [p]


def test_motrpac_example_long_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from mamsets.io.examples import example_path

    out = tmp_path / "out"
    args = ["gsea", str(example_path("motrpac_gn_8w")), "--method", "permutation", "--n-perm",
            "300", "--seed", "2", "--no-plots", "-o", str(out)]
    # 772 rows per contrast lack a rat symbol: refused, with the flag that fixes it
    assert main(args) == 2
    assert "pass --dropna to drop them" in capsys.readouterr().err
    assert main([*args, "--dropna", "--duplicates", "max_abs"]) == 0
    params = json.loads((out / "params.json").read_text())
    assert (params["input"]["style"], params["input"]["score"]) == ("MoTrPAC", "z")
    assert params["gsea"]["mapping"]["input"]["species"] == "rat"
    t = _read(out)
    assert set(t["contrast"]) == {"F_8W - F_SED", "M_8W - M_SED"}
    # the positive control as the MoTrPAC authors report it (OXPHOS up with training)
    assert (t.loc[t["term"] == "CONTROL_OXPHOS", "nes"] > 2.4).all()


def test_unrecognised_columns_say_what_was_seen_and_the_flags(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    p = tmp_path / "odd.tsv"
    p.write_text("a\tb\tc\nX\t1\t2\nY\t3\t4\n")
    assert main(["gsea", str(p), "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "columns seen ['a', 'b', 'c']" in err
    assert "--score-column" in err and "--gene-column" in err and "score=" not in err
    assert not (tmp_path / "out").exists()


def test_repeated_score_column_is_an_error(tmp_path, capsys) -> None:
    """Issue 13: a repeated --score-column was silently the last one."""
    from mamsets.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["gsea", "x.tsv", "--score-column", "t", "--score-column", "logFC", "-o", str(tmp_path / "o")])
    assert exc.value.code == 2
    assert "--score-column given twice" in capsys.readouterr().err
