"""Regenerate the shipped curation priors from ``../shared`` data (run by hand, checked by tests).

    python -m mamsets.curate._build --shared ../shared

Writes ``curate/data/hgnc_groups.tsv.gz`` (HGNC gene groups with an approved member:
``group_id, group_name, hgnc_ids``), ``curate/data/gene_names.tsv.gz`` (the words of HGNC's approved, alias and previous gene
*names* of each protein-coding gene, for matching a caption's own words),
``curate/data/pathway_prevalence.tsv.gz`` (in how many human WikiPathways pathways of PFOCR's
2018 benchmark each gene is drawn) and ``curate/data/lexicon_usage.tsv.gz`` (how often each
non-exact lexicon call of that benchmark was right). Both benchmark priors leave out every
pathway that is the truth list of an evaluation pair (:func:`.benchmark.truth_pathways`).
Deterministic: sorted rows, gzip with mtime 0.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import os
from collections import Counter, defaultdict
from pathlib import Path

from ._words import name_words
from .benchmark import lexicon_usage, wp2018_pathways

HGNC_FILE = Path("geneids") / "hgnc_complete_set_2024-10.txt.gz"
_HERE = Path(__file__).resolve().parent / "data"


def _split(value: str) -> list[str]:
    """Items of a ``|``-separated HGNC name cell, whose whole value may be quoted."""
    return [v for v in value.strip('"').split("|") if v]


def gene_names(hgnc_file: str | os.PathLike[str]) -> dict[str, tuple[tuple[str, ...], int]]:
    """``{hgnc_id: (words, n_approved)}``: the distinct words of each protein-coding gene's HGNC names.

    Approved name, alias names and previous names (GABPA: "GA binding protein transcription
    factor subunit alpha", "nuclear respiratory factor 2 alpha subunit", ...), tokenised by
    :func:`name_words`, first-seen order; the first ``n_approved`` words are the approved name's.
    """
    out: dict[str, tuple[tuple[str, ...], int]] = {}
    with gzip.open(hgnc_file, "rt", encoding="utf-8") as fh:
        for r in csv.DictReader(fh, delimiter="\t"):
            if r["status"] != "Approved" or r["locus_group"] != "protein-coding gene":
                continue
            names = [r["name"], *_split(r["alias_name"]), *_split(r["prev_name"])]
            words = tuple(dict.fromkeys(w for n in names for w in name_words(n)))
            out[r["hgnc_id"]] = (words, len(set(name_words(r["name"]))))
    return dict(sorted(out.items(), key=lambda kv: int(kv[0].split(":")[1])))


def hgnc_groups(hgnc_file: str | os.PathLike[str]) -> list[str]:
    """Rows ``group_id, group_name, hgnc_ids`` (``|``-joined, sorted) of every HGNC gene group
    with an approved member, sorted by group id (columns ``gene_group``, ``gene_group_id``)."""
    names: dict[str, str] = {}
    members: dict[str, set[str]] = defaultdict(set)
    with gzip.open(hgnc_file, "rt", encoding="utf-8") as fh:
        for r in csv.DictReader(fh, delimiter="\t"):
            if r["status"] != "Approved" or not r["gene_group_id"]:
                continue
            for gid, name in zip(r["gene_group_id"].split("|"), r["gene_group"].split("|")):
                names[gid] = name
                members[gid].add(r["hgnc_id"])
    key = lambda h: int(h.split(":")[1])  # noqa: E731
    return [f"{gid}\t{names[gid]}\t{'|'.join(sorted(members[gid], key=key))}"
            for gid in sorted(members, key=int)]


def pathway_prevalence(corpus: str | os.PathLike[str]) -> dict[str, int]:
    """``{entrez: n}``: in how many of PFOCR's 2018 human WikiPathways pathways a gene is drawn.

    The curation benchmark's truth pathways are left out (:func:`wp2018_pathways` holds them
    out), so the prior never sees the lists it is judged against.
    """
    counts: Counter[str] = Counter()
    for genes in wp2018_pathways(corpus).values():
        counts.update(genes)
    return dict(sorted(counts.items(), key=lambda kv: int(kv[0])))


def _write(name: str, header: str, lines: list[str]) -> Path:
    out = _HERE / name
    buf = io.StringIO()
    buf.write(header + "\n")
    buf.writelines(ln + "\n" for ln in lines)
    with open(out, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz:
        gz.write(buf.getvalue().encode("utf-8"))
    return out


def main(argv: list[str] | None = None) -> None:
    """Write the four tables from ``--shared`` (default ``../shared`` beside the checkout)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=str(Path.cwd().parent / "shared"))
    args = ap.parse_args(argv)
    data = Path(args.shared) / "data"
    g = _write("hgnc_groups.tsv.gz", "group_id\tgroup_name\thgnc_ids", hgnc_groups(data / HGNC_FILE))
    names = gene_names(data / HGNC_FILE)
    a = _write("gene_names.tsv.gz", "hgnc_id\tname_words\tn_approved",
               [f"{k}\t{' '.join(v)}\t{n}" for k, (v, n) in names.items()])
    prev = pathway_prevalence(data / "pfocr-corpus")
    b = _write("pathway_prevalence.tsv.gz", "entrez\tpathways", [f"{k}\t{v}" for k, v in prev.items()])
    usage = lexicon_usage(data / "pfocr-corpus")
    c = _write("lexicon_usage.tsv.gz", "word\tentrez\tn\tright",
               [f"{w}\t{e}\t{n}\t{t}" for (w, e), (n, t) in usage.items()])
    for p in (g, a, b, c):
        print(f"wrote {p} ({p.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
