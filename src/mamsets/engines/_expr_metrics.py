"""Gene-level metrics of an expression matrix for a phenotype, and its label permutations.

Plain numbers in, plain numbers out (numpy only). ``x`` is genes x samples
(float64); ``labels`` is a (n_perm, n_samples) matrix: 1 for the positive class,
0 for the negative class (categorical metrics), or the phenotype values
(Pearson). Each row is one labelling, the first usually the observed one, so the
observed metric and its permutations come out of the same arithmetic.

Definitions (GSEA desktop and gseapy; Subramanian et al. 2005), with class means
:math:`\\mu_A, \\mu_B`, standard deviations :math:`\\sigma_A, \\sigma_B` with
:math:`n-1` and class sizes :math:`n_A, n_B`:

- ``signal_to_noise``: :math:`(\\mu_A - \\mu_B) / (\\sigma_A + \\sigma_B)`, each
  :math:`\\sigma` raised to at least :math:`0.2|\\mu|` and to 0.2 where it is
  still 0 (GSEA's GeneCluster correction).
- ``t_test``: Welch's :math:`(\\mu_A - \\mu_B) / \\sqrt{\\sigma_A^2/n_A + \\sigma_B^2/n_B}`
  (no floor, as gseapy).
- ``ratio_of_classes``: :math:`\\mu_A / \\mu_B`; ``diff_of_classes``:
  :math:`\\mu_A - \\mu_B`; ``log2_ratio_of_classes``: :math:`\\log_2(\\mu_A/\\mu_B)`.
- ``pearson``: the correlation of each gene with a continuous phenotype.
"""

from __future__ import annotations

import numpy as np

__all__ = ["CATEGORICAL_METRICS", "METRICS", "metric_matrix"]

CATEGORICAL_METRICS = ("signal_to_noise", "t_test", "ratio_of_classes", "diff_of_classes",
                       "log2_ratio_of_classes")
METRICS = (*CATEGORICAL_METRICS, "pearson")


def _class_moments(x: np.ndarray, x2: np.ndarray, a: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Means, n-1 variances and sizes of the samples where ``a`` is 1 (rows of ``a``: labellings)."""
    n = a.sum(axis=1)                       # (P,)
    s1 = x @ a.T                             # (G, P)
    s2 = x2 @ a.T
    mean = s1 / n
    var = (s2 - s1 * mean) / (n - 1)
    return mean, np.maximum(var, 0.0), n


def metric_matrix(x: np.ndarray, labels: np.ndarray, metric: str) -> np.ndarray:
    """The metric of every gene (rows) for every labelling (columns): (G, P).

    Variances come from sums of squares of values centred on each gene's mean
    over all samples, so large expression values keep their precision.
    """
    x = np.asarray(x, dtype=np.float64)
    labels = np.atleast_2d(np.asarray(labels, dtype=np.float64))
    if metric == "pearson":
        xc = x - x.mean(axis=1, keepdims=True)
        xs = np.sqrt((xc * xc).sum(axis=1, keepdims=True))
        yc = labels - labels.mean(axis=1, keepdims=True)
        ys = np.sqrt((yc * yc).sum(axis=1))
        with np.errstate(invalid="ignore", divide="ignore"):
            return (xc @ yc.T) / xs / ys
    if metric in ("ratio_of_classes", "log2_ratio_of_classes", "diff_of_classes"):
        ma = (x @ labels.T) / labels.sum(axis=1)
        mb = (x @ (1.0 - labels).T) / (1.0 - labels).sum(axis=1)
        if metric == "diff_of_classes":
            return ma - mb
        with np.errstate(invalid="ignore", divide="ignore"):
            return ma / mb if metric == "ratio_of_classes" else np.log2(ma / mb)
    centre = x.mean(axis=1, keepdims=True)
    xc = x - centre
    x2 = xc * xc
    ma, va, na = _class_moments(xc, x2, labels)
    mb, vb, nb = _class_moments(xc, x2, 1.0 - labels)
    diff = ma - mb
    if metric == "t_test":
        with np.errstate(invalid="ignore", divide="ignore"):
            return diff / np.sqrt(va / na + vb / nb)
    if metric == "signal_to_noise":
        ma += centre
        mb += centre
        sa = np.maximum(np.sqrt(va), 0.2 * np.abs(ma))
        sb = np.maximum(np.sqrt(vb), 0.2 * np.abs(mb))
        sa[sa == 0] = 0.2
        sb[sb == 0] = 0.2
        return diff / (sa + sb)
    raise ValueError(f"unknown metric {metric!r}")
