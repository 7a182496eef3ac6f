"""The figure's claims: forest plot of verdicts and their members by claim."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import InputError
from ._base import DIVERGING, _mpl

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = ["VERDICT_STYLE", "claims_forest", "claims_member_heatmap"]


#: Marker and colour of each claim verdict in :func:`claims_forest`.
VERDICT_STYLE: dict[str, tuple[str, str]] = {
    "supported": ("o", "#1a9850"),
    "contradicted": ("X", "#d73027"),
    "inconclusive": ("s", "0.35"),
}


def claims_forest(result: Any, *, ax: Axes | None = None) -> Axes:
    """Forest plot of claim verdicts: each tested claim's shift with its interval.

    One row per tested claim (and contrast); the point is the Hodges-Lehmann shift of
    the members against all other genes (ranking units), the bar its confidence
    interval, the marker and colour the verdict, and a small arrow the direction the
    claim predicts for this contrast. Claims that were not testable are listed in the title count only.

    Parameters
    ----------
    result : ClaimsResult
        From :func:`mamsets.claims`.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    mpl = _mpl()
    plt = mpl.pyplot
    table = result.table
    tested = table[table["verdict"] != "not_testable"].reset_index(drop=True)
    n_skipped = int((table["verdict"] == "not_testable").sum())
    if "contrast" in tested.columns:
        labels = [f"{c}  {k}" for c, k in zip(tested["contrast"], tested["claim_id"])]
    else:
        labels = list(tested["claim_id"])
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 1.0 + 0.28 * max(len(tested), 1)))
    if len(tested) == 0:
        ax.text(0.5, 0.5, "no claim is testable with these data", ha="center", va="center",
                transform=ax.transAxes)
        ax.set_axis_off()
        return ax
    y = np.arange(len(tested))[::-1]
    finite = np.concatenate([tested[c].to_numpy(float) for c in ("effect", "effect_low", "effect_high")])
    finite = finite[np.isfinite(finite)]
    span = float(np.max(np.abs(finite))) if finite.size else 1.0
    lo = tested["effect_low"].to_numpy(float).clip(-1.1 * span, None)
    hi = tested["effect_high"].to_numpy(float).clip(None, 1.1 * span)
    lo[~np.isfinite(lo)] = -1.1 * span
    hi[~np.isfinite(hi)] = 1.1 * span
    for verdict, (marker, colour) in VERDICT_STYLE.items():
        sel = (tested["verdict"] == verdict).to_numpy()
        if not sel.any():
            continue
        ax.hlines(y[sel], lo[sel], hi[sel], color=colour, lw=1.6)
        ax.scatter(tested.loc[sel, "effect"], y[sel], marker=marker, color=colour, s=36, zorder=3,
                   label=f"{verdict} ({int(sel.sum())})")
    arrows = tested["predicted"] if "predicted" in tested.columns else tested["direction"]
    for yi, d in zip(y, arrows):
        ax.annotate("", xy=(1.1 * span * (1 if d == "up" else -1) * 0.98, yi),
                    xytext=(1.1 * span * (1 if d == "up" else -1) * 0.86, yi),
                    arrowprops={"arrowstyle": "->", "color": "0.55", "lw": 0.8})
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(y, labels, fontsize=7)
    ax.set_xlim(-1.15 * span, 1.15 * span)
    ax.set_xlabel(f"shift of members vs all other genes ({result.params.get('score_name', 'score')}),"
                  f" {int(100 * result.params.get('conf_level', 0.95))}% interval; arrow = predicted direction",
                  fontsize=8)
    ax.legend(fontsize=7, loc="lower right", frameon=False)
    ax.set_title(f"The figure's claims: {len(tested)} tested, {n_skipped} not testable with these data",
                 fontsize=9)
    return ax


def claims_member_heatmap(result: Any, *, max_rows: int = 200, ax: Axes | None = None) -> Axes:
    """Each claim's members' scores in each contrast, grouped by claim (tested claims only).

    Rows read ``CLAIM  MEMBER``; members not measured are grey. Claims sharing one test
    (``shared_with``) are drawn once.
    """
    mpl = _mpl()
    plt = mpl.pyplot
    table, members = result.table, result.members
    tested = table[table["verdict"] != "not_testable"]
    keep: list[str] = []
    for cid, shared in zip(tested["claim_id"], tested["shared_with"]):
        if cid not in keep and not (set(shared) & set(keep)):
            keep.append(cid)
    m = members[members["claim_id"].isin(keep)]
    if "contrast" in m.columns:
        wide = m.pivot_table(index=["claim_id", "member"], columns="contrast", values="score",
                             aggfunc="first", dropna=False)
    else:
        wide = m.set_index(["claim_id", "member"])[["score"]]
    wide = wide.reindex([(c, mm) for c in keep for mm in m.loc[m["claim_id"] == c, "member"].unique()])
    if len(wide) == 0:
        raise InputError("no tested claim has members to show")
    if len(wide) > max_rows:
        raise InputError(f"{len(wide)} rows is more than max_rows={max_rows}")
    mat = wide.to_numpy(float)
    lim = float(np.nanmax(np.abs(mat))) if np.isfinite(mat).any() else 1.0
    if ax is None:
        _, ax = plt.subplots(figsize=(3.2 + 0.7 * mat.shape[1], 1.0 + 0.22 * mat.shape[0]))
    cmap = mpl.colormaps[DIVERGING].with_extremes(bad="0.85")
    im = ax.imshow(np.ma.masked_invalid(mat), aspect="auto", cmap=cmap, vmin=-lim, vmax=lim,
                   interpolation="nearest")
    ax.set_yticks(range(len(wide)), [f"{c}  {g}" for c, g in wide.index], fontsize=7)
    cols = [str(c) for c in wide.columns] if "contrast" in m.columns else ["score"]
    ax.set_xticks(range(mat.shape[1]), cols, rotation=30, ha="right", fontsize=8)
    prev = None
    for i, (c, _) in enumerate(wide.index):
        if prev is not None and c != prev:
            ax.axhline(i - 0.5, color="black", lw=0.8)
        prev = c
    cb = ax.figure.colorbar(im, ax=ax, shrink=0.8)
    cb.set_label(str(result.params.get("score_name", "score")), fontsize=8)
    return ax
