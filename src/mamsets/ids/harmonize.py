"""Update the outdated and alias symbols of a human GMT to current HGNC symbols
(:func:`harmonize_gmt`), reporting every change and every ambiguity left alone."""

from __future__ import annotations

import os
import warnings

from ..errors import IdentifierError
from ..model import GeneSet, GeneSetCollection
from .detect import _describe, _detect, _rodent_only_unknown_to_hgnc
from .reports import HarmonizeReport, _frame
from .resolve import _resolve_symbol
from .tables import _human
from .vocabulary import (
    ALIAS_MODES,
    CHANGE_COLUMNS,
    HARMONIZE_SET_COLUMNS,
    AliasMode,
    SpeciesWarning,
    _check_choice,
)

__all__ = ["harmonize_gmt"]


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
    coll = _human_symbol_collection(path_or_collection)
    species_notes = _species_notes(coll)
    rows, srows, new_sets = _harmonize_sets(coll, aliases)
    messages: list[str] = []
    if species_notes:
        msg = _species_message(species_notes, rows)
        warnings.warn(msg, SpeciesWarning, stacklevel=2)
        messages.append(msg)
    report = HarmonizeReport(
        changes=_frame(rows, CHANGE_COLUMNS),
        sets=_frame(srows, HARMONIZE_SET_COLUMNS, ints=HARMONIZE_SET_COLUMNS[1:]),
        aliases=aliases,
        warnings=tuple(messages),
    )
    return coll.replace_sets(new_sets, species="human", id_type="symbol"), report


def _human_symbol_collection(
    path_or_collection: str | os.PathLike[str] | GeneSetCollection,
) -> GeneSetCollection:
    """The collection to harmonise (read when given a path); an error unless it may be
    human symbols."""
    if isinstance(path_or_collection, GeneSetCollection):
        coll = path_or_collection
    else:
        from ..io.gmt import read_gmt

        coll = read_gmt(path_or_collection)
    if coll.species not in ("human", "unknown") or coll.id_type not in ("symbol", "unknown"):
        raise IdentifierError(
            f"harmonize_gmt updates human gene symbols; collection {coll.name!r} is "
            f"{_describe(coll.species, coll.id_type)}"
        )
    return coll


def _species_notes(coll: GeneSetCollection) -> list[str]:
    """Why a collection of unknown space may not be human symbols (``[]`` when it looks
    human); an error when it confidently is something else."""
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
    return species_notes


_Resolved = tuple[str | None, str, str]


def _harmonize_sets(
    coll: GeneSetCollection, aliases: str
) -> tuple[list[tuple], list[tuple], list[GeneSet]]:
    """Every set harmonised: change rows, per-set count rows, and the new sets."""
    resolved: dict[str, _Resolved] = {}  # each distinct symbol is resolved once
    rows: list[tuple] = []
    srows: list[tuple] = []
    new_sets = []
    for gs in coll:
        srow, genes = _harmonize_set(gs, aliases, resolved, rows)
        srows.append(srow)
        new_sets.append(gs.with_genes(genes))
    return rows, srows, new_sets


def _harmonize_set(
    gs: GeneSet, aliases: str, resolved: dict[str, _Resolved], rows: list[tuple]
) -> tuple[tuple, list[str]]:
    """One set's genes as current symbols (duplicates removed) and its count row; appends
    a change row to ``rows`` for every gene that is not an approved symbol as written."""
    hu = _human()
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
            rows.append((gs.id, g, g, "", reason, "not an approved, previous or alias HGNC symbol"))
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
    return (gs.id, len(gs), n_unch, n_upd, n_amb, n_unk, n_dup, len(out)), list(out)


def _species_message(species_notes: list[str], rows: list[tuple]) -> str:
    """The :class:`SpeciesWarning` text: why the GMT may not be human and what was rewritten."""
    updates = list(dict.fromkeys(f"{r[1]} -> {r[2]}" for r in rows if r[2] and not r[4]))
    done = (
        f"it rewrote {len(updates)} symbols to human ones (e.g. {', '.join(updates[:4])})"
        if updates
        else "no symbol was rewritten"
    )
    return (
        f"harmonize_gmt: {'; '.join(species_notes)}. harmonize_gmt is for human GMTs; {done}. "
        "If the GMT is mouse or rat, do not harmonize it: use it as it is (map_ids(collection, "
        "ids, species='mouse') matches members written as in your data), or rebuild it from "
        "its source in current mouse/rat symbols; if it is human, ignore this warning"
    )
