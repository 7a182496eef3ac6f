"""Enrichment engines: :func:`~mamsets.engines.gsea.gsea`, :func:`~mamsets.engines.ora.ora`
and the registry of the methods they run (:mod:`mamsets.engines.registry`).

``methods()`` lists the registered methods as a table, ``get_method(name)`` returns
one :class:`~mamsets.engines.registry.Method` record and ``run(name, ...)`` runs it.
They are imported on first use, so importing a kernel module stays cheap.

Layout: ``gsea.py``/``ora.py`` are the public functions (check inputs, resolve the
collection, compute with the registered method, assemble the result);
``_gsea_inputs.py``/``_ora_data.py`` check and index the inputs into frozen
records; ``native/`` holds our methods (one entry function per module),
``compare/`` other tools run on the same inputs for comparison (gseapy);
``_gsea_null.py`` the permutation null shared by our GSEA methods;
``_tables.py`` the fixed result columns; ``_*_kernel.py`` and ``_multilevel.py``
the numeric kernels (numpy, and C compiled at install time in ``_c/``).
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
