"""Plots: the running sum shown is gseapy's; dot plot and heatmap show the right values."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from mamsets.errors import InputError
from mamsets.io.ranking import read_ranking
from mamsets.model import GeneSet, GeneSetCollection
from mamsets.plot import dotplot, enrichment_plot, member_heatmap, running_sum_table
from mamsets.results import EnrichmentResult


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def limma(tests_data):
    return read_ranking(tests_data / "tables" / "limma.tsv")


@pytest.fixture(scope="module")
def sets(limma):
    genes = list(limma.scores.index)
    oxphos = [g for g in genes if g.startswith(("NDUF", "COX", "ATP5", "UQCR", "SDH"))]
    return {
        "OXPHOS": oxphos,
        "GALPHA": ["GNAQ", "GNA11", "GNA14", "GNA15", "GNAS", "GNAL"],
        "IP3R": ["ITPR1", "ITPR2", "ITPR3", "NOT_A_GENE"],
    }


@pytest.mark.parametrize("weight", [1.0, 0.0, 2.0])
def test_running_sum_equals_gseapy(limma, sets, weight):
    gseapy = pytest.importorskip("gseapy")
    scores = limma.scores
    res = gseapy.prerank(
        rnk=scores, gene_sets={k: [g for g in v if g in scores.index] for k, v in sets.items()},
        permutation_num=10, min_size=1, max_size=1000, outdir=None, seed=1, threads=1,
        verbose=False, weight=weight,
    )
    for name in sets:
        ours = running_sum_table(scores, sets[name], weight=weight)
        ref = np.asarray(res.results[name]["RES"], dtype=float)
        assert np.max(np.abs(ours["running_sum"].to_numpy() - ref)) < 1e-12
        assert sorted(np.flatnonzero(ours["hit"].to_numpy())) == sorted(res.results[name]["hits"])


def test_enrichment_plot_panels_and_values(limma, sets):
    gs = GeneSet("OXPHOS", tuple(sets["OXPHOS"]))
    fig = enrichment_plot(limma, gs, stats={"nes": 2.5, "pval": 1e-6, "padj": 1e-5})
    axes = fig.axes
    assert len(axes) == 3
    line = axes[0].lines[0]
    y = line.get_ydata()
    assert len(y) == len(limma.scores)
    assert np.max(y) == pytest.approx(running_sum_table(limma, gs)["running_sum"].max())
    texts = " ".join(t.get_text() for t in axes[0].texts)
    assert "NES = +2.50" in texts and "ES = +0.825" in texts
    assert axes[0].get_title() == "OXPHOS"
    # one tick per member found in the ranking
    segs = axes[1].collections[0].get_segments()
    assert len(segs) == sum(g in limma.scores.index for g in sets["OXPHOS"])


def test_enrichment_plot_refuses_unmapped_set(limma):
    with pytest.raises(InputError):
        enrichment_plot(limma, ["Ndufa1", "Ndufa2"])  # mouse-style symbols, not in a human ranking


def _gsea_like(terms, contrasts, nes, pval):
    rows = []
    for c in contrasts:
        for t, n, p in zip(terms, nes[c], pval[c]):
            rows.append({"contrast": c, "term": t, "nes": n, "pval": p, "padj": min(1.0, p * 3),
                         "size": 10})
    return EnrichmentResult(method="gsea", table=pd.DataFrame(rows), params={},
                            collection_name="x", collection_version="", collection_sha256="0" * 64)


def test_dotplot_positions_colours_and_rings():
    res = _gsea_like(
        ["A", "B", "C"], ["F", "M"],
        nes={"F": [2.0, -1.5, 0.2], "M": [2.5, -0.5, 0.1]},
        pval={"F": [1e-5, 0.01, 0.9], "M": [1e-8, 0.4, 0.8]},
    )
    ax = dotplot(res)
    sc = ax.collections[0]
    off = sc.get_offsets()
    assert off.shape == (6, 2)
    xt = [t.get_text() for t in ax.get_xticklabels()]
    yt = [t.get_text() for t in ax.get_yticklabels()]
    assert xt == ["F", "M"]
    assert yt == ["B", "C", "A"]  # ordered by mean NES, most negative at the bottom
    # colour values are the NES
    assert sorted(sc.get_array().tolist()) == sorted([2.0, -1.5, 0.2, 2.5, -0.5, 0.1])
    # black rings exactly where padj < 0.05 (padj = 3 p here)
    edge = sc.get_edgecolors()
    ringed = edge[:, 3] > 0
    assert ringed.sum() == 3


def test_dotplot_ora_and_bad_column():
    t = pd.DataFrame({"query": ["up", "up", "down"], "term": ["A", "B", "A"], "overlap": [3, 1, 2],
                      "pval": [1e-4, 0.3, 0.02], "padj": [1e-3, 0.3, 0.04], "size": [10, 5, 10],
                      "fold_enrichment": [4.0, 1.1, 2.0]})
    ax = dotplot(t)
    assert [x.get_text() for x in ax.get_xticklabels()] == ["up", "down"]
    arr = ax.collections[0].get_array()
    assert np.allclose(sorted(arr), sorted(-np.log10([1e-3, 0.3, 0.04])))
    with pytest.raises(InputError, match="nes"):
        dotplot(t, color="nes")


def test_member_heatmap_values_and_missing_members(limma, sets, tests_data):
    coll = GeneSetCollection.from_dict({k: sets[k] for k in ("GALPHA", "IP3R")}, name="t")
    ax = member_heatmap(coll, limma)
    img = ax.images[0].get_array()
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[-1] == "NOT_A_GENE (not measured)"
    assert np.ma.is_masked(img[-1, 0])
    ref = pd.read_csv(tests_data / "tables" / "limma.tsv", sep="\t")["t"]
    rows = sets["GALPHA"] + sets["IP3R"]
    for i, g in enumerate(rows[:-1]):
        assert img[i, 0] == pytest.approx(ref[g])
    ax2 = member_heatmap(coll, limma, value="lfc", sets=["IP3R"])
    ref_lfc = pd.read_csv(tests_data / "tables" / "limma.tsv", sep="\t")["logFC"]
    assert ax2.images[0].get_array()[0, 0] == pytest.approx(ref_lfc["ITPR1"])
    with pytest.raises(InputError, match="max_rows"):
        member_heatmap(coll, limma, max_rows=3)


def test_member_heatmap_across_contrasts(tests_data, sets):
    r = read_ranking(tests_data / "tables" / "limma_long.tsv")
    coll = GeneSetCollection.from_dict({"GALPHA": sets["GALPHA"]})
    ax = member_heatmap(coll, r)
    assert ax.images[0].get_array().shape == (6, 2)
    assert [t.get_text() for t in ax.get_xticklabels()] == list(r.contrasts)


def test_dotplot_contrast_and_query_columns_both_shown():
    t = pd.DataFrame({"contrast": ["F", "F", "M", "M"], "query": ["up", "down", "up", "down"],
                      "term": ["A"] * 4, "overlap": [3, 1, 2, 0], "pval": [1e-4, 0.3, 0.02, 1.0],
                      "padj": [1e-3, 0.3, 0.04, 1.0], "size": [10] * 4})
    ax = dotplot(t)
    assert [x.get_text() for x in ax.get_xticklabels()] == ["F up", "F down", "M up", "M down"]
    assert len({tuple(o) for o in ax.collections[0].get_offsets()}) == 4


def test_member_heatmap_labels(limma):
    coll = GeneSetCollection.from_dict({"S": ["ITPR1", "ITPR2"]})
    ax = member_heatmap(coll, limma, labels={"ITPR1": "IP3R1"})
    assert [t.get_text() for t in ax.get_yticklabels()] == ["IP3R1 (ITPR1)", "ITPR2"]


def test_enrichment_plot_names_members_of_small_sets(limma):
    fig = enrichment_plot(limma, ["ITPR1", "ITPR2", "ITPR3"])
    names = sorted(t.get_text().strip() for t in fig.axes[1].texts)
    assert names == ["ITPR1", "ITPR2", "ITPR3"]
    big = enrichment_plot(limma, [g for g in limma.scores.index if g.startswith("NDUF")])
    assert big.axes[1].texts == [] or len(big.axes[1].texts) == 0
