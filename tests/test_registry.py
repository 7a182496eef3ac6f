"""The registry of enrichment methods (mamsets.engines.registry).

The registry must list every method with its fixed columns, running a method by
name must give exactly the table of the direct call, and ``gsea``/``ora`` must
really dispatch through it (a method added to the registry is run by ``gsea``).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from mamsets import engines
from mamsets.engines import registry
from mamsets.engines.gsea import GSEA_SCHEMA, gsea
from mamsets.engines.ora import ORA_SCHEMA, ora
from mamsets.errors import InputError
from mamsets.model import GeneSetCollection

GENES = [f"g{i}" for i in range(300)]


@pytest.fixture(scope="module")
def ranking() -> pd.Series:
    rng = np.random.default_rng(5)
    return pd.Series(rng.normal(size=len(GENES)), index=GENES)


@pytest.fixture(scope="module")
def sets() -> GeneSetCollection:
    return GeneSetCollection.from_dict(
        {"top": GENES[:12], "spread": GENES[::25], "bottom": GENES[-8:], "mixed": GENES[40:70:3]}
    )


def _same_result(a, b) -> None:
    pd.testing.assert_frame_equal(a.table, b.table, check_exact=True)
    assert a.params == b.params
    assert (a.method, a.collection_sha256) == (b.method, b.collection_sha256)


# ----------------------------------------------------------------------------- the records
def test_registered_methods_and_their_columns() -> None:
    table = engines.methods()
    assert table["name"].tolist() == [
        "multilevel", "permutation", "gseapy_prerank", "hypergeometric", "gseapy_enrich",
        "phenotype_permutation", "ssgsea", "gsva", "zscore", "plage", "singscore",
    ]
    assert table.columns.tolist() == [
        "name", "kind", "comparison", "selected_by", "description", "columns", "entry",
    ]
    assert table.set_index("name")["kind"].to_dict() == {
        "multilevel": "gsea", "permutation": "gsea", "gseapy_prerank": "gsea",
        "hypergeometric": "ora", "gseapy_enrich": "ora", "phenotype_permutation": "phenotype_gsea",
        "ssgsea": "score_samples", "gsva": "score_samples", "zscore": "score_samples",
        "plage": "score_samples", "singscore": "score_samples",
    }
    # gseapy is a comparison engine, our own methods are not
    assert table.loc[table["comparison"], "name"].tolist() == ["gseapy_prerank", "gseapy_enrich"]
    for m in registry.METHODS:
        if m.kind in ("gsea", "ora"):
            assert m.columns == tuple(GSEA_SCHEMA if m.kind == "gsea" else ORA_SCHEMA)
        assert callable(m.entry) and m.description
    # comparison engines live apart from ours
    entries = table.set_index("name")["entry"]
    assert entries["gseapy_prerank"].startswith("mamsets.engines.compare.")
    assert entries["permutation"].startswith("mamsets.engines.native.")
    assert engines.methods(kind="ora")["name"].tolist() == ["hypergeometric", "gseapy_enrich"]


def test_get_method_returns_a_frozen_record() -> None:
    m = engines.get_method("permutation")
    assert isinstance(m, engines.Method)
    assert (m.name, m.kind, m.comparison) == ("permutation", "gsea", False)
    assert dict(m.selected_by) == {"method": "permutation", "engine": "mamsets"}
    with pytest.raises(dataclasses.FrozenInstanceError):
        m.name = "other"  # type: ignore[misc]


def test_unknown_name_names_the_registered_methods() -> None:
    with pytest.raises(InputError) as exc:
        engines.get_method("aucell")
    msg = str(exc.value)
    assert "'aucell'" in msg
    for name in ("multilevel", "permutation", "gseapy_prerank", "hypergeometric", "gseapy_enrich"):
        assert repr(name) in msg
    with pytest.raises(InputError, match="registered methods"):
        engines.run("aucell", pd.Series(dtype=float))


def test_select_maps_keywords_to_one_method() -> None:
    assert registry.select("gsea", method="multilevel", engine="mamsets").name == "multilevel"
    assert registry.select("gsea", method="permutation", engine="mamsets").name == "permutation"
    assert registry.select("gsea", method="permutation", engine="gseapy").name == "gseapy_prerank"
    assert registry.select("ora", engine="mamsets").name == "hypergeometric"
    assert registry.select("ora", engine="gseapy").name == "gseapy_enrich"
    assert registry.choices("gsea", "method") == ("multilevel", "permutation")
    assert registry.choices("gsea", "engine") == ("mamsets", "gseapy")
    assert registry.choices("ora", "engine") == ("mamsets", "gseapy")


def test_option_errors_list_the_registered_choices(ranking, sets) -> None:
    with pytest.raises(InputError, match=r"method='phenotype': choose 'multilevel' or 'permutation'"):
        gsea(ranking, sets, method="phenotype")
    with pytest.raises(InputError, match=r"engine='fgsea': choose 'mamsets' or 'gseapy'"):
        gsea(ranking, sets, engine="fgsea")
    with pytest.raises(InputError, match=r"engine='x': use 'mamsets' or 'gseapy'"):
        ora(["g1"], sets, universe=GENES, engine="x")


# ----------------------------------------------------------------------------- dispatch by name
@pytest.mark.parametrize("name", ["permutation", "multilevel"])
def test_run_by_name_is_the_direct_gsea_call(ranking, sets, name) -> None:
    direct = gsea(ranking, sets, method=name, n_perm=300, rng=11)
    by_name = engines.run(name, ranking, sets, n_perm=300, rng=11)
    _same_result(by_name, direct)
    assert by_name.params["pvalue_method"] == name
    assert len(by_name.table) == 4


def test_run_by_name_is_the_direct_ora_call(sets) -> None:
    lists = {"up": GENES[:20], "down": GENES[-30:]}
    direct = ora(lists, sets, universe=GENES, alternative="two-sided")
    by_name = engines.run("hypergeometric", lists, sets, universe=GENES, alternative="two-sided")
    _same_result(by_name, direct)
    assert by_name.table["query"].unique().tolist() == ["up", "down"]


def test_run_refuses_a_keyword_that_contradicts_the_name(ranking, sets) -> None:
    with pytest.raises(InputError, match=r"method='multilevel' contradicts method 'permutation'"):
        engines.run("permutation", ranking, sets, method="multilevel")
    # agreeing keywords are fine
    a = engines.run("permutation", ranking, sets, method="permutation", n_perm=100, rng=3)
    _same_result(a, gsea(ranking, sets, method="permutation", n_perm=100, rng=3))


def test_run_comparison_engines_by_name(ranking, sets) -> None:
    pytest.importorskip("gseapy")
    lists = {"up": GENES[:20]}
    _same_result(engines.run("gseapy_enrich", lists, sets, universe=GENES),
                 ora(lists, sets, universe=GENES, engine="gseapy"))
    by_name = engines.run("gseapy_prerank", ranking, sets, method="permutation", n_perm=100, rng=2)
    direct = gsea(ranking, sets, method="permutation", engine="gseapy", n_perm=100, rng=2)
    _same_result(by_name, direct)
    assert by_name.params["engine"] == "gseapy"


# ----------------------------------------------------------------------------- gsea dispatches through it
def test_a_registered_method_is_what_gsea_runs(ranking, sets, monkeypatch) -> None:
    calls = []

    def constant(sets_, opts, params):
        calls.append((list(sets_.terms), opts.method, opts.n_perm))
        params["constant"] = True
        rows = pd.DataFrame({c: pd.Series(dtype=d) for c, d in GSEA_SCHEMA.items()})
        return rows

    extra = registry.Method(
        name="constant", kind="gsea", entry=constant, description="test double",
        columns=tuple(GSEA_SCHEMA), comparison=False,
        selected_by=(("method", "constant"), ("engine", "mamsets")),
    )
    monkeypatch.setattr(registry, "METHODS", (*registry.METHODS, extra))
    monkeypatch.setattr(registry, "_BY_NAME", {**registry._BY_NAME, "constant": extra})
    res = gsea(ranking, sets, method="constant", n_perm=7, rng=1)
    assert calls == [(["top", "spread", "bottom", "mixed"], "constant", 7)]
    assert res.params["constant"] is True and res.params["pvalue_method"] == "constant"
    assert list(res.table.columns) == list(GSEA_SCHEMA)
    assert len(engines.run("constant", ranking, sets, rng=1).table) == 0
    assert "constant" in engines.methods()["name"].tolist()
