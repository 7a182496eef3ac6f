"""The shipped identifier tables (HGNC genes, genome-wide mouse/rat orthologs, species evidence).

Tables ship with the package (``mamsets/data``, built by ``scripts/build_idtables.py``) and
are read lazily, once per process.

They stay in memory for the rest of the process, so they are kept cheap for the cyclic
garbage collector, which walks every container it tracks at each full collection of the
user's process: sets of identifiers are :data:`KeySet` dicts (str keys, None values: not
tracked at all) rather than frozensets (always tracked, walked entry by entry), and what
only detection needs is read without building the ortholog objects (:func:`_ortholog_columns`).
"""

from __future__ import annotations

import functools
import gzip
import io
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from itertools import chain
from typing import NamedTuple

import pandas as pd

from .patterns import _HUMAN_ONLY_CODING

#: A set of identifiers for membership tests (``key in keyset``): a dict whose values are
#: None, which the garbage collector does not track (see the module docstring). Unlike the
#: frozensets they replace they could be changed: they are shared by the per-process caches
#: below, so callers only read them.
KeySet = dict[str, None]


def _keyset(items: Iterable[str]) -> KeySet:
    """The distinct ``items`` as a :data:`KeySet`."""
    return dict.fromkeys(items)


def _data_bytes(name: str) -> bytes:
    """Bytes of a file shipped in ``mamsets/data``."""
    return resources.files("mamsets").joinpath("data", name).read_bytes()


def _read_table(name: str) -> pd.DataFrame:
    """A shipped gzipped TSV, every column as str (empty, not NaN, when blank)."""
    raw = gzip.decompress(_data_bytes(name))
    return pd.read_csv(io.BytesIO(raw), sep="\t", dtype=str, keep_default_na=False)


def _read_columns(name: str) -> dict[str, list[str]]:
    """:func:`_read_table` as one list of str per column.

    The lookups below walk whole columns: iterating a pandas string column calls
    ``__getitem__`` per value (~15x slower than ``tolist``), ~0.1 s per table read.
    """
    t = _read_table(name)
    return {c: t[c].tolist() for c in t.columns}


def _split(value: str) -> list[str]:
    """The items of a ``|``-separated table cell (``[]`` when empty)."""
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
    prev_only: KeySet  # usable rescue keys that are previous symbols
    known: KeySet  # keys of symbol_ci, rescue and ambiguous (anything HGNC calls a symbol)
    # keys of symbol_ci that rodents do not share: non-coding genes and pseudogenes (LINC01234,
    # ...-AS1, RPL13P5) and human-style names of coding genes (C1orf112, HLA-A)
    human_only: KeySet
    entrez: dict[str, str]
    ensembl: dict[str, str]
    to_symbol: dict[str, str]
    to_entrez: dict[str, str]
    to_ensembl: dict[str, str]


@functools.lru_cache(maxsize=1)
def _human() -> _Human:
    """The HGNC table as lookups (read once per process)."""
    t = _read_columns("hgnc_ids.tsv.gz")
    ids = t["hgnc_id"]
    symbols = t["symbol"]
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
    prev_only = _keyset(k for k, (_, kind) in rescue.items() if kind == "previous_symbol")
    human_only = _keyset(
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
        known=_keyset(chain(symbol_ci, rescue, ambiguous)),
        human_only=human_only,
        entrez=entrez,
        ensembl=ensembl,
        to_symbol=dict(zip(ids, symbols)),
        to_entrez={i: e for i, e in zip(ids, t["entrez"]) if e},
        to_ensembl={i: e for i, e in zip(ids, t["ensembl"]) if e},
    )


class _Ortholog(NamedTuple):
    """One mouse or rat ortholog of a human gene (a view of a row of :func:`_orthologs`)."""

    symbol: str
    entrez: str
    ensembl: tuple[str, ...]
    synonyms: tuple[str, ...]
    ambiguous_synonyms: tuple[str, ...]
    org_id: str = ""  # MGI or RGD id


#: A row of :func:`_orthologs`: the fields of :class:`_Ortholog` as a plain tuple, which the
#: garbage collector stops tracking (a NamedTuple or dataclass instance it walks for good).
OrthologRow = tuple[str, str, tuple[str, ...], tuple[str, ...], tuple[str, ...], str]


@functools.lru_cache(maxsize=1)
def _ortholog_columns() -> dict[str, tuple[str, ...]]:
    """The columns of the shipped ortholog table that :func:`_orthologs` and :func:`_evidence`
    read, as one tuple of str each (read once per process: ~0.1 s).

    Detection needs only the species and Entrez columns (:func:`_evidence`); reading them
    here spares that path building :func:`_orthologs`. Tuples of str, because the garbage
    collector stops tracking those after its first pass (it would walk lists for good).
    """
    t = _read_columns("orthologs.tsv.gz")
    return {c: tuple(v) for c, v in t.items() if c != "source"}


@functools.lru_cache(maxsize=1)
def _orthologs() -> dict[str, dict[str, tuple[OrthologRow, ...]]]:
    """``{species: {hgnc_id: (ortholog rows...)}}``; a human gene without ortholog is absent.

    Genome-wide, under the one ortholog rule of ``scripts/build_idtables.py`` (see
    :func:`mamsets.ids.map_ids`, Notes). Rows are plain tuples (``_Ortholog._make(row)``
    names their fields): ~43,000 objects the garbage collector would otherwise walk at
    every full collection for the rest of the process.
    """
    t = _ortholog_columns()
    out: dict[str, dict[str, list[OrthologRow]]] = {"mouse": {}, "rat": {}}
    rows = zip(t["species"], t["hgnc_id"], t["symbol"], t["entrez"], t["ensembl"], t["org_id"],
               t["synonyms"], t["ambiguous_synonyms"])
    for species, hgnc_id, symbol, entrez, ensembl, org_id, synonyms, ambiguous in rows:
        lst = out.setdefault(species, {}).setdefault(hgnc_id, [])
        if symbol or entrez or ensembl:
            lst.append((symbol, entrez, tuple(_split(ensembl)), tuple(_split(synonyms)),
                        tuple(_split(ambiguous)), org_id))
    return {sp: {k: tuple(v) for k, v in d.items()} for sp, d in out.items()}


@dataclass(frozen=True)
class _Evidence:
    entrez: dict[str, KeySet]  # species -> entrez ids
    symbol_only: dict[str, KeySet]  # species -> upper(species-specific symbols)


@functools.lru_cache(maxsize=1)
def _species_evidence() -> tuple[dict[str, KeySet], dict[str, KeySet]]:
    """The shipped species-evidence table: (Entrez ids, upper-case species-specific symbols)
    per species, as listed (read once per process; both evidence views share its sets)."""
    t = _read_columns("species_evidence.tsv.gz")
    entrez: dict[str, set[str]] = {"mouse": set(), "rat": set()}
    sym: dict[str, set[str]] = {"mouse": set(), "rat": set()}
    for sp, kind, ident in zip(t["species"], t["id_type"], t["identifier"]):
        (entrez if kind == "entrez" else sym)[sp].add(ident if kind == "entrez" else ident.upper())
    return ({k: _keyset(v) for k, v in entrez.items()},
            {k: _keyset(v) for k, v in sym.items()})


def _symbol_only() -> dict[str, KeySet]:
    """Species -> upper(species-specific symbols): :attr:`_Evidence.symbol_only` without
    loading the ortholog table (symbol lists need only this)."""
    return _species_evidence()[1]


@functools.lru_cache(maxsize=1)
def _evidence() -> _Evidence:
    """Entrez ids and species-specific symbols per species (read once per process)."""
    listed, sym = _species_evidence()
    entrez: dict[str, set[str]] = {"human": set(_human().entrez), **{k: set(v) for k, v in listed.items()}}
    t = _ortholog_columns()  # the orthologs' own Entrez ids are evidence too
    for sp, e in zip(t["species"], t["entrez"]):
        if e:
            entrez.setdefault(sp, set()).add(e)
    return _Evidence(entrez={k: _keyset(v) for k, v in entrez.items()}, symbol_only=sym)


@dataclass(frozen=True)
class _Rodent:
    """Reverse lookups of one species' orthologs: its identifiers -> (hgnc_id, org_id) pairs."""

    symbol: dict[str, tuple[tuple[str, str], ...]]  # exact symbol
    symbol_ci: dict[str, tuple[tuple[str, str], ...]]  # upper(symbol)
    synonym: dict[str, tuple[tuple[str, str], ...]]  # upper(usable synonym)
    entrez: dict[str, tuple[tuple[str, str], ...]]
    ensembl: dict[str, tuple[tuple[str, str], ...]]  # upper(Ensembl id without version)


@functools.lru_cache(maxsize=2)
def _rodent(species: str) -> _Rodent:
    """Reverse ortholog lookups for ``species`` ("mouse" or "rat"), built once per process."""
    maps: dict[str, dict[str, list[tuple[str, str]]]] = {
        k: defaultdict(list) for k in ("symbol", "symbol_ci", "synonym", "entrez", "ensembl")
    }

    def add(kind: str, key: str, pair: tuple[str, str]) -> None:
        if key and pair not in maps[kind][key]:
            maps[kind][key].append(pair)

    for hid, orths in _orthologs().get(species, {}).items():
        for o in map(_Ortholog._make, orths):
            pair = (hid, o.org_id)
            add("symbol", o.symbol, pair)
            add("symbol_ci", o.symbol.upper(), pair)
            for syn in o.synonyms:
                add("synonym", syn.upper(), pair)
            add("entrez", o.entrez, pair)
            for e in o.ensembl:
                add("ensembl", e.upper(), pair)
    return _Rodent(**{k: {key: tuple(v) for key, v in d.items()} for k, d in maps.items()})
