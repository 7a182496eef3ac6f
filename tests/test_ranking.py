"""read_ranking / read_gene_list: table styles, score choice, bad input."""

from __future__ import annotations

import gzip
import shutil
import warnings

import numpy as np
import pandas as pd
import pytest

from mamsets.errors import DroppedInputWarning, InputError, MamsetsError, TiesWarning
from mamsets.io.examples import EXAMPLES, example_path, load_example
from mamsets.io.ranking import read_gene_list, read_ranking, ties_fraction


@pytest.fixture()
def tables(tests_data):
    return tests_data / "tables"


def _plain(path, **kw):
    """The same file read directly with pandas, as an independent reference."""
    return pd.read_csv(path, **kw)


# --------------------------------------------------------------------------- styles
def test_deseq2_uses_stat_and_needs_dropna_for_all_zero_genes(tables):
    path = tables / "deseq2.csv"
    with pytest.raises(InputError, match=r"2 missing or non-finite scores.*dropna=True"):
        read_ranking(path)
    with pytest.warns(DroppedInputWarning, match="2 rows with a missing"):
        r = read_ranking(path, dropna=True)
    assert r.style == "DESeq2" and r.score_name == "stat" and r.gene_column == "Unnamed: 0"
    assert "Wald" in r.how_chosen
    ref = _plain(path, index_col=0)["stat"].dropna()
    s = r.scores
    assert len(s) == len(ref) == 400
    assert s.is_monotonic_decreasing
    pd.testing.assert_series_equal(
        s.sort_index(), ref.sort_index().rename("score"), check_names=False, check_index_type=False
    )
    assert r.n_dropped_nonfinite == {"deseq2": 2}
    assert set(r.table().columns) == {"score", "lfc", "pval", "padj"}


def test_limma_toptable_rownames_in_index(tables):
    r = read_ranking(tables / "limma.tsv")
    assert (r.style, r.score_name, r.gene_column) == ("limma", "t", "<index>")
    ref = _plain(tables / "limma.tsv", sep="\t")  # pandas puts the unlabeled gene column in the index
    assert r.scores["UQCR11"] == ref.loc["UQCR11", "t"]
    assert list(r.scores.index[:3]) == list(ref["t"].sort_values(ascending=False).index[:3])


def test_edger_signed_log10p_by_hand(tables):
    r = read_ranking(tables / "edger.tsv")
    assert r.style == "edgeR"
    assert r.score_name == "sign(logFC)*-log10(PValue)"
    assert "no test statistic" in r.how_chosen
    ref = _plain(tables / "edger.tsv", sep="\t")
    g = "NDUFA10"
    expected = np.sign(ref.loc[g, "logFC"]) * -np.log10(ref.loc[g, "PValue"])
    assert r.scores[g] == pytest.approx(expected, rel=1e-15)
    # a gene with negative fold change gets a negative score
    neg = ref.index[ref["logFC"] < 0][0]
    assert r.scores[neg] < 0


def test_seurat_zero_pvalues_are_floored_and_counted(tables):
    r = read_ranking(tables / "seurat.csv")
    assert r.style == "Seurat" and r.columns["lfc"] == "avg_log2FC"
    assert r.n_p_zero == {"seurat": 3}
    top = r.scores.iloc[:3]
    assert np.all(np.isfinite(top)) and top.iloc[0] == pytest.approx(-np.log10(2.2250738585072014e-308))


def test_rnk_headerless_with_comment(tables):
    r = read_ranking(tables / "ranking.rnk")
    assert r.style == "rnk" and len(r.scores) == 400
    ref = pd.read_csv(tables / "ranking.rnk", sep="\t", header=None, comment="#")
    assert r.scores.iloc[0] == ref[1].max()


def test_gzipped_and_frame_and_series_inputs(tables, tmp_path):
    gz = tmp_path / "limma.tsv.gz"
    with open(tables / "limma.tsv", "rb") as src, gzip.open(gz, "wb") as dst:
        shutil.copyfileobj(src, dst)
    a = read_ranking(gz).scores
    b = read_ranking(tables / "limma.tsv").scores
    pd.testing.assert_series_equal(a, b)
    c = read_ranking(_plain(tables / "limma.tsv", sep="\t")).scores
    pd.testing.assert_series_equal(c, b)
    d = read_ranking(pd.Series({"A": 1.0, "B": 3.0, "C": -1.0}))
    assert list(d.scores.index) == ["B", "A", "C"]


def test_long_table_one_ranking_per_contrast(tables):
    r = read_ranking(tables / "limma_long.tsv")
    assert r.contrast_column == "contrast"
    assert r.contrasts == ("trained_vs_sedentary", "detrained_vs_sedentary")
    assert r.is_multi
    with pytest.raises(InputError, match="2 contrasts"):
        _ = r.scores
    ref = _plain(tables / "limma_long.tsv", sep="\t")
    for c, s in r.items():
        sub = ref[ref["contrast"] == c].set_index("gene")["t"]
        assert len(s) == len(sub)
        assert s["NDUFA1"] == sub["NDUFA1"]


def test_score_override_and_unknown(tables):
    r = read_ranking(tables / "limma.tsv", score="logFC")
    assert r.score_name == "logFC" and "score=" in r.how_chosen
    r2 = read_ranking(tables / "limma.tsv", score="signed_log10p")
    assert r2.score_name == "sign(logFC)*-log10(P.Value)"
    with pytest.raises(InputError, match="score='nope' is not a column"):
        read_ranking(tables / "limma.tsv", score="nope")


def test_gene_lists_up_down(tables):
    r = read_ranking(tables / "limma.tsv")
    lists = r.gene_lists(padj_max=0.05)
    ref = _plain(tables / "limma.tsv", sep="\t")
    up = set(ref.index[(ref["adj.P.Val"] <= 0.05) & (ref["logFC"] > 0)])
    down = set(ref.index[(ref["adj.P.Val"] <= 0.05) & (ref["logFC"] < 0)])
    assert set(lists["up"]) == up and set(lists["down"]) == down
    assert len(up) > 5
    strict = r.gene_lists(padj_max=0.05, lfc_min=1.0)
    assert set(strict["up"]) == set(ref.index[(ref["adj.P.Val"] <= 0.05) & (ref["logFC"] >= 1.0)])
    assert set(r.universe()) == set(ref.index[ref["adj.P.Val"].notna() & ref["logFC"].notna()])


def test_universe_leaves_out_genes_without_padj(tmp_path):
    p = tmp_path / "deseq.csv"
    p.write_text(
        ",baseMean,log2FoldChange,lfcSE,stat,pvalue,padj\n"
        "A,10,2.0,0.5,4.0,1e-4,0.01\nB,5,-1.0,0.5,-2.0,0.04,0.05\nC,1,0.5,1,0.5,0.6,NA\n"
    )
    r = read_ranking(p)
    assert r.universe() == ["A", "B"]
    assert r.gene_lists() == {"up": ["A"], "down": ["B"]}  # padj <= 0.05 is selected


# --------------------------------------------------------------------------- bad input
def test_unrecognised_columns_list_what_was_seen():
    df = pd.DataFrame({"gene": ["A", "B"], "foo": [1.0, 2.0], "bar": [3.0, 4.0]})
    with pytest.raises(InputError) as exc:
        read_ranking(df)
    msg = str(exc.value)
    assert "'foo'" in msg and "'bar'" in msg and "score='<column>'" in msg and "log2FoldChange" in msg
    assert isinstance(exc.value, (MamsetsError, ValueError))


def test_duplicates_error_and_options():
    df = pd.DataFrame({"gene": ["A", "B", "A", "C"], "t": [1.0, 2.0, -3.0, 0.5]})
    with pytest.raises(InputError, match=r"1 genes occur more than once.*\['A'\].*max_abs"):
        read_ranking(df)
    assert read_ranking(df, duplicates="max_abs").scores["A"] == -3.0
    assert read_ranking(df, duplicates="first").scores["A"] == 1.0
    assert read_ranking(df, duplicates="mean").scores["A"] == -1.0
    r = read_ranking(df, duplicates="first")
    assert r.n_duplicates_resolved == {"ranking": 1}
    with pytest.raises(InputError, match="duplicates='bogus'"):
        read_ranking(df, duplicates="bogus")


def test_missing_gene_ids_and_infinite_scores():
    df = pd.DataFrame({"gene": ["A", None, "C", "D"], "t": [1.0, 2.0, np.inf, 0.5]})
    with pytest.raises(InputError, match="1 rows have no gene identifier"):
        read_ranking(df)
    with pytest.warns(DroppedInputWarning):
        r = read_ranking(df, dropna=True)
    assert list(r.scores.index) == ["A", "D"]
    assert r.n_dropped_missing_gene == {"ranking": 1} and r.n_dropped_nonfinite == {"ranking": 1}


def test_ties_warning_suggests_finer_score():
    rng = np.random.default_rng(1)
    z = rng.normal(size=500)
    df = pd.DataFrame({"gene": [f"G{i}" for i in range(500)], "t": np.round(z, 1), "z": z})
    with pytest.warns(TiesWarning, match=r"tied.*score='z'"):
        read_ranking(df, score="t")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = read_ranking(df)  # picks the unrounded z, no warning
    assert r.score_name == "z" and r.ties["ranking"] == 0.0


def test_ties_fraction_definition():
    assert ties_fraction([1.0, 1.0, 2.0, 3.0]) == 0.25
    assert ties_fraction([]) == 0.0


def test_missing_file_and_empty(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_ranking(tmp_path / "nope.tsv")
    (tmp_path / "empty.tsv").write_text("")
    with pytest.raises(InputError, match="empty"):
        read_ranking(tmp_path / "empty.tsv")


def test_entrez_integer_gene_column():
    df = pd.DataFrame({"entrez": [1, 2, 3], "stat": [0.1, -2.0, 3.0]})
    r = read_ranking(df)
    assert list(r.scores.index) == ["3", "1", "2"]


# --------------------------------------------------------------------------- gene lists
def test_read_gene_list(tmp_path, tables):
    p = tmp_path / "genes.txt"
    p.write_text("# up genes\nITPR1\n\n MFN2 \nPRKAA1\n")
    assert read_gene_list(p) == ["ITPR1", "MFN2", "PRKAA1"]
    p.write_text("ITPR1\nITPR1\n")
    with pytest.raises(InputError, match="more than once"):
        read_gene_list(p)
    t = tmp_path / "hits.csv"
    pd.DataFrame({"symbol": ["A", "B", None, "C"], "x": [1, 2, 3, 4]}).to_csv(t, index=False)
    with pytest.warns(DroppedInputWarning, match="1 empty cells"):
        assert read_gene_list(t, column="symbol") == ["A", "B", "C"]
    with pytest.raises(InputError, match="column='nope'"):
        read_gene_list(t, column="nope")
    with pytest.raises(InputError, match="400 identifiers occur more than once"):
        read_gene_list(tables / "limma_long.tsv", column="gene")


# --------------------------------------------------------------------------- bundled example
def test_bundled_example_is_motrpac_and_ranks_by_z():
    df = load_example("motrpac_gn_8w")
    assert df.shape == (28402, 8)
    with pytest.warns(DroppedInputWarning):
        r = read_ranking(df, dropna=True, duplicates="max_abs")
    assert r.score_name == "z" and r.style == "MoTrPAC"
    assert r.contrasts == ("F_8W - F_SED", "M_8W - M_SED")
    # the authors' numbers (README): 772 genes without symbol, 68 duplicated symbols
    assert r.n_dropped_missing_gene["M_8W - M_SED"] == 772
    assert r.n_duplicates_resolved["M_8W - M_SED"] == 68
    # ranking by the rounded t reproduces the documented 61% ties
    with pytest.warns(TiesWarning):
        rt = read_ranking(df, gene_column="featureName", score="t")
    assert rt.ties["M_8W - M_SED"] == pytest.approx(0.61, abs=0.01)
    orth = load_example("motrpac_rat_to_human")
    assert {"rat_symbol", "human_symbol"} <= set(orth.columns) and len(orth) == 13023
    assert example_path().stat().st_size < 1_000_000
    assert set(EXAMPLES) == {"motrpac_gn_8w", "motrpac_rat_to_human"}
    with pytest.raises(InputError, match="unknown example"):
        load_example("nope")


def test_semicolon_csv_and_spreadsheet(tmp_path):
    p = tmp_path / "excel_export.csv"
    p.write_text("gene;log2FoldChange;stat;pvalue;padj\nA;1.0;2.0;0.05;0.1\nB;-1.0;-3.0;0.01;0.05\n")
    r = read_ranking(p)
    assert r.score_name == "stat" and list(r.scores.index) == ["A", "B"]
    x = tmp_path / "res.xlsx"
    x.write_bytes(b"PK\x03\x04")
    with pytest.raises(InputError, match="save the sheet as CSV"):
        read_ranking(x)


def test_rnk_with_header_line(tmp_path):
    p = tmp_path / "x.rnk"
    p.write_text("#comment\ngene\tscore\nA\t1.5\nB\t-0.5\n")
    r = read_ranking(p)
    assert r.scores.to_dict() == {"A": 1.5, "B": -0.5}


# --------------------------------------------------------------------------- properties
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

# R's missing-value tokens are missing identifiers by contract (see read_ranking Notes and
# test_na_gene_is_a_missing_identifier), so they are not generated as gene names here.
_genes = st.lists(
    st.from_regex(r"[A-Z][A-Z0-9]{1,7}", fullmatch=True).filter(lambda g: g not in {"NA", "NULL", "NAN"}),
    min_size=2, max_size=40, unique=True,
)


def test_na_gene_is_a_missing_identifier(tmp_path):
    p = tmp_path / "t.tsv"
    p.write_text("gene\tstat\nNA\t1.0\nTP53\t2.0\nMDM2\t-1.0\n")
    with pytest.raises(InputError, match="dropna"):
        read_ranking(p)
    with pytest.warns(DroppedInputWarning, match="1 rows without a gene identifier"):
        r = read_ranking(p, dropna=True)
    assert r.scores.to_dict() == {"TP53": 2.0, "MDM2": -1.0}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(genes=_genes, data=st.data(), sep=st.sampled_from([",", "\t"]))
def test_round_trip_through_a_file(tmp_path, genes, data, sep):
    """Whatever the separator and column order, the scores read back are the ones written."""
    t = data.draw(st.lists(st.floats(-50, 50, allow_nan=False, allow_subnormal=False),
                           min_size=len(genes), max_size=len(genes), unique=True))
    df = pd.DataFrame({"gene": genes, "t": t, "logFC": [x / 3 for x in t]})
    df = df.sample(frac=1.0, random_state=data.draw(st.integers(0, 1000)))
    df = df[data.draw(st.permutations(list(df.columns)))]
    path = tmp_path / ("x.csv" if sep == "," else "x.tsv")
    df.to_csv(path, sep=sep, index=False)
    r = read_ranking(path)
    expected = dict(zip(genes, t))
    got = r.scores.to_dict()
    assert got.keys() == expected.keys()
    assert all(got[g] == pytest.approx(expected[g], rel=1e-12, abs=1e-300) for g in genes)
    assert r.scores.is_monotonic_decreasing


def test_seurat_findallmarkers_needs_contrast_column():
    df = pd.DataFrame({
        "p_val": [1e-5, 1e-3, 1e-4, 0.2], "avg_log2FC": [1.0, -0.5, 0.8, 0.1],
        "pct.1": [0.9, 0.2, 0.8, 0.5], "pct.2": [0.1, 0.5, 0.2, 0.4],
        "p_val_adj": [1e-3, 0.1, 1e-2, 1.0], "cluster": ["0", "0", "1", "1"],
        "gene": ["CD3E", "MS4A1", "CD3E", "MS4A1"],
    })
    with pytest.raises(InputError, match=r"contrast_column= \(candidates: \['cluster'\]\)"):
        read_ranking(df)
    r = read_ranking(df, contrast_column="cluster")
    assert r.contrasts == ("0", "1") and r.style == "Seurat"
    assert r.series("1")["CD3E"] == pytest.approx(4.0)


def test_write_rnk_round_trip(tables, tmp_path):
    from mamsets.errors import OutputExistsError

    r = read_ranking(tables / "limma_long.tsv")
    p = r.write_rnk(tmp_path / "trained.rnk", "trained_vs_sedentary")
    back = pd.read_csv(p, sep="\t", header=None, comment="#", index_col=0)[1]
    ref = pd.read_csv(tables / "limma_long.tsv", sep="\t")
    ref = ref[ref["contrast"] == "trained_vs_sedentary"].set_index("gene")["t"]
    assert back.to_dict() == ref.to_dict()  # exact: 17 significant digits
    assert read_ranking(p).scores.equals(r.series("trained_vs_sedentary"))
    with pytest.raises(OutputExistsError):
        r.write_rnk(p, "trained_vs_sedentary")


def test_select_contrasts(tables):
    r = read_ranking(tables / "limma_long.tsv")
    one = r.select(["detrained_vs_sedentary"])
    assert one.contrasts == ("detrained_vs_sedentary",) and not one.is_multi
    assert one.scores.equals(r.series("detrained_vs_sedentary"))
    with pytest.raises(InputError, match="choose from"):
        r.select(["nope"])
    # a single name is one contrast, not a sequence of characters
    assert r.select("detrained_vs_sedentary").contrasts == ("detrained_vs_sedentary",)
    with pytest.raises(InputError, match=r"\['nope'\] not in"):
        r.select("nope")


def test_decimal_comma_table_says_so(tmp_path):
    p = tmp_path / "csv2.csv"
    p.write_text("gene;logFC;P.Value;adj.P.Val;t\nA;1,5;0,01;0,05;2,5\nB;-0,5;0,2;0,4;-1,1\n")
    with pytest.raises(InputError, match="decimal commas") as exc:
        read_ranking(p)
    assert "'2,5'" in str(exc.value) or "'1,5'" in str(exc.value)


# -- issue 13: wide multi-contrast tables ------------------------------------------------------------
def test_wide_table_becomes_one_contrast_per_column_prefix() -> None:
    genes = [f"G{i}" for i in range(6)]
    df = pd.DataFrame({
        "SYMBOL": genes,
        "IS.logFC": [1.0, -1, 0.5, 0.2, -0.3, 0.1], "IS.t": [3.0, -2, 1, 0.5, -0.7, 0.2],
        "IS.P.Value": [0.01, 0.05, 0.3, 0.6, 0.5, 0.9], "IS.mean.pre": [1.0] * 6,
        "IR.logFC": [-1.0, 1, 0.5, 0.2, -0.3, 0.1], "IR.t": [-3.0, 2, 1.5, 0.4, -0.6, 0.3],
        "IR.P.Value": [0.01, 0.05, 0.2, 0.7, 0.5, 0.8],
    })
    r = read_ranking(df)
    assert r.contrasts == ("IS", "IR") and r.score_name == "t"
    assert dict(r.select("IR").scores)["G2"] == 1.5
    assert "wide table: 2 contrasts" in r.how_chosen
    # MetaMEx style: prefixes with dots, no statistic -> signed log10 p per contrast
    mm = pd.DataFrame({
        "SYMBOL": genes, "Median.Pre": [0.0] * 6,
        "TTest.0_1.logFC": [1.0, -1, 0.5, 0.2, -0.3, 0.1],
        "TTest.0_1.P.Value": [0.01, 0.05, 0.3, 0.6, 0.5, 0.9],
        "TTest.0_1.adj.P.Val": [0.05, 0.1, 0.5, 0.8, 0.7, 0.9],
        "TTest.24.logFC": [0.1, -0.2, 0.3, 0.4, -0.5, 0.6],
        "TTest.24.P.Value": [0.2, 0.3, 0.4, 0.5, 0.6, 0.7],
    })
    r = read_ranking(mm)
    assert r.contrasts == ("TTest.0_1", "TTest.24") and "log10" in r.score_name
    # one group only, or an un-prefixed statistic: not wide
    assert read_ranking(df[["SYMBOL", "IS.t"]].rename(columns={"IS.t": "t"})).contrasts == ("ranking",)


@pytest.mark.shared_data
def test_wide_tables_from_the_wild(shared_data) -> None:
    r = read_ranking(
        shared_data / "human-muscle-insulin-resistance" / "GSE22309_insulin_clamp_stats.tsv.gz"
    )
    assert r.contrasts[:3] == ("IS", "IR", "DIA") and r.score_name == "t"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = read_ranking(
            shared_data / "human-exercise-inactivity" / "metamex_timeline_acute_stats.tsv.gz",
            dropna=True,
        )
    assert r.contrasts == ("TTest.0_1", "TTest.2_3", "TTest.4_6", "TTest.24", "TTest.48")


def test_identifiers_keep_leading_zeros(tmp_path) -> None:
    """Issue 13: a header row made the gene column parse as integers (000170942 -> 170942)."""
    p = tmp_path / "ids.tsv"
    p.write_text("gene_id\tt\n000170942\t2.5\n0012\t-1.0\n17\t0.3\n")
    r = read_ranking(p)
    assert set(r.scores.index) == {"000170942", "0012", "17"}
