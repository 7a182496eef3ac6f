"""The HTML report: results turned into plain values and rendered by the packaged Jinja2 template.

The template (``templates/report.html.j2``, with ``macros.html.j2`` and
``report.css``) decides the layout; this module decides the content: which
rows, how numbers are written, which rows are highlighted. Every value goes to
the template as text and is escaped there (autoescaping), so nothing from the
results (set names, descriptions, parameters) can inject markup.
"""

from __future__ import annotations

import base64
import datetime as _dt
import functools
import json
import logging
import platform
from collections.abc import Mapping, Sequence
from typing import Any

import jinja2
import numpy as np
import pandas as pd

from ..io.ranking import Ranking
from ..model import GeneSetCollection
from ._common import Results, _as_mapping, _controls, _fmt_p
from .figures import _bundled_for, _figures, _have_matplotlib, _png_bytes
from .text import methods_text, text_summary

log = logging.getLogger(__name__)

_P_COLUMNS = ("pval", "padj", "fdr_gsea")


@functools.cache
def _environment() -> jinja2.Environment:
    """The template environment (built on first use; loads from the installed package)."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("mamsets", "report/templates"),
        autoescape=jinja2.select_autoescape(("html", "html.j2")),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _kv_rows(items: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Key/value pairs as text; containers as JSON, cut at 400 characters."""
    rows = []
    for k, v in items.items():
        if isinstance(v, (Mapping, list, tuple)):
            v = json.dumps(v, default=str, sort_keys=True)
            if len(v) > 400:
                v = v[:400] + " ..."
        rows.append((str(k), str(v)))
    return rows


def _cell(column: str, v: Any) -> tuple[bool, str]:
    """(is a number, text) of one table cell: p-values by _fmt_p, other floats to 4 digits."""
    if isinstance(v, tuple):
        v = ";".join(map(str, v))
    if isinstance(v, (float, np.floating)):
        txt = _fmt_p(v) if column in _P_COLUMNS else ("NA" if not np.isfinite(v) else f"{v:.4g}")
        return True, txt
    if isinstance(v, (int, np.integer)) and not isinstance(v, bool):
        return True, str(v)
    return False, str(v)


def _frame_view(df: pd.DataFrame, *, sig_col: str | None = "padj", alpha: float = 0.05,
                controls: set[str] | None = None, max_rows: int = 2000) -> dict[str, Any]:
    """A table for the template: columns, rows (class 'ctrl', 'sig' or '') and rows left out."""
    controls = controls or set()
    cols = list(df.columns)
    rows = []
    for _, r in df.head(max_rows).iterrows():
        cls = ""
        if "term" in r and r["term"] in controls:
            cls = "ctrl"
        elif sig_col and sig_col in r and pd.notna(r[sig_col]) and float(r[sig_col]) < alpha:
            cls = "sig"
        rows.append({"cls": cls, "cells": [_cell(c, r[c]) for c in cols]})
    return {"columns": [str(c) for c in cols], "rows": rows,
            "more": len(df) - max_rows if len(df) > max_rows else 0}


def _mapping_view(mapping: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The identifier mapping as blocks: scalars in one table, then one block per entry."""
    if not mapping:
        return []
    blocks: list[dict[str, Any]] = []

    def block(heading: str | None = None, *, rows: list | None = None,
              frame: dict | None = None, text: str | None = None) -> dict[str, Any]:
        return {"heading": heading, "rows": rows, "frame": frame, "text": text}

    scalars = {k: v for k, v in mapping.items() if not isinstance(v, (Mapping, list, tuple))}
    if scalars:
        blocks.append(block(rows=_kv_rows(scalars)))
    for k, v in mapping.items():
        if k in scalars:
            continue
        frame = None
        if isinstance(v, (list, tuple)) and v and all(isinstance(x, Mapping) for x in v):
            frame = pd.DataFrame(list(v))
        elif isinstance(v, Mapping) and v and all(isinstance(x, Mapping) for x in v.values()):
            frame = pd.DataFrame.from_dict(dict(v), orient="index")
            frame.index.name = "set"
            frame = frame.reset_index()
        if frame is not None:
            blocks.append(block(str(k), frame=_frame_view(frame, sig_col=None)))
        elif isinstance(v, Mapping):
            blocks.append(block(str(k), rows=_kv_rows(v)))  # empty: "none"
        elif isinstance(v, (list, tuple)) and all(not isinstance(x, (Mapping, list)) for x in v):
            blocks.append(block(str(k), text=", ".join(map(str, v)) if v else "none"))
        else:
            blocks.append(block(rows=_kv_rows({k: v})))
    return blocks


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for pkg in ("mamsets", "numpy", "scipy", "pandas", "matplotlib", "gseapy"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            continue
    return out


def _embedded_figures(
    res: dict, ranking: Ranking | None, collection: GeneSetCollection | None, *,
    plots: bool, n_enrichment: int, heatmap_sets: Sequence[str] | None,
) -> list[tuple[str, str, str]]:
    """(stem, caption, base64 PNG) of every plot; none without matplotlib."""
    if not plots:
        return []
    if not _have_matplotlib():
        log.warning("matplotlib is not installed: report without plots (pip install 'mamsets[plot]')")
        return []
    figs = _figures(res, ranking, collection, n_enrichment=n_enrichment, heatmap_sets=heatmap_sets)
    return [(stem, cap, base64.b64encode(_png_bytes(f)).decode("ascii")) for stem, cap, f in figs]


def _claims_section(claims: Any, figs: list[tuple[str, str, str]] | None,
                    plots: bool) -> dict[str, Any] | None:
    """The template's claims section (figures drawn here unless given)."""
    if claims is None:
        return None
    from .claims import claims_figures, claims_view

    if figs is None:
        figs = ([(s, c, base64.b64encode(_png_bytes(f)).decode("ascii"))
                 for s, c, f in claims_figures(claims)] if plots else [])
    return claims_view(claims, figs)


def claims_report_html(claims: Any, *, _figs: list[tuple[str, str, str]] | None = None,
                       input_metadata: Mapping[str, Any] | None = None, alpha: float = 0.05,
                       title: str | None = None) -> str:
    """A report of claim verdicts alone (``mamsets claims``): verdicts, members, parameters."""
    from .claims import claims_text

    members = claims.members
    return _environment().get_template("report.html.j2").render(
        claims=_claims_section(claims, _figs, True),
        claims_note="",
        title=title or "mamsets: the figure's claims on your data",
        generated=_dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        package_version=claims.package_version,
        summary=claims_text(claims),
        has_controls=False,
        methods=str(claims.params.get("test", "")) + "; " + str(claims.params.get("padj_scope", "")),
        input_rows=_kv_rows(input_metadata) if input_metadata is not None else None,
        gene_sets=_kv_rows({"claims version": claims.params.get("claims_version"),
                            "library version": claims.params.get("library_version"),
                            "library sha256": claims.params.get("library_sha256")}),
        results=[{"name": "claim members", "method": "member view",
                  "params": _kv_rows(dict(claims.params)), "mapping": _mapping_view(claims.mapping),
                  "n_rows": len(members), "table": _frame_view(members, sig_col=None)}],
        alpha=f"{alpha:g}",
        figures=[],
        software=_kv_rows({**_versions(), "platform": platform.platform()}),
    )


def report_html(
    results: Results,
    *,
    ranking: Ranking | None = None,
    collection: GeneSetCollection | None = None,
    title: str | None = None,
    plots: bool = True,
    n_enrichment: int = 4,
    heatmap_sets: Sequence[str] | None = None,
    alpha: float = 0.05,
    claims: Any = None,
    claims_note: str = "",
    _figs: list[tuple[str, str, Any]] | None = None,
    _claims_figs: list[tuple[str, str, str]] | None = None,
) -> str:
    """Render a self-contained HTML report (one string; no external resources).

    Parameters
    ----------
    results : EnrichmentResult or mapping name -> EnrichmentResult
        E.g. ``{"gsea": gsea_result, "ora": ora_result}``.
    ranking : Ranking, optional
        The input ranking: its reading summary is shown and it drives the
        enrichment plots and the member heatmap.
    collection : GeneSetCollection, optional
        The gene sets used (any identifier space: mapped to the ranking's with
        :func:`mamsets.ids.map_ids` when needed); sets tagged ``"control"``
        are shown as positive controls.
    title : str, optional
    plots : bool
        Embed the plots (needs matplotlib).
    n_enrichment : int
        Enrichment plots for this many top sets per GSEA result (plus the best
        positive control).
    heatmap_sets : sequence of str, optional
        Sets for the member heatmap (default: up to 6 of the most significant
        non-control sets, at most 40 members each).
    alpha : float
        Rows with ``padj < alpha`` are highlighted.
    claims : ClaimsResult, optional
        Verdicts on the figure's claims (:func:`mamsets.claims`): the report opens
        with them (section ``id="claims"``, before ``id="results"``).
    claims_note : str
        Shown in the claims section when ``claims`` is None (why there are none).

    Returns
    -------
    str
        The HTML document.
    """
    res = _as_mapping(results)
    if collection is None:
        collection = _bundled_for(res, ranking)
    controls = _controls(collection)
    first = next(iter(res.values()))
    coll_info: dict[str, Any] = {
        "name": first.collection_name,
        "version": first.collection_version,
        "sha256": first.collection_sha256,
    }
    if collection is not None:
        coll_info.update({"sets": len(collection), "species": collection.species,
                          "id_type": collection.id_type, "positive controls": sorted(controls)})
    figs = _figs if _figs is not None else _embedded_figures(
        res, ranking, collection, plots=plots, n_enrichment=n_enrichment,
        heatmap_sets=heatmap_sets,
    )
    return _environment().get_template("report.html.j2").render(
        claims=_claims_section(claims, _claims_figs, plots),
        claims_note=claims_note,
        title=title or f"mamsets report: {', '.join(res)} on {first.collection_name}",
        generated=_dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        package_version=first.package_version,
        summary=text_summary(res, collection=collection, ranking=ranking, alpha=alpha),
        has_controls=bool(controls),
        methods=methods_text(res, ranking=ranking),
        input_rows=_kv_rows(ranking.metadata()) if ranking is not None else None,
        gene_sets=_kv_rows(coll_info),
        results=[
            {"name": name, "method": r.method, "params": _kv_rows(dict(r.params)),
             "mapping": _mapping_view(r.mapping), "n_rows": len(r.table),
             "table": _frame_view(r.table, alpha=alpha, controls=controls)}
            for name, r in res.items()
        ],
        alpha=f"{alpha:g}",
        figures=[{"stem": s, "caption": c, "b64": b} for s, c, b in figs or ()],
        software=_kv_rows({**_versions(), "platform": platform.platform()}),
    )
