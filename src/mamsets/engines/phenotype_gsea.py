"""GSEA of an expression matrix with the phenotype-permutation null (the original GSEA).

:func:`phenotype_gsea` ranks genes by a class-comparison metric (or their
correlation with a continuous phenotype), scores every set with the same
enrichment score as :func:`mamsets.engines.gsea.gsea` on that ranking, and
builds the null by shuffling the sample labels (within the levels of a blocking
factor, e.g. sex), recomputing the metric and the ranking each time: the right
null when samples, not genes, are the unit, because it keeps the correlation
between genes. The result has :data:`~mamsets.engines._tables.GSEA_SCHEMA`'s columns.
"""

from __future__ import annotations

import warnings
from typing import Any, Literal

import numpy as np
import pandas as pd

from .._random import RngLike
from ..errors import DroppedInputWarning, InputError, MamsetsWarning
from ..io.expression import Expression, read_expression
from ..io.phenotypes import align_phenotype
from ..results import EnrichmentResult
from ._collections import resolve_collection
from ._expr_metrics import METRICS, metric_matrix
from ._families import MIN_SIZE_PVAL
from ._gsea_inputs import check_options, check_ranking, select_sets
from ._gsea_shelf import shelve_sets
from .native.phenotype_permutation import LabelDesign, block_codes, distinct_permutations
from .registry import select

__all__ = ["MIN_PER_CLASS_RECOMMENDED", "as_expression", "metric_ranking", "phenotype_gsea"]

Metric = Literal["signal_to_noise", "t_test", "ratio_of_classes", "diff_of_classes",
                 "log2_ratio_of_classes", "pearson"]

#: GSEA desktop's advice: phenotype permutation wants at least 7 samples per class.
MIN_PER_CLASS_RECOMMENDED = 7


def as_expression(expression: Any) -> Expression:
    """An :class:`~mamsets.io.expression.Expression` from one, a DataFrame, a path or AnnData."""
    if isinstance(expression, Expression):
        return expression
    return read_expression(expression)


def _classes(ph: pd.Series, positive: Any, negative: Any) -> tuple[str, str, np.ndarray]:
    """(positive, negative, mask of the samples in either class)."""
    labels = ph.astype(str)
    order = list(ph.attrs.get("classes", ())) or list(dict.fromkeys(labels))
    found = list(dict.fromkeys(labels))
    order = [c for c in order if c in found] + [c for c in found if c not in order]
    for name, v in (("positive", positive), ("negative", negative)):
        if v is not None and str(v) not in found:
            raise InputError(f"{name}={v!r} is not a phenotype class; classes: {order}")
    if len(order) < 2:
        raise InputError(f"phenotype has one class ({order}); phenotype GSEA compares two classes")
    if len(order) > 2 and (positive is None or negative is None):
        raise InputError(f"phenotype has {len(order)} classes {order[:8]}; pass positive= and negative= "
                         "to compare two of them (samples of other classes are left out)")
    pos = str(positive) if positive is not None else (order[1] if str(negative) == order[0] else order[0])
    neg = str(negative) if negative is not None else next(c for c in order if c != pos)
    if pos == neg:
        raise InputError(f"positive and negative are both {pos!r}")
    return pos, neg, labels.isin([pos, neg]).to_numpy()


def _design(expr: Expression, phenotype: Any, metric: str | None, positive: Any, negative: Any,
            block: Any) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, str, dict[str, Any]]:
    """(values of the samples compared, labels, block codes, metric, params)."""
    ph = expr.phenotype if phenotype is None else align_phenotype(phenotype, expr.values.columns, expr.samples)
    if ph is None:
        raise InputError("no phenotype: pass phenotype= (a sample-sheet column, a Series or one value per "
                         "sample) or read the matrix with read_expression(..., cls=FILE)")
    numeric = pd.api.types.is_numeric_dtype(ph.dtype) and ph.nunique() > 2
    metric = metric or ("pearson" if numeric else "signal_to_noise")
    if metric not in METRICS:
        raise InputError(f"metric={metric!r}: choose one of {', '.join(METRICS)}")
    info: dict[str, Any] = {"metric": metric, "phenotype": str(ph.name)}
    blk = None if block is None else align_phenotype(block, expr.values.columns, expr.samples, what="block")
    if metric == "pearson":
        y = pd.to_numeric(ph, errors="coerce")
        if y.isna().any():
            raise InputError(f"metric='pearson' needs a numeric phenotype; {ph.name!r} has values like "
                             f"{ph[y.isna()].tolist()[:3]}")
        keep = np.ones(len(ph), dtype=bool)
        labels = y.to_numpy(dtype=np.float64)
        info.update(positive="higher phenotype", negative="lower phenotype", class_sizes={})
    else:
        pos, neg, keep = _classes(ph, positive, negative)
        labels = (ph.astype(str)[keep] == pos).to_numpy(dtype=np.float64)
        info.update(positive=pos, negative=neg,
                    class_sizes={pos: int(labels.sum()), neg: int((1 - labels).sum())})
        low = 3 if metric in ("signal_to_noise", "t_test") else 1
        small = {c: n for c, n in info["class_sizes"].items() if n < low}
        if small:
            raise InputError(f"classes {small} have fewer than {low} samples; metric={metric!r} needs "
                             f"{low} per class. Use preranked GSEA (ms.gsea) on a DE statistic instead")
    vals = expr.values.loc[:, keep]
    codes = block_codes(None if blk is None else blk[keep].tolist(), int(keep.sum()))
    info["block"] = None if blk is None else str(blk.name)
    info["n_samples"] = int(keep.sum())
    info["n_samples_left_out"] = int((~keep).sum())
    info["n_distinct_permutations"] = distinct_permutations(labels, codes)
    return vals, labels, codes, metric, info


def _warn_small(info: dict[str, Any], n_perm: int) -> None:
    sizes = info["class_sizes"]
    n_distinct = info["n_distinct_permutations"]
    few = sizes and min(sizes.values()) < MIN_PER_CLASS_RECOMMENDED
    if few or n_distinct < 10 * n_perm:
        warnings.warn(
            f"phenotype permutation has {n_distinct:,} distinct labellings (class sizes {sizes or 'n/a'}"
            f"{', within blocks of ' + info['block'] if info['block'] else ''}) for n_perm={n_perm}: "
            f"{'fewer than ' + str(MIN_PER_CLASS_RECOMMENDED) + ' samples per class gives ' if few else ''}"
            "too few distinct permutations for a fine-grained null; the smallest p-value possible is "
            f"about {1 / n_distinct:.2g}. Consider preranked GSEA (ms.gsea) on a moderated statistic",
            MamsetsWarning, stacklevel=3)


def phenotype_gsea(
    expression: Any,
    phenotype: Any = None,
    collection: Any = None,
    *,
    metric: Metric | None = None,
    positive: Any = None,
    negative: Any = None,
    block: Any = None,
    weight: float = 1.0,
    min_size: int = 15,
    max_size: int | None = 500,
    n_perm: int = 1000,
    rng: RngLike = None,
    n_jobs: int = 1,
    species: str | None = None,
    id_type: str | None = None,
) -> EnrichmentResult:
    """Phenotype-permutation GSEA of an expression matrix.

    Parameters
    ----------
    expression : Expression, DataFrame, path or AnnData
        Genes x samples (:func:`mamsets.io.expression.read_expression`); on a
        usable scale (counts are refused there). Genes constant over the compared
        samples are left out (counted in ``params["n_genes_constant"]``).
    phenotype : str, Series or sequence, optional
        Class labels or a continuous phenotype; a sample-sheet column name. Default:
        ``expression.phenotype`` (from ``cls=`` or ``phenotype=`` of ``read_expression``).
    collection : GeneSetCollection, dict, GMT path or None
        As for :func:`~mamsets.engines.gsea.gsea` (``None``: the built-in library);
        identifiers are matched and mapped the same way (``species``, ``id_type``).
    metric : str, optional
        ``"signal_to_noise"`` (default for two classes), ``"t_test"``,
        ``"ratio_of_classes"``, ``"diff_of_classes"``, ``"log2_ratio_of_classes"``,
        or ``"pearson"`` (default for a numeric phenotype with more than two values).
        Definitions in :mod:`mamsets.engines._expr_metrics`.
    positive, negative : label, optional
        The classes compared: positive scores mean higher in ``positive``. Default:
        the first class of the ``.cls`` header (or of appearance) is positive, as in
        GSEA desktop. Required with more than two classes (other samples are left out).
    block : str, Series or sequence, optional
        Blocking factor: labels are shuffled only within its levels (e.g. ``"sex"``).
    weight, min_size, max_size : see :func:`~mamsets.engines.gsea.gsea`
        ``min_size=15`` and ``max_size=500`` as GSEA desktop.
    n_perm : int
        Label permutations.
    rng : int, Generator, SeedSequence or None
        Seed (recorded in ``params["seed"]``); results do not depend on ``n_jobs``.

    Returns
    -------
    EnrichmentResult
        ``method="phenotype_gsea"``; the columns of :data:`~mamsets.engines.gsea.GSEA_SCHEMA`;
        ``params`` adds ``metric``, ``positive``, ``negative``, ``class_sizes``,
        ``block``, ``n_perm``, ``n_distinct_permutations`` and the seed.

    Warns
    -----
    MamsetsWarning
        When a class has fewer than 7 samples or the distinct labellings are fewer
        than ``10 * n_perm`` (with their number and the smallest p-value possible).

    Notes
    -----
    The observed ranking is the metric sorted in decreasing order (ties by the same
    fixed hash of the gene id as :func:`~mamsets.engines.gsea.gsea`), so ES equals
    ``gsea()``'s ES on that ranking. No offset is added to the values (gseapy adds
    1e-8 to every value first; that moves signal-to-noise by about 1e-9 relative).
    For each of ``n_perm`` labellings (labels shuffled within blocks; chunk ``c``
    seeded from ``SeedSequence(seed)`` with spawn key ``(2, c)``) the metric is
    recomputed, the genes re-ranked and every set rescored. Then, per set:
    :math:`NES = ES / \\overline{ES^0_\\pm}` with the mean of its same-signed null
    ES; :math:`p = (k + 1) / (n + 1)` with :math:`n` the null ES of the sign of
    ES and :math:`k` those at least as extreme (GSEA desktop reports :math:`k/n`,
    which can be 0); ``padj`` is BH; ``fdr_gsea`` is GSEA desktop's FDR, pooling
    the normalised null of all sets.

    References
    ----------
    Subramanian A et al. (2005) PNAS 102:15545-15550. doi:10.1073/pnas.0506580102
    """
    expr = as_expression(expression)
    opts = check_options(method="permutation", engine="mamsets", weight=weight, min_size=min_size,
                         max_size=max_size, n_perm=n_perm, eps=0.0, sample_size=101, n_jobs=n_jobs,
                         rng=rng)
    vals, labels, codes, metric, info = _design(expr, phenotype, metric, positive, negative, block)
    x, genes, constant, observed = _observed(vals, labels, metric)
    ranked, scores, tied = check_ranking(observed)
    _warn_small(info, opts.n_perm)
    source = resolve_collection(collection)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DroppedInputWarning)
        sets = select_sets(source, ranked, scores, opts, species, id_type)
    if sets.n_small or sets.n_large:
        warnings.warn(f"{sets.n_small + sets.n_large} of {len(sets.collection)} gene sets not tested: "
                      f"{sets.n_small} below min_size={min_size}, {sets.n_large} above max_size={max_size}",
                      DroppedInputWarning, stacklevel=2)
    sets, shelf = shelve_sets(sets, MIN_SIZE_PVAL, opts.weight)    # families, aliases, as gsea()
    # rows of x in the ranking's tie order, so a stable sort of any metric breaks ties the same way
    tie_order = pd.Index(genes).get_indexer(_tie_sorted(genes))
    design = LabelDesign(x=x[tie_order], genes=genes[tie_order], labels=labels, blocks=codes,
                         metric=metric)
    params = {**info, "weight": opts.weight, "min_size": opts.min_size, "max_size": opts.max_size,
              "n_perm": opts.n_perm, "seed": opts.seed, "n_jobs": opts.n_jobs,
              "pvalue_method": "phenotype_permutation", "permutation": "labels shuffled"
              + (f" within levels of {info['block']}" if info["block"] else ""),
              "offset_added": 0.0, "n_genes": int(ranked.size), "n_genes_constant": int(constant.sum()),
              "ties_fraction": tied, "n_sets": len(sets.collection), "n_sets_tested": len(sets.terms),
              "n_sets_below_min_size": sets.n_small, "n_sets_above_max_size": sets.n_large,
              "n_members": sets.n_total, "n_members_not_ranked": sets.n_missing,
              "default_collection": collection is None, "tested_sets_sha256": sets.collection.sha256}
    params.update(shelf.params())
    table = shelf.finish(select("phenotype_gsea").entry(sets, opts, params, design))
    return EnrichmentResult(method="phenotype_gsea", table=table, params=params,
                            collection_name=source.name, collection_version=source.version,
                            collection_sha256=source.sha256, mapping=sets.mapping)


def _observed(vals: pd.DataFrame, labels: np.ndarray, metric: str
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray, pd.Series]:
    """(values without constant genes, their ids, the constant mask, the observed metric)."""
    x = vals.to_numpy(dtype=np.float64)
    constant = np.ptp(x, axis=1) == 0
    x, genes = x[~constant], vals.index.to_numpy(dtype=object)[~constant].astype(str)
    observed = metric_matrix(x, labels[None, :], metric)[:, 0]
    bad = ~np.isfinite(observed)
    if bad.any():
        raise InputError(
            f"metric={metric!r} is not finite for {int(bad.sum())} genes, e.g. {list(genes[bad][:3])} "
            "(a class mean of 0 or of opposite sign for a ratio); use 'signal_to_noise' or "
            "'diff_of_classes', or remove those genes")
    return x, genes, constant, pd.Series(observed, index=genes, name=metric)


def metric_ranking(expression: Any, phenotype: Any = None, *, metric: Metric | None = None,
                   positive: Any = None, negative: Any = None) -> pd.Series:
    """The observed gene-level metric of :func:`phenotype_gsea` (gene -> score, decreasing).

    ``gsea(metric_ranking(...), sets)`` gives the same ES as ``phenotype_gsea``
    (with gene-set instead of label permutations). Genes constant over the
    compared samples are left out.
    """
    expr = as_expression(expression)
    vals, labels, _, metric, _ = _design(expr, phenotype, metric, positive, negative, None)
    _, _, _, observed = _observed(vals, labels, metric)
    ranked, scores, _ = check_ranking(observed)
    return pd.Series(scores, index=pd.Index(ranked, name="gene"), name=metric)


def _tie_sorted(genes: np.ndarray) -> np.ndarray:
    """``genes`` in the tie order of :func:`~mamsets.engines._gsea_inputs.check_ranking` (hash, then id)."""
    ids = genes.astype(str)
    return genes[np.lexsort((ids, pd.util.hash_array(ids.astype(object))))]
