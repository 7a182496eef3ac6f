"""Read, validate and write GMT files (MSigDB, Enrichr, PFOCR, WikiPathways, ...).

A GMT line is ``set_id <TAB> description <TAB> gene <TAB> gene ...``. Fields
are split on tabs only, so set names and descriptions with spaces stay whole.
The reader tolerates CRLF line endings, a UTF-8 byte-order mark, blank lines
and trailing tabs. Duplicate genes within a set are dropped with a
:class:`~mamsets.errors.DuplicateGeneWarning` naming them. Everything else that
is wrong is a :class:`~mamsets.errors.GMTFormatError` carrying the file and line.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .._atomic import atomic_write_text
from ..errors import DuplicateGeneWarning, GMTFormatError, SuspectGeneWarning
from ..model import GeneSet, GeneSetCollection
from ._suspect import INVISIBLE, strip_invisible, suspect_kind, suspect_message
from ._textfile import decode_user_file

__all__ = ["GMTProblem", "read_gmt", "parse_gmt", "write_gmt", "gmt_text", "validate_gmt"]


@dataclass(frozen=True, slots=True)
class GMTProblem:
    """One problem found by :func:`validate_gmt`.

    Attributes
    ----------
    line : int
        1-based line number (0 for whole-file problems).
    message : str
        What is wrong and how to fix it.
    severity : {"error", "warning"}
    """

    line: int
    message: str
    severity: str = "error"


def _decode(data: bytes, path: str | None) -> str:
    """The GMT's text; an error naming what the file is when it is not UTF-8 text."""
    return decode_user_file(
        data, lambda msg, line: GMTFormatError(msg, path, line), what="GMT", latin1=False
    ).text


def _suspects(records: list[tuple[int, str, str, tuple[str, ...]]],
              invisible: list[tuple[int, str]]) -> list[tuple[str, str, str]]:
    """``(kind, "line N, set S", gene)`` for damaged gene names (dates, NA, invisible chars)."""
    hits = [("invisible", f"line {ln}", g) for ln, g in invisible]
    for lineno, set_id, _, genes in records:
        for g in genes:
            kind = suspect_kind(g)
            if kind is not None:
                hits.append((kind, f"line {lineno}, set {set_id}", g))
    return hits


def _parse(
    text: str, path: str | None, problems: list[GMTProblem] | None,
    invisible: list[tuple[int, str]] | None = None,
) -> list[tuple[int, str, str, tuple[str, ...]]]:
    """Parse GMT text; raise on the first error, or collect all when ``problems`` is a list.

    Zero-width and non-breaking spaces are removed from gene names and listed in
    ``invisible`` as ``(line, name as written)``.
    """
    invisible = [] if invisible is None else invisible

    def fail(message: str, line: int) -> None:
        if problems is None:
            raise GMTFormatError(message, path, line)
        problems.append(GMTProblem(line, message))

    records: list[tuple[int, str, str, tuple[str, ...]]] = []
    seen: dict[str, int] = {}
    if "\r" in text:  # CR-only (classic Mac, some Excel exports) or stray CRs
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    for lineno, raw in enumerate(text.split("\n"), start=1):
        line = raw.rstrip("\r")
        if not line.strip():
            continue
        fields = line.split("\t")
        while fields and not fields[-1].strip():
            fields.pop()
        if len(fields) < 3:
            hint = ""
            if len(fields) == 1 and " " in fields[0].strip():
                hint = " (fields seem to be separated by spaces; GMT needs tabs)"
            elif len(fields) == 2:
                hint = " (a set with no genes: remove the line or add genes)"
            fail(
                f"has {len(fields)} tab-separated field(s), needs at least 3: "
                f"set name, description, genes{hint}",
                lineno,
            )
            continue
        set_id = fields[0].strip()
        description = fields[1].strip()
        if not set_id:
            fail("empty set name in the first field; give every set a name", lineno)
            continue
        genes_raw = [g.strip() for g in fields[2:]]
        if any(c in g for g in fields[2:] for c in INVISIBLE):  # before strip() eats an nbsp
            invisible.extend((lineno, g) for g in fields[2:] if any(c in g for c in INVISIBLE))
            genes_raw = [strip_invisible(g) for g in fields[2:]]
        bad = [g for g in genes_raw if any(c.isspace() for c in g)]
        if bad:
            fail(
                f"set {set_id}: gene {bad[0]!r} contains whitespace; genes must be separated by tabs",
                lineno,
            )
            continue
        genes_nonempty = [g for g in genes_raw if g]
        if not genes_nonempty:
            fail(f"set {set_id} has no genes (only empty fields); remove the line or add genes", lineno)
            continue
        if set_id in seen:
            fail(
                f"duplicate set name {set_id!r} (first defined on line {seen[set_id]}); "
                "set names must be unique: rename or merge them",
                lineno,
            )
            continue
        seen[set_id] = lineno
        uniq = tuple(dict.fromkeys(genes_nonempty))
        if len(uniq) != len(genes_nonempty):
            counts: dict[str, int] = {}
            for g in genes_nonempty:
                counts[g] = counts.get(g, 0) + 1
            dups = sorted(g for g, c in counts.items() if c > 1)
            msg = (
                f"set {set_id} lists {len(genes_nonempty) - len(uniq)} duplicate gene(s), dropped: "
                f"{', '.join(dups[:10])}{' ...' if len(dups) > 10 else ''}"
            )
            if problems is None:
                where = f"{path}, line {lineno}" if path else f"line {lineno}"
                warnings.warn(f"{where}: {msg}", DuplicateGeneWarning, stacklevel=4)
            else:
                problems.append(GMTProblem(lineno, msg, "warning"))
        records.append((lineno, set_id, description, uniq))
    if not records and (problems is None or not problems):
        fail("contains no gene sets", 0)
    return records


def _caller_level() -> int:
    """stacklevel that points a warning at the user's call of read_gmt or parse_gmt."""
    import sys

    frame, level = sys._getframe(2), 2
    while frame is not None and frame.f_globals.get("__name__") == __name__:
        frame, level = frame.f_back, level + 1  # type: ignore[assignment]
    return level


def parse_gmt(
    source: str | Iterable[str],
    *,
    path: str | None = None,
    name: str = "collection",
    version: str = "",
    species: str = "unknown",
    id_type: str = "unknown",
) -> GeneSetCollection:
    """Parse GMT content given as text or as an iterable of lines.

    Parameters
    ----------
    source : str or iterable of str
        The GMT text.
    path : str, optional
        Used in error messages only.
    name, version, species, id_type : str
        Metadata of the returned collection.

    Returns
    -------
    GeneSetCollection

    Raises
    ------
    GMTFormatError
        On the first malformed line, naming the line.

    Examples
    --------
    >>> c = parse_gmt("SET_A\\tmy set\\tTP53\\tMDM2\\n")
    >>> c["SET_A"].genes
    ('TP53', 'MDM2')
    """
    text = source if isinstance(source, str) else "\n".join(s.rstrip("\n") for s in source)
    if text.startswith("\ufeff"):
        text = text[1:]
    invisible: list[tuple[int, str]] = []
    records = _parse(text, path, None, invisible)
    damaged = suspect_message(path or "GMT", _suspects(records, invisible))
    if damaged:
        warnings.warn(damaged, SuspectGeneWarning, stacklevel=_caller_level())
    sets = tuple(GeneSet(id=s, genes=g, description=d) for _, s, d, g in records)
    return GeneSetCollection(
        sets=sets, name=name, version=version, species=species, id_type=id_type, source=path or ""
    )


def read_gmt(
    path: str | os.PathLike[str],
    *,
    name: str | None = None,
    species: str = "unknown",
    id_type: str = "unknown",
) -> GeneSetCollection:
    """Read a GMT file into an immutable :class:`~mamsets.model.GeneSetCollection`.

    Parameters
    ----------
    path : path-like
        The GMT file (UTF-8; a BOM and CRLF line endings are accepted).
    name : str, optional
        Collection name; defaults to the file name without extension.
    species, id_type : str
        What the identifiers are, when known (``"unknown"`` otherwise).

    Returns
    -------
    GeneSetCollection

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    GMTFormatError
        With the file and line of the first malformed line.
    """
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"GMT file not found: {p}")
    if p.stat().st_size == 0:
        raise GMTFormatError("the file is empty (0 bytes); check the download or the path", str(p), 0)
    # gzip/bzip2/xz/zip with or without suffix; an xlsx or HTML page is named as such
    text = _decode(p.read_bytes(), str(p))
    return parse_gmt(
        text,
        path=str(p),
        name=name if name is not None else p.name.removesuffix(".gz").removesuffix(".gmt"),
        species=species,
        id_type=id_type,
    )


def validate_gmt(path: str | os.PathLike[str]) -> list[GMTProblem]:
    """Check a GMT file and return every problem found (empty list when valid).

    Unlike :func:`read_gmt`, this does not stop at the first error.
    Duplicate genes within a set are reported with severity ``"warning"``.
    """
    p = Path(path)
    if not p.is_file():
        return [GMTProblem(0, f"file not found: {p}")]
    try:
        text = _decode(p.read_bytes(), str(p))
    except GMTFormatError as exc:
        return [GMTProblem(exc.line or 0, exc.reason)]
    problems: list[GMTProblem] = []
    invisible: list[tuple[int, str]] = []
    records = _parse(text, str(p), problems, invisible)
    for kind, where, gene in _suspects(records, invisible):
        line = int(where.split(",")[0].removeprefix("line "))
        msg = suspect_message(where, [(kind, "gene", gene)])
        problems.append(GMTProblem(line, msg, "warning"))
    problems.sort(key=lambda pr: pr.line)
    if not records and not problems:
        problems.append(GMTProblem(0, "contains no gene sets"))
    return problems


def gmt_text(collection: GeneSetCollection) -> str:
    """The collection as GMT text: tab-separated, LF line endings, one set per line.

    Raises
    ------
    GMTFormatError
        If a description contains a tab or newline (it would corrupt the file).
    """
    for gs in collection:
        if any(c in gs.description for c in "\t\r\n"):
            raise GMTFormatError(
                f"set {gs.id}: description contains a tab or newline; GMT cannot hold it"
            )
        if not gs.genes:
            raise GMTFormatError(f"set {gs.id} has no genes; GMT cannot hold an empty set")
        for g in gs.genes:
            if not g or any(c.isspace() for c in g):
                raise GMTFormatError(f"set {gs.id}: gene {g!r} is empty or contains whitespace")
    return collection.canonical_text()


def write_gmt(
    collection: GeneSetCollection, path: str | os.PathLike[str], *, overwrite: bool = False
) -> Path:
    """Write ``collection`` as UTF-8 GMT with LF line endings, atomically.

    Raises
    ------
    OutputExistsError
        If ``path`` exists and ``overwrite`` is false.
    """
    return atomic_write_text(path, gmt_text(collection), overwrite=overwrite)
