"""Files from results: one report, or a run's complete output folder written atomically."""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from .._atomic import atomic_dir, atomic_write_text
from ..io.ranking import Ranking
from ..model import GeneSetCollection
from ._common import Results, _as_mapping
from .figures import _bundled_for, _figures, _have_matplotlib, save_figures
from .text import text_summary

log = logging.getLogger(__name__)


def _render(*args: Any, **kwargs: Any) -> str:
    # through the package, so that mamsets.report.report_html is the one name to replace
    # (tests break it there to prove a failed run leaves nothing behind)
    from .. import report

    return report.report_html(*args, **kwargs)


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
    text = _render(results, ranking=ranking, collection=collection, **kwargs)
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
    claims: Any = None,
    claims_note: str = "",
) -> dict[str, Path]:
    """Write a run's complete output folder atomically (see :mod:`mamsets.report` for the files).

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
    claims : ClaimsResult, optional
        Verdicts on the figure's claims: written to ``claims.tsv`` and
        ``claims_members.tsv``, drawn in ``plots/claims_*.png``, and shown first in
        the report.
    claims_note : str
        Shown in the report's claims section when ``claims`` is None.

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
        written.update(_write_tables(res, ranking, collection, tmp, final))
        figs: list[tuple[str, str, str]] = []
        claim_figs: list[tuple[str, str, str]] = []
        if claims is not None:
            from .claims import claims_figures, write_claims_tables

            written.update(write_claims_tables(claims, tmp, final))
        if plots:
            (tmp / "plots").mkdir()
            if claims is not None:
                claim_figs = save_figures(claims_figures(claims), tmp, final, written)
            figs = save_figures(_figures(res, ranking, collection, n_enrichment=n_enrichment,
                                         heatmap_sets=heatmap_sets), tmp, final, written)
        (tmp / "report.html").write_text(
            _render(res, ranking=ranking, collection=collection, plots=plots, _figs=figs,
                    claims=claims, claims_note=claims_note, _claims_figs=claim_figs),
            encoding="utf-8",
        )
        written["report"] = final / "report.html"
    return written


def _write_tables(
    res: dict, ranking: Ranking | None, collection: GeneSetCollection | None,
    tmp: Path, final: Path,
) -> dict[str, Path]:
    """results*.tsv, params.json, ranking.tsv and summary.txt into ``tmp``; role -> final path."""
    written: dict[str, Path] = {}
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
    return written
