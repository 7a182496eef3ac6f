"""`mamsets run`: the main job end to end, on the bundled example and on each table style."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest

from mamsets.cli import main

pytest.importorskip("mamsets.engines.gsea")
pytest.importorskip("mamsets.engines.ora")
pytest.importorskip("mamsets.io.bundled")


def test_main_job_on_bundled_example(tmp_path, capsys):
    out = tmp_path / "out"
    rc = main(["run", "-o", str(out), "--seed", "1"])
    captured = capsys.readouterr()
    assert rc == 0, captured.err
    names = sorted(p.name for p in out.iterdir())
    assert names == ["claims.tsv", "claims_members.tsv", "params.json", "plots", "ranking.tsv",
                     "report.html", "results.tsv", "results_ora.tsv", "summary.txt"]
    res = pd.read_csv(out / "results.tsv", sep="\t", comment="#")
    assert list(res.columns[:2]) == ["contrast", "term"]
    assert set(res["contrast"]) == {"F_8W - F_SED", "M_8W - M_SED"}
    # the positive control behaves as the MoTrPAC authors report (NES about +2.4 to +3.6)
    ox = res[res["term"] == "CONTROL_OXPHOS"].set_index("contrast")
    assert (ox["nes"] > 2.4).all() and (ox["padj"] < 1e-10).all()
    # and the mechanism sets are near null on this data (nothing at padj < 0.05)
    # (sets with fewer than 3 ranked members get no p-value: NaN, with a note)
    mams = res[res["term"].str.startswith("MAMS_")]
    assert len(mams) > 40 and (mams["padj"].dropna() > 0.05).all()
    small = mams[mams["size"] < 3]
    assert len(small) and small["padj"].isna().all() and small["note"].str.contains("min_size_pval").all()
    params = json.loads((out / "params.json").read_text())
    assert params["gsea"]["params"]["seed"] == 1
    assert params["input"]["score"] == "z"
    assert params["gsea"]["mapping"]["input"]["species"] == "rat"
    assert "CONTROL_OXPHOS" in captured.out and "positive controls" in captured.out
    assert "bundled example" in captured.err
    html = (out / "report.html").read_text()
    assert html.count("data:image/png;base64,") >= 4 and "<script src" not in html
    assert (out / "plots" / "member_heatmap.png").stat().st_size > 10_000
    # an existing output folder is not overwritten without --force
    rc = main(["run", "-o", str(out)])
    err = capsys.readouterr().err
    assert rc == 2 and "--force" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("fixture", "extra", "score"),
    [
        ("deseq2.csv", ["--dropna"], "stat"),
        ("limma.tsv", [], "t"),
        ("edger.tsv", [], "sign(logFC)*-log10(PValue)"),
        ("seurat.csv", [], "sign(avg_log2FC)*-log10(p_val)"),
        ("limma_long.tsv", [], "t"),
        ("ranking.rnk", [], "score"),
    ],
)
def test_run_from_each_table_style(tests_data, tmp_path, capsys, fixture, extra, score):
    out = tmp_path / "o"
    rc = main(["run", str(tests_data / "tables" / fixture), "-o", str(out), "--seed", "3",
               "--method", "permutation", "--n-perm", "200", "--no-plots", *extra])
    captured = capsys.readouterr()
    assert rc == 0, captured.err
    params = json.loads((out / "params.json").read_text())
    assert params["input"]["score"] == score
    res = pd.read_csv(out / "results.tsv", sep="\t", comment="#")
    ox = res[res["term"] == "CONTROL_OXPHOS"]
    # the simulated data shift OXPHOS subunits up (trained contrast)
    assert ox["nes"].max() > 1.5
    assert (out / "report.html").exists()
    assert (out / "results_ora.tsv").exists() == (fixture not in ("ranking.rnk",))


def test_bad_table_lists_columns(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    pd.DataFrame({"gene": ["A", "B"], "foo": [1, 2], "bar": [3, 4]}).to_csv(bad, index=False)
    rc = main(["run", str(bad), "-o", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert rc == 2
    assert "'foo'" in err and "score=" in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()


def test_duplicates_error_in_cli(tmp_path, capsys):
    dup = tmp_path / "dup.tsv"
    pd.DataFrame({"gene": ["NDUFA1", "NDUFA1", "ITPR1"], "t": [1.0, 2.0, 3.0]}).to_csv(
        dup, sep="\t", index=False)
    rc = main(["run", str(dup), "-o", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert rc == 2 and "NDUFA1" in err and "max_abs" in err


_MAIN = "import sys; from mamsets.cli import main; sys.exit(main(sys.argv[1:]))"


def test_help_and_subprocess_smoke(tmp_path, tests_data):
    env = {**os.environ, "MPLBACKEND": "Agg"}
    h = subprocess.run([sys.executable, "-m", "mamsets", "run", "--help"], capture_output=True,
                       text=True, env=env, check=False)
    if h.returncode != 0:  # no __main__ module: use the CLI entry point function
        h = subprocess.run([sys.executable, "-c", _MAIN, "run", "--help"],
                           capture_output=True, text=True, env=env, check=False)
    assert h.returncode == 0 and "--force" in h.stdout and "bundled" in h.stdout
    p = subprocess.run(
        [sys.executable, "-c", _MAIN,
         "run", str(tests_data / "tables" / "limma.tsv"), "-o", str(tmp_path / "o"),
         "--method", "permutation", "--n-perm", "100", "--seed", "1", "--no-plots"],
        capture_output=True, text=True, env=env, check=False,
    )
    assert p.returncode == 0, p.stderr
    assert "wrote" in p.stdout


def test_run_with_own_gmt(tests_data, tmp_path, capsys):
    ranked = pd.read_csv(tests_data / "tables" / "limma.tsv", sep="\t")
    ox = [g for g in ranked.index if g.startswith(("NDUF", "COX"))]
    gmt = tmp_path / "mine.gmt"
    gmt.write_text("MY_OXPHOS\tmy set\t" + "\t".join(ox) + "\n"
                   "MY_IP3R\tIP3 receptors\tITPR1\tITPR2\tITPR3\n")
    out = tmp_path / "o"
    rc = main(["run", str(tests_data / "tables" / "limma.tsv"), "--gmt", str(gmt), "-o", str(out),
               "--seed", "1", "--method", "permutation", "--n-perm", "200"])
    captured = capsys.readouterr()
    assert rc == 0, captured.err
    res = pd.read_csv(out / "results.tsv", sep="\t", comment="#").set_index("term")
    assert set(res.index) == {"MY_OXPHOS", "MY_IP3R"}
    assert res.loc["MY_OXPHOS", "nes"] > 1.5
    assert any(p.name.startswith("enrichment_MY_OXPHOS") for p in (out / "plots").iterdir())


def test_run_without_matplotlib(tests_data, tmp_path, capsys, monkeypatch):
    """A fresh `pip install .` has no matplotlib: the main job still writes everything but plots."""
    import builtins
    import importlib.util

    real_import, real_find = builtins.__import__, importlib.util.find_spec

    def fake_import(name, *a, **k):
        if name == "matplotlib" or name.startswith("matplotlib."):
            raise ImportError("No module named 'matplotlib'")
        return real_import(name, *a, **k)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda n, *a: None if n == "matplotlib" else real_find(n, *a))
    out = tmp_path / "o"
    rc = main(["run", str(tests_data / "tables" / "limma.tsv"), "-o", str(out), "--seed", "1",
               "--method", "permutation", "--n-perm", "100"])
    err = capsys.readouterr().err
    assert rc == 0, err
    assert "mamsets[plot]" in err
    assert (out / "report.html").exists() and not (out / "plots").exists()


def test_run_one_contrast(tests_data, tmp_path, capsys):
    out = tmp_path / "o"
    rc = main(["run", str(tests_data / "tables" / "limma_long.tsv"), "--contrast",
               "trained_vs_sedentary", "-o", str(out), "--seed", "1", "--method", "permutation",
               "--n-perm", "100", "--no-plots"])
    assert rc == 0, capsys.readouterr().err
    res = pd.read_csv(out / "results.tsv", sep="\t", comment="#")
    assert set(res["contrast"]) == {"trained_vs_sedentary"}
    rc = main(["run", str(tests_data / "tables" / "limma_long.tsv"), "--contrast", "nope",
               "-o", str(tmp_path / "o2")])
    assert rc == 2 and "choose from" in capsys.readouterr().err


def test_run_maps_the_library_as_the_api_does(tmp_path: Path) -> None:
    """One ortholog rule: `mamsets run` and ms.gsea() give the same sets (issue 13: NDUFS6)."""
    import warnings

    import mamsets as ms
    from mamsets.model import GeneSetCollection

    out = tmp_path / "r"
    assert main(["run", "-o", str(out), "--seed", "5", "--n-perm", "300", "--no-ora",
                 "--no-plots", "--contrast", "M_8W - M_SED"]) == 0
    cli = pd.read_csv(out / "results.tsv", sep="\t", comment="#").set_index("term")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = ms.read_ranking(ms.load_example(), duplicates="max_abs", dropna=True)
        lib, ctl = ms.library(include_raw=False), ms.controls()
        coll = GeneSetCollection(lib.sets + ctl.sets, name="x", version=lib.version,
                                 species="human", id_type="symbol")
        api = ms.gsea(r.series("M_8W - M_SED"), coll, n_perm=300, rng=5).table.set_index("term")
    api = api.loc[cli.index]
    assert (cli["size"] == api["size"]).all()
    np.testing.assert_allclose(cli["es"], api["es"], rtol=0, atol=1e-12)
    le = cli.loc["CONTROL_OXPHOS", "leading_edge"].split(";")
    assert "Ndufs6" not in le  # MoTrPAC's 'Ndufs6' is another gene (RGD:3156); NDUFS6 is Ndufs6l1
