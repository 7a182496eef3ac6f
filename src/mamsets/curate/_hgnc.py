"""HGNC lookups for curation, over the tables mamsets already ships (read once per process).

Gene identity comes from :mod:`mamsets.ids.tables` (HGNC complete set 2024-10); HGNC gene
groups from ``curate/data/hgnc_groups.tsv.gz`` (built by ``python -m mamsets.curate._build``).
"""

from __future__ import annotations

import functools
import gzip
from collections import defaultdict
from dataclasses import dataclass
from importlib import resources

from ..ids.tables import _human, _read_table, _split


@dataclass(frozen=True)
class Hgnc:
    """Per-gene names and the reverse indexes curation needs (keys upper case)."""

    symbol: dict[str, str]  # hgnc_id -> approved symbol
    locus: dict[str, str]  # hgnc_id -> locus group
    prev: dict[str, frozenset[str]]  # hgnc_id -> upper(previous symbols)
    alias: dict[str, frozenset[str]]  # hgnc_id -> upper(aliases)
    by_name: dict[str, tuple[str, ...]]  # upper(symbol|prev|alias) -> hgnc ids
    by_symbol: dict[str, str]  # upper(approved symbol) -> hgnc id
    exact_alias: dict[str, tuple[str, ...]]  # alias/prev as written -> hgnc ids
    entrez: dict[str, str]  # entrez -> hgnc id
    groups: dict[str, tuple[str, ...]]  # hgnc_id -> group ids
    group_name: dict[str, str]
    group_members: dict[str, tuple[str, ...]]


_GREEK_WORDS = (("ALPHA", "A"), ("BETA", "B"), ("GAMMA", "G"), ("DELTA", "D"), ("EPSILON", "E"), ("KAPPA", "K"))


def _greek_forms(name: str) -> tuple[str, ...]:
    """A name and, when it spells a Greek letter out, the form OCR and PFOCR's lexicon write.

    ``P85-ALPHA`` -> also ``P85-A`` and ``P85A`` (the figure's p85α); ``PGC-1ALPHA`` -> ``PGC-1A``.
    """
    out = [name]
    for word, letter in _GREEK_WORDS:
        if word in name:
            short = name.replace(f"-{word}", letter).replace(word, letter)
            out += [short, name.replace(word, letter)]
    return tuple(dict.fromkeys(out))


@functools.lru_cache(maxsize=1)
def hgnc() -> Hgnc:
    """The lookups (first call ~1 s; later calls free)."""
    t = _read_table("hgnc_ids.tsv.gz")
    by_name: dict[str, list[str]] = defaultdict(list)
    exact: dict[str, list[str]] = defaultdict(list)
    prev: dict[str, frozenset[str]] = {}
    alias: dict[str, frozenset[str]] = {}
    for i, s, a, p in zip(t["hgnc_id"], t["symbol"], t["alias_symbols"], t["prev_symbols"]):
        al, pr = _split(a), _split(p)
        alias[i] = frozenset(v for x in al for v in _greek_forms(x.upper()))
        prev[i] = frozenset(v for x in pr for v in _greek_forms(x.upper()))
        for name in {s.upper(), *alias[i], *prev[i]}:
            by_name[name].append(i)
        for name in {*al, *pr}:
            exact[name].append(i)
    raw = gzip.decompress(resources.files("mamsets.curate").joinpath("data/hgnc_groups.tsv.gz").read_bytes())
    groups: dict[str, list[str]] = defaultdict(list)
    names: dict[str, str] = {}
    members: dict[str, tuple[str, ...]] = {}
    for line in raw.decode("utf-8").splitlines()[1:]:
        gid, name, ids = line.split("\t")
        names[gid] = name
        members[gid] = tuple(ids.split("|"))
        for i in members[gid]:
            groups[i].append(gid)
    h = _human()
    return Hgnc(
        symbol=dict(zip(t["hgnc_id"], t["symbol"])),
        locus=dict(zip(t["hgnc_id"], t["locus_group"])),
        prev=prev,
        alias=alias,
        by_name={k: tuple(v) for k, v in by_name.items()},
        by_symbol={s.upper(): i for s, i in zip(t["symbol"], t["hgnc_id"])},
        exact_alias={k: tuple(v) for k, v in exact.items()},
        entrez=dict(h.entrez),
        groups={k: tuple(v) for k, v in groups.items()},
        group_name=names,
        group_members=members,
    )


def smallest_common_group(ids: tuple[str, ...], max_size: int = 8) -> str | None:
    """The smallest HGNC gene group holding every gene of ``ids`` (None if none, or too big)."""
    H = hgnc()
    common: set[str] | None = None
    for i in ids:
        g = set(H.groups.get(i, ()))
        common = g if common is None else common & g
    if not common:
        return None
    best = min(common, key=lambda g: (len(H.group_members[g]), int(g)))
    return best if len(H.group_members[best]) <= max_size else None


@functools.lru_cache(maxsize=1)
def lexicon_usage() -> dict[tuple[str, str], tuple[int, int]]:
    """``{(WORD, entrez): (n_calls, n_right)}`` for non-exact lexicon calls on PFOCR's 2018 benchmark.

    Shipped as ``curate/data/lexicon_usage.tsv.gz``, regenerated from the corpus by
    :func:`mamsets.curate.benchmark.lexicon_usage` with the evaluation's truth pathways held out
    (tests check both).
    """
    raw = gzip.decompress(resources.files("mamsets.curate").joinpath("data/lexicon_usage.tsv.gz").read_bytes())
    out: dict[tuple[str, str], tuple[int, int]] = {}
    for line in raw.decode("utf-8").splitlines()[1:]:
        w, e, n, t = line.split("\t")
        out[(w, e)] = (int(n), int(t))
    return out


@dataclass(frozen=True)
class NameWords:
    """Words of HGNC gene names (approved, alias, previous) per protein-coding gene, with their rarity."""

    words: dict[str, frozenset[str]]  # hgnc_id -> name words
    genes_with: dict[str, int]  # word -> how many genes' names hold it
    approved: dict[str, frozenset[str]]  # hgnc_id -> the words of the approved name only

    def distinctive(self, hid: str, max_genes: int) -> frozenset[str]:
        """The words of ``hid``'s names that at most ``max_genes`` genes share."""
        return frozenset(w for w in self.words.get(hid, ()) if self.genes_with[w] <= max_genes)


@functools.lru_cache(maxsize=1)
def name_words() -> NameWords:
    """Shipped ``curate/data/gene_names.tsv.gz`` (regenerate: ``python -m mamsets.curate._build``)."""
    raw = gzip.decompress(resources.files("mamsets.curate").joinpath("data/gene_names.tsv.gz").read_bytes())
    words: dict[str, frozenset[str]] = {}
    approved: dict[str, frozenset[str]] = {}
    count: dict[str, int] = defaultdict(int)
    for line in raw.decode("utf-8").splitlines()[1:]:
        hid, text, n_approved = line.split("\t")
        ws = text.split()
        words[hid] = frozenset(ws)
        approved[hid] = frozenset(ws[: int(n_approved)])
        for w in words[hid]:
            count[w] += 1
    return NameWords(words=words, genes_with=dict(count), approved=approved)


@functools.lru_cache(maxsize=1)
def prevalence() -> dict[str, int]:
    """``{hgnc_id: n}``: in how many human WikiPathways pathways (PFOCR 2018 benchmark) a gene is drawn.

    The evaluation's own pathways are left out (:func:`mamsets.curate._build.pathway_prevalence`).
    """
    raw = gzip.decompress(resources.files("mamsets.curate").joinpath("data/pathway_prevalence.tsv.gz").read_bytes())
    by_entrez = hgnc().entrez
    out: dict[str, int] = {}
    for line in raw.decode("utf-8").splitlines()[1:]:
        e, n = line.split("\t")
        if e in by_entrez:
            out[by_entrez[e]] = int(n)
    return out
