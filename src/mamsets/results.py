"""Enrichment results: a frozen record with a tidy table and everything that made it.

Every engine returns an :class:`EnrichmentResult`. Its ``table`` has a fixed
column schema per method (the same columns, in the same order and dtypes, even
when no set was tested); list-valued cells (overlap genes, leading edge) are
tuples in memory and ``;``-joined only when written to text.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from ._atomic import atomic_file, atomic_write_text, check_writable
from .errors import InputError

__all__ = ["EnrichmentResult", "conform_table", "empty_table", "join_tuples", "package_version",
           "stack_results", "write_stacked_tsv"]


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


class _Stack:
    """Stacks per-contrast results one at a time: checks, the ``column`` added, and the
    stacked record's params and mapping (:func:`stack_results`, :func:`write_stacked_tsv`)."""

    def __init__(self, column: str) -> None:
        self.column = column
        self.first: EnrichmentResult | None = None
        self.params: dict[str, dict[str, Any]] = {}
        self.mappings: dict[str, dict[str, Any]] = {}

    def check(self, name: str, r: Any) -> None:
        """Refuse ``r`` unless it is a result of the first result's method and collection."""
        if not isinstance(r, EnrichmentResult):
            raise InputError(f"results[{name!r}] is {type(r).__name__}, not an EnrichmentResult")
        first = self.first = r if self.first is None else self.first
        if (r.method, r.collection_sha256) != (first.method, first.collection_sha256):
            raise InputError(
                f"results[{name!r}] was computed with {r.method} on collection sha256 "
                f"{r.collection_sha256[:12]}, the first with {first.method} on "
                f"{first.collection_sha256[:12]}: stack only results of one method and collection"
            )

    def add(self, name: str, r: Any) -> pd.DataFrame:
        """Check ``r`` (:meth:`check`); return its table with ``column`` first."""
        self.check(name, r)
        if self.column in r.table.columns:
            raise InputError(f"results[{name!r}] already has a {self.column!r} column")
        self.params[str(name)] = dict(r.params)
        self.mappings[str(name)] = dict(r.mapping)
        t = r.table.copy()
        t.insert(0, self.column, str(name))
        return t

    def empty_table(self) -> pd.DataFrame:
        """The stacked table's columns when no result had a row."""
        if self.first is None:
            raise InputError("stack_results needs at least one result")
        return pd.concat([pd.DataFrame({self.column: pd.Series(dtype=object)}),
                          self.first.table.head(0)], axis=1)

    def result(self, table: pd.DataFrame, extra_params: Mapping[str, Any] | None = None
               ) -> EnrichmentResult:
        """The stacked record around ``table`` (see :func:`stack_results`)."""
        if self.first is None:
            raise InputError("stack_results needs at least one result")
        first, column = self.first, self.column
        params = dict(first.params)
        params[f"by_{column}"] = self.params
        params["padj_scope"] = f"within each {column}"
        params.update(extra_params or {})
        maps = list(self.mappings.values())
        ref = json.dumps(maps[0], sort_keys=True, default=str)
        same = all(json.dumps(m, sort_keys=True, default=str) == ref for m in maps)
        mapping = maps[0] if same else {f"by_{column}": self.mappings}
        return EnrichmentResult(
            method=first.method, table=table, params=params,
            collection_name=first.collection_name, collection_version=first.collection_version,
            collection_sha256=first.collection_sha256, package_version=first.package_version,
            mapping=mapping,
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
    stack = _Stack(column)
    for name, r in results.items():  # every result's method first: the likelier mistake
        stack.check(name, r)
    frames = [stack.add(name, r) for name, r in results.items()]
    if not frames:
        raise InputError("stack_results needs at least one result")
    table = pd.concat(frames, ignore_index=True)
    return stack.result(stack.empty_table() if len(table) == 0 else table)


def write_stacked_tsv(
    results: Iterable[tuple[str, EnrichmentResult]],
    path: str | os.PathLike[str],
    *,
    column: str = "contrast",
    extra_params: Mapping[str, Any] | None = None,
    overwrite: bool = False,
) -> EnrichmentResult:
    """Write per-contrast results to one TSV as they arrive, holding one table at a time.

    The file is what ``stack_results(dict(results)).to_tsv(path)`` would write (the
    same bytes, tested): a ``#`` line with the stacked metadata, then the stacked
    table. Each result's rows are appended, in one write, to a temporary file beside
    ``path`` as soon as it arrives; at the end the metadata line and those rows are
    copied to another temporary file that replaces ``path`` atomically, so ``path``
    is never half-written and memory does not grow with the number of contrasts
    (only their parameters are kept, for the metadata).

    Parameters
    ----------
    results : iterable of (name, EnrichmentResult)
        E.g. :func:`mamsets.engines.contrasts.iter_gsea`; consumed once, in order.
    path : path
        The TSV to write.
    column : str
        Name of the added first column.
    extra_params : mapping, optional
        Entries added to the stacked ``params`` (e.g. the run's seed).
    overwrite : bool
        Replace an existing ``path``.

    Returns
    -------
    EnrichmentResult
        The stacked record with an empty table (the rows are in ``path``): its
        ``params``, ``mapping`` and collection, as written in the metadata line.
    """
    p = check_writable(path, overwrite)
    p.parent.mkdir(parents=True, exist_ok=True)
    stack = _Stack(column)
    header = None
    fd, rows_path = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".rows", dir=p.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as rows:
            for name, r in results:
                t = join_tuples(stack.add(name, r))
                if header is None:
                    header = t.head(0).to_csv(sep="\t", index=False, lineterminator="\n")
                rows.write(t.to_csv(sep="\t", index=False, header=False, lineterminator="\n"))
                rows.flush()
        done = stack.result(stack.empty_table(), extra_params)
        meta = "# " + json.dumps(done.metadata(), sort_keys=True) + "\n"
        with open(rows_path, "rb") as src, atomic_file(p, overwrite=True) as dst:
            dst.write((meta + (header or "")).encode("utf-8"))
            shutil.copyfileobj(src, dst, 1 << 20)
        return done
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(rows_path)
