"""Immutable gene sets and collections, with member-level provenance.

A :class:`GeneSet` is a named tuple of gene identifiers in one identifier space
(``species`` + ``id_type`` of its collection). Curated sets also carry one
:class:`Member` per gene saying where the gene came from (figure keyword,
caption clause, family member, neighbour) and the direction of change that the
source figure claims. Sets read from a plain GMT have no provenance.
"""

from __future__ import annotations

import hashlib
from itertools import chain, islice
from functools import cached_property
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Literal

from .errors import InputError, not_built

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "Role",
    "Direction",
    "Level",
    "Member",
    "GeneSet",
    "GeneSetCollection",
    "MemberIndex",
    "PATHWAYS",
]

Role = Literal["figure_keyword", "caption", "family_member", "neighbour"]
Direction = Literal["up", "down", "activated", "context_dependent"]
Level = Literal["figure", "pathway", "family", "complex"]

#: The six MAM pathways named in the caption of Li et al. 2024, figure 3.
PATHWAYS: tuple[str, ...] = (
    "calcium",
    "lipid_homeostasis",
    "mitochondrial_biogenesis",
    "mitochondrial_dynamics",
    "mitophagy",
    "er_stress",
)


@dataclass(frozen=True, slots=True)
class Member:
    """One member gene of a curated set and where it came from.

    Attributes
    ----------
    symbol : str
        Approved HGNC symbol (human).
    hgnc_id : str
        HGNC identifier, e.g. ``"HGNC:6396"``.
    role : {"figure_keyword", "caption", "family_member", "neighbour"}
        Why the gene is a member.
    evidence : str
        The caption clause, figure keyword or HGNC gene group that supports it.
    direction : {"up", "down", "activated", "context_dependent"} or None
        Change under exercise claimed by the figure caption, if any.
    """

    symbol: str
    hgnc_id: str
    role: Role
    evidence: str = ""
    direction: Direction | None = None


@dataclass(frozen=True, slots=True)
class GeneSet:
    """An immutable gene set.

    Attributes
    ----------
    id : str
        Stable identifier (GMT first column), e.g. ``"MAMS_AMPK_COMPLEX"``.
    genes : tuple of str
        Member identifiers in the collection's identifier space, unique, in the
        order given.
    description : str
        One line (GMT second column).
    title : str
        Human-readable title (curated sets).
    level : str or None
        ``"figure"``, ``"pathway"``, ``"family"`` or ``"complex"`` for curated sets.
    pathways : tuple of str
        Figure pathways (see :data:`PATHWAYS`) the set serves.
    members : tuple of Member
        Provenance of each member, in human HGNC symbols (empty for plain GMT sets).
    tags : tuple of str
        Free flags such as ``"raw"``, ``"extended"``, ``"signed"``, ``"control"``.
    direction : str or None
        For signed sets, the direction all members share (``"up"`` or ``"down"``).
    """

    id: str
    genes: tuple[str, ...]
    description: str = ""
    title: str = ""
    level: str | None = None
    pathways: tuple[str, ...] = ()
    members: tuple[Member, ...] = ()
    tags: tuple[str, ...] = ()
    direction: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not self.id.strip():
            raise InputError(f"gene set id {self.id!r}: must be a non-empty string")
        if "\t" in self.id or "\n" in self.id:
            raise InputError(f"gene set id {self.id!r}: must not contain tabs or newlines")
        genes = tuple(self.genes)
        if len(set(genes)) != len(genes):
            seen: set[str] = set()
            dup = sorted({g for g in genes if g in seen or seen.add(g)})  # type: ignore[func-returns-value]
            raise InputError(
                f"gene set {self.id}: duplicated genes {dup[:5]}; remove them "
                "(read_gmt drops duplicates with a warning)"
            )
        object.__setattr__(self, "genes", genes)
        object.__setattr__(self, "pathways", tuple(self.pathways))
        object.__setattr__(self, "members", tuple(self.members))
        object.__setattr__(self, "tags", tuple(self.tags))

    def __len__(self) -> int:
        return len(self.genes)

    def __iter__(self) -> Iterator[str]:
        return iter(self.genes)

    def __contains__(self, gene: object) -> bool:
        return gene in self.genes

    @property
    def size(self) -> int:
        """Number of genes."""
        return len(self.genes)

    def with_genes(self, genes: Iterable[str], **changes: object) -> GeneSet:
        """Return a copy with other genes (e.g. translated to another id space)."""
        return replace(self, genes=tuple(genes), **changes)  # type: ignore[arg-type]

    def member(self, symbol: str) -> Member:
        """Return the provenance record of ``symbol`` (KeyError if absent)."""
        for m in self.members:
            if m.symbol == symbol:
                return m
        raise KeyError(f"{symbol} is not a curated member of {self.id}")


@dataclass(frozen=True)
class MemberIndex:
    """Every (set, member) pair of a collection as integer codes (:attr:`GeneSetCollection.member_index`).

    Attributes
    ----------
    sizes : numpy.ndarray
        int64, the number of members of each set, in collection order.
    codes : numpy.ndarray
        int32 (int64 beyond 2**31 distinct members), for each pair (set by set, members in order) the index of its member in
        ``genes``.
    genes : numpy.ndarray
        object, the distinct members (str) in order of first appearance.
    """

    sizes: np.ndarray
    codes: np.ndarray
    genes: np.ndarray


@dataclass(frozen=True)
class GeneSetCollection:
    """An immutable, ordered collection of gene sets with unique ids.

    Attributes
    ----------
    sets : tuple of GeneSet
    name : str
        E.g. ``"mams"`` or the GMT file name.
    version : str
        Library version, or ``""`` for ad-hoc collections.
    species : str
        ``"human"``, ``"mouse"``, ``"rat"`` or ``"unknown"``.
    id_type : str
        ``"symbol"``, ``"entrez"``, ``"ensembl"`` or ``"unknown"``.
    source : str
        Where the collection came from (path or description).
    """

    sets: tuple[GeneSet, ...]
    name: str = "collection"
    version: str = ""
    species: str = "unknown"
    id_type: str = "unknown"
    source: str = ""
    _index: Mapping[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        sets = tuple(self.sets)
        index: dict[str, int] = {}
        for i, gs in enumerate(sets):
            if not isinstance(gs, GeneSet):
                raise InputError(f"collection {self.name}: item {i} is {type(gs).__name__}, not GeneSet")
            if gs.id in index:
                raise InputError(f"collection {self.name}: duplicate set id {gs.id!r}")
            index[gs.id] = i
        object.__setattr__(self, "sets", sets)
        object.__setattr__(self, "_index", index)

    # -- construction -----------------------------------------------------
    @classmethod
    def from_dict(
        cls,
        mapping: Mapping[str, Iterable[str]],
        *,
        name: str = "collection",
        descriptions: Mapping[str, str] | None = None,
        **kwargs: str,
    ) -> GeneSetCollection:
        """Build a collection from ``{set_id: genes}`` (duplicates within a set are an error)."""
        descriptions = descriptions or {}
        sets = tuple(
            GeneSet(id=str(k), genes=tuple(str(g) for g in v), description=descriptions.get(k, ""))
            for k, v in mapping.items()
        )
        return cls(sets=sets, name=name, **kwargs)

    # -- container protocol ----------------------------------------------
    def __len__(self) -> int:
        return len(self.sets)

    def __iter__(self) -> Iterator[GeneSet]:
        return iter(self.sets)

    def __contains__(self, set_id: object) -> bool:
        return set_id in self._index

    def __getitem__(self, set_id: str) -> GeneSet:
        try:
            return self.sets[self._index[set_id]]
        except KeyError:
            close = [k for k in self._index if set_id.upper() in k][:5]
            hint = f"; similar ids: {close}" if close else ""
            raise KeyError(f"no gene set {set_id!r} in collection {self.name}{hint}") from None

    @property
    def ids(self) -> tuple[str, ...]:
        """Set ids in order."""
        return tuple(gs.id for gs in self.sets)

    @property
    def genes(self) -> frozenset[str]:
        """Union of all member identifiers."""
        if "member_index" in self.__dict__:  # already hashed once: 20,000 genes, not 1.2M pairs
            return frozenset(self.member_index.genes.tolist())
        return frozenset(chain.from_iterable(gs.genes for gs in self.sets))

    @cached_property
    def member_index(self) -> MemberIndex:
        """The members of every set as codes into the distinct members (computed once).

        Engines match the distinct members to the data (about 20,000 genes) and take
        each pair's match by its code, instead of hashing every (set, member) pair
        (over a million for a large GMT) once per question.
        """
        import numpy as np

        try:
            from ._strindex import index_members
        except ImportError as exc:  # only on a broken install (no C compiler at install time)
            raise not_built("mamsets._strindex", exc) from exc

        sets = self.sets
        sizes = np.fromiter((len(gs.genes) for gs in sets), dtype=np.int64, count=len(sets))
        n_pairs = int(sizes.sum())
        # int32 codes: half the memory of intp (1.2M pairs: 5 MB)
        codes = np.empty(n_pairs, dtype=np.int32 if n_pairs < 2**31 else np.int64)
        # one pass in C over the member tuples: a hash table of the distinct members (their
        # cached str hashes), no object array of every pair
        distinct = index_members([gs.genes for gs in sets], codes)
        genes = np.empty(len(distinct), dtype=object)
        genes[:] = distinct
        return MemberIndex(sizes=sizes, codes=codes, genes=genes)

    def __getstate__(self) -> dict[str, object]:
        """Pickle without the :attr:`member_index` cache (rebuilt on first use)."""
        state = dict(self.__dict__)
        state.pop("member_index", None)
        return state

    def to_dict(self) -> dict[str, list[str]]:
        """``{set_id: [genes]}``, the format gseapy accepts as ``gene_sets``."""
        return {gs.id: list(gs.genes) for gs in self.sets}

    # -- derived collections -----------------------------------------------
    def replace_sets(self, sets: Iterable[GeneSet], **changes: str) -> GeneSetCollection:
        """Return a collection with other sets and the same metadata (unless changed)."""
        return replace(self, sets=tuple(sets), **changes)  # type: ignore[arg-type]

    def select(self, ids: Iterable[str]) -> GeneSetCollection:
        """Return the sets named in ``ids``, in that order."""
        return self.replace_sets(self[i] for i in ids)

    def filter(self, *, min_size: int = 1, max_size: int | None = None) -> GeneSetCollection:
        """Keep sets with ``min_size <= len(set) <= max_size``."""
        hi = max_size if max_size is not None else float("inf")
        return self.replace_sets(gs for gs in self.sets if min_size <= len(gs) <= hi)

    # -- identity ------------------------------------------------------------
    def _canonical_lines(self) -> Iterator[str]:
        """The lines of :meth:`canonical_text`, one per set (LF-terminated)."""
        for gs in self.sets:
            yield "\t".join((gs.id, gs.description, *gs.genes)) + "\n"

    def canonical_text(self) -> str:
        """The collection as GMT text (tab-separated, LF), the basis of :attr:`sha256`."""
        return "".join(self._canonical_lines())

    @cached_property
    def sha256(self) -> str:
        """SHA-256 of :meth:`canonical_text`: identifies exactly which sets were used."""
        # fed a few hundred sets at a time: the same digest without the whole text in memory
        h = hashlib.sha256()
        lines = self._canonical_lines()
        while chunk := "".join(islice(lines, 256)):
            h.update(chunk.encode("utf-8"))
        return h.hexdigest()

    def summary(self) -> "pd.DataFrame":  # noqa: F821
        """One row per set: ``id, title, level, pathways, size, tags, description``."""
        import pandas as pd

        rows = [
            {
                "id": gs.id,
                "title": gs.title,
                "level": gs.level or "",
                "pathways": ",".join(gs.pathways),
                "size": len(gs),
                "tags": ",".join(gs.tags),
                "description": gs.description,
            }
            for gs in self.sets
        ]
        cols = ["id", "title", "level", "pathways", "size", "tags", "description"]
        return pd.DataFrame(rows, columns=cols)
