"""Gene identifiers and species: detect them, map gene sets onto them, and say how.

The most common reason an enrichment run is wrong is silent: the user's
identifiers do not match the gene sets' (outdated symbols, aliases, Ensembl ids
with version suffixes, mouse symbols against human sets, upper-cased mouse
symbols), genes drop out and the result still looks fine. This module makes the
step explicit:

* :func:`detect_ids` says what a list of identifiers looks like (id type and
  species) with the evidence, and when it cannot tell.
* :func:`map_ids` translates a collection into the user's identifier space and
  returns a :class:`MappingReport` saying, per set and per member, how each member
  was matched or why it was not.
* :func:`harmonize_gmt` updates outdated and alias symbols of a human GMT to
  current HGNC symbols, reporting every change and every ambiguity left alone.

Tables ship with the package (``mamsets/data``, built by
``scripts/build_idtables.py``) and are read lazily, once per process.
"""

from __future__ import annotations

import functools
import gzip
import io
import itertools
import math
import numbers
import os
import re
import warnings
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from .errors import IdentifierError, InputError, MamsetsWarning
from .model import GeneSet, GeneSetCollection

__all__ = [
    "HOWS",
    "REASONS",
    "HarmonizeReport",
    "IdDetection",
    "MappingReport",
    "SpeciesWarning",
    "clean_identifiers",
    "detect_ids",
    "harmonize_gmt",
    "map_ids",
    "read_identifiers",
]

Species = Literal["human", "mouse", "rat"]
IdType = Literal["symbol", "entrez", "ensembl", "ensembl_versioned"]
AliasMode = Literal["unique", "previous", "none"]

SPECIES: tuple[str, ...] = ("human", "mouse", "rat")
ID_TYPES: tuple[str, ...] = ("symbol", "entrez", "ensembl", "ensembl_versioned")
ALIAS_MODES: tuple[str, ...] = ("unique", "previous", "none")

#: Values of the ``how`` column (how a member was matched), in report order.
HOWS: tuple[str, ...] = (
    "exact",
    "case_insensitive",
    "previous_symbol",
    "alias",
    "entrez",
    "ensembl",
    "ensembl_version_stripped",
    "ortholog",
    "ortholog_case_insensitive",
    "ortholog_synonym",
    "ortholog_version_stripped",
)

#: Values of the ``reason`` column (why a member was not matched).
REASONS: tuple[str, ...] = (
    "absent_from_data",
    "ambiguous_alias",
    "no_ortholog",
    "not_in_ortholog_table",
    "no_identifier",
    "unknown_member",
)

MEMBER_COLUMNS: tuple[str, ...] = (
    "set_id",
    "member",
    "hgnc_id",
    "matched",
    "how",
    "reason",
    "note",
)
SET_COLUMNS: tuple[str, ...] = (
    "set_id",
    "n_members",
    "n_found",
    "n_missing",
    "n_genes",
    *(f"n_{h}" for h in HOWS),
)
CHANGE_COLUMNS: tuple[str, ...] = ("set_id", "original", "updated", "how", "reason", "note")
HARMONIZE_SET_COLUMNS: tuple[str, ...] = (
    "set_id",
    "n_genes",
    "n_unchanged",
    "n_updated",
    "n_ambiguous",
    "n_unknown",
    "n_duplicates_removed",
    "n_genes_out",
)

_ENSEMBL = re.compile(r"^ENS([A-Z]*?)G(\d{11})(\.\d+)?$")
_ENSEMBL_PREFIX = {"": "human", "MUS": "mouse", "RNO": "rat"}
_ENTREZ = re.compile(r"^\d+$")
_FLOAT_INT = re.compile(r"^(\d+)\.0+$")
_MONTH = "JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC"
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    # symbols such as MARCHF1 / SEPTIN2 (formerly MARCH1 / SEPT2) turned into dates by a spreadsheet
    (
        "spreadsheet_date",
        re.compile(
            rf"^(\d{{1,2}}-({_MONTH})|({_MONTH})-\d{{1,2}}|\d{{4}}-\d{{2}}-\d{{2}}.*)$",
            re.IGNORECASE,
        ),
    ),
    ("ensembl_transcript", re.compile(r"^ENS[A-Z]*T\d{11}(\.\d+)?$")),
    ("ensembl_protein", re.compile(r"^ENS[A-Z]*P\d{11}(\.\d+)?$")),
    ("refseq", re.compile(r"^[NX][MRP]_\d+(\.\d+)?$")),
    ("probe", re.compile(r"^\d+(_[a-z]+)*_at$|^ILMN_\d+$|^A_\d+_P\d+$", re.IGNORECASE)),
    (
        "uniprot",
        re.compile(r"^([OPQ][0-9][A-Z0-9]{3}[0-9]|[A-NR-Z][0-9][A-Z][A-Z0-9]{2}[0-9])(-\d+)?$"),
    ),
)
# matches exactly when one of _PATTERNS matches: one test instead of six for most identifiers
_ANY_PATTERN = re.compile(
    "|".join(f"(?{'i' if p.flags & re.IGNORECASE else ''}:{p.pattern})" for _, p in _PATTERNS)
)
_MOUSE_ONLY = re.compile(r"^(\d{7}[A-Z]\d{2}Rik|Gm\d{3,})$", re.IGNORECASE)
_RAT_ONLY = re.compile(r"^(RGD\d+|RT1-.*|Olr\d+|AABR\d+\.\d+)$", re.IGNORECASE)
# rodent nomenclature shared by mouse and rat (zinc fingers Zfp..., pseudogenes ...-ps1);
# used only for identifiers HGNC does not know in any case
_RODENT_ONLY = re.compile(r"^(Zfp\d+[a-z]?\d*|.+-ps\d*)$", re.IGNORECASE)
# human nomenclature of protein-coding genes that rodents name otherwise (C1orf112 is
# 4933424B01Rik in mouse, RGD..., or C13h1orf112 in rat; HLA is H2 / RT1)
_HUMAN_ONLY_CODING = re.compile(r"^(C(\d+|X|Y)ORF\d+|HLA-.+)$")


class SpeciesWarning(MamsetsWarning):
    """Identifiers look like another species than the operation assumes (e.g. a GMT of
    upper-cased mouse symbols given to :func:`harmonize_gmt`, which is for human GMTs)."""


# ---------------------------------------------------------------------------------------------
# Tables (read lazily, once)
# ---------------------------------------------------------------------------------------------
def _data_bytes(name: str) -> bytes:
    return resources.files("mamsets").joinpath("data", name).read_bytes()


def _read_table(name: str) -> pd.DataFrame:
    raw = gzip.decompress(_data_bytes(name))
    return pd.read_csv(io.BytesIO(raw), sep="\t", dtype=str, keep_default_na=False)


def _split(value: str) -> list[str]:
    return [v for v in value.split("|") if v] if value else []


@dataclass(frozen=True)
class _Human:
    """Dictionaries over the shipped HGNC table (keys of symbol maps are upper case)."""

    symbol: dict[str, str]  # approved symbol (exact) -> hgnc_id
    symbol_ci: dict[str, str]  # upper(approved) -> hgnc_id
    rescue: dict[
        str, tuple[str, str]
    ]  # upper(prev/alias) -> (hgnc_id, "previous_symbol"|"alias"), usable
    ambiguous: dict[str, tuple[str, ...]]  # upper(prev/alias) -> all hgnc ids it names (refused)
    prev_only: frozenset[str]  # usable rescue keys that are previous symbols
    known: frozenset[str]  # keys of symbol_ci, rescue and ambiguous (anything HGNC calls a symbol)
    # keys of symbol_ci that rodents do not share: non-coding genes and pseudogenes (LINC01234,
    # ...-AS1, RPL13P5) and human-style names of coding genes (C1orf112, HLA-A)
    human_only: frozenset[str]
    entrez: dict[str, str]
    ensembl: dict[str, str]
    to_symbol: dict[str, str]
    to_entrez: dict[str, str]
    to_ensembl: dict[str, str]


@functools.lru_cache(maxsize=1)
def _human() -> _Human:
    t = _read_table("hgnc_ids.tsv.gz")
    ids = t["hgnc_id"].tolist()
    symbols = t["symbol"].tolist()
    symbol = dict(zip(symbols, ids))
    upper_counts = Counter(s.upper() for s in symbols)
    symbol_ci = {s.upper(): i for s, i in zip(symbols, ids) if upper_counts[s.upper()] == 1}
    owners: dict[str, dict[str, str]] = defaultdict(dict)  # key -> {hgnc_id: kind}
    for i, prev, alias in zip(ids, t["prev_symbols"], t["alias_symbols"]):
        for s in _split(alias):
            owners[s.upper()].setdefault(i, "alias")
        for s in _split(prev):
            owners[s.upper()][i] = "previous_symbol"
    rescue: dict[str, tuple[str, str]] = {}
    ambiguous: dict[str, tuple[str, ...]] = {}
    for key, own in owners.items():
        approved_other = symbol_ci.get(key)
        if len(own) == 1 and approved_other is None and upper_counts[key] == 0:
            ((i, kind),) = own.items()
            rescue[key] = (i, kind)
        else:
            named = tuple(own) + (
                (approved_other,) if approved_other and approved_other not in own else ()
            )
            ambiguous[key] = named
    prev_only = frozenset(k for k, (_, kind) in rescue.items() if kind == "previous_symbol")
    human_only = frozenset(
        u
        for u, group in zip((s.upper() for s in symbols), t["locus_group"])
        if u in symbol_ci
        and not u.startswith("MT-")  # mitochondrial genes: mt-Co1 in mouse, Mt-co1 in rat
        and (group != "protein-coding gene" or _HUMAN_ONLY_CODING.match(u))
    )
    entrez = {e: i for e, i in zip(t["entrez"], ids) if e}
    ensembl = {e: i for e, i in zip(t["ensembl"], ids) if e}
    return _Human(
        symbol=symbol,
        symbol_ci=symbol_ci,
        rescue=rescue,
        ambiguous=ambiguous,
        prev_only=prev_only,
        known=frozenset(symbol_ci).union(rescue, ambiguous),
        human_only=human_only,
        entrez=entrez,
        ensembl=ensembl,
        to_symbol=dict(zip(ids, symbols)),
        to_entrez={i: e for i, e in zip(ids, t["entrez"]) if e},
        to_ensembl={i: e for i, e in zip(ids, t["ensembl"]) if e},
    )


@dataclass(frozen=True)
class _Ortholog:
    symbol: str
    entrez: str
    ensembl: tuple[str, ...]
    synonyms: tuple[str, ...]
    ambiguous_synonyms: tuple[str, ...]


@functools.lru_cache(maxsize=1)
def _orthologs() -> dict[str, dict[str, tuple[_Ortholog, ...]]]:
    """``{species: {hgnc_id: (orthologs...)}}``; members without ortholog map to ``()``."""
    t = _read_table("orthologs_members.tsv.gz")
    out: dict[str, dict[str, list[_Ortholog]]] = {"mouse": {}, "rat": {}}
    for r in t.itertuples(index=False):
        lst = out.setdefault(r.species, {}).setdefault(r.hgnc_id, [])
        if r.symbol or r.entrez or r.ensembl:
            lst.append(
                _Ortholog(
                    symbol=r.symbol,
                    entrez=r.entrez,
                    ensembl=tuple(_split(r.ensembl)),
                    synonyms=tuple(_split(r.synonyms)),
                    ambiguous_synonyms=tuple(_split(r.ambiguous_synonyms)),
                )
            )
    return {sp: {k: tuple(v) for k, v in d.items()} for sp, d in out.items()}


@dataclass(frozen=True)
class _Evidence:
    entrez: dict[str, frozenset[str]]  # species -> entrez ids
    symbol_only: dict[str, frozenset[str]]  # species -> upper(species-specific symbols)


@functools.lru_cache(maxsize=1)
def _evidence() -> _Evidence:
    t = _read_table("species_evidence.tsv.gz")
    entrez: dict[str, set[str]] = {"human": set(_human().entrez), "mouse": set(), "rat": set()}
    sym: dict[str, set[str]] = {"mouse": set(), "rat": set()}
    for sp, kind, ident in zip(t["species"], t["id_type"], t["identifier"]):
        (entrez if kind == "entrez" else sym)[sp].add(ident if kind == "entrez" else ident.upper())
    for sp, table in _orthologs().items():  # members' own ortholog ids are evidence too
        for orths in table.values():
            for o in orths:
                if o.entrez:
                    entrez[sp].add(o.entrez)
    return _Evidence(
        entrez={k: frozenset(v) for k, v in entrez.items()},
        symbol_only={k: frozenset(v) for k, v in sym.items()},
    )


# ---------------------------------------------------------------------------------------------
# Cleaning
# ---------------------------------------------------------------------------------------------
def clean_identifiers(identifiers: Iterable[Any]) -> tuple[list[str], dict[str, int]]:
    """Turn user identifiers into unique, stripped strings and count what was cleaned.

    Parameters
    ----------
    identifiers : iterable
        Strings, integers (Entrez ids), integral floats (``1234.0``, as pandas
        stores numeric columns with missing values), None or NaN. A pandas
        Series/Index or a numpy array works too.

    Returns
    -------
    ids : list of str
        Unique identifiers in first-seen order.
    counts : dict
        ``n_identifiers`` (items received), ``n_nan`` (None/NaN), ``n_empty``
        (empty strings), ``n_whitespace`` (whitespace-only strings),
        ``n_stripped`` (surrounding whitespace removed), ``n_numeric``
        (integers or integral floats turned into strings), ``n_duplicates``
        (repeats dropped after cleaning), ``n_unique``.

    Raises
    ------
    InputError
        If ``identifiers`` is a single string, or holds a non-integral number.
    """
    if isinstance(identifiers, (str, bytes)):
        raise InputError(
            f"identifiers: got one string {identifiers[:40]!r}; pass a list of identifiers "
            "(e.g. text.split() or a DataFrame column)"
        )
    if isinstance(identifiers, (pd.Series, pd.Index, np.ndarray)):
        items = list(identifiers.tolist())
    else:
        items = list(identifiers)
    counts = dict.fromkeys(
        (
            "n_identifiers",
            "n_nan",
            "n_empty",
            "n_whitespace",
            "n_stripped",
            "n_numeric",
            "n_duplicates",
        ),
        0,
    )
    counts["n_identifiers"] = len(items)
    seen: dict[str, None] = {}
    for x in items:
        if x is None or x is pd.NA or x is pd.NaT:
            counts["n_nan"] += 1
            continue
        if isinstance(x, str):
            s = x.strip()
            if not s:
                counts["n_empty" if not x else "n_whitespace"] += 1
                continue
            if s != x:
                counts["n_stripped"] += 1
        elif isinstance(x, bool):
            raise InputError(f"identifiers: got a boolean {x!r}; pass gene identifiers")
        elif isinstance(x, numbers.Integral):
            s = str(int(x))
            counts["n_numeric"] += 1
        elif isinstance(x, numbers.Real):
            if math.isnan(x):
                counts["n_nan"] += 1
                continue
            if not float(x).is_integer():
                raise InputError(
                    f"identifiers: got the number {x!r}, which is not an integer Entrez id; "
                    "pass gene identifiers (did you pass a score column?)"
                )
            s = str(int(x))
            counts["n_numeric"] += 1
        elif isinstance(x, bytes):
            s = x.decode("utf-8").strip()
            if not s:
                counts["n_empty"] += 1
                continue
        else:
            s = str(x).strip()
            if not s:
                counts["n_empty"] += 1
                continue
        if s in seen:
            counts["n_duplicates"] += 1
        else:
            seen[s] = None
    counts["n_unique"] = len(seen)
    return list(seen), counts


def _entrez_key(s: str) -> str | None:
    if _ENTREZ.match(s):
        return s.lstrip("0") or "0"
    m = _FLOAT_INT.match(s)
    return m.group(1) if m else None


def _ensembl_key(s: str) -> tuple[str, bool] | None:
    """``(unversioned upper-case id, had_version)`` or None."""
    m = _ENSEMBL.match(s.upper())
    if not m:
        return None
    return f"ENS{m.group(1)}G{m.group(2)}", m.group(3) is not None


# ---------------------------------------------------------------------------------------------
# Detection
# ---------------------------------------------------------------------------------------------
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
    sp = "" if species == "unknown" else f"{species} "
    return sp + _TYPE_WORDS.get(id_type, "identifiers of an unrecognised kind")


def _kind(s: str, hu: _Human) -> str:
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
    groups: dict[str, list[str]] = defaultdict(list)
    hu = _human()
    for s in ids:
        groups[_kind(s, hu)].append(s)
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
    n = len(ids)
    kinds, groups = _kinds_table(ids)
    rows: list[tuple[str, str, int, float, int]] = []
    denom = max(n, 1)

    # Ensembl
    ens = groups.get("ensembl_gene", [])
    if ens:
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
        for sp in SPECIES:
            rows.append((sp, t, by_sp[sp], by_sp[sp] / denom, by_sp[sp]))

    # Entrez
    num = groups.get("numeric", [])
    if num:
        ev = _evidence()
        keys = [_entrez_key(s) for s in num]
        for sp in SPECIES:
            ref = ev.entrez[sp]
            k = sum(1 for x in keys if x in ref)
            rows.append((sp, "entrez", k, k / denom, k))

    # Symbols
    sym = groups.get("symbol_like", [])
    sc = _SymbolCounts()
    if sym:
        sc = _count_symbols(sym)
        rows.append(("human", "symbol", sc.human, sc.human / denom, sc.human_only))
        rows.append(("mouse", "symbol", sc.rodent, sc.rodent / denom, sc.mouse_only))
        rows.append(("rat", "symbol", sc.rodent, sc.rodent / denom, sc.rat_only))

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
    evidence = evidence.reset_index(drop=True)

    mixed = _mixed_message(kinds, n)
    dates = groups.get("spreadsheet_date", [])
    if dates:
        mixed += (
            f"; {len(dates)} identifiers look like spreadsheet dates (e.g. {', '.join(dates[:3])}): "
            "their gene symbols are lost; re-export the table without date conversion"
        )
    if n == 0:
        return IdDetection(
            "unknown", "unknown", False, evidence, kinds, "no identifiers to examine", 0
        )
    if evidence.empty or int(evidence["n_matched"].iloc[0]) == 0:
        main_kind = kinds["kind"].iloc[0]
        msg = (
            f"could not recognise these {n} identifiers (mostly {main_kind.replace('_', ' ')}, "
            f"e.g. {', '.join(kinds['examples'].iloc[0][:3])}); mamsets maps human, mouse and rat "
            "symbols, Entrez and Ensembl gene ids"
        )
        return IdDetection("unknown", "unknown", False, evidence, kinds, msg + mixed, n)

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
    ev = _evidence()
    symbol, symbol_ci, human_only, known = hu.symbol, hu.symbol_ci, hu.human_only, hu.known
    mouse_syms, rat_syms = ev.symbol_only["mouse"], ev.symbol_only["rat"]
    mouse_re, rat_re, rodent_re = _MOUSE_ONLY.match, _RAT_ONLY.match, _RODENT_ONLY.match
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
        m_only = u in mouse_syms or mouse_re(s) is not None
        r_only = u in rat_syms or rat_re(s) is not None
        c.mouse_only += m_only
        c.rat_only += r_only
        if m_only or r_only or (u not in known and rodent_re(s) is not None):
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
    ev = _evidence()
    known, mouse_syms, rat_syms = hu.known, ev.symbol_only["mouse"], ev.symbol_only["rat"]
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


# ---------------------------------------------------------------------------------------------
# Reports
# ---------------------------------------------------------------------------------------------
def _jsonable(x: Any) -> Any:
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (np.floating,)):
        return float(x)
    if isinstance(x, (np.bool_,)):
        return bool(x)
    return x


@dataclass(frozen=True)
class MappingReport:
    """How a collection's members were matched to a user's identifiers.

    Attributes
    ----------
    members : pandas.DataFrame
        One row per (set, member, matched identifier); a member with several
        matches (one human gene, several mouse orthologs present) has several
        rows, a member without match has one row with ``matched == ""``.
        Columns (all str): ``set_id``; ``member`` (the collection's identifier,
        e.g. the human symbol); ``hgnc_id`` (``""`` when not resolved or not
        needed); ``matched`` (the user's identifier, or ``""``); ``how`` (one of
        :data:`HOWS`, ``""`` when not matched); ``reason`` (one of
        :data:`REASONS`, ``""`` when matched); ``note`` (details, e.g. which
        genes an ambiguous alias names, or that two members share one
        identifier). Built on first access (a large GMT has millions of rows
        that the engines never read), then kept.
    sets : pandas.DataFrame
        One row per set: ``set_id, n_members, n_found, n_missing, n_genes``
        (size of the translated set) and ``n_<how>`` for every value of
        :data:`HOWS` (members counted by how their first match was made).
    input : dict
        The cleaning counts of :func:`clean_identifiers` plus
        ``species``/``id_type`` used, the detection verdict
        (``detected_species``, ``detected_id_type``, ``detection_confident``,
        ``detection_message``), the collection's space and ``route``
        (``"direct"`` or ``"hgnc"``), and ``aliases``.
    """

    members: pd.DataFrame = field(repr=False, compare=False)
    sets: pd.DataFrame = field(repr=False, compare=False)
    input: dict[str, Any]
    # totals counted while mapping (summary() then needs no member table); not an __init__
    # argument, so a report made or replaced by hand is summarised from its tables
    _totals: dict[str, Any] | None = field(default=None, init=False, repr=False, compare=False)

    def summary(self) -> dict[str, Any]:
        """A JSON-ready dict: input counts, totals, counts by how and reason, sets that lost members."""
        sets = self.sets
        lost = sets[sets["n_missing"] > 0]
        if self._totals is not None:  # counted while mapping, without the member table
            t = self._totals
            how_sums = {h: int(sets[f"n_{h}"].sum()) for h in HOWS}
            counts = {
                "n_set_members": int(sets["n_members"].sum()),
                "n_set_members_found": int(sets["n_found"].sum()),
                "n_distinct_members": t["n_distinct_members"],
                "n_distinct_members_found": t["n_distinct_members_found"],
                "how": {h: n for h, n in how_sums.items() if n},
                "reason": {r: t["reason"][r] for r in REASONS if t["reason"].get(r)},
            }
        else:
            m = self.members
            first = m.drop_duplicates(["set_id", "member"])
            found = first[first["matched"] != ""]
            counts = {
                "n_set_members": len(first),
                "n_set_members_found": len(found),
                "n_distinct_members": int(first["member"].nunique()),
                "n_distinct_members_found": int(found["member"].nunique()),
                "how": {
                    h: int((found["how"] == h).sum()) for h in HOWS if (found["how"] == h).any()
                },
                "reason": {
                    r: int((first["reason"] == r).sum())
                    for r in REASONS
                    if (first["reason"] == r).any()
                },
            }
        return _jsonable(
            {
                "input": dict(self.input),
                "n_sets": len(sets),
                **counts,
                "sets_missing_members": [
                    {"set_id": sid, "n_members": int(nm), "n_found": int(nf)}
                    for sid, nm, nf in zip(lost["set_id"], lost["n_members"], lost["n_found"])
                ],
            }
        )

    def distinct_members(self) -> pd.DataFrame:
        """One row per distinct member (first row of each), for a gene-level view."""
        return self.members.drop_duplicates("member").drop(columns="set_id").reset_index(drop=True)


class _LazyFrame:
    """Data descriptor for a dataclass field that may be given a builder (anything with
    ``.frame()``) instead of a DataFrame; the frame is built on first read, then kept."""

    def __init__(self, name: str) -> None:
        self.key = f"_{name}_value"

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        value = obj.__dict__[self.key]
        if not isinstance(value, pd.DataFrame):
            value = value.frame()
            obj.__dict__[self.key] = value
        return value

    def __set__(self, obj: Any, value: Any) -> None:  # only the dataclass __init__ gets here
        obj.__dict__[self.key] = value


# after the dataclass is made, so that ``members`` stays a plain field of its __init__
MappingReport.members = _LazyFrame("members")  # type: ignore[assignment]


@dataclass(frozen=True)
class HarmonizeReport:
    """Every change :func:`harmonize_gmt` made and every ambiguity it left alone.

    Attributes
    ----------
    changes : pandas.DataFrame
        One row per gene that was not an exact approved symbol: ``set_id,
        original, updated`` (``""`` when removed as a duplicate), ``how``
        (``case_insensitive``, ``previous_symbol``, ``alias``, or ``""``),
        ``reason`` (``""`` for updates; ``ambiguous_alias``, ``unknown_symbol``
        or ``duplicate_after_update`` otherwise; kept genes are left as given),
        ``note``.
    sets : pandas.DataFrame
        ``set_id, n_genes, n_unchanged, n_updated, n_ambiguous, n_unknown,
        n_duplicates_removed, n_genes_out``.
    aliases : str
        The ``aliases`` mode used.
    warnings : tuple of str
        Warnings issued (as :class:`SpeciesWarning`) while harmonising, e.g.
        that the GMT looks like upper-cased mouse symbols.
    """

    changes: pd.DataFrame = field(repr=False, compare=False)
    sets: pd.DataFrame = field(repr=False, compare=False)
    aliases: str = "unique"
    warnings: tuple[str, ...] = ()

    def summary(self) -> dict[str, Any]:
        """JSON-ready totals and the distinct symbol changes."""
        c = self.changes
        upd = c[c["updated"].ne("") & c["reason"].eq("")].drop_duplicates(["original", "updated"])
        return _jsonable(
            {
                "aliases": self.aliases,
                "n_sets": len(self.sets),
                "n_genes": int(self.sets["n_genes"].sum()),
                "n_updated": int(self.sets["n_updated"].sum()),
                "n_ambiguous": int(self.sets["n_ambiguous"].sum()),
                "n_unknown": int(self.sets["n_unknown"].sum()),
                "n_duplicates_removed": int(self.sets["n_duplicates_removed"].sum()),
                "updates": {o: u for o, u in zip(upd["original"], upd["updated"])},
                "ambiguous": sorted(set(c.loc[c["reason"] == "ambiguous_alias", "original"])),
                "unknown": sorted(set(c.loc[c["reason"] == "unknown_symbol", "original"])),
                "warnings": list(self.warnings),
            }
        )


def _frame(rows: list[tuple], columns: tuple[str, ...], ints: Iterable[str] = ()) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=list(columns))
    types = {c: ("int64" if c in set(ints) else "object") for c in columns}
    return df.astype(types)


# ---------------------------------------------------------------------------------------------
# Mapping
# ---------------------------------------------------------------------------------------------
def _check_choice(name: str, value: str | None, choices: tuple[str, ...]) -> None:
    if value is not None and value not in choices:
        raise InputError(f"{name}={value!r}: must be one of {', '.join(map(repr, choices))}")


def _resolve_symbol(s: str, aliases: str) -> tuple[str | None, str, str]:
    """Human symbol -> (hgnc_id or None, how, note). how '' when unresolved; note for ambiguity."""
    hu = _human()
    i = hu.symbol.get(s)
    if i is not None:
        return i, "exact", ""
    u = s.upper()
    i = hu.symbol_ci.get(u)
    if i is not None:
        return i, "case_insensitive", ""
    if aliases != "none":
        hit = hu.rescue.get(u)
        if hit is not None and (aliases == "unique" or u in hu.prev_only):
            kind = hit[1]
            return (
                hit[0],
                kind,
                f"{s} is {'a previous' if kind == 'previous_symbol' else 'an alias'} symbol of {hu.to_symbol[hit[0]]}",
            )
        amb = hu.ambiguous.get(u)
        if amb:
            names = ", ".join(sorted(hu.to_symbol[x] for x in amb))
            return None, "", f"{s} names several genes ({names}); not used"
    return None, "", ""


def _collection_space(
    collection: GeneSetCollection, genes: Iterable[str] | None = None
) -> tuple[str, str, IdDetection | None]:
    """The collection's (species, id_type), detected from ``genes`` (default all) when unknown."""
    species, id_type = collection.species, collection.id_type
    if species in SPECIES and id_type in ID_TYPES:
        return species, id_type, None
    det = _detect(sorted(collection.genes if genes is None else genes))
    sp = species if species in SPECIES else det.species
    it = id_type if id_type in ID_TYPES else det.id_type
    return sp, it, det


class _UserIndex:
    """Lookups from the user's identifiers, built once per call (dicts, no scans)."""

    def __init__(self, ids: list[str]) -> None:
        self.ids = ids
        self.exact = {s: s for s in ids}

    @functools.cached_property
    def upper(self) -> dict[str, str]:
        upper: dict[str, str] = {}
        for s in self.ids:
            upper.setdefault(s.upper(), s)
        return upper

    @functools.cached_property
    def entrez(self) -> dict[str, str]:
        entrez: dict[str, str] = {}
        for s in self.ids:
            k = _entrez_key(s)
            if k is not None:
                entrez.setdefault(k, s)
        return entrez

    @functools.cached_property
    def ensembl(self) -> dict[str, tuple[str, bool]]:
        ens: dict[str, tuple[str, bool]] = {}
        for s in self.ids:
            if s[:3].upper() == "ENS":
                e = _ensembl_key(s)
                if e is not None:
                    ens.setdefault(e[0], (s, e[1]))
        return ens


def _human_targets(
    ix: _UserIndex, id_type: str, aliases: str
) -> tuple[dict[str, list[tuple[int, str, str, str]]], dict[str, list[str]]]:
    """hgnc_id -> [(rank, user id, how, note)], and hgnc_id -> notes of refused ambiguous ids."""
    hu = _human()
    found: dict[str, list[tuple[int, str, str, str]]] = defaultdict(list)
    refused: dict[str, list[str]] = defaultdict(list)
    rank = {h: r for r, h in enumerate(HOWS)}
    if id_type == "symbol":
        for s in ix.ids:
            i, how, note = _resolve_symbol(s, aliases)
            if i is not None:
                found[i].append((rank[how], s, how, note))
                for j in hu.ambiguous.get(s.upper(), ()):
                    if j != i:
                        refused[j].append(
                            f"{s} is an alias or previous symbol of {hu.to_symbol[j]} but names "
                            f"{hu.to_symbol[i]}; not used for {hu.to_symbol[j]}"
                        )
            elif note:
                for j in hu.ambiguous.get(s.upper(), ()):
                    refused[j].append(note)
    elif id_type == "entrez":
        for k, s in ix.entrez.items():
            i = hu.entrez.get(k)
            if i is not None:
                found[i].append((rank["entrez"], s, "entrez", ""))
    else:
        for k, (s, had_version) in ix.ensembl.items():
            i = hu.ensembl.get(k)
            if i is not None:
                how = "ensembl_version_stripped" if had_version else "ensembl"
                found[i].append((rank[how], s, how, ""))
    return found, refused


def _best(candidates: list[tuple[int, str, str, str]]) -> list[tuple[str, str, str]]:
    """The best user identifier for one gene; the others are named in its note."""
    if not candidates:
        return []
    ranked = sorted(candidates)
    _, s, how, note = ranked[0]
    if len(ranked) > 1:
        others = ", ".join(x[1] for x in ranked[1:])
        note = (note + "; " if note else "") + (
            f"also in data for the same gene, not used for this member: {others}"
        )
    return [(s, how, note)]


def _ortholog_targets(
    ix: _UserIndex, hgnc_id: str, species: str, id_type: str, aliases: str
) -> tuple[list[tuple[str, str, str]], str, str]:
    """Matches of one member's orthologs: ([(user id, how, note)], reason, note)."""
    table = _orthologs().get(species, {})
    if hgnc_id not in table:
        return (
            [],
            "not_in_ortholog_table",
            (
                f"{species} orthologs are shipped for the library's members only; map this "
                f"collection to {species} ids yourself, or use human identifiers"
            ),
        )
    orths = table[hgnc_id]
    if not orths:
        return [], "no_ortholog", f"no {species} ortholog known (MGI/Alliance, RGD, HGNC)"
    hits: list[tuple[str, str, str]] = []
    amb_notes: list[str] = []
    for o in orths:
        hit: tuple[str, str, str] | None = None
        if id_type == "symbol":
            if o.symbol and o.symbol in ix.exact:
                hit = (o.symbol, "ortholog", "")
            elif o.symbol and o.symbol.upper() in ix.upper:
                hit = (ix.upper[o.symbol.upper()], "ortholog_case_insensitive", "")
            elif aliases == "unique":  # rodent synonyms mix old symbols and aliases
                for syn in o.synonyms:
                    s = ix.upper.get(syn.upper())
                    if s is not None:
                        hit = (s, "ortholog_synonym", f"{s} is a {species} synonym of {o.symbol}")
                        break
            if hit is None:
                for syn in o.ambiguous_synonyms:
                    s = ix.upper.get(syn.upper())
                    if s is not None:
                        amb_notes.append(
                            f"{s} is a {species} synonym of {o.symbol} but also names another gene; not used"
                        )
        elif id_type == "entrez":
            s = ix.entrez.get(o.entrez) if o.entrez else None
            if s is not None:
                hit = (s, "ortholog", "")
        else:
            for e in o.ensembl:
                got = ix.ensembl.get(e.upper())
                if got is not None:
                    hit = (got[0], "ortholog_version_stripped" if got[1] else "ortholog", "")
                    break
        if hit is not None:
            hits.append(hit)
    if hits:
        return hits, "", ""
    if amb_notes:
        return [], "ambiguous_alias", "; ".join(amb_notes)
    if id_type == "entrez" and not any(o.entrez for o in orths):
        return [], "no_identifier", f"{species} ortholog has no Entrez id"
    if id_type.startswith("ensembl") and not any(o.ensembl for o in orths):
        return [], "no_identifier", f"{species} ortholog has no Ensembl id"
    syms = ", ".join(o.symbol for o in orths if o.symbol)
    return [], "absent_from_data", f"{species} ortholog {syms} not in data"


def map_ids(
    collection: GeneSetCollection,
    identifiers: Iterable[Any],
    *,
    species: Species | None = None,
    id_type: IdType | None = None,
    aliases: AliasMode = "unique",
) -> tuple[GeneSetCollection, MappingReport]:
    """Translate a collection into the identifier space of a user's data, with a report.

    Parameters
    ----------
    collection : GeneSetCollection
        Gene sets, e.g. the bundled MAMs library (human symbols) or any GMT.
    identifiers : iterable
        The user's gene identifiers (a ranked list's index, a universe, a DE
        table column). NaN, empty strings and whitespace are cleaned and counted.
    species : {"human", "mouse", "rat"}, optional
        Species of ``identifiers``; detected when omitted (see :func:`detect_ids`).
    id_type : {"symbol", "entrez", "ensembl", "ensembl_versioned"}, optional
        Type of ``identifiers``; detected when omitted. Ensembl ids are matched
        with or without version suffix either way.
    aliases : {"unique", "previous", "none"}
        Whether HGNC previous and alias symbols (and rodent synonyms) may rescue a
        member: ``"unique"`` uses both, ``"previous"`` only previous symbols,
        ``"none"`` neither. A rescue symbol is only ever used when it names
        exactly one approved gene and is not itself the approved symbol of
        another gene. Mouse/rat synonyms (MGI and RGD mix old symbols and
        aliases there) are used only with ``"unique"``.

    Returns
    -------
    collection : GeneSetCollection
        Same sets, ids and metadata, genes replaced by the matching user
        identifiers (sets that lost members keep their id and may be empty); its
        ``species``/``id_type`` are the user's.
    report : MappingReport
        Per member and per set, how each member was matched or why not.

    Raises
    ------
    IdentifierError
        If no member of any set matches, with what the identifiers look like and
        what to pass instead.
    InputError
        For invalid ``species``, ``id_type`` or ``aliases``.

    Notes
    -----
    Exact first. On every route, a member written exactly as one of the user's
    identifiers matches that identifier (``how="exact"``), whether or not HGNC
    knows it (``1700017B05RIK`` or ``H2-K1`` in a GMT of upper-cased mouse
    symbols) and even when HGNC has renamed it (``PTRF`` stays ``PTRF`` when the
    data hold ``PTRF``, as GSEA and fgsea would match it). The routes below apply
    only to members without such a match.

    Route. When the collection is already in the user's space (same species and
    id type, or a plain GMT whose genes match the identifiers directly), members
    are matched as they are (``how="exact"``) and the collection is returned
    unchanged apart from dropping absent genes. Human symbols are the exception:
    they go through HGNC so that case differences, previous and alias symbols
    are rescued. Otherwise each member is resolved to its HGNC id (curated
    members carry it) and from there to the user's space: the HGNC symbol,
    Entrez or Ensembl id for human data, or the mouse/rat ortholog's symbol
    (case-insensitive, then usable synonyms), Entrez or Ensembl id.

    Precedence for human symbols not in the data as written: case-insensitive
    approved symbol, then a unique previous symbol, then a unique alias (each
    user identifier is read as the approved symbol it names, and the member's
    gene takes the best such identifier). An identifier that is the approved
    symbol of one gene is never read as the alias of another (``TG``, ``CA2``
    stay thyroglobulin and carbonic anhydrase 2). When several user identifiers
    name the same gene, the best one is used and the others are named in
    ``note``. When two members of one set reach the same user identifier, it
    counts once (``n_genes``), the member found as written keeps it and the
    other's ``note`` says so.

    Mouse orthologs are those on which MGI/Alliance homology and HGNC's curated
    MGI cross-reference agree (Alliance-only extras of such genes are pseudogenes
    and retrocopies); rat orthologs are HGNC's curated RGD cross-references. They
    ship for the bundled library's members only; other genes get
    ``reason="not_in_ortholog_table"``.

    Cost. Each distinct member is resolved once; the per-set counts, the
    translated sets and :meth:`MappingReport.summary` then come from array
    operations over the (set, member) pairs, and ``report.members`` (one row per
    pair, over a million rows for a large GMT) is built only when first read.
    ``benchmarks/bench_ids.py`` times 5,000-set collections.

    References
    ----------
    Seal RL et al. (2023) Genenames.org: the HGNC resources in 2023. Nucleic
    Acids Res 51:D1003-D1009. doi:10.1093/nar/gkac888

    Baldarelli RM et al. (2024) Mouse Genome Informatics: an integrated
    knowledgebase system for the laboratory mouse. Genetics 227:iyae031.
    doi:10.1093/genetics/iyae031

    Vedi M et al. (2023) 2022 updates to the Rat Genome Database. Genetics
    224:iyad042. doi:10.1093/genetics/iyad042

    Examples
    --------
    >>> from mamsets.model import GeneSetCollection
    >>> c = GeneSetCollection.from_dict({"S": ["MFN2", "FIS1"]}, species="human", id_type="symbol")
    >>> out, rep = map_ids(c, ["mfn2", "FIS1", "ACTB"], species="human", id_type="symbol")
    >>> out["S"].genes
    ('mfn2', 'FIS1')
    >>> rep.members["how"].tolist()
    ['case_insensitive', 'exact']
    """
    _check_choice("species", species, SPECIES)
    _check_choice("id_type", id_type, ID_TYPES)
    _check_choice("aliases", aliases, ALIAS_MODES)
    if not isinstance(collection, GeneSetCollection):
        raise InputError(
            f"collection: expected a GeneSetCollection, got {type(collection).__name__}; "
            "use mamsets.io.gmt.read_gmt(path) or GeneSetCollection.from_dict(...)"
        )
    ids, counts = clean_identifiers(identifiers)
    if not ids:
        raise IdentifierError(
            f"identifiers: no usable identifiers among {counts['n_identifiers']} items "
            f"({counts['n_nan']} NaN, {counts['n_empty']} empty, {counts['n_whitespace']} whitespace)"
        )
    det = _detect(ids)
    user_species = species or (det.species if det.species != "unknown" else None)
    user_type = id_type or (det.id_type if det.id_type != "unknown" else None)
    if det.confident and (
        (species and species != det.species)
        or (id_type and id_type.split("_")[0] != det.id_type.split("_")[0])
    ):
        warnings.warn(
            f"map_ids: you passed species={species!r}, id_type={id_type!r} but {det.message}; "
            "check the arguments",
            MamsetsWarning,
            stacklevel=2,
        )
    fl = _Flat(collection)
    c_species, c_type, _ = _collection_space(collection, fl.uniques)
    ix = _UserIndex(ids)
    info: dict[str, Any] = {
        **counts,
        "species": user_species or "unknown",
        "id_type": user_type or "unknown",
        "detected_species": det.species,
        "detected_id_type": det.id_type,
        "detection_confident": det.confident,
        "detection_message": det.message,
        "collection_species": c_species,
        "collection_id_type": c_type,
        "aliases": aliases,
    }

    plain = collection.species not in SPECIES or collection.id_type not in ID_TYPES
    base = {"ensembl_versioned": "ensembl"}
    same_space = (
        user_species is not None
        and user_type is not None
        and c_species == user_species
        and base.get(c_type, c_type) == base.get(user_type, user_type)
    )
    human_symbols = same_space and c_species == "human" and c_type == "symbol"
    can_translate = (
        c_species == "human"
        and c_type in ID_TYPES
        and user_species in SPECIES
        and user_type in ID_TYPES
    )
    if human_symbols and can_translate:
        route = "hgnc"
    elif same_space or not can_translate or plain and any(g in ix.exact for g in fl.uniques):
        route = "direct"
    else:
        route = "hgnc"
    info["route"] = route
    type_certain = det.id_type != "unknown" and float(det.kinds["fraction"].iloc[0]) >= 0.9
    if route == "hgnc" and (
        (species is None and not det.confident) or (id_type is None and not type_certain)
    ):
        warnings.warn(
            f"map_ids: {det.message}; assuming {_describe(user_species or 'unknown', user_type or 'unknown')}"
            " (pass species= and id_type= to be explicit)",
            MamsetsWarning,
            stacklevel=2,
        )
    if route == "direct":
        out, rep = _map_direct(fl, ix, info)
    else:
        out, rep = _map_hgnc(fl, ix, info, (c_species, c_type), user_species, user_type, aliases)
    n_found = int(rep.sets["n_found"].sum()) if len(rep.sets) else 0
    if n_found == 0 and len(collection):
        raise IdentifierError(_no_overlap_message(collection, ids, det, species, id_type, info))
    species_out = user_species or (c_species if route == "direct" else "unknown")
    type_out = user_type or (c_type if route == "direct" else "unknown")
    # the collection vocabulary has no "ensembl_versioned": the genes carry the user's versions
    type_out = "ensembl" if type_out == "ensembl_versioned" else type_out
    return out.replace_sets(out.sets, species=species_out, id_type=type_out), rep


def _no_overlap_message(
    collection: GeneSetCollection,
    ids: list[str],
    det: IdDetection,
    species: str | None,
    id_type: str | None,
    info: Mapping[str, Any],
) -> str:
    given = ", ".join(f"{k}={v!r}" for k, v in (("species", species), ("id_type", id_type)) if v)
    head = (
        f"none of the {len(ids)} identifiers (e.g. {', '.join(ids[:3])}) matches a member of "
        f"collection {collection.name!r} ({len(collection)} sets, "
        f"{_describe(info['collection_species'], info['collection_id_type'])})"
    )
    if given:
        head += f" with {given}"
    hint = det.message
    if det.species in SPECIES and det.id_type in ID_TYPES:
        hint += f"; pass species={det.species!r}, id_type={det.id_type!r}"
    return f"{head}. {hint}"


def _direct_match(ix: _UserIndex, gene: str) -> tuple[str | None, str]:
    s = ix.exact.get(gene)
    if s is not None:
        return s, "exact"
    e = _ensembl_key(gene)
    if e is not None:
        got = ix.ensembl.get(e[0])
        if got is not None:
            return got[0], "ensembl_version_stripped"
    return None, ""


_HOW_CODE = {h: i for i, h in enumerate(HOWS)}
_REASON_CODE = {r: i for i, r in enumerate(REASONS)}
_SAME_ID_DIRECT = "same identifier as another member; counted once"

#: What one distinct member resolves to: (hgnc_id or "", [(user id, how, note)], reason, note).
_Resolution = tuple[str, list[tuple[str, str, str]], str, str]


class _Flat:
    """A collection's (set, member) pairs as flat arrays, in set then member order."""

    def __init__(self, collection: GeneSetCollection) -> None:
        self.collection = collection
        self.set_ids = np.array([gs.id for gs in collection], dtype=object)
        self.sizes = np.fromiter(
            (len(gs) for gs in collection), dtype=np.int64, count=len(collection)
        )
        flat = np.fromiter(
            itertools.chain.from_iterable(gs.genes for gs in collection),
            dtype=object,
            count=int(self.sizes.sum()),
        )
        self.genes = flat
        # distinct member identifiers in first-seen order, and each pair's code into them
        codes, uniques = pd.factorize(flat)
        self.codes: np.ndarray = codes.astype(np.intp, copy=False)
        self.uniques: np.ndarray = np.asarray(uniques, dtype=object)
        self.set_of = np.repeat(np.arange(len(self.sizes), dtype=np.intp), self.sizes)


class _MemberRows:
    """Everything needed to build :attr:`MappingReport.members` later, column by column."""

    def __init__(self, **parts: Any) -> None:
        self.__dict__.update(parts)

    def frame(self) -> pd.DataFrame:
        row_key = self.row_key
        member = self.genes if self.row_member is None else self.genes[self.row_member]
        note = self.kr_note[row_key]
        if len(self.dup_rows):
            if self.dup_style == "direct":
                note[self.dup_rows] = _SAME_ID_DIRECT
            else:
                for r, first in zip(self.dup_rows.tolist(), self.dup_first.tolist()):
                    extra = f"same identifier as member {member[first]}; counted once"
                    note[r] = (note[r] + "; " if note[r] else "") + extra
        cols = {
            "set_id": self.set_ids[self.row_set],
            "member": member,
            "hgnc_id": self.kr_hgnc[row_key],
            "matched": self.kr_matched[row_key],
            "how": self.kr_how[row_key],
            "reason": self.kr_reason[row_key],
            "note": note,
        }
        return pd.DataFrame(cols, columns=list(MEMBER_COLUMNS), dtype=object)


def _objects(values: Iterable[str], n: int) -> np.ndarray:
    return np.fromiter(values, dtype=object, count=n)


def _codes(values: np.ndarray, table: Mapping[str, int]) -> np.ndarray:
    """Integer code of each value in ``table`` (-1 when absent, e.g. ``""``)."""
    get = table.get
    return np.fromiter((get(v, -1) for v in values), dtype=np.intp, count=len(values))


@dataclass(frozen=True)
class _KeyRows:
    """Report rows of every key (distinct member), as columns: one block of rows per key.

    A key's block holds one row per matching user identifier, or one unmatched
    row (``matched == ""``) with the reason.
    """

    count: np.ndarray  # rows per key (>= 1)
    hgnc: np.ndarray
    matched: np.ndarray
    how: np.ndarray
    reason: np.ndarray
    note: np.ndarray

    @classmethod
    def from_resolutions(cls, resolutions: list[_Resolution]) -> _KeyRows:
        rows: list[tuple[str, str, str, str, str]] = []
        append = rows.append
        for hid, hits, reason, note in resolutions:
            if not hits:
                append((hid, "", "", reason, note))
            for s, how, hnote in hits:
                append((hid, s, how, "", hnote))
        n = len(rows)
        count = np.fromiter((max(1, len(r[1])) for r in resolutions), np.intp, len(resolutions))
        return cls(count, *(_objects((r[i] for r in rows), n) for i in range(5)))


def _assemble(
    fl: _Flat,
    key_codes: np.ndarray,
    key_gene: np.ndarray,
    kr: _KeyRows,
    info: dict[str, Any],
    dup_style: Literal["direct", "hgnc"],
) -> tuple[GeneSetCollection, MappingReport]:
    """Expand per-key rows to the report's rows and the translated sets, with arrays.

    ``key_codes`` gives, for every (set, member) pair of ``fl``, the index of its
    key; a key is a distinct member (with its curated HGNC id when the collection
    carries one) and ``key_gene`` its member identifier. Rows keep the
    collection's order (set, member, hit), so "first" below means what a loop over
    sets and members would see first.
    """
    n_sets, n_pairs, n_keys = len(fl.sizes), len(key_codes), len(kr.count)
    k_count = kr.count
    k_start = np.zeros(n_keys, dtype=np.intp)
    np.cumsum(k_count[:-1], out=k_start[1:])
    kr_hgnc, kr_matched, kr_how, kr_reason, kr_note = (
        kr.hgnc,
        kr.matched,
        kr.how,
        kr.reason,
        kr.note,
    )
    kr_is_match = kr_matched != ""
    k_found = kr_is_match[k_start]
    k_how = _codes(kr_how[k_start], _HOW_CODE)
    k_reason = _codes(kr_reason[k_start], _REASON_CODE)
    # a key is the identity when its only row matches the member as it is
    k_identity = (k_count == 1) & (kr_matched[k_start] == key_gene)

    # per (set, member) pair
    set_of = fl.set_of
    found = k_found[key_codes]
    n_found = np.bincount(set_of[found], minlength=n_sets)
    how_counts = np.bincount(
        set_of[found] * len(HOWS) + k_how[key_codes][found], minlength=n_sets * len(HOWS)
    ).reshape(n_sets, len(HOWS))

    # per report row
    if n_keys == 0 or int(k_count.max()) == 1:
        row_member = None
        row_key = key_codes  # one row per key: k_start is 0, 1, 2...
        row_set = set_of
    else:
        per_pair = k_count[key_codes]
        n_rows = int(per_pair.sum())
        row_member = np.repeat(np.arange(n_pairs, dtype=np.intp), per_pair)
        first_row = np.zeros(n_pairs, dtype=np.intp)
        np.cumsum(per_pair[:-1], out=first_row[1:])
        row_key = k_start[key_codes][row_member] + (
            np.arange(n_rows, dtype=np.intp) - first_row[row_member]
        )
        row_set = set_of[row_member]
    row_is_match = kr_is_match[row_key]

    # a user identifier claimed by several members of one set counts once: the first claim,
    # except that on the HGNC route a member found as written (exact) keeps it over rescues
    m_codes, m_uniques = pd.factorize(kr_matched)
    dup = np.zeros(len(row_key), dtype=bool)
    dup_rows = dup_first = np.zeros(0, dtype=np.intp)
    if int(kr_is_match.sum()) > len(np.unique(m_codes[kr_is_match])):  # not one-to-one
        match_rows = np.flatnonzero(row_is_match)
        if dup_style == "hgnc":
            rescued = (kr_how != "exact")[row_key[match_rows]]
            match_rows = match_rows[np.argsort(rescued, kind="stable")]
        pair = row_set[match_rows].astype(np.int64) * len(m_uniques) + m_codes[row_key[match_rows]]
        group, _ = pd.factorize(pair)
        _, first_of_group = np.unique(group, return_index=True)
        is_dup = np.arange(len(group)) != first_of_group[group]
        dup_rows = match_rows[is_dup]
        dup_first = match_rows[first_of_group[group[is_dup]]]
        dup[dup_rows] = True
    kept = row_is_match & ~dup
    n_genes = np.bincount(row_set[kept], minlength=n_sets)

    # translated sets: a set whose members all match themselves is kept as it is
    changed = np.bincount(set_of[~k_identity[key_codes]], minlength=n_sets) > 0
    if len(dup_rows):
        changed |= np.bincount(row_set[dup_rows], minlength=n_sets) > 0
    sets = fl.collection.sets
    if changed.any():
        rows = kept & changed[row_set]
        genes_out = kr_matched[row_key[rows]].tolist()
        ends = np.cumsum(np.where(changed, n_genes, 0)).tolist()
        new_sets: list[GeneSet] = []
        for i, gs in enumerate(sets):
            if changed[i]:
                new_sets.append(gs.with_genes(genes_out[ends[i] - int(n_genes[i]) : ends[i]]))
            else:
                new_sets.append(gs)
    else:
        new_sets = list(sets)

    sets_table = pd.DataFrame(
        {
            "set_id": fl.set_ids,
            "n_members": fl.sizes,
            "n_found": n_found,
            "n_missing": fl.sizes - n_found,
            "n_genes": n_genes,
            **{f"n_{h}": how_counts[:, j] for j, h in enumerate(HOWS)},
        },
        columns=list(SET_COLUMNS),
    ).astype({c: ("object" if c == "set_id" else "int64") for c in SET_COLUMNS})

    # totals for summary(), so that it needs no member table
    reasons = np.bincount(k_reason[key_codes][~found], minlength=len(REASONS))
    gene_found = np.zeros(len(fl.uniques), dtype=bool)
    gene_found[fl.codes[found]] = True
    totals = {
        "n_distinct_members": len(fl.uniques),
        "n_distinct_members_found": int(gene_found.sum()),
        "reason": {r: int(n) for r, n in zip(REASONS, reasons) if n},
    }
    rows_later = _MemberRows(
        set_ids=fl.set_ids,
        genes=fl.genes,
        row_set=row_set,
        row_member=row_member,
        row_key=row_key,
        kr_hgnc=kr_hgnc,
        kr_matched=kr_matched,
        kr_how=kr_how,
        kr_reason=kr_reason,
        kr_note=kr_note,
        dup_rows=dup_rows,
        dup_first=dup_first,
        dup_style=dup_style,
    )
    report = MappingReport(rows_later, sets_table, info)  # type: ignore[arg-type]
    object.__setattr__(report, "_totals", totals)
    return fl.collection.replace_sets(new_sets), report


def _map_direct(
    fl: _Flat, ix: _UserIndex, info: dict[str, Any]
) -> tuple[GeneSetCollection, MappingReport]:
    """Members matched as they are (``exact``, or an Ensembl id without its version)."""
    genes = fl.uniques
    n = len(genes)
    exact = ix.exact
    hit = np.fromiter((g in exact for g in genes), dtype=bool, count=n)
    matched = np.where(hit, genes, "").astype(object)
    how = np.where(hit, "exact", "").astype(object)
    for i in np.flatnonzero(~hit).tolist():
        s, h = _direct_match(ix, genes[i])
        if s is not None:
            matched[i], how[i] = s, h
    reason = np.where(matched == "", "absent_from_data", "").astype(object)
    empty = np.full(n, "", dtype=object)
    kr = _KeyRows(np.ones(n, dtype=np.intp), empty, matched, how, reason, empty)
    return _assemble(fl, fl.codes, genes, kr, info, "direct")


def _curated_keys(fl: _Flat) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Key per pair: the member, with its curated HGNC id when its set carries one.

    Returns the key codes, each key's member and each key's curated HGNC id (``""``).
    """
    if not any(gs.members for gs in fl.collection):
        return fl.codes, fl.uniques, [""] * len(fl.uniques)
    curated = np.empty(len(fl.codes), dtype=object)
    pos = 0
    for gs in fl.collection:
        if gs.members:
            by_symbol: dict[str, str] = {}
            for m in gs.members:
                if m.hgnc_id:
                    by_symbol.setdefault(m.symbol, m.hgnc_id)
            curated[pos : pos + len(gs)] = [by_symbol.get(g, "") for g in gs.genes]
        else:
            curated[pos : pos + len(gs)] = ""
        pos += len(gs)
    h_codes, h_uniques = pd.factorize(curated)
    pair = fl.codes.astype(np.int64) * max(len(h_uniques), 1) + h_codes
    key_codes, key_pairs = pd.factorize(pair)
    n_h = max(len(h_uniques), 1)
    key_gene = fl.uniques[np.asarray(key_pairs, dtype=np.int64) // n_h]
    key_hid = [str(h_uniques[int(k) % n_h]) for k in key_pairs]
    return key_codes.astype(np.intp, copy=False), key_gene, key_hid


def _member_hgnc(
    gene: str, curated: str, space: tuple[str, str], aliases: str
) -> tuple[str | None, str, str]:
    """hgnc_id of a collection member (human space), how it was resolved, and a note.

    ``how`` is ``""`` unless a member symbol needed a rescue (``case_insensitive``,
    ``previous_symbol``, ``alias``); the note says which, or why it was not resolved.
    """
    if curated:
        return curated, "", ""
    hu = _human()
    _, id_type = space
    if id_type == "symbol":
        i, how, note = _resolve_symbol(gene, aliases)
        if i is None:
            return None, "", note or f"{gene} is not an approved HGNC symbol"
        if how == "case_insensitive":
            note = f"{gene} is {hu.to_symbol[i]} in another case"
        return i, "" if how == "exact" else how, note
    if id_type == "entrez":
        k = _entrez_key(gene)
        i = hu.entrez.get(k) if k else None
        return i, "", "" if i else f"{gene} is not the Entrez id of an approved HGNC gene"
    if id_type in ("ensembl", "ensembl_versioned"):
        k = _ensembl_key(gene)
        i = hu.ensembl.get(k[0]) if k else None
        return i, "", "" if i else f"{gene} is not the Ensembl id of an approved HGNC gene"
    return None, "", f"cannot resolve {gene}: collection id type unknown"


def _with_member_route(
    hits: list[tuple[str, str, str]], how0: str, note0: str, human: bool
) -> list[tuple[str, str, str]]:
    """Hits of a member that was itself rescued to its HGNC gene (``how0``, ``note0``).

    On the human route ``how`` becomes the later of the member's and the
    identifier's rescue in :data:`HOWS` order (a member ``PTRF`` found as
    ``CAVIN1`` is a ``previous_symbol`` match); rodent hows stay as they are.
    """
    if not how0 or not hits:
        return hits
    rank = _HOW_CODE
    out = []
    for s, how, note in hits:
        if human and rank[how0] > rank[how]:
            how = how0
        out.append((s, how, f"{note0}; {note}" if note else note0))
    return out


def _map_hgnc(
    fl: _Flat,
    ix: _UserIndex,
    info: dict[str, Any],
    space: tuple[str, str],
    species: str,
    id_type: str,
    aliases: str,
) -> tuple[GeneSetCollection, MappingReport]:
    """Members resolved to HGNC ids, then to the user's human ids or rodent orthologs."""
    hu = _human()
    human_targets: dict[str, list[tuple[int, str, str, str]]] = {}
    refused: dict[str, list[str]] = {}
    base_type = id_type.split("_")[0]
    if species == "human":
        human_targets, refused = _human_targets(ix, base_type, aliases)
    needs = {"entrez": hu.to_entrez, "ensembl": hu.to_ensembl}.get(base_type)
    key_codes, key_gene, key_hid = _curated_keys(fl)
    exact = ix.exact
    resolutions: list[_Resolution] = []
    for g, curated in zip(key_gene, key_hid):
        hid, how0, note0 = _member_hgnc(g, curated, space, aliases)
        if g in exact:  # the member as written is in the data: no other route is tried
            note = ""
            same_gene = human_targets.get(hid, ()) if hid else ()
            if len(same_gene) > 1:
                others = ", ".join(x[1] for x in sorted(same_gene) if x[1] != g)
                note = f"also in data for the same gene, not used for this member: {others}"
            resolutions.append((hid or "", [(g, "exact", note)], "", ""))
        elif hid is None:
            resolutions.append(("", [], "unknown_member", note0))
        elif species == "human":
            hits = _with_member_route(_best(human_targets.get(hid, [])), how0, note0, True)
            if hits:
                resolutions.append((hid, hits, "", ""))
            elif needs is not None and hid not in needs:
                resolutions.append(
                    (
                        hid,
                        [],
                        "no_identifier",
                        f"HGNC lists no {base_type} id for {hu.to_symbol.get(hid, g)}",
                    )
                )
            elif refused.get(hid):
                resolutions.append((hid, [], "ambiguous_alias", "; ".join(refused[hid])))
            else:
                resolutions.append((hid, [], "absent_from_data", note0))
        else:
            hits, reason, note = _ortholog_targets(ix, hid, species, id_type, aliases)
            if how0 and not hits:
                note = f"{note0}; {note}" if note else note0
            hits = _with_member_route(hits, how0, note0, False)
            resolutions.append((hid, hits, reason, note))
    return _assemble(fl, key_codes, key_gene, _KeyRows.from_resolutions(resolutions), info, "hgnc")


# ---------------------------------------------------------------------------------------------
# Harmonising human GMTs
# ---------------------------------------------------------------------------------------------
def harmonize_gmt(
    path_or_collection: str | os.PathLike[str] | GeneSetCollection,
    *,
    aliases: AliasMode = "unique",
) -> tuple[GeneSetCollection, HarmonizeReport]:
    """Update outdated and alias symbols of a human gene-symbol GMT to current HGNC symbols.

    Parameters
    ----------
    path_or_collection : path-like or GeneSetCollection
        A GMT file of human gene symbols (e.g. an old MSigDB release) or a
        collection read from one.
    aliases : {"unique", "previous", "none"}
        Which HGNC symbols may replace a gene: ``"unique"`` previous and alias
        symbols, ``"previous"`` previous symbols only, ``"none"`` only case
        fixes. Same uniqueness rule as :func:`map_ids`.

    Returns
    -------
    collection : GeneSetCollection
        Same sets and metadata with updated symbols (``species="human"``,
        ``id_type="symbol"``); ambiguous and unknown symbols are kept as they
        were; a symbol that becomes a duplicate of another member is removed.
    report : HarmonizeReport
        Every change and every gene left alone, per set.

    Raises
    ------
    IdentifierError
        If the GMT does not hold human gene symbols (e.g. Entrez or mouse symbols).

    Warns
    -----
    SpeciesWarning
        If the GMT looks like upper-cased mouse or rat symbols (at least 3 and
        at least 1% of its distinct genes are mouse/rat-only symbols unknown to
        HGNC, such as ``1700017B05RIK`` or ``H2-K1``), or like mixed-case
        symbols that may be mouse/rat. Such a GMT is harmonised anyway (the
        data may be human after all) but mouse genes would be rewritten to
        human ones (``SCD1`` to ``SCD``); the warning is also kept in
        ``report.warnings``.

    Notes
    -----
    For each gene: an approved symbol is kept; otherwise the first rule that
    applies is used: the approved symbol matching case-insensitively, then the
    gene whose previous symbol it is, then the gene whose alias it is - the
    last two only when the symbol names exactly one approved gene and is not the
    approved symbol of another (so ``TG`` stays thyroglobulin). Text-mined
    figure genes show why: "MAM" (mitochondria-associated membranes) is a
    previous symbol of SGCG and "HIR" an alias of KCNJ4; the report lists such
    rescues so they can be reviewed.

    References
    ----------
    Seal RL et al. (2023) Genenames.org: the HGNC resources in 2023. Nucleic
    Acids Res 51:D1003-D1009. doi:10.1093/nar/gkac888
    """
    _check_choice("aliases", aliases, ALIAS_MODES)
    if isinstance(path_or_collection, GeneSetCollection):
        coll = path_or_collection
    else:
        from .io.gmt import read_gmt

        coll = read_gmt(path_or_collection)
    if coll.species not in ("human", "unknown") or coll.id_type not in ("symbol", "unknown"):
        raise IdentifierError(
            f"harmonize_gmt updates human gene symbols; collection {coll.name!r} is "
            f"{_describe(coll.species, coll.id_type)}"
        )
    species_notes: list[str] = []
    if coll.species == "unknown" or coll.id_type == "unknown":
        genes = sorted(coll.genes)
        det = _detect(genes)
        not_human = det.n_identifiers and not (det.species == "human" and det.id_type == "symbol")
        if not_human and (det.confident or det.id_type != "symbol"):
            raise IdentifierError(
                f"harmonize_gmt updates human gene symbols; the genes of {coll.name!r}: {det.message}"
            )
        rodent = _rodent_only_unknown_to_hgnc(genes)
        if len(rodent) >= max(3, 0.01 * len(genes)):
            species_notes.append(
                f"{len(rodent)} of the {len(genes)} genes of {coll.name!r} are mouse/rat-only "
                f"symbols unknown to HGNC (e.g. {', '.join(rodent[:4])}): this looks like a GMT "
                "of upper-cased mouse or rat symbols"
            )
        elif not_human:
            species_notes.append(f"the genes of {coll.name!r} may not be human: {det.message}")
    hu = _human()
    resolved: dict[str, tuple[str | None, str, str]] = {}
    rows: list[tuple] = []
    srows: list[tuple] = []
    new_sets = []
    for gs in coll:
        out: dict[str, str] = {}
        n_unch = n_upd = n_amb = n_unk = n_dup = 0
        for g in gs.genes:
            if g not in resolved:
                resolved[g] = _resolve_symbol(g, aliases)
            hid, how, note = resolved[g]
            if hid is not None and how == "exact":
                new, reason = g, ""
                n_unch += 1
            elif hid is not None:
                new, reason = hu.to_symbol[hid], ""
                n_upd += 1
                rows.append((gs.id, g, new, how, "", note))
            elif note:
                new, reason = g, "ambiguous_alias"
                n_amb += 1
                rows.append((gs.id, g, g, "", reason, note))
            else:
                new, reason = g, "unknown_symbol"
                n_unk += 1
                rows.append(
                    (gs.id, g, g, "", reason, "not an approved, previous or alias HGNC symbol")
                )
            if new in out:
                n_dup += 1
                rows.append(
                    (
                        gs.id,
                        g,
                        "",
                        how if how != "exact" else "",
                        "duplicate_after_update",
                        f"{new} already in set (from {out[new]}); removed",
                    )
                )
            else:
                out[new] = g
        srows.append((gs.id, len(gs), n_unch, n_upd, n_amb, n_unk, n_dup, len(out)))
        new_sets.append(gs.with_genes(list(out)))
    messages: list[str] = []
    if species_notes:
        updates = list(dict.fromkeys(f"{r[1]} -> {r[2]}" for r in rows if r[2] and not r[4]))
        done = (
            f"it rewrote {len(updates)} symbols to human ones (e.g. {', '.join(updates[:4])})"
            if updates
            else "no symbol was rewritten"
        )
        msg = (
            f"harmonize_gmt: {'; '.join(species_notes)}. harmonize_gmt is for human GMTs; {done}. "
            "If the GMT is mouse or rat, do not harmonize it: use it as it is (map_ids(collection, "
            "ids, species='mouse') matches members written as in your data), or rebuild it from "
            "its source in current mouse/rat symbols; if it is human, ignore this warning"
        )
        warnings.warn(msg, SpeciesWarning, stacklevel=2)
        messages.append(msg)
    report = HarmonizeReport(
        changes=_frame(rows, CHANGE_COLUMNS),
        sets=_frame(srows, HARMONIZE_SET_COLUMNS, ints=HARMONIZE_SET_COLUMNS[1:]),
        aliases=aliases,
        warnings=tuple(messages),
    )
    return coll.replace_sets(new_sets, species="human", id_type="symbol"), report


def read_identifiers(path: str | os.PathLike[str], column: str | None = None) -> list[str]:
    """Identifiers from a text file (one per line) or a column of a CSV/TSV table.

    Parameters
    ----------
    path : path-like
        Plain text with one identifier per line (``#`` lines skipped), or a
        tab- or comma-separated table (detected from the first line).
    column : str, optional
        Column holding the identifiers; default the first column. A table whose
        first line has a number in its second field (a headerless ``.rnk``) is
        read without header.

    Returns
    -------
    list of str
        As read (not yet cleaned; :func:`map_ids` cleans and counts).

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    InputError
        If ``column`` is not a column of the table.
    """
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"identifier file not found: {p}")
    text = p.read_bytes().decode("utf-8-sig")
    lines = [ln for ln in text.splitlines() if not ln.startswith("#")]
    first = lines[0] if lines else ""
    sep = "\t" if "\t" in first else ("," if "," in first else None)
    if sep is None:
        if column is not None:
            raise InputError(f"{p}: --column {column!r} given but the file is not a CSV/TSV table")
        return lines
    fields = first.split(sep)
    headerless = False
    if column is None and len(fields) > 1:
        try:
            float(fields[1])
            headerless = True
        except ValueError:
            pass
    df = pd.read_csv(
        io.StringIO("\n".join(lines)),
        sep=sep,
        dtype=str,
        keep_default_na=False,
        header=None if headerless else 0,
    )
    if column is None:
        return df.iloc[:, 0].tolist()
    if column not in df.columns:
        raise InputError(
            f"{p}: no column {column!r}; columns are {[str(c) for c in df.columns][:20]}"
        )
    return df[column].tolist()
