"""The words of identifier mapping: species, id types, alias modes, match and miss reasons,
report columns, and the warning class; shared by every module of :mod:`mamsets.ids`."""

from __future__ import annotations

from typing import Literal

from ..errors import InputError, MamsetsWarning

__all__ = [
    "ALIAS_MODES",
    "CHANGE_COLUMNS",
    "HARMONIZE_SET_COLUMNS",
    "HOWS",
    "ID_TYPES",
    "MEMBER_COLUMNS",
    "REASONS",
    "SET_COLUMNS",
    "SPECIES",
    "AliasMode",
    "IdType",
    "Species",
    "SpeciesWarning",
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

#: Integer code of each ``how`` and ``reason`` (its position in :data:`HOWS` / :data:`REASONS`).
_HOW_CODE = {h: i for i, h in enumerate(HOWS)}
_REASON_CODE = {r: i for i, r in enumerate(REASONS)}


class SpeciesWarning(MamsetsWarning):
    """Identifiers look like another species than the operation assumes (e.g. a GMT of
    upper-cased mouse symbols given to :func:`harmonize_gmt`, which is for human GMTs)."""


def _check_choice(name: str, value: str | None, choices: tuple[str, ...]) -> None:
    """An :class:`InputError` naming the argument when ``value`` is not one of ``choices``."""
    if value is not None and value not in choices:
        raise InputError(f"{name}={value!r}: must be one of {', '.join(map(repr, choices))}")
