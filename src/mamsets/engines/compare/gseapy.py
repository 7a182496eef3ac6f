"""gseapy as a comparison engine: the same inputs and result columns, gseapy's numbers.

Selected with ``engine="gseapy"`` in :func:`~mamsets.engines.gsea.gsea` and
:func:`~mamsets.engines.ora.ora` (registered as ``gseapy_prerank`` and
``gseapy_enrich``). Kept apart from our own methods (:mod:`mamsets.engines.native`)
so that they never depend on gseapy; gseapy is imported on first use.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ...results import empty_table
from .. import _ora_kernel as kern
from .._ora_data import overlaps
from .._tables import GSEA_SCHEMA, bh_per_query, gsea_table, ora_table

if TYPE_CHECKING:
    from .._gsea_inputs import GseaOptions, GseaSets
    from .._ora_data import OraData, OraOptions

__all__ = ["gseapy_enrich", "gseapy_prerank"]


# ---------------------------------------------------------------------------
# preranked GSEA: gseapy.prerank
# ---------------------------------------------------------------------------
def gseapy_prerank(sets: GseaSets, opts: GseaOptions, params: dict[str, Any]) -> pd.DataFrame:
    """:func:`gseapy.prerank` on the same ranking and tested sets (see ``gsea(engine=...)``).

    gseapy gets one seed drawn from the run's seed sequence (``params["gseapy_seed"]``).
    """
    terms, descs, method = sets.terms, sets.descs, opts.method
    if not terms:
        return empty_table(GSEA_SCHEMA)
    import gseapy

    gseapy_seed = int(opts.seed_sequence.generate_state(1)[0])
    params["gseapy_seed"] = gseapy_seed
    params["gseapy_version"] = gseapy.__version__
    params["fdr_gsea"] = (
        "NaN: gseapy's multilevel 'FDR q-val' is Benjamini-Hochberg over its p-values (see "
        "padj) and it returns no null NES to compute GSEA desktop's FDR from"
        if method == "multilevel"
        else "gseapy's 'FDR q-val' (GSEA desktop's FDR from its permutation null NES)"
    )
    rnk = pd.Series(sets.scores, index=pd.Index(sets.ranked, name="gene"), name="score")
    gene_sets = {t: [str(g) for g in sets.collection[t].genes] for t in terms}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pre = gseapy.prerank(
            rnk=rnk, gene_sets=gene_sets, outdir=None, min_size=opts.min_size,
            max_size=sets.max_tested, permutation_num=opts.n_perm, weight=opts.weight,
            threads=opts.n_jobs, no_plot=True, seed=gseapy_seed, verbose=False, method=method,
            sample_size=opts.sample_size, eps=opts.eps,
        )
    res = pre.res2d.set_index("Term")
    by_term = {t: i for i, t in enumerate(terms)}
    sizes = np.array([p.size for p in sets.positions], dtype=np.int64)
    got = [t for t in res.index if t in by_term]
    idx = [by_term[t] for t in got]
    pval = pd.to_numeric(res.loc[got, "NOM p-val"], errors="coerce").to_numpy(dtype=np.float64)
    lead = res.loc[got, "Lead_genes"].astype(str)
    rows = {
        "term": got,
        "description": [descs[i] for i in idx],
        "size": sizes[idx],
        "n_members": np.asarray(sets.n_members, dtype=np.int64)[idx],
        "es": pd.to_numeric(res.loc[got, "ES"]).to_numpy(dtype=np.float64),
        "nes": pd.to_numeric(res.loc[got, "NES"]).to_numpy(dtype=np.float64),
        "pval": pval,
        # gseapy's multilevel "FDR q-val" is BH over its p-values (= padj), and its
        # multilevel output holds no null NES to compute GSEA desktop's FDR from: NaN
        "fdr_gsea": (np.full(len(got), np.nan) if method == "multilevel" else
                     pd.to_numeric(res.loc[got, "FDR q-val"]).to_numpy(dtype=np.float64)),
        "log2err": (pd.to_numeric(res.loc[got, "log2err"], errors="coerce").to_numpy(dtype=np.float64)
                    if "log2err" in res.columns else np.full(len(got), np.nan)),
        "pval_at_floor": (pval <= opts.eps) if method == "multilevel" else (pval == 0),
        "leading_edge": [tuple(x for x in s.split(";") if x) for s in lead],
    }
    return gsea_table(rows)


# ---------------------------------------------------------------------------
# over-representation: gseapy.enrich
# ---------------------------------------------------------------------------
def gseapy_enrich(data: OraData, opts: OraOptions, params: dict[str, Any]) -> pd.DataFrame:
    """Upper-tail p-values from :func:`gseapy.enrich`, BH within each query; our other columns.

    gseapy must find the same overlaps as we do (checked); its p-values are
    clipped to ``[P_FLOOR, 1]`` as ours are.
    """
    ov = overlaps(data)
    gp_overlap, pval = _gseapy_pvalues(data.queries.indices,
                                       [data.set_idx[j] for j in data.kept], data.n_universe)
    if not np.array_equal(gp_overlap, ov.overlap):  # pragma: no cover - would be a gseapy bug
        raise RuntimeError("gseapy.enrich found other overlaps than mamsets; please report")
    arr = kern.ora_arrays(ov.overlap, data.n_universe, data.sizes[data.kept], ov.q_sizes,
                          opts.alternative)
    pval = np.clip(pval, kern.P_FLOOR, 1.0)
    padj = bh_per_query(pval)
    arr = arr._replace(pval=pval, padj=padj)
    return ora_table(data, arr, ov)


def _gseapy_pvalues(
    q_indices: list[np.ndarray], set_indices: list[np.ndarray], N: int
) -> tuple[np.ndarray, np.ndarray]:
    """Overlaps and upper-tail p-values (queries x sets) computed by ``gseapy.enrich``.

    Genes are passed to gseapy as opaque upper-case tokens (``G0``, ``G1``, ...
    for the universe's sorted genes) so that gseapy's input heuristics
    (upper-casing queries when the sets look upper-case; treating all-numeric
    lists as Entrez integers, which then match no string set) cannot change
    which genes match. Sets gseapy omits (no overlap) have P(X >= 0) = 1.
    """
    import gseapy

    token = [f"G{i}" for i in range(N)]
    gene_sets = {f"S{j}": [token[i] for i in ix] for j, ix in enumerate(set_indices)}
    background = list(token)
    nq, ns = len(q_indices), len(set_indices)
    overlap = np.zeros((nq, ns), dtype=np.int64)
    pval = np.ones((nq, ns), dtype=np.float64)
    for q, ix in enumerate(q_indices):
        if ix.size == 0:
            continue
        enr = gseapy.enrich(
            gene_list=[token[i] for i in ix],
            gene_sets=gene_sets,
            background=background,
            outdir=None,
            no_plot=True,
            verbose=False,
        )
        res = enr.results
        if not isinstance(res, pd.DataFrame) or res.empty:
            continue
        cols = res["Term"].str.slice(1).astype(np.int64).to_numpy()
        overlap[q, cols] = res["Overlap"].str.split("/").str[0].astype(np.int64).to_numpy()
        pval[q, cols] = res["P-value"].to_numpy(dtype=np.float64)
    return overlap, pval
