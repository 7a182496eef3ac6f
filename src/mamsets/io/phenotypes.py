"""Phenotypes of expression samples: GSEA ``.cls`` files and sample sheets.

:func:`read_cls` reads both kinds of GSEA class file: categorical (``50 2 1``,
``# MUT WT``, one label per sample) and continuous (``#numeric``, ``#name``, one
number per sample). :func:`read_sample_sheet` reads a table with one row per
sample. Errors carry the file and line and say how to fix the file.

Examples
--------
>>> import io, tempfile, os
>>> d = tempfile.mkdtemp()
>>> p = os.path.join(d, "two.cls")
>>> _ = open(p, "w").write("4 2 1\\n# A B\\nA A B B\\n")
>>> read_cls(p).tolist()
['A', 'A', 'B', 'B']
"""

from __future__ import annotations

import gzip
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError

__all__ = ["read_cls", "read_sample_sheet", "align_phenotype"]


def _lines(path: Path) -> list[str]:
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8-sig") as fh:
            return [ln.rstrip("\r\n") for ln in fh]
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason}); save the file as UTF-8") from None


def read_cls(path: str | os.PathLike[str]) -> pd.Series:
    """Read a GSEA ``.cls`` class file as a Series of labels (or numbers), in sample order.

    Parameters
    ----------
    path : str or path-like
        Categorical format: line 1 ``<n_samples> <n_classes> 1``, line 2
        ``# <class names>``, line 3 one label per sample (spaces or tabs).
        Continuous format: line 1 ``#numeric``, line 2 ``#<name>``, line 3 one
        number per sample (further ``#name``/values pairs are ignored, with the
        first used).

    Returns
    -------
    pandas.Series
        Indexed 0..n-1 (the expression matrix's column order); named after the
        file stem (categorical, dtype object) or the ``#name`` (continuous, float64).
        ``attrs["classes"]`` holds the class names in the order of line 2.

    Raises
    ------
    InputError
        With the file and line: counts that disagree with the header, labels not
        declared on line 2, non-numeric values in a ``#numeric`` file.
    """
    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(f"{p}: no such .cls file")
    lines = [ln for ln in _lines(p) if ln.strip()]
    if len(lines) < 3:
        raise InputError(f"{p}: a .cls file needs 3 lines (header, '# class names', labels); "
                         f"found {len(lines)}")
    if lines[0].strip().lower().startswith("#numeric"):
        name = lines[1].lstrip("#").strip() or p.stem
        try:
            values = [float(v) for v in lines[2].split()]
        except ValueError as exc:
            raise InputError(f"{p}, line 3: continuous phenotype values must be numbers ({exc})") from None
        return pd.Series(values, name=name, dtype="float64")
    head = lines[0].split()
    try:
        n_samples, n_classes = int(head[0]), int(head[1])
    except (ValueError, IndexError):
        raise InputError(f"{p}, line 1: expected '<n_samples> <n_classes> 1' or '#numeric', got "
                         f"{lines[0][:60]!r}") from None
    if not lines[1].lstrip().startswith("#"):
        raise InputError(f"{p}, line 2: expected '# <class names>', got {lines[1][:60]!r}")
    classes = lines[1].lstrip().lstrip("#").split()
    labels = lines[2].split()
    if len(labels) != n_samples:
        raise InputError(f"{p}, line 3: {len(labels)} labels but line 1 declares {n_samples} samples; "
                         "make them agree (one label per expression column, in column order)")
    found = list(dict.fromkeys(labels))
    if len(found) != n_classes:
        raise InputError(f"{p}, line 3: {len(found)} distinct labels {found[:6]} but line 1 declares "
                         f"{n_classes} classes")
    if classes and set(found) - set(classes):
        # GSEA also accepts numeric labels 0..k-1 that index the class names
        if all(v.isdigit() and int(v) < len(classes) for v in found):
            labels = [classes[int(v)] for v in labels]
        else:
            raise InputError(f"{p}, line 3: labels {sorted(set(found) - set(classes))[:5]} are not "
                             f"among the class names on line 2 {classes}")
    out = pd.Series(labels, name=p.stem, dtype=object)
    out.attrs["classes"] = tuple(classes or found)
    return out


def read_sample_sheet(source: Any, *, sample_column: str | None = None) -> pd.DataFrame:
    """A sample sheet (one row per sample) as a DataFrame indexed by sample id (str).

    ``source`` is a path (TSV, CSV, gz) or a DataFrame. The sample id is
    ``sample_column``, else a column named ``sample_id``/``sample``, else the first
    column (a DataFrame whose index is not a plain range keeps its index).
    """
    if isinstance(source, pd.DataFrame):
        df = source.copy()
        where = "<sample sheet DataFrame>"
        if sample_column is None and not isinstance(df.index, pd.RangeIndex):
            df.index = df.index.astype(str)
            return df
    else:
        p = Path(source)
        if not p.exists():
            raise FileNotFoundError(f"{p}: no such sample sheet")
        name = p.name.lower().removesuffix(".gz")
        sep = "," if name.endswith(".csv") else "\t"
        df = pd.read_csv(p, sep=sep, dtype=str, keep_default_na=False)
        where = str(p)
        for c in df.columns:  # numbers stay numbers
            conv = pd.to_numeric(df[c], errors="coerce")
            if conv.notna().all():
                df[c] = conv
    if sample_column is None:
        sample_column = next((c for c in ("sample_id", "sample", "Sample", "SampleID") if c in df.columns),
                             df.columns[0])
    if sample_column not in df.columns:
        raise InputError(f"{where}: no column {sample_column!r} (columns: {list(df.columns)[:8]}); "
                         "pass sample_column= naming the column that holds the sample ids")
    ids = df[sample_column].astype(str)
    dup = ids[ids.duplicated()]
    if len(dup):
        raise InputError(f"{where}: sample ids repeat in column {sample_column!r}, e.g. "
                         f"{dup.tolist()[:3]} (line {int(dup.index[0]) + 2}); one row per sample")
    return df.set_index(ids.rename("sample")).drop(columns=[sample_column])


def align_phenotype(values: Any, samples: pd.Index, sheet: pd.DataFrame | None,
                    what: str = "phenotype") -> pd.Series:
    """``values`` as a Series indexed by ``samples``.

    ``values`` may be a column name of ``sheet``, a Series indexed by sample id
    (extra samples ignored; missing ones an error), or a sequence in column order
    (a ``.cls`` Series with a 0..n-1 index counts as one).
    """
    if isinstance(values, str):
        if sheet is None or values not in sheet.columns:
            cols = [] if sheet is None else list(sheet.columns)[:10]
            raise InputError(f"{what}={values!r}: no such sample-sheet column (columns: {cols}); "
                             "pass sample_sheet= to read_expression or a Series sample -> value")
        s = sheet[values].reindex(samples)
        missing = samples[s.isna().to_numpy()]
        if len(missing):
            raise InputError(f"{what} column {values!r} has no value for samples {list(missing[:5])}; "
                             "fill them in the sample sheet or drop those samples")
        return s.rename(values)
    if isinstance(values, pd.Series) and not (
            isinstance(values.index, pd.RangeIndex) and not samples.isin(values.index.astype(str)).any()):
        s = values.copy()
        s.index = s.index.astype(str)
        missing = samples.difference(s.index)
        if len(missing):
            raise InputError(f"{what} has no value for samples {list(missing[:5])} (of {len(samples)}); "
                             "give one value per expression column")
        return s.reindex(samples)
    arr = np.asarray(values, dtype=object)
    if arr.ndim != 1 or arr.size != len(samples):
        raise InputError(f"{what} has {arr.size} values for {len(samples)} samples; give one per "
                         "expression column, in column order, or a Series indexed by sample id")
    name = getattr(values, "name", None) or what
    out = pd.Series(arr, index=samples, name=name)
    if getattr(values, "dtype", None) is not None and pd.api.types.is_numeric_dtype(values.dtype):
        out = out.astype("float64")
    return out
