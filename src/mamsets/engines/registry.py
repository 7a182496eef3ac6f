"""The registry of enrichment methods: one record per method, one entry function each.

Every method of a kind computes from the same checked inputs and returns the same
table: GSEA methods are called as ``entry(sets, options, params)`` with a
:class:`~mamsets.engines._gsea_inputs.GseaSets` and
:class:`~mamsets.engines._gsea_inputs.GseaOptions`, ORA methods as
``entry(data, options, params)`` with an :class:`~mamsets.engines._ora_data.OraData`
and :class:`~mamsets.engines._ora_data.OraOptions`; ``params`` is the result's
parameter record, to which a method adds what only it knows. The kind's public
function (:func:`~mamsets.engines.gsea.gsea`, :func:`~mamsets.engines.ora.ora`)
checks the inputs, picks the method its keyword arguments select
(:attr:`Method.selected_by`) and assembles the result.

Adding a method is adding a module with its entry function (our own methods in
:mod:`mamsets.engines.native`, other tools run for comparison in
:mod:`mamsets.engines.compare`) and one :class:`Method` record to :data:`METHODS`.

Examples
--------
>>> from mamsets.engines.registry import get_method, methods
>>> methods()["name"].tolist()  # doctest: +NORMALIZE_WHITESPACE
['multilevel', 'permutation', 'gseapy_prerank', 'hypergeometric', 'gseapy_enrich',
 'phenotype_permutation', 'ssgsea', 'gsva', 'zscore', 'plage', 'singscore']
>>> get_method("gseapy_enrich").comparison
True
>>> get_method("permutation").selected_by
(('method', 'permutation'), ('engine', 'mamsets'))
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from ..errors import InputError
from ._tables import GSEA_SCHEMA, ORA_SCHEMA
from .native.sample_scores import SAMPLE_SCORE_METHODS, SCORES_SCHEMA

if TYPE_CHECKING:
    from ..results import EnrichmentResult

__all__ = ["METHODS", "Method", "choices", "get_method", "methods", "run", "select"]

Kind = Literal["gsea", "ora", "phenotype_gsea", "score_samples"]


@dataclass(frozen=True)
class Method:
    """One registered enrichment method.

    Attributes
    ----------
    name : str
        Unique name (``get_method(name)``, ``run(name, ...)``).
    kind : {"gsea", "ora", "phenotype_gsea", "score_samples"}
        Which public function runs it (``mamsets.engines.<kind>.<kind>``) and so
        which inputs its entry function receives (see the module docstring;
        ``phenotype_gsea`` entries also receive the label design, ``score_samples``
        entries are ``entry(x, members, options) -> (sets x samples) array``).
    entry : callable
        ``entry(inputs, options, params) -> pandas.DataFrame`` with :attr:`columns`.
    description : str
        One line: what the method computes.
    columns : tuple of str
        The result table's columns (the same for every method of a kind).
    comparison : bool
        True for another tool run on the same inputs for comparison (gseapy),
        False for our own implementations.
    selected_by : tuple of (str, str)
        The keyword arguments of the kind's function that select this method,
        e.g. ``(("method", "permutation"), ("engine", "mamsets"))``.
    """

    name: str
    kind: Kind
    entry: Callable[..., pd.DataFrame]
    description: str
    columns: tuple[str, ...]
    comparison: bool
    selected_by: tuple[tuple[str, str], ...]

    def selects(self, given: dict[str, Any]) -> bool:
        """Whether keyword arguments ``given`` select this method."""
        return all(given.get(key) == value for key, value in self.selected_by)


def _lazy(module: str, name: str) -> Callable[..., pd.DataFrame]:
    """The entry function ``name`` of ``module`` (relative to this package), imported on first call.

    Listing the methods must not import every method's dependencies: the ORA kernels
    and the gseapy bridge pull in ``scipy.stats`` (~0.7 s CPU, ~50 MB), which a GSEA
    run does not need.
    """
    def entry(*args: Any, **kwargs: Any) -> pd.DataFrame:
        return getattr(importlib.import_module(module, __package__), name)(*args, **kwargs)

    entry.__module__ = f"{__package__}{module}"
    entry.__name__ = entry.__qualname__ = name
    return entry


gsea_multilevel = _lazy(".native.gsea_multilevel", "gsea_multilevel")
gsea_permutation = _lazy(".native.gsea_permutation", "gsea_permutation")
gseapy_prerank = _lazy(".compare.gseapy", "gseapy_prerank")
gseapy_enrich = _lazy(".compare.gseapy", "gseapy_enrich")
ora_hypergeometric = _lazy(".native.ora_hypergeometric", "ora_hypergeometric")
phenotype_permutation = _lazy(".native.phenotype_permutation", "phenotype_permutation")

#: Every registered method, in the order :func:`methods` lists them.
METHODS: tuple[Method, ...] = (
    Method(
        name="multilevel",
        kind="gsea",
        entry=gsea_multilevel,
        description="preranked GSEA; permutation NES and fdr_gsea, p-values by adaptive "
        "multilevel splitting where permutations cannot resolve them (fgsea)",
        columns=tuple(GSEA_SCHEMA),
        comparison=False,
        selected_by=(("method", "multilevel"), ("engine", "mamsets")),
    ),
    Method(
        name="permutation",
        kind="gsea",
        entry=gsea_permutation,
        description="preranked GSEA; gene-set permutation p-values (k+1)/(n+1) per sign",
        columns=tuple(GSEA_SCHEMA),
        comparison=False,
        selected_by=(("method", "permutation"), ("engine", "mamsets")),
    ),
    Method(
        name="gseapy_prerank",
        kind="gsea",
        entry=gseapy_prerank,
        description="gseapy.prerank on the same inputs (method= multilevel or permutation), "
        "for comparison",
        columns=tuple(GSEA_SCHEMA),
        comparison=True,
        selected_by=(("engine", "gseapy"),),
    ),
    Method(
        name="hypergeometric",
        kind="ora",
        entry=ora_hypergeometric,
        description="over-representation; exact hypergeometric tails (one-sided Fisher, "
        "less, two-sided), BH per query",
        columns=tuple(ORA_SCHEMA),
        comparison=False,
        selected_by=(("engine", "mamsets"),),
    ),
    Method(
        name="gseapy_enrich",
        kind="ora",
        entry=gseapy_enrich,
        description="gseapy.enrich upper-tail p-values on the same inputs, for comparison",
        columns=tuple(ORA_SCHEMA),
        comparison=True,
        selected_by=(("engine", "gseapy"),),
    ),
    Method(
        name="phenotype_permutation",
        kind="phenotype_gsea",
        entry=phenotype_permutation,
        description="GSEA of an expression matrix; sample labels permuted (within blocks), "
        "metric and ranking recomputed per permutation (GSEA desktop's default)",
        columns=tuple(GSEA_SCHEMA),
        comparison=False,
        selected_by=(),
    ),
    *(
        Method(name=name, kind="score_samples", entry=entry, description=desc,
               columns=tuple(SCORES_SCHEMA), comparison=False, selected_by=(("method", name),))
        for name, (entry, desc) in SAMPLE_SCORE_METHODS.items()
    ),
)

_BY_NAME: dict[str, Method] = {m.name: m for m in METHODS}


def methods(kind: Kind | None = None) -> pd.DataFrame:
    """The registered methods as a table, one row per method.

    Columns: ``name``, ``kind``, ``comparison``, ``selected_by`` (the keyword
    arguments of ``kind``'s function that select it, as text), ``description``,
    ``columns`` (tuple) and ``entry`` (the entry function's dotted name).
    ``kind`` keeps only the methods of that kind.
    """
    rows = [
        {
            "name": m.name,
            "kind": m.kind,
            "comparison": m.comparison,
            "selected_by": ", ".join(f"{k}={v!r}" for k, v in m.selected_by),
            "description": m.description,
            "columns": m.columns,
            "entry": f"{m.entry.__module__}.{m.entry.__qualname__}",
        }
        for m in METHODS
        if kind is None or m.kind == kind
    ]
    return pd.DataFrame(rows, columns=["name", "kind", "comparison", "selected_by",
                                       "description", "columns", "entry"])


def get_method(name: str) -> Method:
    """The registered method called ``name``; an :class:`~mamsets.errors.InputError` names the others."""
    try:
        return _BY_NAME[name]
    except (KeyError, TypeError):
        known = ", ".join(repr(n) for n in _BY_NAME)
        raise InputError(
            f"unknown method {name!r}; registered methods: {known} "
            "(mamsets.engines.methods() lists them)"
        ) from None


def choices(kind: Kind, keyword: str) -> tuple[str, ...]:
    """The values of ``keyword`` that select a method of ``kind``, in registry order."""
    values = (v for m in METHODS if m.kind == kind for k, v in m.selected_by if k == keyword)
    return tuple(dict.fromkeys(values))


def select(kind: Kind, **given: Any) -> Method:
    """The one method of ``kind`` that the keyword arguments ``given`` select.

    ``given`` must already hold valid values (see :func:`choices`).
    """
    found = [m for m in METHODS if m.kind == kind and m.selects(given)]
    if len(found) != 1:  # pragma: no cover - a registry error, not a user error
        raise RuntimeError(f"{kind}({given}) selects {len(found)} registered methods, not one")
    return found[0]


def run(name: str, *args: Any, **kwargs: Any) -> EnrichmentResult:
    """Run the registered method ``name``: its kind's function with the keywords that select it.

    ``run("permutation", ranking, sets, rng=1)`` is
    ``gsea(ranking, sets, rng=1, method="permutation", engine="mamsets")``;
    other arguments are passed through. A keyword that contradicts the name is an
    :class:`~mamsets.errors.InputError`.
    """
    m = get_method(name)
    fixed = dict(m.selected_by)
    for key, value in kwargs.items():
        if key in fixed and value != fixed[key]:
            raise InputError(
                f"{key}={value!r} contradicts method {name!r}, which means {key}={fixed[key]!r}; "
                "drop it or run the method of that name"
            )
    front = getattr(importlib.import_module(f"mamsets.engines.{m.kind}"), m.kind)
    return front(*args, **{**kwargs, **fixed})
