"""The claims in reports: verdict table, text lines, figures and the ``claims`` output folder.

A report leads with the answer to the user's question (does my data support the
figure's claims?), so :func:`claims_view` gives the template a compact verdict
table and the forest plot; :func:`write_claims_outputs` writes the folder of
``mamsets claims``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._atomic import atomic_dir
from .figures import _have_matplotlib, save_figures

__all__ = ["claims_text", "claims_view", "claims_figures", "write_claims_tables",
           "write_claims_outputs"]

_ORDER = {"supported": 0, "contradicted": 1, "inconclusive": 2, "not_testable": 3}


def _counts(table: pd.DataFrame) -> str:
    counts = table["verdict"].value_counts()
    return ", ".join(f"{counts.get(v, 0)} {v.replace('_', ' ')}" for v in _ORDER)


def claims_text(result: Any) -> str:
    """A few plain lines: verdict counts, then each claim that was not inconclusive."""
    t = result.table
    lines = [f"The figure's claims ({len(t)} claim x contrast rows): {_counts(t)}."]
    called = t[t["verdict"].isin(["supported", "contradicted"])]
    for _, r in called.iterrows():
        where = f"[{r['contrast']}] " if "contrast" in t.columns else ""
        lines.append(f"  {where}{r['claim_id']}: {r['verdict']} - {r['reason']}")
    if called.empty and (t["verdict"] == "inconclusive").any():
        lines.append("  No claim supported or contradicted; each inconclusive row states the shift "
                     "its interval excludes and the shift the test would have found.")
    return "\n".join(lines)


def claims_figures(result: Any) -> list[tuple[str, str, Any]]:
    """(stem, caption, Figure): the forest plot and, when members were measured, the heatmap."""
    if not _have_matplotlib():
        return []
    import matplotlib.pyplot as plt

    from ..plot import claims_forest, claims_member_heatmap

    out = []
    ax = claims_forest(result)
    out.append(("claims_forest", "Each tested claim: shift of its members against all other genes "
                "(ranking units) with its interval; marker = verdict; arrow = the claimed direction.",
                ax.figure))
    tested = result.table["verdict"] != "not_testable"
    if tested.any() and (result.members["gene"] != "").any():
        try:
            ax = claims_member_heatmap(result)
            out.append(("claims_members", "Members of the tested claims: each member's score in "
                        "each contrast, grouped by claim (grey: not measured).", ax.figure))
        except Exception:  # noqa: BLE001 - a plot must not cost the user the report
            plt.close("all")
    return out


def _fmt_shift(r: pd.Series) -> str:
    if not np.isfinite(r["effect"]):
        return ""
    lo, hi = (("-inf" if not np.isfinite(v) else f"{v:+.2g}") for v in (r["effect_low"], r["effect_high"]))
    return f"{r['effect']:+.2g} [{lo}, {hi}]"


def claims_view(result: Any, figures: list[tuple[str, str, str]] | None = None) -> dict[str, Any]:
    """The claims section for the template: counts, a compact table, embedded figures.

    One row per claim (and contrast), verdicts first: contrast, claim, subject, what is
    claimed (direction and level), how the data read it, members found, the shift with
    its interval, the shift the test would have found, padj, verdict and the reason.
    """
    t = result.table.copy()
    t["_o"] = t["verdict"].map(_ORDER)
    t = t.sort_values(["_o", "claim_id"], kind="stable").drop(columns="_o")
    view = pd.DataFrame({
        **({"contrast": t["contrast"]} if "contrast" in t.columns else {}),
        "claim": t["claim_id"], "subject": t["subject"],
        "claimed": t["direction"] + ", " + t["level"], "read as": t["readout"],
        "found": t["n_found"].astype(str) + "/" + t["n_members"].astype(str),
        "shift [95% CI]": [_fmt_shift(r) for _, r in t.iterrows()],
        "detectable": [f"{v:+.2g}" if np.isfinite(v) else "" for v in t["detectable_shift"]],
        "padj": [f"{v:.2g}" if np.isfinite(v) else "" for v in t["padj"]],
        "verdict": t["verdict"], "reason": t["reason"],
    })
    rows = [{"cls": {"supported": "sup", "contradicted": "con"}.get(v, ""),
             "cells": [(c in ("found", "shift [95% CI]", "detectable", "padj"), str(x))
                       for c, x in zip(view.columns, vals)]}
            for v, vals in zip(t["verdict"], view.itertuples(index=False))]
    return {
        "counts": _counts(result.table),
        "params": f"{result.params.get('test', '')}; {result.params.get('padj_scope', '')}; "
                  f"data level: {result.params.get('data_level', '')}; seed "
                  f"{result.params.get('seed')}",
        "table": {"columns": list(view.columns), "rows": rows, "more": 0},
        "figures": [{"stem": s, "caption": c, "b64": b} for s, c, b in figures or ()],
    }


def write_claims_tables(result: Any, tmp: Path, final: Path) -> dict[str, Path]:
    """``claims.tsv`` (``#`` metadata line) and ``claims_members.tsv`` into ``tmp``."""
    result.to_tsv(tmp / "claims.tsv")
    result._joined(result.members).to_csv(tmp / "claims_members.tsv", sep="\t", index=False,
                                           lineterminator="\n")
    return {"claims": final / "claims.tsv", "claims_members": final / "claims_members.tsv"}


def write_claims_outputs(
    result: Any,
    outdir: str | os.PathLike[str],
    *,
    overwrite: bool = False,
    plots: bool = True,
    input_metadata: dict[str, Any] | None = None,
) -> dict[str, Path]:
    """Write the folder of ``mamsets claims`` atomically.

    Files: ``claims.tsv`` (the verdict table, ``#`` JSON metadata line),
    ``claims_members.tsv`` (the member view), ``params.json``, ``summary.txt``,
    ``report.html`` (verdicts first, then members, then parameters) and
    ``plots/claims_forest.png``, ``plots/claims_members.png``.
    """
    from .render import claims_report_html

    final = Path(outdir)
    written: dict[str, Path] = {}
    plots = plots and _have_matplotlib()
    with atomic_dir(final, overwrite=overwrite) as tmp:
        written.update(write_claims_tables(result, tmp, final))
        meta = {"claims": result.metadata()}
        if input_metadata is not None:
            meta["input"] = input_metadata
        (tmp / "params.json").write_text(json.dumps(meta, indent=2, sort_keys=True, default=str)
                                         + "\n", encoding="utf-8")
        written["params"] = final / "params.json"
        (tmp / "summary.txt").write_text(claims_text(result) + "\n", encoding="utf-8")
        written["summary"] = final / "summary.txt"
        figs = save_figures(claims_figures(result), tmp, final, written) if plots else []
        (tmp / "report.html").write_text(claims_report_html(result, _figs=figs,
                                                            input_metadata=input_metadata),
                                         encoding="utf-8")
        written["report"] = final / "report.html"
    return written
