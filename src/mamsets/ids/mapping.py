"""Translate a collection into the identifier space of a user's data (:func:`map_ids`).

The steps: clean the identifiers, detect their space, choose a route (members matched
as they are, or through HGNC ids to human ids or mouse/rat orthologs), resolve every
distinct member (:mod:`.resolve`) and assemble the translated collection and its report
(:mod:`.assemble`).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from ..errors import IdentifierError, InputError, MamsetsWarning
from ..model import GeneSetCollection
from .assemble import _assemble, _curated_keys, _Flat, _KeyRows, _Resolution
from .clean import clean_identifiers
from .detect import IdDetection, _describe, _detect
from .reports import MappingReport
from .resolve import (
    _best,
    _direct_match,
    _human_targets,
    _member_hgnc,
    _ortholog_targets,
    _rodent_member,
    _UserIndex,
    _with_member_route,
)
from .tables import _human
from .vocabulary import (
    ALIAS_MODES,
    ID_TYPES,
    SPECIES,
    AliasMode,
    IdType,
    Species,
    _check_choice,
)

__all__ = ["map_ids", "spaces_differ"]


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

    The ortholog rule (one rule, for the API and every CLI command; genome-wide
    tables in ``mamsets/data/orthologs.tsv.gz``): mouse orthologs of a human gene
    are its MGI/Alliance homology-cluster partners and HGNC's curated MGI ids;
    where both sources agree on one or more, only those (the Alliance-only extras
    of such genes are pseudogenes and retrocopies). Rat orthologs are HGNC's
    curated RGD ids. One-to-many: a human gene with several orthologs left keeps
    them all (each is matched in the data; a set counts each data identifier
    once); a mouse/rat gene that is the ortholog of several human genes stands
    for all of them (``hgnc_id`` joins them with ``|``). The same pairs are read
    in both directions, so a mouse or rat collection (a GMT of mouse Entrez ids,
    say) maps onto human data, onto the other rodent, or onto another identifier
    type of its own species (then only to the member's own gene). Rodent symbols
    are matched as written, then ignoring case, then by usable synonyms
    (``aliases="unique"``); a name that another gene of that species carries in
    either RGD release read (2023-02 and 2024-07) is never used: RGD renamed
    Ndufs6l1 (HGNC's ortholog of NDUFS6) to Ndufs6 in 2024 while earlier data
    call RGD:3156 Ndufs6, so NDUFS6 maps to ``Ndufs6l1`` and never to
    ``Ndufs6``. Numeric ids of another species are never matched as written
    (mouse Entrez 170731 is not human Entrez 170731). ``no_ortholog``: no
    ortholog in these tables. ``not_in_ortholog_table`` is no longer produced
    (kept in :data:`REASONS` for compatibility).

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
    _check_map_arguments(collection, species, id_type, aliases)
    ids, counts = _usable_identifiers(identifiers)
    plan = _plan(collection, ids, counts, species, id_type, aliases)
    out, rep = _translate(plan, aliases)
    _require_overlap(collection, ids, plan, rep, species, id_type)
    return _in_user_space(out, plan), rep


def _check_map_arguments(
    collection: GeneSetCollection, species: str | None, id_type: str | None, aliases: str
) -> None:
    """Refuse invalid arguments of :func:`map_ids` with the fix."""
    _check_choice("species", species, SPECIES)
    _check_choice("id_type", id_type, ID_TYPES)
    _check_choice("aliases", aliases, ALIAS_MODES)
    if not isinstance(collection, GeneSetCollection):
        raise InputError(
            f"collection: expected a GeneSetCollection, got {type(collection).__name__}; "
            "use mamsets.io.gmt.read_gmt(path) or GeneSetCollection.from_dict(...)"
        )


def _usable_identifiers(identifiers: Iterable[Any]) -> tuple[list[str], dict[str, int]]:
    """Cleaned identifiers and their counts; an error when none is left."""
    ids, counts = clean_identifiers(identifiers)
    if not ids:
        raise IdentifierError(
            f"identifiers: no usable identifiers among {counts['n_identifiers']} items "
            f"({counts['n_nan']} NaN, {counts['n_empty']} empty, {counts['n_whitespace']} whitespace)"
        )
    return ids, counts


@dataclass(frozen=True)
class _Plan:
    """What :func:`map_ids` settled before matching anything."""

    detection: IdDetection
    species: str | None  # the user's species, passed or detected (None when unknown)
    id_type: str | None  # the user's id type, passed or detected (None when unknown)
    collection_space: tuple[str, str]  # the collection's (species, id_type)
    route: Literal["direct", "hgnc"]
    flat: _Flat
    index: _UserIndex
    info: dict[str, Any]  # becomes MappingReport.input


def _plan(
    collection: GeneSetCollection,
    ids: list[str],
    counts: dict[str, int],
    species: str | None,
    id_type: str | None,
    aliases: str,
) -> _Plan:
    """Detect the user's space, find the collection's, choose the route.

    Warns (pointing at the caller of :func:`map_ids`, hence ``stacklevel=3``) when
    the arguments contradict a confident detection, and when the HGNC route relies
    on a detection that was not confident.
    """
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
            stacklevel=3,
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
    route = _choose_route(collection, fl, ix, (c_species, c_type), user_species, user_type)
    info["route"] = route
    type_certain = det.id_type != "unknown" and float(det.kinds["fraction"].iloc[0]) >= 0.9
    if route == "hgnc" and (
        (species is None and not det.confident) or (id_type is None and not type_certain)
    ):
        warnings.warn(
            f"map_ids: {det.message}; assuming {_describe(user_species or 'unknown', user_type or 'unknown')}"
            " (pass species= and id_type= to be explicit)",
            MamsetsWarning,
            stacklevel=3,
        )
    return _Plan(det, user_species, user_type, (c_species, c_type), route, fl, ix, info)


def _choose_route(
    collection: GeneSetCollection,
    fl: _Flat,
    ix: _UserIndex,
    c_space: tuple[str, str],
    user_species: str | None,
    user_type: str | None,
) -> Literal["direct", "hgnc"]:
    """``"direct"`` (members matched as they are) or ``"hgnc"`` (through HGNC ids).

    Human symbols go through HGNC even in their own space, so that case, previous
    and alias symbols are rescued; a plain GMT some of whose genes are in the data as
    written is matched directly.
    """
    c_species, c_type = c_space
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
        c_species in SPECIES
        and c_type in ID_TYPES
        and user_species in SPECIES
        and user_type in ID_TYPES
    )
    if human_symbols and can_translate:
        return "hgnc"
    if same_space or not can_translate or plain and any(g in ix.exact for g in fl.uniques):
        return "direct"
    return "hgnc"


def _translate(plan: _Plan, aliases: str) -> tuple[GeneSetCollection, MappingReport]:
    """Run the planned route."""
    if plan.route == "direct":
        return _map_direct(plan.flat, plan.index, plan.info)
    return _map_hgnc(
        plan.flat,
        plan.index,
        plan.info,
        plan.collection_space,
        plan.species,  # type: ignore[arg-type]  # known on the HGNC route
        plan.id_type,  # type: ignore[arg-type]
        aliases,
    )


def _require_overlap(
    collection: GeneSetCollection,
    ids: list[str],
    plan: _Plan,
    rep: MappingReport,
    species: str | None,
    id_type: str | None,
) -> None:
    """An error, with what to pass instead, when no member of any set was found."""
    n_found = int(rep.sets["n_found"].sum()) if len(rep.sets) else 0
    if n_found == 0 and len(collection):
        raise IdentifierError(
            _no_overlap_message(collection, ids, plan.detection, species, id_type, plan.info)
        )


def _in_user_space(out: GeneSetCollection, plan: _Plan) -> GeneSetCollection:
    """The translated collection labelled with the user's species and id type."""
    c_species, c_type = plan.collection_space
    species_out = plan.species or (c_species if plan.route == "direct" else "unknown")
    type_out = plan.id_type or (c_type if plan.route == "direct" else "unknown")
    # the collection vocabulary has no "ensembl_versioned": the genes carry the user's versions
    type_out = "ensembl" if type_out == "ensembl_versioned" else type_out
    return out.replace_sets(out.sets, species=species_out, id_type=type_out)


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
    if (
        det.species in SPECIES
        and det.id_type in ID_TYPES
        and (det.species, det.id_type) != (species, id_type)
    ):
        hint += f"; pass species={det.species!r}, id_type={det.id_type!r}"
    return f"{head}. {hint}"


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


def _map_hgnc(
    fl: _Flat,
    ix: _UserIndex,
    info: dict[str, Any],
    space: tuple[str, str],
    species: str,
    id_type: str,
    aliases: str,
) -> tuple[GeneSetCollection, MappingReport]:
    """Members resolved to HGNC ids (mouse/rat members through their orthologs), then to
    the user's human ids or rodent orthologs."""
    human_targets: dict[str, list[tuple[int, str, str, str]]] = {}
    refused: dict[str, list[str]] = {}
    if species == "human":
        human_targets, refused = _human_targets(ix, id_type.split("_")[0], aliases)
    key_codes, key_gene, key_hid = _curated_keys(fl)
    # numbers are no evidence across species: mouse Entrez 12189 is not human Entrez 12189
    exact = (
        {}
        if space[1] == "entrez" and id_type == "entrez" and space[0] != species
        else ix.exact
    )
    rodent = space[0] in ("mouse", "rat")
    ctx = (ix, human_targets, refused, species, id_type, aliases)
    resolutions: list[_Resolution] = []
    for g, curated in zip(key_gene, key_hid):
        if rodent and not curated:
            pairs, how0, note0 = _rodent_member(g, space, aliases)
            hids = list(dict.fromkeys(h for h, _ in pairs))
            only = frozenset(o for _, o in pairs) if space[0] == species else frozenset()
        else:
            hid, how0, note0 = _member_hgnc(g, curated, space, aliases)
            hids, only = ([hid] if hid else []), frozenset()
        if g in exact:  # the member as written is in the data: no other route is tried
            same_gene = human_targets.get(hids[0], ()) if hids else ()
            note = ""
            if len(same_gene) > 1:
                others = ", ".join(x[1] for x in sorted(same_gene) if x[1] != g)
                note = f"also in data for the same gene, not used for this member: {others}"
            resolutions.append(("|".join(hids), [(g, "exact", note)], "", ""))
        elif not hids:
            resolutions.append(("", [], "unknown_member", note0))
        else:
            parts = [_resolve_hgnc(ctx, h, g, how0, note0, only) for h in hids]
            resolutions.append(_merge(parts))
    return _assemble(fl, key_codes, key_gene, _KeyRows.from_resolutions(resolutions), info, "hgnc")


def _resolve_hgnc(
    ctx: tuple, hid: str, g: str, how0: str, note0: str, only: frozenset[str]
) -> _Resolution:
    """One member's HGNC gene -> the user's identifiers (human ids, or orthologs)."""
    ix, human_targets, refused, species, id_type, aliases = ctx
    hu = _human()
    base_type = id_type.split("_")[0]
    if species == "human":
        needs = {"entrez": hu.to_entrez, "ensembl": hu.to_ensembl}.get(base_type)
        hits = _with_member_route(_best(human_targets.get(hid, [])), how0, note0, True)
        if hits:
            return hid, hits, "", ""
        if needs is not None and hid not in needs:
            note = f"HGNC lists no {base_type} id for {hu.to_symbol.get(hid, g)}"
            return hid, [], "no_identifier", note
        if refused.get(hid):
            return hid, [], "ambiguous_alias", "; ".join(refused[hid])
        return hid, [], "absent_from_data", note0
    hits, reason, note = _ortholog_targets(ix, hid, species, id_type, aliases, only)
    if how0 and not hits:
        note = f"{note0}; {note}" if note else note0
    return hid, _with_member_route(hits, how0, note0, False), reason, note


def _merge(parts: list[_Resolution]) -> _Resolution:
    """One member that names several human genes (a mouse gene with two human orthologs):
    every hit once; unmatched, the first reason and every note."""
    if len(parts) == 1:
        return parts[0]
    hid = "|".join(p[0] for p in parts)
    hits: dict[str, tuple[str, str, str]] = {}
    for p in parts:
        for h in p[1]:
            hits.setdefault(h[0], h)
    if hits:
        return hid, list(hits.values()), "", ""
    notes = "; ".join(dict.fromkeys(p[3] for p in parts if p[3]))
    return hid, [], parts[0][2], notes


def spaces_differ(collection: GeneSetCollection, identifiers: Iterable[Any]) -> bool:
    """Whether a collection's members and ``identifiers`` are confidently of different
    species or id types (a mouse Entrez GMT against human symbols), so that matching them
    as written would find nothing or, worse, numbers that name other genes.

    Both sides are detected (:func:`detect_ids`); ``False`` when either is not confident.
    """
    ids, _ = clean_identifiers(identifiers)
    if not ids or not len(collection):
        return False
    user = _detect(ids)
    if not user.confident:  # the answer is False whatever the collection's members are
        return False
    _, _, coll = _collection_space(collection)
    if coll is None or not coll.confident:
        return False
    base = {"ensembl_versioned": "ensembl"}
    return (user.species, base.get(user.id_type, user.id_type)) != (
        coll.species,
        base.get(coll.id_type, coll.id_type),
    )
