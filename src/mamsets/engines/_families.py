"""Hypothesis families, duplicate sets and sets too small for a GSEA p-value.

Three rules every engine applies the same way before and after computing:

- **family**: ``hypothesis`` (the MAMs sets, and every set of a plain GMT),
  ``control`` (positive controls, tag ``control``) or ``reference`` (tag
  ``reference``: shown for orientation, no expectation). ``padj`` is
  Benjamini-Hochberg within each family (and within each contrast or query), so
  adding or removing the controls never changes a hypothesis' ``padj``.
- **aliases**: sets whose members are identical after mapping to the data are
  tested once; the one with the smallest id is kept (whatever the collection's
  order) and the others are listed in its ``aliases`` column. Nested sets stay; ``nested_in`` lists the tested sets that
  strictly contain a set (computed for collections of up to :data:`MAX_NESTED`
  tested sets).
- **too small for GSEA**: a set with fewer than ``min_size_pval`` (3) members in
  the ranking gets no GSEA p-value (a running sum over one or two genes is a rank,
  not an enrichment); its row stays in the table with ``note`` saying so. ORA keeps
  its exact small-set p-values.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..model import GeneSetCollection
from ._tables import bh_adjust

__all__ = ["FAMILIES", "MAX_NESTED", "MIN_SIZE_PVAL", "alias_groups", "alias_groups_by_key", "families",
           "nested_in", "padj_by_family"]

FAMILIES = ("hypothesis", "control", "reference")
MIN_SIZE_PVAL = 3
MAX_NESTED = 2000


def families(collection: GeneSetCollection) -> dict[str, str]:
    """Set id -> family, from the sets' tags."""
    out = {}
    for gs in collection:
        out[gs.id] = ("control" if "control" in gs.tags
                      else "reference" if "reference" in gs.tags else "hypothesis")
    return out


def _as_frozenset(m: Iterable[Any]) -> frozenset:
    """A set's members as a frozenset (numpy positions become plain ints)."""
    if isinstance(m, frozenset):
        return m
    return frozenset(m.tolist() if isinstance(m, np.ndarray) else m)


def alias_groups(ids: Sequence[str], members: Sequence[Iterable[Any]]) -> tuple[list[int], dict[str, tuple[str, ...]]]:
    """Which sets to keep and, for each kept set, the ids of its identical twins.

    Of each group of sets with identical members the one with the smallest id is kept,
    so the choice does not depend on the order of the collection.

    Parameters
    ----------
    ids : sequence of str
        Set ids.
    members : sequence of iterables
        Each set's members in the data's space (positions or identifiers).

    Returns
    -------
    keep : list of int
        Indices (increasing) of the kept set of each group.
    aliases : dict
        Kept set id -> sorted ids of the sets identical to it (groups of two or more).
    """
    return alias_groups_by_key(ids, [_as_frozenset(m) for m in members])


def alias_groups_by_key(ids: Sequence[str], keys: Sequence[Hashable]) -> tuple[list[int], dict[str, tuple[str, ...]]]:
    """:func:`alias_groups` of sets given by keys equal exactly when their members are.

    E.g. the bytes of each set's increasing member positions, which hash faster than a
    frozenset of its members.
    """
    # a list only for groups of two or more: one per set would be thousands of container
    # objects for the garbage collector, for a large GMT with no duplicates at all
    first: dict[Hashable, int] = {}
    groups: dict[int, list[int]] = {}
    for i, k in enumerate(keys):
        j = first.setdefault(k, i)
        if j != i:
            groups.setdefault(j, [j]).append(i)
    keep = [i for i in first.values() if i not in groups]
    aliases: dict[str, tuple[str, ...]] = {}
    for idx in groups.values():
        rep = min(idx, key=lambda i: ids[i])
        keep.append(rep)
        aliases[ids[rep]] = tuple(sorted(ids[i] for i in idx if i != rep))
    return sorted(keep), aliases


def nested_in(ids: Sequence[str], members: Sequence[Iterable[Any]]) -> dict[str, tuple[str, ...]] | None:
    """Set id -> ids of the other sets that strictly contain it (None above :data:`MAX_NESTED`)."""
    if len(ids) > MAX_NESTED:
        return None
    sets = [_as_frozenset(m) for m in members]
    holders: dict[Any, set[int]] = {}
    for i, s in enumerate(sets):
        for g in s:
            holders.setdefault(g, set()).add(i)
    out: dict[str, tuple[str, ...]] = {}
    for i, s in enumerate(sets):
        if not s:
            continue
        # the sets holding every member: intersect from the rarest member, stop when empty
        cand: set[int] | None = None
        for h in sorted((holders[g] for g in s), key=len):
            cand = set(h) if cand is None else cand & h
            if len(cand) <= 1:
                break
        cand = (cand or set()) - {i}
        out[ids[i]] = tuple(ids[j] for j in sorted(cand) if len(sets[j]) > len(s)
                            and s <= sets[j])
    return out


def padj_by_family(pval: np.ndarray, family: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg within each family over the finite p-values (NaN stays NaN)."""
    p = np.asarray(pval, dtype=np.float64)
    out = np.full(p.size, np.nan)
    fam = np.asarray(family, dtype=object)
    for f in pd.unique(fam):
        sel = (fam == f) & np.isfinite(p)
        if sel.any():
            out[sel] = bh_adjust(np.clip(p[sel], 0.0, 1.0))
    return out


def add_family_columns(table: pd.DataFrame, fam: Mapping[str, str],
                       aliases: Mapping[str, tuple[str, ...]],
                       nested: Mapping[str, tuple[str, ...]] | None,
                       by: str | None = None) -> pd.DataFrame:
    """``family``, ``aliases`` and ``nested_in`` columns; ``padj`` within family (and ``by``)."""
    t = table.copy()
    t["family"] = [fam.get(x, "hypothesis") for x in t["term"]]
    t["aliases"] = [tuple(aliases.get(x, ())) for x in t["term"]]
    t["nested_in"] = [tuple(nested.get(x, ())) if nested is not None else () for x in t["term"]]
    if len(t):
        if by is None:
            t["padj"] = padj_by_family(t["pval"].to_numpy(), t["family"].to_numpy())
        else:
            padj = np.full(len(t), np.nan)
            for _, idx in t.groupby(by, sort=False).indices.items():
                padj[idx] = padj_by_family(t["pval"].to_numpy()[idx], t["family"].to_numpy()[idx])
            t["padj"] = padj
    return t
