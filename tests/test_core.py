"""Data model, result container, rng handling and atomic output."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mamsets._atomic import atomic_dir
from mamsets._random import as_generator, resolve_seed, spawn_generators
from mamsets.errors import InputError, OutputExistsError
from mamsets.model import GeneSet, GeneSetCollection, Member
from mamsets.results import EnrichmentResult, conform_table, empty_table

SCHEMA = {"term": "object", "size": "int64", "pval": "float64", "genes": "object"}


def test_geneset_is_immutable_and_refuses_duplicates() -> None:
    gs = GeneSet("A", ("x", "y"), members=(Member("x", "HGNC:1", "caption"),))
    with pytest.raises(dataclasses.FrozenInstanceError):
        gs.id = "B"  # type: ignore[misc]
    with pytest.raises(InputError, match=r"duplicated genes \['x'\]"):
        GeneSet("A", ("x", "y", "x"))
    with pytest.raises(InputError, match="tabs"):
        GeneSet("A\tB", ("x",))
    assert gs.member("x").role == "caption"
    with pytest.raises(KeyError):
        gs.member("y")


def test_collection_lookup_and_identity() -> None:
    c = GeneSetCollection.from_dict({"MAMS_A": ["x", "y"], "MAMS_B": ["z"]}, name="t")
    assert c.ids == ("MAMS_A", "MAMS_B")
    assert c["MAMS_B"].genes == ("z",)
    assert c.genes == frozenset({"x", "y", "z"})
    with pytest.raises(KeyError, match="similar ids"):
        c["A"]
    with pytest.raises(InputError, match="duplicate set id"):
        GeneSetCollection(sets=(GeneSet("A", ("x",)), GeneSet("A", ("y",))))
    # sha256 is of the GMT text: independent check with hashlib on the literal text
    import hashlib

    assert c.sha256 == hashlib.sha256(b"MAMS_A\t\tx\ty\nMAMS_B\t\tz\n").hexdigest()
    assert c.sha256 is c.sha256  # computed once (cached on the frozen instance)
    assert c.filter(min_size=2).ids == ("MAMS_A",)
    assert c.select(["MAMS_B", "MAMS_A"]).ids == ("MAMS_B", "MAMS_A")
    assert list(c.summary().columns) == ["id", "title", "level", "pathways", "size", "tags", "description"]


def test_rng_resolution() -> None:
    ss, seed = resolve_seed(42)
    assert seed == 42
    a = as_generator(42).random(3)
    b = as_generator(42).random(3)
    np.testing.assert_array_equal(a, b)
    ss_none, seed_none = resolve_seed(None)
    assert isinstance(seed_none, int)
    # the recorded entropy reproduces the stream
    np.testing.assert_array_equal(
        np.random.default_rng(ss_none).random(2), np.random.default_rng(seed_none).random(2)
    )
    g = [x.random() for x in spawn_generators(np.random.SeedSequence(1), 3)]
    assert len(set(g)) == 3
    for bad in (-1, "1", True, 1.5):
        with pytest.raises(InputError, match="rng="):
            resolve_seed(bad)  # type: ignore[arg-type]


def test_conform_table_fixed_schema() -> None:
    e = conform_table(pd.DataFrame(columns=list(SCHEMA)), SCHEMA)
    assert list(e.columns) == list(SCHEMA)
    assert str(e["size"].dtype) == "int64"
    with pytest.raises(KeyError, match="pval"):
        conform_table(pd.DataFrame({"term": ["a"], "size": [1]}), SCHEMA)
    assert list(empty_table(SCHEMA).dtypes.astype(str)) == ["object", "int64", "float64", "object"]
    full = conform_table(pd.DataFrame({"term": ["a"], "size": [1.0], "pval": [1], "genes": [("x",)]}), SCHEMA)
    assert list(full.dtypes.astype(str)) == ["object", "int64", "float64", "object"]


def test_result_metadata_and_tsv(tmp_path: Path) -> None:
    t = pd.DataFrame({"term": ["A"], "size": [2], "pval": [0.5], "genes": [("x", "y")]})
    r = EnrichmentResult("ora", conform_table(t, SCHEMA), {"seed": np.int64(3)}, "c", "1", "ab" * 32)
    with pytest.raises(TypeError):
        r.params["seed"] = 4  # type: ignore[index]
    out = tmp_path / "r.tsv"
    r.to_tsv(out)
    first = out.read_text().splitlines()[0]
    meta = json.loads(first[2:])
    assert meta["params"]["seed"] == 3 and meta["collection"]["sha256"] == "ab" * 32
    back = pd.read_csv(out, sep="\t", comment="#")
    assert back.loc[0, "genes"] == "x;y"
    with pytest.raises(OutputExistsError):
        r.to_tsv(out)


def test_atomic_dir_leaves_nothing_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "out"
    with pytest.raises(RuntimeError):
        with atomic_dir(target) as d:
            (d / "half.tsv").write_text("x")
            raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []
    with atomic_dir(target) as d:
        (d / "a.txt").write_text("1")
    assert (target / "a.txt").read_text() == "1"
    with pytest.raises(OutputExistsError):
        with atomic_dir(target):
            pass
    with atomic_dir(target, overwrite=True) as d:
        (d / "a.txt").write_text("3")
        (d / "b.txt").write_text("2")
    assert sorted(p.name for p in target.iterdir()) == ["a.txt", "b.txt"]
    assert (target / "a.txt").read_text() == "3"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_atomic_dir_never_destroys_foreign_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a user's project folder holding their input table and notes
    proj = tmp_path / "proj"
    proj.mkdir()
    (proj / "deseq2.csv").write_text("input")
    (proj / "notes.txt").write_text("mine")
    with pytest.raises(OutputExistsError, match="deseq2.csv, notes.txt"):
        with atomic_dir(proj, overwrite=True) as d:
            (d / "results.tsv").write_text("x")
    assert sorted(p.name for p in proj.iterdir()) == ["deseq2.csv", "notes.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["proj"]  # no temp leftovers
    # a file is never replaced by an output folder
    with pytest.raises(OutputExistsError, match="is a file"):
        with atomic_dir(proj / "deseq2.csv", overwrite=True):
            pass
    assert (proj / "deseq2.csv").read_text() == "input"
    # nor the current folder or one containing it
    monkeypatch.chdir(proj)
    for target in (".", "..", str(proj)):
        with pytest.raises(OutputExistsError, match="current folder"):
            with atomic_dir(target, overwrite=True):
                pass
    assert sorted(p.name for p in proj.iterdir()) == ["deseq2.csv", "notes.txt"]


def test_atomic_outputs_have_normal_permissions(tmp_path: Path) -> None:
    import os
    import stat

    from mamsets._atomic import atomic_write_text

    old = os.umask(0o022)
    try:
        f = atomic_write_text(tmp_path / "f.txt", "x")
        with atomic_dir(tmp_path / "d") as d:
            (d / "g").write_text("y")
    finally:
        os.umask(old)
    assert stat.S_IMODE(f.stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "d").stat().st_mode) == 0o755


def test_stack_results_lives_in_results_and_report_re_exports_it():
    import pandas as pd

    from mamsets import report, results
    from mamsets.errors import InputError

    assert report.stack_results is results.stack_results
    a = results.EnrichmentResult("ora", pd.DataFrame({"term": ["S1"], "pval": [0.5]}), {"seed": 1},
                                 "c", "", "a" * 64)
    b = results.EnrichmentResult("ora", pd.DataFrame({"term": ["S1"], "pval": [0.1]}), {"seed": 2},
                                 "c", "", "a" * 64)
    st = results.stack_results({"x": a, "y": b})
    assert st.table.to_dict("list") == {"contrast": ["x", "y"], "term": ["S1", "S1"],
                                        "pval": [0.5, 0.1]}
    assert st.params["by_contrast"] == {"x": {"seed": 1}, "y": {"seed": 2}}
    other = results.EnrichmentResult("ora", a.table, {}, "c", "", "b" * 64)
    with pytest.raises(InputError, match="one method and collection"):
        results.stack_results({"x": a, "y": other})
