"""mamsets: curated MAM mechanism gene sets and exact, fast enrichment engines.

Import as ``import mamsets as ms``. The public API:

- library: :func:`library`, :func:`controls`, :func:`metabolites`, :func:`exclusions`,
  :func:`identity_table`, :func:`library_version`, :func:`export`
- GMT files: :func:`read_gmt`, :func:`write_gmt`, :func:`parse_gmt`, :func:`validate_gmt`
- identifiers: :func:`detect_ids`, :func:`map_ids`, :func:`harmonize_gmt`
- user data: :func:`read_ranking`, :func:`read_gene_list`, :func:`load_example`,
  :func:`read_gene_file`, :func:`gene_lists_from_files`, :func:`read_text_table`,
  :func:`gene_lists_from_table` (up/down lists and universe from a DE table)
- engines: :func:`ora`, :func:`gsea`, :func:`running_sum`; many contrasts streamed:
  :func:`iter_gsea`, :func:`write_gsea`
- the figure's claims: :func:`figure_claims`, :func:`claims` (verdicts with intervals)
- outputs: :func:`report_html`, :func:`write_report`, :func:`text_summary`, :mod:`mamsets.plot`

Heavy modules (pandas-heavy tables, the compiled kernels) are imported on first use, so
``import mamsets`` itself is cheap and has no side effects.
"""

from __future__ import annotations

import importlib
from typing import Any

from .errors import (
    DroppedInputWarning,
    DuplicateGeneWarning,
    GMTFormatError,
    IdentifierError,
    InputError,
    MamsetsError,
    MamsetsWarning,
    OutputExistsError,
    TiesWarning,
)
from .model import PATHWAYS, GeneSet, GeneSetCollection, Member


def _version() -> str:
    # as mamsets.results.package_version, without importing pandas with it
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("mamsets")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "0+unknown"


__version__ = _version()

# public name -> module that defines it (imported lazily, PEP 562)
_LAZY: dict[str, str] = {
    "library": "mamsets.io.bundled",
    "controls": "mamsets.io.bundled",
    "metabolites": "mamsets.io.bundled",
    "exclusions": "mamsets.io.bundled",
    "identity_table": "mamsets.io.bundled",
    "library_version": "mamsets.io.bundled",
    "control_expectations": "mamsets.io.bundled",
    "export": "mamsets.io.export",
    "read_gmt": "mamsets.io.gmt",
    "write_gmt": "mamsets.io.gmt",
    "parse_gmt": "mamsets.io.gmt",
    "validate_gmt": "mamsets.io.gmt",
    "read_ranking": "mamsets.io.ranking",
    "read_gene_list": "mamsets.io.ranking",
    "Ranking": "mamsets.io.ranking",
    "read_sites": "mamsets.io.sites",
    "parse_site_ids": "mamsets.io.sites",
    "read_site_map": "mamsets.io.sites",
    "SiteRanking": "mamsets.io.sites",
    "SiteIdError": "mamsets.io.sites",
    "kinase_readouts": "mamsets.io.kinases",
    "kinase_sets": "mamsets.io.kinases",
    "write_site_gmt": "mamsets.io.kinases",
    "kinase_scores": "mamsets.engines.kinases",
    "load_example": "mamsets.io.examples",
    "read_gene_file": "mamsets.io.genelists",
    "gene_lists_from_files": "mamsets.io.genelists",
    "read_text_table": "mamsets.io.genelists",
    "gene_lists_from_table": "mamsets.io.de_lists",
    "GeneLists": "mamsets.io.de_lists",
    "GeneListSelection": "mamsets.io.de_lists",
    "NothingSelectedError": "mamsets.io.de_lists",
    "detect_ids": "mamsets.ids",
    "map_ids": "mamsets.ids",
    "harmonize_gmt": "mamsets.ids",
    "MappingReport": "mamsets.ids",
    "IdDetection": "mamsets.ids",
    "SpeciesWarning": "mamsets.ids",
    "ora": "mamsets.engines.ora",
    "gsea": "mamsets.engines.gsea",
    "running_sum": "mamsets.engines.gsea",
    "RunningSum": "mamsets.engines.gsea",
    "GSEA_SCHEMA": "mamsets.engines.gsea",
    "iter_gsea": "mamsets.engines.contrasts",
    "write_gsea": "mamsets.engines.contrasts",
    "claims": "mamsets.engines.claims",
    "ClaimsResult": "mamsets.engines.claims",
    "figure_claims": "mamsets.io.claims",
    "ORA_SCHEMA": "mamsets.engines.ora",
    "report_html": "mamsets.report",
    "write_report": "mamsets.report",
    "text_summary": "mamsets.report",
    "stack_results": "mamsets.results",
    "write_stacked_tsv": "mamsets.results",
    "EnrichmentResult": "mamsets.results",
    "write_run_outputs": "mamsets.report",
    "methods_text": "mamsets.report",
    "read_pfocr_record": "mamsets.io.pfocr",
    "curate_figure": "mamsets.curate",
    "curate_folder": "mamsets.curate",
    "load_draft": "mamsets.curate",
    "Curation": "mamsets.curate",
    "read_expression": "mamsets.io.expression",
    "Expression": "mamsets.io.expression",
    "read_cls": "mamsets.io.phenotypes",
    "log_cpm": "mamsets.io.expression",
    "phenotype_gsea": "mamsets.engines.phenotype_gsea",
    "metric_ranking": "mamsets.engines.phenotype_gsea",
    "score_samples": "mamsets.engines.score_samples",
    "compare_scores": "mamsets.engines.score_samples",
    "ScoresResult": "mamsets.engines.score_samples",
}

# public name -> module exposed as a sub-module attribute
_LAZY_MODULES: dict[str, str] = {"plot": "mamsets.plot", "report": "mamsets.report"}

__all__ = [
    "__version__",
    "GMTFormatError",
    "IdentifierError",
    "InputError",
    "MamsetsError",
    "MamsetsWarning",
    "OutputExistsError",
    "TiesWarning",
    "DroppedInputWarning",
    "DuplicateGeneWarning",
    "PATHWAYS",
    "GeneSet",
    "GeneSetCollection",
    "Member",
    *_LAZY,
    *_LAZY_MODULES,
]


def __getattr__(name: str) -> Any:
    if name in _LAZY_MODULES:
        value = importlib.import_module(_LAZY_MODULES[name])
    elif name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
    else:
        raise AttributeError(f"module 'mamsets' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY) | set(_LAZY_MODULES))
