"""Expression matrices in: genes x samples, with their phenotypes and what was done to them.

:func:`read_expression` reads TSV/CSV (gzip too), GCT (``#1.2``), pandas
DataFrames and AnnData (``.h5ad`` or an object) into an :class:`Expression`:
one float64 value per unique gene and sample, the sample sheet, the phenotype,
and a ``report`` of every row collapsed or dropped. Counts are recognised and
refused unless transformed (``transform="log_cpm"``) or declared already
transformed (``transform="none"``): GSEA metrics and single-sample scores on raw
counts are dominated by library size.
"""

from __future__ import annotations

import gzip
import os
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..errors import DuplicateGeneWarning, InputError
from .phenotypes import align_phenotype, read_cls, read_sample_sheet

__all__ = ["Expression", "read_expression", "log_cpm", "looks_like_counts"]

Transform = Literal["log_cpm", "none"]
Collapse = Literal["max_mean", "mean", "error"]


@dataclass(frozen=True, eq=False)
class Expression:
    """An expression matrix ready for :func:`~mamsets.engines.phenotype.phenotype_gsea`
    and :func:`~mamsets.engines.scores.score_samples`.

    Attributes
    ----------
    values : pandas.DataFrame
        Genes (unique str index) x samples (unique str columns), float64, finite.
    samples : pandas.DataFrame
        The sample sheet (index = sample ids, in ``values``' column order); may
        have no columns.
    phenotype : pandas.Series or None
        One label (or number) per sample, indexed like ``values.columns``.
    source : str
        What was read.
    report : Mapping
        ``n_rows_read``, ``duplicates`` (rule, rows collapsed, genes affected,
        examples), ``dropped`` (rows without a gene id, non-finite rows),
        ``counts`` (whether the values looked like counts) and ``transform``.
    """

    values: pd.DataFrame
    samples: pd.DataFrame
    phenotype: pd.Series | None
    source: str
    report: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "report", MappingProxyType(dict(self.report)))

    @property
    def genes(self) -> pd.Index:
        return self.values.index

    @property
    def shape(self) -> tuple[int, int]:
        return self.values.shape

    def __repr__(self) -> str:
        ph = "none" if self.phenotype is None else f"{self.phenotype.name!r}"
        return (f"Expression({self.values.shape[0]} genes x {self.values.shape[1]} samples, "
                f"phenotype={ph}, source={self.source!r})")

    def with_phenotype(self, phenotype: Any) -> Expression:
        """A copy with ``phenotype`` (a sample-sheet column name, a Series or a sequence)."""
        return replace(self, phenotype=align_phenotype(phenotype, self.values.columns, self.samples))

    def subset(self, samples: Any) -> Expression:
        """A copy with only ``samples`` (ids or a boolean mask over the columns)."""
        cols = self.values.columns[samples] if np.asarray(samples).dtype == bool else pd.Index(samples)
        ph = None if self.phenotype is None else self.phenotype.reindex(cols)
        return replace(self, values=self.values.loc[:, cols], samples=self.samples.reindex(cols),
                       phenotype=ph)


# --------------------------------------------------------------------------------------
# reading
# --------------------------------------------------------------------------------------
def _open(path: Path):
    return gzip.open(path, "rt", encoding="utf-8-sig") if path.suffix == ".gz" else open(
        path, encoding="utf-8-sig")


def _read_gct(path: Path) -> pd.DataFrame:
    with _open(path) as fh:
        first = fh.readline().strip()
        dims = fh.readline().split()
    if not first.startswith("#1.2"):
        raise InputError(f"{path}, line 1: a GCT file starts with '#1.2', got {first[:40]!r}")
    try:
        n_rows, n_cols = int(dims[0]), int(dims[1])
    except (ValueError, IndexError):
        raise InputError(f"{path}, line 2: expected '<rows> <samples>', got {' '.join(dims)[:40]!r}") from None
    df = pd.read_csv(path, sep="\t", skiprows=2, dtype={0: str, 1: str})
    if df.shape[1] - 2 != n_cols:
        raise InputError(f"{path}, line 3: {df.shape[1] - 2} sample columns but line 2 declares {n_cols}")
    if len(df) != n_rows:
        raise InputError(f"{path}: {len(df)} data rows but line 2 declares {n_rows}; the file may be "
                         "truncated (last line read: {})".format(len(df) + 3))
    return df.drop(columns=df.columns[1])  # Description


def _read_table(path: Path) -> pd.DataFrame:
    name = path.name.lower().removesuffix(".gz")
    if name.endswith(".gct"):
        return _read_gct(path)
    if name.endswith(".h5ad"):
        raise AssertionError  # handled by the caller
    with _open(path) as fh:
        head = fh.readline()
    sep = "," if name.endswith(".csv") or ("\t" not in head and "," in head) else "\t"
    return pd.read_csv(path, sep=sep, low_memory=False)


def _split_columns(df: pd.DataFrame, gene_column: str | None, where: str) -> tuple[pd.Series, pd.DataFrame, list[str]]:
    """(gene ids, numeric sample columns, dropped annotation columns)."""
    if gene_column is not None:
        if gene_column not in df.columns:
            raise InputError(f"{where}: no column {gene_column!r} (columns: {list(df.columns)[:8]}); "
                             "pass gene_column= naming the column of gene ids")
        genes = df[gene_column]
        rest = df.drop(columns=[gene_column])
    elif not isinstance(df.index, pd.RangeIndex):
        genes = pd.Series(df.index, index=df.index)
        rest = df
    else:
        genes = df.iloc[:, 0]
        rest = df.iloc[:, 1:]
    numeric = [c for c in rest.columns if pd.api.types.is_numeric_dtype(rest[c])]
    dropped = [str(c) for c in rest.columns if c not in numeric]
    if not numeric:
        raise InputError(f"{where}: no numeric sample columns (columns: {list(df.columns)[:8]}); "
                         "expected gene ids then one numeric column per sample")
    vals = rest[numeric].astype("float64")
    vals.columns = [str(c) for c in vals.columns]
    return genes, vals, dropped


def looks_like_counts(values: np.ndarray) -> bool:
    """True when every finite value is a non-negative integer and the largest exceeds 100.

    Normalised, logged or microarray values (MAS5 means, RMA logs) fail one of the two.
    """
    v = values[np.isfinite(values)]
    return bool(v.size and v.min() >= 0 and v.max() > 100 and np.all(v == np.floor(v)))


def log_cpm(counts: pd.DataFrame, *, prior_count: float = 2.0,
            norm_factors: pd.Series | None = None) -> pd.DataFrame:
    """log2 counts per million, as edgeR's ``cpm(y, log=TRUE, prior.count=2)``.

    Notes
    -----
    With library sizes :math:`L_j = f_j \\sum_g x_{gj}` (:math:`f_j` the TMM
    normalisation factors when given, else 1) and
    :math:`\\lambda_j = c\\,L_j / \\bar L` (:math:`c` = ``prior_count``):

    .. math:: \\log_2 \\frac{x_{gj} + \\lambda_j}{L_j + 2\\lambda_j} \\cdot 10^6

    References
    ----------
    Robinson MD, McCarthy DJ, Smyth GK (2010) Bioinformatics 26:139-140.
    doi:10.1093/bioinformatics/btp616
    """
    lib = counts.sum(axis=0).astype("float64")
    if norm_factors is not None:
        lib = lib * norm_factors.reindex(counts.columns).astype("float64").to_numpy()
    if (lib <= 0).any():
        bad = list(lib.index[lib.to_numpy() <= 0][:3])
        raise InputError(f"samples {bad} have no counts; drop them before log_cpm")
    lam = prior_count * lib / lib.mean()
    return np.log2((counts + lam) / (lib + 2 * lam) * 1e6)


def _collapse(genes: pd.Series, vals: pd.DataFrame, rule: Collapse, where: str) -> tuple[pd.DataFrame, dict[str, Any]]:
    ids = genes.astype(str).str.strip().to_numpy()
    dup = pd.Index(ids).duplicated(keep=False)
    info: dict[str, Any] = {"rule": rule, "rows_collapsed": 0, "genes_affected": 0, "examples": []}
    vals = vals.set_axis(ids, axis=0)
    if not dup.any():
        return vals, info
    affected = sorted(set(ids[dup]))
    info.update(rows_collapsed=int(pd.Index(ids).duplicated().sum()), genes_affected=len(affected),
                examples=affected[:5])
    if rule == "error":
        first = int(np.flatnonzero(dup)[1])
        raise InputError(f"{where}: {len(affected)} gene ids repeat (e.g. {affected[:3]}, data row "
                         f"{first + 1}); pass collapse='max_mean' (GSEA's Collapse: keep the row with "
                         "the largest mean) or 'mean'")
    if rule == "mean":
        out = vals.groupby(level=0, sort=False).mean()
    else:  # the row with the largest mean across samples; the first such row on ties
        means = vals.mean(axis=1).to_numpy()
        order = np.lexsort((np.arange(len(ids)), -means))
        keep = np.sort(order[~pd.Index(ids[order]).duplicated()])
        out = vals.iloc[keep]
    warnings.warn(
        f"{where}: {info['rows_collapsed']} rows repeat a gene id ({len(affected)} genes, e.g. "
        f"{affected[:3]}); collapsed by {rule!r} (collapse= 'max_mean' | 'mean' | 'error'); "
        "see Expression.report['duplicates']",
        DuplicateGeneWarning, stacklevel=3)
    return out, info


def _from_anndata(adata: Any, layer: str | None, where: str) -> tuple[pd.Series, pd.DataFrame, pd.DataFrame]:
    x = adata.layers[layer] if layer is not None else adata.X
    if layer is not None and layer not in adata.layers:
        raise InputError(f"{where}: no layer {layer!r} (layers: {list(adata.layers)}); pass layer=None for X")
    if hasattr(x, "toarray"):
        x = x.toarray()
    vals = pd.DataFrame(np.asarray(x, dtype="float64").T, columns=adata.obs_names.astype(str))
    genes = pd.Series(adata.var_names.astype(str))
    obs = adata.obs.copy()
    obs.index = obs.index.astype(str)
    return genes, vals, obs


def read_expression(
    source: Any,
    *,
    phenotype: Any = None,
    cls: str | os.PathLike[str] | None = None,
    sample_sheet: Any = None,
    sample_column: str | None = None,
    gene_column: str | None = None,
    layer: str | None = None,
    collapse: Collapse = "max_mean",
    transform: Transform | None = None,
    prior_count: float = 2.0,
) -> Expression:
    """Read an expression matrix (genes x samples) with its phenotype.

    Parameters
    ----------
    source : path, pandas.DataFrame or anndata.AnnData
        TSV/CSV/TXT (``.gz`` too; separator from the extension or the header
        line) or GCT ``#1.2``: gene ids in the first column (or ``gene_column``),
        then one numeric column per sample; other text columns (GCT's
        Description, GSEA's ``DESCRIPTION``, probe ids) are dropped and listed
        in ``report["annotation_columns"]``. A DataFrame: genes x samples, ids in
        the index (or ``gene_column``). ``.h5ad`` or an AnnData object:
        samples/cells x genes (``X`` or ``layer``); ``obs`` becomes the sample sheet.
    phenotype : str, pandas.Series or sequence, optional
        A sample-sheet column name, a Series sample -> label/number, or one value
        per column in column order.
    cls : path, optional
        A GSEA ``.cls`` file (categorical or ``#numeric``), in column order.
    sample_sheet : path or DataFrame, optional
        One row per sample (e.g. MoTrPAC's ``*_samples.tsv``); ids in
        ``sample_column`` (default: ``sample_id``/``sample`` or the first column).
        Samples of the matrix missing from the sheet are an error; extra rows are ignored.
    gene_column : str, optional
        The column holding gene ids (e.g. ``"gene_symbol"`` in MoTrPAC's counts,
        whose first column holds Ensembl ids).
    layer : str, optional
        AnnData layer to read instead of ``X``.
    collapse : {"max_mean", "mean", "error"}
        Rows repeating a gene id (several probes per gene): keep the row with the
        largest mean over samples (GSEA desktop's Collapse "Max_probe" on means),
        average them, or refuse. Reported in ``report["duplicates"]`` and warned.
    transform : {"log_cpm", "none"}, optional
        Counts (every value a non-negative integer, the largest above 100) are
        refused unless ``"log_cpm"`` (:func:`log_cpm`, edgeR's formula with
        ``prior_count``; the sample sheet's ``norm.factors`` are used when present)
        or ``"none"`` (you state that the values are already on a usable scale).

    Returns
    -------
    Expression

    Notes
    -----
    Rows without a gene id are dropped; rows with a missing or non-finite value
    are dropped and counted (``report["dropped"]``), never imputed.
    """
    where, sheet = "<DataFrame>", None
    if hasattr(source, "obs") and hasattr(source, "var_names"):
        where = "<AnnData>"
        genes, vals, sheet = _from_anndata(source, layer, where)
        annot: list[str] = []
    elif isinstance(source, pd.DataFrame):
        genes, vals, annot = _split_columns(source, gene_column, where)
    elif isinstance(source, (str, os.PathLike)):
        path = Path(source)
        where = str(path)
        if not path.exists():
            raise FileNotFoundError(f"{path}: no such expression file")
        if path.name.lower().endswith(".h5ad"):
            try:
                import anndata
            except ImportError:
                raise InputError(f"{path}: reading .h5ad needs anndata; pip install 'mamsets[anndata]'") from None
            genes, vals, sheet = _from_anndata(anndata.read_h5ad(path), layer, where)
            annot = []
        else:
            genes, vals, annot = _split_columns(_read_table(path), gene_column, where)
    else:
        raise InputError(f"expression source is a {type(source).__name__}; pass a path, a DataFrame "
                         "(genes x samples) or an AnnData object")
    report: dict[str, Any] = {"source": where, "n_rows_read": int(len(vals)),
                              "n_samples": int(vals.shape[1]), "annotation_columns": annot}
    dup_cols = vals.columns[vals.columns.duplicated()]
    if len(dup_cols):
        raise InputError(f"{where}: sample names repeat, e.g. {list(dup_cols[:3])}; rename them")
    # rows: gene id present, every value finite
    no_id = genes.isna().to_numpy() | (genes.astype(str).str.strip() == "").to_numpy()
    arr = vals.to_numpy()
    bad = ~np.isfinite(arr).all(axis=1) & ~no_id
    report["dropped"] = {"no_gene_id": int(no_id.sum()), "non_finite": int(bad.sum()),
                         "non_finite_examples": genes[bad].astype(str).tolist()[:5]}
    keep = ~(no_id | bad)
    genes, vals = genes[keep], vals.loc[keep]
    if len(vals) < 2:
        raise InputError(f"{where}: {len(vals)} usable gene rows; need a genes x samples matrix")
    # sample sheet and phenotype
    if sample_sheet is not None:
        sheet = read_sample_sheet(sample_sheet, sample_column=sample_column)
        missing = pd.Index(vals.columns).difference(sheet.index)
        if len(missing):
            raise InputError(f"sample sheet has no row for samples {list(missing[:5])} of {where}; "
                             f"its ids look like {list(sheet.index[:3])}; pass sample_column=")
    sheet = (sheet.reindex(vals.columns) if sheet is not None else pd.DataFrame(index=vals.columns))
    # counts
    counts = looks_like_counts(vals.to_numpy())
    report["counts"] = counts
    report["transform"] = transform or "none"
    if transform == "log_cpm":
        nf = sheet["norm.factors"] if "norm.factors" in sheet.columns else None
        vals = log_cpm(vals, prior_count=prior_count, norm_factors=nf)
        report["transform"] = (f"log_cpm (edgeR cpm(log=TRUE), prior_count={prior_count}"
                               f"{', TMM norm.factors from the sample sheet' if nf is not None else ''}; "
                               "library sizes over all rows read)")
    elif transform not in (None, "none"):
        raise InputError(f"transform={transform!r}: choose 'log_cpm' or 'none'")
    elif counts and transform is None:
        raise InputError(
            f"{where}: the values look like raw counts (non-negative integers up to "
            f"{int(vals.to_numpy().max())}); metrics and single-sample scores on counts follow library "
            "size. Pass transform='log_cpm' (log2((count + 2 L/mean L) / (L + 4 L/mean L) * 1e6), "
            "edgeR's cpm(log=TRUE)) or transform='none' if they are already normalised")
    values, dup_info = _collapse(genes, vals, collapse, where)
    report["duplicates"] = dup_info
    values.index.name = "gene"
    values.columns.name = "sample"
    ph = None
    if cls is not None and phenotype is not None:
        raise InputError("pass phenotype= or cls=, not both")
    if cls is not None:
        ph = align_phenotype(read_cls(cls), values.columns, sheet, what=f"cls {Path(cls).name}")
    elif phenotype is not None:
        ph = align_phenotype(phenotype, values.columns, sheet)
    return Expression(values=values, samples=sheet, phenotype=ph, source=where, report=report)
