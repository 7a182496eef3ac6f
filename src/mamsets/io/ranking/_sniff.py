"""Step 1 of :func:`read_ranking`: sniff the input and turn it into one DataFrame.

A path is read as CSV, TSV or GSEA ``.rnk`` (separator from the extension, else
from the first data line; a headerless two-column file is a ``.rnk``); a
DataFrame is taken as is; a Series or mapping gene -> score becomes a
two-column gene/score table.
"""

from __future__ import annotations

import io
import os
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ...errors import InputError, InputFormatWarning
from .._textfile import DecodedText, decode_user_file
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
    first_data_line : int or None
        The file line of the first data row (messages name ``line``), None for objects.
    """

    df: pd.DataFrame
    source: str
    default_name: str
    rnk: bool
    gene_column: str | None
    first_data_line: int | None = None


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
    return _leading(_text_of(path).text)[1]


def _text_of(path: Path) -> DecodedText:
    """The file's text (compression, encoding and line endings sniffed from its bytes)."""
    return decode_user_file(
        path.read_bytes(), lambda msg, line: InputError(_where(path, line) + msg), what="table"
    )


def _where(path: Path, line: int | None) -> str:
    return f"{path}, line {line}: " if line else f"{path}: "


def _leading(text: str) -> tuple[int, str]:
    """Number of leading comment (``#``) or blank lines, and the first other line."""
    n = 0
    for line in text.split("\n"):
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


_SEP_NAMES = {"\t": "tab", ",": "comma", ";": "semicolon ';'", r"\s+": "runs of spaces"}


def _choose_sep(path: Path, first: str) -> str:
    """The separator: the extension's when the header holds it, else the one found (said)."""
    sep = _sep_for(path)
    if sep is not None and sep in first and not (sep == "," and ";" in first and "," not in first):
        return sep
    counts = {s: first.count(s) for s in ("\t", ",", ";")}
    best = max(counts, key=counts.get)  # type: ignore[arg-type]
    found = best if counts[best] else (r"\s+" if re.search(r"\S\s+\S", first.strip()) else "\t")
    if sep is not None and found != sep and found != "\t" or (sep is None and found == r"\s+"):
        how = "sep=r'\\s+'" if found == r"\s+" else f"sep={found!r}"
        warnings.warn(
            f"{path}: no {_SEP_NAMES[sep or chr(9)]} in the header line; read with "
            f"{_SEP_NAMES[found]} as the separator. To be explicit, re-save it as tab-separated "
            f"(.tsv) or comma-separated (.csv), or read it with pandas.read_csv(path, {how}) "
            "and pass the DataFrame",
            InputFormatWarning, stacklevel=5,
        )
    return found


def _check_widths(path: Path, text: str, sep: str, n_skip: int, header: bool) -> None:
    """Refuse rows wider than the header, naming the first (R's row-name layout is fine:
    every data row one field wider than the header)."""
    import csv

    lines = text.split("\n")[n_skip:]
    if sep == r"\s+":
        rows = [ln.split() for ln in lines]
    else:
        rows = list(csv.reader(lines, delimiter=sep))
    width = len(rows[0]) if rows else 0
    body = [(i, r) for i, r in enumerate(rows[1:] if header else rows, start=n_skip + 1 + header)
            if r and not (len(r) == 1 and not r[0].strip()) and not r[0].startswith("#")]
    wider = [(i, r) for i, r in body if len(r) > width]
    if not wider or (header and len(wider) == len(body) and all(len(r) == width + 1 for _, r in body)):
        return
    line, row = wider[0]
    raise InputError(
        f"{path}, line {line}: has {len(row)} fields but the {'header' if header else 'first line'} "
        f"has {width} ({len(wider)} row(s) are wider); a field probably holds an unquoted "
        f"separator ({_SEP_NAMES.get(sep, repr(sep))}): quote that field, or re-export the table"
    )


def _read_path(path: Path) -> tuple[pd.DataFrame, bool, int]:
    """Read a CSV/TSV/.rnk file: the frame, whether it looked like a .rnk, the first data line."""
    if not path.exists():
        raise FileNotFoundError(f"results table {path} does not exist")
    if path.is_dir():
        raise InputError(f"{path} is a folder; pass a results table (CSV, TSV or .rnk file)")
    if path.name.lower().endswith((".xlsx", ".xls", ".ods")):
        raise InputError(
            f"{path} is a spreadsheet; save the sheet as CSV or TSV (or read it with "
            "pandas.read_excel and pass the DataFrame to read_ranking)"
        )
    decoded = _text_of(path)
    if decoded.encoding == "cp1252":
        warnings.warn(f"{path}: {decoded.notes[-1]}; re-save it as UTF-8 if names look wrong",
                      InputFormatWarning, stacklevel=4)
    text = decoded.text
    n_skip, first = _leading(text)
    if not first:
        raise InputError(f"{path}: the file is empty (no data lines)")
    sep = _choose_sep(path, first)
    fields = [f.strip().strip('"') for f in re.split(sep if sep != r"\s+" else r"\s+", first.strip())]
    headerless = len(fields) == 2 and _is_number(fields[1])
    _check_widths(path, text, sep, n_skip, header=not headerless)
    engine = "python" if sep == r"\s+" else "c"
    try:
        if headerless:
            df = pd.read_csv(
                io.StringIO(text), sep=sep, header=None, comment="#", names=["gene", "score"],
                dtype={"gene": str}, engine=engine,
            )
        else:
            # identifiers stay text: an Entrez-like 000170942 keeps its leading zeros
            gene_keys = {_key(n) for n in _GENE_NAMES}
            as_text = {f: str for f in fields if f and _key(f) in gene_keys}
            df = pd.read_csv(
                io.StringIO(text), sep=sep, comment=None, engine=engine,
                skiprows=n_skip, dtype=as_text or None,
            )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        kind = "CSV" if sep == "," else "TSV"
        raise InputError(f"{path}: cannot be read as a {kind} table ({exc})") from exc
    rnk = headerless or path.name.lower().endswith((".rnk", ".rnk.gz"))
    return df, rnk, n_skip + 1 + (not headerless)


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
    first_data_line: int | None = None
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
        df, rnk, first_data_line = _read_path(p)
        source = str(p)
        default_name = re.sub(r"\.(csv|tsv|txt|tab|rnk)(\.gz)?$", "", p.name, flags=re.IGNORECASE)
    else:
        raise InputError(
            f"path_or_frame: got {type(path_or_frame).__name__}; pass a file path, a pandas "
            "DataFrame, a Series (gene -> score) or a mapping gene -> score"
        )
    if len(df) == 0:
        raise InputError(f"{source}: the table has no rows")
    return RawTable(df, source, default_name, rnk, gene_column, first_data_line)
