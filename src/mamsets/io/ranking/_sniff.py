"""Sniff a results file: separator, comment lines, header or not (.rnk), and read it."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ...errors import InputError


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
            df = pd.read_csv(
                path, sep=sep, comment=None, engine="python" if sep == r"\s+" else "c",
                encoding="utf-8-sig", skiprows=n_skip,
            )
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot be read as a {'CSV' if sep == ',' else 'TSV'} table ({exc})") from exc
    rnk = headerless or path.name.lower().endswith((".rnk", ".rnk.gz"))
    return df, rnk
