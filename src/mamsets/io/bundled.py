"""The shipped MAMs library: curated gene sets, controls, metabolites and exclusions.

The library's source of truth is a set of TOML files in the top-level
``genesets/`` folder of the repository (``mams.toml``, ``controls.toml``,
``metabolites.toml``, ``exclusions.toml``) plus the generated member identity
table ``identity.tsv``. The wheel carries that folder as ``mamsets/_genesets``;
an editable checkout falls back to ``<repo>/genesets``. Nothing here needs the
network or ``../shared``.

Human symbols come straight from the TOML. Other identifier spaces (human
Entrez/Ensembl; mouse and rat symbol/Entrez/Ensembl) are translated member by
member through ``identity.tsv`` using the member's HGNC id. A member without an
identifier in the requested space is dropped from ``genes`` (its provenance
record stays in ``members``) and **counted in the set's description**, e.g.
``"... | 1 of 7 members without a rat ensembl id: PRKAG3"``, so the loss is
visible in every GMT written from the collection.

Examples
--------
>>> from mamsets.io.bundled import library
>>> lib = library()
>>> sorted(lib["MAMS_IP3_RECEPTORS"].genes)
['ITPR1', 'ITPR2', 'ITPR3']
>>> lib["MAMS_IP3_RECEPTORS"].member("ITPR2").role
'caption'
"""

from __future__ import annotations

import functools
import importlib.resources
import re
import tomllib
import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

from ..errors import DroppedInputWarning, InputError, MamsetsError
from ..model import PATHWAYS, GeneSet, GeneSetCollection, Member

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "IDENTITY_COLUMNS",
    "ID_TYPES",
    "SPECIES",
    "control_expectations",
    "controls",
    "describe",
    "exclusions",
    "genesets_dir",
    "identity_table",
    "library",
    "library_version",
    "metabolites",
    "translation_report",
]

Species = Literal["human", "mouse", "rat"]
IdType = Literal["symbol", "entrez", "ensembl"]

#: Species the library can be exported in.
SPECIES: tuple[str, ...] = ("human", "mouse", "rat")
#: Identifier types the library can be exported in.
ID_TYPES: tuple[str, ...] = ("symbol", "entrez", "ensembl")

#: Columns of ``genesets/identity.tsv``, in order.
IDENTITY_COLUMNS: tuple[str, ...] = (
    "hgnc_id",
    "symbol",
    "entrez",
    "ensembl",
    "mgi_id",
    "mouse_symbol",
    "mouse_entrez",
    "mouse_ensembl",
    "rgd_id",
    "rat_symbol",
    "rat_entrez",
    "rat_ensembl",
)

_ROLES = ("figure_keyword", "caption", "family_member", "neighbour")
_DIRECTIONS = ("up", "down", "activated", "context_dependent")
_LEVELS = ("figure", "pathway", "family", "complex")
_ROLE_RANK = {r: i for i, r in enumerate(_ROLES)}
_EXCLUSION_COLUMNS = (
    "keyword",
    "hgnc_id",
    "pfocr_word",
    "pfocr_match",
    "pfocr_source",
    "decision",
    "reason",
    "evidence",
    "kept_in",
)


# --------------------------------------------------------------------------- locating files
def genesets_dir() -> Path:
    """Folder holding the library files (installed ``mamsets/_genesets`` or ``<repo>/genesets``).

    Raises
    ------
    MamsetsError
        If neither location has ``mams.toml`` (a broken installation).
    """
    try:
        installed = importlib.resources.files("mamsets") / "_genesets"
        if installed.is_dir() and (installed / "mams.toml").is_file():
            return Path(str(installed))
    except (ModuleNotFoundError, FileNotFoundError, NotADirectoryError):  # pragma: no cover
        pass
    checkout = Path(__file__).resolve().parents[3] / "genesets"
    if (checkout / "mams.toml").is_file():
        return checkout
    raise MamsetsError(
        "the bundled gene-set library was not found (neither mamsets/_genesets in the installed "
        f"package nor {checkout}); reinstall mamsets"
    )


def _read_text(name: str) -> str:
    path = genesets_dir() / name
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise MamsetsError(
            f"bundled library file {name} is missing from {path.parent}; reinstall mamsets "
            "(or, in a checkout, run scripts/build_library.py)"
        ) from None


def _toml(name: str | Path) -> dict[str, Any]:
    """A bundled TOML file by name, or any library TOML by path (a curated draft)."""
    try:
        text = name.read_text(encoding="utf-8") if isinstance(name, Path) else _read_text(name)
        return tomllib.loads(text)
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{name}: cannot read the library file ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise MamsetsError(f"library file {name} is not valid TOML: {exc}") from None


# --------------------------------------------------------------------------- resolution
def _bad(file: str | Path, where: str, msg: str) -> MamsetsError:
    return MamsetsError(f"{file}: {where}: {msg}")


def _check_member(file: str | Path, set_id: str, raw: Mapping[str, Any]) -> Member:
    where = f"set {set_id}, member {raw.get('symbol', '?')}"
    for key in ("symbol", "hgnc_id", "role"):
        if not isinstance(raw.get(key), str) or not raw[key]:
            raise _bad(file, where, f"missing or empty field {key!r}")
    if not re.fullmatch(r"HGNC:\d+", raw["hgnc_id"]):
        raise _bad(file, where, f"hgnc_id {raw['hgnc_id']!r} is not of the form HGNC:<digits>")
    if raw["role"] not in _ROLES:
        raise _bad(file, where, f"role {raw['role']!r} is not one of {_ROLES}")
    direction = raw.get("direction")
    if direction is not None and direction not in _DIRECTIONS:
        raise _bad(file, where, f"direction {direction!r} is not one of {_DIRECTIONS}")
    unknown = set(raw) - {"symbol", "hgnc_id", "role", "evidence", "direction", "hgnc_group"}
    if unknown:
        raise _bad(file, where, f"unknown field(s) {sorted(unknown)}")
    return Member(
        symbol=raw["symbol"],
        hgnc_id=raw["hgnc_id"],
        role=raw["role"],
        evidence=str(raw.get("evidence", "")),
        direction=direction,
    )


def _merge_direction(a: str | None, b: str | None) -> str | None:
    """Combine two direction claims about one gene (rule documented in mams.toml)."""
    if a is None or a == b:
        return b
    if b is None:
        return a
    pair = {a, b}
    if "context_dependent" in pair or pair == {"up", "down"}:
        return "context_dependent"
    # {up, activated} or {down, activated}: the expression claim is the testable one
    return (pair - {"activated"}).pop()


def _merge(records: Iterable[Member]) -> tuple[Member, ...]:
    """Merge member records per symbol, in first-seen order."""
    merged: dict[str, Member] = {}
    for m in records:
        old = merged.get(m.symbol)
        if old is None:
            merged[m.symbol] = m
            continue
        if old.hgnc_id != m.hgnc_id:
            raise MamsetsError(
                f"gene {m.symbol} is given two HGNC ids ({old.hgnc_id}, {m.hgnc_id}); fix the TOML"
            )
        role = old.role if _ROLE_RANK[old.role] <= _ROLE_RANK[m.role] else m.role
        evidence = old.evidence
        for part in m.evidence.split(" | "):
            if part and part not in evidence.split(" | "):
                evidence = f"{evidence} | {part}" if evidence else part
        merged[m.symbol] = Member(
            symbol=m.symbol,
            hgnc_id=m.hgnc_id,
            role=role,  # type: ignore[arg-type]
            evidence=evidence,
            direction=_merge_direction(old.direction, m.direction),  # type: ignore[arg-type]
        )
    return tuple(merged.values())


def _kind(tags: tuple[str, ...], direction: str | None) -> str:
    for tag in ("raw", "extended", "control", "reference", "family_expansion"):
        if tag in tags:
            return tag
    if "signed" in tags and direction:
        return f"curated, {direction}"
    return "curated"


def _pathway_vocabulary(file: str | Path, meta: Mapping[str, Any]) -> tuple[str, ...]:
    """The pathway names a library may use: its own ``[library] pathways``, else the six MAM ones."""
    declared = meta.get("pathways", PATHWAYS)
    if isinstance(declared, (list, tuple)) and all(isinstance(p, str) and re.fullmatch(r"[a-z][a-z0-9_]*", p)
                                                   for p in declared):
        return tuple(declared)
    raise _bad(file, "[library]", f"pathways {declared!r} must be a list of lower-case slugs (a-z, 0-9, _)")


def parse_library_file(file: str | Path) -> tuple[Mapping[str, Any], tuple[GeneSet, ...], Mapping[str, str]]:
    """Parse and resolve a library TOML: ``([library] table, sets, long descriptions)``.

    ``file`` is a name in :func:`genesets_dir` or the path of any TOML in the same schema (a
    curated draft), checked by the same rules, uncached; a library that names pathways other
    than the six MAM ones declares them in ``[library] pathways``.
    """
    data = _toml(file)
    meta = data.get("library", {})
    if not meta.get("name") or not meta.get("version"):
        raise _bad(file, "[library]", "needs a name and a version")
    vocabulary = _pathway_vocabulary(file, meta)
    raw_sets = data.get("sets", [])
    by_id: dict[str, Mapping[str, Any]] = {}
    for i, s in enumerate(raw_sets):
        sid = s.get("id")
        if not isinstance(sid, str) or not re.fullmatch(r"[A-Z][A-Z0-9_]*", sid):
            raise _bad(file, f"set #{i + 1}", f"id {sid!r} must be upper case letters, digits, _")
        if sid in by_id:
            raise _bad(file, f"set {sid}", "duplicate set id")
        by_id[sid] = s

    resolved: dict[str, tuple[Member, ...]] = {}

    def resolve(sid: str, stack: tuple[str, ...]) -> tuple[Member, ...]:
        if sid in resolved:
            return resolved[sid]
        if sid in stack:
            raise _bad(file, f"set {sid}", f"include cycle {' -> '.join((*stack, sid))}")
        if sid not in by_id:
            raise _bad(file, f"set {stack[-1]}", f"includes unknown set {sid!r}")
        s = by_id[sid]
        records: list[Member] = []
        for inc in s.get("include", []):
            records.extend(resolve(inc, (*stack, sid)))
        records.extend(_check_member(file, sid, m) for m in s.get("members", []))
        members = _merge(records)
        select = s.get("select_direction")
        if select is not None:
            if select not in _DIRECTIONS:
                raise _bad(file, f"set {sid}", f"select_direction {select!r} not in {_DIRECTIONS}")
            members = tuple(m for m in members if m.direction == select)
        if not members:
            raise _bad(file, f"set {sid}", "has no members")
        resolved[sid] = members
        return members

    sets: list[GeneSet] = []
    long_desc: dict[str, str] = {}
    label = meta.get("source_label", meta["name"])
    for sid, s in by_id.items():
        members = resolve(sid, ())
        level = s.get("level")
        if level not in _LEVELS:
            raise _bad(file, f"set {sid}", f"level {level!r} is not one of {_LEVELS}")
        pathways = tuple(s.get("pathways", ()))
        bad = [p for p in pathways if p not in vocabulary]
        if bad:
            raise _bad(file, f"set {sid}", f"pathways {bad} not among {vocabulary}; declare the "
                       "library's pathways in [library] pathways")
        tags = tuple(s.get("tags", ()))
        direction = s.get("direction")
        title = s.get("title", "")
        if not title or any(c in title for c in "\t\n|"):
            raise _bad(file, f"set {sid}", "needs a one-line title without tabs or '|'")
        sets.append(
            GeneSet(
                id=sid,
                genes=tuple(m.symbol for m in members),
                description=f"{title} | {label} | {_kind(tags, direction)}",
                title=title,
                level=level,
                pathways=pathways,
                members=members,
                tags=tags,
                direction=direction,
            )
        )
        long_desc[sid] = " ".join(str(s.get("description", "")).split())
    return MappingProxyType(dict(meta)), tuple(sets), MappingProxyType(long_desc)


_parsed = functools.cache(parse_library_file)  # the bundled files, parsed once per process


# --------------------------------------------------------------------------- identity table
@functools.lru_cache(maxsize=1)
def _identity_rows() -> tuple[tuple[str, ...], ...]:
    text = _read_text("identity.tsv")
    lines = [ln for ln in text.split("\n") if ln and not ln.startswith("#")]
    header = tuple(lines[0].split("\t"))
    if header != IDENTITY_COLUMNS:
        raise MamsetsError(
            f"identity.tsv has columns {header}, expected {IDENTITY_COLUMNS}; "
            "regenerate it with scripts/build_library.py"
        )
    rows = tuple(tuple(ln.split("\t")) for ln in lines[1:])
    for r in rows:
        if len(r) != len(header):
            raise MamsetsError(f"identity.tsv: row {r[:2]} has {len(r)} fields, not {len(header)}")
    return rows


@functools.cache
def _id_map(species: str, id_type: str) -> Mapping[str, str]:
    """``{hgnc_id: identifier}`` for one space (only non-empty identifiers)."""
    col = _column(species, id_type)
    j = IDENTITY_COLUMNS.index(col)
    return {r[0]: r[j] for r in _identity_rows() if r[j]}


def _column(species: str, id_type: str) -> str:
    if species not in SPECIES or id_type not in ID_TYPES:
        raise InputError(
            f"species={species!r}, id_type={id_type!r}: choose species from {SPECIES} and "
            f"id_type from {ID_TYPES}"
        )
    if species == "human":
        return id_type
    return f"{species}_{id_type}"


def identity_table() -> pd.DataFrame:
    """The member identity table: one row per human gene of the library and the controls.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`IDENTITY_COLUMNS` (all strings; ``""`` where a species has no
        ortholog or a database gives no id). Generated by ``scripts/build_library.py``
        from HGNC (2024-10), MGI (2024-11) and RGD (2023-02-17); the sources and their
        sha256 are in ``genesets/identity.sources.json``. Where a human gene has several
        orthologs the build picks one deterministically (see that file for the rule and
        the cases).
    """
    import pandas as pd

    return pd.DataFrame(list(_identity_rows()), columns=list(IDENTITY_COLUMNS), dtype=object)


# --------------------------------------------------------------------------- public loaders
def _map_members(gs: GeneSet, mapping: Mapping[str, str]) -> tuple[list[str], list[str], list[str]]:
    """(genes, members without an id, members whose id another member already brought)."""
    genes: list[str] = []
    missing: list[str] = []
    shared: list[str] = []
    for m in gs.members:
        gid = mapping.get(m.hgnc_id)
        if not gid:
            missing.append(m.symbol)
        elif gid in genes:
            shared.append(m.symbol)
        else:
            genes.append(gid)
    return genes, missing, shared


def _translate(
    sets: tuple[GeneSet, ...], species: str, id_type: str
) -> tuple[GeneSet, ...]:
    _column(species, id_type)
    if species == "human" and id_type == "symbol":
        return sets
    mapping = _id_map(species, id_type)
    out: list[GeneSet] = []
    emptied: list[str] = []
    for gs in sets:
        genes, missing, shared = _map_members(gs, mapping)
        desc = gs.description
        n = len(gs.members)
        what = f"{species} {id_type}"
        if missing:
            desc += f" | {len(missing)} of {n} members without a {what} id: {','.join(missing)}"
        if shared:
            desc += f" | {len(shared)} of {n} members share a {what} id with another: {','.join(shared)}"
        if not genes:
            emptied.append(gs.id)
            continue
        out.append(gs.with_genes(genes, description=desc))
    if emptied:
        warnings.warn(
            f"{len(emptied)} set(s) have no member with a {species} {id_type} id and were "
            f"left out: {', '.join(emptied)}",
            DroppedInputWarning,
            stacklevel=3,
        )
    return tuple(out)


def translation_report(
    species: Species = "human", id_type: IdType = "symbol", *, controls: bool = False
) -> pd.DataFrame:
    """Per set, how many curated members have an identifier in a species / id type.

    Parameters
    ----------
    species, id_type
        As in :func:`library`.
    controls : bool
        Report on the control collection instead of the library.

    Returns
    -------
    pandas.DataFrame
        One row per set: ``set, members, genes, unmapped, shared``. ``members`` counts
        the curated (human) members, ``genes`` the identifiers in the requested space;
        ``unmapped`` is a tuple of the member symbols without an identifier there
        (dropped), ``shared`` of members whose identifier another member of the set
        already brought (e.g. two human paralogs with one mouse ortholog).
    """
    import pandas as pd

    _column(species, id_type)
    sets = _parsed("controls.toml" if controls else "mams.toml")[1]
    mapping = (
        {m.hgnc_id: m.symbol for gs in sets for m in gs.members}
        if (species, id_type) == ("human", "symbol")
        else _id_map(species, id_type)
    )
    rows = []
    for gs in sets:
        genes, missing, shared = _map_members(gs, mapping)
        rows.append((gs.id, len(gs.members), len(genes), tuple(missing), tuple(shared)))
    return pd.DataFrame(rows, columns=["set", "members", "genes", "unmapped", "shared"]).astype(
        {"set": object, "members": "int64", "genes": "int64", "unmapped": object, "shared": object}
    )


def library(
    species: Species = "human",
    id_type: IdType = "symbol",
    *,
    include_raw: bool = True,
    include_extended: bool = True,
) -> GeneSetCollection:
    """The curated MAMs gene-set library of Li et al. 2024, figure 3.

    Parameters
    ----------
    species : {"human", "mouse", "rat"}
        Species of the identifiers (mouse and rat through the orthologs in
        :func:`identity_table`).
    id_type : {"symbol", "entrez", "ensembl"}
        Identifier type. Entrez ids are strings of digits.
    include_raw : bool
        Keep ``MAMS_FIGURE_RAW_PFOCR``, the unedited PFOCR keyword set (tag ``raw``;
        contains known false positives, for comparison only).
    include_extended : bool
        Keep the ``*_EXTENDED`` sets (tag ``extended``) that add mechanistic
        neighbours the figure does not draw.

    Returns
    -------
    GeneSetCollection
        Named ``"mams"`` with the library version. Each set carries its title,
        level, pathways, tags, direction (signed sets) and one
        :class:`~mamsets.model.Member` per curated gene (human symbols, role,
        evidence, direction). The description (the GMT second column) is
        ``"title | source | kind"``, plus a count of members dropped for lack of an
        identifier in the requested space.

    Raises
    ------
    InputError
        For an unknown species or id_type.

    References
    ----------
    Li X, et al. Int J Mol Sci 2024;25(6):3196. doi:10.3390/ijms25063196 (PMC10970480;
    PFOCR figure PMC10970480__F3).
    """
    _column(species, id_type)
    meta, sets, _ = _parsed("mams.toml")
    keep = tuple(
        gs
        for gs in sets
        if (include_raw or "raw" not in gs.tags) and (include_extended or "extended" not in gs.tags)
    )
    return GeneSetCollection(
        sets=_translate(keep, species, id_type),
        name=meta["name"],
        version=meta["version"],
        species=species,
        id_type=id_type,
        source=f"mamsets bundled library ({meta.get('source_label', '')})",
    )


def controls(species: Species = "human", id_type: IdType = "symbol") -> GeneSetCollection:
    """Positive-control sets (OXPHOS complexes I-V, cytosolic and mitochondrial ribosome).

    Built from HGNC gene groups (release 2024-10). On real exercise and inactivity data
    the OXPHOS control is strongly enriched while the MAMs sets are near null: run it
    next to :func:`library` as a check that the ranking behaves.

    Parameters
    ----------
    species, id_type
        As in :func:`library`.

    Returns
    -------
    GeneSetCollection
        Named ``"mams_controls"``; sets tagged ``control``.
    """
    _column(species, id_type)
    meta, sets, _ = _parsed("controls.toml")
    return GeneSetCollection(
        sets=_translate(sets, species, id_type),
        name=meta["name"],
        version=meta["version"],
        species=species,
        id_type=id_type,
        source=f"mamsets bundled controls ({meta.get('source_label', '')})",
    )


def control_expectations() -> pd.DataFrame:
    """What each positive control is expected to do, and when; reference sets have none.

    Returns
    -------
    pandas.DataFrame
        One row per set of :func:`controls`: ``set_id``, ``family`` (``"control"`` or
        ``"reference"``), ``expectation`` (``"up"``, or ``""`` for a reference set:
        the direction in an exercise vs sedentary contrast), ``applies`` (when the
        expectation holds) and ``evidence`` (where it comes from).
    """
    import pandas as pd

    raw = {s["id"]: s for s in _toml("controls.toml").get("sets", [])}
    rows = []
    for sid, s in raw.items():
        family = "reference" if "reference" in s.get("tags", ()) else "control"
        rows.append({"set_id": sid, "family": family, "expectation": s.get("expectation", ""),
                     "applies": s.get("applies", ""),
                     "evidence": s.get("evidence_of_expectation", "")})
    return pd.DataFrame(rows, columns=["set_id", "family", "expectation", "applies", "evidence"])


@functools.lru_cache(maxsize=1)
def _metabolite_data() -> tuple[Mapping[str, Any], tuple[Mapping[str, Any], ...], GeneSetCollection]:
    data = _toml("metabolites.toml")
    meta = data.get("library", {})
    known = {m["chebi_id"]: m for m in data.get("metabolites", [])}
    label = meta.get("source_label", "")
    sets = []
    for s in data.get("sets", []):
        unknown = [c for c in s["members"] if c not in known]
        if unknown:
            raise _bad("metabolites.toml", f"set {s['id']}", f"unknown ChEBI ids {unknown}")
        kind = f"curated, {s['direction']}" if s.get("direction") else "curated"
        sets.append(
            GeneSet(
                id=s["id"],
                genes=tuple(s["members"]),
                description=f"{s['title']} | {label} | {kind}",
                title=s["title"],
                level="pathway" if len(s.get("pathways", ())) == 1 else "figure",
                pathways=tuple(s.get("pathways", ())),
                tags=("metabolite", "signed") if s.get("direction") else ("metabolite",),
                direction=s.get("direction"),
            )
        )
    coll = GeneSetCollection(
        sets=tuple(sets),
        name=meta.get("name", "mams_metabolites"),
        version=meta.get("version", ""),
        species="unknown",
        id_type="chebi",
        source=f"mamsets bundled metabolites ({label})",
    )
    return meta, tuple(data.get("metabolites", [])), coll


def metabolites() -> GeneSetCollection:
    """Metabolite sets of the figure (Ca2+, IP3, glucose, DAG, TG, ceramides) as ChEBI ids.

    Returns
    -------
    GeneSetCollection
        ``id_type="chebi"``, identifiers like ``"CHEBI:29108"``. The per-metabolite
        names, figure words, directions and evidence are in ``genesets/metabolites.toml``
        and in the JSON export. ``MAMS_METABOLITES_LIPID_HOMEOSTASIS_DN`` holds the
        lipids the caption says exercise reduces.
    """
    return _metabolite_data()[2]


@functools.lru_cache(maxsize=1)
def _exclusion_rows() -> tuple[tuple[Any, ...], ...]:
    data = _toml("exclusions.toml")
    rows = []
    for e in data.get("exclusions", []):
        missing = [c for c in _EXCLUSION_COLUMNS if c not in e]
        if missing:
            raise _bad("exclusions.toml", f"exclusion {e.get('keyword', '?')}", f"lacks {missing}")
        rows.append(tuple(tuple(e[c]) if c == "kept_in" else str(e[c]) for c in _EXCLUSION_COLUMNS))
    return tuple(rows)


def exclusions() -> pd.DataFrame:
    """Audit of the PFOCR keywords left out of the curated figure set, and why.

    Returns
    -------
    pandas.DataFrame
        Columns ``keyword, hgnc_id, pfocr_word, pfocr_match, pfocr_source, decision,
        reason, evidence, kept_in``. ``decision`` is ``false_positive`` (the word does
        not mean that gene: TG, SGCG, CXCL12, KCNJ4), ``outside_curated_branch`` (a
        G protein alpha subunit outside the Gq/11 route) or ``not_a_gene`` (a
        metabolite keyword). ``kept_in`` is a tuple of the set ids that still hold it.
    """
    import pandas as pd

    return pd.DataFrame(list(_exclusion_rows()), columns=list(_EXCLUSION_COLUMNS), dtype=object)


def library_version() -> str:
    """Version of the curated library (``[library] version`` in ``mams.toml``)."""
    return str(_parsed("mams.toml")[0]["version"])


def describe(set_id: str) -> str:
    """Long description of a library, control or metabolite set.

    Raises
    ------
    KeyError
        If no bundled set has that id.
    """
    for file in ("mams.toml", "controls.toml"):
        desc = _parsed(file)[2]
        if set_id in desc:
            return desc[set_id]
    for s in _toml("metabolites.toml").get("sets", []):
        if s["id"] == set_id:
            return " ".join(str(s.get("description", "")).split())
    raise KeyError(f"no bundled gene set {set_id!r}; list them with `mamsets sets list`")


# --------------------------------------------------------------------------- for the build script
def _source_members() -> list[tuple[str, str, str, str, int | None]]:
    """Every member record as written in the TOML: (file, set id, symbol, hgnc_id, hgnc_group)."""
    out = []
    for file in ("mams.toml", "controls.toml"):
        for s in _toml(file).get("sets", []):
            for m in s.get("members", []):
                out.append((file, s["id"], m["symbol"], m["hgnc_id"], m.get("hgnc_group")))
    return out


def _library_metadata(file: str = "mams.toml") -> dict[str, Any]:
    """A copy of the ``[library]`` table of a TOML source."""
    return dict(_parsed(file)[0])


def _metabolite_records() -> list[dict[str, Any]]:
    return [dict(m) for m in _metabolite_data()[1]]


def _additions() -> list[dict[str, Any]]:
    return [dict(a) for a in _toml("exclusions.toml").get("additions", [])]


