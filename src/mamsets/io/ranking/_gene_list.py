"""Read a plain gene list (one identifier per line, or one column of a table)."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import pandas as pd

from ...errors import DroppedInputWarning, InputError
from ._sniff import _first_line, _sep_for

__all__ = ["read_gene_list"]


def read_gene_list(path: str | os.PathLike[str], column: str | None = None) -> list[str]:
    """Read gene identifiers from a text file (one per line) or a column of a table.

    Blank lines and lines starting with ``#`` are skipped; surrounding
    whitespace is removed. Duplicates are an error naming examples (a gene list
    for over-representation analysis is a set).

    Parameters
    ----------
    path : path
        A text file, or a CSV/TSV table (optionally gzipped) when ``column`` is given.
    column : str, optional
        Column of a table holding the identifiers.

    Returns
    -------
    list of str
        The identifiers, in file order.
    """
    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(f"gene list {p} does not exist")
    if column is not None:
        sep = _sep_for(p) or ("\t" if "\t" in _first_line(p) else ",")
        df = pd.read_csv(p, sep=sep, encoding="utf-8-sig")
        if column not in df.columns:
            raise InputError(
                f"column={column!r} is not in {p}; columns are {list(map(str, df.columns))}"
            )
        raw = [str(v).strip() for v in df[column] if not pd.isna(v)]
        n_missing = int(df[column].isna().sum())
        if n_missing:
            warnings.warn(
                f"{p}: skipped {n_missing} empty cells in column {column!r}",
                DroppedInputWarning,
                stacklevel=2,
            )
    else:
        import gzip

        opener = gzip.open if p.name.lower().endswith(".gz") else open
        with opener(p, "rt", encoding="utf-8-sig") as fh:  # type: ignore[operator]
            lines = [ln.strip() for ln in fh]
        if any("\t" in ln or "," in ln for ln in lines if ln and not ln.startswith("#")):
            raise InputError(
                f"{p} has several fields per line; pass column='<name>' to read one column of a table"
            )
        raw = [ln for ln in lines if ln and not ln.startswith("#")]
    raw = [g for g in raw if g]
    seen: set[str] = set()
    dups = sorted({g for g in raw if g in seen or seen.add(g)})  # type: ignore[func-returns-value]
    if dups:
        raise InputError(
            f"{p}: {len(dups)} identifiers occur more than once (e.g. {dups[:5]}); remove duplicates"
        )
    if not raw:
        raise InputError(f"{p}: no gene identifiers found")
    return raw
