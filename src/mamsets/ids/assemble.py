"""From resolved members to results, with arrays: a collection's (set, member) pairs as
flat arrays, their keys, and the expansion of per-key answers into the translated
collection and the :class:`~.reports.MappingReport` (whose member table is built only
when read)."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..model import GeneSet, GeneSetCollection
from .reports import MappingReport
from .vocabulary import _HOW_CODE, _REASON_CODE, HOWS, MEMBER_COLUMNS, REASONS, SET_COLUMNS

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
    """The first ``n`` items of ``values`` as an object array."""
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
    n_sets = len(fl.sizes)
    k_start = _key_starts(kr.count)
    kr_is_match = kr.matched != ""
    k_found = kr_is_match[k_start]
    k_how = _codes(kr.how[k_start], _HOW_CODE)
    k_reason = _codes(kr.reason[k_start], _REASON_CODE)
    # a key is the identity when its only row matches the member as it is
    k_identity = (kr.count == 1) & (kr.matched[k_start] == key_gene)

    found = k_found[key_codes]
    n_found, how_counts = _pair_counts(fl.set_of, found, k_how[key_codes], n_sets)
    row_member, row_key, row_set = _report_rows(fl.set_of, key_codes, kr.count, k_start)
    row_is_match = kr_is_match[row_key]
    dup, dup_rows, dup_first = _duplicate_rows(
        kr, kr_is_match, row_key, row_set, row_is_match, dup_style
    )
    kept = row_is_match & ~dup
    n_genes = np.bincount(row_set[kept], minlength=n_sets)
    changed = _changed_sets(fl.set_of, key_codes, k_identity, row_set, dup_rows, n_sets)
    new_sets = _translated_sets(fl, changed, kept, row_key, row_set, n_genes, kr.matched)

    rows_later = _MemberRows(
        set_ids=fl.set_ids,
        genes=fl.genes,
        row_set=row_set,
        row_member=row_member,
        row_key=row_key,
        kr_hgnc=kr.hgnc,
        kr_matched=kr.matched,
        kr_how=kr.how,
        kr_reason=kr.reason,
        kr_note=kr.note,
        dup_rows=dup_rows,
        dup_first=dup_first,
        dup_style=dup_style,
    )
    sets_table = _sets_table(fl, n_found, n_genes, how_counts)
    report = MappingReport(rows_later, sets_table, info)  # type: ignore[arg-type]
    object.__setattr__(report, "_totals", _summary_totals(fl, key_codes, found, k_reason))
    return fl.collection.replace_sets(new_sets), report


def _key_starts(k_count: np.ndarray) -> np.ndarray:
    """Index of each key's first row in :class:`_KeyRows` (keys' blocks are consecutive)."""
    k_start = np.zeros(len(k_count), dtype=np.intp)
    np.cumsum(k_count[:-1], out=k_start[1:])
    return k_start


def _pair_counts(
    set_of: np.ndarray, found: np.ndarray, pair_how: np.ndarray, n_sets: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per set: members found, and members found by each value of :data:`HOWS`."""
    n_found = np.bincount(set_of[found], minlength=n_sets)
    how_counts = np.bincount(
        set_of[found] * len(HOWS) + pair_how[found], minlength=n_sets * len(HOWS)
    ).reshape(n_sets, len(HOWS))
    return n_found, how_counts


def _report_rows(
    set_of: np.ndarray, key_codes: np.ndarray, k_count: np.ndarray, k_start: np.ndarray
) -> tuple[np.ndarray | None, np.ndarray, np.ndarray]:
    """Each report row's pair (None when one row per pair), key row and set."""
    n_pairs, n_keys = len(key_codes), len(k_count)
    if n_keys == 0 or int(k_count.max()) == 1:
        # one row per key: k_start is 0, 1, 2...
        return None, key_codes, set_of
    per_pair = k_count[key_codes]
    n_rows = int(per_pair.sum())
    row_member = np.repeat(np.arange(n_pairs, dtype=np.intp), per_pair)
    first_row = np.zeros(n_pairs, dtype=np.intp)
    np.cumsum(per_pair[:-1], out=first_row[1:])
    row_key = k_start[key_codes][row_member] + (
        np.arange(n_rows, dtype=np.intp) - first_row[row_member]
    )
    return row_member, row_key, set_of[row_member]


def _duplicate_rows(
    kr: _KeyRows,
    kr_is_match: np.ndarray,
    row_key: np.ndarray,
    row_set: np.ndarray,
    row_is_match: np.ndarray,
    dup_style: Literal["direct", "hgnc"],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Matched rows whose user identifier another member of the same set already claimed.

    A user identifier claimed by several members of one set counts once: the first
    claim, except that on the HGNC route a member found as written (exact) keeps it
    over rescues. Returns a mask over rows, the duplicate rows, and for each the row
    that kept the identifier.
    """
    kr_matched = kr.matched
    m_codes, m_uniques = pd.factorize(kr_matched)
    dup = np.zeros(len(row_key), dtype=bool)
    dup_rows = dup_first = np.zeros(0, dtype=np.intp)
    if int(kr_is_match.sum()) > len(np.unique(m_codes[kr_is_match])):  # not one-to-one
        match_rows = np.flatnonzero(row_is_match)
        if dup_style == "hgnc":
            rescued = (kr.how != "exact")[row_key[match_rows]]
            match_rows = match_rows[np.argsort(rescued, kind="stable")]
        pair = row_set[match_rows].astype(np.int64) * len(m_uniques) + m_codes[row_key[match_rows]]
        group, _ = pd.factorize(pair)
        _, first_of_group = np.unique(group, return_index=True)
        is_dup = np.arange(len(group)) != first_of_group[group]
        dup_rows = match_rows[is_dup]
        dup_first = match_rows[first_of_group[group[is_dup]]]
        dup[dup_rows] = True
    return dup, dup_rows, dup_first


def _changed_sets(
    set_of: np.ndarray,
    key_codes: np.ndarray,
    k_identity: np.ndarray,
    row_set: np.ndarray,
    dup_rows: np.ndarray,
    n_sets: int,
) -> np.ndarray:
    """Sets with a member that is not matched as itself, or with a duplicate removed."""
    changed = np.bincount(set_of[~k_identity[key_codes]], minlength=n_sets) > 0
    if len(dup_rows):
        changed |= np.bincount(row_set[dup_rows], minlength=n_sets) > 0
    return changed


def _translated_sets(
    fl: _Flat,
    changed: np.ndarray,
    kept: np.ndarray,
    row_key: np.ndarray,
    row_set: np.ndarray,
    n_genes: np.ndarray,
    kr_matched: np.ndarray,
) -> list[GeneSet]:
    """The sets in the user's identifiers; a set whose members all match themselves is kept
    as it is."""
    sets = fl.collection.sets
    if not changed.any():
        return list(sets)
    rows = kept & changed[row_set]
    genes_out = kr_matched[row_key[rows]].tolist()
    ends = np.cumsum(np.where(changed, n_genes, 0)).tolist()
    new_sets: list[GeneSet] = []
    for i, gs in enumerate(sets):
        if changed[i]:
            new_sets.append(gs.with_genes(genes_out[ends[i] - int(n_genes[i]) : ends[i]]))
        else:
            new_sets.append(gs)
    return new_sets


def _sets_table(
    fl: _Flat, n_found: np.ndarray, n_genes: np.ndarray, how_counts: np.ndarray
) -> pd.DataFrame:
    """:attr:`MappingReport.sets`: one row per set, columns :data:`SET_COLUMNS`."""
    return pd.DataFrame(
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


def _summary_totals(
    fl: _Flat, key_codes: np.ndarray, found: np.ndarray, k_reason: np.ndarray
) -> dict[str, Any]:
    """Totals for :meth:`MappingReport.summary`, so that it needs no member table."""
    reasons = np.bincount(k_reason[key_codes][~found], minlength=len(REASONS))
    gene_found = np.zeros(len(fl.uniques), dtype=bool)
    gene_found[fl.codes[found]] = True
    return {
        "n_distinct_members": len(fl.uniques),
        "n_distinct_members_found": int(gene_found.sum()),
        "reason": {r: int(n) for r, n in zip(REASONS, reasons) if n},
    }


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
