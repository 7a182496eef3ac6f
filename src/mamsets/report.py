"""Reports from enrichment results: a plain-text summary and a self-contained HTML file.

The HTML report is one file that opens offline: inline CSS, plots embedded as
base64 PNG, no scripts and no network access. It records everything needed to
repeat or judge the run: the parameters (seed included), the package and
library versions, the collection's sha256, how the input was read (which score
was chosen and what was dropped), the identifier mapping summary, the full
results table and the plots.

:func:`write_run_outputs` writes a complete output folder atomically (nothing
is left half-written; an existing folder is kept unless ``overwrite=True``):

==========================  =====================================================
file                        content
==========================  =====================================================
``results.tsv``             the (first) result table, ``#`` JSON metadata header
``results_<name>.tsv``      further results of the run (e.g. ``results_ora.tsv``)
``params.json``             metadata of every result (parameters, versions, sha256)
``ranking.tsv``             the ranking used (contrast, gene, score, ...), if given
``summary.txt``             the plain-text summary printed by the CLI
``report.html``             the self-contained report
``plots/*.png``             dot plot, enrichment plots, member heatmap
==========================  =====================================================
"""

from __future__ import annotations

import base64
import datetime as _dt
import html
import io
import json
import logging
import os
import platform
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ._atomic import atomic_dir
from .errors import InputError
from .io.ranking import Ranking
from .model import GeneSetCollection
from .results import EnrichmentResult, stack_results  # stack_results: re-exported from results

__all__ = [
    "CONTROL_TAG",
    "methods_text",
    "report_html",
    "stack_results",
    "text_summary",
    "write_report",
    "write_run_outputs",
]

log = logging.getLogger(__name__)

#: Sets carrying this tag are positive controls (shown first, read first).
CONTROL_TAG = "control"

Results = EnrichmentResult | Mapping[str, EnrichmentResult]


def _as_mapping(results: Results) -> dict[str, EnrichmentResult]:
    if isinstance(results, EnrichmentResult):
        return {results.method: results}
    if isinstance(results, Mapping) and results and all(
        isinstance(v, EnrichmentResult) for v in results.values()
    ):
        return dict(results)
    raise InputError(
        "pass an EnrichmentResult or a non-empty mapping name -> EnrichmentResult "
        f"(got {type(results).__name__})"
    )


def _controls(collection: GeneSetCollection | None) -> set[str]:
    if collection is None:
        return set()
    return {gs.id for gs in collection if CONTROL_TAG in gs.tags}


def _fmt_p(v: Any) -> str:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return str(v)
    if not np.isfinite(f):
        return "NA"
    if f == 0:
        return "0"
    return f"{f:.2g}" if f >= 1e-3 else f"{f:.1e}"


# --------------------------------------------------------------------------- text
def text_summary(
    results: Results,
    *,
    collection: GeneSetCollection | None = None,
    ranking: Ranking | None = None,
    top: int = 8,
    alpha: float = 0.05,
) -> str:
    """A short plain-text summary (what the CLI prints).

    For each result: the collection (name, version, sha256 prefix), how many
    sets were tested and how many pass ``padj < alpha``, the positive-control
    sets (tag ``"control"`` in ``collection``) first, then the ``top`` other
    sets by p-value.
    """
    out: list[str] = []
    if ranking is not None:
        out.append(f"input: {ranking.source} ({ranking.style}); {ranking.how_chosen}")
    controls = _controls(collection)
    for name, res in _as_mapping(results).items():
        t = res.table
        sha = res.collection_sha256[:12]
        out.append(
            f"[{name}] {res.method} on {res.collection_name} {res.collection_version} "
            f"(sha256 {sha}), mamsets {res.package_version}"
        )
        if len(t) == 0:
            out.append("  no set was tested (check sizes and identifier mapping)")
            continue
        n_sig = int((t["padj"] < alpha).sum()) if "padj" in t else 0
        by = [c for c in ("contrast", "query") if c in t.columns]
        out.append(f"  {len(t)} tests, {n_sig} with padj < {alpha:g}")
        ctrl = t[t["term"].isin(controls)].sort_values("pval", kind="stable")
        rest = t[~t["term"].isin(controls)].sort_values("pval", kind="stable")
        if len(ctrl):
            out.append("  positive controls (best first):")
            out.extend("    " + _row_text(r, by) for _, r in ctrl.head(max(top // 2, 2)).iterrows())
            if len(ctrl) > max(top // 2, 2):
                out.append(f"    ... {len(ctrl) - max(top // 2, 2)} more control rows in the table")
        out.append(f"  top {min(top, len(rest))} sets by p-value:" if len(ctrl) else
                   f"  top {min(top, len(rest))} by p-value:")
        out.extend("    " + _row_text(r, by) for _, r in rest.head(top).iterrows())
    return "\n".join(out)


def _row_text(r: pd.Series, by: list[str]) -> str:
    where = "".join(f"[{r[c]}] " for c in by)
    if "nes" in r:
        eff = f"NES {r['nes']:+.2f}" if np.isfinite(r["nes"]) else "NES NA"
    elif "fold_enrichment" in r:
        eff = f"overlap {int(r['overlap'])}/{int(r['size'])}, fold {r['fold_enrichment']:.2f}"
    else:
        eff = ""
    return f"{where}{r['term']}: {eff}, p {_fmt_p(r['pval'])}, padj {_fmt_p(r['padj'])}"


def _n_removed(ranking: Ranking) -> int:
    return sum(ranking.n_dropped_missing_gene.values()) + sum(ranking.n_dropped_nonfinite.values())


_ORA_TESTS = {
    "greater": "the hypergeometric upper tail P(X >= k) (one-sided Fisher's exact test)",
    "less": "the hypergeometric lower tail P(X <= k) (one-sided Fisher's exact test for depletion)",
    "two-sided": "the two-sided Fisher's exact test (minimum-likelihood rule, summing the "
    "hypergeometric probabilities no larger than that of the observed overlap)",
}


def methods_text(results: Results, *, ranking: Ranking | None = None) -> str:
    """A methods paragraph for a paper, filled in from the results' recorded parameters.

    Check it before use: it states what mamsets computed (versions, gene sets by
    name, version and sha256, score, p-value method, seed, multiple-testing
    correction), not why; add your study's context.

    References
    ----------
    .. [1] Subramanian A. et al. (2005) PNAS 102:15545. doi:10.1073/pnas.0506580102
    .. [2] Korotkevich G. et al. (2021) Fast gene set enrichment analysis. bioRxiv 060012.
       doi:10.1101/060012
    .. [3] Benjamini Y., Hochberg Y. (1995) J R Stat Soc B 57:289-300.
       doi:10.1111/j.2517-6161.1995.tb02031.x
    """
    res = _as_mapping(results)
    first = next(iter(res.values()))
    parts = []
    sets = (f"the gene sets '{first.collection_name}' (version {first.collection_version or 'n/a'}, "
            f"sha256 {first.collection_sha256[:16]}...)")
    if ranking is not None:
        parts.append(
            f"Genes were ranked by {ranking.score_name} from the {ranking.style} results table "
            f"({ranking.how_chosen.split(':')[0].replace('ranked by ', '')}); "
            + (f"duplicated identifiers were resolved by '{ranking.duplicates}' and "
               if any(ranking.n_duplicates_resolved.values()) else "")
            + f"{_n_removed(ranking)} rows without an identifier or score were removed."
        )
    for r in res.values():
        p = dict(r.params)
        if r.method == "gsea":
            how = p.get("pvalue_method", "multilevel")
            pv = (
                "p-values were estimated with the adaptive multilevel splitting method "
                f"(Korotkevich et al. 2021; sample size {p.get('sample_size')}, floor eps "
                f"{p.get('eps')})"
                if how == "multilevel"
                else f"p-values were estimated from {p.get('n_perm')} gene-set permutations "
                "as (k + 1)/(n + 1)"
            )
            parts.append(
                f"Preranked gene set enrichment analysis (Subramanian et al. 2005) was run with "
                f"mamsets {r.package_version} on {sets}, with weight p = {p.get('weight')}, "
                f"testing sets with {p.get('min_size')} to {p.get('max_size')} members in the "
                f"ranking; {pv}. The normalised enrichment score is the ES divided by the mean "
                "of the same-signed null ES (as in fgsea). p-values were adjusted with the "
                "Benjamini-Hochberg procedure"
                + (f" {p['padj_scope']}" if "padj_scope" in p else "")
                + f". Random seed: {p.get('seed')}"
                + ("; each contrast was run with its own seed spawned from it ("
                   + ", ".join(f"{c}: {v}" for c, v in p["contrast_seeds"].items()) + ")"
                   if isinstance(p.get("contrast_seeds"), Mapping) else "")
                + "."
            )
        elif r.method == "ora":
            alt = p.get("alternative", "greater")
            test = _ORA_TESTS.get(alt, f"the hypergeometric test (alternative {alt!r})")
            lo, hi = p.get("min_size"), p.get("max_size")
            size = (
                f", testing sets with {lo} to {hi} members in the universe"
                if hi is not None
                else f", testing sets with at least {lo} members in the universe"
            ) if lo is not None else ""
            parts.append(
                f"{'Over' if alt == 'greater' else 'Over- or under' if alt == 'two-sided' else 'Under'}"
                f"-representation was tested with mamsets {r.package_version} on {sets} by "
                f"{test} against a universe of the {p.get('universe_size')} genes measured"
                f"{size}; p-values were adjusted with the Benjamini-Hochberg procedure"
                + (f" {p['padj_scope']}" if "padj_scope" in p else " per query") + "."
            )
        if r.mapping:
            m = dict(r.mapping)
            found, total = m.get("n_set_members_found"), m.get("n_set_members")
            if found is not None and total:
                parts.append(f"{found} of {total} set members were found among the measured genes.")
    return " ".join(parts)


# --------------------------------------------------------------------------- figures
def _have_matplotlib() -> bool:
    import importlib.util

    return importlib.util.find_spec("matplotlib") is not None


def _png(fig: Any) -> str:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _bundled_for(
    results: dict[str, EnrichmentResult], ranking: Ranking | None
) -> GeneSetCollection | None:
    """The bundled library + controls in the ranking's identifier space, when the results used them.

    Lets callers that ran on the default library (``collection=None``) still get
    enrichment plots, the member heatmap and the control rows marked.
    """
    if ranking is None:
        return None
    terms = {t for r in results.values() if len(r.table) for t in r.table["term"]}
    try:
        from .ids import detect_ids
        from .io.bundled import ID_TYPES, SPECIES, controls, library

        det = detect_ids(list(ranking.genes))
        id_type = "ensembl" if det.id_type == "ensembl_versioned" else det.id_type
        if det.species not in SPECIES or id_type not in ID_TYPES:
            return None
        lib = library(det.species, id_type)
        sets = lib.sets + controls(det.species, id_type).sets
    except Exception as exc:  # noqa: BLE001 - plots are optional; say why they are missing
        log.warning("could not load the bundled library for the plots: %s", exc)
        return None
    if not terms & {gs.id for gs in sets}:
        return None
    return GeneSetCollection(sets, name=lib.name, version=lib.version, species=det.species,
                             id_type=id_type, source=lib.source)


def _mapped_collection(
    collection: GeneSetCollection | None, ranking: Ranking | None
) -> GeneSetCollection | None:
    """The collection in the ranking's identifier space (mapped with map_ids when needed)."""
    if collection is None or ranking is None:
        return collection
    genes = set(ranking.genes)
    members = collection.genes
    if members and len(members & genes) >= 0.5 * len(members):
        return collection
    try:
        from .ids import map_ids
    except ImportError:  # pragma: no cover - identifier module not available
        return collection
    try:
        mapped = map_ids(collection, list(ranking.genes))
    except Exception as exc:  # noqa: BLE001 - plots are optional; say why they are missing
        log.warning("could not map the collection to the ranking's identifiers: %s", exc)
        return collection
    return mapped[0] if isinstance(mapped, tuple) else mapped


def _figures(
    results: dict[str, EnrichmentResult],
    ranking: Ranking | None,
    collection: GeneSetCollection | None,
    *,
    n_enrichment: int,
    heatmap_sets: Sequence[str] | None,
) -> list[tuple[str, str, Any]]:
    """(file stem, caption, matplotlib Figure) for every plot of the report."""
    from . import plot

    figs: list[tuple[str, str, Any]] = []
    mapped = _mapped_collection(collection, ranking)
    controls = _controls(collection)
    for name, res in results.items():
        t = res.table
        if len(t) == 0:
            continue
        try:
            ax = plot.dotplot(res, top=30)
            figs.append(
                (f"dotplot_{name}" if len(results) > 1 else "dotplot",
                 f"{name}: sets by p-value" + (" across contrasts" if "contrast" in t else "")
                 + "; ring = padj < 0.05", ax.figure)
            )
        except Exception as exc:  # noqa: BLE001
            log.warning("dot plot for %s failed: %s", name, exc)
        if "nes" not in t.columns or ranking is None or mapped is None:
            continue
        ctrl = t[t["term"].isin(controls)].sort_values("pval", kind="stable").head(1)
        best = t[~t["term"].isin(controls)].sort_values("pval", kind="stable").head(n_enrichment)
        for _, row in pd.concat([ctrl, best]).iterrows():
            term = str(row["term"])
            contrast = str(row["contrast"]) if "contrast" in t.columns else None
            if term not in mapped:
                continue
            weight = float(res.params.get("weight", 1.0))
            try:
                fig = plot.enrichment_plot(
                    ranking, mapped[term], weight=weight, contrast=contrast,
                    title=term + (f" [{contrast}]" if contrast else ""), stats=row,
                )
            except InputError as exc:
                log.warning("enrichment plot of %s skipped: %s", term, exc)
                continue
            stem = "enrichment_" + re.sub(r"[^A-Za-z0-9_.-]+", "_", term + (f"_{contrast}" if contrast else ""))
            figs.append((stem, f"{term}" + (f" in {contrast}" if contrast else "") +
                         (" (positive control)" if term in controls else ""), fig))
    if ranking is not None and mapped is not None:
        sets = list(heatmap_sets) if heatmap_sets is not None else _default_heatmap_sets(
            results, mapped, controls
        )
        sets = [s for s in sets if s in mapped]
        if sets:
            try:
                ax = plot.member_heatmap(mapped, ranking, sets=sets, max_rows=400,
                                         labels=_symbol_labels(mapped))
                caption = ("member genes of the most significant mechanism sets: score in each "
                           "contrast (grey = not measured)")
                figs.append(("member_heatmap", caption, ax.figure))
            except InputError as exc:
                log.warning("member heatmap skipped: %s", exc)
    return figs


def _symbol_labels(collection: GeneSetCollection) -> dict[str, str]:
    """Identifier -> gene symbol for the bundled members, when the ids are not symbols."""
    if collection.id_type in ("symbol", "unknown") or collection.species not in ("human", "mouse", "rat"):
        return {}
    try:
        from .io.bundled import identity_table

        t = identity_table()
    except Exception:  # noqa: BLE001 - labels are cosmetic
        return {}
    prefix = "" if collection.species == "human" else f"{collection.species}_"
    col, sym = prefix + collection.id_type, prefix + "symbol"
    if col not in t.columns or sym not in t.columns:
        return {}
    return {str(k): str(v) for k, v in zip(t[col], t[sym]) if k and v}


def _default_heatmap_sets(
    results: dict[str, EnrichmentResult], collection: GeneSetCollection, controls: set[str],
    max_rows: int = 120,
) -> list[str]:
    best: dict[str, float] = {}
    for res in results.values():
        if len(res.table) == 0:
            continue
        for term, p in res.table.groupby("term")["pval"].min().items():
            best[term] = min(p, best.get(term, np.inf))
    chosen, rows, shown = [], 0, set()
    for term in sorted(best, key=lambda k: best[k]):
        if term in controls or term not in collection:
            continue
        genes = set(collection[term].genes)
        n = len(genes)
        if n > 40 or rows + n > max_rows or len(genes & shown) > 0.5 * n:
            continue  # too big, or mostly members already shown by a better set
        chosen.append(term)
        shown |= genes
        rows += n
        if len(chosen) >= 6:
            break
    return chosen


# --------------------------------------------------------------------------- html
_CSS = """
body{font-family:-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;margin:2em auto;max-width:1100px;
color:#222;line-height:1.45;padding:0 1em}
h1{font-size:1.5em;border-bottom:2px solid #2a6f97;padding-bottom:.2em}
h2{font-size:1.2em;color:#2a6f97;margin-top:1.6em}
table{border-collapse:collapse;font-size:.82em;margin:.5em 0}
th,td{border:1px solid #ddd;padding:.25em .5em;text-align:left;vertical-align:top}
th{background:#f1f5f9;position:sticky;top:0}
tr.sig td{background:#fff4d6}
tr.ctrl td{background:#e8f4ea}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.meta td:first-child{font-weight:600;white-space:nowrap}
.note{background:#f7f7f7;border-left:4px solid #2a6f97;padding:.5em 1em;font-size:.9em}
figure{margin:1em 0}
figcaption{font-size:.85em;color:#555}
img{max-width:100%}
.scroll{max-height:34em;overflow:auto;border:1px solid #eee}
code{background:#f3f3f3;padding:0 .2em}
"""


def _e(x: Any) -> str:
    return html.escape(str(x))


def _kv_table(items: Mapping[str, Any]) -> str:
    rows = []
    for k, v in items.items():
        if isinstance(v, (Mapping, list, tuple)):
            v = json.dumps(v, default=str, sort_keys=True)
            if len(v) > 400:
                v = v[:400] + " ..."
        rows.append(f"<tr><td>{_e(k)}</td><td>{_e(v)}</td></tr>")
    return "<table class='meta'>" + "".join(rows) + "</table>"


def _frame_html(df: pd.DataFrame, *, sig_col: str | None = "padj", alpha: float = 0.05,
                controls: set[str] | None = None, max_rows: int = 2000) -> str:
    controls = controls or set()
    cols = list(df.columns)
    head = "".join(f"<th>{_e(c)}</th>" for c in cols)
    body = []
    for _, r in df.head(max_rows).iterrows():
        cls = ""
        if "term" in r and r["term"] in controls:
            cls = " class='ctrl'"
        elif sig_col and sig_col in r and pd.notna(r[sig_col]) and float(r[sig_col]) < alpha:
            cls = " class='sig'"
        cells = []
        for c in cols:
            v = r[c]
            if isinstance(v, tuple):
                v = ";".join(map(str, v))
            if isinstance(v, (float, np.floating)):
                txt = _fmt_p(v) if c in ("pval", "padj", "fdr_gsea") else (
                    "NA" if not np.isfinite(v) else f"{v:.4g}")
                cells.append(f"<td class='num'>{_e(txt)}</td>")
            elif isinstance(v, (int, np.integer)) and not isinstance(v, bool):
                cells.append(f"<td class='num'>{v}</td>")
            else:
                cells.append(f"<td>{_e(v)}</td>")
        body.append(f"<tr{cls}>" + "".join(cells) + "</tr>")
    more = f"<p>{len(df) - max_rows} more rows in the TSV.</p>" if len(df) > max_rows else ""
    return f"<div class='scroll'><table><tr>{head}</tr>{''.join(body)}</table></div>{more}"


def _mapping_html(mapping: Mapping[str, Any]) -> str:
    if not mapping:
        return "<p>No identifier mapping was recorded (identifiers used as given).</p>"
    parts = []
    scalars = {k: v for k, v in mapping.items() if not isinstance(v, (Mapping, list, tuple))}
    if scalars:
        parts.append(_kv_table(scalars))
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
            parts.append(f"<h4>{_e(k)}</h4>" + _frame_html(frame, sig_col=None))
        elif isinstance(v, Mapping):
            parts.append(f"<h4>{_e(k)}</h4>" + (_kv_table(v) if v else "<p>none</p>"))
        elif isinstance(v, (list, tuple)) and all(not isinstance(x, (Mapping, list)) for x in v):
            parts.append(f"<h4>{_e(k)}</h4><p>{_e(', '.join(map(str, v))) if v else 'none'}</p>")
        else:
            parts.append(_kv_table({k: v}))
    return "".join(parts)


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for pkg in ("mamsets", "numpy", "scipy", "pandas", "matplotlib", "gseapy"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            continue
    return out


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
    _figs: list[tuple[str, str, Any]] | None = None,
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
    title = title or f"mamsets report: {', '.join(res)} on {first.collection_name}"
    now = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        (
            f"<p>Generated {now} by mamsets {_e(first.package_version)}. This file is "
            "self-contained: it needs no network access and can be attached to a lab notebook "
            "or a paper's supplement as is.</p>"
        ),
    ]
    summary = text_summary(res, collection=collection, ranking=ranking, alpha=alpha)
    parts.append("<h2>Summary</h2><pre class='note'>" + _e(summary) + "</pre>")
    if controls:
        parts.append(
            "<p class='note'>Read the positive controls (green rows) first: if they are not "
            "enriched as expected, suspect the input (identifiers, species, sign of the "
            "contrast, choice of score) before reading anything into the other sets.</p>"
        )
    parts.append("<h2>Methods text</h2><p class='note'>" + _e(methods_text(res, ranking=ranking))
                 + "</p><p>Generated from the recorded parameters; check it and add your study's "
                 "context before use.</p>")
    if ranking is not None:
        parts.append("<h2>Input</h2>" + _kv_table(ranking.metadata()))
    parts.append("<h2>Gene sets</h2>")
    coll_info = {
        "name": first.collection_name,
        "version": first.collection_version,
        "sha256": first.collection_sha256,
    }
    if collection is not None:
        coll_info.update({"sets": len(collection), "species": collection.species,
                          "id_type": collection.id_type, "positive controls": sorted(controls)})
    parts.append(_kv_table(coll_info))

    figs = _figs
    if figs is None and plots and not _have_matplotlib():
        log.warning("matplotlib is not installed: report without plots (pip install 'mamsets[plot]')")
        plots = False
    if figs is None and plots:
        figs = _figures(res, ranking, collection, n_enrichment=n_enrichment,
                        heatmap_sets=heatmap_sets)
        figs = [(stem, cap, _png(f)) for stem, cap, f in figs]
    for name, r in res.items():
        parts.append(f"<h2>Results: {_e(name)} ({_e(r.method)})</h2>")
        parts.append("<h3>Parameters</h3>" + _kv_table(dict(r.params)))
        parts.append("<h3>Identifier mapping</h3>" + _mapping_html(r.mapping))
        parts.append(
            f"<h3>Table</h3><p>{len(r.table)} rows; highlighted: padj &lt; {alpha:g}"
            + ("; green: positive controls" if controls else "") + ".</p>"
        )
        parts.append(_frame_html(r.table, alpha=alpha, controls=controls))
    if figs:
        parts.append("<h2>Plots</h2>")
        for stem, cap, b64 in figs:
            parts.append(
                f"<figure><img alt='{_e(stem)}' src='data:image/png;base64,{b64}'>"
                f"<figcaption>{_e(cap)}</figcaption></figure>"
            )
    parts.append("<h2>Software</h2>" + _kv_table({**_versions(), "platform": platform.platform()}))
    parts.append("</body></html>\n")
    return "\n".join(parts)


def write_report(
    results: Results,
    path: str | os.PathLike[str],
    *,
    ranking: Ranking | None = None,
    collection: GeneSetCollection | None = None,
    overwrite: bool = False,
    **kwargs: Any,
) -> Path:
    """Write :func:`report_html` to ``path`` atomically (refuses to overwrite unless asked)."""
    from ._atomic import atomic_write_text

    text = report_html(results, ranking=ranking, collection=collection, **kwargs)
    return atomic_write_text(path, text, overwrite=overwrite)


def _ranking_frame(ranking: Ranking) -> pd.DataFrame:
    frames = []
    for c in ranking.contrasts:
        t = ranking.table(c).reset_index()
        t.insert(0, "contrast", c)
        frames.append(t)
    return pd.concat(frames, ignore_index=True)


def write_run_outputs(
    result: Results,
    outdir: str | os.PathLike[str],
    *,
    ranking: Ranking | None = None,
    collection: GeneSetCollection | None = None,
    overwrite: bool = False,
    plots: bool = True,
    n_enrichment: int = 4,
    heatmap_sets: Sequence[str] | None = None,
) -> dict[str, Path]:
    """Write a run's complete output folder atomically (see the module docstring for the files).

    Parameters
    ----------
    result : EnrichmentResult or mapping name -> EnrichmentResult
        The first result goes to ``results.tsv``, others to ``results_<name>.tsv``.
    outdir : path
        Output folder; built in a temporary sibling and moved into place at the
        end, so a failed run leaves nothing behind.
    ranking : Ranking, optional
        Written to ``ranking.tsv`` and used for the enrichment plots and heatmap.
    collection : GeneSetCollection, optional
        The gene sets (controls are recognised by their ``"control"`` tag).
        Default: when the results used the bundled library, the library and
        controls in the ranking's detected species and identifier type.
    overwrite : bool
        Replace an existing folder (CLI: ``--force``).
    plots : bool
        Write PNG plots and embed them in the report (needs matplotlib).

    Returns
    -------
    dict
        File role -> final path.

    Raises
    ------
    OutputExistsError
        ``outdir`` exists and ``overwrite`` is false.
    """
    res = _as_mapping(result)
    if plots and not _have_matplotlib():
        log.warning("matplotlib is not installed: writing the report without plots "
                    "(pip install 'mamsets[plot]')")
        plots = False
    if collection is None:
        collection = _bundled_for(res, ranking)
    final = Path(outdir)
    written: dict[str, Path] = {}
    with atomic_dir(final, overwrite=overwrite) as tmp:
        for i, (name, r) in enumerate(res.items()):
            fname = "results.tsv" if i == 0 else f"results_{re.sub(r'[^A-Za-z0-9_-]+', '_', name)}.tsv"
            r.to_tsv(tmp / fname)
            written[name] = final / fname
        params = {name: r.metadata() for name, r in res.items()}
        if ranking is not None:
            params["input"] = ranking.metadata()
        (tmp / "params.json").write_text(
            json.dumps(params, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8"
        )
        written["params"] = final / "params.json"
        if ranking is not None:
            _ranking_frame(ranking).to_csv(tmp / "ranking.tsv", sep="\t", index=False,
                                           lineterminator="\n")
            written["ranking"] = final / "ranking.tsv"
        summary = text_summary(res, collection=collection, ranking=ranking)
        (tmp / "summary.txt").write_text(summary + "\n", encoding="utf-8")
        written["summary"] = final / "summary.txt"
        figs: list[tuple[str, str, str]] = []
        if plots:
            (tmp / "plots").mkdir()
            for stem, cap, fig in _figures(res, ranking, collection, n_enrichment=n_enrichment,
                                           heatmap_sets=heatmap_sets):
                buf = io.BytesIO()
                fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
                import matplotlib.pyplot as plt

                plt.close(fig)
                (tmp / "plots" / f"{stem}.png").write_bytes(buf.getvalue())
                written[f"plot:{stem}"] = final / "plots" / f"{stem}.png"
                figs.append((stem, cap, base64.b64encode(buf.getvalue()).decode("ascii")))
        (tmp / "report.html").write_text(
            report_html(res, ranking=ranking, collection=collection, plots=plots, _figs=figs),
            encoding="utf-8",
        )
        written["report"] = final / "report.html"
    return written
