"""``mamsets ora``: gene lists and DE tables in, results.tsv + params.json out.

Expected numbers come from ``scipy.stats.hypergeom`` on counts written out by
hand from the fixtures in ``tests/data/ora`` (see its README).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from scipy.stats import hypergeom

from mamsets.cli import main

UP = ["ITPR1", "ITPR2", "ITPR3", "RYR1", "RYR2", "ACTB"]
DOWN = ["MFN1", "MFN2", "DNM1L", "FIS1", "GAPDH"]
N_MEASURED = 67  # genes with statistics in every DE fixture


@pytest.fixture
def d(tests_data):
    return tests_data / "ora"


def read_results(out):
    return pd.read_csv(out / "results.tsv", sep="\t", comment="#")


def test_lists_with_gmt(d, tmp_path, capsys):
    out = tmp_path / "res"
    rc = main(
        [
            "ora",
            str(d / "up.txt"),
            str(d / "down.txt"),
            "--universe",
            str(d / "universe.txt"),
            "--gmt",
            str(d / "toy.gmt"),
            "-o",
            str(out),
        ]
    )
    assert rc == 0
    t = read_results(out)
    assert t["query"].drop_duplicates().tolist() == ["up", "down"]
    row = t[(t["query"] == "up") & (t["term"] == "IP3R")].iloc[0]
    # N=67, IP3R K=3 all in the universe, n=6 up genes, k=3
    assert row["pval"] == pytest.approx(hypergeom.sf(2, N_MEASURED, 3, 6), rel=1e-12)
    fusion = t[(t["query"] == "down") & (t["term"] == "FUSION")].iloc[0]
    assert fusion["size"] == 2 and fusion["n_lost_to_universe"] == 1  # OPA1 not measured
    assert fusion["overlap_genes"] == "MFN1;MFN2"
    params = json.loads((out / "params.json").read_text())["ora"]
    assert params["method"] == "ora" and params["params"]["universe_size"] == N_MEASURED
    assert params["params"]["gene_sets"]["source"] == "gmt"
    assert "IP3R" in capsys.readouterr().out


def test_from_deseq2_table_with_builtin_library(d, tmp_path, capsys):
    out = tmp_path / "res"
    rc = main(["ora", "--from-table", str(d / "deseq2_results.csv"), "-o", str(out)])
    assert rc == 0
    params = json.loads((out / "params.json").read_text())["ora"]["params"]
    src = params["input"]
    assert (src["gene_column"], src["padj_column"], src["lfc_column"]) == (
        "(row names)",
        "padj",
        "log2FoldChange",
    )
    assert (src["n_up"], src["n_down"]) == (6, 5)
    assert src["n_rows_without_statistics"] == 3
    assert params["universe_size"] == N_MEASURED
    t = read_results(out)
    assert set(t["query"]) == {"up", "down"}
    ip3 = t[(t["query"] == "up") & (t["term"] == "MAMS_IP3_RECEPTORS")].iloc[0]
    assert (ip3["size"], ip3["overlap"]) == (3, 3)
    assert ip3["pval"] == pytest.approx(hypergeom.sf(2, N_MEASURED, 3, 6), rel=1e-12)
    for _, r in t.iterrows():  # every row against scipy
        n = 6 if r["query"] == "up" else 5
        assert r["pval"] == pytest.approx(
            hypergeom.sf(r["overlap"] - 1, N_MEASURED, r["size"], n), rel=1e-12
        )
    captured = capsys.readouterr()
    assert "up: 6 genes" in captured.out and "3 row(s) without" in captured.err
    lists = pd.read_csv(out / "lists.tsv", sep="\t")
    assert lists[lists["query"] == "up"]["gene"].tolist() == UP
    assert sorted(lists[lists["query"] == "down"]["gene"]) == sorted(DOWN)
    assert len((out / "universe.txt").read_text().split()) == N_MEASURED


@pytest.mark.parametrize(
    ("name", "cols"),
    [
        ("edger_toptags.tsv", ("(row names)", "FDR", "logFC")),
        ("limma_toptable.tsv", ("ID", "adj.P.Val", "logFC")),
        ("seurat_markers.tsv", ("gene", "p_val_adj", "avg_log2FC")),
    ],
)
def test_from_other_tools_tables(d, tmp_path, name, cols, capsys):
    out = tmp_path / "res"
    args = ["ora", "--from-table", str(d / name), "--gmt", str(d / "toy.gmt"), "-o", str(out)]
    if name.startswith("limma"):  # ITPR1 twice: an error unless a --duplicates rule is chosen
        assert main(args) == 2 and not out.exists()
        assert "occur more than once" in capsys.readouterr().err
        args += ["--duplicates", "min_padj"]
    rc = main(args)
    assert rc == 0
    src = json.loads((out / "params.json").read_text())["ora"]["params"]["input"]
    assert (src["gene_column"], src["padj_column"], src["lfc_column"]) == cols
    assert (src["n_up"], src["n_down"]) == (
        6,
        5,
    )  # limma's duplicate ITPR1 row is not counted twice
    if name.startswith("limma"):
        assert src["n_duplicated_ids"] == 1 and src["duplicates"] == "min_padj"
        assert "kept the row with the smallest 'adj.P.Val'" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("rule", "itpr1_up"), [("first", False), ("min_padj", True), ("error", None)]
)
def test_duplicates_rules(d, tmp_path, capsys, rule, itpr1_up):
    # limma fixture with its rows reversed: ITPR1's non-significant row (adj.P.Val 0.9) now
    # comes first, its significant up row (8.47e-05) last
    lines = (d / "limma_toptable.tsv").read_text().splitlines(keepends=True)
    path = tmp_path / "reversed.tsv"
    path.write_text(lines[0] + "".join(reversed(lines[1:])))
    out = tmp_path / "res"
    rc = main(
        [
            "ora",
            "--from-table",
            str(path),
            "--gmt",
            str(d / "toy.gmt"),
            "--no-plots",
            "--duplicates",
            rule,
            "-o",
            str(out),
        ]
    )
    if itpr1_up is None:
        assert rc == 2 and "1 gene identifier(s) occur more than once" in capsys.readouterr().err
        return
    assert rc == 0
    lists = pd.read_csv(out / "lists.tsv", sep="\t")
    up = set(lists.loc[lists["query"] == "up", "gene"])
    assert up == (set(UP) if itpr1_up else set(UP) - {"ITPR1"})
    assert set(lists.loc[lists["query"] == "down", "gene"]) == set(DOWN)
    universe = (out / "universe.txt").read_text().split()
    assert len(universe) == N_MEASURED and len(set(universe)) == N_MEASURED
    src = json.loads((out / "params.json").read_text())["ora"]["params"]["input"]
    assert (src["duplicates"], src["n_duplicated_ids"]) == (rule, 1)


def test_duplicates_flag_needs_a_table(d, tmp_path, capsys):
    rc = main(
        [
            "ora",
            str(d / "up.txt"),
            "--universe",
            str(d / "universe.txt"),
            "--duplicates",
            "first",
            "-o",
            str(tmp_path / "res"),
        ]
    )
    assert rc == 2 and "--duplicates applies to --from-table only" in capsys.readouterr().err


def test_thresholds(d, tmp_path):
    out = tmp_path / "res"
    rc = main(
        [
            "ora",
            "--from-table",
            str(d / "seurat_markers.tsv"),
            "--gmt",
            str(d / "toy.gmt"),
            "--lfc-min",
            "2.0",
            "--padj-max",
            "0.01",
            "-o",
            str(out),
        ]
    )
    assert rc == 0
    src = json.loads((out / "params.json").read_text())["ora"]["params"]["input"]
    tab = pd.read_csv(d / "seurat_markers.tsv", sep="\t")
    sel = tab[(tab["p_val_adj"] <= 0.01) & (tab["avg_log2FC"].abs() >= 2.0)]
    assert src["n_up"] == int((sel["avg_log2FC"] > 0).sum())
    assert src["n_down"] == int((sel["avg_log2FC"] < 0).sum())


def test_explicit_columns_and_unknown_columns(d, tmp_path, capsys):
    rc = main(["ora", "--from-table", str(d / "unknown_columns.tsv"), "-o", str(tmp_path / "x")])
    assert rc == 2
    err = capsys.readouterr().err
    assert "columns seen: ['name', 'score', 'q']" in err and "--gene-column" in err
    assert not (tmp_path / "x").exists()
    rc = main(
        [
            "ora",
            "--from-table",
            str(d / "unknown_columns.tsv"),
            "--gene-column",
            "name",
            "--padj-column",
            "q",
            "--lfc-column",
            "score",
            "--gmt",
            str(d / "toy.gmt"),
            "-o",
            str(tmp_path / "y"),
        ]
    )
    assert rc == 0


def test_existing_output_needs_force(d, tmp_path, capsys):
    out = tmp_path / "res"
    args = [
        "ora",
        str(d / "up.txt"),
        "--universe",
        str(d / "universe.txt"),
        "--gmt",
        str(d / "toy.gmt"),
        "-o",
        str(out),
    ]
    assert main(args) == 0
    assert main(args) == 2
    assert "--force" in capsys.readouterr().err
    assert main([*args, "--force"]) == 0


def test_user_errors_exit_2(d, tmp_path, capsys):
    base = ["--gmt", str(d / "toy.gmt"), "-o", str(tmp_path / "o")]
    assert main(["ora", str(d / "up.txt"), *base]) == 2
    assert "--universe is required" in capsys.readouterr().err
    # a table given as a plain list
    assert (
        main(["ora", str(d / "seurat_markers.tsv"), "--universe", str(d / "universe.txt"), *base])
        == 2
    )
    assert "pass --column" in capsys.readouterr().err
    # genes outside the universe
    (tmp_path / "odd.txt").write_text("ITPR1\nNOTMEASURED\n")
    assert (
        main(["ora", str(tmp_path / "odd.txt"), "--universe", str(d / "universe.txt"), *base]) == 2
    )
    assert "NOTMEASURED" in capsys.readouterr().err
    assert (
        main(
            [
                "ora",
                str(tmp_path / "odd.txt"),
                "--universe",
                str(d / "universe.txt"),
                "--outside-universe",
                "drop",
                *base,
            ]
        )
        == 0
    )
    assert (
        main(
            [
                "ora",
                str(tmp_path / "missing.txt"),
                "--universe",
                str(d / "universe.txt"),
                "--gmt",
                str(d / "toy.gmt"),
                "-o",
                str(tmp_path / "p"),
            ]
        )
        == 2
    )


def test_column_of_a_table(d, tmp_path):
    out = tmp_path / "res"
    rc = main(
        [
            "ora",
            str(d / "seurat_markers.tsv"),
            "--universe",
            str(d / "seurat_markers.tsv"),
            "--column",
            "gene",
            "--gmt",
            str(d / "toy.gmt"),
            "-o",
            str(out),
        ]
    )
    assert rc == 0
    t = read_results(out)
    assert (t["overlap"] == t["size"]).all()  # query = universe: every member overlaps
    # a table for GENES and a plain list (gzipped) for the universe
    import gzip

    (tmp_path / "u.txt.gz").write_bytes(gzip.compress((d / "universe.txt").read_bytes()))
    rc = main(
        [
            "ora",
            str(d / "seurat_markers.tsv"),
            "--universe",
            str(tmp_path / "u.txt.gz"),
            "--column",
            "gene",
            "--gmt",
            str(d / "toy.gmt"),
            "-o",
            str(tmp_path / "r2"),
        ]
    )
    assert rc == 0
    assert (
        json.loads((tmp_path / "r2" / "params.json").read_text())["ora"]["params"]["universe_size"]
        == 67
    )


def test_help(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["ora", "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert "--from-table" in out and "--universe" in out and "--padj-max" in out
    assert "--contrast-column" in out and "--controls" in out and "--no-plots" in out


def test_subprocess_smoke(d, tmp_path):
    out = tmp_path / "res"
    code = "import sys; from mamsets.cli import main; sys.exit(main(sys.argv[1:]))"
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            code,
            "ora",
            "--from-table",
            str(d / "seurat_markers.tsv"),
            "--gmt",
            str(d / "toy.gmt"),
            "-o",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert (out / "results.tsv").is_file() and (out / "params.json").is_file()
    assert "up: 6 genes" in proc.stdout


@pytest.mark.shared_data
@pytest.mark.parametrize(
    ("rel", "cols"),
    [
        ("human-exercise-inactivity/mitch_acute_endurance_1h_edger.tsv",
         ("Name", "adj.p.value", "logFC")),
        ("human-muscle-insulin-resistance/obesity_vs_lean_muscle_limma.tsv",
         ("SYMBOL", "adj.P.Val", "logFC")),
    ],
)  # fmt: skip
def test_real_tables(shared_data, tmp_path, rel, cols):
    path = shared_data / rel
    out = tmp_path / "res"
    assert main(["ora", "--from-table", str(path), "-o", str(out)]) == 0
    params = json.loads((out / "params.json").read_text())["ora"]["params"]
    src = params["input"]
    assert (src["gene_column"], src["padj_column"], src["lfc_column"]) == cols
    de = pd.read_csv(path, sep="\t", dtype={cols[0]: str})
    de = de.dropna(subset=list(cols)).drop_duplicates(cols[0])
    assert params["universe_size"] == len(de)
    sel = de[de[cols[1]] <= 0.05]
    assert src["n_up"] == int((sel[cols[2]] > 0).sum())
    t = read_results(out)
    n = {"up": src["n_up"], "down": src["n_down"]}
    expect = hypergeom.sf(t["overlap"] - 1, len(de), t["size"], t["query"].map(n))
    np.testing.assert_allclose(t["pval"], expect, rtol=1e-12)


def test_gseapy_engine_from_the_cli(d, tmp_path):
    args = [
        "ora",
        "--from-table",
        str(d / "limma_toptable.tsv"),
        "--gmt",
        str(d / "toy.gmt"),
        "--duplicates",
        "min_padj",
    ]
    assert main([*args, "-o", str(tmp_path / "a")]) == 0
    assert main([*args, "--engine", "gseapy", "-o", str(tmp_path / "b")]) == 0
    a, b = read_results(tmp_path / "a"), read_results(tmp_path / "b")
    pd.testing.assert_frame_equal(
        a.drop(columns=["pval", "padj"]), b.drop(columns=["pval", "padj"])
    )
    np.testing.assert_allclose(a["pval"], b["pval"], rtol=1e-12)
    assert (
        json.loads((tmp_path / "b" / "params.json").read_text())["ora"]["params"]["engine"]
        == "gseapy"
    )


# --------------------------------------------------------------------------- the main job
# tests/data/tables: simulated tables as each tool writes them (OXPHOS subunits shifted up)
TABLES = [
    # file, how pandas reads it, gene / adjusted p / log fold change columns
    ("deseq2.csv", {"sep": ",", "index_col": 0}, ("padj", "log2FoldChange")),
    ("limma.tsv", {"sep": "\t"}, ("adj.P.Val", "logFC")),
    ("edger.tsv", {"sep": "\t"}, ("FDR", "logFC")),
    ("seurat.csv", {"sep": ",", "index_col": 0}, ("p_val_adj", "avg_log2FC")),
]


@pytest.mark.parametrize(("fixture", "how", "cols"), TABLES, ids=[t[0] for t in TABLES])
def test_each_table_style_end_to_end(tests_data, tmp_path, fixture, how, cols, capsys):
    from mamsets.io.bundled import controls

    path = tests_data / "tables" / fixture
    out = tmp_path / "out"
    assert main(["ora", "--from-table", str(path), "--no-plots", "-o", str(out)]) == 0
    # the printed summary: what was selected, then the controls first, then the top sets
    printed = capsys.readouterr().out
    assert f"lists from {path}: {cols[0]} <= 0.05" in printed
    ctrl = printed.split("positive controls (best first):\n")[1].splitlines()[0]
    assert ctrl.strip().startswith("[up] CONTROL_OXPHOS: overlap")
    assert "sets by p-value" in printed
    assert (out / "summary.txt").read_text().strip() in printed
    assert sorted(p.name for p in out.iterdir()) == [
        "lists.tsv",
        "params.json",
        "ranking.tsv",
        "report.html",
        "results.tsv",
        "summary.txt",
        "universe.txt",
    ]
    params = json.loads((out / "params.json").read_text())["ora"]["params"]
    assert params["gene_sets"] == {"source": "built-in", "include_raw": False, "controls": True}
    # the lists and universe, rebuilt here with pandas
    de = pd.read_csv(path, **how).dropna(subset=list(cols))
    padj, lfc = de[cols[0]], de[cols[1]]
    up = set(de.index[(padj <= 0.05) & (lfc > 0)].astype(str))
    universe = set(de.index.astype(str))
    assert params["universe_size"] == len(universe)
    lists = pd.read_csv(out / "lists.tsv", sep="\t")
    assert set(lists.loc[lists["query"] == "up", "gene"]) == up
    # the positive control against scipy's hypergeometric tail
    oxphos = set(controls()["CONTROL_OXPHOS"].genes) & universe
    t = read_results(out)
    row = t[(t["query"] == "up") & (t["term"] == "CONTROL_OXPHOS")].iloc[0]
    k = len(oxphos & up)
    assert (row["size"], row["overlap"]) == (len(oxphos), k)
    assert row["pval"] == pytest.approx(
        hypergeom.sf(k - 1, len(universe), len(oxphos), len(up)), rel=1e-12
    )
    assert row["padj"] < 1e-3  # the simulated shift is found
    assert "MAMS_FIGURE_RAW_PFOCR" not in set(t["term"])


def test_long_table_lists_per_contrast(tests_data, tmp_path, capsys):
    path = tests_data / "tables" / "limma_long.tsv"
    out = tmp_path / "out"
    # at padj <= 0.05 only the trained contrast has genes; at 0.9 both have
    assert (
        main(["ora", "--from-table", str(path), "--padj-max", "0.9", "--no-plots", "-o", str(out)])
        == 0
    )
    t = read_results(out)
    assert list(t.columns[:2]) == ["contrast", "query"]
    assert t["contrast"].drop_duplicates().tolist() == [
        "trained_vs_sedentary",
        "detrained_vs_sedentary",
    ]
    long = pd.read_csv(path, sep="\t")
    lists = pd.read_csv(out / "lists.tsv", sep="\t")
    for contrast, part in long.groupby("contrast"):
        up = set(part.loc[(part["adj.P.Val"] <= 0.9) & (part["logFC"] > 0), "gene"])
        got = lists[(lists["contrast"] == contrast) & (lists["query"] == "up")]["gene"]
        assert set(got) == up
        rows = t[(t["contrast"] == contrast) & (t["query"] == "up")]
        np.testing.assert_allclose(
            rows["pval"],
            hypergeom.sf(rows["overlap"] - 1, len(part), rows["size"], len(up)),
            rtol=1e-12,
        )
    uni = pd.read_csv(out / "universe.tsv", sep="\t")
    assert uni.groupby("contrast").size().to_dict() == {
        "detrained_vs_sedentary": 400,
        "trained_vs_sedentary": 400,
    }
    # at 0.05 the detrained contrast has nothing: said, and left out
    capsys.readouterr()
    assert main(["ora", "--from-table", str(path), "--no-plots", "-o", str(tmp_path / "b")]) == 0
    assert "'detrained_vs_sedentary': no gene has" in capsys.readouterr().err
    assert set(read_results(tmp_path / "b")["contrast"]) == {"trained_vs_sedentary"}


def test_rnk_is_refused_with_the_way_out(tests_data, tmp_path, capsys):
    out = tmp_path / "out"
    assert (
        main(["ora", "--from-table", str(tests_data / "tables" / "ranking.rnk"), "-o", str(out)])
        == 2
    )
    assert "mamsets gsea" in capsys.readouterr().err
    assert not out.exists()


def test_report_is_one_self_contained_file(tests_data, tmp_path):
    import re

    import matplotlib

    matplotlib.use("Agg")
    out = tmp_path / "out"
    assert (
        main(["ora", "--from-table", str(tests_data / "tables" / "seurat.csv"), "-o", str(out)])
        == 0
    )
    html = (out / "report.html").read_text()
    refs = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)""", html, flags=re.IGNORECASE)
    assert refs and all(r.startswith("data:") for r in refs), refs[:5]
    assert re.findall(r"<script[^>]*>", html.lower()) == ["<script>"]  # the inline table sorter
    assert "<link" not in html.lower() and "url(" not in html and "fetch(" not in html
    assert (out / "plots" / "dotplot.png").stat().st_size > 1000
    # which members moved: the fold changes of the measured genes, as in the table
    assert (out / "plots" / "member_heatmap.png").stat().st_size > 1000
    ranking = pd.read_csv(out / "ranking.tsv", sep="\t").set_index("gene")
    de = pd.read_csv(tests_data / "tables" / "seurat.csv", index_col=0)
    pd.testing.assert_series_equal(
        ranking["lfc"].sort_index(), de["avg_log2FC"].sort_index(), check_names=False
    )
    assert "CONTROL_OXPHOS" in html and "positive controls" in (out / "summary.txt").read_text()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp leftovers


def test_motrpac_example_lists_per_contrast(tmp_path):
    from mamsets.io.examples import example_path

    path = example_path("motrpac_gn_8w")
    out = tmp_path / "out"
    assert main(["ora", "--from-table", str(path), "--no-plots", "-o", str(out)]) == 2
    assert (
        main(
            [
                "ora",
                "--from-table",
                str(path),
                "--no-plots",
                "--duplicates",
                "min_padj",
                "-o",
                str(out),
            ]
        )
        == 0
    )
    de = pd.read_csv(path, sep="\t").dropna(subset=["gene_symbol", "adj.P.Val", "logFC"])
    lists = pd.read_csv(out / "lists.tsv", sep="\t")
    for contrast, part in de.groupby("contrast"):
        # duplicated symbols (several Ensembl genes): with --duplicates min_padj the row with
        # the smallest adjusted p counts
        part = part.sort_values("adj.P.Val", kind="stable").drop_duplicates("gene_symbol")
        sel = part[part["adj.P.Val"] <= 0.05]
        got = lists[lists["contrast"] == contrast]
        assert set(got.loc[got["query"] == "up", "gene"]) == set(
            sel.loc[sel["logFC"] > 0, "gene_symbol"]
        )
        assert set(got.loc[got["query"] == "down", "gene"]) == set(
            sel.loc[sel["logFC"] < 0, "gene_symbol"]
        )
    t = read_results(out)
    ox = t[(t["term"] == "CONTROL_OXPHOS") & (t["query"] == "up")]
    assert len(ox) == 2 and (ox["padj"] < 1e-10).all()


@pytest.mark.parametrize("command", ["ora", "gsea"])
def test_failure_while_writing_leaves_the_old_folder(tests_data, tmp_path, monkeypatch, command):
    import mamsets.report

    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("earlier run")

    def broken(*args, **kwargs):
        raise RuntimeError("disk full while rendering")

    monkeypatch.setattr(mamsets.report, "report_html", broken)
    table = str(tests_data / "tables" / "limma.tsv")
    args = (
        ["ora", "--from-table", table]
        if command == "ora"
        else ["gsea", table, "--method", "permutation", "--n-perm", "50", "--seed", "1"]
    )
    with pytest.raises(RuntimeError, match="disk full"):
        main([*args, "--no-plots", "--force", "-o", str(out)])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no temporary leftovers
    assert [p.name for p in out.iterdir()] == ["keep.txt"]  # the earlier run is untouched


def test_findallmarkers_clusters(tests_data, tmp_path, capsys):
    # Seurat FindAllMarkers: one block of rows per cluster, genes repeated, a 'cluster' column
    one = pd.read_csv(tests_data / "tables" / "seurat.csv", index_col=0)
    both = pd.concat(
        [
            one.assign(cluster=0, gene=one.index),
            one.assign(cluster=1, gene=one.index, avg_log2FC=-one["avg_log2FC"]),
        ]
    )
    path = tmp_path / "markers.csv"
    both.to_csv(path, index=False)
    # without --contrast-column the repeated genes are an error that names the column and
    # the --duplicates rules; no output is written
    assert main(["ora", "--from-table", str(path), "--no-plots", "-o", str(tmp_path / "a")]) == 2
    err = capsys.readouterr().err
    assert "pass --contrast-column cluster" in err and "(candidates: ['cluster'])" in err
    assert "--duplicates min_padj" in err and "--duplicates first" in err
    assert "400 gene identifier(s) occur more than once in 'gene'" in err and "'UQCR11'" in err
    assert not (tmp_path / "a").exists()
    assert (
        main(
            [
                "ora",
                "--from-table",
                str(path),
                "--contrast-column",
                "cluster",
                "--no-plots",
                "-o",
                str(tmp_path / "b"),
            ]
        )
        == 0
    )
    lists = pd.read_csv(tmp_path / "b" / "lists.tsv", sep="\t")
    for cluster, part in both.groupby("cluster"):
        sel = part[part["p_val_adj"] <= 0.05]
        got = lists[lists["contrast"] == cluster]
        assert set(got.loc[got["query"] == "up", "gene"]) == set(sel.index[sel["avg_log2FC"] > 0])
        assert set(got.loc[got["query"] == "down", "gene"]) == set(sel.index[sel["avg_log2FC"] < 0])
    t = read_results(tmp_path / "b")
    assert t["contrast"].drop_duplicates().tolist() == [0, 1]
