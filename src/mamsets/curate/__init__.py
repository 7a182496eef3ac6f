"""Curate a PFOCR figure record into audited, mechanism-level gene sets (``mamsets curate``).

:func:`curate_figure` takes a record (:func:`mamsets.io.pfocr.read_pfocr_record`) and returns a
:class:`Curation`: an audit of every OCR hit (lexicon route checked against HGNC, its measured
reliability, the decision and its reason and evidence), genes the caption names that the OCR
missed, and draft sets (figure, family/complex, caption-section, signed, family-expansion) in the
schema of ``genesets/``. :func:`curate_folder` runs a folder of records; :func:`load_draft` reads
a written draft back. :mod:`.benchmark` measures it against human-curated lists.

Layer: uses ``io`` (record reader) and ``ids`` (HGNC tables); ranks with ``engines``.
"""

from __future__ import annotations

import os
from pathlib import Path

from ._write import load_draft
from .core import AUDIT_COLUMNS, ROUTE_RELIABILITY
from .draft import Curation, curate_figure

__all__ = ["AUDIT_COLUMNS", "ROUTE_RELIABILITY", "Curation", "curate_figure", "curate_folder", "load_draft"]


def curate_folder(folder: str | os.PathLike[str]) -> dict[str, Curation]:
    """Curate every record folder under ``folder`` (each holding a genes table); keyed by folder name.

    A record that cannot be read raises (the error names its file and line), so a batch never
    half-succeeds silently; records with nothing to keep come back with ``empty_reason`` set.
    """
    out: dict[str, Curation] = {}
    for sub in sorted(p for p in Path(folder).iterdir() if p.is_dir()):
        if any(sub.glob("*genes.tsv")):
            out[sub.name] = curate_figure(sub)
    return out
