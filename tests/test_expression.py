"""Expression matrices in: read_expression, .cls, sample sheets, collapsing, counts, AnnData."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mamsets.errors import DuplicateGeneWarning, InputError
from mamsets.io.expression import log_cpm, read_expression
from mamsets.io.phenotypes import read_cls

DATA = Path(__file__).parent / "data" / "expression"
SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def test_gct_reads_and_collapses_by_max_mean() -> None:
    with pytest.warns(DuplicateGeneWarning, match="collapsed by 'max_mean'"):
        e = read_expression(DATA / "small.gct")
    assert e.values.shape == (2, 4)
    assert e.values.loc["A"].tolist() == [1.5, 2.0, 3.0, 4.0]  # mean 2.6 beats 0.5
    assert e.report["duplicates"]["rows_collapsed"] == 1
    assert e.report["duplicates"]["examples"] == ["A"]


def test_collapse_mean_and_error() -> None:
    with pytest.warns(DuplicateGeneWarning):
        e = read_expression(DATA / "small.gct", collapse="mean")
    assert e.values.loc["A"].tolist() == [1.0, 1.25, 1.75, 2.25]
    with pytest.raises(InputError, match="gene ids repeat"):
        read_expression(DATA / "small.gct", collapse="error")


def test_truncated_gct_names_file_and_counts() -> None:
    with pytest.raises(InputError, match=r"truncated\.gct: 1 data rows but line 2 declares 3"):
        read_expression(DATA / "truncated.gct")


def test_cls_categorical_continuous_and_errors() -> None:
    s = read_cls(DATA / "continuous.cls")
    assert s.name == "insulin_sensitivity" and s.tolist() == [1.0, 2.5, 3.0, 0.5]
    with pytest.raises(InputError, match=r"bad_count\.cls, line 3: 3 labels but line 1 declares 4"):
        read_cls(DATA / "bad_count.cls")
    with pytest.raises(InputError, match=r"bad_label\.cls, line 3"):
        read_cls(DATA / "bad_label.cls")


def test_counts_are_refused_unless_transformed() -> None:
    rng = np.random.default_rng(1)
    counts = pd.DataFrame(rng.poisson(200, size=(50, 6)), index=[f"g{i}" for i in range(50)],
                          columns=[f"s{j}" for j in range(6)])
    with pytest.raises(InputError, match="look like raw counts.*transform='log_cpm'"):
        read_expression(counts)
    e = read_expression(counts, transform="log_cpm")
    # edgeR cpm(log=TRUE, prior.count=2) by hand, for one value
    lib = counts.sum()
    lam = 2 * lib / lib.mean()
    hand = np.log2((counts.iloc[3, 2] + lam.iloc[2]) / (lib.iloc[2] + 2 * lam.iloc[2]) * 1e6)
    assert e.values.iloc[3, 2] == pytest.approx(hand, rel=1e-14)
    assert "log_cpm" in e.report["transform"]
    assert read_expression(counts, transform="none").values.iloc[0, 0] == counts.iloc[0, 0]
    assert log_cpm(counts).shape == counts.shape


def test_sample_sheet_phenotype_and_block() -> None:
    x = pd.DataFrame(np.arange(12.0).reshape(3, 4) + 0.5, index=["a", "b", "c"], columns=["s1", "s2", "s3", "s4"])
    sheet = pd.DataFrame({"sample_id": ["s4", "s3", "s2", "s1", "s9"], "grp": ["B", "B", "A", "A", "A"]})
    e = read_expression(x, sample_sheet=sheet, phenotype="grp")
    assert e.phenotype.tolist() == ["A", "A", "B", "B"]
    with pytest.raises(InputError, match="no such sample-sheet column"):
        e.with_phenotype("nope")
    with pytest.raises(InputError, match="no row for samples"):
        read_expression(x, sample_sheet=sheet.iloc[:2])


def test_non_finite_rows_dropped_and_counted() -> None:
    x = pd.DataFrame({"s1": [1.0, np.nan, 2.0], "s2": [2.0, 1.0, 3.0]}, index=["a", "b", "c"])
    e = read_expression(x)
    assert list(e.genes) == ["a", "c"]
    assert e.report["dropped"]["non_finite"] == 1


def test_anndata_in_memory(anndata_cls) -> None:
    x = np.random.default_rng(2).normal(5, 1, size=(6, 4))
    obs = pd.DataFrame({"group": ["A", "A", "A", "B", "B", "B"]}, index=[f"c{i}" for i in range(6)])
    ad = anndata_cls(x, obs=obs, var=pd.DataFrame(index=["g1", "g2", "g3", "g4"]))
    e = read_expression(ad, phenotype="group")
    assert e.values.shape == (4, 6)
    assert e.values.loc["g2", "c3"] == x[3, 1]
    assert e.phenotype.tolist() == obs["group"].tolist()


@pytest.mark.shared_data
def test_leukemia_probes_collapsed_and_reported() -> None:
    d = SHARED / "gsea-benchmarks" / "leukemia"
    with pytest.warns(DuplicateGeneWarning, match="2528 rows repeat a gene id"):
        e = read_expression(d / "Leukemia_hgu95av2.trim.txt.gz", cls=d / "Leukemia.cls")
    assert e.report["annotation_columns"] == ["NAME"]
    assert e.values.shape == (11548 - 2528, 48)
    assert e.phenotype.value_counts().to_dict() == {"ALL": 24, "AML": 24}
    raw = pd.read_csv(d / "Leukemia_hgu95av2.trim.txt.gz", sep="\t")
    g = raw["Gene"].value_counts().index[0]                      # a gene with several probes
    rows = raw.loc[raw["Gene"] == g].iloc[:, 2:]
    assert e.values.loc[g].tolist() == rows.loc[rows.mean(axis=1).idxmax()].tolist()


@pytest.mark.shared_data
def test_motrpac_counts_with_sample_sheet() -> None:
    d = SHARED / "motrpac-rat-training"
    with pytest.raises(InputError, match="raw counts"):
        read_expression(d / "TRNSCRPT_GN_counts.tsv.gz", gene_column="gene_symbol",
                        sample_sheet=d / "TRNSCRPT_GN_samples.tsv")
    with pytest.warns(DuplicateGeneWarning):
        e = read_expression(d / "TRNSCRPT_GN_counts.tsv.gz", gene_column="gene_symbol",
                            sample_sheet=d / "TRNSCRPT_GN_samples.tsv", transform="log_cpm",
                            phenotype="group")
    assert e.values.shape[1] == 50 and "TMM" in e.report["transform"]
    assert set(e.samples["sex"]) == {"Female", "Male"}
