"""What every engine does with its ``collection`` argument before computing.

One place for two rules the engines must share: which gene sets ``collection``
means (``None`` is the curated library without the raw PFOCR set), and how the
sets are matched to the user's identifiers (a plain GMT as written; a collection
that declares its identifier space, or an explicit ``species``/``id_type``,
through :func:`mamsets.ids.map_ids`).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable, Mapping
from typing import Any

from ..errors import DroppedInputWarning, InputError
from ..ids import MappingReport, map_ids, spaces_differ
from ..model import GeneSetCollection

__all__ = ["resolve_collection", "to_user_space"]


def resolve_collection(collection: Any) -> GeneSetCollection:
    """``collection`` as a :class:`GeneSetCollection`.

    ``None`` is ``mamsets.io.bundled.library(include_raw=False)``: the raw PFOCR
    keyword set (known false positives) is for comparison, not a hypothesis to
    test, and would inflate the BH correction. A ``{set_id: genes}`` mapping and a
    GMT path are accepted too.
    """
    if collection is None:
        from ..io.bundled import library

        return library(include_raw=False)
    if isinstance(collection, GeneSetCollection):
        return collection
    if isinstance(collection, Mapping):
        return GeneSetCollection.from_dict(collection, name="custom")
    if isinstance(collection, (str, os.PathLike)):
        from ..io.gmt import read_gmt

        return read_gmt(collection)
    raise InputError(
        f"collection is a {type(collection).__name__}; pass a GeneSetCollection, a "
        "{set_id: [genes]} dict, a GMT path, or None for the built-in MAM library"
    )


def _renamed_members(collection: GeneSetCollection, ids: list[str]) -> dict[str, str]:
    """Members absent from ``ids`` whose HGNC-current symbol is present: {member: current}."""
    present = set(ids)
    # the distinct members (hashed once per collection), not every (set, member) pair
    missing = [g for g in collection.member_index.genes.tolist() if g not in present]
    if not missing or len(missing) > 200_000:
        return {}
    try:
        from ..ids.tables import _human
    except Exception:  # noqa: BLE001 - a courtesy warning, never a failure
        return {}
    h = _human()
    out: dict[str, str] = {}
    for g in sorted(missing):
        hit = h.rescue.get(g.upper())
        if hit is None:
            continue
        current = h.to_symbol.get(hit[0], "")
        if current and current in present:
            out[g] = current
    return out


def to_user_space(
    collection: GeneSetCollection,
    identifiers: Iterable[str],
    species: str | None,
    id_type: str | None,
) -> tuple[GeneSetCollection, dict[str, Any], MappingReport | None]:
    """Translate ``collection`` into the identifier space of ``identifiers``.

    A plain GMT (species and id type ``"unknown"``) is matched as written, like
    fgsea and gseapy, unless ``species`` or ``id_type`` is given or its members
    and the data are confidently of different species or id types (a mouse Entrez
    GMT on human symbols, :func:`mamsets.ids.spaces_differ`); then, and for
    collections that declare their space (the bundled library), the sets go
    through :func:`mamsets.ids.map_ids`.

    Returns
    -------
    collection : GeneSetCollection
        In the user's identifier space.
    summary : dict
        JSON-ready mapping summary for ``EnrichmentResult.mapping``.
    report : MappingReport or None
        ``None`` when the collection was used as written.
    """
    declared = collection.species != "unknown" or collection.id_type != "unknown"
    ids = list(identifiers)
    if not declared and species is None and id_type is None and not spaces_differ(collection, ids):
        summary: dict[str, Any] = {"route": "exact",
                                   "note": "members matched to the data's ids as written"}
        renamed = _renamed_members(collection, ids)
        if renamed:
            examples = ", ".join(f"{a} -> {b}" for a, b in list(renamed.items())[:5])
            warnings.warn(
                f"{len(renamed)} member(s) of {collection.name!r} are previous symbols or aliases of "
                f"genes in the data under their current symbol (e.g. {examples}) and are not matched "
                "as written; pass species=/id_type= (CLI: --species/--id-type) to map them through "
                "HGNC, or update the GMT (mamsets ids harmonize)",
                DroppedInputWarning, stacklevel=4)
            summary["renamed_members_not_matched"] = len(renamed)
        return collection, summary, None
    mapped, report = map_ids(collection, ids, species=species, id_type=id_type)
    return mapped, dict(report.summary()), report
