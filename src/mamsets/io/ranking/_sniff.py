"""Step 1 of :func:`read_ranking`: sniff the input and turn it into one DataFrame.

A path is read as CSV, TSV or GSEA ``.rnk`` (separator from the extension, else
from the first data line; a headerless two-column file is a ``.rnk``); a
DataFrame is taken as is; a Series or mapping gene -> score becomes a
two-column gene/score table.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ...errors import InputError
from ._columns import _GENE_NAMES, _key

__all__ = ["RawTable", "sniff_table"]


@dataclass(frozen=True, eq=False)
class RawTable:
    """The input as a DataFrame, with where it came from.

    Attributes
    ----------
    df : pandas.DataFrame
        The table as read (never empty).
    source : str
        The path read, or ``"<DataFrame>"``, ``"<Series>"``, ``"<mapping>"``.
    default_name : str
        Contrast name for a table without a contrast column (the file stem).
    rnk : bool
        Whether the input looked like a GSEA ``.rnk`` (or was gene -> score).
    gene_column : str or None
        The caller's ``gene_column``; ``"gene"`` for a Series or mapping.
    """

    df: pd.DataFrame
    source: str
    default_name: str
    rnk: bool
    gene_column: str | None


def _sep_for(path: Path) -> str | None:
    name = path.name.lower()
    for suf in (".gz", ".bz2", ".xz", ".zip"):
        name = name.removesuffix(suf)
    if name.endswith(".csv"):
        return ","
    if name.endswith((".tsv", ".tab", ".rnk", ".txt")):
        return "\t"
    return None


def _first_line(path: Path) -> str:
    return _leading(path)[1]


def _leading(path: Path) -> tuple[int, str]:
    """Number of leading comment (``#``) or blank lines, and the first other line."""
    import gzip

    opener = gzip.open if path.name.lower().endswith(".gz") else open
    n = 0
    with opener(path, "rt", encoding="utf-8-sig", errors="replace") as fh:  # type: ignore[operator]
        for line in fh:
            if line.strip() and not line.startswith("#"):
                return n, line
            n += 1
    return n, ""


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _read_path(path: Path) -> tuple[pd.DataFrame, bool]:
    """Read a CSV/TSV/.rnk file. Returns the frame and whether it looked like a .rnk."""
    if not path.exists():
        raise FileNotFoundError(f"results table {path} does not exist")
    if path.is_dir():
        raise InputError(f"{path} is a folder; pass a results table (CSV, TSV or .rnk file)")
    if path.name.lower().endswith((".xlsx", ".xls", ".ods")):
        raise InputError(
            f"{path} is a spreadsheet; save the sheet as CSV or TSV (or read it with "
            "pandas.read_excel and pass the DataFrame to read_ranking)"
        )
    n_skip, first = _leading(path)
    if not first:
        raise InputError(f"{path}: the file is empty (no data lines)")
    sep = _sep_for(path)
    if sep is None or (sep == "," and "," not in first and ";" in first):
        counts = {s: first.count(s) for s in ("\t", ",", ";")}
        best = max(counts, key=counts.get)  # type: ignore[arg-type]
        sep = best if counts[best] else r"\s+"
    fields = [f.strip().strip('"') for f in re.split(sep if sep != r"\s+" else r"\s+", first.strip())]
    headerless = len(fields) == 2 and _is_number(fields[1])
    try:
        if headerless:
            df = pd.read_csv(
                path, sep=sep, header=None, comment="#", names=["gene", "score"],
                dtype={"gene": str}, engine="python" if sep == r"\s+" else "c",
            )
        else:
            # identifiers stay text: an Entrez-like 000170942 keeps its leading zeros
            gene_keys = {_key(n) for n in _GENE_NAMES}
            as_text = {f: str for f in fields if f and _key(f) in gene_keys}
            df = pd.read_csv(
                path, sep=sep, comment=None, engine="python" if sep == r"\s+" else "c",
                encoding="utf-8-sig", skiprows=n_skip, dtype=as_text or None,
            )
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot be read as a {'CSV' if sep == ',' else 'TSV'} table ({exc})") from exc
    rnk = headerless or path.name.lower().endswith((".rnk", ".rnk.gz"))
    return df, rnk


def sniff_table(
    path_or_frame: str | os.PathLike[str] | pd.DataFrame | pd.Series | Mapping[str, float],
    gene_column: str | None = None,
) -> RawTable:
    """Read a path, DataFrame, Series or mapping into a :class:`RawTable`.

    Raises :class:`InputError` for an unsupported type, a folder, a spreadsheet,
    an unreadable or empty file and a table without rows, and
    :class:`FileNotFoundError` for a missing path.
    """
    rnk = False
    if isinstance(path_or_frame, pd.Series):
        s = path_or_frame
        df = pd.DataFrame({"gene": s.index.astype(str), "score": np.asarray(s, dtype="float64")})
        source, default_name = "<Series>", str(s.name) if s.name is not None else "ranking"
        gene_column = gene_column or "gene"
        rnk = True
    elif isinstance(path_or_frame, pd.DataFrame):
        df, source, default_name = path_or_frame, "<DataFrame>", "ranking"
    elif isinstance(path_or_frame, Mapping):
        df = pd.DataFrame(
            {"gene": [str(k) for k in path_or_frame], "score": list(path_or_frame.values())}
        )
        source, default_name, rnk = "<mapping>", "ranking", True
        gene_column = gene_column or "gene"
    elif isinstance(path_or_frame, (str, os.PathLike)):
        p = Path(path_or_frame)
        df, rnk = _read_path(p)
        source = str(p)
        default_name = re.sub(r"\.(csv|tsv|txt|tab|rnk)(\.gz)?$", "", p.name, flags=re.IGNORECASE)
    else:
        raise InputError(
            f"path_or_frame: got {type(path_or_frame).__name__}; pass a file path, a pandas "
            "DataFrame, a Series (gene -> score) or a mapping gene -> score"
        )
    if len(df) == 0:
        raise InputError(f"{source}: the table has no rows")
    return RawTable(df, source, default_name, rnk, gene_column)
