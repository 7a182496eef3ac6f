"""KSEA-style kinase activity scores: the mean score of a kinase's substrate sites against all sites.

For a kinase with substrate sites :math:`S` measured in a ranking of :math:`N` sites
with scores :math:`x_1..x_N`,

.. math:: z = \\frac{(\\bar x_S - \\bar x)\\,\\sqrt{m}}{s}

where :math:`m = |S|` sites were found, :math:`\\bar x_S` is their mean, :math:`\\bar x`
the mean of all :math:`N` sites and :math:`s` their standard deviation (``ddof=1``, R's
``sd``, as KSEAapp). Under the null of :math:`m` sites drawn at random, :math:`z` is
approximately standard normal; ``pval`` is two-sided, ``padj`` Benjamini-Hochberg over
the kinases scored. Sites are treated as independent, so sites of one protein (or one
peptide split into several sites) that move together make the test liberal.

References
----------
.. [1] Casado P. et al. (2013) Kinase-substrate enrichment analysis provides insights into
   the heterogeneity of signaling pathway activation in leukemia cells. Sci Signal 6:rs6.
   doi:10.1126/scisignal.2003573
.. [2] Wiredja D.D., Koyutürk M., Chance M.R. (2017) The KSEA App: a web-based tool for
   kinase activity inference from quantitative phosphoproteomics. Bioinformatics 33:3489.
   doi:10.1093/bioinformatics/btx415
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import InputError
from ..model import GeneSetCollection

__all__ = ["KINASE_SCORE_COLUMNS", "kinase_scores"]

#: Columns of :func:`kinase_scores`, in order (the same when empty).
KINASE_SCORE_COLUMNS: tuple[str, ...] = (
    "kinase", "n_sites", "n_found", "mean_score", "mean_all", "sd_all", "n_all", "z", "pval",
    "padj", "sites_found",
)


def _as_series(site_series: pd.Series | Mapping[str, float]) -> pd.Series:
    s = site_series if isinstance(site_series, pd.Series) else pd.Series(dict(site_series))
    s = s.astype(float)
    s.index = s.index.astype(str)
    bad = s[~np.isfinite(s.to_numpy())]
    if len(bad):
        raise InputError(
            f"site_series has {len(bad)} missing or non-finite score(s), e.g. {list(bad.index[:3])}; "
            "drop them first (read_sites(..., dropna=True)) or pass finite scores"
        )
    dup = s.index[s.index.duplicated()]
    if len(dup):
        raise InputError(
            f"site_series has duplicated site ids {list(dup.unique()[:3])}; one score per site "
            "(read_sites keeps the largest |score| per site)"
        )
    if len(s) < 2:
        raise InputError(f"site_series has {len(s)} site(s); the z-score needs at least 2")
    return s


def kinase_scores(
    site_series: pd.Series | Mapping[str, float],
    kinase_sets: GeneSetCollection | Mapping[str, Any] | None = None,
    *,
    min_size: int = 1,
) -> pd.DataFrame:
    """KSEA z-score of each kinase's substrate sites against all sites of one ranking.

    Parameters
    ----------
    site_series : pandas.Series or mapping
        Site id -> score for one contrast (e.g. ``read_sites(...).series(contrast)``;
        MoTrPAC's ``z``, or a log fold change as in KSEA). Finite, unique ids.
    kinase_sets : GeneSetCollection or mapping, optional
        Kinase -> substrate site ids (default: the bundled
        :func:`mamsets.io.kinases.kinase_sets`, human UniProt sites).
    min_size : int
        Kinases with fewer substrate sites found get ``z``, ``pval`` and ``padj`` NaN
        (the row is kept with its counts).

    Returns
    -------
    pandas.DataFrame
        One row per kinase set, in the collection's order, columns
        :data:`KINASE_SCORE_COLUMNS`: ``kinase`` (set id), ``n_sites`` (curated
        sites), ``n_found`` (in the ranking, ``m``), ``mean_score`` (their mean),
        ``mean_all``, ``sd_all`` (ddof=1), ``n_all`` (sites in the ranking), ``z``,
        ``pval`` (two-sided normal), ``padj`` (BH over the kinases with a p-value),
        ``sites_found`` (tuple of the site ids found).

    Notes
    -----
    See the module docstring for the formula and its assumptions.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.Series({"A_S1": 2.0, "A_S2": 1.0, "B_T3": 0.0, "C_Y4": -1.0})
    >>> t = kinase_scores(s, {"K": ["A_S1", "A_S2", "Z_S9"]})
    >>> t[["kinase", "n_sites", "n_found", "mean_score"]].values.tolist()
    [['K', 3, 2, 1.5]]
    >>> round(float(t["z"].iloc[0]), 6)  # (1.5 - 0.5) * sqrt(2) / sd(2, 1, 0, -1)
    1.095445
    """
    if not isinstance(min_size, int) or min_size < 1:
        raise InputError(f"min_size={min_size!r}: must be an integer >= 1")
    s = _as_series(site_series)
    if kinase_sets is None:
        from ..io.kinases import kinase_sets as bundled_sets

        kinase_sets = bundled_sets()
    sets = (kinase_sets.to_dict() if isinstance(kinase_sets, GeneSetCollection)
            else {str(k): list(v) for k, v in kinase_sets.items()})
    values = s.to_numpy()
    mean_all, sd_all, n_all = float(values.mean()), float(values.std(ddof=1)), len(values)
    if not sd_all > 0:
        raise InputError("site_series: all scores are equal (sd 0); the z-score is undefined")
    rows = []
    for kinase, members in sets.items():
        found = tuple(dict.fromkeys(m for m in members if m in s.index))
        m = len(found)
        mean = float(s.loc[list(found)].mean()) if m else float("nan")
        z = (mean - mean_all) * np.sqrt(m) / sd_all if m >= min_size else float("nan")
        p = float(2.0 * stats.norm.sf(abs(z))) if np.isfinite(z) else float("nan")
        rows.append((kinase, len(set(members)), m, mean, mean_all, sd_all, n_all, z, p, np.nan,
                     found))
    table = pd.DataFrame(rows, columns=list(KINASE_SCORE_COLUMNS))
    ok = table["pval"].notna().to_numpy()
    if ok.any():
        table.loc[ok, "padj"] = stats.false_discovery_control(table.loc[ok, "pval"].to_numpy())
    table["sites_found"] = table["sites_found"].astype(object)
    return table.astype({"kinase": object, "n_sites": "int64", "n_found": "int64", "n_all": "int64",
                         "mean_score": float, "mean_all": float, "sd_all": float, "z": float,
                         "pval": float, "padj": float})
