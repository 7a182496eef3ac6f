"""Gene lists and text tables from files, as ``mamsets ora`` reads them.

:func:`read_gene_file` reads a query or a universe: a text file with one gene
per line, or one column of a CSV/TSV table (the column is used only for files
with several fields per line, so a table of genes and a plain list can be mixed,
e.g. the query from a table and the universe as a list). :func:`read_text_table`
reads a CSV/TSV table with every cell kept as text, as
:func:`mamsets.io.de_lists.gene_lists_from_table` needs it.

Unlike :func:`mamsets.io.ranking.read_gene_list`, which treats a gene list as a
set and refuses repeated identifiers, :func:`read_gene_file` keeps every
identifier in file order and leaves repeats to the engine, which reports them.
"""

from __future__ import annotations

import gzip
import io
import os
import warnings
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from ..errors import DroppedInputWarning, InputError

__all__ = ["ROW_NAMES", "gene_lists_from_files", "read_gene_file", "read_text_table"]

#: Name given to an unnamed first column (row names written by R).
ROW_NAMES = "(row names)"


def _open_text(path: Path) -> str:
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason}); re-save it as UTF-8") from None


def _sep_for(path: Path, first_line: str) -> str:
    name = path.name.lower().removesuffix(".gz")
    if name.endswith(".csv"):
        return ","
    if name.endswith((".tsv", ".tab", ".txt", ".rnk")) or "\t" in first_line:
        return "\t"
    return ","


def read_text_table(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a CSV or TSV table (optionally gzipped), every cell as text.

    The separator is a comma for ``.csv`` files, a tab for ``.tsv``, ``.tab``,
    ``.txt`` and ``.rnk`` files or when the first line holds a tab, and a comma
    otherwise. Row names written by R (``write.csv``, or ``write.table`` whose
    header lacks the row-name field) become a first column named
    :data:`ROW_NAMES`.

    Parameters
    ----------
    path : path
        The table; UTF-8 text (a byte-order mark is ignored), ``.gz`` allowed.

    Returns
    -------
    pandas.DataFrame
        A range-indexed frame of ``str`` cells; empty cells and the usual
        missing-value markers (``NA``, ``nan``, ...) are missing.

    Raises
    ------
    FileNotFoundError
        ``path`` is not a file.
    mamsets.InputError
        The file is not UTF-8 text, or cannot be parsed with its separator.
    """
    path = Path(path)
    text = _open_text(path)
    first = text.split("\n", 1)[0]
    sep = _sep_for(path, first)
    try:
        df = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=True, comment=None)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(
            f"{path}: cannot read as a {'comma' if sep == ',' else 'tab'}-separated table: {exc}"
        ) from None
    if not isinstance(df.index, pd.RangeIndex):
        # R's write.table(row.names=TRUE): the header lacks the row-name field, so
        # pandas made the first column the index; bring it back as an unnamed column
        df = df.reset_index(names=ROW_NAMES)
    first = str(df.columns[0]) if len(df.columns) else ""
    if first == "" or first.startswith("Unnamed: 0"):
        df = df.rename(columns={df.columns[0]: ROW_NAMES})  # R's write.csv row names
    return df


def _looks_tabular(path: Path) -> bool:
    for line in _open_text(path).splitlines():
        s = line.strip()
        if s and not s.startswith("#"):
            return "\t" in s or "," in s
    return False


def read_gene_file(
    path: str | os.PathLike[str], column: str | None = None, *, what: str = "the gene list"
) -> list[str]:
    """Genes from a one-per-line text file, or from column ``column`` of a table.

    Parameters
    ----------
    path : path
        A text file with one gene per line (blank lines and lines starting with
        ``#`` skipped, whitespace stripped), or a CSV/TSV table; ``.gz`` allowed.
    column : str, optional
        Column holding the genes. Used only when the first data line of the file
        has several fields (a tab or a comma), so tables and plain lists can be
        read with the same call.
    what : str
        What the file is for, named in error messages (e.g. ``"--universe"``).

    Returns
    -------
    list of str
        The genes in file order; repeated identifiers are kept.

    Raises
    ------
    FileNotFoundError
        ``path`` is not a file.
    mamsets.InputError
        A table without ``column``; a line with several fields and no ``column``
        (the message carries the file and line); a plain file without genes.

    Warns
    -----
    mamsets.DroppedInputWarning
        Rows of a table with no gene in ``column``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "hits.txt"
    >>> _ = p.write_text("# screen hits\\nMFN2\\n\\nITPR1\\n")
    >>> read_gene_file(p)
    ['MFN2', 'ITPR1']
    """
    path = Path(path)
    if column is not None and _looks_tabular(path):
        df = read_text_table(path)
        if column not in df.columns:
            raise InputError(
                f"{path}: no column {column!r} for {what}; columns are {list(df.columns)[:20]} "
                "(pass --column with one of them)"
            )
        values = df[column]
        n_missing = int(values.isna().sum())
        genes = values.dropna().str.strip()
        genes = genes[genes != ""].tolist()
        n_missing += int(len(values) - n_missing - len(genes))
        if n_missing:
            warnings.warn(
                f"{path}: {n_missing} row(s) without a gene id in column {column!r} ignored",
                DroppedInputWarning,
                stacklevel=2,
            )
        return genes
    genes = []
    for lineno, line in enumerate(_open_text(path).splitlines(), start=1):
        s = line.strip()
        if not s or s.startswith("#"):
            continue
        if "\t" in s or "," in s:
            cols = [c.strip() for c in s.replace(",", "\t").split("\t")]
            raise InputError(
                f"{path}, line {lineno}: several fields ({cols[:6]}); this looks like a table: "
                "pass --column NAME to say which column holds the genes"
            )
        genes.append(s)
    if not genes:
        raise InputError(f"{path}: no genes found ({what} needs one gene per line)")
    return genes


def _query_name(path: Path, taken: set[str]) -> str:
    name = path.name
    for suffix in (".gz", ".txt", ".tsv", ".csv", ".tab", ".list"):
        name = name.removesuffix(suffix)
    base, i = name or "query", 2
    while name in taken:
        name, i = f"{base}_{i}", i + 1
    taken.add(name)
    return name


def gene_lists_from_files(
    paths: Iterable[str | os.PathLike[str]],
    column: str | None = None,
    *,
    what: str = "the gene list",
) -> dict[str, list[str]]:
    """Gene lists from files, one query per file, named after the file.

    Each file is read with :func:`read_gene_file`. A query is named after its
    file without the ``.gz``, ``.txt``, ``.tsv``, ``.csv``, ``.tab`` and
    ``.list`` endings; a name already taken gets ``_2``, ``_3``, ...

    Parameters
    ----------
    paths : iterable of path
        The files, in query order.
    column : str, optional
        Column holding the genes in files that are tables (see :func:`read_gene_file`).
    what : str
        What the files are for, named in error messages.

    Returns
    -------
    dict of str to list of str
        Query name -> genes, in the order of ``paths``; suitable as the
        ``genes`` argument of :func:`mamsets.ora`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "up.txt").write_text("MFN2\\nITPR1\\n")
    >>> _ = (d / "a").mkdir(), (d / "a" / "up.txt").write_text("VDAC1\\n")
    >>> gene_lists_from_files([d / "up.txt", d / "a" / "up.txt"])
    {'up': ['MFN2', 'ITPR1'], 'up_2': ['VDAC1']}
    """
    taken: set[str] = set()
    return {_query_name(Path(p), taken): read_gene_file(Path(p), column, what=what) for p in paths}
