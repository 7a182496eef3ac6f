"""Read a user's differential-expression results table into a gene ranking.

A user's real starting point is a results table from DESeq2, limma, edgeR or
Seurat, not a clean ranked list. :func:`read_ranking` recognises those tables by
their column names, picks the ranking score in a fixed, documented order, says
which it chose and why, and refuses (with a message that names the fix) the
things that silently spoil an enrichment run: duplicated genes, missing scores,
and unrecognised columns. Heavy ties in the score give a :class:`TiesWarning`.

Recognised columns (matched exactly, then ignoring case, dots and underscores):

- DESeq2: ``stat``, ``log2FoldChange``, ``pvalue``, ``padj``
- limma ``topTable``: ``t``, ``logFC``, ``P.Value``, ``adj.P.Val``
- edgeR ``topTags``: ``logFC``, ``PValue``, ``FDR`` (no statistic)
- Seurat ``FindMarkers``: ``avg_log2FC``, ``p_val``, ``p_val_adj`` (no statistic)
- MoTrPAC limma tables: ``z`` (unrounded) and ``t`` (rounded), ``logFC``, ``P.Value``, ``adj.P.Val``
- GSEA ``.rnk``: two columns, gene and score
"""

from __future__ import annotations

from ._columns import SCORE_ORDER
from ._gene_list import read_gene_list
from ._model import Ranking
from ._read import read_ranking, table_level
from ._ties import TIES_WARN_FRACTION, ties_fraction

__all__ = [
    "SCORE_ORDER",
    "TIES_WARN_FRACTION",
    "Ranking",
    "read_gene_list",
    "read_ranking",
    "table_level",
    "ties_fraction",
]
