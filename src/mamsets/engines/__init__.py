"""Enrichment engines: :func:`~mamsets.engines.gsea.gsea`, :func:`~mamsets.engines.ora.ora`
and the registry of the methods they run (:mod:`mamsets.engines.registry`).

``methods()`` lists the registered methods as a table, ``get_method(name)`` returns
one :class:`~mamsets.engines.registry.Method` record and ``run(name, ...)`` runs it.
They are imported on first use, so importing a kernel module stays cheap.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["Method", "get_method", "methods", "run"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        return getattr(importlib.import_module("mamsets.engines.registry"), name)
    raise AttributeError(f"module 'mamsets.engines' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
