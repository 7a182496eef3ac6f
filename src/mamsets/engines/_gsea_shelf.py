"""GSEA sets that are not computed: aliases (tested once) and sets too small for a p-value.

:func:`shelve_sets` takes them out of :class:`~._gsea_inputs.GseaSets` before a method
runs; :meth:`Shelf.finish` puts them back into the final table (see
:mod:`._families` for the rules).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..results import conform_table
from . import _gsea_kernel as _k
from ._families import MAX_NESTED, add_family_columns, alias_groups_by_key, families, nested_in
from ._gsea_inputs import GseaSets
from ._tables import GSEA_SCHEMA

__all__ = ["SetGroups", "Shelf", "set_groups", "shelve_sets"]


@dataclass(frozen=True)
class Shelf:
    """What :func:`shelve_sets` set aside, and how to put it back."""

    families: dict[str, str]
    aliases: dict[str, tuple[str, ...]]
    nested: dict[str, tuple[str, ...]] | None
    small: list[dict[str, Any]]
    min_size_pval: int

    def params(self) -> dict[str, Any]:
        """Entries for the result's ``params``."""
        return {
            "min_size_pval": self.min_size_pval,
            "n_sets_too_small_for_pval": len(self.small),
            "n_alias_sets": sum(len(v) for v in self.aliases.values()),
            "aliases": {k: list(v) for k, v in self.aliases.items()},
            "padj_scope": "Benjamini-Hochberg within each family (hypothesis, control, reference)",
            "nested_in": "computed" if self.nested is not None else "not computed (too many sets)",
        }

    def finish(self, table: pd.DataFrame) -> pd.DataFrame:
        """The method's table plus the shelved small sets, with the family columns."""
        t = table
        if self.small:
            extra = pd.DataFrame(self.small)
            t = extra if len(t) == 0 else pd.concat([t, extra], ignore_index=True)
        t = add_family_columns(t, self.families, self.aliases, self.nested)
        if "note" not in t.columns:
            t["note"] = ""
        t["note"] = t["note"].fillna("")
        t = t.sort_values(["pval", "term"], kind="stable", na_position="last")
        return conform_table(t, GSEA_SCHEMA)  # text columns come back as object


def _small_row(term: str, desc: str, n_members: int, positions: np.ndarray, sets: GseaSets,
               w: np.ndarray, min_size_pval: int) -> dict[str, Any]:
    """A row with the set's ES and leading edge but no NES or p-value."""
    n = int(positions.size)
    es, peak = _k.enrichment_scores(w, positions.astype(np.int64),
                                    np.array([0, n], dtype=np.int64))
    le = _k.leading_edge_positions(positions, es[0], peak[0])
    return {
        "term": term, "description": desc, "size": n, "n_members": n_members,
        "es": float(es[0]), "nes": np.nan, "pval": np.nan, "padj": np.nan, "fdr_gsea": np.nan,
        "log2err": np.nan, "pval_at_floor": False,
        "leading_edge": tuple(sets.ranked[le].tolist()),
        "note": (f"{n} member(s) in the ranking: fewer than min_size_pval={min_size_pval}, "
                 "so no GSEA p-value; see each member's score (member view, claims)"),
    }


SetGroups = tuple[list[int], dict[str, tuple[str, ...]], "dict[str, tuple[str, ...]] | None"]


def set_groups(sets: GseaSets) -> SetGroups:
    """The sets kept of each group of identical sets, their aliases, and which kept sets
    contain which (:func:`~._families.alias_groups`, :func:`~._families.nested_in`).

    They depend on the sets' members only, not on how positions number the genes, so
    every ranking of one gene universe has the same groups (computed once for many
    contrasts by :mod:`mamsets.engines.contrasts`).
    """
    # positions increase and are distinct: equal bytes <=> identical members
    keep, aliases = alias_groups_by_key(
        sets.terms, [np.asarray(p, dtype=np.int64).tobytes() for p in sets.positions])
    if len(keep) > MAX_NESTED:  # nested_in is not computed: no frozensets needed
        return keep, aliases, None
    nested = nested_in([sets.terms[i] for i in keep],
                       [frozenset(sets.positions[i].tolist()) for i in keep])
    return keep, aliases, nested


def shelve_sets(sets: GseaSets, min_size_pval: int, weight: float,
                groups: SetGroups | None = None) -> tuple[GseaSets, Shelf]:
    """Keep one set per group of identical sets and the sets with a computable p-value.

    ``groups`` is :func:`set_groups` of these sets when already computed.
    """
    keep, aliases, nested = groups if groups is not None else set_groups(sets)
    small: list[dict[str, Any]] = []
    tested: list[int] = []
    w = None
    for i in keep:
        if sets.positions[i].size < min_size_pval:
            w = _k.gene_weights(sets.scores, weight) if w is None else w
            small.append(_small_row(sets.terms[i], sets.descs[i], sets.n_members[i],
                                    sets.positions[i], sets, w, min_size_pval))
        else:
            tested.append(i)
    kept = dataclasses.replace(
        sets,
        terms=[sets.terms[i] for i in tested],
        descs=[sets.descs[i] for i in tested],
        n_members=[sets.n_members[i] for i in tested],
        positions=[sets.positions[i] for i in tested],
    )
    return kept, Shelf(families=families(sets.collection), aliases=aliases, nested=nested,
                       small=small, min_size_pval=min_size_pval)
