"""What every plot module shares: lazy matplotlib and the diverging colour map."""

from __future__ import annotations

from typing import Any

#: Diverging colour map for signed values (NES, scores, log fold changes).
DIVERGING = "RdBu_r"


def _mpl() -> Any:
    try:
        import matplotlib
        import matplotlib.pyplot as plt  # noqa: F401
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "plotting needs matplotlib: pip install 'mamsets[plot]' (or pip install matplotlib)"
        ) from exc
    return matplotlib
