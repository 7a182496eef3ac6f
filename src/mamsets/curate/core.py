"""From a PFOCR figure record to audited candidate members and mechanism-level draft sets.

Steps (each decision carries its reason and evidence into the audit):

1. **Classify** every human row of the genes table by the lexicon route that produced it,
   checked against HGNC: ``exact_symbol``, ``previous_symbol``, ``alias`` (with the number of
   HGNC genes sharing it), ``alias_stem`` (the word is a generic stem of numbered aliases,
   ``IP3R`` -> ``IP3R1``), ``family_expansion`` (FamPlex) or ``ncbi_synonym_only`` (a synonym
   HGNC does not know for that gene). Non-gene words (metabolites, ions, the caption's own
   defined abbreviations, OCR fragments of them, words it writes only as a protein domain,
   chemicals of the record unless the word is an approved symbol or a FamPlex family) and
   pseudogene, antisense or readthrough targets are recognised before any route.
2. **Decide** ``keep``, ``keep_flagged``, ``family_only`` (kept only in an explicitly marked
   family set) or ``exclude``, by rules that use the route's measured reliability and support
   from the caption (:data:`ROUTE_RELIABILITY`). A name several HGNC genes carry is resolved
   by the record's evidence (:mod:`._context`: the caption's definition, the caption's words
   and same-stem siblings against HGNC gene names, then WikiPathways pathway usage), or
   excluded; a family word's hit outside the family's HGNC groups is an alias collision;
   members of unnamed families drawn far more rarely than their siblings go to the family
   set; a ligand's receptor word (``GABA,R``) is trimmed to the type the caption writes.
3. **Propose** genes the caption names that the OCR missed, and complete HGNC complexes
   the figure draws in part (``mTORC2`` -> PRR5).
4. **Group** kept genes into family/complex sets (per figure word), pathway sets (per caption
   section) and signed sets (direction parsed from each clause's verb).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from ..io.pfocr import FigureRecord, GeneHit
from . import _words as W
from ._context import name_keys, names_fit
from ._hgnc import hgnc

#: Precision of each PFOCR lexicon route against curated WikiPathways gene lists, measured on
#: PFOCR's 2018 benchmark (``pfocr-corpus/truth/wp2018_ocr_benchmark``, 413 pathway drawings) by
#: :func:`mamsets.curate.benchmark.route_reliability`, counting each (pathway, gene, route) once;
#: a test recomputes them. (The corpus README's 98/84/50/17% count rows without de-duplication.)
ROUTE_RELIABILITY: dict[str, float] = {
    "exact_symbol": 0.979,
    "previous_symbol": 0.85,
    "alias": 0.526,
    "family_expansion": 0.271,
}
_ROUTE_OF_SOURCE = {"ncbigene_symbol": "exact_symbol", "hgnc_symbol": "exact_symbol",
                    "ncbigene_synonym": "alias", "hgnc_alias_symbol": "alias",
                    "hgnc_prev_symbol": "previous_symbol",
                    "famplex_relations": "family_expansion", "bioentities_symbol": "family_expansion"}

AUDIT_COLUMNS = (
    "word", "match", "symbol", "hgnc_id", "entrez", "pfocr_source", "route", "route_reliability",
    "word_genes", "decision", "reason", "evidence", "group", "line",
)


@dataclass
class Row:
    """One audit row (mutable while the pipeline decides; frozen into a table at the end)."""

    word: str
    match: str
    symbol: str
    hgnc_id: str
    entrez: str
    pfocr_source: str
    route: str
    word_genes: int
    decision: str = ""
    reason: str = ""
    evidence: str = ""
    group: str = ""
    line: int = 0
    #: What later steps read of a decision (``caption_member``, ``caption_family``,
    #: ``rare_member``); the reason stays free text for the audit.
    basis: str = ""

    @property
    def reliability(self) -> float | None:
        base = {"alias_stem": "alias", "ncbi_synonym_only": "alias"}.get(self.route, self.route)
        return ROUTE_RELIABILITY.get(base)


@dataclass
class Context:
    """What the record says beyond its genes table: caption words, abbreviations, chemicals."""

    record: FigureRecord
    text: str = ""
    token_set: set[str] = field(default_factory=set)
    abbreviations: dict[str, W.Abbreviation] = field(default_factory=dict)
    chemicals: dict[str, str] = field(default_factory=dict)
    words: set[str] = field(default_factory=set)  # name words of title and caption (lower case)

    @classmethod
    def of(cls, record: FigureRecord) -> Context:
        text = W.plain(f"{record.title}. {record.caption}")
        abbreviations = W.defined_abbreviations(record.caption)
        for k, ab in abbreviations.items():  # "SIRT-1, sirtuin-1": a gene, by HGNC's names of SIRT1
            if not ab.gene_like and names_fit(ab.phrase, name_keys(ab.abbr)):
                abbreviations[k] = W.Abbreviation(ab.abbr, ab.phrase, True)
        return cls(
            record=record,
            text=text,
            token_set={W.word_key(t) for t in W.tokens(text)},
            abbreviations=abbreviations,
            chemicals={W.word_key(c.word): c.identifier for c in record.chemicals},
            words=set(W.name_words(text)),
        )

    def names_gene(self, hid: str) -> str | None:
        """The caption/title token that names gene ``hid`` (symbol, alias or previous), if any."""
        H = hgnc()
        sym = H.symbol[hid].upper()
        # A name shared with other genes (p27, ARC, OCT2) or another gene's approved symbol
        # (SLIT2 as an alias of SLIT3) cannot tell which gene the caption means: not support.
        # Hyphens do not make a name unique: NRF-1 (NFE2L1) is written NRF1 (an approved symbol),
        # NRF-2 (NFE2L2) is written NRF2 (also GABPA's alias).
        def unique(n: str) -> bool:
            bare = n.replace("-", "")
            owners = {*H.by_name.get(n, ()), *H.by_name.get(bare, ())}
            return owners == {hid} and n not in H.by_symbol and bare not in H.by_symbol

        names = {sym, *(n for n in {*H.alias[hid], *H.prev[hid]} if unique(n))}
        hits = [n for n in names if n in self.token_set and len(n) >= 3]
        return min(hits) if hits else None


def _quote(ctx: Context, needle: str) -> str:
    """The caption sentence around ``needle`` (for evidence), or ''."""
    m = re.search(re.escape(needle), ctx.text, re.I)
    if not m:
        return ""
    a = max(ctx.text.rfind(".", 0, m.start()), ctx.text.rfind(":", 0, m.start()), ctx.text.rfind(")", 0, m.start() - 1))
    b = min([x for x in (ctx.text.find(",", m.end()), ctx.text.find(".", m.end())) if x > 0] or [len(ctx.text)])
    return f'caption: "{ctx.text[a + 1:b].strip()}"'


_DOMAIN = re.compile(r"(domains?|motifs?|regions?|repeats?)", re.I)


def _non_gene(ctx: Context, word: str) -> tuple[str, str] | None:
    """(reason, evidence) when ``word`` is not a gene in this figure."""
    key = W.word_key(word)
    if key in ctx.chemicals:
        return ("not_a_gene: a chemical of the record", f"chemicals table: {word} -> {ctx.chemicals[key]}")
    ab = ctx.abbreviations.get(key)
    if ab is not None and not ab.gene_like:
        return (f"not_a_gene: the caption defines {ab.abbr} as '{ab.phrase}'", _quote(ctx, f"({ab.abbr})"))
    ng = W.non_gene(word)
    if ng is not None and not (ab is not None and ab.gene_like):
        meaning, chebi = ng
        return (f"not_a_gene: '{W.clean_word(word)}' is {meaning}", f"non-gene vocabulary{'; ' + chebi if chebi else ''}")
    uses = [m.group(1) for m in re.finditer(rf"(?<![A-Za-z0-9]){re.escape(key)}s?(?![A-Za-z0-9])(\s+\w+)?",
                                            ctx.text, re.I)] if len(key) >= 2 else []
    if uses and all(u and _DOMAIN.fullmatch(u.strip()) for u in uses):  # "the intracellular TK domain"
        return (f"not_a_gene: the caption writes '{W.clean_word(word)}' only as a protein domain or motif",
                _quote(ctx, key))
    if key not in ctx.token_set:  # an OCR fragment of a defined non-gene abbreviation: IRH, HIR <- IR
        for k, a in ctx.abbreviations.items():
            if not a.gene_like and len(k) >= 2 and k in key and 0 < len(key) - len(k) <= 2:
                if ligand_receptor(key, k):  # "GABA,R": the receptor of the ligand, not a fragment
                    continue
                return (f"ocr_fragment: '{W.clean_word(word)}' is not in the caption; it contains "
                        f"{a.abbr}, which the caption defines as '{a.phrase}'", _quote(ctx, f"({a.abbr})"))
    return None


def ligand_receptor(key: str, ligand: str) -> bool:
    """True when ``key`` writes the receptor of ``ligand``: ``GABA,R``, ``GABAAR``, ``GABA-R``."""
    return bool(re.fullmatch(re.escape(ligand) + r"[\s,\-_]?[A-Z]?[\s\-]?R", key))


def _route(hit: GeneHit, hid: str) -> str:
    """The HGNC-checked route by which ``hit.match`` names gene ``hid``."""
    H = hgnc()
    src = _ROUTE_OF_SOURCE.get(hit.source, "alias")
    if src == "family_expansion":
        return src
    keys = {W.word_key(hit.match), W.word_key(hit.word), W.clean_word(hit.match).upper()}
    keys |= {k.replace("-", "") for k in keys}
    sym = H.symbol[hid].upper()
    names_p = H.prev[hid] | {n.replace("-", "") for n in H.prev[hid]}
    names_a = H.alias[hid] | {n.replace("-", "") for n in H.alias[hid]}
    if sym in keys:
        return "exact_symbol"
    if keys & names_p:
        return "previous_symbol"
    if keys & names_a:
        return "alias"
    for k in keys:  # generic stem of numbered names: IP3R -> IP3R1, AMPK -> AMPKa1
        if len(k) >= 3 and any(n.startswith(k) and 0 < len(n) - len(k) <= 2 for n in {sym} | names_a | names_p):
            return "alias_stem"
    return "ncbi_synonym_only"


def _not_protein(hid: str, word: str) -> str | None:
    H = hgnc()
    sym = H.symbol[hid]
    if W.word_key(word) == sym.upper():
        return None
    if H.locus[hid] == "pseudogene":
        return f"pseudogene: {sym} is a pseudogene, not the protein the word names"
    if H.locus[hid] == "non-coding RNA":
        return f"non_coding: {sym} is a non-coding RNA (antisense or other), not the protein the word names"
    parts = sym.split("-")
    if len(parts) == 2 and all(p in H.by_symbol for p in parts):
        return f"readthrough: {sym} is a readthrough of {parts[0]} and {parts[1]}"
    return None


def classify(record: FigureRecord) -> tuple[Context, list[Row]]:
    """Audit rows (route, no decision yet) for every human row of the record's genes table."""
    ctx = Context.of(record)
    H = hgnc()
    human = record.human_genes()
    per_word: dict[str, set[str]] = defaultdict(set)
    for h in human:
        per_word[h.word].add(h.entrez)
    rows: list[Row] = []
    seen: set[tuple[str, str]] = set()
    for h in human:
        if (h.word, h.entrez) in seen:
            continue
        seen.add((h.word, h.entrez))
        hid = H.entrez.get(h.entrez, "")
        row = Row(word=h.word, match=h.match, symbol=H.symbol.get(hid, h.symbol), hgnc_id=hid,
                  entrez=h.entrez, pfocr_source=h.source, route="", word_genes=len(per_word[h.word]),
                  line=h.line)
        if not hid:
            row.route, row.decision = "not_in_hgnc", "exclude"
            row.reason = f"not_in_hgnc: NCBI gene {h.entrez} ({h.symbol}) is not an approved HGNC gene"
        else:
            row.route = _route(h, hid)
        rows.append(row)
    return ctx, rows
