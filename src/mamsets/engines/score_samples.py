"""Single-sample gene-set scores: one score per set and sample, and tests of them between groups.

:func:`score_samples` runs a registered single-sample method (``ssgsea``,
``gsva``, ``zscore``, ``plage``, ``singscore``) with one signature; :func:`compare_scores`
tests each set's scores between two groups (or against a continuous phenotype).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..errors import DroppedInputWarning, IdentifierError, InputError
from ..io.phenotypes import align_phenotype
from ..model import GeneSet, GeneSetCollection
from ..results import EnrichmentResult, conform_table, package_version
from ._collections import resolve_collection, to_user_space
from .native.sample_scores import SCORES_SCHEMA
from .phenotype_gsea import as_expression
from .registry import choices, select

__all__ = ["COMPARE_SCHEMA", "SCORES_SCHEMA", "ScoresResult", "compare_scores", "score_samples"]

ScoreMethod = Literal["ssgsea", "gsva", "zscore", "plage", "singscore"]

#: Suffix of the internal set that holds a signed set's down members (singscore).
DOWN_SUFFIX = "::down"


@dataclass(frozen=True, eq=False)
class ScoresResult:
    """Single-sample scores.

    Attributes
    ----------
    scores : pandas.DataFrame
        Samples (rows) x sets (columns).
    table : pandas.DataFrame
        Tidy: one row per sample and set, columns of :data:`SCORES_SCHEMA`.
    method : str
    params : Mapping
        Resolved options, sets tested and dropped, genes dropped.
    collection_name, collection_version, collection_sha256, package_version : str
    mapping : Mapping
        How the sets' identifiers were matched to the matrix's.
    """

    scores: pd.DataFrame
    table: pd.DataFrame
    method: str
    params: Any
    collection_name: str
    collection_version: str
    collection_sha256: str
    package_version: str = field(default_factory=package_version)
    mapping: Any = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))
        object.__setattr__(self, "mapping", MappingProxyType(dict(self.mapping)))

    def as_result(self) -> EnrichmentResult:
        """The tidy table as an :class:`~mamsets.results.EnrichmentResult` (for ``to_tsv``, reports)."""
        return EnrichmentResult(method=f"score_samples:{self.method}", table=self.table,
                                params=self.params, collection_name=self.collection_name,
                                collection_version=self.collection_version,
                                collection_sha256=self.collection_sha256,
                                package_version=self.package_version, mapping=self.mapping)

    def to_anndata(self, adata: Any) -> None:
        """Store the scores in ``adata.obsm["mamsets_<method>"]`` (rows aligned to ``adata.obs_names``)."""
        adata.obsm[f"mamsets_{self.method}"] = self.scores.reindex(adata.obs_names.astype(str)).set_axis(
            adata.obs_names)


def score_samples(
    expression: Any,
    collection: Any = None,
    *,
    method: ScoreMethod = "ssgsea",
    min_size: int = 1,
    max_size: int | None = None,
    alpha: float = 0.25,
    normalize: bool = True,
    ties: Literal["gsva", "average"] = "gsva",
    kcdf: Literal["gaussian", "poisson"] = "gaussian",
    species: str | None = None,
    id_type: str | None = None,
    anndata_key: bool = False,
) -> ScoresResult:
    """A score per gene set and sample.

    Parameters
    ----------
    expression : Expression, DataFrame, path or AnnData
        Genes x samples (AnnData: samples x genes), as for
        :func:`mamsets.io.expression.read_expression`. Genes constant over all
        samples are left out (as GSVA does; counted in ``params``).
    collection : GeneSetCollection, dict, GMT path or None
        ``None``: the built-in library; identifiers matched as in ``gsea``.
    method : {"ssgsea", "gsva", "zscore", "plage", "singscore"}
        ``singscore`` also takes signed sets: ``collection={set: (up, down)}``
        (members in the matrix's identifiers), and curated sets whose members carry
        ``direction="down"`` are split into up (all other members) and down parts.
    min_size, max_size : int
        Sets with fewer/more members in the matrix are not scored (GSVA's
        defaults: 1 and unlimited).
    alpha : float
        ssGSEA's weight exponent on the ranks (0.25).
    normalize : bool
        ssGSEA: divide every score by the range (max - min) over the whole
        sets x samples matrix (GSVA's ``ssgsea.norm=TRUE``; gseapy's NES). The scores
        then depend on which sets and samples were scored together.
    ties : {"gsva", "average"}
        ssGSEA: ``"gsva"`` truncates average ranks to integers and keeps tied genes
        in row order (R GSVA 1.46); ``"average"`` keeps average ranks (gseapy).
    kcdf : {"gaussian", "poisson"}
        GSVA's kernel: Gaussian for continuous values (log-CPM, arrays), Poisson
        for integer counts.
    anndata_key : bool
        When ``expression`` is an AnnData object, also store the scores in
        ``adata.obsm["mamsets_<method>"]``.

    Returns
    -------
    ScoresResult

    Notes
    -----
    **ssGSEA** (Barbie et al. 2009; GSVA's implementation): in each sample, genes
    are ranked by increasing value (rank :math:`r_g`, 1..N) and ordered by
    decreasing rank; for a set of :math:`K` members at positions :math:`p_k`
    (0-based) the running sum rises by :math:`r^\\alpha / \\sum_S r^\\alpha` at
    members and falls by :math:`1/(N-K)` elsewhere; the score is the sum of the
    running sum over all N positions:
    :math:`\\sum_k r_k^\\alpha (N - p_k) / \\sum_k r_k^\\alpha - (N(N+1)/2 - \\sum_k (N - p_k)) / (N - K)`.
    **zscore**: genes standardised over samples (sd with n-1), score
    :math:`\\sum_k z_k / \\sqrt{K}`. **plage**: the first right singular vector
    of the members' z-score matrix, signed to correlate positively with their mean
    z-score. **gsva**: per gene, the kernel CDF of each sample's value over all
    samples (Gaussian, bandwidth sd/4; Poisson ``ppois(x_i, x_j + 0.5)``) as
    log-odds; per sample, genes ordered by it and weighted by
    :math:`|N - i - N/2|`; the score is the largest positive plus the largest
    negative deviation of the weighted running sum (GSVA's ``mx.diff=TRUE``), with
    the exact normal CDF where GSVA uses a precomputed table. **singscore**
    (Foroutan et al. 2018): genes ranked by increasing value in each sample (ties:
    the minimum rank, as ``rankGenes``); for :math:`K` members with mean rank
    :math:`\bar r`, :math:`S = (\bar r - (K+1)/2) / (N - K) - 1/2` in
    :math:`[-1/2, 1/2]`; a signed set scores :math:`S_{up} + (1/2 - S'_{down})`, with
    :math:`S'_{down}` the uncentred down part, in :math:`[-1, 1]`. :math:`K` counts
    the members present in the matrix (R singscore's bounds use the set's full size
    and warn about the missing ones); dispersions (MAD of ranks) are not returned.

    References
    ----------
    Barbie DA et al. (2009) Nature 462:108-112. doi:10.1038/nature08460
    Hänzelmann S, Castelo R, Guinney J (2013) BMC Bioinformatics 14:7. doi:10.1186/1471-2105-14-7
    Lee E et al. (2008) PLoS Comput Biol 4:e1000217. doi:10.1371/journal.pcbi.1000217
    Tomfohr J, Lu J, Kepler TB (2005) BMC Bioinformatics 6:225. doi:10.1186/1471-2105-6-225
    Foroutan M et al. (2018) BMC Bioinformatics 19:404. doi:10.1186/s12859-018-2435-4
    """
    known = choices("score_samples", "method")
    if method not in known:
        raise InputError(f"method={method!r}: choose one of {', '.join(known)}")
    if ties not in ("gsva", "average"):
        raise InputError(f"ties={ties!r}: choose 'gsva' (R GSVA) or 'average' (gseapy)")
    if kcdf not in ("gaussian", "poisson"):
        raise InputError(f"kcdf={kcdf!r}: choose 'gaussian' or 'poisson'")
    if not (isinstance(min_size, int) and min_size >= 1):
        raise InputError(f"min_size={min_size!r}: pass an integer >= 1")
    expr = as_expression(expression)
    collection, down_of = _split_signed(collection, method)
    vals = expr.values
    x = vals.to_numpy(dtype=np.float64)
    constant = np.ptp(x, axis=1) == 0
    x = x[~constant]
    genes = vals.index[~constant].astype(str)
    source = resolve_collection(collection)
    if method == "singscore":
        source, down_of = _split_members(source, down_of)
    coll, mapping, _ = to_user_space(source, genes, species, id_type)
    row = pd.Index(genes)
    hi = max_size if max_size is not None else len(genes) - 1
    terms, descs, members, n_members = [], [], [], []
    n_small = n_large = 0
    for gs in coll:
        if gs.id.endswith(DOWN_SUFFIX) and gs.id[:-len(DOWN_SUFFIX)] in down_of:
            continue
        idx = _rows(row, gs.genes)
        if idx.size < min_size:
            n_small += 1
            continue
        if idx.size > hi:
            n_large += 1
            continue
        terms.append(gs.id)
        descs.append(gs.title or gs.description)
        members.append(idx.astype(np.int64))
        n_members.append(len(source[gs.id].genes) if gs.id in source else len(gs.genes))
    if not terms:
        raise IdentifierError(
            f"no set of {source.name!r} has {min_size}..{hi} members among the matrix's {len(genes)} "
            f"genes (ids look like {list(genes[:3])}, members like {sorted(coll.genes)[:3]}); check "
            "species and identifier type (species=, id_type=)")
    if n_small or n_large:
        warnings.warn(f"{n_small + n_large} of {len(coll)} gene sets not scored: {n_small} with fewer "
                      f"than min_size={min_size}, {n_large} with more than {hi} members in the matrix",
                      DroppedInputWarning, stacklevel=2)
    opts = {"alpha": float(alpha), "normalize": bool(normalize), "ties": ties, "kcdf": kcdf,
            "down": [_rows(row, coll[down_of[t]].genes) if t in down_of and down_of[t] in coll else None
                     for t in terms]}
    raw = select("score_samples", method=method).entry(x, members, opts)
    samples = vals.columns.astype(str)
    scores = pd.DataFrame(raw.T, index=pd.Index(samples, name="sample"), columns=pd.Index(terms, name="term"))
    sizes = np.array([m.size for m in members], dtype=np.int64)
    n_s = len(samples)
    table = conform_table(pd.DataFrame({
        "sample": np.tile(np.asarray(samples, dtype=object), len(terms)),
        "term": np.repeat(np.asarray(terms, dtype=object), n_s),
        "description": np.repeat(np.asarray(descs, dtype=object), n_s),
        "size": np.repeat(sizes, n_s),
        "n_members": np.repeat(np.asarray(n_members, dtype=np.int64), n_s),
        "score": raw.ravel(),
    }), SCORES_SCHEMA)
    n_signed = sum(d is not None and d.size > 0 for d in opts.pop("down"))
    params = {"method": method, **{k: v for k, v in opts.items()
                                    if method == "ssgsea" or k not in ("alpha", "normalize", "ties")},
              "min_size": min_size, "max_size": max_size, "n_genes": int(len(genes)),
              "n_genes_constant": int(constant.sum()), "n_samples": n_s, "n_sets": len(coll),
              "n_sets_scored": len(terms), "n_sets_below_min_size": n_small,
              "n_sets_above_max_size": n_large, "expression": dict(expr.report)}
    if method != "gsva":
        params.pop("kcdf", None)
    if method == "singscore":
        params["n_sets_signed"] = int(n_signed)
    res = ScoresResult(scores=scores, table=table, method=method, params=params,
                       collection_name=source.name, collection_version=source.version,
                       collection_sha256=source.sha256, mapping=mapping)
    if anndata_key and hasattr(expression, "obsm"):
        res.to_anndata(expression)
    return res


def _rows(row: pd.Index, genes: Any) -> np.ndarray:
    idx = np.unique(row.get_indexer(list(genes)))
    return idx[idx >= 0].astype(np.int64)


def _is_pair(v: Any) -> bool:
    return (isinstance(v, tuple) and len(v) == 2
            and all(not isinstance(p, str) and hasattr(p, "__iter__") for p in v))


def _split_signed(collection: Any, method: str) -> tuple[Any, dict[str, str]]:
    """A ``{set: (up, down)}`` mapping as plain sets: ``set`` (up) and ``set::down``."""
    if not isinstance(collection, dict) or not any(_is_pair(v) for v in collection.values()):
        return collection, {}
    if method != "singscore":
        raise InputError(f"signed sets ({{set: (up, down)}}) are scored by method='singscore' only, "
                         f"not method={method!r}; pass plain member lists for {method}")
    flat: dict[str, Any] = {}
    down_of: dict[str, str] = {}
    for k, v in collection.items():
        if _is_pair(v):
            flat[k] = list(v[0])
            if len(list(v[1])):
                flat[k + DOWN_SUFFIX] = list(v[1])
                down_of[k] = k + DOWN_SUFFIX
        else:
            flat[k] = v
    return flat, down_of


def _split_members(source: GeneSetCollection, down_of: dict[str, str]
                   ) -> tuple[GeneSetCollection, dict[str, str]]:
    """Curated sets with members marked ``direction="down"``: those members become the down part."""
    sets, down_of = [], dict(down_of)
    for gs in source:
        down = {m.symbol for m in gs.members if m.direction == "down"}
        if not down or gs.id in down_of:
            sets.append(gs)
            continue
        sets.append(replace(gs, genes=tuple(g for g in gs.genes if g not in down)))
        sets.append(GeneSet(id=gs.id + DOWN_SUFFIX, genes=tuple(g for g in gs.genes if g in down)))
        down_of[gs.id] = gs.id + DOWN_SUFFIX
    if len(sets) == len(source):
        return source, down_of
    return replace(source, sets=tuple(sets)), down_of


#: Column -> dtype of :func:`compare_scores`' table.
COMPARE_SCHEMA: dict[str, str] = {
    "term": "object",
    "test": "object",
    "n_a": "int64",
    "n_b": "int64",
    "effect": "float64",
    "effect_low": "float64",
    "effect_high": "float64",
    "statistic": "float64",
    "pval": "float64",
    "padj": "float64",
}


def compare_scores(scores: Any, phenotype: Any, *, positive: Any = None, negative: Any = None,
                   samples: pd.DataFrame | None = None, confidence: float = 0.95) -> pd.DataFrame:
    """Test each set's scores between two groups, or against a continuous phenotype.

    Two groups: Welch's t-test; ``effect`` is mean(positive) - mean(negative) with
    its Welch confidence interval. Continuous: Pearson correlation; ``effect`` is
    r with its Fisher-z interval. ``padj``: BH over the sets. Columns: :data:`COMPARE_SCHEMA`.
    """
    from scipy import stats as st
    from scipy.stats import false_discovery_control

    df = scores.scores if isinstance(scores, ScoresResult) else scores
    ph = align_phenotype(phenotype, df.index.astype(str), samples)
    numeric = pd.api.types.is_numeric_dtype(ph.dtype) and ph.nunique() > 2
    rows = []
    if numeric:
        y = ph.to_numpy(dtype=np.float64)
        for term in df.columns:
            r = st.pearsonr(df[term].to_numpy(), y)
            ci = r.confidence_interval(confidence)
            rows.append((term, "pearson", len(y), 0, r.statistic, ci.low, ci.high, r.statistic, r.pvalue))
    else:
        labels = ph.astype(str)
        found = list(dict.fromkeys(labels))
        pos = str(positive) if positive is not None else found[0]
        neg = str(negative) if negative is not None else next((c for c in found if c != pos), None)
        if neg is None or pos not in found or neg not in found:
            raise InputError(f"compare_scores needs two groups; found {found[:8]} (positive={positive!r}, "
                             f"negative={negative!r})")
        a, b = (labels == pos).to_numpy(), (labels == neg).to_numpy()
        for term in df.columns:
            v = df[term].to_numpy()
            t = st.ttest_ind(v[a], v[b], equal_var=False)
            ci = t.confidence_interval(confidence)
            rows.append((term, f"welch_t:{pos}-{neg}", int(a.sum()), int(b.sum()),
                         float(v[a].mean() - v[b].mean()), ci.low, ci.high, t.statistic, t.pvalue))
    out = pd.DataFrame(rows, columns=[c for c in COMPARE_SCHEMA if c != "padj"])
    p = out["pval"].to_numpy(dtype=np.float64)
    ok = np.isfinite(p)
    padj = np.full(p.size, np.nan)
    if ok.any():
        padj[ok] = false_discovery_control(p[ok], method="bh")
    out["padj"] = padj
    return conform_table(out.sort_values(["pval", "term"], kind="stable"), COMPARE_SCHEMA)
