"""Figures from rankings and enrichment results (matplotlib, imported lazily).

Every function returns the matplotlib ``Figure`` or ``Axes`` it drew on and
never calls ``show()``; pass ``ax=`` to draw into your own layout. Install the
``plot`` extra (``pip install mamsets[plot]``) for matplotlib.

- :func:`enrichment_plot` -- the classic GSEA figure: running sum, hit
  positions and the ranking metric.
- :func:`dotplot` -- sets x contrasts (or ORA queries): colour NES (GSEA) or
  -log10 adjusted p (ORA), size -log10 p (GSEA) or overlap (ORA), a ring where
  ``padj < alpha``.
- :func:`claims_forest` -- the figure's claims: shift of each claim's members with its
  interval, marked by verdict; :func:`claims_member_heatmap` -- their members, grouped by claim.
- :func:`member_heatmap` -- for each mechanism set, each member gene's score or
  log fold change in the user's data: which members moved.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from ..errors import InputError, TiesWarning
from ..io.ranking import Ranking
from ..model import GeneSet, GeneSetCollection
from ..results import EnrichmentResult

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["VERDICT_STYLE", "claims_forest", "claims_member_heatmap", "dotplot", "enrichment_plot",
           "member_heatmap",
           "score_groups",
           "running_sum_table"]

from ._base import DIVERGING, _mpl
from .claims import VERDICT_STYLE, claims_forest, claims_member_heatmap
from .scores import score_groups


def _as_scores(ranking: pd.Series | Ranking, contrast: str | None = None) -> pd.Series:
    if isinstance(ranking, Ranking):
        return ranking.series(contrast)
    if isinstance(ranking, pd.Series):
        s = ranking.astype("float64")
        if not np.all(np.isfinite(s.to_numpy())):
            raise InputError("ranking has missing or non-finite scores; clean it with read_ranking(dropna=True)")
        if s.index.has_duplicates:
            raise InputError("ranking has duplicated genes; resolve them with read_ranking(duplicates=...)")
        return s.sort_values(ascending=False, kind="stable")
    raise InputError(
        f"ranking: got {type(ranking).__name__}; pass a pandas Series (gene -> score) or a Ranking"
    )


def running_sum_table(
    ranking: pd.Series | Ranking,
    gene_set: GeneSet | Iterable[str],
    *,
    weight: float = 1.0,
    contrast: str | None = None,
) -> pd.DataFrame:
    """The running enrichment score along the ranking, one row per ranked gene.

    Columns: ``rank`` (1-based), ``gene``, ``score``, ``hit`` (member of the
    set), ``running_sum``. Computed by :func:`mamsets.engines.gsea.running_sum`,
    the code that computes the tested enrichment score (same gene order and tie
    rule), so the plot always shows the statistic that was tested.
    """
    from ..engines.gsea import running_sum

    scores = _as_scores(ranking, contrast)
    genes = list(gene_set.genes if isinstance(gene_set, GeneSet) else gene_set)
    with warnings.catch_warnings():
        # ties are reported when the ranking is read and when GSEA runs; not again per plot
        warnings.simplefilter("ignore", TiesWarning)
        rs = running_sum(scores, genes, weight=weight)
    n = len(rs.ranked_genes)
    hit = np.zeros(n, dtype=bool)
    hit[np.asarray(rs.positions, dtype=int)] = True
    return pd.DataFrame(
        {
            "rank": np.arange(1, n + 1),
            "gene": np.asarray(rs.ranked_genes, dtype=object),
            "score": np.asarray(rs.ranked_scores, dtype="float64"),
            "hit": hit,
            "running_sum": np.asarray(rs.curve, dtype="float64"),
        }
    )


def enrichment_plot(
    ranking: pd.Series | Ranking,
    gene_set: GeneSet | Iterable[str],
    *,
    weight: float = 1.0,
    contrast: str | None = None,
    title: str | None = None,
    stats: Mapping[str, Any] | pd.Series | None = None,
    figsize: tuple[float, float] = (6.0, 4.5),
    label_hits: int = 12,
    fig: Figure | None = None,
) -> Figure:
    """The classic GSEA enrichment plot for one set.

    Three stacked panels: the running enrichment score (with the ES marked at
    its peak), a tick for each member's position in the ranking, and the
    ranking metric itself.

    Parameters
    ----------
    ranking : pandas.Series or Ranking
        Gene -> score (sorted decreasing here). A multi-contrast
        :class:`~mamsets.io.ranking.Ranking` needs ``contrast=``.
    gene_set : GeneSet or iterable of str
        Members, in the ranking's identifier space (e.g. a set of the
        collection returned by ``map_ids``).
    weight : float
        The GSEA weight ``p`` used for the test (1 = weighted, 0 = classic KS).
    contrast : str, optional
        Which contrast of a multi-contrast Ranking.
    title : str, optional
        Defaults to the set id.
    stats : mapping or Series, optional
        A row of a GSEA result table: its ``nes``, ``pval`` and ``padj`` are
        printed in the panel.
    figsize : tuple
    label_hits : int
        Name the members in the hit panel when the set has at most this many
        ranked members (0: never).
    fig : matplotlib Figure, optional
        Draw into this (empty) figure.

    Returns
    -------
    matplotlib.figure.Figure
        With three Axes (running sum, hits, metric).

    Notes
    -----
    The running sum at rank :math:`i` is
    :math:`P_{hit}(i) - P_{miss}(i)` with
    :math:`P_{hit}(i) = \\sum_{g_j \\in S, j \\le i} |r_j|^p / N_R` and
    :math:`P_{miss}(i) = |\\{j \\le i: g_j \\notin S\\}| / (N - N_H)`; the
    enrichment score is its maximum deviation from zero.

    References
    ----------
    .. [1] Subramanian A. et al. (2005) PNAS 102:15545. doi:10.1073/pnas.0506580102
    """
    mpl = _mpl()
    plt = mpl.pyplot
    tab = running_sum_table(ranking, gene_set, weight=weight, contrast=contrast)
    if not tab["hit"].any():
        raise InputError(
            "none of the set's genes is in the ranking: map the set to the ranking's identifiers "
            "first (map_ids) or check the species"
        )
    if fig is None:
        fig = plt.figure(figsize=figsize)
    labelled = int(tab["hit"].sum()) <= label_hits
    gs = fig.add_gridspec(3, 1, height_ratios=(3.2, 1.7 if labelled else 0.8, 1.6), hspace=0.05)
    ax_es = fig.add_subplot(gs[0])
    ax_hit = fig.add_subplot(gs[1], sharex=ax_es)
    ax_rank = fig.add_subplot(gs[2], sharex=ax_es)

    x = tab["rank"].to_numpy()
    y = tab["running_sum"].to_numpy()
    ax_es.plot(x, y, color="#2a9d3f", lw=1.6)
    ax_es.axhline(0, color="0.5", lw=0.6)
    peak = int(np.argmax(np.abs(y)))
    ax_es.axvline(x[peak], color="#c0392b", lw=0.8, ls="--")
    ax_es.set_ylabel("running enrichment score")
    label = title if title is not None else getattr(gene_set, "id", "gene set")
    ax_es.set_title(label, fontsize=10)
    n_hit = int(tab["hit"].sum())
    text = [f"ES = {y[peak]:+.3f}", f"{n_hit} of {len(list(gene_set))} members ranked"]
    if stats is not None:
        row = dict(stats)
        for key, fmt in (("nes", "NES = {:+.2f}"), ("pval", "p = {:.2g}"), ("padj", "padj = {:.2g}")):
            v = row.get(key)
            if v is not None and np.isfinite(v):
                text.append(fmt.format(v))
    ax_es.text(
        0.98 if y[peak] > 0 else 0.02, 0.95 if y[peak] > 0 else 0.05, "\n".join(text),
        transform=ax_es.transAxes, ha="right" if y[peak] > 0 else "left",
        va="top" if y[peak] > 0 else "bottom", fontsize=8,
    )
    ax_es.tick_params(labelbottom=False)

    hits = x[tab["hit"].to_numpy()]
    if labelled:  # small signalling sets: say which member sits where, readably
        ax_hit.vlines(hits, 0, 0.3, color="black", lw=0.9)
        span = max(float(x[-1] - x[0]), 1.0)
        last, level = -np.inf, 0
        for xi, g in zip(hits, tab.loc[tab["hit"], "gene"]):
            level = (level + 1) % 2 if xi - last < 0.04 * span else 0  # stagger close neighbours
            last = xi
            ax_hit.text(xi, 0.34 + 0.33 * level, str(g), rotation=90, fontsize=7, va="bottom",
                        ha="center", clip_on=False,
                        bbox={"boxstyle": "square,pad=0.05", "fc": "white", "ec": "none", "alpha": 0.8})
    else:
        ax_hit.vlines(hits, 0, 1, color="black", lw=0.7)
    ax_hit.set_yticks([])
    ax_hit.set_ylim(0, 1)
    ax_hit.tick_params(labelbottom=False)

    sc = tab["score"].to_numpy()
    ax_rank.fill_between(x, sc, 0, where=sc >= 0, color="#d6604d", lw=0, step="mid")
    ax_rank.fill_between(x, sc, 0, where=sc < 0, color="#4393c3", lw=0, step="mid")
    ax_rank.axhline(0, color="0.5", lw=0.6)
    ax_rank.set_ylabel("ranking\nmetric", fontsize=8)
    ax_rank.set_xlabel("rank in ordered gene list")
    ax_rank.set_xlim(1, len(x))
    return fig


# --------------------------------------------------------------------------- dot plot
def _tables(result_or_results: Any) -> pd.DataFrame:
    """Stack results into one table with an ``x`` column (contrast / query / result name)."""
    if isinstance(result_or_results, EnrichmentResult):
        items: list[tuple[str, Any]] = [(result_or_results.method, result_or_results)]
    elif isinstance(result_or_results, pd.DataFrame):
        items = [("result", result_or_results)]
    elif isinstance(result_or_results, Mapping):
        items = list(result_or_results.items())
    elif isinstance(result_or_results, Sequence):
        items = [(getattr(r, "method", f"result {i + 1}"), r) for i, r in enumerate(result_or_results)]
    else:
        raise InputError(
            f"result_or_results: got {type(result_or_results).__name__}; pass an EnrichmentResult, "
            "a result table, or a mapping name -> result"
        )
    frames = []
    for name, r in items:
        t = r.table if isinstance(r, EnrichmentResult) else r
        t = t.copy()
        keys = [c for c in ("contrast", "query") if c in t.columns]
        if keys:
            label = t[keys[0]].astype(str)
            for c in keys[1:]:
                label = label + " " + t[c].astype(str)
            t["x"] = (f"{name}: " if len(items) > 1 else "") + label
        else:
            t["x"] = str(name)
        frames.append(t)
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if "term" not in out.columns:
        raise InputError(f"results need a 'term' column; got {list(out.columns)}")
    return out


def dotplot(
    result_or_results: EnrichmentResult | pd.DataFrame | Mapping[str, Any] | Sequence[Any],
    *,
    color: str | None = None,
    size: str | None = None,
    terms: Sequence[str] | None = None,
    top: int | None = 30,
    alpha: float = 0.05,
    ax: Axes | None = None,
) -> Axes:
    """Dot plot of sets (rows) across contrasts or queries (columns).

    Parameters
    ----------
    result_or_results : EnrichmentResult, DataFrame, mapping or sequence
        One result (its ``contrast`` or ``query`` column, when present, gives
        the columns of the plot), or several (one column per result and
        contrast/query).
    color : str, optional
        ``"nes"`` (default for GSEA), ``"-log10 padj"`` (default for ORA),
        ``"-log10 pval"``, ``"es"`` or ``"fold_enrichment"``.
    size : str, optional
        ``"-log10 pval"`` (default for GSEA), ``"overlap"`` (default for
        ORA) or ``"size"``.
    terms : sequence of str, optional
        Sets to show, in this order (default: the ``top`` sets by smallest
        p-value in any column, ordered by NES or by p-value).
    top : int or None
        Number of sets shown when ``terms`` is not given (None: all).
    alpha : float
        Dots with ``padj < alpha`` get a black ring.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    mpl = _mpl()
    plt = mpl.pyplot
    t = _tables(result_or_results)
    is_gsea = "nes" in t.columns
    color = color or ("nes" if is_gsea else "-log10 padj")
    size = size or ("-log10 pval" if is_gsea else "overlap")

    def values(spec: str) -> pd.Series:
        if spec.startswith("-log10 "):
            col = spec.split(" ", 1)[1]
            if col not in t.columns:
                raise InputError(f"{spec!r}: the results have no {col!r} column")
            return -np.log10(t[col].astype(float).clip(lower=1e-300))
        if spec not in t.columns:
            raise InputError(f"{spec!r} is not a column of the results; columns: {list(t.columns)}")
        return t[spec].astype(float)

    t["_c"] = values(color)
    t["_s"] = values(size)
    if terms is None:
        best = t.groupby("term")["pval"].min().sort_values(kind="stable") if "pval" in t else None
        chosen = list(best.index[:top] if top else best.index) if best is not None else list(
            dict.fromkeys(t["term"])
        )
        if is_gsea:
            order = t[t["term"].isin(chosen)].groupby("term")["nes"].mean().sort_values()
            chosen = list(order.index)
        else:
            chosen = chosen[::-1]
    else:
        missing = [x for x in terms if x not in set(t["term"])]
        if missing:
            raise InputError(f"terms not in the results: {missing[:5]}")
        chosen = list(terms)[::-1]
    t = t[t["term"].isin(chosen)]
    xs = list(dict.fromkeys(t["x"]))
    ypos = {term: i for i, term in enumerate(chosen)}
    xpos = {x: i for i, x in enumerate(xs)}
    if ax is None:
        _, ax = plt.subplots(figsize=(1.6 + 1.1 * len(xs) + 0.06 * max(map(len, chosen), default=10),
                                      1.0 + 0.28 * len(chosen)))
    finite_s = t["_s"].to_numpy(dtype=float)
    finite_s = finite_s[np.isfinite(finite_s)]
    smax = float(finite_s.max()) if finite_s.size else 1.0  # no NaN warning when no set has p
    smax = smax if smax > 0 else 1.0
    # area ~ sqrt(value) with a floor: a 3-gene MAMs set stays visible beside OXPHOS
    def area(v: Any) -> Any:
        return 40 + 260 * np.sqrt(np.clip(np.asarray(v, dtype=float), 0, None) / smax)

    areas = area(t["_s"].fillna(0).to_numpy())
    cvals = t["_c"].to_numpy()
    if color in ("nes", "es"):
        lim = float(np.nanmax(np.abs(cvals))) if np.isfinite(cvals).any() else 1.0
        norm = mpl.colors.TwoSlopeNorm(vmin=-lim or -1, vcenter=0.0, vmax=lim or 1)
        cmap = DIVERGING
    else:
        norm = mpl.colors.Normalize(vmin=0, vmax=float(np.nanmax(cvals)) if np.isfinite(cvals).any() else 1)
        cmap = "viridis"
    sig = (t["padj"].astype(float) < alpha).to_numpy() if "padj" in t.columns else np.zeros(len(t), bool)
    sc = ax.scatter(
        [xpos[x] for x in t["x"]], [ypos[y] for y in t["term"]], s=areas, c=cvals, cmap=cmap,
        norm=norm, edgecolors=np.where(sig, "black", "none").tolist(), linewidths=1.0,
    )
    ax.set_xticks(range(len(xs)), xs, rotation=30, ha="right")
    ax.set_yticks(range(len(chosen)), chosen, fontsize=8)
    ax.set_xlim(-0.6, len(xs) - 0.4)
    ax.set_ylim(-0.6, len(chosen) - 0.4)
    ax.grid(True, color="0.92", lw=0.6)
    ax.set_axisbelow(True)
    cb = ax.figure.colorbar(sc, ax=ax, fraction=0.05, pad=0.02)
    cb.set_label(color)
    counts = size in ("overlap", "size")  # whole genes: legend values are integers
    if counts:
        marks = sorted({max(1, int(round(smax * f))) for f in (0.1, 0.4, 1.0)})
    else:
        marks = [smax * f for f in (0.1, 0.4, 1.0)]
    for v in marks:
        label = f"{size} {int(v)}" if counts else f"{size} {v:.3g}"
        ax.scatter([], [], s=float(area(v)), c="0.6", label=label)
    ax.scatter([], [], s=60, facecolors="none", edgecolors="black", label=f"padj < {alpha:g}")
    ax.legend(loc="upper left", bbox_to_anchor=(1.25, 1.0), fontsize=7, frameon=False, labelspacing=1.2)
    return ax


# --------------------------------------------------------------------------- heatmap
def _value_frame(
    scores_or_table: pd.Series | pd.DataFrame | Ranking, value: Literal["score", "lfc"]
) -> pd.DataFrame:
    if isinstance(scores_or_table, Ranking):
        cols = {}
        for c in scores_or_table.contrasts:
            t = scores_or_table.table(c)
            if value not in t.columns:
                raise InputError(
                    f"value={value!r}: the ranking has no {value!r} column "
                    f"(it has {list(t.columns)}); use value='score'"
                )
            cols[c] = t[value]
        return pd.DataFrame(cols)
    if isinstance(scores_or_table, pd.Series):
        return scores_or_table.to_frame(scores_or_table.name or value)
    if isinstance(scores_or_table, pd.DataFrame):
        num = scores_or_table.select_dtypes("number")
        if num.shape[1] == 0:
            raise InputError("scores_or_table has no numeric columns (expected genes x contrasts)")
        return num
    raise InputError(
        f"scores_or_table: got {type(scores_or_table).__name__}; pass a Series (gene -> value), a "
        "DataFrame (genes x contrasts) or a Ranking"
    )


def member_heatmap(
    collection: GeneSetCollection,
    scores_or_table: pd.Series | pd.DataFrame | Ranking,
    *,
    sets: Sequence[str] | None = None,
    value: Literal["score", "lfc"] = "score",
    annotate: bool | None = None,
    vmax: float | None = None,
    max_rows: int = 200,
    labels: Mapping[str, str] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Each member gene's score (or log fold change) in each set: which members moved.

    Rows are grouped by set (a gene in several sets appears once per set);
    columns are the contrasts. Members absent from the data are shown in grey
    and labelled ``(not measured)``, so a set that lost members is visible.

    Parameters
    ----------
    collection : GeneSetCollection
        In the data's identifier space (e.g. the collection returned by ``map_ids``).
    scores_or_table : Series, DataFrame or Ranking
        Gene -> value, genes x contrasts, or a Ranking (its ``value`` column of
        each contrast).
    sets : sequence of str, optional
        Set ids to show, in order (default: all sets of the collection).
    value : {"score", "lfc"}
        For a Ranking: the ranking score or the log fold change.
    annotate : bool, optional
        Print values in the cells (default: when there are at most 6 columns).
    vmax : float, optional
        Colour scale limit (symmetric around 0; default: the largest |value| shown).
    max_rows : int
        Refuse to draw more rows than this (choose ``sets=``).
    labels : mapping, optional
        Identifier -> display name (e.g. Entrez id -> symbol); rows read
        ``"name (id)"``.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    mpl = _mpl()
    plt = mpl.pyplot
    labels = dict(labels or {})
    data = _value_frame(scores_or_table, value)
    ids = list(sets) if sets is not None else list(collection.ids)
    chosen = [collection[i] for i in ids]
    rows: list[tuple[str, str]] = [(gs.id, g) for gs in chosen for g in gs.genes]
    if not rows:
        raise InputError("the chosen sets have no members")
    if len(rows) > max_rows:
        raise InputError(
            f"{len(rows)} member rows from {len(chosen)} sets is more than max_rows={max_rows}; "
            "pass sets=[...] to choose fewer sets or raise max_rows"
        )
    mat = np.array(
        [[data.at[g, c] if g in data.index else np.nan for c in data.columns] for _, g in rows],
        dtype=float,
    )
    lim = vmax or (float(np.nanmax(np.abs(mat))) if np.isfinite(mat).any() else 1.0)
    if ax is None:
        longest = max(len(f"{g}") + len(labels.get(g, "")) for _, g in rows)
        _, ax = plt.subplots(figsize=(2.5 + 0.9 * data.shape[1] + 0.07 * longest, 0.8 + 0.2 * len(rows)))
    cmap = mpl.colormaps[DIVERGING].with_extremes(bad="0.85")
    im = ax.imshow(np.ma.masked_invalid(mat), aspect="auto", cmap=cmap, vmin=-lim, vmax=lim,
                   interpolation="nearest")
    def _label(g: str) -> str:
        name = f"{labels[g]} ({g})" if labels.get(g) and labels[g] != g else g
        return name if g in data.index else f"{name} (not measured)"

    ax.set_yticks(range(len(rows)), [_label(g) for _, g in rows], fontsize=7)
    ax.set_xticks(range(data.shape[1]), [str(c) for c in data.columns], rotation=30, ha="right",
                  fontsize=8)
    # set separators and labels
    start = 0
    for gs in chosen:
        n = len(gs.genes)
        if start:
            ax.axhline(start - 0.5, color="black", lw=1.0)
        ax.text(data.shape[1] - 0.4, start + (n - 1) / 2, f" {gs.id}", va="center", ha="left",
                fontsize=7, clip_on=False)
        start += n
    if annotate is None:
        annotate = data.shape[1] <= 6
    if annotate:
        for i in range(mat.shape[0]):
            for j in range(mat.shape[1]):
                v = mat[i, j]
                if np.isfinite(v):
                    ax.text(j, i, f"{v:.1f}", ha="center", va="center", fontsize=6,
                            color="white" if abs(v) > 0.6 * lim else "black")
    cb = ax.figure.colorbar(im, ax=ax, location="top", shrink=0.8, aspect=25,
                            pad=0.2 / max(len(rows), 5) ** 0.5)
    cb.set_label(value if value != "score" else "ranking score", fontsize=8)
    cb.ax.tick_params(labelsize=7)
    return ax
