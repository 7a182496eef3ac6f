"""What a list of identifiers is: id type and species, with the evidence (:func:`detect_ids`)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .clean import clean_identifiers
from .patterns import (
    _ANY_PATTERN,
    _ANY_RODENT,
    _ENSEMBL,
    _ENSEMBL_PREFIX,
    _FLOAT_INT,
    _MOUSE_ONLY,
    _PATTERNS,
    _RAT_ONLY,
    _RODENT_ONLY,
    _entrez_key,
)
from .tables import _evidence, _Human, _human, _symbol_only
from .vocabulary import SPECIES

__all__ = ["IdDetection", "detect_ids"]


@dataclass(frozen=True)
class IdDetection:
    """What a list of gene identifiers looks like.

    Attributes
    ----------
    id_type : str
        ``"symbol"``, ``"entrez"``, ``"ensembl"``, ``"ensembl_versioned"``, or
        ``"unknown"`` (also for other kinds such as RefSeq or probe ids; see
        :attr:`kinds`).
    species : str
        ``"human"``, ``"mouse"``, ``"rat"`` or ``"unknown"``.
    confident : bool
        True when one candidate clearly wins; otherwise pass ``species=`` and
        ``id_type=`` explicitly.
    evidence : pandas.DataFrame
        One row per candidate: ``species, id_type, n_matched, fraction,
        n_specific``. ``fraction`` = identifiers matched by the candidate's
        reference / identifiers; ``n_specific`` counts identifiers that only
        this species has (species-specific symbols in any case, or Ensembl
        prefixes; Entrez ids are specific by construction).
    kinds : pandas.DataFrame
        What the identifiers look like by pattern: ``kind, n, fraction,
        examples`` (e.g. ``symbol_like``, ``numeric``, ``ensembl_gene``,
        ``refseq``, ``probe``), most frequent first.
    message : str
        One-paragraph human-readable verdict, including mixed kinds with examples.
    n_identifiers : int
        Unique non-empty identifiers examined.
    """

    id_type: str
    species: str
    confident: bool
    evidence: pd.DataFrame = field(repr=False, compare=False)
    kinds: pd.DataFrame = field(repr=False, compare=False)
    message: str
    n_identifiers: int = 0

    def describe(self) -> str:
        """A short phrase such as ``"mouse Entrez gene ids"``."""
        return _describe(self.species, self.id_type)


_TYPE_WORDS = {
    "symbol": "symbols",
    "entrez": "Entrez gene ids",
    "ensembl": "Ensembl gene ids",
    "ensembl_versioned": "Ensembl gene ids with version suffixes",
}


def _describe(species: str, id_type: str) -> str:
    """A phrase such as ``mouse Entrez gene ids`` (for messages)."""
    sp = "" if species == "unknown" else f"{species} "
    return sp + _TYPE_WORDS.get(id_type, "identifiers of an unrecognised kind")


def _kind(s: str, hu: _Human) -> str:
    """What one identifier looks like: ``numeric``, ``symbol_like``, ``ensembl_gene``, or the
    name of one of ``_PATTERNS``."""
    if s.isascii() and s.isdigit() or "." in s and _FLOAT_INT.match(s):
        return "numeric"
    u = s.upper()
    # most lists are symbols; also, B3GAT2 and the old symbol P2RXL1 fit the UniProt pattern
    if u in hu.known:
        return "symbol_like"
    if u.startswith("ENS") and _ENSEMBL.match(u):
        return "ensembl_gene"
    if _ANY_PATTERN.match(s) is None:
        return "symbol_like"
    for name, pat in _PATTERNS:
        if pat.match(s):
            return name
    return "symbol_like"


def _kinds_table(ids: list[str]) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """The ``kinds`` table of :class:`IdDetection`, and the identifiers of each kind.

    :func:`_kind` is inlined for the two answers most identifiers get (numeric, or a
    symbol HGNC knows or that fits no other pattern), saving a function call per
    identifier; the rest go through :func:`_kind`.
    """
    groups: dict[str, list[str]] = defaultdict(list)
    hu = _human()
    known, float_int, any_pattern = hu.known, _FLOAT_INT.match, _ANY_PATTERN.match
    numeric, symbol_like = groups["numeric"], groups["symbol_like"]
    for s in ids:
        if s.isascii() and s.isdigit() or "." in s and float_int(s):
            numeric.append(s)
            continue
        u = s.upper()
        if u in known or not u.startswith("ENS") and any_pattern(s) is None:
            symbol_like.append(s)
        else:
            groups[_kind(s, hu)].append(s)  # ensembl_gene, a pattern, or symbol_like
    groups = {k: v for k, v in groups.items() if v}  # only the kinds found
    n = max(len(ids), 1)
    rows = sorted(
        ((k, len(v), len(v) / n, tuple(v[:5])) for k, v in groups.items()),
        key=lambda r: (-r[1], r[0]),
    )
    df = pd.DataFrame(rows, columns=["kind", "n", "fraction", "examples"])
    return df.astype(
        {"kind": "object", "n": "int64", "fraction": "float64", "examples": "object"}
    ), groups


def detect_ids(identifiers: Iterable[Any]) -> IdDetection:
    """Detect the identifier type and species of a list of gene identifiers.

    Parameters
    ----------
    identifiers : iterable
        Gene identifiers (strings or integers); NaN, empty and duplicated items
        are ignored (see :func:`clean_identifiers`).

    Returns
    -------
    IdDetection
        The verdict with its evidence. ``confident`` is False when the data do
        not decide (too few identifiers, no candidate matching at least half of
        them, mouse and rat symbols that cannot be told apart, mixed-case
        symbols that may be human or rodent, upper- or lower-cased rodent
        symbols); the message then says which argument to pass.

    Notes
    -----
    Candidates and their evidence (``fraction`` = matched / identifiers):

    * Ensembl: the prefix decides (``ENSG`` human, ``ENSMUSG`` mouse,
      ``ENSRNOG`` rat); ``ensembl_versioned`` when most ids carry ``.N``.
    * Entrez: NCBI Gene ids are unique across species, so membership in the
      human (HGNC), mouse or rat (orthologs of human protein-coding genes)
      reference sets is specific.
    * Symbols: human = approved HGNC symbols as written, or written all in
      lower case (``mfn2`` is no species' convention, so it is read as a
      case-changed human symbol). Mouse/rat = ids in mixed case (``Mfn2``)
      whose upper case is an approved human symbol (rodent nomenclature
      capitalises only the first letter) or a rodent-specific symbol. Mouse and
      rat are then told apart by symbols that exist in only one of the two
      species (e.g. ``Gm12345``, ``1110008P14Rik`` vs ``RGD1310201``,
      ``Olr123``), which is decided only when one species has at least three
      times the other's specific hits.
    * Mixed case is also what a human list becomes after a spreadsheet or a
      script changed its case (``Hspa1a``), so a mixed-case list is called
      mouse/rat only when rodent-only symbols (``Gm``, ``Rik``, ``Zfp``,
      ``-ps`` genes and the mouse-vs-rat symbols above) number at least 3 and
      at least twice the human-only ones (``n_specific`` of the human row:
      HGNC non-coding genes and pseudogenes such as ``LINC00473`` or
      ``PAX8-AS1``, and ``C11orf96``- or ``HLA-A``-style names of coding
      genes, which rodents name otherwise). Otherwise the call is not
      confident and names both candidates: human when human-only symbols
      outnumber rodent-only ones, mouse/rat otherwise. Measured on real
      tables: a human edgeR table title-cased has 1,178 human-only vs 27
      rodent-only symbols, MoTrPAC's rat symbols 29 vs 407, the mouse symbols
      of fgsea's example 47 vs 859.

    A list is called confidently when the winner matches at least half of the
    identifiers (a fifth for symbols, whose references are incomplete) and at
    least 5 identifiers (one for Ensembl, whose prefix is unambiguous).
    Upper- or lower-cased rodent-only symbols (``GM12345``, ``gm12345``) in
    an otherwise human-looking list make the call not confident.

    References
    ----------
    Seal RL et al. (2023) Genenames.org: the HGNC resources in 2023. Nucleic
    Acids Res 51:D1003-D1009. doi:10.1093/nar/gkac888

    Examples
    --------
    >>> d = detect_ids(["TP53", "MDM2", "CDKN1A", "BAX", "GADD45A", "SESN1"])
    >>> d.species, d.id_type, d.confident
    ('human', 'symbol', True)
    """
    ids, _counts = clean_identifiers(identifiers)
    return _detect(ids)


def _detect(ids: list[str]) -> IdDetection:
    """The verdict of :func:`detect_ids` on cleaned, unique identifiers."""
    n = len(ids)
    kinds, groups = _kinds_table(ids)
    evidence, sc = _evidence_table(groups, n)
    mixed = _mixed_message(kinds, n) + _dates_message(groups.get("spreadsheet_date", []))
    if n == 0:
        return IdDetection(
            "unknown", "unknown", False, evidence, kinds, "no identifiers to examine", 0
        )
    if evidence.empty or int(evidence["n_matched"].iloc[0]) == 0:
        msg = _unrecognised_message(kinds, n)
        return IdDetection("unknown", "unknown", False, evidence, kinds, msg + mixed, n)
    return _verdict(evidence, kinds, sc, n, mixed)


_EvidenceRow = tuple[str, str, int, float, int]


def _ensembl_rows(ens: list[str], denom: int) -> list[_EvidenceRow]:
    """Evidence rows of Ensembl gene ids: the prefix names the species."""
    if not ens:
        return []
    by_sp: Counter[str] = Counter()
    n_version = 0
    for s in ens:
        m = _ENSEMBL.match(s.upper())
        if m is None:  # pragma: no cover - _kind already matched it
            continue
        by_sp[_ENSEMBL_PREFIX.get(m.group(1), "other")] += 1
        n_version += m.group(3) is not None
    versioned = n_version * 2 > len(ens)
    t = "ensembl_versioned" if versioned else "ensembl"
    return [(sp, t, by_sp[sp], by_sp[sp] / denom, by_sp[sp]) for sp in SPECIES]


def _entrez_rows(num: list[str], denom: int) -> list[_EvidenceRow]:
    """Evidence rows of numeric ids: membership in each species' Entrez ids."""
    if not num:
        return []
    ev = _evidence()
    # ASCII digits: the key without the regular expression (what _entrez_key returns)
    keys = [(s.lstrip("0") or "0") if s.isascii() and s.isdigit() else _entrez_key(s)
            for s in num]
    rows: list[_EvidenceRow] = []
    for sp in SPECIES:
        ref = ev.entrez[sp]
        k = sum(map(ref.__contains__, keys))
        rows.append((sp, "entrez", k, k / denom, k))
    return rows


def _symbol_rows(sc: _SymbolCounts, denom: int) -> list[_EvidenceRow]:
    """Evidence rows of symbol-like ids; mouse and rat share the mixed-case count."""
    return [
        ("human", "symbol", sc.human, sc.human / denom, sc.human_only),
        ("mouse", "symbol", sc.rodent, sc.rodent / denom, sc.mouse_only),
        ("rat", "symbol", sc.rodent, sc.rodent / denom, sc.rat_only),
    ]


def _evidence_table(groups: dict[str, list[str]], n: int) -> tuple[pd.DataFrame, _SymbolCounts]:
    """One row per (species, id type) candidate, best first, and the symbol counts."""
    denom = max(n, 1)
    rows = _ensembl_rows(groups.get("ensembl_gene", []), denom)
    rows += _entrez_rows(groups.get("numeric", []), denom)
    sym = groups.get("symbol_like", [])
    sc = _SymbolCounts()
    if sym:
        sc = _count_symbols(sym)
        rows += _symbol_rows(sc, denom)
    evidence = pd.DataFrame(
        rows, columns=["species", "id_type", "n_matched", "fraction", "n_specific"]
    )
    evidence = evidence.astype(
        {
            "species": "object",
            "id_type": "object",
            "n_matched": "int64",
            "fraction": "float64",
            "n_specific": "int64",
        }
    )
    evidence = evidence.sort_values(["fraction", "n_specific"], ascending=False, kind="stable")
    return evidence.reset_index(drop=True), sc


def _dates_message(dates: list[str]) -> str:
    """A note on identifiers that a spreadsheet turned into dates (``""`` when none)."""
    if not dates:
        return ""
    return (
        f"; {len(dates)} identifiers look like spreadsheet dates (e.g. {', '.join(dates[:3])}): "
        "their gene symbols are lost; re-export the table without date conversion"
    )


def _unrecognised_message(kinds: pd.DataFrame, n: int) -> str:
    """The message when no candidate matches any identifier."""
    main_kind = kinds["kind"].iloc[0]
    return (
        f"could not recognise these {n} identifiers (mostly {main_kind.replace('_', ' ')}, "
        f"e.g. {', '.join(kinds['examples'].iloc[0][:3])}); mamsets maps human, mouse and rat "
        "symbols, Entrez and Ensembl gene ids"
    )


def _verdict(
    evidence: pd.DataFrame, kinds: pd.DataFrame, sc: _SymbolCounts, n: int, mixed: str
) -> IdDetection:
    """Call the best candidate of ``evidence``, with how confident and why."""
    best = evidence.iloc[0]
    species, id_type = str(best["species"]), str(best["id_type"])
    frac = float(best["fraction"])
    threshold = 0.2 if id_type == "symbol" else 0.5
    enough = int(best["n_matched"]) >= (1 if id_type.startswith("ensembl") else 5)
    confident = frac >= threshold and enough
    notes: list[str] = []
    described = _describe(species, id_type)
    if id_type == "symbol" and species in ("mouse", "rat"):
        species, confident, frac, described = _rodent_or_human(
            sc, n, species, confident, frac, notes
        )
    if id_type == "symbol" and species == "human" and sc.lower * 2 > n:
        notes.append(
            f"{sc.lower} identifiers are written in lower case, which is neither the human "
            "(MFN2) nor the mouse/rat (Mfn2) convention; they are matched to human symbols "
            "case-insensitively"
        )
    for n_cased, case, example in (
        (sc.upper_rodent, "upper", "GM or RIK"),
        (sc.lower_rodent, "lower", "gm or rik"),
    ):
        if id_type == "symbol" and species == "human" and n_cased >= max(3, 0.02 * n):
            confident = False
            notes.append(
                f"{n_cased} identifiers are {case}-cased rodent-only symbols (e.g. {example} "
                f"genes): these may be {case}-cased mouse/rat symbols; if so pass "
                "species='mouse' or 'rat'"
            )
    pct = f"{100 * frac:.0f}%"
    verdict = f"these look like {described} ({pct} of {n} match)"
    if not enough:
        notes.insert(
            0,
            f"only {n} identifiers, too few to be sure; pass species= and id_type= if you know them",
        )
    elif not confident and not notes:
        notes.append(f"only {pct} match; pass species= and id_type= if you know them")
    msg = verdict + ("; " + "; ".join(notes) if notes else "") + mixed
    return IdDetection(id_type, species, bool(confident), evidence, kinds, msg, n)


@dataclass
class _SymbolCounts:
    """Counts over symbol-like identifiers that decide between human, mouse and rat."""

    human: int = 0  # approved human symbols as written, or written all in lower case
    human_ci: int = 0  # approved human symbols in any case
    human_only: int = 0  # any case, upper case in _Human.human_only
    rodent: int = 0  # mixed case (Mfn2): upper case an approved human symbol, or rodent-only
    mixed_ci: int = 0  # mixed case, upper case an approved human symbol
    mixed_human_only: int = 0  # mixed case, upper case in _Human.human_only
    mixed_rodent_only: int = 0  # mixed case, a symbol only mouse and/or rat have
    mouse_only: int = 0  # any case
    rat_only: int = 0  # any case
    upper_rodent: int = 0  # all upper case, rodent-only
    lower_rodent: int = 0  # all lower case, rodent-only
    lower: int = 0  # all lower case
    human_examples: list[str] = field(default_factory=list)
    rodent_examples: list[str] = field(default_factory=list)


def _count_symbols(sym: list[str]) -> _SymbolCounts:
    hu = _human()
    only = _symbol_only()  # not _evidence(): symbols need no ortholog table
    symbol, symbol_ci, human_only, known = hu.symbol, hu.symbol_ci, hu.human_only, hu.known
    mouse_syms, rat_syms = only["mouse"], only["rat"]
    mouse_re, rat_re, rodent_re = _MOUSE_ONLY.match, _RAT_ONLY.match, _RODENT_ONLY.match
    any_rodent = _ANY_RODENT.match  # None: none of the three matches
    c = _SymbolCounts()
    for s in sym:
        u = s.upper()
        lower = s != u and s == s.lower()
        mixed = s != u and not lower
        c.lower += lower
        if u in symbol_ci:
            c.human_ci += 1
            c.human += lower or s in symbol
            h_only = u in human_only
            c.human_only += h_only
            if mixed:  # rodent nomenclature capitalises only the first letter
                c.rodent += 1
                c.mixed_ci += 1
                if h_only:
                    c.mixed_human_only += 1
                    if len(c.human_examples) < 3:
                        c.human_examples.append(s)
            continue
        if s in symbol:  # approved, but its upper case names two genes
            c.human += 1
            c.human_ci += 1
            continue
        if any_rodent(s) is None:
            m_only, r_only, rodent_name = u in mouse_syms, u in rat_syms, False
        else:
            m_only = u in mouse_syms or mouse_re(s) is not None
            r_only = u in rat_syms or rat_re(s) is not None
            rodent_name = rodent_re(s) is not None
        c.mouse_only += m_only
        c.rat_only += r_only
        if m_only or r_only or (u not in known and rodent_name):
            if s == u:
                c.upper_rodent += 1
            elif lower:
                c.lower_rodent += 1
            else:
                c.rodent += 1
                c.mixed_rodent_only += 1
                if len(c.rodent_examples) < 3:
                    c.rodent_examples.append(s)
    return c


def _rodent_only_unknown_to_hgnc(genes: Iterable[str]) -> list[str]:
    """Genes that HGNC does not know in any case (not even as a previous or alias symbol)
    and that only mouse or rat have (``1700017B05RIK``, ``GM12345``, ``SCD2``, ``H2-K1``)."""
    hu = _human()
    only = _symbol_only()
    known, mouse_syms, rat_syms = hu.known, only["mouse"], only["rat"]
    out = []
    for g in genes:
        u = g.upper()
        if u in known:
            continue
        if (
            u in mouse_syms
            or u in rat_syms
            or _MOUSE_ONLY.match(g)
            or _RAT_ONLY.match(g)
            or _RODENT_ONLY.match(g)
        ):
            out.append(g)
    return out


def _rodent_or_human(
    sc: _SymbolCounts, n: int, species: str, confident: bool, frac: float, notes: list[str]
) -> tuple[str, bool, float, str]:
    """Settle a list of mixed-case symbols: mouse, rat, or case-changed human symbols.

    Returns ``(species, confident, fraction, description)`` and appends to ``notes``.
    """
    h, r = sc.mixed_human_only, sc.mixed_rodent_only
    if not (r >= 3 and r >= 2 * h):
        # Mfn2 is how mouse and rat write MFN2, and also what a spreadsheet or a script makes
        # of a human list: only genes that one side alone has can tell them apart
        confident = False
        ex_h = f" (e.g. {', '.join(sc.human_examples)})" if sc.human_examples else ""
        ex_r = f" (e.g. {', '.join(sc.rodent_examples)})" if sc.rodent_examples else ""
        notes.append(
            "mixed case such as Mfn2 is the mouse/rat convention but also what human symbols "
            f"become when their case is changed: {100 * sc.human_ci / n:.0f}% match human "
            f"symbols case-insensitively and {100 * frac:.0f}% fit mouse/rat nomenclature; {h} are "
            f"human-only genes{ex_h} and {r} rodent-only genes{ex_r}; pass species='human' "
            "if these are human genes, species='mouse' or species='rat' if not"
        )
        if h > r:
            frac = sc.human_ci / n
            return "human", False, frac, "human symbols with their case changed"
    m_spec, r_spec = sc.mouse_only, sc.rat_only
    if m_spec >= 3 * max(r_spec, 1) and m_spec >= 3:
        species = "mouse"
    elif r_spec >= 3 * max(m_spec, 1) and r_spec >= 3:
        species = "rat"
    else:
        confident = False
        notes.append(
            f"mouse and rat symbols look alike here ({m_spec} mouse-only vs {r_spec} rat-only "
            "symbols); pass species='mouse' or species='rat'"
        )
        species = "mouse" if m_spec >= r_spec else "rat"
    return species, confident, frac, _describe(species, "symbol")


def _mixed_message(kinds: pd.DataFrame, n: int) -> str:
    """A note listing the identifier kinds when a second kind makes up at least 0.1% of
    them (``""`` otherwise)."""
    if len(kinds) < 2 or n == 0:
        return ""
    minor = kinds.iloc[1:]
    minor = minor[minor["n"] >= max(1, 0.001 * n)]
    if minor.empty:
        return ""
    parts = [
        f"{r.n} {r.kind.replace('_', ' ')} (e.g. {', '.join(r.examples[:3])})"
        for r in kinds.itertuples()
    ]
    return "; mixed identifier kinds: " + ", ".join(parts)
