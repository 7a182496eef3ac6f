"""Reports: one self-contained HTML file, text summary, atomic output folders."""

from __future__ import annotations

import html
import json
import re
import warnings

import matplotlib

matplotlib.use("Agg")

import pandas as pd
import pytest

from mamsets.errors import InputError, OutputExistsError
from mamsets.io.ranking import read_ranking
from mamsets.model import GeneSet, GeneSetCollection
from mamsets.report import (
    methods_text,
    report_html,
    stack_results,
    text_summary,
    write_report,
    write_run_outputs,
)
from mamsets.results import EnrichmentResult

gsea_mod = pytest.importorskip("mamsets.engines.gsea")
ora_mod = pytest.importorskip("mamsets.engines.ora")


@pytest.fixture(scope="module")
def ranking(tests_data):
    return read_ranking(tests_data / "tables" / "limma_long.tsv")


@pytest.fixture(scope="module")
def collection(ranking):
    ox = tuple(g for g in ranking.genes if g.startswith(("NDUF", "COX", "ATP5", "UQCR", "SDH")))
    return GeneSetCollection(
        (
            GeneSet("CTRL_OXPHOS", ox, description="OXPHOS subunits", tags=("control",)),
            GeneSet("MAMS_GALPHA", ("GNAQ", "GNA11", "GNA14", "GNA15", "GNAS", "GNAL")),
            GeneSet("MAMS_IP3R", ("ITPR1", "ITPR2", "ITPR3")),
            GeneSet("MAMS_AMPK", ("PRKAA1", "PRKAA2", "PRKAB1", "PRKAB2", "PRKAG1", "PRKAG2",
                                  "PRKAG3")),
        ),
        name="test-sets",
        version="0.0",
        species="human",
        id_type="symbol",
    )


@pytest.fixture(scope="module")
def gsea_result(ranking, collection):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        per = {c: gsea_mod.gsea(s, collection, rng=7, method="permutation", n_perm=200)
               for c, s in ranking.items()}
    return stack_results(per)


@pytest.fixture(scope="module")
def ora_result(ranking, collection):
    lists = {k: v for k, v in ranking.gene_lists("trained_vs_sedentary").items() if v}
    return ora_mod.ora(lists, collection, universe=list(ranking.table("trained_vs_sedentary").index))


def test_stack_results_adds_contrast_column(gsea_result, ranking, collection):
    t = gsea_result.table
    assert list(t.columns[:2]) == ["contrast", "term"]
    assert list(dict.fromkeys(t["contrast"])) == list(ranking.contrasts)
    assert len(t) == 2 * len(collection)
    assert set(gsea_result.params["by_contrast"]) == set(ranking.contrasts)
    assert gsea_result.params["padj_scope"] == "within each contrast"
    # the simulated trained contrast shifts OXPHOS up; the other does not
    ox = t[t["term"] == "CTRL_OXPHOS"].set_index("contrast")
    assert ox.loc["trained_vs_sedentary", "nes"] > 1.5
    assert ox.loc["trained_vs_sedentary", "pval"] < 0.01


def test_stack_results_refuses_mixed(gsea_result, ora_result):
    with pytest.raises(InputError, match="stack only results of one method"):
        stack_results({"a": gsea_result, "b": ora_result})


def test_text_summary_controls_first(gsea_result, collection, ranking):
    text = text_summary(gsea_result, collection=collection, ranking=ranking)
    lines = text.splitlines()
    i_ctrl = next(i for i, ln in enumerate(lines) if "positive controls" in ln)
    assert "CTRL_OXPHOS" in lines[i_ctrl + 1]
    assert "ranked by column 't'" in lines[0]
    assert gsea_result.collection_sha256[:12] in text


def test_report_html_is_self_contained(gsea_result, ora_result, ranking, collection):
    doc = report_html({"gsea": gsea_result, "ora": ora_result}, ranking=ranking,
                      collection=collection)
    assert doc.startswith("<!DOCTYPE html>")
    # nothing fetched from elsewhere: only the inline sorting script, no stylesheets or remote images
    assert re.findall(r"<script[^>]*>", doc) == ["<script>"] and "<link" not in doc
    assert "fetch(" not in doc and "XMLHttpRequest" not in doc
    assert not re.search(r"""(src|href)=['"](?!data:)""", doc)
    imgs = re.findall(r"src='data:image/png;base64,([A-Za-z0-9+/=]+)'", doc)
    assert len(imgs) >= 4  # 2 dot plots, enrichment plots, heatmap
    import base64

    assert all(base64.b64decode(b)[:8] == b"\x89PNG\r\n\x1a\n" for b in imgs)
    for needle in (gsea_result.collection_sha256, "trained_vs_sedentary", "CTRL_OXPHOS",
                   "detection_message", "ranked by column", "numpy", "Parameters"):
        assert needle in doc
    assert "class='ctrl'" in doc


def test_report_without_plots_and_escaping(ora_result):
    t = ora_result.table.copy()
    t.loc[0, "term"] = "<b>odd</b>"
    odd = EnrichmentResult("ora", t, {}, "c", "", "0" * 64)
    doc = report_html(odd, plots=False)
    assert "<b>odd</b>" not in doc and "&lt;b&gt;odd&lt;/b&gt;" in doc
    assert "data:image/png" not in doc


def test_report_sections_are_addressable(gsea_result, ora_result):
    doc = report_html({"gsea": gsea_result, "ora": ora_result}, plots=False)
    results = doc.split("<section id='results'>", 1)[1].split("</section>", 1)[0]
    assert doc.count("id='results'") == 1
    assert "<h3>gsea (gsea)</h3>" in results and "<h3>ora (ora)</h3>" in results
    # parameters are folded into the provenance section, after the results and plots
    params = re.findall(r"<details class='params'><summary>Parameters: (\w+)</summary>(.*?)</details>",
                        doc)
    assert [name for name, _ in params] == ["gsea", "ora"]
    assert all("<table class='meta'>" in p for _, p in params)
    assert doc.index("id='results'") < doc.index("id='provenance'") < doc.index(
        "<summary>Methods text</summary>") < doc.index("<summary>Software</summary>")
    # no claims given: no claims section, unless a note says why
    assert "id='claims'" not in doc
    noted = report_html({"gsea": gsea_result}, plots=False, claims_note="a user GMT: no claims")
    assert noted.index("id='claims'") < noted.index("id='results'")


def test_write_run_outputs(tmp_path, gsea_result, ora_result, ranking, collection):
    out = tmp_path / "run"
    written = write_run_outputs({"gsea": gsea_result, "ora": ora_result}, out,
                                ranking=ranking, collection=collection)
    names = sorted(p.name for p in out.iterdir())
    assert names == ["params.json", "plots", "ranking.tsv", "report.html", "results.tsv",
                     "results_ora.tsv", "summary.txt"]
    back = pd.read_csv(out / "results.tsv", sep="\t", comment="#")
    assert list(back.columns) == list(gsea_result.table.columns)
    assert len(back) == len(gsea_result.table)
    params = json.loads((out / "params.json").read_text())
    assert set(params) == {"gsea", "ora", "input"}
    assert params["input"]["score"] == "t"
    pngs = sorted(p.name for p in (out / "plots").iterdir())
    assert "dotplot_gsea.png" in pngs and "member_heatmap.png" in pngs
    assert any(p.startswith("enrichment_CTRL_OXPHOS") for p in pngs)
    assert written["report"] == out / "report.html"
    rk = pd.read_csv(out / "ranking.tsv", sep="\t")
    assert list(rk.columns[:3]) == ["contrast", "gene", "score"] and len(rk) == 800
    # an existing folder is refused, then replaced on request
    with pytest.raises(OutputExistsError, match="--force"):
        write_run_outputs(gsea_result, out)
    # --force never removes entries the new run would not write again (they may be the user's)
    with pytest.raises(OutputExistsError, match="would not write again"):
        write_run_outputs(gsea_result, out, overwrite=True, plots=False)
    assert (out / "plots").is_dir() and (out / "results_ora.tsv").is_file()
    (out / "summary.txt").write_text("stale")
    write_run_outputs({"gsea": gsea_result, "ora": ora_result}, out, overwrite=True,
                      ranking=ranking, collection=collection)
    assert (out / "summary.txt").read_text() != "stale"


def test_failed_run_leaves_nothing(tmp_path, gsea_result, monkeypatch):
    import mamsets.report as rep

    def boom(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(rep, "report_html", boom)
    out = tmp_path / "run"
    with pytest.raises(RuntimeError):
        write_run_outputs(gsea_result, out, plots=False)
    assert list(tmp_path.iterdir()) == []


def test_write_report_single_file(tmp_path, ora_result):
    p = write_report(ora_result, tmp_path / "r.html")
    assert p.read_text().count("<html") == 1
    with pytest.raises(OutputExistsError):
        write_report(ora_result, tmp_path / "r.html")


def test_write_run_outputs_default_library(tmp_path, tests_data):
    """What `mamsets gsea TABLE -o OUT` can call: no collection given, the bundled one is found."""
    pytest.importorskip("mamsets.io.bundled")
    r = read_ranking(tests_data / "tables" / "limma.tsv")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = gsea_mod.gsea(r.scores, None, rng=1, method="permutation", n_perm=100)
    written = write_run_outputs(res, tmp_path / "o", ranking=r)
    pngs = [k for k in written if k.startswith("plot:")]
    assert "plot:dotplot" in pngs and "plot:member_heatmap" in pngs
    assert len(pngs) >= 3


def test_methods_text_states_the_recorded_parameters(gsea_result, ora_result, ranking):
    text = methods_text({"gsea": gsea_result, "ora": ora_result}, ranking=ranking)
    assert "gene-set permutations" in text and "200" in text  # method="permutation", n_perm=200
    assert "Random seed: 7" in text
    assert gsea_result.collection_sha256[:16] in text
    assert "universe of the 400 genes" in text
    assert "ranked by t" in text


def test_empty_result_reports_cleanly(tmp_path):
    from mamsets.results import empty_table

    empty = EnrichmentResult("gsea", empty_table(gsea_mod.GSEA_SCHEMA), {"seed": 1}, "c", "", "0" * 64)
    assert "no set was tested" in text_summary(empty)
    doc = report_html(empty)
    assert "0 rows" in doc
    write_run_outputs(empty, tmp_path / "o")
    back = pd.read_csv(tmp_path / "o" / "results.tsv", sep="\t", comment="#")
    assert list(back.columns) == list(gsea_mod.GSEA_SCHEMA) and len(back) == 0


@pytest.mark.parametrize(
    "alternative, wanted, unwanted",
    [
        ("greater", "upper tail P(X >= k)", "P(X <= k)"),
        ("less", "lower tail P(X <= k)", "P(X >= k)"),
        ("two-sided", "two-sided Fisher's exact test", "P(X >= k)"),
    ],
)
def test_methods_text_follows_the_ora_alternative(ranking, collection, alternative, wanted,
                                                   unwanted):
    lists = {k: v for k, v in ranking.gene_lists("trained_vs_sedentary").items() if v}
    res = ora_mod.ora(lists, collection, universe=list(ranking.table("trained_vs_sedentary").index),
                      alternative=alternative, min_size=2, max_size=50)
    text = methods_text(res)
    assert wanted in text and unwanted not in text
    assert "sets with 2 to 50 members" in text
    assert ("Under-representation" in text) == (alternative == "less")
    # once, as the reader sees it (the escaper may spell ' as &#x27; or &#39;)
    assert html.unescape(_methods_section(report_html(res))).count(wanted) == 1


def _methods_section(doc: str) -> str:
    return doc.split("<summary>Methods text</summary>", 1)[1].split("</p>", 1)[0]


def test_summary_states_control_expectations_and_keeps_reference_sets_apart():
    import warnings

    import mamsets as ms
    from mamsets.model import GeneSetCollection

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = ms.read_ranking(ms.load_example(), duplicates="max_abs", dropna=True)
        lib, ctl = ms.library(include_raw=False), ms.controls()
        coll = GeneSetCollection(lib.sets + ctl.sets, name="x", version="1", species="human",
                                 id_type="symbol")
        res = ms.gsea(r.series("M_8W - M_SED"), coll, rng=1, method="permutation", n_perm=200)
    text = text_summary(res, collection=coll)
    ox = next(ln for ln in text.splitlines() if "CONTROL_OXPHOS" in ln)
    assert "expected up" in ox and "inactivity" in ox
    ref = text.split("reference sets", 1)[1].split("top ", 1)[0]
    assert "CONTROL_CYTOSOLIC_RIBOSOME" in ref
    assert "CONTROL_CYTOSOLIC_RIBOSOME" not in text.split("top ", 1)[1]


def test_heatmap_labels_entrez_and_ensembl_with_symbols():
    from mamsets.report.figures import _genome_symbols

    got = _genome_symbols({"7157", "ENSG00000141510", "11651", "NOT_AN_ID", "99999999"})
    assert got == {"7157": "TP53", "ENSG00000141510": "TP53", "11651": "Akt1"}  # 11651: mouse Entrez
