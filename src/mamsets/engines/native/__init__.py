"""Our own enrichment methods (comparison engines are in :mod:`mamsets.engines.compare`):
one module per method, one entry function each.

Every entry function of a kind shares one signature (see
:mod:`mamsets.engines.registry`): GSEA methods take ``(sets, options, params)``
and return the result table; ORA methods take ``(data, options, params)``.
``params`` is the result's parameter record; a method adds what only it knows.
"""
