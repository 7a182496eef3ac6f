"""Gene identifiers and species: detect them, map gene sets onto them, and say how.

The most common reason an enrichment run is wrong is silent: the user's
identifiers do not match the gene sets' (outdated symbols, aliases, Ensembl ids
with version suffixes, mouse symbols against human sets, upper-cased mouse
symbols), genes drop out and the result still looks fine. This package makes the
step explicit:

* :func:`detect_ids` says what a list of identifiers looks like (id type and
  species) with the evidence, and when it cannot tell.
* :func:`map_ids` translates a collection into the user's identifier space and
  returns a :class:`MappingReport` saying, per set and per member, how each member
  was matched or why it was not.
* :func:`harmonize_gmt` updates outdated and alias symbols of a human GMT to
  current HGNC symbols, reporting every change and every ambiguity left alone.

Tables ship with the package (``mamsets/data``, built by
``scripts/build_idtables.py``) and are read lazily, once per process.

Modules, each with one job: :mod:`.vocabulary` (species, id types, how/reason
values, report columns), :mod:`.patterns` (what identifiers look like),
:mod:`.tables` (the shipped HGNC, ortholog and species-evidence tables),
:mod:`.clean` (reading and cleaning the user's identifiers), :mod:`.detect`
(id type and species), :mod:`.reports` (the report classes), :mod:`.resolve`
(matching one member), :mod:`.assemble` (from matched members to the translated
collection and report), :mod:`.mapping` (:func:`map_ids`) and :mod:`.harmonize`
(:func:`harmonize_gmt`).
"""

from __future__ import annotations

from .clean import clean_identifiers, read_identifiers
from .detect import IdDetection, detect_ids
from .harmonize import harmonize_gmt
from .mapping import map_ids, spaces_differ
from .reports import HarmonizeReport, MappingReport
from .vocabulary import ALIAS_MODES as ALIAS_MODES
from .vocabulary import CHANGE_COLUMNS as CHANGE_COLUMNS
from .vocabulary import HARMONIZE_SET_COLUMNS as HARMONIZE_SET_COLUMNS
from .vocabulary import (
    HOWS,
    REASONS,
    SpeciesWarning,
)
from .vocabulary import ID_TYPES as ID_TYPES
from .vocabulary import MEMBER_COLUMNS as MEMBER_COLUMNS
from .vocabulary import SET_COLUMNS as SET_COLUMNS
from .vocabulary import SPECIES as SPECIES
from .vocabulary import AliasMode as AliasMode
from .vocabulary import IdType as IdType
from .vocabulary import Species as Species

# names imported "as" themselves are importable from here, as before the split, but (as
# before) not in __all__
__all__ = [
    "HOWS",
    "REASONS",
    "HarmonizeReport",
    "IdDetection",
    "MappingReport",
    "SpeciesWarning",
    "clean_identifiers",
    "detect_ids",
    "harmonize_gmt",
    "map_ids",
    "read_identifiers",
    "spaces_differ",
]
