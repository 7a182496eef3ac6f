"""Identifiers from the user: read from a file or a table column, cleaned and counted."""

from __future__ import annotations

import io
import math
import numbers
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from ..io._textfile import decode_user_file

__all__ = ["clean_identifiers", "read_identifiers"]


def clean_identifiers(identifiers: Iterable[Any]) -> tuple[list[str], dict[str, int]]:
    """Turn user identifiers into unique, stripped strings and count what was cleaned.

    Parameters
    ----------
    identifiers : iterable
        Strings, integers (Entrez ids), integral floats (``1234.0``, as pandas
        stores numeric columns with missing values), None or NaN. A pandas
        Series/Index or a numpy array works too.

    Returns
    -------
    ids : list of str
        Unique identifiers in first-seen order.
    counts : dict
        ``n_identifiers`` (items received), ``n_nan`` (None/NaN), ``n_empty``
        (empty strings), ``n_whitespace`` (whitespace-only strings),
        ``n_stripped`` (surrounding whitespace removed), ``n_numeric``
        (integers or integral floats turned into strings), ``n_duplicates``
        (repeats dropped after cleaning), ``n_unique``.

    Raises
    ------
    InputError
        If ``identifiers`` is a single string, or holds a non-integral number.
    """
    if isinstance(identifiers, (str, bytes)):
        raise InputError(
            f"identifiers: got one string {identifiers[:40]!r}; pass a list of identifiers "
            "(e.g. text.split() or a DataFrame column)"
        )
    if isinstance(identifiers, (pd.Series, pd.Index, np.ndarray)):
        items = list(identifiers.tolist())
    else:
        items = list(identifiers)
    counts = dict.fromkeys(
        (
            "n_identifiers",
            "n_nan",
            "n_empty",
            "n_whitespace",
            "n_stripped",
            "n_numeric",
            "n_duplicates",
        ),
        0,
    )
    counts["n_identifiers"] = len(items)
    seen: dict[str, None] = {}
    for x in items:
        if x is None or x is pd.NA or x is pd.NaT:
            counts["n_nan"] += 1
            continue
        if isinstance(x, str):
            s = x.strip()
            if not s:
                counts["n_empty" if not x else "n_whitespace"] += 1
                continue
            if s != x:
                counts["n_stripped"] += 1
        elif isinstance(x, bool):
            raise InputError(f"identifiers: got a boolean {x!r}; pass gene identifiers")
        elif isinstance(x, numbers.Integral):
            s = str(int(x))
            counts["n_numeric"] += 1
        elif isinstance(x, numbers.Real):
            if math.isnan(x):
                counts["n_nan"] += 1
                continue
            if not float(x).is_integer():
                raise InputError(
                    f"identifiers: got the number {x!r}, which is not an integer Entrez id; "
                    "pass gene identifiers (did you pass a score column?)"
                )
            s = str(int(x))
            counts["n_numeric"] += 1
        elif isinstance(x, bytes):
            s = x.decode("utf-8").strip()
            if not s:
                counts["n_empty"] += 1
                continue
        else:
            s = str(x).strip()
            if not s:
                counts["n_empty"] += 1
                continue
        if s in seen:
            counts["n_duplicates"] += 1
        else:
            seen[s] = None
    counts["n_unique"] = len(seen)
    return list(seen), counts


def read_identifiers(path: str | os.PathLike[str], column: str | None = None) -> list[str]:
    """Identifiers from a text file (one per line) or a column of a CSV/TSV table.

    Parameters
    ----------
    path : path-like
        Plain text with one identifier per line (``#`` lines skipped), or a
        tab- or comma-separated table (detected from the first line).
    column : str, optional
        Column holding the identifiers; default the first column. A table whose
        first line has a number in its second field (a headerless ``.rnk``) is
        read without header.

    Returns
    -------
    list of str
        As read (not yet cleaned; :func:`map_ids` cleans and counts).

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    InputError
        If ``column`` is not a column of the table.
    """
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"identifier file not found: {p}")
    if ".gmt" in p.name.lower():  # a GMT: its members, in order of first appearance
        from ..io.gmt import read_gmt

        return list(dict.fromkeys(g for gs in read_gmt(p) for g in gs.genes))
    text = decode_user_file(
        p.read_bytes(), lambda msg, line: InputError(f"{p}{f', line {line}' if line else ''}: {msg}"),
        what="identifier",
    ).text
    lines = [ln for ln in text.splitlines() if not ln.startswith("#")]
    first = lines[0] if lines else ""
    sep = "\t" if "\t" in first else ("," if "," in first else None)
    if sep is None:
        if column is not None:
            raise InputError(f"{p}: --column {column!r} given but the file is not a CSV/TSV table")
        return lines
    fields = first.split(sep)
    headerless = False
    if column is None and len(fields) > 1:
        try:
            float(fields[1])
            headerless = True
        except ValueError:
            pass
    try:
        df = pd.read_csv(
            io.StringIO("\n".join(lines)),
            sep=sep,
            dtype=str,
            keep_default_na=False,
            header=None if headerless else 0,
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(f"{p}: cannot be read as a table ({' '.join(str(exc).split())}); if it "
                         "is a GMT, name it .gmt; else pass one identifier per line") from None
    if column is None:
        return df.iloc[:, 0].tolist()
    if column not in df.columns:
        raise InputError(
            f"{p}: no column {column!r}; columns are {[str(c) for c in df.columns][:20]}"
        )
    return df[column].tolist()
