"""Gene lists from files and from DE tables: mamsets.io.genelists and mamsets.io.de_lists.

Expected lists are written out by hand from the small tables built in each test,
not computed with the selection code under test.
"""

from __future__ import annotations

import gzip
import warnings

import pandas as pd
import pytest

import mamsets as ms
from mamsets.errors import DroppedInputWarning, DuplicateGeneWarning, InputError
from mamsets.io.de_lists import GeneListSelection, NothingSelectedError, gene_lists_from_table
from mamsets.io.genelists import (
    ROW_NAMES,
    gene_lists_from_files,
    read_gene_file,
    read_text_table,
)


def test_public_names() -> None:
    for name in (
        "read_gene_file",
        "gene_lists_from_files",
        "read_text_table",
        "gene_lists_from_table",
        "GeneLists",
        "GeneListSelection",
        "NothingSelectedError",
    ):
        assert name in ms.__all__
    assert ms.gene_lists_from_table is gene_lists_from_table
    assert issubclass(ms.NothingSelectedError, InputError)


# --------------------------------------------------------------------------- read_gene_file
def test_plain_list_skips_comments_and_blanks_and_keeps_repeats(tmp_path) -> None:
    p = tmp_path / "hits.txt"
    p.write_text("# screen hits\n MFN2 \n\nITPR1\nMFN2\n", encoding="utf-8")
    assert read_gene_file(p) == ["MFN2", "ITPR1", "MFN2"]


def test_column_is_ignored_for_a_plain_list_and_used_for_a_table(tmp_path) -> None:
    plain = tmp_path / "universe.txt"
    plain.write_text("A\nB\nC\n")
    table = tmp_path / "hits.csv"
    table.write_text("symbol,score\nA,1\n,2\nB,3\n  ,4\n")
    assert read_gene_file(plain, "symbol") == ["A", "B", "C"]
    with pytest.warns(
        DroppedInputWarning, match=r"2 row\(s\) without a gene id in column 'symbol'"
    ):
        assert read_gene_file(table, "symbol") == ["A", "B"]


def test_gzipped_list(tmp_path) -> None:
    p = tmp_path / "hits.txt.gz"
    p.write_bytes(gzip.compress(b"\xef\xbb\xbfVDAC1\nHSPA9\n"))  # with a byte-order mark
    assert read_gene_file(p) == ["VDAC1", "HSPA9"]


def test_table_without_column_names_file_and_line(tmp_path) -> None:
    p = tmp_path / "hits.tsv"
    p.write_text("# header comment\nA\nB\tC\n")
    with pytest.raises(InputError, match=r"hits.tsv, line 3: several fields \(\['B', 'C'\]\)"):
        read_gene_file(p)


def test_missing_column_and_empty_file(tmp_path) -> None:
    table = tmp_path / "t.csv"
    table.write_text("gene,score\nA,1\n")
    with pytest.raises(
        InputError, match=r"no column 'symbol' for --universe; columns are \['gene'"
    ):
        read_gene_file(table, "symbol", what="--universe")
    empty = tmp_path / "empty.txt"
    empty.write_text("# nothing\n\n")
    with pytest.raises(InputError, match=r"no genes found \(GENES needs one gene per line\)"):
        read_gene_file(empty, what="GENES")
    with pytest.raises(FileNotFoundError, match="no such file"):
        read_gene_file(tmp_path / "absent.txt")


def test_not_utf8(tmp_path) -> None:
    p = tmp_path / "latin1.txt"
    p.write_bytes("GÉNE\n".encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8 text"):
        read_gene_file(p)


def test_gene_lists_from_files_names_queries_after_files(tmp_path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "up.txt").write_text("A\nB\n")
    (tmp_path / "a" / "up.txt").write_text("C\n")
    (tmp_path / "down.list.gz").write_bytes(gzip.compress(b"D\n"))
    lists = gene_lists_from_files(
        [tmp_path / "up.txt", tmp_path / "a" / "up.txt", tmp_path / "down.list.gz"]
    )
    assert lists == {"up": ["A", "B"], "up_2": ["C"], "down": ["D"]}


# --------------------------------------------------------------------------- read_text_table
def test_text_table_keeps_cells_as_text(tmp_path) -> None:
    p = tmp_path / "t.csv"
    p.write_text("gene,padj\n001,1e-3\nB,NA\n")
    df = read_text_table(p)
    assert df["gene"].tolist() == ["001", "B"]
    assert df.loc[0, "padj"] == "1e-3" and pd.isna(df.loc[1, "padj"])


def test_text_table_r_row_names(tmp_path) -> None:
    csv = tmp_path / "deseq2.csv"  # write.csv: an empty first header field
    csv.write_text('"","log2FoldChange","padj"\n"A",1.5,0.01\n"B",-2,0.02\n')
    tsv = tmp_path / "limma.txt"  # write.table: the header lacks the row-name field
    tsv.write_text("logFC\tadj.P.Val\nA\t1.5\t0.01\nB\t-2\t0.02\n")
    for p in (csv, tsv):
        df = read_text_table(p)
        assert df.columns[0] == ROW_NAMES and df[ROW_NAMES].tolist() == ["A", "B"], p


# --------------------------------------------------------------------------- gene_lists_from_table
def _de(**extra: list) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "gene": ["A", "B", "C", "D", "E", "F"],
            "padj": [0.001, 0.04, 0.2, 0.01, None, 0.03],
            "log2FoldChange": [2.0, -1.0, 3.0, 0.2, 5.0, -0.6],
            **extra,
        }
    )


def test_thresholds_sign_and_universe() -> None:
    with pytest.warns(DroppedInputWarning, match=r"1 row\(s\) without 'padj'"):
        sel = gene_lists_from_table(_de(), padj_max=0.05, lfc_min=0.5)
    assert isinstance(sel, GeneListSelection) and list(sel.lists) == [""]
    gl = sel.lists[""]
    # A (0.001, +2) up; B (0.04, -1) and F (0.03, -0.6) down; C not significant; D |lfc| < 0.5;
    # E has no padj: not selectable, so not in the universe
    assert gl.queries == {"up": ["A"], "down": ["B", "F"]}
    assert gl.universe == ["A", "B", "C", "D", "F"]
    assert gl.info["n_rows"] == 6 and gl.info["n_rows_without_statistics"] == 1
    assert (gl.info["gene_column"], gl.info["padj_column"], gl.info["lfc_column"]) == (
        "gene",
        "padj",
        "log2FoldChange",
    )
    assert gl.table.loc["B", "lfc"] == -1.0 and "E" not in gl.table.index
    assert sel.skipped == {} and sel.contrast_column is None


def test_empty_list_is_left_out() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DroppedInputWarning)
        gl = gene_lists_from_table(_de(), padj_max=0.02).lists[""]
    assert gl.queries == {"up": ["A", "D"]}  # no down gene has padj <= 0.02


def _dup_table() -> pd.DataFrame:
    # A twice: first a non-significant up row, then a significant down row
    return pd.DataFrame(
        {
            "ID": ["A", "B", "A", "C"],
            "adj.P.Val": ["0.9", "0.01", "0.001", "0.02"],
            "logFC": ["2.0", "1.0", "-1.5", "-3"],
        }
    )


def test_min_padj_keeps_the_row_with_the_smallest_adjusted_p() -> None:
    with pytest.warns(DuplicateGeneWarning, match="kept the row with the smallest 'adj.P.Val'"):
        gl = gene_lists_from_table(_dup_table(), duplicates="min_padj").lists[""]
    assert gl.queries == {"up": ["B"], "down": ["A", "C"]}
    assert gl.table.loc["A", "padj"] == 0.001 and gl.table.loc["A", "lfc"] == -1.5
    assert gl.universe == ["B", "A", "C"]  # the table's order, once each
    assert gl.info["n_duplicated_ids"] == 1 and gl.info["duplicates"] == "min_padj"


def test_first_keeps_the_first_row() -> None:
    with pytest.warns(DuplicateGeneWarning, match="kept the first row"):
        gl = gene_lists_from_table(_dup_table(), duplicates="first").lists[""]
    assert gl.queries == {"up": ["B"], "down": ["C"]}  # A's first row is not significant
    assert gl.table.loc["A", "padj"] == 0.9
    assert gl.universe == ["A", "B", "C"]


def test_duplicates_error_names_the_genes_and_the_ways_out() -> None:
    df = _dup_table()
    df.loc[len(df)] = ["C", "0.5", "0.1"]
    with pytest.raises(InputError) as exc:
        gene_lists_from_table(df, name="toptable")
    msg = str(exc.value)
    assert msg.startswith("toptable: 2 gene identifier(s) occur more than once in 'ID'")
    assert "(2 extra rows), e.g. ['A', 'C']" in msg
    assert "--duplicates min_padj" in msg and "--duplicates first" in msg


def test_a_label_column_splits_the_lists() -> None:
    df = pd.DataFrame(
        {
            "gene": ["A", "B", "C", "A", "B", "C"],
            "p_val_adj": [0.01, 0.01, 0.9, 0.9, 0.01, 0.01],
            "avg_log2FC": [1.0, -1.0, 1.0, 1.0, 2.0, -2.0],
            "cluster": ["0", "0", "0", "1", "1", "1"],
        }
    )
    with pytest.raises(
        InputError, match=r"pass --contrast-column cluster .*\(candidates: \['cluster'\]\)"
    ):
        gene_lists_from_table(df)
    sel = gene_lists_from_table(df, contrast_column="cluster")
    assert sel.contrast_column == "cluster" and list(sel.lists) == ["0", "1"]
    assert sel.lists["0"].queries == {"up": ["A"], "down": ["B"]}
    assert sel.lists["1"].queries == {"up": ["B"], "down": ["C"]}
    assert sel.lists["0"].universe == sel.lists["1"].universe == ["A", "B", "C"]
    assert sel.lists["1"].info["contrast_column"] == "cluster"
    assert sel.lists["1"].info["table"] == "table, contrast '1'"


def test_contrast_column_is_detected_and_empty_contrasts_are_skipped() -> None:
    df = pd.DataFrame(
        {
            "gene": ["A", "B", "A", "B"],
            "FDR": [0.01, 0.5, 0.5, 0.5],
            "logFC": [1.0, 1.0, 1.0, 1.0],
            "Contrast": ["x", "x", "y", "y"],
        }
    )
    sel = gene_lists_from_table(df, name="de.tsv")
    assert list(sel.lists) == ["x"] and sel.contrast_column == "Contrast"
    assert (
        list(sel.skipped) == ["y"]
        and "de.tsv, contrast 'y': no gene has FDR <= 0.05" in (sel.skipped["y"])
    )
    with pytest.raises(NothingSelectedError, match="no contrast has genes") as exc:
        gene_lists_from_table(df, padj_max=0.001)
    assert list(exc.value.skipped) == ["x", "y"]


def test_nothing_selected_in_a_single_table() -> None:
    with pytest.warns(DroppedInputWarning), pytest.raises(NothingSelectedError, match="relax"):
        gene_lists_from_table(_de(), padj_max=0.0001)


def test_frame_with_gene_index_and_numeric_ids() -> None:
    pydeseq2 = pd.DataFrame(
        {"log2FoldChange": [1.0, -2.0], "padj": [0.01, 0.02]}, index=pd.Index(["A", "B"])
    )
    assert gene_lists_from_table(pydeseq2).lists[""].queries == {"up": ["A"], "down": ["B"]}
    entrez = pd.DataFrame({"ENTREZID": [3708, 9927], "logFC": [1.0, -1.0], "FDR": [0.01, 0.01]})
    assert gene_lists_from_table(entrez).lists[""].queries == {"up": ["3708"], "down": ["9927"]}


def test_file_with_r_row_names(tmp_path) -> None:
    p = tmp_path / "deseq2.csv"
    p.write_text('"","baseMean","log2FoldChange","padj"\n"A",10,1.5,0.01\n"B",12,-2,0.02\n')
    sel = gene_lists_from_table(p)
    assert sel.lists[""].info["gene_column"] == ROW_NAMES
    assert sel.lists[""].queries == {"up": ["A"], "down": ["B"]}
    assert sel.source == str(p)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"padj_max": 0}, r"--padj-max 0: must be in \(0, 1\]"),
        ({"lfc_min": -1}, r"--lfc-min -1: must be >= 0"),
        ({"duplicates": "mean"}, r"--duplicates 'mean': choose one of"),
        ({"gene_column": "nope"}, r"--gene-column 'nope': no such column"),
        ({"contrast_column": "nope"}, r"--contrast-column 'nope': no such column"),
    ],
)
def test_bad_settings_name_the_setting(kwargs, match) -> None:
    with pytest.raises(InputError, match=match):
        gene_lists_from_table(_de(), **kwargs)


def test_rnk_is_refused(tmp_path) -> None:
    p = tmp_path / "scores.rnk"
    p.write_text("A\t1.0\n")
    with pytest.raises(InputError, match="a .rnk ranked list has no adjusted p-values"):
        gene_lists_from_table(p)


def test_ranking_for_the_report() -> None:
    df = pd.DataFrame(
        {"gene": ["A", "B", "C"], "adj.P.Val": [0.01, 0.5, 0.01], "logFC": [-1.0, 0.5, 2.0]}
    )
    r = gene_lists_from_table(df, name="toptable.tsv").ranking()
    assert r.style == "limma" and r.score_name == "logFC" and r.source == "toptable.tsv"
    t = r.tables["toptable.tsv"]
    assert t.index.tolist() == ["C", "B", "A"]  # by log fold change, decreasing
    assert t["padj"].tolist() == [0.01, 0.5, 0.01]
