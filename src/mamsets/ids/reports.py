"""The reports that mapping and harmonising return (:class:`MappingReport`,
:class:`HarmonizeReport`) and the helpers that make their tables and summaries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .vocabulary import HOWS, REASONS

__all__ = ["HarmonizeReport", "MappingReport"]


def _jsonable(x: Any) -> Any:
    """``x`` with numpy scalars made Python numbers and tuples lists, for JSON."""
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
    """A report table: ``columns`` as object, those in ``ints`` as int64."""
    df = pd.DataFrame(rows, columns=list(columns))
    types = {c: ("int64" if c in set(ints) else "object") for c in columns}
    return df.astype(types)


# ---------------------------------------------------------------------------------------------
