"""Words: OCR clean-up, non-gene vocabulary, and what a caption says (abbreviations, clauses, verbs).

Pure functions over strings; no tables. The non-gene vocabulary is deliberately generic
(metabolites, ions, second messengers, lipids, disease and process abbreviations that collide
with gene symbols or aliases in the PFOCR lexicon); figure-specific meanings come from the
caption (its defined abbreviations) and the record's chemicals table.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Greek letters as PFOCR's lexicon spells them (PGC-1α -> PGC-1A), and OCR homoglyphs.
_GREEK = {"α": "a", "β": "b", "γ": "g", "δ": "d", "ε": "e", "κ": "k", "λ": "l", "μ": "m", "ζ": "z"}
_HOMOGLYPH = str.maketrans(
    {"А": "A", "В": "B", "С": "C", "Е": "E", "Н": "H", "К": "K", "М": "M", "О": "O", "Р": "P",
     "Т": "T", "Х": "X", "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "х": "x", "İ": "I",
     "ı": "i", "−": "-", "–": "-", "—": "-"}
)

#: Non-gene words that the PFOCR lexicon turns into genes: word -> (meaning, ChEBI id or "").
#: Metabolites and ions (ChEBI ids from ChEBI, CC BY 4.0), then abbreviations of processes,
#: diseases and compartments. Matched on the cleaned, upper-cased word with a plural "s" removed.
NON_GENE: dict[str, tuple[str, str]] = {
    "ATP": ("adenosine triphosphate", "CHEBI:15422"),
    "ADP": ("adenosine diphosphate", "CHEBI:16761"),
    "AMP": ("adenosine monophosphate", "CHEBI:16027"),
    "CAMP": ("cyclic AMP", "CHEBI:17489"),
    "GTP": ("guanosine triphosphate", "CHEBI:15996"),
    "GDP": ("guanosine diphosphate", "CHEBI:17552"),
    "CGMP": ("cyclic GMP", "CHEBI:16356"),
    "NAD": ("NAD", "CHEBI:15846"),
    "NADH": ("NADH", "CHEBI:16908"),
    "NADPH": ("NADPH", "CHEBI:16474"),
    "NADP": ("NADP", "CHEBI:18009"),
    "FADH2": ("FADH2", "CHEBI:17877"),
    "COA": ("coenzyme A", "CHEBI:15346"),
    "TG": ("triglyceride", "CHEBI:17855"),
    "TAG": ("triglyceride", "CHEBI:17855"),
    "DAG": ("diacylglycerol", "CHEBI:18035"),
    "FFA": ("free fatty acid", "CHEBI:35366"),
    "FA": ("fatty acid", "CHEBI:35366"),
    "IP3": ("inositol 1,4,5-trisphosphate", "CHEBI:16595"),
    "PIP2": ("phosphatidylinositol 4,5-bisphosphate", "CHEBI:18348"),
    "PIP3": ("phosphatidylinositol 3,4,5-trisphosphate", "CHEBI:16618"),
    "ROS": ("reactive oxygen species", "CHEBI:26523"),
    "NO": ("nitric oxide", "CHEBI:16480"),
    "H2O2": ("hydrogen peroxide", "CHEBI:16240"),
    "CA2+": ("calcium(2+)", "CHEBI:29108"),
    "CA": ("calcium", "CHEBI:29108"),
    "GSH": ("glutathione", "CHEBI:16856"),
    "LDL": ("low-density lipoprotein", ""),
    "HDL": ("high-density lipoprotein", ""),
    "LDL-C": ("LDL cholesterol", ""),
    "GLUCOSE": ("glucose", "CHEBI:17234"),
    "CERAMIDE": ("ceramide", "CHEBI:17761"),
    "GABA": ("gamma-aminobutyric acid", "CHEBI:16865"),
    "ACID": ("acid (word)", ""),
    "TCA": ("tricarboxylic acid cycle", ""),
    "ETC": ("electron transport chain", ""),
    "OXPHOS": ("oxidative phosphorylation", ""),
    "ER": ("endoplasmic reticulum", ""),
    "ERS": ("endoplasmic reticulum stress", ""),
    "MAM": ("mitochondria-associated membranes", ""),
    "IR": ("insulin resistance (or insulin receptor; see the caption)", ""),
    "T2DM": ("type 2 diabetes mellitus", ""),
    "NAFLD": ("non-alcoholic fatty liver disease", ""),
    "HFD": ("high-fat diet", ""),
    "GLIA": ("glia (cell type)", ""),
}

#: Words in a defined phrase that say the abbreviation names a gene product.
_GENE_WORDS = re.compile(
    r"(kinase|receptor|protein|factor|channel|transporter|ligase|phosphatase|enzyme|synthase|"
    r"oxidase|reductase|dehydrogenase|subunit|homolog|oncogene|antigen|substrate|cyclin|"
    r"interleukin|ase\b|ligand|exchanger|pump|carrier|regulator|activator|inhibitor of|"
    r"binding|domain|adaptor|adapter|integrin|collagen|keratin|peptide|hormone)",
    re.I,
)
_VERBS = (
    (re.compile(r"\b(down-?regulat\w*|decreas\w*|reduc\w*|inhibit\w*|suppress\w*|block\w*|lower\w*|"
                r"attenuat\w*|impair\w*|alleviat\w*)\b", re.I), "down"),
    (re.compile(r"\b(activat\w*|phosphorylat\w*|transloca\w*)\b", re.I), "activated"),
    (re.compile(r"\b(up-?regulat\w*|increas\w*|promot\w*|enhanc\w*|induc\w*|elevat\w*|rais\w*|"
                r"stimulat\w*|restor\w*)\b", re.I), "up"),
)


def clean_word(word: str) -> str:
    """An OCR word as the lexicon sees it: NFC, homoglyphs and Greek letters to ASCII, edges trimmed."""
    w = unicodedata.normalize("NFC", word).translate(_HOMOGLYPH)
    for g, a in _GREEK.items():
        w = w.replace(g, a)
    return w.strip(" \t,;:.()[]{}&*'\"↑↓→←⇧⇩⊣")


def word_key(word: str) -> str:
    """Upper-cased cleaned word, plural ``s`` removed (``IP3Rs`` -> ``IP3R``, ``MAMs`` -> ``MAM``)."""
    c = clean_word(word)
    w = c.upper()
    if len(c) > 2 and re.search(r"[A-Z0-9]s$", c):  # IP3Rs, MAMs, RyRs; not SOS, CAS
        return w[:-1]
    return w


def non_gene(word: str) -> tuple[str, str] | None:
    """``(meaning, chebi)`` when the word is a known non-gene word, else None."""
    k = word_key(word)
    return NON_GENE.get(k) or NON_GENE.get(clean_word(word).upper())


def name_words(text: str) -> list[str]:
    """Lower-case word tokens of a gene name or caption phrase (letters/digits, 3+ characters, not all digits)."""
    return [w for w in re.findall(r"[a-z0-9]+", plain(text).lower()) if len(w) >= 3 and not w.isdigit()]


# ----------------------------------------------------------------------------- caption
def plain(text: str) -> str:
    """Caption text with Greek letters transliterated and homoglyphs fixed (for matching)."""
    t = unicodedata.normalize("NFC", text).translate(_HOMOGLYPH)
    for g, a in _GREEK.items():
        t = t.replace(g, a)
    return t


def tokens(text: str) -> list[str]:
    """Word tokens of a caption (split on spaces, slashes and punctuation; hyphens kept)."""
    return [t for t in (clean_word(x) for x in re.split(r"[\s/,;()\[\]]+", plain(text))) if t]


@dataclass(frozen=True, slots=True)
class Abbreviation:
    """An abbreviation the caption defines: ``phrase (ABBR)`` or ``ABBR, phrase;``."""

    abbr: str
    phrase: str
    gene_like: bool


_STOP = {"via", "on", "of", "the", "and", "in", "by", "to", "a", "an", "through", "with", "for"}


def defined_abbreviations(caption: str) -> dict[str, Abbreviation]:
    """Abbreviations defined in the caption, keyed by :func:`word_key` of the abbreviation."""
    text = plain(caption)
    out: dict[str, Abbreviation] = {}
    for m in re.finditer(r"([A-Za-z][A-Za-z0-9\- ]{2,80}?)\s*\(([A-Za-z][A-Za-z0-9\-+]{0,10})\)", text):
        phrase_words = m.group(1).split()
        abbr = m.group(2)
        n = max(1, sum(1 for ch in abbr if ch.isupper()))
        words = phrase_words[-n:]
        while words and words[0].lower() in _STOP:
            words = words[1:]
        phrase = " ".join(words)
        if not phrase:
            continue
        letters = "".join(w[0].upper() for w in re.split(r"[\s\-]+", phrase) if w)
        if not abbr[0].upper() in letters:
            continue
        out.setdefault(word_key(abbr), Abbreviation(abbr, phrase.strip(), bool(_GENE_WORDS.search(phrase))))
    for m in re.finditer(r"(?:^|[.;]\s*)([A-Z][A-Za-z0-9\-]{1,10}),\s+([^,;.]{4,80})(?=;|\.)", text):
        abbr, phrase = m.group(1), m.group(2)
        out.setdefault(word_key(abbr), Abbreviation(abbr, phrase.strip(), bool(_GENE_WORDS.search(phrase))))
    # glossary style "Nrf2: nuclear factor ...; Drp1—dynamin-related protein 1;" (dashes kept here)
    gloss = unicodedata.normalize("NFC", caption)
    for g, a in _GREEK.items():
        gloss = gloss.replace(g, a)
    for m in re.finditer(r"(?:^|[.;:]\s*)([A-Za-z][A-Za-z0-9\-/]{1,12})\s*(?::|—|–)\s*([^;.:—–]{4,100})(?=[;.]|$)",
                         gloss):
        abbr, phrase = m.group(1), " ".join(m.group(2).split())
        out.setdefault(word_key(abbr), Abbreviation(abbr, phrase, bool(_GENE_WORDS.search(phrase))))
    return out


@dataclass(frozen=True, slots=True)
class Clause:
    """One mechanism clause of a caption, under the section (pathway) it belongs to."""

    section: str  # slug, "" when the caption has no sections
    section_title: str
    number: int  # (n) in the caption, 0 when unnumbered
    text: str


_SECTION = re.compile(
    r"(?:via|through)\s+(?:the\s+)?([^:.;]{3,90}?)\s+(?:signal(?:l)?ing\s+)?path-?ways?\s*:", re.I
)


def _slug(title: str, common: set[str]) -> str:
    t = re.sub(r"\([^)]*\)", " ", plain(title))
    t = re.sub(r"\bCa2\+?", "calcium", t, flags=re.I)
    words = [w for w in re.split(r"[^A-Za-z0-9]+", t) if w and w.lower() not in common]
    return "_".join(w.lower() for w in words)[:48] or "pathway"


def clauses(caption: str) -> list[Clause]:
    """Split a caption into mechanism clauses: ``... via X pathway:`` headers, ``(1)`` numbers.

    Captions without headers give one clause per sentence, all in section ``""``.
    """
    text = plain(caption)
    heads = list(_SECTION.finditer(text))
    if not heads:
        sentences = [s for s in re.split(r"(?<=[.;])\s+", text) if s.strip()]
        return [Clause("", "", 0, s) for s in sentences]
    first_words = [re.split(r"[^A-Za-z0-9]+", h.group(1).strip()) for h in heads]
    common: set[str] = set()
    if len(heads) > 1:
        common = set.intersection(*({w.lower() for w in ws if w} for ws in first_words))
        # a word common to every header (e.g. MAMs) is the topic, not the pathway; keep abbreviations
        # defined in the first header only as a topic too
        for a in defined_abbreviations(caption).values():  # "mitochondria-associated membranes (MAMs)"
            if a.abbr.lower() in common:
                common |= {w.lower() for w in re.split(r"[^A-Za-z0-9]+", a.phrase) if w}
    out: list[Clause] = []
    for i, h in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(text)
        body = text[h.end():end]
        # drop the lead-in of the next header ("Mechanisms of exercise intervention on IR")
        if i + 1 < len(heads):
            cut = body.rfind(".")
            body = body[: cut + 1] if cut > 0 else body
        slug = _slug(h.group(1), common)
        parts = re.split(r"\((\d+)\)", body)
        if len(parts) == 1:
            out.append(Clause(slug, h.group(1).strip(), 0, body.strip()))
            continue
        for num, chunk in zip(parts[1::2], parts[2::2]):
            out.append(Clause(slug, h.group(1).strip(), int(num), chunk.strip()))
    return out


def direction_before(text: str, start: int) -> str | None:
    """The claimed direction of the entity at ``text[start:]``: the nearest verb before it.

    Looks back within the same comma-free stretch (at most 100 characters): "upregulating
    FUNDC1" -> up, "activating AMPK" -> activated, "downregulating FUNDC1" -> down;
    "increased Fis1 expression" -> up.
    """
    window = text[max(0, start - 100): start]
    window = re.split(r"[,;:]", window)[-1]
    best: tuple[int, str] | None = None
    for rx, d in _VERBS:
        for m in rx.finditer(window):
            if best is None or m.start() > best[0]:
                best = (m.start(), d)
    return best[1] if best else None
