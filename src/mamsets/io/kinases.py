"""The curated kinase activity readout sites (``genesets/kinases.toml``) as a table and as site sets.

The figure's AMPK and mTORC2 claims are about *activation*; the phosphorylation of each
kinase's canonical substrate sites reads it out. :func:`kinase_readouts` gives the
curated sites with their provenance, :func:`kinase_sets` the site-level sets
(``KINASE_AMPK``, ``KINASE_MTORC2``, ``KINASE_CAMKII``) whose members are site ids like
``Q13085_S80`` (human UniProt, as MoTrPAC's ``RAT_TO_HUMAN_SITE`` writes them), ready for
:func:`mamsets.io.sites.read_sites` rankings.

Examples
--------
>>> sets = kinase_sets()
>>> sets["KINASE_AMPK"].genes[:3]
('Q13085_S80', 'O00763_S222', 'Q8N122_S792')
>>> kinase_sets("symbol_site")["KINASE_MTORC2"].genes[0]
'AKT1_S473'
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from ..errors import InputError, MamsetsError
from ..model import GeneSet, GeneSetCollection
from .bundled import _toml
from .gmt import write_gmt

__all__ = [
    "KINASE_FILE",
    "READOUT_COLUMNS",
    "kinase_readouts",
    "kinase_sets",
    "kinases_version",
    "write_site_gmt",
]

KINASE_FILE = "kinases.toml"

#: Columns of :func:`kinase_readouts`, in order.
READOUT_COLUMNS: tuple[str, ...] = (
    "set", "kinase", "gene", "uniprot", "residue", "position", "site_id", "symbol_site",
    "effect", "evidence", "pmid", "pmid_checked", "reference", "verified", "other_species", "note",
)

IdSpace = Literal["uniprot_site", "symbol_site"]
_EVIDENCE = ("direct", "homologous_site", "readout")
_STRINGS = ("set", "kinase", "gene", "uniprot", "residue", "effect", "evidence", "pmid",
            "reference", "other_species", "note")


def _bad(where: str, msg: str) -> MamsetsError:
    return MamsetsError(f"{KINASE_FILE}: {where}: {msg}")


@lru_cache(maxsize=1)
def _data() -> tuple[dict[str, Any], tuple[dict[str, Any], ...], tuple[dict[str, Any], ...]]:
    """``(library, sets, sites)`` of the TOML, checked."""
    raw = _toml(KINASE_FILE)
    sets = tuple(raw.get("sets", ()))
    set_ids = [s["id"] for s in sets]
    sites: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for i, row in enumerate(raw.get("sites", ()), start=1):
        where = f"site {i} ({row.get('gene', '?')})"
        missing = [k for k in (*_STRINGS, "position", "verified", "pmid_checked") if k not in row]
        if missing:
            raise _bad(where, f"missing fields {missing}")
        if row["set"] not in set_ids:
            raise _bad(where, f"set {row['set']!r} is not one of {set_ids}")
        if row["residue"] not in ("S", "T", "Y") or not isinstance(row["position"], int) \
                or row["position"] < 1:
            raise _bad(where, f"site {row['residue']}{row['position']} is not S/T/Y + position")
        if row["evidence"] not in _EVIDENCE:
            raise _bad(where, f"evidence {row['evidence']!r} is not one of {_EVIDENCE}")
        if row["pmid"] and not str(row["pmid"]).isdigit():
            raise _bad(where, f"pmid {row['pmid']!r} is not a PubMed id")
        site_id = f"{row['uniprot']}_{row['residue']}{row['position']}"
        if (row["set"], site_id) in seen:
            raise _bad(where, f"site {site_id} twice in {row['set']}")
        seen.add((row["set"], site_id))
        sites.append({**row, "site_id": site_id,
                      "symbol_site": f"{row['gene']}_{row['residue']}{row['position']}"})
    return dict(raw["library"]), sets, tuple(sites)


def kinases_version() -> str:
    """Version of the kinase readout library (``[library] version`` of ``kinases.toml``)."""
    return str(_data()[0]["version"])


def kinase_readouts() -> pd.DataFrame:
    """The curated kinase readout sites, one row per (set, site).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`READOUT_COLUMNS`: ``set`` (``KINASE_AMPK``...), ``kinase``,
        ``gene`` (HGNC symbol), ``uniprot`` (human, canonical isoform), ``residue``,
        ``position`` (human), ``site_id`` (``Q13085_S80``), ``symbol_site``
        (``ACACA_S80``), ``effect`` of the phosphorylation, ``evidence`` (``direct``,
        ``homologous_site``, ``readout``), ``pmid`` (``""`` when the primary paper's id
        was not confirmed), ``pmid_checked``, ``reference``, ``verified`` (the human
        position was confirmed), ``other_species`` (the position as the paper names
        it, e.g. ``mouse S555``) and ``note``.
    """
    rows = [{c: r[c] for c in READOUT_COLUMNS} for r in _data()[2]]
    table = pd.DataFrame(rows, columns=list(READOUT_COLUMNS))
    return table.astype({"position": "int64", "verified": bool, "pmid_checked": bool})


def kinase_sets(id_space: IdSpace = "uniprot_site", *, verified_only: bool = False) -> GeneSetCollection:
    """The kinase readout sets as a site-level :class:`~mamsets.model.GeneSetCollection`.

    Parameters
    ----------
    id_space : {"uniprot_site", "symbol_site"}
        Members as human UniProt site ids (``Q13085_S80``, the form of MoTrPAC's human
        sites and of :func:`~mamsets.io.sites.read_sites` after a site map) or as
        gene-symbol site ids (``ACACA_S80``).
    verified_only : bool
        Leave out sites whose human position could not be verified (``verified =
        false`` in the file; the reason is in :func:`kinase_readouts`' ``note``).

    Returns
    -------
    GeneSetCollection
        Name ``mams_kinases``, species ``human``, ``id_type`` the id space. Set
        descriptions are ``title | source | kind`` (kind ``curated`` for the figure's
        kinases, ``inferred`` for CaMKII).
    """
    if id_space not in ("uniprot_site", "symbol_site"):
        raise InputError(f"id_space={id_space!r}: choose 'uniprot_site' or 'symbol_site'")
    library, sets, sites = _data()
    column = "site_id" if id_space == "uniprot_site" else "symbol_site"
    out = []
    for s in sets:
        members = [r[column] for r in sites
                   if r["set"] == s["id"] and (r["verified"] or not verified_only)]
        if not members:
            continue
        kind = "curated" if s.get("figure", False) else "inferred"
        out.append(GeneSet(
            id=s["id"], genes=tuple(members), title=s["title"],
            description=f"{s['title']} | {library['source_label']} | {kind}",
            level="kinase", tags=("kinase_readout", kind), direction="up",
        ))
    return GeneSetCollection(
        sets=tuple(out), name=str(library["name"]), version=str(library["version"]),
        species="human", id_type=id_space, source=KINASE_FILE,
    )


def write_site_gmt(
    path: str | os.PathLike[str],
    *,
    id_space: IdSpace = "uniprot_site",
    verified_only: bool = False,
    overwrite: bool = False,
) -> Path:
    """Write :func:`kinase_sets` as a site-level GMT file (never overwrites silently)."""
    return write_gmt(kinase_sets(id_space, verified_only=verified_only), path, overwrite=overwrite)
