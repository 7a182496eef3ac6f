"""What every part of the report shares: the accepted result shapes, the control tag, p formatting."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ..errors import InputError
from ..model import GeneSetCollection
from ..results import EnrichmentResult

#: Sets carrying this tag are positive controls (shown first, read first).
CONTROL_TAG = "control"

Results = EnrichmentResult | Mapping[str, EnrichmentResult]


def _as_mapping(results: Results) -> dict[str, EnrichmentResult]:
    if isinstance(results, EnrichmentResult):
        return {results.method: results}
    if isinstance(results, Mapping) and results and all(
        isinstance(v, EnrichmentResult) for v in results.values()
    ):
        return dict(results)
    raise InputError(
        "pass an EnrichmentResult or a non-empty mapping name -> EnrichmentResult "
        f"(got {type(results).__name__})"
    )


def _controls(collection: GeneSetCollection | None) -> set[str]:
    if collection is None:
        return set()
    return {gs.id for gs in collection if CONTROL_TAG in gs.tags}


def _fmt_p(v: Any) -> str:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return str(v)
    if not np.isfinite(f):
        return "NA"
    if f == 0:
        return "0"
    return f"{f:.2g}" if f >= 1e-3 else f"{f:.1e}"
