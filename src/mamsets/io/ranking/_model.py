"""The :class:`Ranking` result type: gene scores per contrast and how they were made."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from ...errors import InputError

__all__ = ["Ranking"]


@dataclass(frozen=True)
class Ranking:
    """Gene rankings read from a results table, with how they were made.

    Attributes
    ----------
    tables : Mapping[str, pandas.DataFrame]
        Contrast name -> table indexed by gene (index name ``"gene"``), sorted
        by ``score`` decreasing (stable: tied genes keep their input order),
        with a float ``score`` column and, when the input had them, ``lfc``,
        ``pval`` and ``padj``. A table without a contrast column gives one
        entry, named after the file (or ``"ranking"``).
    score_name : str
        The input column used as score, or ``"sign(<lfc>)*-log10(<p>)"``.
    how_chosen : str
        One sentence saying which score was chosen and why.
    style : str
        Recognised table style: ``"DESeq2"``, ``"limma"``, ``"MoTrPAC"``,
        ``"edgeR"``, ``"Seurat"``, ``"rnk"`` or ``"custom"``.
    gene_column : str
        Where the gene identifiers came from (a column name or ``"<index>"``).
    contrast_column : str or None
    columns : Mapping[str, str]
        Role (``score``, ``lfc``, ``pval``, ``padj``) -> input column name.
    source : str
        The path read, or ``"<DataFrame>"`` / ``"<Series>"``.
    n_rows : int
        Rows in the input.
    n_dropped_missing_gene, n_dropped_nonfinite : Mapping[str, int]
        Rows dropped per contrast (only when ``dropna=True``).
    n_duplicates_resolved : Mapping[str, int]
        Rows removed per contrast by the ``duplicates`` rule.
    n_p_zero : Mapping[str, int]
        p-values equal to 0 that were set to the smallest positive double
        before taking logs (signed -log10 p scores only).
    ties : Mapping[str, float]
        :func:`ties_fraction` of each contrast's scores.
    duplicates : str
        The duplicate rule applied.
    """

    tables: Mapping[str, pd.DataFrame]
    score_name: str
    how_chosen: str
    style: str = "custom"
    gene_column: str = "<index>"
    contrast_column: str | None = None
    columns: Mapping[str, str] = field(default_factory=dict)
    source: str = ""
    n_rows: int = 0
    n_dropped_missing_gene: Mapping[str, int] = field(default_factory=dict)
    n_dropped_nonfinite: Mapping[str, int] = field(default_factory=dict)
    n_duplicates_resolved: Mapping[str, int] = field(default_factory=dict)
    n_p_zero: Mapping[str, int] = field(default_factory=dict)
    ties: Mapping[str, float] = field(default_factory=dict)
    duplicates: str = "error"
    level: str = "transcript"
    level_evidence: str = ""

    def __post_init__(self) -> None:
        for name in (
            "tables",
            "columns",
            "n_dropped_missing_gene",
            "n_dropped_nonfinite",
            "n_duplicates_resolved",
            "n_p_zero",
            "ties",
        ):
            object.__setattr__(self, name, MappingProxyType(dict(getattr(self, name))))
        if not self.tables:
            raise InputError("a Ranking needs at least one contrast")

    # -- access ---------------------------------------------------------------
    @property
    def contrasts(self) -> tuple[str, ...]:
        """Contrast names, in input order."""
        return tuple(self.tables)

    @property
    def is_multi(self) -> bool:
        """True when the input had more than one contrast."""
        return len(self.tables) > 1

    @property
    def scores(self) -> pd.Series:
        """The ranking (gene -> score, decreasing) when there is exactly one contrast."""
        if self.is_multi:
            raise InputError(
                f"this ranking has {len(self.tables)} contrasts {list(self.contrasts)[:8]}; "
                "use ranking.series(contrast) or ranking.items(), or pass contrast_column=None "
                "to read_ranking after filtering the table to one contrast"
            )
        return self.series(self.contrasts[0])

    def series(self, contrast: str | None = None) -> pd.Series:
        """The scores of one contrast as a Series (index ``gene``, name ``score``)."""
        return self.table(contrast)["score"].copy()

    def table(self, contrast: str | None = None) -> pd.DataFrame:
        """The cleaned table of one contrast (see :attr:`tables`)."""
        if contrast is None:
            if self.is_multi:
                raise InputError(
                    f"contrast=None but there are {len(self.tables)} contrasts: "
                    f"choose one of {list(self.contrasts)}"
                )
            contrast = self.contrasts[0]
        try:
            return self.tables[contrast].copy()
        except KeyError:
            raise InputError(
                f"contrast={contrast!r} is not in this ranking; choose one of {list(self.contrasts)}"
            ) from None

    def items(self) -> Iterator[tuple[str, pd.Series]]:
        """Iterate over ``(contrast, scores)`` pairs."""
        for c in self.tables:
            yield c, self.series(c)

    def __len__(self) -> int:
        return len(self.tables)

    def __iter__(self) -> Iterator[str]:
        return iter(self.tables)

    def __getitem__(self, contrast: str) -> pd.Series:
        return self.series(contrast)

    @property
    def genes(self) -> tuple[str, ...]:
        """Union of the genes of all contrasts, in first-seen order (e.g. an ORA universe)."""
        seen: dict[str, None] = {}
        for t in self.tables.values():
            seen.update(dict.fromkeys(t.index))
        return tuple(seen)

    def _de_table(self, contrast: str | None, what: str) -> pd.DataFrame:
        t = self.table(contrast)
        missing = [c for c in ("padj", "lfc") if c not in t.columns]
        if missing:
            raise InputError(
                f"{what} needs an adjusted p-value and a log fold change column; this table "
                f"has none for {missing} (columns used: {dict(self.columns)}); build the lists "
                "yourself or pass a table with padj/adj.P.Val/FDR/p_val_adj and a log fold change"
            )
        return t

    def gene_lists(
        self,
        contrast: str | None = None,
        *,
        padj_max: float = 0.05,
        lfc_min: float = 0.0,
    ) -> dict[str, list[str]]:
        """Up- and down-regulated genes of one contrast, for over-representation analysis.

        A gene is ``up`` when ``padj <= padj_max`` and ``lfc >= lfc_min`` with
        ``lfc > 0``, and ``down`` when ``padj <= padj_max`` and ``lfc <= -lfc_min``
        with ``lfc < 0`` (the rule of ``mamsets ora --from-table``). Without an
        adjusted p column the error says so. The matching universe is
        :meth:`universe`.
        """
        t = self._de_table(contrast, "gene_lists")
        sig = t["padj"] <= padj_max
        return {
            "up": list(t.index[sig & (t["lfc"] > 0) & (t["lfc"] >= lfc_min)]),
            "down": list(t.index[sig & (t["lfc"] < 0) & (t["lfc"] <= -lfc_min)]),
        }

    def universe(self, contrast: str | None = None) -> list[str]:
        """The ORA universe of one contrast: genes that could have been selected.

        Every gene of the contrast with a finite adjusted p-value and log fold
        change. Genes whose ``padj`` is missing (e.g. DESeq2's independent
        filtering) were measured but could never enter :meth:`gene_lists`, so they
        are not in the universe.
        """
        t = self._de_table(contrast, "universe")
        ok = np.isfinite(t["padj"].to_numpy(float)) & np.isfinite(t["lfc"].to_numpy(float))
        return list(t.index[ok])

    def select(self, contrasts: str | Iterable[str]) -> Ranking:
        """A Ranking with only these contrasts (one name or several, in this order; counts kept)."""
        from dataclasses import replace

        wanted = list(dict.fromkeys([contrasts] if isinstance(contrasts, str) else contrasts))
        missing = [c for c in wanted if c not in self.tables]
        if missing or not wanted:
            raise InputError(
                f"contrasts {missing or wanted} not in this ranking; choose from {list(self.contrasts)}"
            )

        def keep(m: Mapping[str, Any]) -> dict[str, Any]:
            return {c: m[c] for c in wanted if c in m}

        return replace(
            self,
            tables=keep(self.tables),
            n_dropped_missing_gene=keep(self.n_dropped_missing_gene),
            n_dropped_nonfinite=keep(self.n_dropped_nonfinite),
            n_duplicates_resolved=keep(self.n_duplicates_resolved),
            n_p_zero=keep(self.n_p_zero),
            ties=keep(self.ties),
        )

    def write_rnk(
        self, path: str | os.PathLike[str], contrast: str | None = None, *, overwrite: bool = False
    ) -> Path:
        """Write one contrast as a GSEA ``.rnk`` file (for GSEA desktop, fgsea, gseapy).

        Two tab-separated columns without header (gene, score; scores with 17
        significant digits so nothing is rounded into ties), preceded by ``#``
        lines saying where the ranking came from. Written atomically; an
        existing file needs ``overwrite=True``.
        """
        from ..._atomic import atomic_write_text

        s = self.series(contrast)
        name = contrast if contrast is not None else self.contrasts[0]
        head = (
            f"# mamsets ranking of {self.source or 'a table'}, contrast {name!r}\n"
            f"# score: {self.score_name} ({self.style} table)\n"
        )
        body = "".join(f"{g}\t{v:.17g}\n" for g, v in s.items())
        return atomic_write_text(path, head + body, overwrite=overwrite)

    def summary(self) -> str:
        """A few lines for logs and reports."""
        lines = [f"ranking from {self.source or '<unknown>'} ({self.style} table, {self.n_rows} rows)"]
        lines.append(self.how_chosen)
        lines.append(f"genes from {self.gene_column}; duplicates rule: {self.duplicates}")
        for c, t in self.tables.items():
            extra = []
            for label, counts in (
                ("dropped without gene", self.n_dropped_missing_gene),
                ("dropped non-finite", self.n_dropped_nonfinite),
                ("duplicates resolved", self.n_duplicates_resolved),
                ("p = 0 floored", self.n_p_zero),
            ):
                if counts.get(c):
                    extra.append(f"{label} {counts[c]}")
            tie = self.ties.get(c, 0.0)
            extra.append(f"ties {tie:.1%}")
            lines.append(f"  {c}: {len(t)} genes; " + ", ".join(extra))
        return "\n".join(lines)

    def metadata(self) -> dict[str, Any]:
        """JSON-ready description (for result parameters and reports)."""
        return {
            "source": self.source,
            "style": self.style,
            "score": self.score_name,
            "how_chosen": self.how_chosen,
            "gene_column": self.gene_column,
            "contrast_column": self.contrast_column,
            "columns": dict(self.columns),
            "duplicates": self.duplicates,
            "n_rows": self.n_rows,
            "n_genes": {c: len(t) for c, t in self.tables.items()},
            "n_dropped_missing_gene": dict(self.n_dropped_missing_gene),
            "n_dropped_nonfinite": dict(self.n_dropped_nonfinite),
            "n_duplicates_resolved": dict(self.n_duplicates_resolved),
            "n_p_zero": dict(self.n_p_zero),
            "ties": {c: round(float(v), 6) for c, v in self.ties.items()},
            "level": self.level,
            "level_evidence": self.level_evidence,
        }

    def __repr__(self) -> str:
        sizes = ", ".join(f"{c}: {len(t)}" for c, t in list(self.tables.items())[:4])
        more = ", ..." if len(self.tables) > 4 else ""
        return f"Ranking(score={self.score_name!r}, style={self.style}, genes={{{sizes}{more}}})"
