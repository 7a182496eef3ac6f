"""``ora()``: the engine against scipy, gseapy.enrich and R's fgsea::fora, plus its contract.

References are independent of our code: ``scipy.stats.fisher_exact`` per row,
``gseapy.enrich`` run in-process on the same inputs, and the committed output of
``fgsea::fora`` (R 1.31.6) on fgsea's own example data.
"""

from __future__ import annotations

import random
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.stats import fisher_exact

from mamsets.engines.ora import DEFAULT_QUERY, ORA_SCHEMA, ora
from mamsets.errors import DroppedInputWarning, DuplicateGeneWarning, InputError
from mamsets.io.gmt import read_gmt
from mamsets.model import GeneSetCollection

# our toy identifiers are not real genes; the identifier mapper says so, which is right
pytestmark = pytest.mark.filterwarnings("ignore:map_ids. could not recognise")

UNIVERSE = [f"g{i:02d}" for i in range(1, 41)]


@pytest.fixture
def small() -> GeneSetCollection:
    return GeneSetCollection.from_dict(
        {
            "A": ["g01", "g02", "g03", "g04", "g05"],
            "B": ["g06", "g07"],
            "C": ["g01", "g08", "g09", "g10", "g11", "g12", "g13", "gX1"],  # gX1 not measured
            "D": ["g14"],
            "E": ["gX2", "gX3"],  # nothing measured
        },
        name="small",
    )


def fisher_row(row: pd.Series, N: int, n: int, alternative: str) -> float:
    k, K = int(row.overlap), int(row["size"])
    return fisher_exact([[k, K - k], [n - k, N - K - n + k]], alternative=alternative).pvalue


# -- numbers ---------------------------------------------------------------------
def test_hand_computed_example(small):
    res = ora(["g01", "g02", "g06"], small, universe=UNIVERSE)
    t = res.table.set_index("term")
    # N=40, K=5, n=3, k=2: P(X>=2) = (C(5,2)C(35,1) + C(5,3)) / C(40,3) = 360 / 9880
    assert t.loc["A", "pval"] == pytest.approx(360 / 9880, rel=1e-13)
    assert t.loc["A", "expected"] == pytest.approx(3 * 5 / 40)
    assert t.loc["A", "fold_enrichment"] == pytest.approx(2 / (3 * 5 / 40))
    assert t.loc["A", "overlap_genes"] == ("g01", "g02")
    assert t.loc["C", "size"] == 7 and t.loc["C", "n_members"] == 8
    assert t.loc["C", "n_lost_to_universe"] == 1
    assert t.loc["D", "pval"] == 1.0 and t.loc["D", "overlap_genes"] == ()
    assert "E" not in t.index  # no member measured: not testable, counted
    assert res.params["n_sets_dropped_min_size"] == 1 and res.params["sets_dropped"] == ["E"]
    assert set(res.table["query"]) == {DEFAULT_QUERY}


@pytest.mark.parametrize("alternative", ["greater", "less", "two-sided"])
def test_every_row_matches_fisher_exact(alternative):
    rng = np.random.default_rng(2)
    uni = [f"x{i}" for i in range(300)]
    sets = {
        f"S{j}": rng.choice(uni, rng.integers(1, 40), replace=False).tolist() for j in range(40)
    }
    queries = {
        "up": rng.choice(uni[:120], 35, replace=False).tolist(),
        "down": rng.choice(uni, 60, replace=False).tolist(),
    }
    res = ora(queries, sets, universe=uni, alternative=alternative)
    assert len(res.table) == 80
    for q, genes in queries.items():
        block = res.table[res.table["query"] == q]
        ref = block.apply(fisher_row, axis=1, N=300, n=len(genes), alternative=alternative)
        np.testing.assert_allclose(block["pval"], ref, rtol=1e-12)
    assert (res.table["padj"] >= res.table["pval"]).all()


def test_queries_keep_their_order_and_rows_sort_by_pvalue(small):
    res = ora({"zeta": ["g06", "g07"], "alpha": ["g01", "g02", "g03"]}, small, universe=UNIVERSE)
    t = res.table
    assert t["query"].drop_duplicates().tolist() == ["zeta", "alpha"]
    for _, block in t.groupby("query", sort=False):
        assert block["pval"].is_monotonic_increasing
    assert t.iloc[0]["term"] == "B"


def test_one_call_for_many_queries_equals_one_call_each():
    uni, sets, queries = _random_case(21)
    together = ora(queries, sets, universe=uni).table
    for name, genes in queries.items():
        alone = ora({name: genes}, sets, universe=uni).table
        block = together[together["query"] == name].reset_index(drop=True)
        pd.testing.assert_frame_equal(block, alone)


def test_bh_is_within_query_over_all_tested_sets(small):
    res = ora({"a": ["g01", "g02", "g03"], "b": ["g06", "g07", "g14"]}, small, universe=UNIVERSE)
    for _, block in res.table.groupby("query"):
        p = block["pval"].to_numpy()
        m = len(p)
        order = np.argsort(p)
        ranked = p[order] * m / np.arange(1, m + 1)
        q = np.minimum.accumulate(ranked[::-1])[::-1].clip(max=1)
        expect = np.empty(m)
        expect[order] = q
        np.testing.assert_allclose(block["padj"], expect, rtol=1e-14)


def test_size_filters_are_counted(small):
    res = ora(["g01"], small, universe=UNIVERSE, min_size=2, max_size=5)
    assert sorted(res.table["term"]) == ["A", "B"]
    assert res.params["n_sets_dropped_min_size"] == 2  # D (1 gene), E (0 genes)
    assert res.params["n_sets_dropped_max_size"] == 1  # C (7 genes in the universe)
    assert res.params["n_sets_tested"] == 2
    assert sorted(res.params["sets_dropped"]) == ["C", "D", "E"]


def test_empty_result_keeps_schema(small):
    res = ora(["g01"], small, universe=UNIVERSE, min_size=100)
    assert list(res.table.columns) == list(ORA_SCHEMA)
    assert len(res.table) == 0
    assert [str(d) for d in res.table.dtypes] == list(ORA_SCHEMA.values())


def test_schema_and_dtypes(small):
    t = ora(["g01", "g02"], small, universe=UNIVERSE).table
    assert list(t.columns) == list(ORA_SCHEMA)
    assert [str(d) for d in t.dtypes] == list(ORA_SCHEMA.values())
    assert all(isinstance(v, tuple) for v in t["overlap_genes"])


def test_result_metadata(small, tmp_path):
    with pytest.warns(DuplicateGeneWarning, match="universe: 1 duplicated"):
        res = ora({"up": ["g01", "g02"]}, small, universe=UNIVERSE + ["g01"])
    assert res.method == "ora"
    assert res.collection_name == "small" and res.collection_sha256 == small.sha256
    assert res.params["universe_size"] == 40
    assert res.params["queries"]["up"] == {
        "n_input": 2,
        "n_missing_dropped": 0,
        "n_whitespace_stripped": 0,
        "n_duplicates": 0,
        "n_outside_universe": 0,
        "n_tested": 2,
    }
    res.to_tsv(tmp_path / "r.tsv")
    back = pd.read_csv(tmp_path / "r.tsv", sep="\t", comment="#")
    assert back.loc[back["term"] == "A", "overlap_genes"].item() == "g01;g02"


def test_integer_identifiers_are_text():
    sets = {"S": ["11", "12", "13"]}
    res = ora([11, np.int64(12)], sets, universe=list(range(10, 40)))
    assert res.table.loc[0, "overlap"] == 2


# -- gseapy ----------------------------------------------------------------------
def _random_case(seed: int, numeric: bool = False):
    rng = np.random.default_rng(seed)
    uni = [str(100 + i) if numeric else f"GENE{i}" for i in range(800)]
    sets = {
        f"S{j}": rng.choice(uni, rng.integers(1, 80), replace=False).tolist() for j in range(60)
    }
    queries = {
        "up": rng.choice(uni[:300], 50, replace=False).tolist(),
        "down": rng.choice(uni, 90, replace=False).tolist(),
    }
    return uni, sets, queries


@pytest.mark.parametrize("numeric", [False, True])
def test_gseapy_engine_matches_mamsets(numeric):
    uni, sets, queries = _random_case(4, numeric)
    a = ora(queries, sets, universe=uni).table
    b = ora(queries, sets, universe=uni, engine="gseapy").table
    pd.testing.assert_frame_equal(
        a.drop(columns=["pval", "padj"]), b.drop(columns=["pval", "padj"])
    )
    np.testing.assert_allclose(a["pval"], b["pval"], rtol=1e-12)
    np.testing.assert_allclose(a["padj"], b["padj"], rtol=1e-12)


def test_agrees_with_gseapy_enrich_called_directly():
    import gseapy

    uni, sets, queries = _random_case(9)
    genes = queries["up"]
    enr = gseapy.enrich(gene_list=genes, gene_sets=sets, background=uni, outdir=None, no_plot=True)
    ref = enr.results.set_index("Term")
    ours = ora(genes, sets, universe=uni).table.set_index("term")
    hit = ours[ours["overlap"] > 0]
    assert sorted(hit.index) == sorted(ref.index)  # gseapy lists only sets with an overlap
    np.testing.assert_allclose(hit["pval"], ref.loc[hit.index, "P-value"], rtol=1e-12)
    np.testing.assert_allclose(hit["odds_ratio"], ref.loc[hit.index, "Odds Ratio"], rtol=1e-12)
    assert (hit["overlap"].astype(str) + "/" + hit["size"].astype(str)).tolist() == ref.loc[
        hit.index, "Overlap"
    ].tolist()


def test_gseapy_engine_with_empty_and_disjoint_queries(small):
    queries = {"none": ["g30", "g31"], "gone": ["zz1"], "hit": ["g01", "g02"]}
    with pytest.warns(DroppedInputWarning):
        a = ora(queries, small, universe=UNIVERSE, outside_universe="drop")
    with pytest.warns(DroppedInputWarning):
        b = ora(queries, small, universe=UNIVERSE, outside_universe="drop", engine="gseapy")
    pd.testing.assert_frame_equal(a.table, b.table, rtol=1e-12)
    assert (b.table[b.table["query"] != "hit"]["pval"] == 1.0).all()


def test_gseapy_engine_refuses_other_tails(small):
    with pytest.raises(InputError, match="upper tail"):
        ora(["g01"], small, universe=UNIVERSE, engine="gseapy", alternative="less")


# -- fgsea's example: R fgsea::fora, scipy and gseapy -----------------------------
@pytest.mark.shared_data
def test_fgsea_example_against_fora_scipy_and_gseapy(shared_data):
    import gseapy
    from scipy import stats
    from scipy.stats import hypergeom

    base = shared_data / "fgsea-example"
    rnk = pd.read_csv(base / "naive.vs.th1.rnk", sep="\t", dtype={"ID": str})
    universe = rnk["ID"].tolist()
    top = rnk.sort_values("t", ascending=False)["ID"].head(300).tolist()
    assert top == (base / "reference" / "ora-query-top300.txt").read_text().split()
    coll = read_gmt(base / "mouse.reactome.gmt")
    res = ora(top, coll, universe=universe, min_size=15, max_size=500)
    # identical Reactome sets are tested once (aliases) and so count once in BH: compare p
    # with all of fora's rows, padj with fora's BH recomputed over the distinct sets
    t = res.with_aliases().set_index("term")

    # R fgsea::fora (same 586 sets)
    fora = pd.read_csv(base / "reference" / "ora-fgsea-fora.tsv", sep="\t").set_index("pathway")
    assert sorted(t.index) == sorted(fora.index)
    f = fora.loc[t.index]
    assert (t["size"] == f["size"]).all() and (t["overlap"] == f["overlap"]).all()
    np.testing.assert_allclose(t["pval"], f["pval"], rtol=1e-12)
    distinct = res.table.set_index("term")
    ref_padj = stats.false_discovery_control(fora.loc[distinct.index, "pval"], method="bh")
    np.testing.assert_allclose(distinct["padj"], ref_padj, rtol=1e-12)
    assert res.params["n_alias_sets"] == len(fora) - len(distinct) > 0
    np.testing.assert_allclose(t["fold_enrichment"], f["foldEnrichment"], rtol=1e-12)
    fora_genes = (
        f["overlapGenes"].fillna("").map(lambda s: tuple(sorted(s.split(","))) if s else ())
    )
    assert (t["overlap_genes"].map(lambda g: tuple(sorted(g))) == fora_genes).all()

    # scipy per set
    ref = hypergeom.sf(t["overlap"] - 1, len(universe), t["size"], 300)
    np.testing.assert_allclose(t["pval"], ref, rtol=1e-12)

    # gseapy.enrich on the same inputs (integer ids, as gseapy needs for numeric lists)
    gs = {s.id: [int(g) for g in s.genes] for s in coll if s.id in t.index}
    enr = gseapy.enrich(
        gene_list=top,
        gene_sets=gs,
        background=[int(u) for u in universe],
        outdir=None,
        no_plot=True,
    )
    g = enr.results.set_index("Term")
    np.testing.assert_allclose(t.loc[g.index, "pval"], g["P-value"], rtol=1e-12)
    assert t.loc[t["overlap"] > 0].index.sort_values().tolist() == sorted(g.index)


# -- input errors ----------------------------------------------------------------
def test_universe_is_required_and_explained(small):
    with pytest.raises(InputError, match="gseapy's default background"):
        ora(["g01"], small)
    with pytest.raises(InputError, match="universe is empty"):
        ora(["g01"], small, universe=[])


def test_genes_outside_universe_error_then_drop(small):
    with pytest.raises(InputError, match=r"2 of 3 genes are not in the universe.*'zz1'"):
        ora(["g01", "zz1", "zz2"], small, universe=UNIVERSE)
    with pytest.warns(DroppedInputWarning, match="dropped 2 of 3"):
        res = ora(["g01", "zz1", "zz2"], small, universe=UNIVERSE, outside_universe="drop")
    assert res.params["queries"][DEFAULT_QUERY]["n_outside_universe"] == 2
    assert res.table.set_index("term").loc["A", "expected"] == pytest.approx(1 * 5 / 40)


def test_library_genes_as_universe_warns(small):
    from mamsets.errors import MamsetsWarning

    lib_genes = sorted(small.genes)
    with pytest.warns(MamsetsWarning, match="library's own genes"):
        ora(["g01", "g02"], small, universe=lib_genes)


def test_query_emptied_by_drop_is_reported_not_tested_against(small):
    with pytest.warns(DroppedInputWarning):
        res = ora(
            {"gone": ["zz1"], "ok": ["g01"]}, small, universe=UNIVERSE, outside_universe="drop"
        )
    gone = res.table[res.table["query"] == "gone"]
    assert (gone["pval"] == 1.0).all() and gone["fold_enrichment"].isna().all()
    assert res.params["queries"]["gone"]["n_tested"] == 0


def test_duplicates_are_counted(small):
    with pytest.warns(DuplicateGeneWarning, match="1 duplicated"):
        res = ora(["g01", "g01", "g02"], small, universe=UNIVERSE)
    assert res.params["queries"][DEFAULT_QUERY]["n_duplicates"] == 1
    assert res.table.set_index("term").loc["A", "overlap"] == 2


@pytest.mark.parametrize(
    ("genes", "kwargs", "match"),
    [
        ("g01", {}, "single string"),
        ([], {}, "is empty"),
        ({}, {}, "empty mapping"),
        (["g01", 1.5], {}, "read the identifier column as text"),
        (["g01", b"g02"], {}, "strings or integers"),
        (["", float("nan"), None], {}, "is empty"),
        (["g01"], {"alternative": "up"}, "alternative="),
        (["g01"], {"min_size": 0}, "min_size=0"),
        (["g01"], {"max_size": 0}, "max_size=0"),
        (["g01"], {"outside_universe": "keep"}, "outside_universe="),
        (["g01"], {"engine": "fgsea"}, "engine="),
    ],
)
@pytest.mark.filterwarnings("ignore::mamsets.errors.DroppedInputWarning")
def test_bad_inputs(small, genes, kwargs, match):
    with pytest.raises(InputError, match=match):
        ora(genes, small, universe=UNIVERSE, **kwargs)


def test_bad_collection_type():
    with pytest.raises(InputError, match="collection is a list"):
        ora(["g01"], [["g01"]], universe=UNIVERSE)  # type: ignore[arg-type]


# -- properties --------------------------------------------------------------------
@st.composite
def cases(draw):
    n_uni = draw(st.integers(5, 60))
    uni = [f"u{i}" for i in range(n_uni)]
    n_sets = draw(st.integers(1, 6))
    sets = {}
    for j in range(n_sets):
        members = draw(st.lists(st.sampled_from(uni), min_size=1, max_size=n_uni, unique=True))
        sets[f"S{j}"] = members
    query = draw(st.lists(st.sampled_from(uni), min_size=1, max_size=n_uni, unique=True))
    seed = draw(st.integers(0, 2**16))
    return uni, sets, query, seed


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases(), st.sampled_from(["greater", "less", "two-sided"]))
def test_properties(case, alternative):
    uni, sets, query, seed = case
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = ora(query, sets, universe=uni, alternative=alternative)
        t = res.table
        assert ((t["pval"] > 0) & (t["pval"] <= 1)).all()
        assert (t["padj"] >= t["pval"]).all() and (t["padj"] <= 1).all()
        # invariant to the order of genes, sets and universe
        r = random.Random(seed)
        shuffled_sets = {k: r.sample(v, len(v)) for k, v in r.sample(list(sets.items()), len(sets))}
        again = ora(
            r.sample(query, len(query)),
            shuffled_sets,
            universe=r.sample(uni, len(uni)),
            alternative=alternative,
        ).table
    pd.testing.assert_frame_equal(t, again)


@settings(max_examples=25, deadline=None)
@given(st.integers(10, 30), st.integers(10, 60), st.sampled_from(["greater", "less"]))
def test_pvalue_monotone_in_overlap(n, extra, alternative):
    # set = u0..u9; queries of fixed size n swap non-members for members one at a time
    uni = [f"u{i}" for i in range(10 + n + extra)]
    queries = {f"k{k}": uni[:k] + uni[10 : 10 + n - k] for k in range(11)}
    t = ora(queries, {"S": uni[:10]}, universe=uni, alternative=alternative).table
    p = t.set_index("query").loc[list(queries), "pval"].to_numpy()
    assert (t.set_index("query").loc[list(queries), "overlap"].to_numpy() == np.arange(11)).all()
    if alternative == "greater":
        assert (np.diff(p) <= 1e-15).all() and p[0] == 1.0  # non-increasing as overlap grows
    else:
        assert (np.diff(p) >= -1e-15).all() and p[-1] == 1.0


def test_bundled_library_default():
    bundled = pytest.importorskip("mamsets.io.bundled")
    lib = bundled.library()
    genes = sorted(lib.genes)
    universe = genes + [f"NOTAGENE{i}" for i in range(5000)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = ora(genes[:20], universe=universe)
    assert res.collection_name == lib.name
    assert res.table["size"].min() >= 1
    assert len(res.table) == res.params["n_sets_tested"]
    # the raw PFOCR keyword set (known false positives) is not tested by default ...
    assert res.collection_sha256 == bundled.library(include_raw=False).sha256
    assert "MAMS_FIGURE_RAW_PFOCR" not in set(res.table["term"])
    # identical sets after mapping are tested once (MAMS_CALCIUM_UP = MAMS_CA_TRANSFER_CHANNELS,
    # MAMS_MITOPHAGY = MAMS_MITOPHAGY_UP)
    assert res.params["n_sets_tested"] == len(lib) - 1 - res.params["n_alias_sets"]
    assert res.params["aliases"] == {"MAMS_CALCIUM_UP": ["MAMS_CA_TRANSFER_CHANNELS"],
                                     "MAMS_MITOPHAGY": ["MAMS_MITOPHAGY_UP"]}
    assert (res.params["default_collection"], res.params["raw_set_included"]) == (True, False)
    # ... only when passed explicitly
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        full = ora(genes[:20], lib, universe=universe)
    assert "MAMS_FIGURE_RAW_PFOCR" in set(full.table["term"])
    assert (full.params["default_collection"], full.params["raw_set_included"]) == (False, True)


MOUSE = [
    "Itpr1",
    "Itpr2",
    "Itpr3",
    "Ryr1",
    "Ryr2",
    "Mfn1",
    "Mfn2",
    "Dnm1l",
    "Fis1",
    "Actb",
    "Gapdh",
    "Tubb5",
    "Eef1a1",
    "Rpl13a",
    "Hprt",
    "Tbp",
    "Ppia",
    "B2m",
    "Gusb",
    "Hmbs",
    "Sdha",
    "Ywhaz",
    "Ubc",
    "Pgk1",
    "Tfrc",
    "Aldoa",
    "Ldha",
    "Eno1",
    "Pkm",
    "Tpi1",
    "Cs",
    "Aco2",
    "Idh2",
    "Ogdh",
    "Fh1",
    "Mdh2",
    "Cycs",
    "Sod2",
    "Cat",
    "Gpx1",
    "Myh7",
    "Des",
    "Vim",
    "Col1a1",
    "Col3a1",
]


def test_builtin_library_is_mapped_to_mouse_symbols():
    pytest.importorskip("mamsets.io.bundled")
    pytest.importorskip("mamsets.ids")
    from scipy.stats import hypergeom

    res = ora({"up": ["Itpr1", "Itpr2", "Itpr3", "Ryr1"]}, universe=MOUSE, species="mouse")
    assert res.mapping["input"]["species"] == "mouse"
    row = res.table.set_index("term").loc["MAMS_IP3_RECEPTORS"]
    assert (row["size"], row["n_members"], row["n_lost_to_universe"]) == (3, 3, 0)
    assert row["overlap_genes"] == ("Itpr1", "Itpr2", "Itpr3")
    assert row["pval"] == pytest.approx(hypergeom.sf(2, len(MOUSE), 3, 4), rel=1e-12)
    calcium = res.table.set_index("term").loc["MAMS_CALCIUM"]
    assert calcium["n_members"] == 12 and calcium["n_lost_to_universe"] > 0


def test_plain_gmt_matched_as_written_unless_species_given() -> None:
    """Same rule as gsea(): a plain GMT is matched verbatim; declaring the space maps it."""
    import pandas as pd

    from mamsets.engines.gsea import gsea
    from mamsets.model import GeneSetCollection

    plain = GeneSetCollection.from_dict({"S": ["PTRF", "MFN2", "FIS1"]})  # PTRF: old CAVIN1
    universe = ["CAVIN1", "MFN2", "FIS1"] + [f"GENE{i}" for i in range(200)]
    exact = ora(["CAVIN1", "MFN2"], plain, universe=universe).table.iloc[0]
    assert (exact["size"], exact["n_members"], exact["n_lost_to_universe"], exact["overlap"]) == (2, 3, 1, 1)
    mapped = ora(["CAVIN1", "MFN2"], plain, universe=universe, species="human", id_type="symbol")
    row = mapped.table.iloc[0]
    assert (row["size"], row["overlap"]) == (3, 2)
    assert mapped.mapping.get("route") != "exact"
    ranking = pd.Series(range(len(universe), 0, -1), index=universe, dtype=float)
    g_exact = gsea(ranking, plain, method="permutation", n_perm=100, rng=1).table.iloc[0]
    g_mapped = gsea(ranking, plain, method="permutation", n_perm=100, rng=1,
                    species="human", id_type="symbol").table.iloc[0]
    assert (g_exact["size"], g_mapped["size"]) == (2, 3)


def test_missing_empty_and_padded_ids_are_cleaned_and_counted(small):
    # as map_ids does: strip, drop None/NaN/NA/'' (counted, warned), then test as usual
    dirty_uni = [*(" " + g if i % 7 == 0 else g for i, g in enumerate(UNIVERSE)), "", None,
                 float("nan"), "  "]
    query = ["g01", " g02", "g03\t", "", float("nan"), pd.NA, None]
    with pytest.warns(DroppedInputWarning) as rec:
        res = ora({"up": query}, small, universe=dirty_uni)
    msgs = [str(w.message) for w in rec]
    assert any(m.startswith("universe: dropped 4 missing or empty") for m in msgs)
    assert any("genes['up']: dropped 4 missing" in m and "from 2" in m for m in msgs)
    q = res.params["queries"]["up"]
    assert (q["n_input"], q["n_missing_dropped"], q["n_whitespace_stripped"], q["n_tested"]) == (
        7, 4, 2, 3)
    assert res.params["n_query_cleaned"] == 6
    assert res.params["n_universe_missing_dropped"] == 4
    assert res.params["n_universe_whitespace_stripped"] == len(UNIVERSE[::7])
    assert res.params["universe_size"] == len(UNIVERSE)
    # identical to the clean call
    clean = ora({"up": ["g01", "g02", "g03"]}, small, universe=UNIVERSE)
    pd.testing.assert_frame_equal(res.table, clean.table)
