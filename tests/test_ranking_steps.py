"""The steps of read_ranking, one at a time, on small tables checked by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from mamsets.errors import InputError
from mamsets.io.ranking._clean import (
    check_duplicates_rule,
    drop_missing,
    dropped_message,
    finish_table,
    resolve_duplicates,
)
from mamsets.io.ranking._columns import recognise_columns, table_style
from mamsets.io.ranking._contrasts import split_contrasts
from mamsets.io.ranking._read import read_ranking
from mamsets.io.ranking._sniff import sniff_table
from mamsets.io.ranking._ties import ties_message


# --------------------------------------------------------------------------- 1. sniff
def test_sniff_headerless_rnk_with_comments(tmp_path):
    path = tmp_path / "my.rnk"
    path.write_text("# from GSEA\n\nTP53\t2.5\nEGFR\t-1\n")
    raw = sniff_table(path)
    assert raw.rnk is True
    assert raw.default_name == "my" and raw.source == str(path)
    assert list(raw.df.columns) == ["gene", "score"]
    assert raw.df["gene"].tolist() == ["TP53", "EGFR"]
    assert raw.df["score"].tolist() == [2.5, -1.0]


def test_sniff_csv_with_header_is_not_rnk(tmp_path):
    path = tmp_path / "de.results.CSV"
    path.write_text("gene,stat,pvalue\nTP53,2.5,0.01\nEGFR,-1,0.2\n")
    raw = sniff_table(path)
    assert raw.rnk is False
    assert raw.default_name == "de.results"
    assert list(raw.df.columns) == ["gene", "stat", "pvalue"]
    assert raw.gene_column is None


def test_sniff_semicolon_table_with_csv_extension(tmp_path):
    path = tmp_path / "de.csv"
    path.write_text("gene;t\nA;1.5\nB;-2\n")
    raw = sniff_table(path)
    assert list(raw.df.columns) == ["gene", "t"] and raw.df["t"].tolist() == [1.5, -2.0]


def test_sniff_series_and_mapping_become_gene_score_tables():
    raw = sniff_table(pd.Series({"A": 1, "B": 2}, name="treated"))
    assert (raw.source, raw.default_name, raw.gene_column, raw.rnk) == (
        "<Series>", "treated", "gene", True
    )
    assert raw.df["score"].dtype == np.float64
    raw = sniff_table({"A": 1.0}, gene_column="id")
    assert (raw.source, raw.gene_column) == ("<mapping>", "id")


def test_sniff_refuses_empty_table_and_unknown_type():
    with pytest.raises(InputError, match=r"^<DataFrame>: the table has no rows$"):
        sniff_table(pd.DataFrame({"gene": [], "t": []}))
    with pytest.raises(InputError, match="got list"):
        sniff_table(["A", "B"])


# --------------------------------------------------------------------------- 2. columns
def test_recognise_deseq2_columns():
    df = pd.DataFrame({
        "gene": ["A", "B"], "baseMean": [10.0, 20.0], "log2FoldChange": [1.0, -1.0],
        "stat": [3.0, -2.0], "pvalue": [0.01, 0.05], "padj": [0.02, 0.05],
    })
    c = recognise_columns(df)
    assert c.gene_column == "gene" and c.score_column == "stat" and not c.signed_p
    assert c.columns == {"score": "stat", "lfc": "log2FoldChange", "pval": "pvalue", "padj": "padj"}
    assert list(c.columns) == ["score", "lfc", "pval", "padj"]
    assert "Wald" in c.how
    assert table_style(df, c, rnk=False) == "DESeq2"


def test_recognise_limma_and_motrpac_columns():
    limma = pd.DataFrame(
        {"logFC": [1.0, -1.0], "t": [2.0, -3.0], "P.Value": [0.1, 0.01], "adj.P.Val": [0.1, 0.02]},
        index=["A", "B"],
    )
    c = recognise_columns(limma)
    assert c.gene_column == "<index>" and c.score_column == "t"
    assert c.columns["padj"] == "adj.P.Val"
    assert table_style(limma, c, rnk=False) == "limma"

    motrpac = limma.assign(z=[2.01, -2.99], feature_ID=["A", "B"])
    c = recognise_columns(motrpac)
    assert c.score_column == "z" and c.gene_column == "feature_ID"
    assert table_style(motrpac, c, rnk=False) == "MoTrPAC"


def test_recognise_edger_falls_back_to_signed_log10p_with_case_insensitive_names():
    df = pd.DataFrame({"Gene": ["A"], "LOGFC": [1.0], "pvalue": [0.01], "FDR": [0.1]})
    c = recognise_columns(df)
    assert c.signed_p and c.score_column is None
    assert c.score_name == "sign(LOGFC)*-log10(pvalue)"
    assert c.columns == {"score": c.score_name, "lfc": "LOGFC", "pval": "pvalue", "padj": "FDR"}


def test_recognise_contrast_column_by_name_or_refuse_unknown():
    df = pd.DataFrame({"gene": ["A", "A"], "t": [1.0, 2.0], "Comparison": ["x", "y"]})
    assert recognise_columns(df).contrast_column == "Comparison"
    with pytest.raises(InputError, match=r"contrast_column='group' is not a column"):
        recognise_columns(df, contrast_column="group")


def test_recognise_two_column_rnk_style():
    df = pd.DataFrame({"gene": ["A", "B"], "score": [1.0, 2.0]})
    c = recognise_columns(df)
    assert c.score_column == "score" and "only numeric column" in c.how
    assert table_style(df, c, rnk=True) == "rnk"
    assert table_style(df, c, rnk=False) == "custom"


# --------------------------------------------------------------------------- 3. contrasts
def test_split_contrasts_scores_signed_log10p_and_floors_p_zero():
    df = pd.DataFrame({
        "gene": ["A", "B", "C", "A"],
        "logFC": [2.0, -0.5, 1.0, 3.0],
        "p_val": [0.001, 0.1, 0.0, 0.5],
        "contrast": ["late", "late", "early", "early"],
    })
    parts = split_contrasts(df, recognise_columns(df), source="t", name="unused")
    assert list(parts) == ["late", "early"]  # first-seen order
    late, early = parts["late"], parts["early"]
    assert late["gene"].tolist() == ["A", "B"]
    assert late["score"].tolist() == pytest.approx([3.0, -1.0])
    assert early["score"].iloc[0] == pytest.approx(-math.log10(2.2250738585072014e-308))
    assert early["_pzero"].tolist() == [True, False]


def test_split_contrasts_single_named_and_refuses_p_outside_unit_interval():
    df = pd.DataFrame({"gene": ["A", "B"], "logFC": [1.0, -1.0], "pvalue": [0.5, 2.0]})
    with pytest.raises(InputError, match=r"column 'pvalue' has 1 values outside \[0, 1\]"):
        split_contrasts(df, recognise_columns(df), source="x.tsv", name="x")
    ok = pd.DataFrame({"gene": [" A ", 7.0], "t": [1.0, 2.0]})
    parts = split_contrasts(ok, recognise_columns(ok), source="x.tsv", name="x")
    assert list(parts) == ["x"]
    assert parts["x"]["gene"].tolist() == ["A", "7"]  # stripped text, integers without '.0'


# --------------------------------------------------------------------------- 4. drop
def _rows(genes, scores, **extra):
    return pd.DataFrame({
        "gene": pd.Series(genes, dtype=object), "score": scores, "_pzero": False,
        "_contrast": "c", **extra,
    })


def test_drop_missing_counts_gene_first_and_refuses_without_dropna():
    rows = _rows(["A", None, "C", None, "E"], [1.0, 2.0, np.nan, np.inf, 0.5])
    kept, n_gene, n_nonfinite = drop_missing(
        rows, label="f", gene_column="gene", score_name="t", dropna=True
    )
    assert kept["gene"].tolist() == ["A", "E"]
    assert (n_gene, n_nonfinite) == (2, 1)  # the row missing both counts as without gene
    no_gene = r"^f: 2 rows have no gene identifier in 'gene' \(e\.g\. data rows \[2, 4\]\)"
    with pytest.raises(InputError, match=no_gene):
        drop_missing(rows, label="f", gene_column="gene", score_name="t", dropna=False)
    nonfinite = r"^f: 1 missing or non-finite scores in 't' \(e\.g\. C=nan\)"
    with pytest.raises(InputError, match=nonfinite):
        drop_missing(rows.iloc[[0, 2]], label="f", gene_column="gene", score_name="t", dropna=False)


# --------------------------------------------------------------------------- 4. duplicates
def test_duplicates_max_abs_keeps_largest_absolute_score():
    rows = _rows(["A", "B", "A", "A"], [1.0, 0.2, -3.0, 2.0])
    out, n = resolve_duplicates(rows, "max_abs", label="f", gene_column="gene")
    assert n == 2
    assert dict(zip(out["gene"], out["score"])) == {"A": -3.0, "B": 0.2}


def test_duplicates_mean_averages_scores_and_keeps_smallest_p():
    rows = _rows(["A", "B", "A"], [1.0, 5.0, 2.0], lfc=[0.5, 1.0, 1.5], pval=[0.2, 0.3, 0.01])
    out, n = resolve_duplicates(rows, "mean", label="f", gene_column="gene")
    a = out.set_index("gene").loc["A"]
    assert n == 1
    assert (a["score"], a["lfc"], a["pval"]) == (1.5, 1.0, 0.01)


def test_duplicates_first_and_error_with_hint():
    rows = _rows(["A", "B", "A"], [1.0, 5.0, 2.0])
    out, n = resolve_duplicates(rows, "first", label="f", gene_column="gene")
    assert out["score"].tolist() == [1.0, 5.0] and n == 1
    dup = r"^f: 1 genes occur more than once in 'sym' \(e\.g\. \['A'\]\).*HINT$"
    with pytest.raises(InputError, match=dup):
        resolve_duplicates(rows, "error", label="f", gene_column="sym", hint=lambda: "; HINT")
    unique = _rows(["A", "B"], [1.0, 2.0])
    assert resolve_duplicates(unique, "error", label="f", gene_column="g")[1] == 0
    with pytest.raises(InputError, match=r"duplicates='maxabs': choose one of"):
        check_duplicates_rule("maxabs")


def test_duplicates_error_suggests_a_cluster_column():
    df = pd.DataFrame({"gene": ["A", "A", "B"], "avg_log2FC": [1.0, 2.0, 3.0],
                       "p_val": [0.1, 0.2, 0.3], "cluster": ["0", "1", "1"]})
    with pytest.raises(InputError, match=r"pass contrast_column= \(candidates: \['cluster'\]\)"):
        read_ranking(df)


def test_finish_table_sorts_stably_and_orders_columns():
    rows = _rows(["A", "B", "C"], [1.0, 2.0, 1.0], padj=[0.1, 0.2, 0.3], lfc=[1.0, 2.0, 3.0])
    t = finish_table(rows)
    assert list(t.columns) == ["score", "lfc", "padj"]
    assert t.index.tolist() == ["B", "A", "C"] and t.index.name == "gene"


# --------------------------------------------------------------------------- 5. report
def test_dropped_and_ties_messages():
    df = pd.DataFrame({"gene": list("ABCD"), "t": [1.0, 1.0, 2.0, 3.0], "z": [1.0, 1.1, 2.0, 3.0]})
    c = recognise_columns(df, score="t")
    msg = ties_message("f.tsv", {"f": 0.25}, df, c)
    assert msg.startswith("f.tsv: 25% of the scores in 't' are tied; ")
    assert msg.endswith("rank by 'z' (score='z') if it is unrounded")
    assert ties_message("f.tsv", {"f": 0.01}, df, c) is None  # 1% exactly is not above

    class _C:
        n_dropped_missing_gene, n_dropped_nonfinite = 2, 3

    assert dropped_message("f", {"a": _C(), "b": _C()}) == (
        "f: dropped 4 rows without a gene identifier and 6 rows with a missing/non-finite "
        "score (dropna=True)"
    )
    _C.n_dropped_missing_gene = _C.n_dropped_nonfinite = 0
    assert dropped_message("f", {"a": _C()}) is None


def test_an_abundance_column_alone_is_not_a_score() -> None:
    import pandas as pd
    import pytest

    from mamsets import read_ranking
    from mamsets.errors import InputError

    df = pd.DataFrame({"gene": ["A", "B", "C"], "baseMean": [10.0, 200.0, 3.0]})
    with pytest.raises(InputError, match="'baseMean', is an abundance or a p-value"):
        read_ranking(df)
    ok = pd.DataFrame({"gene": ["A", "B", "C"], "score": [1.0, -2.0, 0.5]})
    assert read_ranking(ok).score_name == "score"
