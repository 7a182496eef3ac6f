"""``mamsets gsea`` over many contrasts: --stream, --scheduler, --progress (issue 15)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mamsets.cli import main

pytestmark = pytest.mark.filterwarnings("ignore::mamsets.errors.MamsetsWarning")

ARGS = ["--method", "permutation", "--n-perm", "200", "--seed", "5", "--no-plots"]


def test_stream_writes_the_same_results_tsv(tests_data: Path, tmp_path: Path, capsys) -> None:
    table = str(tests_data / "tables" / "limma_long.tsv")
    assert main(["gsea", table, *ARGS, "-o", str(tmp_path / "all")]) == 0
    assert main(["gsea", table, *ARGS, "--stream", "-o", str(tmp_path / "stream")]) == 0
    assert "--stream: no report" in capsys.readouterr().out
    stream = tmp_path / "stream"
    assert sorted(p.name for p in stream.iterdir()) == ["params.json", "results.tsv"]
    assert (stream / "results.tsv").read_bytes() == (tmp_path / "all" / "results.tsv").read_bytes()
    params = json.loads((stream / "params.json").read_text())
    full = json.loads((tmp_path / "all" / "params.json").read_text())
    assert params["gsea"] == full["gsea"] and params["input"] == full["input"]
    assert {v["seed"] for v in params["gsea"]["params"]["by_contrast"].values()} == {5}
    # the output folder is refused when it exists, as without --stream
    assert main(["gsea", table, *ARGS, "--stream", "-o", str(stream)]) != 0
    assert "exists" in capsys.readouterr().err


def test_scheduler_address_gives_the_same_results(tests_data: Path, tmp_path: Path) -> None:
    from dask.distributed import LocalCluster

    table = str(tests_data / "tables" / "limma_long.tsv")
    assert main(["gsea", table, *ARGS, "--stream", "-o", str(tmp_path / "here")]) == 0
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                      dashboard_address=None) as cluster:
        assert main(["gsea", table, *ARGS, "--stream", "--scheduler", cluster.scheduler_address,
                     "-o", str(tmp_path / "dask")]) == 0
    assert ((tmp_path / "dask" / "results.tsv").read_bytes()
            == (tmp_path / "here" / "results.tsv").read_bytes())


def test_progress_flag(tests_data: Path, tmp_path: Path, capsys) -> None:
    table = str(tests_data / "tables" / "limma_long.tsv")
    assert main(["gsea", table, *ARGS, "--stream", "--progress", "-o", str(tmp_path / "a")]) == 0
    assert "gsea contrasts" in capsys.readouterr().err
    assert main(["gsea", table, *ARGS, "--stream", "--no-progress", "-o", str(tmp_path / "b")]) == 0
    assert "gsea contrasts" not in capsys.readouterr().err
