"""GSEA with the phenotype-permutation null: labels shuffled (within blocks), metric recomputed.

The entry function :func:`phenotype_permutation` is registered as method
``"phenotype_permutation"`` of kind ``"phenotype_gsea"``; its public front is
:func:`mamsets.engines.phenotype_gsea.phenotype_gsea`, where the formulas are.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ...results import empty_table
from .. import _gsea_kernel as _k
from .._pheno_kernel import null_es_block
from .._gsea_null import PermutationPass, fdr_gsea, gsea_rows, null_stats, simple_log2err, unit_seed
from .._tables import GSEA_SCHEMA, gsea_table

if TYPE_CHECKING:
    from .._gsea_inputs import GseaOptions, GseaSets

__all__ = ["LabelDesign", "PHENO_CHUNK", "distinct_permutations", "label_matrix", "phenotype_permutation"]

#: Label permutations per work unit; each unit has its own seed (spawn key (2, unit)).
PHENO_CHUNK = 100


@dataclass(frozen=True)
class LabelDesign:
    """What the permutations shuffle.

    ``x``: genes x samples in the ranking's tie order (row ``i`` is gene
    ``genes[i]``); ``labels``: 1/0 for the positive/negative class or the
    continuous values; ``blocks``: integer block of each sample (all 0 without
    a blocking factor); ``metric``: see :mod:`mamsets.engines._expr_metrics`.
    """

    x: np.ndarray
    genes: np.ndarray
    labels: np.ndarray
    blocks: np.ndarray
    metric: str


def distinct_permutations(labels: np.ndarray, blocks: np.ndarray) -> int:
    """Distinct labellings reachable by shuffling ``labels`` within ``blocks`` (the observed included).

    The product over blocks of the multinomial coefficient of the block's label
    counts (for two classes: :math:`\\prod_b \\binom{n_b}{n_{A,b}}`).
    """
    total = 1
    for b in np.unique(blocks):
        _, counts = np.unique(labels[blocks == b], return_counts=True)
        m = math.factorial(int(counts.sum()))
        for c in counts:
            m //= math.factorial(int(c))
        total *= m
    return total


def label_matrix(labels: np.ndarray, blocks: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` labellings (rows), each ``labels`` shuffled independently within every block."""
    out = np.tile(np.asarray(labels, dtype=np.float64), (n, 1))
    for b in np.unique(blocks):
        idx = np.flatnonzero(blocks == b)
        if idx.size > 1:
            out[:, idx] = rng.permuted(out[:, idx], axis=1)
    return out


def _member_index(sets: GseaSets, genes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row indices (into ``genes``) of every tested set's members, flattened, with set ids and offsets."""
    row_of = pd.Index(genes).get_indexer(sets.ranked)        # rank position -> row of x
    flat = row_of[np.concatenate(sets.positions)]
    sizes = np.array([p.size for p in sets.positions], dtype=np.int64)
    set_id = np.repeat(np.arange(sizes.size, dtype=np.int64), sizes)
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    return flat, set_id, offsets


def _null_chunk(design: LabelDesign, members: tuple[np.ndarray, np.ndarray, np.ndarray], weight: float,
                labels: np.ndarray, out: np.ndarray) -> int:
    """ES of every set (rows of ``out``) for each labelling (columns); returns non-finite metric values set to 0."""
    flat, _, offsets = members
    return null_es_block(design.x, labels, design.metric, weight, flat, offsets, out)


def null_es(design: LabelDesign, sets: GseaSets, opts: GseaOptions) -> tuple[np.ndarray, int]:
    """(n_sets, n_perm) ES under label permutation; chunk ``c`` draws from spawn key ``(2, c)``."""
    members = _member_index(sets, design.genes)
    n_perm = opts.n_perm
    out = np.empty((len(sets.terms), n_perm), dtype=np.float64)
    units = list(range(0, n_perm, PHENO_CHUNK))
    bad = [0] * len(units)

    def work(u: int) -> None:
        c = units[u]
        n = min(PHENO_CHUNK, n_perm - c)
        rng = np.random.default_rng(unit_seed(opts.seed_sequence, 2, u))
        labels = label_matrix(design.labels, design.blocks, n, rng)
        bad[u] = _null_chunk(design, members, opts.weight, labels, out[:, c:c + n])

    if opts.n_jobs == 1 or len(units) == 1:
        for u in range(len(units)):
            work(u)
    else:
        with ThreadPoolExecutor(max_workers=opts.n_jobs) as pool:
            list(pool.map(work, range(len(units))))
    return out, int(sum(bad))


def phenotype_permutation(sets: GseaSets, opts: GseaOptions, params: dict[str, Any],
                          design: LabelDesign) -> pd.DataFrame:
    """Observed ES (the preranked kernel on the observed metric) and the label-permutation null.

    Per set: NES = ES / mean of the same-signed null ES of that set; p = (k + 1) /
    (n + 1) per sign; ``fdr_gsea`` pools the normalised null of all sets (GSEA desktop).
    """
    if not sets.terms:
        params["n_metric_nonfinite_in_permutations"] = 0
        return empty_table(GSEA_SCHEMA)
    w = _k.gene_weights(sets.scores, opts.weight)
    sizes = np.array([p.size for p in sets.positions], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    es, peak = _k.enrichment_scores(w, np.concatenate(sets.positions), offsets)
    null, n_bad = null_es(design, sets, opts)
    rows = np.arange(len(sets.terms))
    fdr = fdr_gsea(es, rows, null)     # column j: labelling j of every set; before the sort below
    st = null_stats(es, rows, null)
    fdr[~np.isfinite(st.nes)] = np.nan
    pval = (st.k + 1) / (st.n_sign + 1)
    log2err = simple_log2err(st.k, st.n_sign)
    p = PermutationPass(w=w, sizes=sizes, es=es, peak=peak, stats=st, fdr=fdr, pval=pval,
                        log2err=log2err)
    params["n_metric_nonfinite_in_permutations"] = n_bad
    unbalanced = st.n_sign == 0
    params["n_unbalanced"] = int(unbalanced.sum())
    return gsea_table(gsea_rows(sets, p, nes=st.nes, pval=pval,
                                log2err=np.where(unbalanced, np.nan, log2err), at_floor=st.k == 0))


def block_codes(block: Sequence[Any] | None, n: int) -> np.ndarray:
    """Integer block of each sample (all 0 when ``block`` is None)."""
    if block is None:
        return np.zeros(n, dtype=np.int64)
    return pd.factorize(pd.Series(list(block)).astype(str))[0].astype(np.int64)
