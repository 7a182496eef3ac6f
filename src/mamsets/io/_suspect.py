"""Gene names that a spreadsheet or a copy-paste has damaged: one detector for every reader.

Three kinds, each with its fix:

* ``spreadsheet_date`` -- ``9-Sep``, ``1-Mar``, ``Sep-09``, ``2018-09-09``: Excel turned
  SEPT9/MARCH1 (today SEPTIN9/MARCHF1) into dates (Zeeberg et al. 2004,
  doi:10.1186/1471-2105-5-80; Ziemann et al. 2016, doi:10.1186/s13059-016-1044-7);
  the symbol is lost and must be re-exported.
* ``missing_token`` -- ``NA``, ``NaN``, ``NULL``, ``#N/A``, ``None``: a missing value
  written as text, not a gene.
* ``invisible`` -- zero-width spaces/joiners, word joiners, a BOM or non-breaking spaces
  inside a name (copied from a web page or a PDF): removed by the readers.

:data:`SPREADSHEET_DATE` is also what :func:`mamsets.ids.detect_ids` uses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["SPREADSHEET_DATE", "INVISIBLE", "strip_invisible", "suspect_kind", "suspect_message"]

_MONTH = "JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC"
#: Symbols such as MARCHF1 / SEPTIN2 (formerly MARCH1 / SEPT2) turned into dates by a spreadsheet.
SPREADSHEET_DATE = re.compile(
    rf"^(\d{{1,2}}-({_MONTH})|({_MONTH})-\d{{1,2}}|\d{{4}}-\d{{2}}-\d{{2}}.*)$", re.IGNORECASE
)
#: Characters that are invisible in a spreadsheet cell but make a name differ.
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u00a0\u202f\u2007"
_INVISIBLE_RE = re.compile(f"[{INVISIBLE}]")
_ZERO_WIDTH_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_MISSING = frozenset({"na", "nan", "null", "none", "#n/a", "n/a", "#na", "<na>", "#value!",
                      "#ref!", "#name?", "#num!", "#div/0!"})

_WHAT = {
    "spreadsheet_date": (
        "look like spreadsheet dates",
        "Excel turned symbols such as SEPTIN9/MARCHF1 (formerly SEPT9/MARCH1) into dates and "
        "their names are lost: re-export from the original source, importing the gene column as "
        "Text, or replace them by hand",
    ),
    "missing_token": (
        "are missing-value tokens, not genes",
        "remove them (or write the real identifier)",
    ),
    "invisible": (
        "contained zero-width or non-breaking spaces (removed)",
        "nothing to do for this run; clean the source file (e.g. sed 's/\\xc2\\xa0//g; "
        "s/\\xe2\\x80\\x8b//g') so other tools read it too",
    ),
}


def strip_invisible(name: str) -> str:
    """``name`` without zero-width characters, and without non-breaking spaces at its ends
    (one inside a name separates two names: left for the reader's whitespace check)."""
    return _ZERO_WIDTH_RE.sub("", name).strip(" \t\u00a0\u202f\u2007")


def suspect_kind(name: str) -> str | None:
    """``"spreadsheet_date"``, ``"missing_token"``, ``"invisible"`` or None."""
    if _INVISIBLE_RE.search(name):
        return "invisible"
    if name.strip().lower() in _MISSING:
        return "missing_token"
    if SPREADSHEET_DATE.match(name.strip()):
        return "spreadsheet_date"
    return None


def suspect_message(source: str, hits: Iterable[tuple[str, str, str]], *, limit: int = 5) -> str:
    """One warning for a file's damaged names (``""`` when none).

    ``hits`` are ``(kind, where, name)`` with ``where`` like ``"line 4"``; the message
    counts each kind, names up to ``limit`` places and says the fix.
    """
    by_kind: dict[str, list[tuple[str, str]]] = {}
    for kind, where, name in hits:
        by_kind.setdefault(kind, []).append((where, name))
    if not by_kind:
        return ""
    parts = []
    for kind in ("spreadsheet_date", "missing_token", "invisible"):
        found = by_kind.get(kind)
        if not found:
            continue
        what, fix = _WHAT[kind]
        shown = "; ".join(f"{w}: {n!r}" for w, n in found[:limit])
        more = f"; and {len(found) - limit} more" if len(found) > limit else ""
        parts.append(f"{len(found)} gene name(s) {what} ({shown}{more}): {fix}")
    return f"{source}: " + ". ".join(parts)
