"""mamsets: curated MAM mechanism gene sets and exact, fast enrichment engines.

Import as ``import mamsets as ms``.
"""

from __future__ import annotations

from .errors import (
    GMTFormatError,
    IdentifierError,
    InputError,
    MamsetsError,
    MamsetsWarning,
    OutputExistsError,
)
from .model import PATHWAYS, GeneSet, GeneSetCollection, Member
from .results import EnrichmentResult, package_version

__version__ = package_version()

__all__ = [
    "__version__",
    "GMTFormatError",
    "IdentifierError",
    "InputError",
    "MamsetsError",
    "MamsetsWarning",
    "OutputExistsError",
    "PATHWAYS",
    "GeneSet",
    "GeneSetCollection",
    "Member",
    "EnrichmentResult",
]
