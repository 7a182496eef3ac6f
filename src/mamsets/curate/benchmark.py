"""Measure curation against human-curated gene lists of the same figures (PFOCR corpus).

Reads ``../shared/data/pfocr-corpus`` (or any folder of that layout): ``figures/<figid>/``
records, ``truth/<figid>/curated_genes.tsv`` (WikiPathways pathways drawn from the same figure)
and ``eval/truth_pairs_independence.tsv``. Genes are compared by NCBI Gene id, human only.
"""

from __future__ import annotations

import csv
import os
import statistics
from collections import defaultdict
from pathlib import Path

import pandas as pd

from ..io.pfocr import read_pfocr_record
from .draft import KEPT, curate_figure

__all__ = ["BENCHMARK_COLUMNS", "benchmark", "lexicon_usage", "route_reliability", "summarize", "truth_pathways"]

BENCHMARK_COLUMNS = (
    "figid", "wpid", "independence", "n_truth", "n_raw", "n_kept", "raw_precision", "raw_recall",
    "kept_precision", "kept_recall", "raw_tp_kept", "n_excluded", "excluded_tp",
)

_ROUTES_2018 = {"hgnc_symbol": "exact_symbol", "hgnc_prev_symbol": "previous_symbol",
                "hgnc_alias_symbol": "alias", "bioentities_symbol": "family_expansion"}


def _ratio(a: int, b: int) -> float:
    return a / b if b else float("nan")


def _pairs(root: Path) -> dict[str, tuple[str, str]]:
    """``{figid: (wpid, independence)}`` of ``eval/truth_pairs_independence.tsv``."""
    with open(root / "eval" / "truth_pairs_independence.tsv", encoding="utf-8") as fh:
        return {r["figid"]: (r["wpid"], r["independence"]) for r in csv.DictReader(fh, delimiter="\t")}


def _truth_dirs(root: Path) -> list[Path]:
    """The ``truth/<figid>/`` folders holding a curated gene list, sorted."""
    return sorted(p for p in (root / "truth").iterdir() if (p / "curated_genes.tsv").is_file())


def benchmark(corpus: str | os.PathLike[str]) -> pd.DataFrame:
    """Per figure with a curated twin: precision and recall of the raw OCR list and of the kept genes.

    ``raw_tp_kept`` is the share of the raw list's correct genes that curation keeps;
    ``excluded_tp`` counts correct genes the curation left out (its cost).
    """
    root = Path(corpus)
    indep = _pairs(root)
    rows = []
    for tdir in _truth_dirs(root):
        figid = tdir.name
        with open(tdir / "curated_genes.tsv", encoding="utf-8") as fh:
            truth = {r["ncbigene_id"] for r in csv.DictReader(fh, delimiter="\t") if r["ncbigene_id"]}
        rec = read_pfocr_record(root / "figures" / figid)
        raw = {g.entrez for g in rec.human_genes()}
        cur = curate_figure(rec)
        a = cur.audit
        kept = set(a.loc[a["decision"].isin(KEPT), "entrez"]) - {""}
        excluded = set(a.loc[~a["decision"].isin(KEPT), "entrez"]) - kept
        rows.append({
            "figid": figid, "wpid": indep.get(figid, ("", ""))[0], "independence": indep.get(figid, ("", "unknown"))[1],
            "n_truth": len(truth), "n_raw": len(raw), "n_kept": len(kept),
            "raw_precision": _ratio(len(raw & truth), len(raw)), "raw_recall": _ratio(len(raw & truth), len(truth)),
            "kept_precision": _ratio(len(kept & truth), len(kept)), "kept_recall": _ratio(len(kept & truth), len(truth)),
            "raw_tp_kept": _ratio(len(kept & raw & truth), len(raw & truth)),
            "n_excluded": len(excluded), "excluded_tp": len(excluded & truth),
        })
    return pd.DataFrame(rows, columns=list(BENCHMARK_COLUMNS))


def summarize(table: pd.DataFrame, cols: list[str] | None = None) -> pd.DataFrame:
    """Medians of the benchmark columns (or of ``cols``), for all figures and per independence class."""
    cols = cols or ["raw_precision", "raw_recall", "kept_precision", "kept_recall", "raw_tp_kept"]
    groups = {"all": table, "independent": table[table["independence"] != "built_from_pfocr"],
              "built_from_pfocr": table[table["independence"] == "built_from_pfocr"]}
    return pd.DataFrame(
        [{"subset": k, "n": len(t), **{c: t[c].median() for c in cols}} for k, t in groups.items()],
        columns=["subset", "n", *cols],
    )


_WP2018 = ("truth", "wp2018_ocr_benchmark")


def truth_pathways(corpus: str | os.PathLike[str]) -> frozenset[str]:
    """The WikiPathways ids that are the truth lists of the evaluation pairs.

    The union of ``eval/truth_pairs_independence.tsv``'s ``wpid`` column and the ``WP*`` files of
    ``truth/<figid>/`` folders, so a pair added to either is held out of every prior.
    """
    root = Path(corpus)
    ids = {wpid for wpid, _ in _pairs(root).values() if wpid}
    for tdir in _truth_dirs(root):
        ids.update(p.name.split("-")[0].split(".")[0] for p in tdir.glob("WP*"))
    return frozenset(ids)


def wp2018_pathways(corpus: str | os.PathLike[str], *, hold_out: bool = True) -> dict[str, set[str]]:
    """``{wpid: {entrez, ...}}``: the pathways of PFOCR's 2018 benchmark (413 WikiPathways drawings).

    Parameters
    ----------
    corpus : path
        ``../shared/data/pfocr-corpus`` (the file is ``truth/wp2018_ocr_benchmark/20180418_wp_hs_gmt.csv``).
    hold_out : bool
        Leave out the evaluation's truth pathways (:func:`truth_pathways`; WP3943 is one), so no
        prior built from the benchmark sees the lists curation is judged against.
    """
    path = Path(corpus).joinpath(*_WP2018, "20180418_wp_hs_gmt.csv")
    skip = truth_pathways(corpus) if hold_out else frozenset()
    gmt: dict[str, set[str]] = {}
    for line in path.read_text(encoding="utf-8").replace("\r", "\n").splitlines():
        parts = [p.strip() for p in line.split(",")]
        if parts and parts[0] and parts[0] not in skip:
            gmt[parts[0]] = {g for g in parts[1:] if g}
    return gmt


def wp2018_calls(corpus: str | os.PathLike[str], *, hold_out: bool = True) -> list[dict[str, str]]:
    """Rows of the benchmark's OCR calls (``wpid``, ``entrez``, ``symbol``, ``source``, ...).

    ``hold_out`` drops the calls of the evaluation's truth pathways, as in :func:`wp2018_pathways`.
    """
    path = Path(corpus).joinpath(*_WP2018, "20180418_wp_hs_pfocr_sub.csv")
    skip = truth_pathways(corpus) if hold_out else frozenset()
    rows = csv.DictReader(path.read_text(encoding="utf-8").replace("\r", "\n").splitlines())
    return [r for r in rows if r["wpid"] not in skip]


def route_reliability(corpus: str | os.PathLike[str]) -> dict[str, float]:
    """Precision of each lexicon route on PFOCR's 2018 benchmark (OCR of 413 WikiPathways drawings).

    A call (pathway, gene, route) is right when the gene is in that pathway's GMT line.
    """
    gmt = wp2018_pathways(corpus)
    tp: dict[str, int] = defaultdict(int)
    n: dict[str, int] = defaultdict(int)
    seen: set[tuple[str, str, str]] = set()
    for r in wp2018_calls(corpus):
        route = _ROUTES_2018.get(r["source"])
        key = (r["wpid"], r["entrez"], r["source"])
        if route is None or r["wpid"] not in gmt or key in seen:
            continue
        seen.add(key)
        n[route] += 1
        tp[route] += r["entrez"] in gmt[r["wpid"]]
    return {k: round(tp[k] / n[k], 3) for k in sorted(n)}


def median(values: list[float]) -> float:
    """Median ignoring NaN."""
    v = [x for x in values if x == x]
    return statistics.median(v) if v else float("nan")


def lexicon_usage(corpus: str | os.PathLike[str]) -> dict[tuple[str, str], tuple[int, int]]:
    """How often each non-exact lexicon call (word, gene) was right on PFOCR's 2018 benchmark.

    Returns ``{(WORD, entrez): (n_calls, n_right)}`` over alias, previous-symbol and family
    (FamPlex) calls of 413 WikiPathways drawings, each (pathway, gene, word) counted once. This is
    the per-word usage prior shipped as ``curate/data/lexicon_usage.tsv.gz``: which members of
    "PI3K" or which meaning of "p21" curators draw, measured on drawings outside the evaluation.
    """
    gmt = wp2018_pathways(corpus)
    n: dict[tuple[str, str], int] = defaultdict(int)
    tp: dict[tuple[str, str], int] = defaultdict(int)
    seen: set[tuple[str, str, str]] = set()
    for r in wp2018_calls(corpus):
        if r["source"] == "hgnc_symbol" or r["wpid"] not in gmt or (r["wpid"], r["entrez"], r["symbol"]) in seen:
            continue
        seen.add((r["wpid"], r["entrez"], r["symbol"]))
        key = (r["symbol"].upper(), r["entrez"])
        n[key] += 1
        tp[key] += r["entrez"] in gmt[r["wpid"]]
    return {k: (n[k], tp[k]) for k in sorted(n)}
