"""``mamsets gsea`` command line."""

from __future__ import annotations

import json
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
    assert params["params"]["seed"] == 4 and params["params"]["n_perm"] == 500
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
    assert main([*args, "--force"]) == 0
    assert (out / "results.tsv").exists() and not (out / "keep.txt").exists()


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
                 "--eps", "--n-jobs", "--gene-column", "--score-column", "--force"):
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
    assert "3 gene sets tested" in proc.stdout
    assert _read(out).shape == (3, len(GSEA_SCHEMA))
