"""mamsets curate: no shipped prior may have seen the pathways the curation is judged against.

The curation benchmark compares kept genes with 20 WikiPathways pathways drawn from the same
figures. Priors built from PFOCR's 2018 benchmark of 413 WikiPathways drawings (pathway
prevalence, the per-word lexicon usage, the route reliabilities) must leave those pathways out,
or the benchmark measures memory instead of generalisation. WP3943 (the truth of
PMC2637482) is one of the 2018 drawings, so the check is not vacuous.

The expected tables are recomputed here straight from the CSV files, with the truth ids read
from the ``truth/<figid>/WP*-info.json`` file names, not through the package's own selection.
"""

from __future__ import annotations

import csv
import gzip
from collections import Counter
from importlib import resources
from pathlib import Path

import pytest

pytestmark = pytest.mark.shared_data


def _truth_ids(corpus: Path) -> set[str]:
    return {p.name.removesuffix("-info.json") for p in corpus.glob("truth/*/WP*-info.json")}


def _rows(path: Path) -> list[list[str]]:
    return [ln.split(",") for ln in path.read_text(encoding="utf-8").replace("\r", "\n").splitlines() if ln]


def _shipped(name: str) -> list[list[str]]:
    raw = resources.files("mamsets.curate").joinpath(f"data/{name}").read_bytes()
    return [ln.split("\t") for ln in gzip.decompress(raw).decode("utf-8").splitlines()[1:]]


@pytest.fixture(scope="module")
def bench(shared_data):
    corpus = shared_data / "pfocr-corpus"
    wp = corpus / "truth" / "wp2018_ocr_benchmark"
    gmt = {r[0]: {g.strip() for g in r[1:] if g.strip()} for r in _rows(wp / "20180418_wp_hs_gmt.csv") if r[0]}
    calls = [dict(zip(("wpid", "entrez", "symbol", "source"), r[:4])) for r in _rows(wp / "20180418_wp_hs_pfocr_sub.csv")[1:]]
    truth = _truth_ids(corpus)
    leaked = truth & set(gmt)
    assert len(truth) == 20 and leaked  # otherwise this file tests nothing
    return gmt, calls, truth, leaked


def _usage(gmt, calls, skip):
    n: Counter = Counter()
    right: Counter = Counter()
    for w, e, s in {(c["wpid"], c["entrez"], c["symbol"]) for c in calls
                    if c["source"] != "hgnc_symbol" and c["wpid"] in gmt and c["wpid"] not in skip}:
        n[(s.upper(), e)] += 1
        right[(s.upper(), e)] += e in gmt[w]
    return {k: (n[k], right[k]) for k in n}


def test_lexicon_usage_leaves_out_truth_pathways(bench):
    gmt, calls, truth, leaked = bench
    shipped = {(w, e): (int(n), int(t)) for w, e, n, t in _shipped("lexicon_usage.tsv.gz")}
    assert shipped == _usage(gmt, calls, truth)
    assert shipped != _usage(gmt, calls, set())  # the truth pathways would change it


def test_pathway_prevalence_leaves_out_truth_pathways(bench):
    gmt, _, truth, leaked = bench
    expect = Counter(g for w, genes in gmt.items() if w not in truth for g in genes)
    shipped = {e: int(n) for e, n in _shipped("pathway_prevalence.tsv.gz")}
    assert shipped == dict(expect)
    with_truth = Counter(g for genes in gmt.values() for g in genes)
    assert shipped != dict(with_truth)


def test_route_reliability_leaves_out_truth_pathways(bench, shared_data):
    from mamsets.curate import ROUTE_RELIABILITY
    from mamsets.curate.benchmark import route_reliability, truth_pathways, wp2018_calls, wp2018_pathways

    gmt, calls, truth, leaked = bench
    corpus = shared_data / "pfocr-corpus"
    assert truth <= truth_pathways(corpus)
    assert not leaked & set(wp2018_pathways(corpus))
    assert not leaked & {r["wpid"] for r in wp2018_calls(corpus)}
    fam = {(c["wpid"], c["entrez"]) for c in calls
           if c["source"] == "bioentities_symbol" and c["wpid"] in gmt and c["wpid"] not in truth}
    assert ROUTE_RELIABILITY["family_expansion"] == pytest.approx(sum(e in gmt[w] for w, e in fam) / len(fam), abs=5e-4)
    assert route_reliability(corpus) == pytest.approx(ROUTE_RELIABILITY, abs=1e-3)
