"""The report's figures: which plots to draw, from which sets, and their PNG bytes.

matplotlib is imported only when a plot is drawn (through :mod:`mamsets.plot`).
"""

from __future__ import annotations

import base64
import io
import logging
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from ..io.ranking import Ranking
from ..model import GeneSetCollection
from ..results import EnrichmentResult
from ._common import _controls

log = logging.getLogger(__name__)

#: (file stem, caption, matplotlib Figure)
Figure = tuple[str, str, Any]


def _have_matplotlib() -> bool:
    import importlib.util

    return importlib.util.find_spec("matplotlib") is not None


def _png_bytes(fig: Any) -> bytes:
    """The figure as PNG (the same bytes for plots/*.png and the report), then closed."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def save_figures(figures: Sequence[Figure], tmp: Path, final: Path,
                 written: dict[str, Path]) -> list[tuple[str, str, str]]:
    """Write each figure to ``tmp/plots/<stem>.png`` (recorded in ``written`` under its final
    path) and return ``(stem, caption, base64 PNG)`` for the report: one PNG, two uses."""
    out = []
    for stem, cap, fig in figures:
        png = _png_bytes(fig)
        (tmp / "plots").mkdir(exist_ok=True)
        (tmp / "plots" / f"{stem}.png").write_bytes(png)
        written[f"plot:{stem}"] = final / "plots" / f"{stem}.png"
        out.append((stem, cap, base64.b64encode(png).decode("ascii")))
    return out


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
        from ..ids import detect_ids
        from ..io.bundled import ID_TYPES, SPECIES, controls, library

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
        from ..ids import map_ids
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
) -> list[Figure]:
    """(file stem, caption, matplotlib Figure) for every plot of the report."""
    figs: list[Figure] = []
    mapped = _mapped_collection(collection, ranking)
    controls = _controls(collection)
    for name, res in results.items():
        if len(res.table) == 0:
            continue
        figs.extend(_dotplot(name, res, several=len(results) > 1))
        if "nes" not in res.table.columns or ranking is None or mapped is None:
            continue
        figs.extend(_enrichment_plots(res, ranking, mapped, controls, n_enrichment=n_enrichment))
    if ranking is not None and mapped is not None:
        figs.extend(_member_heatmap(results, ranking, mapped, controls, heatmap_sets))
    return figs


def _dotplot(name: str, res: EnrichmentResult, *, several: bool) -> list[Figure]:
    from .. import plot

    t = res.table
    try:
        ax = plot.dotplot(res, top=30)
    except Exception as exc:  # noqa: BLE001
        log.warning("dot plot for %s failed: %s", name, exc)
        return []
    return [
        (f"dotplot_{name}" if several else "dotplot",
         f"{name}: sets by p-value" + (" across contrasts" if "contrast" in t else "")
         + "; ring = padj < 0.05", ax.figure)
    ]


def _enrichment_plots(
    res: EnrichmentResult,
    ranking: Ranking,
    mapped: GeneSetCollection,
    controls: set[str],
    *,
    n_enrichment: int,
) -> list[Figure]:
    """The best positive control, then the ``n_enrichment`` best other sets."""
    from .. import plot

    t = res.table
    figs: list[Figure] = []
    ctrl = t[t["term"].isin(controls)].sort_values("pval", kind="stable").head(1)
    # top sets: the hypotheses (reference sets such as the cytosolic ribosome are not shown)
    hyp = t["family"] == "hypothesis" if "family" in t.columns else ~t["term"].isin(controls)
    best = t[hyp & ~t["term"].isin(controls)].sort_values("pval", kind="stable").head(n_enrichment)
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
    return figs


def _member_heatmap(
    results: dict[str, EnrichmentResult],
    ranking: Ranking,
    mapped: GeneSetCollection,
    controls: set[str],
    heatmap_sets: Sequence[str] | None,
) -> list[Figure]:
    from .. import plot

    sets = list(heatmap_sets) if heatmap_sets is not None else _default_heatmap_sets(
        results, mapped, controls
    )
    sets = [s for s in sets if s in mapped]
    if not sets:
        return []
    shown, trimmed = _trim_to_leading_members(mapped, sets, results, ranking)
    shown_ids = {g for gs in shown for g in gs.genes}
    labels = {**_genome_symbols(shown_ids), **_ranking_symbols(ranking), **_symbol_labels(mapped)}
    try:
        ax = plot.member_heatmap(shown, ranking, sets=sets, max_rows=400, labels=labels)
    except InputError as exc:
        log.warning("member heatmap skipped: %s", exc)
        return []
    caption = (f"members of the {len(sets)} most significant sets (controls left out): each "
               "member's score in each contrast (grey = not measured)")
    if trimmed:
        caption += (f"; sets over {PER_SET} members show their {PER_SET} leading-edge members "
                    "with the largest |score|")
    return [("member_heatmap", caption, ax.figure)]


#: Members per set in the member heatmap for large sets (leading edge, largest |score| first).
PER_SET = 12


def _trim_to_leading_members(
    mapped: GeneSetCollection, sets: Sequence[str], results: dict[str, EnrichmentResult],
    ranking: Ranking,
) -> tuple[GeneSetCollection, bool]:
    """The chosen sets, large ones cut to their leading-edge members with the largest |score|."""
    edges: dict[str, set[str]] = {}
    for res in results.values():
        if "leading_edge" in res.table.columns:
            for term, le in zip(res.table["term"], res.table["leading_edge"]):
                edges.setdefault(term, set()).update(le)
    best = ranking.series(ranking.contrasts[0]).abs()
    out, trimmed = [], False
    for gs in mapped:
        if gs.id not in sets or len(gs.genes) <= PER_SET:
            out.append(gs)
            continue
        pool = [g for g in gs.genes if g in edges.get(gs.id, ())] or list(gs.genes)
        pool.sort(key=lambda g: -float(best.get(g, 0.0)))
        out.append(gs.with_genes(pool[:PER_SET]))
        trimmed = True
    return mapped.replace_sets(out), trimmed


def _genome_symbols(ids: set[str]) -> dict[str, str]:
    """Entrez / Ensembl id -> symbol from the shipped genome-wide tables (human, mouse, rat)."""
    wanted = {i for i in ids if i.isdigit() or i.upper().startswith("ENS")}
    if not wanted:
        return {}
    try:
        from ..ids.tables import _human, _Ortholog, _orthologs
    except Exception:  # noqa: BLE001 - labels are cosmetic
        return {}
    out: dict[str, str] = {}
    h = _human()
    for i in wanted:
        hid = h.entrez.get(i) or h.ensembl.get(i.split(".")[0].upper()) or h.ensembl.get(i)
        if hid and hid in h.to_symbol:
            out[i] = h.to_symbol[hid]
    rest = wanted - set(out)
    if rest:
        for orths in _orthologs().values():
            for group in orths.values():
                for o in map(_Ortholog._make, group):
                    if o.entrez in rest:
                        out[o.entrez] = o.symbol
                    for e in o.ensembl:
                        if e in rest:
                            out[e] = o.symbol
    return out


def _ranking_symbols(ranking: Ranking) -> dict[str, str]:
    """Identifier -> symbol from a symbol column of the user's table, when it has one."""
    out: dict[str, str] = {}
    for c in ranking.contrasts:
        t = ranking.table(c)
        col = next((x for x in t.columns if str(x).lower() in
                    ("symbol", "gene_symbol", "gene_name", "genesymbol", "hgnc_symbol",
                     "external_gene_name")), None)
        if col is None:
            return out
        out.update({str(k): str(v) for k, v in t[col].items() if isinstance(v, str) and v})
    return out


def _symbol_labels(collection: GeneSetCollection) -> dict[str, str]:
    """Identifier -> gene symbol for the bundled members, when the ids are not symbols."""
    if collection.id_type in ("symbol", "unknown") or collection.species not in ("human", "mouse", "rat"):
        return {}
    try:
        from ..io.bundled import identity_table

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
    max_sets: int = 6,
) -> list[str]:
    """The most significant non-control sets (by smallest p in any contrast), skipping sets
    mostly shown already by a better one."""
    best: dict[str, float] = {}
    for res in results.values():
        t = res.table
        if len(t) == 0:
            continue
        if "family" in t.columns:
            t = t[t["family"] == "hypothesis"]
        for term, p in t.groupby("term")["pval"].min().items():
            if np.isfinite(p):
                best[term] = min(p, best.get(term, np.inf))
    chosen, shown = [], set()
    for term in sorted(best, key=lambda k: (best[k], k)):
        if term in controls or term not in collection:
            continue
        genes = set(collection[term].genes)
        if len(genes & shown) > 0.5 * len(genes):
            continue  # mostly members already shown by a better set
        chosen.append(term)
        shown |= genes
        if len(chosen) >= max_sets:
            break
    return chosen
