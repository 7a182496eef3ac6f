"""The figure's directional claims as curated data (``genesets/claims.toml``).

One row per caption clause and subject: what exercise is said to do (``direction``)
to which curated set (``set_id``, optionally a part of it: ``members``), at which
level the clause makes the claim (``level``), verbatim clause and evidence.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from typing import Any, Literal

import pandas as pd

from ..errors import MamsetsError
from .bundled import genesets_dir

__all__ = ["CLAIM_COLUMNS", "LEVELS", "figure_claims", "claims_version"]

Level = Literal["transcript", "protein", "activity", "localisation", "metabolite"]

#: Levels at which a claim can be made, in the order the docs list them.
LEVELS: tuple[str, ...] = ("transcript", "protein", "activity", "localisation", "metabolite")

#: Columns of :func:`figure_claims`, in order.
CLAIM_COLUMNS: tuple[str, ...] = (
    "claim_id", "pathway", "subject", "set_id", "members", "direction", "level", "context",
    "readout_set", "readout_direct", "clause", "evidence",
)
_REQUIRED = ("claim_id", "pathway", "clause", "subject", "set_id", "direction", "level", "evidence")


@lru_cache(maxsize=1)
def _load() -> tuple[dict[str, Any], tuple[dict[str, Any], ...]]:
    path = genesets_dir() / "claims.toml"
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MamsetsError(f"bundled claims file {path} is missing; reinstall mamsets") from None
    except tomllib.TOMLDecodeError as exc:
        raise MamsetsError(f"{path}: not valid TOML ({exc}); fix the file") from None
    rows = []
    seen: set[str] = set()
    for i, c in enumerate(raw.get("claim", []), start=1):
        missing = [k for k in _REQUIRED if not str(c.get(k, "")).strip()]
        if missing:
            raise MamsetsError(f"{path}: claim #{i} lacks {missing}; add them")
        if c["claim_id"] in seen:
            raise MamsetsError(f"{path}: claim_id {c['claim_id']} occurs twice; ids must be unique")
        seen.add(c["claim_id"])
        if c["direction"] not in ("up", "down"):
            raise MamsetsError(f"{path}: claim {c['claim_id']}: direction {c['direction']!r} is not up/down")
        if c["level"] not in LEVELS:
            raise MamsetsError(f"{path}: claim {c['claim_id']}: level {c['level']!r} is not one of {LEVELS}")
        row = {k: (tuple(c.get(k, ())) if k == "members" else c.get(k, "")) for k in CLAIM_COLUMNS}
        row["readout_direct"] = bool(c.get("readout_direct", False))
        rows.append(row)
    return dict(raw.get("claims", {})), tuple(rows)


def claims_version() -> str:
    """Version of the bundled claims file."""
    return str(_load()[0].get("version", ""))


def figure_claims() -> pd.DataFrame:
    """The figure's directional claims, one row per caption clause and subject.

    Returns
    -------
    pandas.DataFrame
        Columns (all str unless said): ``claim_id``; ``pathway`` (figure pathway);
        ``subject`` (in the caption's words); ``set_id`` (the curated set holding the
        subject); ``members`` (tuple of symbols or ChEBI ids when the subject is a part
        of the set, empty when it is the whole set); ``direction`` (``up``/``down``,
        what exercise does per the clause); ``level`` (one of :data:`LEVELS`: at which
        level the clause makes the claim); ``context`` (condition the clause restricts
        it to, or ``""``); ``readout_set`` (kinase readout set whose substrate sites
        read the claim on phosphosite data, or ``""``) and ``readout_direct`` (bool:
        the sites measure the claimed kinase itself, not a downstream proxy);
        ``clause`` (verbatim from the figure caption); ``evidence`` (why the direction
        and level were read this way).

    Examples
    --------
    >>> import mamsets as ms
    >>> ms.figure_claims().set_index("claim_id").loc["DYN2_MFN2", "level"]
    'transcript'
    """
    _, rows = _load()
    return pd.DataFrame(list(rows), columns=list(CLAIM_COLUMNS))
