"""Per member: which of the user's identifiers it matches, how, or why none.

Human symbols are resolved through HGNC (approved, case, previous, alias symbols);
mouse and rat members through the genome-wide ortholog table to their human genes;
members' HGNC ids lead to the user's human ids or to mouse/rat orthologs. Everything
here works on one member or one user identifier at a time; :mod:`.assemble` turns the
answers into tables.
"""

from __future__ import annotations

import functools
from collections import defaultdict

from .patterns import _ensembl_key, _entrez_key
from .tables import _human, _Ortholog, _orthologs, _rodent
from .vocabulary import _HOW_CODE, HOWS


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
    ix: _UserIndex,
    hgnc_id: str,
    species: str,
    id_type: str,
    aliases: str,
    only: frozenset[str] = frozenset(),
) -> tuple[list[tuple[str, str, str]], str, str]:
    """Matches of one member's orthologs: ([(user id, how, note)], reason, note).

    ``only``: restrict to these MGI/RGD ids (a mouse member on mouse data of another
    id type reaches its own gene, not its paralogs through the human gene).
    """
    orths = tuple(map(_Ortholog._make, _orthologs().get(species, {}).get(hgnc_id, ())))
    if only:
        orths = tuple(o for o in orths if o.org_id in only)
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


def _direct_match(ix: _UserIndex, gene: str) -> tuple[str | None, str]:
    """A member matched as it is: ``(user id, how)``, or ``(None, "")``."""
    s = ix.exact.get(gene)
    if s is not None:
        return s, "exact"
    e = _ensembl_key(gene)
    if e is not None:
        got = ix.ensembl.get(e[0])
        if got is not None:
            return got[0], "ensembl_version_stripped"
    return None, ""


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


def _rodent_member(
    gene: str, space: tuple[str, str], aliases: str
) -> tuple[list[tuple[str, str]], str, str]:
    """A mouse/rat member -> ([(hgnc_id, org_id)], how, note) through the ortholog table.

    ``how`` is ``"ortholog"`` (or ``"ortholog_case_insensitive"``,
    ``"ortholog_synonym"``, ``"ortholog_version_stripped"``); ``[]`` with a note
    when the member is not a {species} gene with a human ortholog.
    """
    species, id_type = space
    ro = _rodent(species)
    pairs: tuple[tuple[str, str], ...] = ()
    how = "ortholog"
    if id_type == "symbol":
        pairs = ro.symbol.get(gene, ())
        if not pairs:
            pairs, how = ro.symbol_ci.get(gene.upper(), ()), "ortholog_case_insensitive"
        if not pairs and aliases == "unique":
            pairs, how = ro.synonym.get(gene.upper(), ()), "ortholog_synonym"
    elif id_type == "entrez":
        k = _entrez_key(gene)
        pairs = ro.entrez.get(k, ()) if k else ()
    elif id_type in ("ensembl", "ensembl_versioned"):
        e = _ensembl_key(gene)
        pairs = ro.ensembl.get(e[0], ()) if e else ()
        how = "ortholog_version_stripped" if e and e[1] else "ortholog"
    if not pairs:
        return [], "", f"{gene} is not a {species} {id_type} with a human ortholog (MGI/Alliance, RGD, HGNC)"
    hu = _human()
    humans = ", ".join(dict.fromkeys(hu.to_symbol.get(h, h) for h, _ in pairs))
    note = f"{gene} is the {species} ortholog of {humans}"
    return list(pairs), how, note


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
