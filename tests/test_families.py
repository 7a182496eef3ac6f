"""Families, aliases and small sets: the same rules in gsea() and ora() (issue 12)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import mamsets as ms
from mamsets.engines._families import alias_groups, nested_in
from mamsets.model import GeneSetCollection


@pytest.fixture(scope="module")
def male() -> pd.Series:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ms.read_ranking(ms.load_example(), duplicates="max_abs", dropna=True).series(
            "M_8W - M_SED")


def _with_controls() -> GeneSetCollection:
    lib, ctl = ms.library(include_raw=False), ms.controls()
    return GeneSetCollection(lib.sets + ctl.sets, name="mams+controls", version=lib.version,
                             species=lib.species, id_type=lib.id_type, source=lib.source)


def test_gsea_padj_is_bh_within_family_and_controls_do_not_move_hypotheses(male) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        both = ms.gsea(male, _with_controls(), method="permutation", n_perm=2000, rng=4).table
        alone = ms.gsea(male, method="permutation", n_perm=2000, rng=4).table
    assert set(both["family"]) == {"hypothesis", "control", "reference"}
    for fam, rows in both.groupby("family"):
        ok = rows["pval"].notna()
        ref = stats.false_discovery_control(rows.loc[ok, "pval"], method="bh")
        np.testing.assert_allclose(rows.loc[ok, "padj"], ref, rtol=1e-12)
    assert (alone["family"] == "hypothesis").all()


def test_gsea_small_sets_get_no_pvalue_but_keep_their_row(male) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = ms.gsea(male, method="permutation", n_perm=500, rng=1).table.set_index("term")
    glut4 = t.loc["MAMS_GLUT4_TRANSLOCATION"]  # one gene (Slc2a4)
    assert glut4["size"] == 1 and np.isnan(glut4["pval"]) and np.isnan(glut4["padj"])
    assert np.isfinite(glut4["es"]) and "min_size_pval=3" in glut4["note"]
    assert t.loc[t["size"] >= 3, "pval"].notna().all()
    assert t.loc[t["size"] < 3, "pval"].isna().all()
    # the top MAMs "mechanism" can no longer be a one-gene set
    top = t[t["family"] == "hypothesis"].sort_values("pval").iloc[0]
    assert top["size"] >= 3


def test_gsea_identical_sets_are_tested_once(male) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = ms.gsea(male, method="permutation", n_perm=500, rng=1)
    t = res.table.set_index("term")
    assert "MAMS_CA_TRANSFER_CHANNELS" not in t.index and "MAMS_MITOPHAGY_UP" not in t.index
    assert t.loc["MAMS_CALCIUM_UP", "aliases"] == ("MAMS_CA_TRANSFER_CHANNELS",)
    full = res.with_aliases().set_index("term")
    assert full.loc["MAMS_CA_TRANSFER_CHANNELS", "es"] == t.loc["MAMS_CALCIUM_UP", "es"]
    # nested sets stay, marked
    assert "MAMS_CALCIUM" in t.loc["MAMS_IP3_RECEPTORS", "nested_in"]


def test_ora_families_and_aliases(male) -> None:
    lib = _with_controls()
    genes = list(male.index)
    top = list(male.sort_values(ascending=False).index[:400])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = ms.ora({"up": top}, lib, universe=genes, species="rat", id_type="symbol").table
    assert "MAMS_MITOPHAGY_UP" not in set(t["term"])
    for fam, rows in t.groupby("family"):
        ref = stats.false_discovery_control(rows["pval"], method="bh")
        np.testing.assert_allclose(rows["padj"], ref, rtol=1e-12)
    # ORA keeps exact small-set p-values
    assert t.loc[t["size"] == 1, "pval"].notna().all()
    # exact p-values: with or without the controls beside them, the MAMs rows are the same
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        alone = ms.ora({"up": top}, ms.library(include_raw=False), universe=genes, species="rat",
                       id_type="symbol").table.set_index("term")
    hyp = t[t["family"] == "hypothesis"].set_index("term")
    pd.testing.assert_series_equal(hyp["padj"], alone.loc[hyp.index, "padj"])


def test_alias_choice_does_not_depend_on_order() -> None:
    keep, al = alias_groups(["B", "A", "C"], [[1, 2], [2, 1], [3]])
    assert keep == [1, 2] and al == {"A": ("B",)}
    keep2, al2 = alias_groups(["A", "C", "B"], [[2, 1], [3], [1, 2]])
    assert al2 == al and [["A", "C", "B"][i] for i in keep2] == ["A", "C"]
    assert nested_in(["x", "y", "z"], [[1], [1, 2], [3]]) == {"x": ("y",), "y": (), "z": ()}


def test_alias_groups_match_a_plain_grouping() -> None:
    """Groups of one to five identical sets, interleaved, against a dict-of-lists oracle."""
    import random

    from mamsets.engines._families import alias_groups_by_key

    rnd = random.Random(4)
    keys = [rnd.randrange(40) for _ in range(120)]
    ids = [f"S{rnd.randrange(10**6):06d}_{i}" for i in range(len(keys))]
    groups: dict[int, list[int]] = {}
    for i, k in enumerate(keys):
        groups.setdefault(k, []).append(i)
    reps = {k: min(v, key=lambda i: ids[i]) for k, v in groups.items()}
    want_aliases = {ids[reps[k]]: tuple(sorted(ids[i] for i in v if i != reps[k]))
                    for k, v in groups.items() if len(v) > 1}
    keep, aliases = alias_groups_by_key(ids, keys)
    assert keep == sorted(reps.values()) and aliases == want_aliases
    assert any(len(v) >= 4 for v in groups.values()) and any(len(v) == 1 for v in groups.values())


def test_notebook_repr_is_compact(male) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = ms.gsea(male, method="permutation", n_perm=200, rng=1)
    html = res._repr_html_()
    assert "leading_edge" not in html and "<table" in html and "family" in html
    assert html.count("<tr>") <= 21 + 1


def test_renamed_members_of_a_plain_gmt_are_not_lost_silently() -> None:
    genes = ["SEPTIN7", "MARCHF1", "TP53", "MFN2"] + [f"GENE{i}" for i in range(60)]
    r = pd.Series(np.linspace(3, -3, len(genes)), index=genes)
    coll = GeneSetCollection.from_dict({"S": ["SEPT7", "MARCH1", "TP53", "MFN2"]})
    with pytest.warns(ms.DroppedInputWarning, match="SEPT7 -> SEPTIN7"):
        plain = ms.gsea(r, coll, rng=1, method="permutation", n_perm=100)
    assert plain.table.loc[0, "size"] == 2
    assert plain.mapping["renamed_members_not_matched"] == 2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mapped = ms.gsea(r, coll, rng=1, method="permutation", n_perm=100, species="human",
                         id_type="symbol")
    assert mapped.table.loc[0, "size"] == 4
