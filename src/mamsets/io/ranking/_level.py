"""Which level a table measures: transcripts, proteins or phosphosites.

Claims are tested at the level where the figure makes them, so a ranking records
what its rows are. The level is read from the table where it says so (column names
that proteomics and phosphoproteomics software write, or identifiers that are
protein accessions or sites) and can always be given (``read_ranking(level=...)``).
"""

from __future__ import annotations

import re
from typing import Literal

import pandas as pd

__all__ = ["LEVELS", "detect_level"]

Level = Literal["transcript", "protein", "phosphosite"]
LEVELS: tuple[str, ...] = ("transcript", "protein", "phosphosite")

_REFSEQ_PROTEIN = re.compile(r"^[NXY]P_\d+(\.\d+)?$")
_UNIPROT = re.compile(r"^([OPQ][0-9][A-Z0-9]{3}[0-9]|[A-NR-Z][0-9]([A-Z][A-Z0-9]{2}[0-9]){1,2})(-\d+)?$")
_SITE = re.compile(r"^\S+?_[STY]\d+([;,][STY]?\d+)*$")
#: Column names (compared lower-case, without spaces, dots and underscores) that say what rows are.
_PROTEIN_COLUMNS = {"proteinids", "majorityproteinids", "proteingroup", "proteinids", "protein",
                    "proteinaccession", "accession", "leadingrazorprotein", "uniprot",
                    "uniprotid", "proteinname", "proteinnames", "pg"}
_SITE_COLUMNS = {"phosphosite", "site", "ptmid", "siteid", "modifiedsequence", "phospho(sty)",
                 "phosphostyprobabilities", "aminoacid", "positionwithinprotein", "ptm"}


def _norm(name: object) -> str:
    return re.sub(r"[\s._]+", "", str(name)).lower()


def _texty(values: pd.Series) -> bool:
    return not pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)


def _share(values: pd.Series, pattern: re.Pattern[str]) -> float:
    v = values.dropna().astype(str).head(500)
    return float(v.map(lambda x: bool(pattern.match(x.strip()))).mean()) if len(v) else 0.0


def detect_level(df: pd.DataFrame, gene_column: str | None) -> tuple[Level, str]:
    """The level a table measures and the evidence, from its columns and identifiers.

    Returns ``("phosphosite" | "protein" | "transcript", why)``. Sites win over
    proteins (a site table also names proteins); transcript is the default.
    """
    names = {_norm(c): c for c in df.columns}
    for c in df.columns:
        if _texty(df[c]) and _share(df[c], _SITE) > 0.8 and _share(df[c], _REFSEQ_PROTEIN) < 0.5:
            return "phosphosite", f"column {c!r} holds site ids such as {df[c].dropna().iloc[0]!r}"
    hit = sorted(set(names) & _SITE_COLUMNS)
    if hit:
        return "phosphosite", f"column {names[hit[0]]!r} describes phosphosites"
    for c in df.columns:
        if _texty(df[c]) and (_share(df[c], _REFSEQ_PROTEIN) > 0.8 or (
                c != gene_column and _share(df[c], _UNIPROT) > 0.8)):
            return "protein", f"column {c!r} holds protein accessions such as {df[c].dropna().iloc[0]!r}"
    hit = sorted(set(names) & _PROTEIN_COLUMNS)
    if hit:
        return "protein", f"column {names[hit[0]]!r} names protein groups"
    return "transcript", "no protein or site identifiers or columns: read as transcript-level data"
