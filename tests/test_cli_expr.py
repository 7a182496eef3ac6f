"""``mamsets score`` and ``mamsets phenotype-gsea`` on a small matrix."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from mamsets.cli import main


def _files(tmp_path: Path) -> tuple[Path, Path, Path]:
    rng = np.random.default_rng(0)
    genes = [f"G{i}" for i in range(200)]
    x = pd.DataFrame(rng.normal(6, 1, size=(200, 16)), index=pd.Index(genes, name="NAME"),
                     columns=[f"s{j}" for j in range(16)])
    x.iloc[:20, :8] += 1.0
    expr = tmp_path / "expr.tsv"
    x.to_csv(expr, sep="\t")
    cls = tmp_path / "p.cls"
    cls.write_text("16 2 1\n# T C\n" + " ".join(["T"] * 8 + ["C"] * 8) + "\n")
    gmt = tmp_path / "s.gmt"
    gmt.write_text("UP\tna\t" + "\t".join(genes[:20]) + "\nR\tna\t" + "\t".join(genes[50:70]) + "\n")
    return expr, cls, gmt


def test_score_writes_scores_and_comparison(tmp_path: Path, capsys) -> None:
    expr, cls, gmt = _files(tmp_path)
    assert main(["score", str(expr), "--cls", str(cls), "--gmt", str(gmt), "-o", str(tmp_path / "o")]) == 0
    scores = pd.read_csv(tmp_path / "o" / "scores.tsv", sep="\t", index_col=0)
    assert scores.shape == (16, 2)
    cmp = pd.read_csv(tmp_path / "o" / "compare.tsv", sep="\t")
    assert cmp.loc[0, "term"] == "UP" and cmp.loc[0, "effect"] > 0
    # each set's per-sample scores by group, with the interval in the panel title
    assert (tmp_path / "o" / "plots" / "scores_by_group.png").stat().st_size > 5000


def test_score_groups_plot_titles_carry_the_interval() -> None:
    import numpy as np

    import mamsets as ms
    from mamsets.plot import score_groups

    rng = np.random.default_rng(1)
    scores = pd.DataFrame({"UP": np.r_[rng.normal(1, 0.1, 6), rng.normal(0, 0.1, 6)],
                           "FLAT": rng.normal(0, 0.1, 12)}, index=[f"s{i}" for i in range(12)])
    groups = pd.Series(["a"] * 6 + ["b"] * 6, index=scores.index)
    cmp = ms.compare_scores(scores, groups)
    fig = score_groups(scores, groups, compare=cmp)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles[0].startswith("UP\n") and "padj" in titles[0]  # smallest p first
    assert len(fig.axes) == 2


def test_phenotype_gsea_command_and_errors(tmp_path: Path, capsys) -> None:
    expr, cls, gmt = _files(tmp_path)
    out = tmp_path / "g"
    assert main(["phenotype-gsea", str(expr), "--cls", str(cls), "--gmt", str(gmt), "--n-perm", "100",
                 "--seed", "3", "-o", str(out)]) == 0
    # params.json has mamsets gsea's layout: the input, then the method's record
    params = json.loads((out / "params.json").read_text())["phenotype_gsea"]["params"]
    assert params["seed"] == 3 and params["metric"] == "signal_to_noise"
    table = pd.read_csv(out / "results.tsv", sep="\t", comment="#")
    assert table.loc[0, "term"] == "UP"
    assert main(["phenotype-gsea", str(expr), "--gmt", str(gmt), "-o", str(tmp_path / "x")]) == 2
    assert "no phenotype" in capsys.readouterr().err


def test_gsea_with_cls_routes_to_phenotype_gsea(tmp_path: Path) -> None:
    expr, cls, gmt = _files(tmp_path)
    args = ["--gmt", str(gmt), "--n-perm", "100", "--seed", "3", "--min-size", "15"]
    assert main(["gsea", str(expr), "--cls", str(cls), *args, "-o", str(tmp_path / "a")]) == 0
    assert main(["phenotype-gsea", str(expr), "--cls", str(cls), *args, "-o", str(tmp_path / "b")]) == 0
    a = pd.read_csv(tmp_path / "a" / "results.tsv", sep="\t", comment="#")
    b = pd.read_csv(tmp_path / "b" / "results.tsv", sep="\t", comment="#")
    pd.testing.assert_frame_equal(a, b)
    record = json.loads((tmp_path / "a" / "params.json").read_text())
    assert record["phenotype_gsea"]["params"]["metric"] == "signal_to_noise"


def test_gsea_cls_route_refuses_ranked_only_flags_and_adds_controls(tmp_path: Path, capsys) -> None:
    expr, cls, _gmt = _files(tmp_path)
    assert main(["gsea", str(expr), "--cls", str(cls), "--method", "permutation",
                 "-o", str(tmp_path / "x")]) == 2
    assert "--method" in capsys.readouterr().err


def test_gsea_cls_route_writes_the_report_and_the_observed_ranking(tmp_path: Path, capsys) -> None:
    import mamsets as ms
    from mamsets.engines.phenotype_gsea import metric_ranking

    expr, cls, gmt = _files(tmp_path)
    out = tmp_path / "a"
    assert main(["gsea", str(expr), "--cls", str(cls), "--gmt", str(gmt), "--n-perm", "100",
                 "--seed", "3", "--min-size", "15", "-o", str(out)]) == 0
    assert "report.html" in capsys.readouterr().out
    html = (out / "report.html").read_text()
    assert "UP" in html and "signal_to_noise" in html
    assert any((out / "plots").glob("*.png"))
    # ranking.tsv holds the metric of the observed labels, as phenotype_gsea ranked the genes
    ranked = pd.read_csv(out / "ranking.tsv", sep="\t", comment="#", index_col="gene")["score"]
    e = ms.read_expression(str(expr), cls=str(cls))
    expected = metric_ranking(e, None, metric="signal_to_noise")
    assert list(ranked.index[:10]) == list(expected.index[:10])
    np.testing.assert_allclose(ranked.loc[expected.index].to_numpy(), expected.to_numpy(), rtol=1e-6)
    # --no-plots and an existing folder without --force
    assert main(["phenotype-gsea", str(expr), "--cls", str(cls), "--gmt", str(gmt), "--n-perm", "100",
                 "--seed", "3", "--no-plots", "-o", str(tmp_path / "b")]) == 0
    assert not (tmp_path / "b" / "plots").exists() and (tmp_path / "b" / "report.html").exists()
    assert main(["phenotype-gsea", str(expr), "--cls", str(cls), "--gmt", str(gmt), "--n-perm", "100",
                 "-o", str(tmp_path / "b")]) == 2
