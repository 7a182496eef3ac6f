"""What identifiers look like: the regular expressions that recognise identifier kinds and
species-specific nomenclature, and the normalised lookup keys of Entrez and Ensembl ids."""

from __future__ import annotations

import re

from ..io._suspect import SPREADSHEET_DATE

_ENSEMBL = re.compile(r"^ENS([A-Z]*?)G(\d{11})(\.\d+)?$")
_ENSEMBL_PREFIX = {"": "human", "MUS": "mouse", "RNO": "rat"}
_ENTREZ = re.compile(r"^\d+$")
_FLOAT_INT = re.compile(r"^(\d+)\.0+$")
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    # one detector of spreadsheet dates for readers and ids detect (mamsets.io._suspect)
    ("spreadsheet_date", SPREADSHEET_DATE),
    ("ensembl_transcript", re.compile(r"^ENS[A-Z]*T\d{11}(\.\d+)?$")),
    ("ensembl_protein", re.compile(r"^ENS[A-Z]*P\d{11}(\.\d+)?$")),
    ("refseq", re.compile(r"^[NX][MRP]_\d+(\.\d+)?$")),
    ("probe", re.compile(r"^\d+(_[a-z]+)*_at$|^ILMN_\d+$|^A_\d+_P\d+$", re.IGNORECASE)),
    (
        "uniprot",
        re.compile(r"^([OPQ][0-9][A-Z0-9]{3}[0-9]|[A-NR-Z][0-9][A-Z][A-Z0-9]{2}[0-9])(-\d+)?$"),
    ),
)
# matches exactly when one of _PATTERNS matches: one test instead of six for most identifiers
_ANY_PATTERN = re.compile(
    "|".join(f"(?{'i' if p.flags & re.IGNORECASE else ''}:{p.pattern})" for _, p in _PATTERNS)
)
_MOUSE_ONLY = re.compile(r"^(\d{7}[A-Z]\d{2}Rik|Gm\d{3,})$", re.IGNORECASE)
_RAT_ONLY = re.compile(r"^(RGD\d+|RT1-.*|Olr\d+|AABR\d+\.\d+)$", re.IGNORECASE)
# rodent nomenclature shared by mouse and rat (zinc fingers Zfp..., pseudogenes ...-ps1);
# used only for identifiers HGNC does not know in any case
_RODENT_ONLY = re.compile(r"^(Zfp\d+[a-z]?\d*|.+-ps\d*)$", re.IGNORECASE)
# matches exactly when one of the three above matches: most symbols need one test, not three
_ANY_RODENT = re.compile(
    "|".join(f"(?i:{p.pattern})" for p in (_MOUSE_ONLY, _RAT_ONLY, _RODENT_ONLY))
)
# human nomenclature of protein-coding genes that rodents name otherwise (C1orf112 is
# 4933424B01Rik in mouse, RGD..., or C13h1orf112 in rat; HLA is H2 / RT1)
_HUMAN_ONLY_CODING = re.compile(r"^(C(\d+|X|Y)ORF\d+|HLA-.+)$")


def _entrez_key(s: str) -> str | None:
    """The lookup key of an Entrez id (digits without leading zeros, or the integer part of
    ``1234.0``), or None when ``s`` is not one."""
    if _ENTREZ.match(s):
        return s.lstrip("0") or "0"
    m = _FLOAT_INT.match(s)
    return m.group(1) if m else None


def _ensembl_key(s: str) -> tuple[str, bool] | None:
    """``(unversioned upper-case id, had_version)`` or None."""
    m = _ENSEMBL.match(s.upper())
    if not m:
        return None
    return f"ENS{m.group(1)}G{m.group(2)}", m.group(3) is not None
