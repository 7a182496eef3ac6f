"""Which gene an ambiguous name means in this figure: the record's own words, then pathway usage.

A lexicon name that several HGNC genes carry (``NRF2``: NFE2L2 and GABPA; ``p21``: CDKN1A,
TCEAL1, NSG1; ``CAS``: BCAR1, CSE1L, CTNND1) is resolved by evidence, in this order:

1. **The caption's definition** of the word (``NRF2, nuclear factor erythroid 2-related factor``;
   ``ATX, autotaxin``), matched against each candidate's HGNC names (approved, alias and
   previous names).
2. **The record's context**: the words of the title and caption, plus the HGNC names of genes
   the figure draws by exact symbol under the same stem (``NRF-1/2`` next to NRF1, "nuclear
   respiratory factor 1", means nuclear respiratory factor 2 = GABPA, not NFE2L2).
3. **Pathway usage**: one candidate drawn in far more human WikiPathways pathways than every
   other (``p21``: CDKN1A in 32, TCEAL1 and NSG1 in none).

Only name words that at most :data:`NAME_WORD_MAX_GENES` genes share count, weighted by their
rarity (log of genes / genes sharing the word), so "protein" or "kinase" decide nothing.
"""

from __future__ import annotations

import functools
import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from . import _words as W
from ._hgnc import hgnc, name_words, prevalence

NAME_WORD_MAX_GENES = 100  # a name word more genes share says nothing about which one is meant
CONTEXT_MARGIN = 1.5  # the best candidate's word score must beat the next by this factor
PREVALENCE_MIN = 5  # pathway usage decides only for a candidate drawn in at least this many pathways
PREVALENCE_RATIO = 4.0  # ... and at least this many times more than any other candidate
STEM_SUFFIX_MAX = 2  # a name "carries" a word when it is the word plus at most this many characters (KAT -> KAT2)


@dataclass(frozen=True)
class Pick:
    """The candidate the evidence singles out, how (``definition``, ``context``, ``usage``) and why."""

    hgnc_id: str
    how: str
    evidence: str


def name_keys(*names: str) -> tuple[str, ...]:
    """Lookup keys of an OCR word or lexicon match: upper case, with and without hyphens."""
    keys: list[str] = []
    for n in names:
        k = W.word_key(n)
        for v in (k, k.replace("-", ""), W.clean_word(n).upper()):
            if len(v) >= 2 and v not in keys:
                keys.append(v)
    return tuple(keys)


def candidates(keys: Iterable[str]) -> tuple[str, ...]:
    """Protein-coding genes whose approved symbol, alias or previous symbol is one of ``keys``."""
    H = hgnc()
    out: dict[str, None] = {}
    for k in keys:
        for hid in (*((H.by_symbol[k],) if k in H.by_symbol else ()), *H.by_name.get(k, ())):
            if H.locus.get(hid) == "protein-coding gene":
                out[hid] = None
    return tuple(out)


def _weight(word: str) -> float:
    N = name_words()
    return math.log(len(N.words) / N.genes_with[word])


def _best_by_words(cands: tuple[str, ...], words: set[str]) -> tuple[str, list[str]] | None:
    """The candidate whose distinctive name words the given words cover best, if it stands out."""
    N = name_words()
    scored = []
    for hid in cands:
        hit = sorted(N.distinctive(hid, NAME_WORD_MAX_GENES) & words)
        scored.append((sum(_weight(w) for w in hit), hid, hit))
    scored.sort(key=lambda t: (-t[0], t[1]))
    if not scored or scored[0][0] <= 0:
        return None
    if len(scored) > 1 and scored[0][0] < CONTEXT_MARGIN * scored[1][0]:
        return None
    return scored[0][1], scored[0][2]


def defined_as(abbreviations: dict[str, W.Abbreviation], keys: Iterable[str]) -> W.Abbreviation | None:
    """The caption's definition of any of ``keys``, if it gives one."""
    for k in keys:
        if k in abbreviations:
            return abbreviations[k]
    return None


def pick(cands: tuple[str, ...], keys: tuple[str, ...], abbreviations: dict[str, W.Abbreviation],
         context_words: set[str], *, use_usage: bool = True) -> Pick | None:
    """The one candidate the evidence supports (see the module notes), or None."""
    H = hgnc()
    if len(cands) < 2:
        return None
    ab = defined_as(abbreviations, keys)
    if ab is not None:
        got = _best_by_words(cands, set(W.name_words(ab.phrase)))
        if got:
            return Pick(got[0], "definition", f"the caption defines {ab.abbr} as '{ab.phrase}', which matches "
                        f"{H.symbol[got[0]]}'s HGNC names ({', '.join(got[1])})")
    got = _best_by_words(cands, context_words)
    if got:
        others = ", ".join(H.symbol[c] for c in cands if c != got[0])
        return Pick(got[0], "context", f"the record's words ({', '.join(got[1])}) match {H.symbol[got[0]]}'s "
                    f"HGNC names, not those of {others}")
    if not use_usage:
        return None
    P = prevalence()
    ranked = sorted(cands, key=lambda c: (-P.get(c, 0), c))
    top, second = P.get(ranked[0], 0), P.get(ranked[1], 0)
    if top >= PREVALENCE_MIN and top >= PREVALENCE_RATIO * max(second, 0.5):
        counts = ", ".join(f"{H.symbol[c]} {P.get(c, 0)}" for c in ranked[:4])
        return Pick(ranked[0], "usage", f"drawn in far more human WikiPathways pathways than the other "
                    f"genes this name may mean ({counts})")
    return None


def names_fit(phrase: str, keys: tuple[str, ...]) -> bool:
    """True when every word of a defined phrase is a word of the names of a gene the abbreviation names.

    ``SIRT-1, sirtuin-1`` and ``OPA1, optic atrophy 1`` define genes even though their phrases
    hold no generic gene word; ``IR, insulin resistance`` does not ("resistance" is no word of
    INSR's names).
    """
    words = set(W.name_words(phrase))
    if not words:
        return False
    N = name_words()
    stems = {re.split(r"/", k)[0] for k in keys}
    return any(words <= N.words.get(hid, frozenset()) for hid in candidates((*keys, *stems)))


@functools.lru_cache(maxsize=1)
def _genes_by_name_word() -> dict[str, frozenset[str]]:
    """``{word: hgnc ids}``: the protein-coding genes whose HGNC names hold each name word."""
    out: dict[str, set[str]] = defaultdict(set)
    for hid, words in name_words().words.items():
        for w in words:
            out[w].add(hid)
    return {w: frozenset(v) for w, v in out.items()}


def _carrying_names(hid: str, keys: tuple[str, ...]) -> frozenset[str]:
    """The symbol, aliases and previous symbols of ``hid`` that are a key or a key plus a short suffix."""
    H = hgnc()
    names = {H.symbol[hid].upper(), *H.alias[hid], *H.prev[hid]}
    names |= {n.replace("-", "") for n in names}
    return frozenset(n for k in keys if len(k) >= 2 for n in names
                     if n == k or (n.startswith(k) and 0 < len(n) - len(k) <= STEM_SUFFIX_MAX and n[len(k):].isalnum()))


def definition_genes(phrase: str, keys: tuple[str, ...]) -> tuple[str, ...]:
    """The genes a caption's definition names: every word of ``phrase`` is in their HGNC names,
    and they carry the defined word as a name (``KAT, kynurenine aminotransferase`` -> KYAT1
    (KATI), AADAT (KAT2), KYAT3 (KAT3), GOT2 (KAT4); not TSTD1, whose alias KAT is a collision).

    Both conditions are needed: HGNC's names are incomplete, so the phrase alone (``focal
    adhesion kinase``) can match an unrelated gene's name (ARHGAP26, "GTPase regulator associated
    with focal adhesion kinase") while missing the gene meant (PTK2).

    A gene whose *approved* name lacks the definition's words and which carries the word only
    by names that a gene whose approved name holds them also carries is left out: HGNC lists
    KAT3 for both KYAT3 ("kynurenine aminotransferase 3") and RBMXL1 ("RBMX like 1", whose
    alias name repeats "kynurenine aminotransferase III"), so the shared alias is KYAT3's.
    """
    words = W.name_words(phrase)
    if not words:
        return ()
    index = _genes_by_name_word()
    genes = functools.reduce(frozenset.intersection, (index.get(w, frozenset()) for w in words))
    stems = tuple(dict.fromkeys(k.replace("-", "") for k in keys))
    carried = {h: _carrying_names(h, stems) for h in genes}
    carried = {h: c for h, c in carried.items() if c}
    approved = name_words().approved
    fits = {h for h in carried if set(words) <= approved.get(h, frozenset())}
    drop = {h for h, c in carried.items() if h not in fits
            and c <= frozenset().union(*(carried[g] for g in fits if g != h))}
    return tuple(sorted(set(carried) - drop, key=lambda h: int(h.split(":")[1])))
