"""Write a curation: library TOML (genesets/ schema), exclusions TOML, audit TSV, GMT, review HTML."""

from __future__ import annotations

import html
import os
from pathlib import Path
from typing import TYPE_CHECKING

from .._atomic import atomic_dir
from ..io.bundled import parse_library_file
from ..io.gmt import gmt_text
from ..model import GeneSetCollection, Member

if TYPE_CHECKING:
    from .draft import Curation


def _q(value: str) -> str:
    """A TOML basic string."""
    s = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{s}"'


def _list(values: tuple[str, ...] | list[str]) -> str:
    return "[" + ", ".join(_q(v) for v in values) + "]"


def _member_line(m: Member) -> str:
    parts = [f"symbol = {_q(m.symbol)}", f"hgnc_id = {_q(m.hgnc_id)}", f"role = {_q(m.role)}",
             f"evidence = {_q(m.evidence)}"]
    if m.direction:
        parts.append(f"direction = {_q(m.direction)}")
    return "  { " + ", ".join(parts) + " },"


def library_toml(cur: Curation) -> str:
    """The draft library in the schema of ``genesets/mams.toml`` (readable by :func:`load_draft`)."""
    r = cur.record
    out = [
        f"# Draft curation of PFOCR figure {r.figid}, made by `mamsets curate` (review before use).",
        "# Schema: as genesets/mams.toml. Decisions and reasons for every OCR hit: audit.tsv.",
        "", "schema_version = 1", "", "[library]",
        f"name = {_q(cur.sets.name)}", 'version = "draft"', f"title = {_q(r.title)}",
        f"source_label = {_q('PFOCR ' + r.figid)}", f"pfocr_id = {_q(r.figid_alias or r.figid)}",
        f"pfocr_url = {_q('https://pfocr.wikipathways.org/figures/' + r.figid + '.html')}",
        f"citation = {_q(r.papertitle)}",
        'licence = "Figure record: PFOCR/WikiPathways, CC0. Gene identity: HGNC (genenames.org)."',
        f"caption = {_q(r.caption)}",
        f"pathways = {_list(sorted({p for s in cur.sets.sets for p in s.pathways}))}",
    ]
    if cur.empty_reason:
        out.append(f"empty_reason = {_q(cur.empty_reason)}")
    for s in cur.sets.sets:
        out += ["", "[[sets]]", f"id = {_q(s.id)}", f"title = {_q(s.title)}", f"level = {_q(s.level or 'figure')}",
                f"pathways = {_list(s.pathways)}", f"tags = {_list(s.tags)}", f"description = {_q(s.description)}"]
        if s.direction:
            out.append(f"direction = {_q(s.direction)}")
        out += ["members = [", *(_member_line(m) for m in s.members), "]"]
    return "\n".join(out) + "\n"


def exclusions_toml(cur: Curation) -> str:
    """Every PFOCR hit left out of the figure set, and every gene the curation added, with reasons."""
    a = cur.audit
    out = [f"# Audit of PFOCR figure {cur.figid}: hits left out of the figure set, and genes added.",
           "", "schema_version = 1"]
    for r in a[a["decision"].isin(("exclude", "family_only"))].itertuples(index=False):
        out += ["", "[[exclusions]]", f"keyword = {_q(r.symbol)}", f"hgnc_id = {_q(r.hgnc_id)}",
                f"pfocr_word = {_q(r.word)}", f"pfocr_match = {_q(r.match)}", f"pfocr_source = {_q(r.pfocr_source)}",
                f"decision = {_q(r.decision)}", f"reason = {_q(r.reason)}", f"evidence = {_q(r.evidence)}"]
    for r in a[a["pfocr_source"] == ""].itertuples(index=False):
        out += ["", "[[additions]]", f"symbol = {_q(r.symbol)}", f"hgnc_id = {_q(r.hgnc_id)}",
                f"route = {_q(r.route)}", f"reason = {_q(r.reason)}", f"evidence = {_q(r.evidence)}"]
    for m in cur.metabolites:
        out += ["", "[[metabolites]]", *(f"{k} = {_q(v)}" for k, v in m.items())]
    return "\n".join(out) + "\n"


def review_html(cur: Curation) -> str:
    """A one-page review: caption, then every decision, flagged and excluded rows first."""
    order = {"exclude": 0, "family_only": 1, "keep_flagged": 2, "keep": 3}
    a = cur.audit.assign(_o=cur.audit["decision"].map(order)).sort_values(["_o", "word"], kind="stable")
    cols = ["word", "symbol", "route", "route_reliability", "decision", "reason", "evidence"]
    head = "".join(f"<th>{c}</th>" for c in cols)
    body = "".join(
        f'<tr class="{html.escape(str(r["decision"]))}">'
        + "".join(f"<td>{html.escape('' if v is None else str(v))}</td>" for v in (r[c] for c in cols))
        + "</tr>"
        for _, r in a.iterrows()
    )
    sets = "".join(f"<li><b>{html.escape(s.id)}</b> ({len(s)}): {html.escape(' '.join(s.genes))}</li>"
                   for s in cur.sets.sets)
    empty = f"<p><b>Empty draft:</b> {html.escape(cur.empty_reason)}</p>" if cur.empty_reason else ""
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>curate "
        f"{html.escape(cur.figid)}</title><style>body{{font-family:sans-serif;max-width:80em}}"
        "td,th{border:1px solid #ccc;padding:2px 6px;font-size:90%}table{border-collapse:collapse}"
        ".exclude{background:#fdd}.family_only{background:#fed}.keep_flagged{background:#ffd}</style></head><body>"
        f"<h1>{html.escape(cur.record.title or cur.figid)}</h1><p>{html.escape(cur.figid)}</p>{empty}"
        f"<h2>Caption</h2><p>{html.escape(cur.record.caption)}</p><h2>Decisions</h2>"
        f"<table><tr>{head}</tr>{body}</table><h2>Draft sets</h2><ul>{sets}</ul></body></html>\n"
    )


def write_curation(cur: Curation, outdir: str | os.PathLike[str], *, overwrite: bool = False) -> Path:
    """Write the curation's files into ``outdir`` atomically (refusing an existing folder)."""
    with atomic_dir(outdir, overwrite=overwrite) as tmp:
        (tmp / "library.toml").write_text(library_toml(cur), encoding="utf-8")
        (tmp / "exclusions.toml").write_text(exclusions_toml(cur), encoding="utf-8")
        cur.audit.to_csv(tmp / "audit.tsv", sep="\t", index=False, lineterminator="\n")
        (tmp / "sets.gmt").write_text(gmt_text(cur.sets), encoding="utf-8")
        (tmp / "review.html").write_text(review_html(cur), encoding="utf-8")
    return Path(outdir)


def load_draft(path: str | os.PathLike[str], *, include_raw: bool = True) -> GeneSetCollection:
    """Read a draft ``library.toml`` back as a :class:`~mamsets.model.GeneSetCollection`.

    The draft goes through the bundled library's own parser and checks
    (:func:`mamsets.io.bundled.parse_library_file`: set ids, roles, levels, directions,
    pathways declared in ``[library] pathways``, titles, HGNC ids), so a draft that loads
    here is one the build, the exports and the engines accept unchanged.

    Parameters
    ----------
    path : path-like
        The draft's ``library.toml`` (or the folder holding it).
    include_raw : bool
        Keep the raw PFOCR set (tag ``raw``; false positives included, for comparison).

    Returns
    -------
    GeneSetCollection
        Human HGNC symbols with member provenance; the engines map it to the data's
        identifiers as they do the bundled library.

    Raises
    ------
    InputError
        The file cannot be read.
    MamsetsError
        The file is not valid TOML or breaks the schema (the message names file, set and field).
    """
    p = Path(path)
    if p.is_dir():
        p = p / "library.toml"
    meta, sets, _ = parse_library_file(p.resolve())
    return GeneSetCollection(sets=tuple(s for s in sets if include_raw or "raw" not in s.tags),
                             name=str(meta["name"]), version=str(meta["version"]), species="human",
                             id_type="symbol", source=str(p))
