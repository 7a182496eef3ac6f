"""Reports from enrichment results: a plain-text summary and a self-contained HTML file.

The HTML report is one file that opens offline: inline CSS, plots embedded as
base64 PNG, no scripts and no network access. It records everything needed to
repeat or judge the run: the parameters (seed included), the package and
library versions, the collection's sha256, how the input was read (which score
was chosen and what was dropped), the identifier mapping summary, the full
results table and the plots.

:func:`write_run_outputs` writes a complete output folder atomically (nothing
is left half-written; an existing folder is kept unless ``overwrite=True``):

==========================  =====================================================
file                        content
==========================  =====================================================
``results.tsv``             the (first) result table, ``#`` JSON metadata header
``results_<name>.tsv``      further results of the run (e.g. ``results_ora.tsv``)
``params.json``             metadata of every result (parameters, versions, sha256)
``ranking.tsv``             the ranking used (contrast, gene, score, ...), if given
``summary.txt``             the plain-text summary printed by the CLI
``report.html``             the self-contained report
``plots/*.png``             dot plot, enrichment plots, member heatmap
==========================  =====================================================

One module per job: :mod:`~mamsets.report.text` (summary and methods paragraph),
:mod:`~mamsets.report.figures` (which plots, as PNG), :mod:`~mamsets.report.render`
(the HTML, from the Jinja2 template in ``templates/``) and
:mod:`~mamsets.report.outputs` (files on disk).
"""

from __future__ import annotations

from ..results import stack_results  # re-exported: it lived here first
from ._common import CONTROL_TAG
from .outputs import write_report, write_run_outputs
from .render import report_html
from .text import methods_text, text_summary

__all__ = [
    "CONTROL_TAG",
    "methods_text",
    "report_html",
    "stack_results",
    "text_summary",
    "write_report",
    "write_run_outputs",
]
