"""``curate_figure``: a PFOCR figure record in, an audited draft library out."""

from __future__ import annotations

import os
import re
from collections import defaultdict
from dataclasses import dataclass, fields
from pathlib import Path

import pandas as pd

from ..io.pfocr import FigureRecord, read_pfocr_record
from ..model import GeneSet, GeneSetCollection, Member
from . import _words as W
from ._decide import decide, directions, propose
from ._hgnc import hgnc
from .core import AUDIT_COLUMNS, Row, classify

__all__ = ["Curation", "curate_figure"]

_ROLE = {"caption_symbol": "caption", "caption_alias": "caption", "caption_family": "caption", "caption_definition": "caption",
         "group_completion": "family_member"}
KEPT = ("keep", "keep_flagged")


@dataclass(frozen=True)
class Curation:
    """The draft curation of one figure.

    Attributes
    ----------
    figid : str
    record : FigureRecord
    audit : pandas.DataFrame
        One row per (OCR word, gene) and per proposed gene, columns :data:`AUDIT_COLUMNS`
        (fixed, also when empty); ``decision`` is ``keep``, ``keep_flagged``, ``family_only``
        or ``exclude``.
    sets : GeneSetCollection
        Draft sets in human HGNC symbols with member provenance: the raw PFOCR set, the
        figure set, family/complex sets, pathway sets (caption sections), signed sets and
        explicitly marked ``family_expansion`` sets.
    metabolites : tuple of dict
        Non-gene words with ChEBI ids (``word, name, chebi, direction, evidence``).
    empty_reason : str
        Why the draft has no kept gene (``""`` otherwise).
    """

    figid: str
    record: FigureRecord
    audit: pd.DataFrame
    sets: GeneSetCollection
    metabolites: tuple[dict[str, str], ...]
    empty_reason: str = ""

    @property
    def kept(self) -> tuple[str, ...]:
        """Symbols of the figure set (kept and kept-with-flag genes, proposals included)."""
        return tuple(self.audit.loc[self.audit["decision"].isin(KEPT), "symbol"].drop_duplicates())

    def write(self, outdir: str | os.PathLike[str], *, overwrite: bool = False) -> Path:
        """Write ``library.toml``, ``exclusions.toml``, ``audit.tsv``, ``sets.gmt`` and ``review.html``.

        The folder is written atomically and never replaced unless ``overwrite`` (CLI ``--force``).
        """
        from ._write import write_curation

        return write_curation(self, outdir, overwrite=overwrite)


def _prefix(record: FigureRecord) -> str:
    base = re.sub(r"[^A-Za-z0-9]+", "_", record.figid_alias or record.figid).strip("_").upper()
    return base if re.match(r"[A-Z]", base) else f"F_{base}"  # set ids start with a letter


def _slug(label: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", label).strip("_").upper() or "SET"


def _member(r: Row, direction: str | None, quote: str) -> Member:
    if r.pfocr_source:
        ev = f"PFOCR word '{r.word}' -> '{r.match}' ({r.pfocr_source}); route {r.route}; {r.reason}"
    else:
        ev = f"{r.reason}; {r.evidence}"
    if quote:
        ev += f" | {quote}"
    return Member(symbol=r.symbol, hgnc_id=r.hgnc_id, role=_ROLE.get(r.route, "figure_keyword"),  # type: ignore[arg-type]
                  evidence=ev, direction=direction)  # type: ignore[arg-type]


def _sets(record: FigureRecord, rows: list[Row], dirs: dict[str, str], secs: dict[str, set[str]],
          quotes: dict[str, str]) -> list[GeneSet]:
    p = _prefix(record)
    kept: dict[str, Row] = {}
    for r in rows:
        if r.decision in KEPT and r.hgnc_id not in kept:
            kept[r.hgnc_id] = r
    mem = {h: _member(r, dirs.get(h), quotes.get(h, "")) for h, r in kept.items()}
    src = f"PFOCR {record.figid}"
    out: list[GeneSet] = []

    def add(sid: str, title: str, ids: list[str], level: str | None, tags: tuple[str, ...],
            pathways: tuple[str, ...] = (), direction: str | None = None, members: dict[str, Member] = mem) -> None:
        ids = list(dict.fromkeys(ids))
        title = " ".join(title.replace("|", "/").split())  # one line, no GMT separator
        if ids:
            ms = tuple(members[i] for i in ids)
            out.append(GeneSet(id=sid, genes=tuple(m.symbol for m in ms), description=f"{title} | {src} | {tags[0]}",
                               title=title, level=level, pathways=pathways, members=ms, tags=tags, direction=direction))

    raw_rows: dict[str, Row] = {}
    for r in rows:
        if r.pfocr_source and r.hgnc_id and r.hgnc_id not in raw_rows:
            raw_rows[r.hgnc_id] = r
    raw_mem = {h: _member(r, None, "") for h, r in raw_rows.items()}
    add(f"{p}_RAW_PFOCR", "Raw PFOCR genes of the figure (includes false positives)", list(raw_rows), "figure",
        ("raw",), members=raw_mem)
    all_secs = tuple(sorted({s for h in kept for s in secs.get(h, ()) if s}))
    add(f"{p}_FIGURE", record.title or "All curated genes of the figure", list(kept), "figure", ("curated",), all_secs)
    groups: dict[str, list[str]] = defaultdict(list)
    for h, r in kept.items():
        if r.group:
            groups[r.group].append(h)
    for label, ids in groups.items():
        if len(ids) >= 2:
            add(f"{p}_{_slug(label)}", f"{label} (family/complex drawn in the figure)", ids, "family", ("curated",),
                tuple(sorted({s for h in ids for s in secs.get(h, ()) if s})))
    by_sec: dict[str, list[str]] = defaultdict(list)
    for h in kept:
        for s in sorted(secs.get(h, ())):
            if s:
                by_sec[s].append(h)
    for s, ids in by_sec.items():
        add(f"{p}_{_slug(s)}", f"{s.replace('_', ' ')} (caption section)", ids, "pathway", ("curated",), (s,))
    for d in ("up", "down", "activated"):
        add(f"{p}_FIGURE_{d.upper()}", f"Genes the caption says go {d}", [h for h in kept if dirs.get(h) == d],
            "figure", ("signed",), all_secs, direction=d)
    fam_only: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        if r.decision == "family_only" and r.hgnc_id:
            fam_only[r.group or W.word_key(r.word)].append(r)
    for label, rs in fam_only.items():
        fm = {r.hgnc_id: _member(r, None, "") for r in rs}
        add(f"{p}_{_slug(label)}_FAMILY_EXPANSION", f"Lexicon family expansion of '{rs[0].word}' (not trimmed)",
            list(fm), "family", ("family_expansion",), members=fm)
    return out


def _metabolites(record: FigureRecord, rows: list[Row]) -> tuple[dict[str, str], ...]:
    found: dict[str, dict[str, str]] = {}
    text = W.plain(record.caption)
    for c in record.chemicals:
        found.setdefault(c.identifier or c.word, {"word": c.word, "name": c.name, "chebi": c.identifier,
                                                  "evidence": "PFOCR chemicals table"})
    for tok in dict.fromkeys(W.tokens(record.caption) + [r.word for r in rows if r.decision == "exclude"]):
        ng = W.non_gene(tok)
        if ng and ng[1] and ng[1] not in found:
            found[ng[1]] = {"word": W.clean_word(tok), "name": ng[0], "chebi": ng[1], "evidence": "non-gene vocabulary"}
    for m in found.values():
        hit = re.search(rf"(?<![A-Za-z0-9]){re.escape(m['word'])}", text, re.I)
        m["direction"] = (W.direction_before(text, hit.start()) or "") if hit else ""
    return tuple(found.values())


def curate_figure(record: FigureRecord | str | os.PathLike[str]) -> Curation:
    """Curate a PFOCR figure record into audited, mechanism-level draft gene sets.

    Parameters
    ----------
    record : FigureRecord or path
        A record from :func:`mamsets.io.pfocr.read_pfocr_record`, or its folder.

    Returns
    -------
    Curation
        ``audit`` (every decision with reason and evidence), ``sets`` (draft collection),
        ``metabolites``; ``empty_reason`` says why nothing was kept, if so.

    Notes
    -----
    Deterministic and offline (HGNC 2024-10 tables shipped with mamsets). Rules, not
    figure-specific lists: each lexicon route's measured precision
    (:data:`mamsets.curate.core.ROUTE_RELIABILITY`) sets how much caption support it needs.
    """
    rec = record if isinstance(record, FigureRecord) else read_pfocr_record(record)
    reason = ""
    if not rec.genes:
        reason = f"{rec.figid}: the genes table has no rows"
    elif not rec.human_genes():
        species = sorted({g.organism_id for g in rec.genes})
        reason = f"{rec.figid}: no human (9606) rows; organisms in the table: {species}"
    hgnc()
    ctx, rows = classify(rec)
    if not rec.caption.strip() and not reason:
        reason = f"{rec.figid}: no caption; decisions use the genes table only (no caption support, no groups)"
    decide(ctx, rows)
    if rec.human_genes():  # caption proposals only add to a human record, never make one
        rows += propose(ctx, rows)
    dirs, secs, quotes = directions(ctx, rows)
    audit = pd.DataFrame(
        [{**{f.name: getattr(r, f.name) for f in fields(Row)}, "route_reliability": r.reliability} for r in rows],
        columns=list(AUDIT_COLUMNS),
    ).astype({"line": "int64", "word_genes": "int64", "route_reliability": "float64"})
    if not reason and not audit["decision"].isin(KEPT).any():
        reason = f"{rec.figid}: every gene row was excluded (see the audit's reasons)"
    coll = GeneSetCollection(sets=tuple(_sets(rec, rows, dirs, secs, quotes)), name=_prefix(rec).lower(),
                             version="draft", species="human", id_type="symbol", source=rec.source)
    return Curation(figid=rec.figid, record=rec, audit=audit, sets=coll,
                    metabolites=_metabolites(rec, rows), empty_reason=reason)
