"""Read a Pathway Figure OCR (PFOCR, WikiPathways; CC0) figure record as PFOCR publishes it.

A record is a folder (or the files of one figure) holding:

* the figure page's front matter: ``figure.md`` (the Jekyll ``_figures/<figid>.md`` of
  ``wikipathways/pfocr-database``), or a YAML excerpt of it (``*.yaml``, ``*.md`` or ``*.txt``
  starting with ``figid:`` or ``---``);
* ``genes.tsv`` or ``<figid>-genes.tsv``: one row per (OCR word, lexicon match, NCBI gene);
* optionally ``chemicals.tsv`` / ``<figid>-chemicals.tsv`` (two layouts occur:
  ``word, mesh, match, name, chebi`` and the older ``word, source, identifier``).

The front matter is read with a small parser for the subset of YAML these pages use (top-level
``key: value`` pairs, plain, quoted and folded multi-line scalars, block and flow lists), so no
YAML library is needed. Errors name the file, the line and the fix.
"""

from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError

__all__ = ["PFOCRFormatError", "GeneHit", "ChemicalHit", "FigureRecord", "read_pfocr_record"]

#: Columns a genes table must have (PFOCR's ``_data/<figid>-genes.tsv``).
GENE_COLUMNS = ("organism_id", "word", "match", "ncbigene_symbol", "ncbigene_id", "source")


class PFOCRFormatError(InputError):
    """A PFOCR record file cannot be read; the message names the file, line and fix."""


@dataclass(frozen=True, slots=True)
class GeneHit:
    """One row of a record's genes table: an OCR word matched to one NCBI gene."""

    word: str
    match: str
    symbol: str
    entrez: str
    source: str  # ncbigene_symbol | ncbigene_synonym | famplex_relations (or 2018 names)
    organism_id: str
    line: int


@dataclass(frozen=True, slots=True)
class ChemicalHit:
    """One row of a record's chemicals table."""

    word: str
    name: str
    identifier: str  # e.g. "CHEBI:17761" (upper-cased prefix), or MeSH id, or ""
    line: int


@dataclass(frozen=True)
class FigureRecord:
    """A PFOCR figure record: front matter plus its gene and chemical rows.

    Attributes
    ----------
    figid : str
        PFOCR figure id, e.g. ``"PMC10970480__ijms-25-03196-g003"``.
    figid_alias : str
        Short id (``"PMC10970480__F3"``) when the page gives one, else ``""``.
    title, caption, papertitle : str
    organisms : tuple of str
        ``organisms`` and ``organisms_ner`` of the page, as given.
    genes : tuple of GeneHit
        All rows, every species (see :meth:`human_genes`).
    chemicals : tuple of ChemicalHit
    meta : dict
        Every other front-matter field (strings or lists of strings).
    source : str
        Where the record was read from.
    """

    figid: str
    title: str
    caption: str
    genes: tuple[GeneHit, ...]
    chemicals: tuple[ChemicalHit, ...] = ()
    figid_alias: str = ""
    papertitle: str = ""
    organisms: tuple[str, ...] = ()
    meta: dict[str, object] = field(default_factory=dict)
    source: str = ""

    def human_genes(self) -> tuple[GeneHit, ...]:
        """Rows of human genes (NCBI taxon 9606)."""
        return tuple(g for g in self.genes if g.organism_id == "9606")


# ----------------------------------------------------------------------------- front matter
_KEY = re.compile(r"^([A-Za-z_][\w@-]*):(?:\s+(.*)|\s*)$")


def _unquote_single(text: str) -> str:
    return text.replace("''", "'")


def _fold(lines: list[str]) -> str:
    """YAML line folding: lines joined by spaces, blank lines become newlines."""
    out: list[str] = []
    for ln in lines:
        s = ln.strip()
        out.append("\n" if not s else s)
    text = " ".join(out)
    return re.sub(r" ?\n ?", "\n", text).strip()


def _scalar(first: str, cont: list[str], file: str, line: int) -> object:
    """Interpret one top-level value from its first line and continuation lines."""
    first = first.strip()
    if first in (">-", ">", "|", "|-", ">+", "|+"):
        if first.startswith("|"):
            return "\n".join(c.strip() for c in cont).strip()
        return _fold(cont)
    if first.startswith("'") or first.startswith('"'):
        q = first[0]
        text = _fold([first[1:], *cont])
        if not text.endswith(q):
            raise PFOCRFormatError(
                f"{file}:{line}: quoted value is not closed by {q}; fix the quoting of this field"
            )
        text = text[:-1]
        return _unquote_single(text) if q == "'" else text.replace('\\"', '"')
    if first.startswith("[") and first.endswith("]"):
        inner = first[1:-1].strip()
        return [v.strip().strip("'\"") for v in inner.split(",") if v.strip()] if inner else []
    if not first:
        items = [c.strip()[2:].strip().strip("'\"") for c in cont if c.strip().startswith("- ")]
        if items and all(c.strip().startswith("- ") or not c.strip() for c in cont):
            return items
        return {} if not cont else _fold(cont) if not any(":" in c for c in cont) else {}
    return _fold([first, *cont])


def parse_front_matter(text: str, file: str = "<text>") -> dict[str, object]:
    """Top-level fields of a PFOCR figure page's YAML front matter (nested blocks skipped)."""
    lines = text.splitlines()
    start = 0
    while start < len(lines) and (not lines[start].strip() or lines[start].startswith("#")):
        start += 1
    if start < len(lines) and lines[start].strip() == "---":
        start += 1
    fields: dict[str, object] = {}
    key: str | None = None
    first = ""
    cont: list[str] = []
    key_line = 0

    def flush() -> None:
        if key is not None:
            fields[key] = _scalar(first, cont, file, key_line)

    for n in range(start, len(lines)):
        raw = lines[n]
        if raw.strip() == "---":
            break
        if raw.startswith("#"):
            continue
        m = _KEY.match(raw)
        if m and not raw[0].isspace():
            flush()
            key, first, cont, key_line = m.group(1), m.group(2) or "", [], n + 1
        elif key is None:
            if raw.strip():
                raise PFOCRFormatError(
                    f"{file}:{n + 1}: expected 'key: value' front matter, got {raw.strip()[:40]!r}; "
                    "pass the figure page (figure.md) of the record"
                )
        else:
            cont.append(raw)
    flush()
    return fields


# ----------------------------------------------------------------------------- tables
def _read_tsv(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    text = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    reader = csv.reader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE)
    rows = list(reader)
    if not rows:
        return [], []
    header = [h.strip() for h in rows[0]]
    out: list[tuple[int, dict[str, str]]] = []
    for i, r in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in r):
            continue
        if len(r) != len(header):
            raise PFOCRFormatError(
                f"{path}:{i}: {len(r)} fields where the header has {len(header)}; "
                "the file must be tab-separated with one row per line"
            )
        out.append((i, dict(zip(header, (c.strip() for c in r)))))
    return header, out


def _genes(path: Path) -> tuple[GeneHit, ...]:
    header, rows = _read_tsv(path)
    if not header:
        return ()
    missing = [c for c in GENE_COLUMNS if c not in header]
    if missing:
        raise PFOCRFormatError(
            f"{path}:1: genes table lacks columns {missing} (has {header}); expected PFOCR's "
            f"genes.tsv layout with {list(GENE_COLUMNS)}"
        )
    return tuple(
        GeneHit(
            word=r["word"],
            match=r["match"],
            symbol=r["ncbigene_symbol"],
            entrez=r["ncbigene_id"],
            source=r["source"],
            organism_id=r["organism_id"],
            line=i,
        )
        for i, r in rows
    )


def _chemicals(path: Path) -> tuple[ChemicalHit, ...]:
    header, rows = _read_tsv(path)
    if not header:
        return ()
    if "word" not in header:
        raise PFOCRFormatError(
            f"{path}:1: chemicals table has no 'word' column (has {header}); expected "
            "'word, mesh, match, name, chebi' or 'word, source, identifier'"
        )
    out = []
    for i, r in rows:
        ident = r.get("chebi") or r.get("identifier") or r.get("mesh") or ""
        if ident.lower().startswith("chebi:"):
            ident = "CHEBI:" + ident.split(":", 1)[1]
        out.append(ChemicalHit(word=r["word"], name=r.get("name", ""), identifier=ident, line=i))
    return tuple(out)


def _pick(folder: Path, names: tuple[str, ...], suffix: str) -> Path | None:
    for n in names:
        if (folder / n).is_file():
            return folder / n
    hits = sorted(p for p in folder.glob(f"*{suffix}") if p.is_file())
    return hits[0] if len(hits) == 1 else None


def _front_matter_file(folder: Path) -> Path | None:
    p = _pick(folder, ("figure.md", "figure_metadata.yaml"), ".md")
    if p is not None:
        return p
    for cand in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml"), *folder.glob("*.txt")]):
        head = cand.read_text(encoding="utf-8", errors="replace").lstrip()[:400]
        if head.startswith("---") or re.search(r"^figid:", head, re.M):
            return cand
    return None


def _text(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if value is None or value == {} or str(value) in (".na.character", "NA"):
        return ""
    return str(value)


def read_pfocr_record(
    path: str | os.PathLike[str],
    *,
    genes: str | os.PathLike[str] | None = None,
    chemicals: str | os.PathLike[str] | None = None,
) -> FigureRecord:
    """Read a PFOCR figure record.

    Parameters
    ----------
    path : path
        A record folder (``figure.md`` + ``genes.tsv`` [+ ``chemicals.tsv``], or PFOCR's
        ``<figid>-genes.tsv`` names), or the front-matter file itself.
    genes, chemicals : path, optional
        The tables, when they are not beside the front matter.

    Returns
    -------
    FigureRecord

    Raises
    ------
    PFOCRFormatError
        A file is malformed or a required column is missing (file and line in the message).
    FileNotFoundError
        No front matter or no genes table was found; the message lists what was looked for.
    """
    p = Path(path)
    folder = p if p.is_dir() else p.parent
    fm = _front_matter_file(p) if p.is_dir() else p
    if fm is None or not fm.is_file():
        raise FileNotFoundError(
            f"{p}: no figure front matter found (looked for figure.md, figure_metadata.yaml, "
            "*.md/*.yaml/*.txt starting with 'figid:' or '---'); pass the record folder"
        )
    fields = parse_front_matter(fm.read_text(encoding="utf-8"), str(fm))
    figid = _text(fields.get("figid"))
    if not figid:
        raise PFOCRFormatError(f"{fm}:1: front matter has no 'figid' field; is this a PFOCR figure page?")
    gpath = Path(genes) if genes is not None else _pick(folder, ("genes.tsv", f"{figid}-genes.tsv"), "-genes.tsv")
    if gpath is None or not gpath.is_file():
        raise FileNotFoundError(
            f"{folder}: no genes table for {figid} (looked for genes.tsv and {figid}-genes.tsv); "
            "pass genes=PATH (CLI: --genes)"
        )
    cpath = (
        Path(chemicals)
        if chemicals is not None
        else _pick(folder, ("chemicals.tsv", f"{figid}-chemicals.tsv"), "-chemicals.tsv")
    )
    organisms = tuple(
        str(o)
        for key in ("organisms", "organisms_ner")
        for o in (fields.get(key) if isinstance(fields.get(key), list) else [fields.get(key)])
        if o and str(o) not in ("NA", ".na.character")
    )
    known = {"figid", "figtitle", "caption", "papertitle", "figid_alias", "organisms", "organisms_ner"}
    return FigureRecord(
        figid=figid,
        title=_text(fields.get("figtitle")),
        caption=_text(fields.get("caption")),
        genes=_genes(gpath),
        chemicals=_chemicals(cpath) if cpath is not None and cpath.is_file() else (),
        figid_alias=_text(fields.get("figid_alias")),
        papertitle=_text(fields.get("papertitle")),
        organisms=organisms,
        meta={k: v for k, v in fields.items() if k not in known},
        source=str(fm),
    )
