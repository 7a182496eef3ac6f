"""Many contrasts: streamed per contrast, shared work changes nothing, bounded memory (issue 15)."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import mamsets as ms
from mamsets.engines import _gsea_inputs, contrasts
from mamsets.engines.gsea import contrast_seeds
from mamsets.errors import InputError, OutputExistsError

pytestmark = pytest.mark.filterwarnings("ignore::mamsets.errors.MamsetsWarning")


def _grid(n_contrasts: int = 6, n_genes: int = 600, drop: bool = False) -> tuple[ms.Ranking, dict]:
    """Correlated contrasts (a shared signal plus noise); with ``drop`` every other contrast
    misses 50 genes (another tissue: another gene universe)."""
    rng = np.random.default_rng(3)
    genes = np.array([f"G{i:04d}" for i in range(n_genes)])
    base = rng.standard_normal(n_genes)
    rows = []
    for c in range(n_contrasts):
        keep = slice(None) if not (drop and c % 2) else slice(50, None)
        t = base + rng.standard_normal(n_genes)
        rows.append(pd.DataFrame({"contrast": f"c{c}", "gene": genes[keep], "t": t[keep]}))
    sets = {f"S{i}": list(rng.choice(genes, int(k), replace=False))
            for i, k in enumerate(rng.integers(2, 50, 30))}
    sets["TOP"] = list(genes[np.argsort(-base)[:25]])
    sets["TOP_AGAIN"] = sets["TOP"][::-1]  # an alias (tested once)
    sets["TOP_TEN"] = sets["TOP"][:10]     # nested in TOP
    return ms.read_ranking(pd.concat(rows, ignore_index=True)), sets


@pytest.mark.parametrize("drop", [False, True])
def test_each_contrast_equals_gsea_alone(drop: bool) -> None:
    ranking, sets = _grid(drop=drop)
    seeds = contrast_seeds(11, ranking.contrasts)[1]
    got = list(ms.iter_gsea(ranking, sets, rng=11, method="permutation", n_perm=200))
    assert [c for c, _ in got] == list(ranking.contrasts)
    for c, res in got:
        alone = ms.gsea(ranking.series(c), sets, rng=seeds[c], method="permutation", n_perm=200)
        pd.testing.assert_frame_equal(res.table, alone.table)
        assert dict(res.params) == dict(alone.params)
        assert dict(res.mapping) == dict(alone.mapping)
        assert res.params["aliases"] == {"TOP": ["TOP_AGAIN"]}
        assert res.table.set_index("term").loc["TOP_TEN", "nested_in"] == ("TOP",)


def test_the_sets_are_matched_once_per_gene_universe(monkeypatch) -> None:
    calls = []
    real = _gsea_inputs.to_user_space

    def counting(*args, **kwargs):
        calls.append(len(args[1]))
        return real(*args, **kwargs)

    monkeypatch.setattr(_gsea_inputs, "to_user_space", counting)
    ranking, sets = _grid(n_contrasts=6, drop=True)
    list(ms.iter_gsea(ranking, sets, rng=1, method="permutation", n_perm=50))
    assert sorted(calls) == [550, 600]  # two universes, six contrasts
    calls.clear()
    ms.gsea(ranking.series("c0"), sets, rng=1, method="permutation", n_perm=50)
    assert calls == [600]


def test_shared_sets_renumber_members_as_select_sets_does() -> None:
    ranking, sets = _grid(n_contrasts=3, drop=True)
    opts = _gsea_inputs.check_options(method="permutation", engine="mamsets", weight=1.0,
                                      min_size=3, max_size=40, n_perm=10, eps=0.0,
                                      sample_size=101, n_jobs=1, rng=0)
    coll = ms.GeneSetCollection.from_dict(sets)
    shared = _gsea_inputs.share_sets(coll, ranking.series("c0").index.to_numpy(object), opts,
                                     None, None)
    for c in ranking.contrasts:
        ranked, scores, _ = _gsea_inputs.check_ranking(ranking.series(c))
        got = shared.for_ranking(ranked, scores)
        if c == "c1":  # another universe (50 genes fewer): not these sets
            assert got is None
            continue
        want = _gsea_inputs.select_sets(coll, ranked, scores, opts, None, None)
        assert got.terms == want.terms and got.n_members == want.n_members
        assert (got.n_small, got.n_large, got.n_missing) == (want.n_small, want.n_large,
                                                             want.n_missing)
        for a, b in zip(got.positions, want.positions):
            np.testing.assert_array_equal(a, b)
            assert a.dtype == b.dtype


def test_matching_does_not_depend_on_the_order_of_the_genes(monkeypatch) -> None:
    lib = ms.library()
    genes = sorted(lib.genes)
    # upper- and lower-case spellings of the same genes: which one a member takes must not
    # depend on the order (the scores) of the ranking
    ids = np.array(genes + [g.lower() for g in genes[:30]] + [f"FILLER{i}" for i in range(50)],
                   dtype=object)
    seen = []
    real = _gsea_inputs.to_user_space
    monkeypatch.setattr(_gsea_inputs, "to_user_space",
                        lambda c, i, *a: seen.append(list(i)) or real(c, i, *a))
    opts = _gsea_inputs.check_options(method="permutation", engine="mamsets", weight=1.0,
                                      min_size=1, max_size=None, n_perm=10, eps=0.0,
                                      sample_size=101, n_jobs=1, rng=0)
    for order in (ids, ids[::-1], np.random.default_rng(1).permutation(ids)):
        _gsea_inputs.select_sets(lib, order, np.zeros(order.size), opts, None, None)
    assert seen[0] == seen[1] == seen[2] == sorted(ids)


def test_gsea_of_a_ranking_stacks_the_stream() -> None:
    ranking, sets = _grid(n_contrasts=3)
    res = ms.gsea(ranking, sets, rng=4, method="permutation", n_perm=100)
    streamed = dict(ms.iter_gsea(ranking, sets, rng=4, method="permutation", n_perm=100))
    for c, r in streamed.items():
        part = res.table[res.table["contrast"] == c].drop(columns="contrast")
        pd.testing.assert_frame_equal(part.reset_index(drop=True), r.table)
    assert res.params["seed"] == 4
    assert res.params["seed_derivation"] == contrasts.SEED_DERIVATION


def test_the_generator_keeps_no_result_it_has_yielded() -> None:
    ranking, sets = _grid(n_contrasts=5)
    refs = []
    for _, res in ms.iter_gsea(ranking, sets, rng=2, method="permutation", n_perm=50):
        refs.append(weakref.ref(res))
        del res
        gc.collect()
        assert all(r() is None for r in refs)  # every result so far is gone


def test_write_gsea_writes_what_gsea_to_tsv_writes(tmp_path: Path) -> None:
    ranking, sets = _grid(n_contrasts=4, drop=True)
    kw = {"rng": 8, "method": "permutation", "n_perm": 100}
    ms.gsea(ranking, sets, **kw).to_tsv(tmp_path / "all.tsv")
    meta = ms.write_gsea(ranking, tmp_path / "stream.tsv", sets, **kw)
    assert (tmp_path / "stream.tsv").read_bytes() == (tmp_path / "all.tsv").read_bytes()
    assert len(meta.table) == 0 and meta.params["contrast_seeds"] == \
        ms.gsea(ranking, sets, **kw).params["contrast_seeds"]
    back = pd.read_csv(tmp_path / "stream.tsv", sep="\t", comment="#")
    assert list(dict.fromkeys(back["contrast"])) == list(ranking.contrasts)
    # an existing file is kept unless overwrite=True; no temporary file is left behind
    with pytest.raises(OutputExistsError):
        ms.write_gsea(ranking, tmp_path / "stream.tsv", sets, **kw)
    ms.write_gsea(ranking, tmp_path / "stream.tsv", sets, overwrite=True, **kw)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["all.tsv", "stream.tsv"]


def test_write_gsea_leaves_nothing_when_a_contrast_fails(tmp_path: Path) -> None:
    ranking, sets = _grid(n_contrasts=3)
    runs = {c: ranking.series(c) for c in ranking.contrasts}
    runs["c2"] = pd.concat([runs["c2"], runs["c2"].iloc[:1]])  # a duplicated gene
    with pytest.raises(InputError, match="duplicated"):
        ms.write_gsea(runs, tmp_path / "out.tsv", sets, rng=1, method="permutation", n_perm=50)
    assert list(tmp_path.iterdir()) == []


def test_seeds_given_per_contrast() -> None:
    ranking, sets = _grid(n_contrasts=2)
    got = dict(ms.iter_gsea(ranking, sets, rng={"c0": 7, "c1": 7}, method="permutation",
                            n_perm=80))
    assert {r.params["seed"] for r in got.values()} == {7}
    alone = ms.gsea(ranking.series("c1"), sets, rng=7, method="permutation", n_perm=80)
    pd.testing.assert_frame_equal(got["c1"].table, alone.table)
    with pytest.raises(InputError, match="without seeds for contrasts \\['c1'\\]"):
        list(ms.iter_gsea(ranking, sets, rng={"c0": 7}))


def test_options_are_checked_before_any_contrast_runs() -> None:
    ranking, sets = _grid(n_contrasts=2)
    with pytest.raises(InputError, match="unknown keyword.*nperm"):
        next(ms.iter_gsea(ranking, sets, nperm=10))
    with pytest.raises(InputError, match="n_perm=0"):
        next(ms.iter_gsea(ranking, sets, n_perm=0))
    with pytest.raises(InputError, match="progress="):
        next(ms.iter_gsea(ranking, sets, progress="yes"))
    with pytest.raises(InputError, match="pass a Ranking"):
        next(ms.iter_gsea(pd.Series([1.0, 2.0], index=["a", "b"]), sets))


def test_progress_bar_only_when_asked_or_on_a_terminal(capsys) -> None:
    ranking, sets = _grid(n_contrasts=3)
    kw = {"rng": 1, "method": "permutation", "n_perm": 30}
    list(ms.iter_gsea(ranking, sets, progress=True, **kw))
    err = capsys.readouterr().err
    assert "gsea contrasts" in err and "3/3" in err
    list(ms.iter_gsea(ranking, sets, **kw))  # stderr is not a terminal here
    list(ms.iter_gsea(ranking, sets, progress=False, **kw))
    assert "gsea contrasts" not in capsys.readouterr().err
