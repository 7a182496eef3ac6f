"""Single-sample scores by group (``mamsets score``, :func:`mamsets.compare_scores`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import InputError
from ._base import _mpl

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["score_groups"]


def score_groups(
    scores: pd.DataFrame | Any,
    phenotype: pd.Series | Sequence[Any],
    *,
    compare: pd.DataFrame | None = None,
    sets: Sequence[str] | None = None,
    max_sets: int = 12,
    fig: Figure | None = None,
) -> Figure:
    """Single-sample scores by group: one panel per set, each sample a point over a box.

    Parameters
    ----------
    scores : DataFrame or ScoresResult
        Samples x sets (``ScoresResult.scores``).
    phenotype : Series or sequence
        Each sample's group (aligned by sample name for a Series, else by position).
    compare : DataFrame, optional
        :func:`mamsets.compare_scores` output: each panel's title then gives the
        difference with its interval and ``padj``; sets are ordered by ``pval``.
    sets : sequence of str, optional
        Sets to draw (default: the ``max_sets`` smallest p in ``compare``, else the first).
    max_sets : int
        Panels at most.
    fig : matplotlib Figure, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    mpl = _mpl()
    plt = mpl.pyplot
    s = getattr(scores, "scores", scores)
    if not isinstance(s, pd.DataFrame):
        raise InputError("scores: pass ScoresResult.scores (samples x sets) or the ScoresResult")
    groups = (phenotype.reindex(s.index) if isinstance(phenotype, pd.Series)
              else pd.Series(list(phenotype), index=s.index))
    if groups.isna().any() or len(groups) != len(s):
        raise InputError("phenotype: one group per sample, aligned to the scores' sample names")
    if sets is None:
        if compare is not None and len(compare):
            order = compare.sort_values("pval", kind="stable")["term"].drop_duplicates()
            sets = [t for t in order if t in s.columns][:max_sets]
        else:
            sets = list(s.columns[:max_sets])
    sets = list(sets)[:max_sets]
    if not sets:
        raise InputError("no set to draw")
    levels = list(dict.fromkeys(groups.tolist()))
    ncol = min(4, len(sets))
    nrow = int(np.ceil(len(sets) / ncol))
    if fig is None:
        fig = plt.figure(figsize=(3.0 * ncol, 2.6 * nrow))
    rng = np.random.default_rng(0)  # jitter only; fixed so the figure is reproducible
    info = compare.drop_duplicates("term").set_index("term") if compare is not None and len(compare) else None
    for k, term in enumerate(sets):
        ax = fig.add_subplot(nrow, ncol, k + 1)
        data = [s.loc[groups == g, term].to_numpy(float) for g in levels]
        ax.boxplot(data, widths=0.5, showfliers=False)
        for i, d in enumerate(data, start=1):
            ax.scatter(i + rng.uniform(-0.12, 0.12, d.size), d, s=10, alpha=0.7, color="#2a6f97")
        ax.set_xticks(range(1, len(levels) + 1), [str(g) for g in levels], fontsize=7)
        ax.tick_params(axis="y", labelsize=7)
        title = term if len(term) <= 34 else term[:32] + "..."
        if info is not None and term in info.index:
            r = info.loc[term]
            cols = {c: r[c] for c in ("effect", "effect_low", "effect_high", "padj") if c in r}
            if len(cols) == 4:
                title += (f"\n{cols['effect']:+.3g} [{cols['effect_low']:+.3g}, "
                          f"{cols['effect_high']:+.3g}], padj {cols['padj']:.2g}")
        ax.set_title(title, fontsize=7)
    fig.tight_layout()
    return fig
