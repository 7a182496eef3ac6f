"""Enrichment results: a frozen record with a tidy table and everything that made it.

Every engine returns an :class:`EnrichmentResult`. Its ``table`` has a fixed
column schema per method (the same columns, in the same order and dtypes, even
when no set was tested); list-valued cells (overlap genes, leading edge) are
tuples in memory and ``;``-joined only when written to text.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from ._atomic import atomic_write_text
from .errors import InputError

__all__ = ["EnrichmentResult", "conform_table", "empty_table", "join_tuples", "package_version",
           "stack_results"]


def package_version() -> str:
    """Installed mamsets version (``"0+unknown"`` when not installed)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("mamsets")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "0+unknown"


def empty_table(schema: Mapping[str, str]) -> pd.DataFrame:
    """An empty DataFrame with the columns and dtypes of ``schema`` (name -> dtype)."""
    return pd.DataFrame({c: pd.Series(dtype=d) for c, d in schema.items()})


def conform_table(df: pd.DataFrame, schema: Mapping[str, str]) -> pd.DataFrame:
    """Return ``df`` with exactly the columns of ``schema``, in order, cast to its dtypes.

    Raises ``KeyError`` naming the missing columns: an engine that forgets a
    column is a bug, not something to paper over.
    """
    missing = [c for c in schema if c not in df.columns]
    if missing:
        raise KeyError(f"result table lacks columns {missing}")
    if len(df) == 0:
        return empty_table(schema)
    out = df.loc[:, list(schema)].copy()
    for c, d in schema.items():
        # "object" is cast too: pandas >= 3 would otherwise keep text as its new str dtype
        out[c] = out[c].astype(d)
    return out.reset_index(drop=True)


def join_tuples(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with tuple cells joined by ``;`` (list-valued columns written as text)."""
    out = df.copy()
    for c in out.columns:
        if out[c].dtype == object:
            out[c] = out[c].map(lambda v: ";".join(map(str, v)) if isinstance(v, tuple) else v)
    return out


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return str(value)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


@dataclass(frozen=True)
class EnrichmentResult:
    """The outcome of one enrichment run.

    Attributes
    ----------
    method : str
        ``"ora"``, ``"gsea"`` (with the p-value method in ``params``), ...
    table : pandas.DataFrame
        One row per tested set (and query/contrast); fixed columns per method,
        documented in the engine's docstring.
    params : Mapping
        The resolved parameters, including the seed actually used and counts of
        sets dropped by size filters.
    collection_name, collection_version, collection_sha256 : str
        Which gene sets were used (the sha256 of the collection's GMT text).
    package_version : str
        The mamsets version that computed the result.
    mapping : Mapping
        Summary of how the user's identifiers were matched to the sets (may be empty).
    """

    method: str
    table: pd.DataFrame
    params: Mapping[str, Any]
    collection_name: str
    collection_version: str
    collection_sha256: str
    package_version: str = field(default_factory=package_version)
    mapping: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))
        object.__setattr__(self, "mapping", MappingProxyType(dict(self.mapping)))

    def __len__(self) -> int:
        return len(self.table)

    def __repr__(self) -> str:
        return (
            f"EnrichmentResult(method={self.method!r}, rows={len(self.table)}, "
            f"collection={self.collection_name!r} {self.collection_version} "
            f"sha256={self.collection_sha256[:12]}, mamsets {self.package_version})"
        )

    def _repr_html_(self) -> str:
        """A compact table for notebooks: the key columns of the first 20 rows, no gene lists."""
        keep = [c for c in ("contrast", "query", "term", "family", "size", "overlap", "nes",
                            "fold_enrichment", "pval", "padj", "note") if c in self.table.columns]
        head = self.table[keep].head(20)
        more = len(self.table) - len(head)
        tail = f"<p>{more} more rows in <code>.table</code>.</p>" if more > 0 else ""
        return (f"<p><b>{self.method}</b> on {self.collection_name} {self.collection_version} "
                f"(mamsets {self.package_version}), {len(self.table)} rows</p>"
                + head.to_html(index=False, float_format=lambda v: f"{v:.3g}", na_rep="NA")
                + tail)

    def metadata(self) -> dict[str, Any]:
        """Everything but the table, as JSON-ready data."""
        return _jsonable(
            {
                "method": self.method,
                "params": dict(self.params),
                "collection": {
                    "name": self.collection_name,
                    "version": self.collection_version,
                    "sha256": self.collection_sha256,
                },
                "package_version": self.package_version,
                "mapping": dict(self.mapping),
            }
        )

    def with_aliases(self) -> pd.DataFrame:
        """The table with one row per alias too (as fgsea and gseapy report identical sets).

        Sets whose members are identical after mapping are tested once and listed in
        the kept set's ``aliases`` column; here each alias gets a copy of that row,
        with ``term`` set to the alias, ``aliases`` naming the tested set and ``note``
        saying so. The rows' ``padj`` is the tested set's (the alias was not counted
        again). Tables without an ``aliases`` column are returned as they are.
        """
        t = self.table
        if "aliases" not in t.columns or not len(t):
            return t.copy()
        extra = []
        for _, row in t[t["aliases"].map(len) > 0].iterrows():
            for alias in row["aliases"]:
                r = row.copy()
                r["term"] = alias
                r["aliases"] = (row["term"],)
                if "note" in r:
                    r["note"] = f"identical to {row['term']} after mapping; tested once as {row['term']}"
                extra.append(r)
        if not extra:
            return t.copy()
        return pd.concat([t, pd.DataFrame(extra)], ignore_index=True)

    def to_frame(self) -> pd.DataFrame:
        """The table with tuple cells joined by ``;`` (for text output)."""
        return join_tuples(self.table)

    def to_tsv(self, path: str | os.PathLike[str], *, overwrite: bool = False) -> None:
        """Write the table as TSV (atomically) with a ``#``-prefixed JSON metadata header line.

        Read back with ``pandas.read_csv(path, sep="\\t", comment="#")``.
        """
        header = "# " + json.dumps(self.metadata(), sort_keys=True) + "\n"
        body = self.to_frame().to_csv(sep="\t", index=False, lineterminator="\n")
        atomic_write_text(path, header + body, overwrite=overwrite)

    def to_json_params(self, path: str | os.PathLike[str], *, overwrite: bool = False) -> None:
        """Write :meth:`metadata` as pretty JSON (atomically)."""
        atomic_write_text(
            path, json.dumps(self.metadata(), indent=2, sort_keys=True) + "\n", overwrite=overwrite
        )


def stack_results(
    results: Mapping[str, EnrichmentResult], *, column: str = "contrast"
) -> EnrichmentResult:
    """Stack per-contrast results of one method into one result with a ``contrast`` column.

    Parameters
    ----------
    results : mapping contrast -> EnrichmentResult
        E.g. ``{c: gsea(s, coll, rng=1) for c, s in ranking.items()}``; all of
        the same method and collection.
    column : str
        Name of the added first column.

    Returns
    -------
    EnrichmentResult
        Its table is the engines' tables stacked in the given order, with
        ``column`` first; ``padj`` stays as each engine computed it, i.e.
        adjusted within each contrast. ``params`` are the first result's, plus
        ``by_<column>`` holding every contrast's own parameters (seeds
        included); ``mapping`` likewise when the contrasts' mappings differ.
    """
    items = list(results.items())
    if not items:
        raise InputError("stack_results needs at least one result")
    first = items[0][1]
    for name, r in items:
        if not isinstance(r, EnrichmentResult):
            raise InputError(f"results[{name!r}] is {type(r).__name__}, not an EnrichmentResult")
        if (r.method, r.collection_sha256) != (first.method, first.collection_sha256):
            raise InputError(
                f"results[{name!r}] was computed with {r.method} on collection sha256 "
                f"{r.collection_sha256[:12]}, the first with {first.method} on "
                f"{first.collection_sha256[:12]}: stack only results of one method and collection"
            )
    for name, r in items:
        if column in r.table.columns:
            raise InputError(f"results[{name!r}] already has a {column!r} column")
    frames = []
    for name, r in items:
        t = r.table.copy()
        t.insert(0, column, str(name))
        frames.append(t)
    table = pd.concat(frames, ignore_index=True)
    if len(table) == 0:
        table = pd.concat([pd.DataFrame({column: pd.Series(dtype=object)}), first.table], axis=1)
    params = dict(first.params)
    params[f"by_{column}"] = {str(n): dict(r.params) for n, r in items}
    params["padj_scope"] = f"within each {column}"
    mappings = [dict(r.mapping) for _, r in items]
    same = all(json.dumps(m, sort_keys=True, default=str) ==
               json.dumps(mappings[0], sort_keys=True, default=str) for m in mappings)
    mapping = mappings[0] if same else {f"by_{column}": {str(n): m for (n, _), m in zip(items, mappings)}}
    return EnrichmentResult(
        method=first.method,
        table=table,
        params=params,
        collection_name=first.collection_name,
        collection_version=first.collection_version,
        collection_sha256=first.collection_sha256,
        package_version=first.package_version,
        mapping=mapping,
    )
