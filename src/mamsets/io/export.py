"""Write gene-set collections as GMT, JSON or a long TSV, and regenerate the committed exports.

Three formats, one collection:

``gmt``
    ``set_id <TAB> description <TAB> genes...`` (via :func:`mamsets.io.gmt.write_gmt`);
    for the bundled library the description is ``"title | source | kind"``.
``json``
    The collection's metadata (name, version, species, id_type, sha256) and every set
    with title, level, pathways, tags, direction, genes and member provenance.
``tsv``
    One row per (set, member): the columns of :data:`MEMBER_COLUMNS`.

All output is deterministic (sorted keys, no timestamps, LF line endings) and written
atomically; an existing file is replaced only with ``overwrite=True``.

Examples
--------
>>> import tempfile, pathlib
>>> from mamsets.io.export import export
>>> out = pathlib.Path(tempfile.mkdtemp()) / "mams.gmt"
>>> _ = export(None, out)                       # the bundled library, human symbols
>>> line = out.read_text().splitlines()[7].split("\\t")
>>> line[:2]
['MAMS_AMPK_COMPLEX', 'AMPK heterotrimer subunits | Li2024 Fig3 (doi:10.3390/ijms25063196) | curated']
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .._atomic import atomic_write_text, check_writable
from ..errors import InputError
from ..model import GeneSetCollection
from . import bundled
from .gmt import gmt_text

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "FORMATS",
    "MEMBER_COLUMNS",
    "build_exports",
    "collection_record",
    "export",
    "export_text",
    "members_table",
]

Format = Literal["gmt", "json", "tsv"]

#: Formats :func:`export` writes.
FORMATS: tuple[str, ...] = ("gmt", "json", "tsv")

#: Columns of the long member table (``format="tsv"``), in order.
MEMBER_COLUMNS: tuple[str, ...] = (
    "set",
    "gene",
    "hgnc_id",
    "symbol",
    "role",
    "evidence",
    "direction",
    "level",
    "pathways",
)


def _gene_lookup(collection: GeneSetCollection) -> dict[str, str] | None:
    """``{hgnc_id: gene id in the collection's space}``, or None for human symbols / unknown."""
    if collection.species == "human" and collection.id_type == "symbol":
        return None
    if collection.species in bundled.SPECIES and collection.id_type in bundled.ID_TYPES:
        return dict(bundled._id_map(collection.species, collection.id_type))
    return None


def _member_rows(collection: GeneSetCollection) -> list[tuple[str, ...]]:
    lookup = _gene_lookup(collection)
    rows: list[tuple[str, ...]] = []
    for gs in collection:
        covered: set[str] = set()
        for m in gs.members:
            if lookup is not None:
                gene = lookup.get(m.hgnc_id, "")
            else:
                gene = m.symbol if m.symbol in gs.genes else ""
            # two human paralogs with one ortholog: both rows carry that one gene
            covered.add(gene)
            rows.append(
                (gs.id, gene, m.hgnc_id, m.symbol, m.role, m.evidence, m.direction or "",
                 gs.level or "", ",".join(gs.pathways))
            )
        for g in gs.genes:  # sets without provenance (e.g. read from a GMT)
            if g not in covered:
                rows.append((gs.id, g, "", "", "", "", "", gs.level or "", ",".join(gs.pathways)))
    for row in rows:
        for value in row:
            if any(c in value for c in "\t\r\n"):
                raise InputError(
                    f"set {row[0]}: field {value[:40]!r} contains a tab or newline; "
                    "the TSV cannot hold it"
                )
    return rows


def members_table(collection: GeneSetCollection) -> pd.DataFrame:
    """The long member table: one row per (set, member gene).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`MEMBER_COLUMNS`, all strings. ``gene`` is the identifier in the
        collection's space; it is ``""`` for a curated member that has no identifier in
        that space (dropped from the set's genes, and counted in its description).
        ``symbol``/``hgnc_id``/``role``/``evidence``/``direction`` are the human
        provenance (empty for sets read from a plain GMT). ``pathways`` is
        comma-joined.
    """
    import pandas as pd

    return pd.DataFrame(_member_rows(collection), columns=list(MEMBER_COLUMNS), dtype=object)


def _describe(set_id: str) -> str:
    try:
        return bundled.describe(set_id)
    except KeyError:
        return ""


def collection_record(collection: GeneSetCollection) -> dict[str, Any]:
    """A JSON-ready dict of the collection, its sets and their member provenance."""
    return {
        "name": collection.name,
        "version": collection.version,
        "species": collection.species,
        "id_type": collection.id_type,
        "source": collection.source,
        "sha256": collection.sha256,
        "n_sets": len(collection),
        "sets": [
            {
                "id": gs.id,
                "title": gs.title,
                "description": gs.description,
                "long_description": _describe(gs.id),
                "level": gs.level,
                "pathways": list(gs.pathways),
                "tags": list(gs.tags),
                "direction": gs.direction,
                "size": len(gs),
                "genes": list(gs.genes),
                "members": [
                    {
                        "symbol": m.symbol,
                        "hgnc_id": m.hgnc_id,
                        "role": m.role,
                        "evidence": m.evidence,
                        "direction": m.direction,
                    }
                    for m in gs.members
                ],
            }
            for gs in collection
        ],
    }


def _json(obj: Any) -> str:
    return json.dumps(obj, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def export_text(collection: GeneSetCollection, format: Format = "gmt") -> str:
    """The text :func:`export` would write."""
    if format == "gmt":
        return gmt_text(collection)
    if format == "json":
        return _json(collection_record(collection))
    if format == "tsv":
        lines = ["\t".join(MEMBER_COLUMNS)] + ["\t".join(r) for r in _member_rows(collection)]
        return "\n".join(lines) + "\n"
    raise InputError(f"format={format!r}: choose one of {FORMATS}")


def export(
    collection: GeneSetCollection | None,
    path: str | os.PathLike[str],
    *,
    format: Format = "gmt",
    overwrite: bool = False,
) -> Path:
    """Write a collection (default: the bundled library, human symbols) to ``path``.

    Parameters
    ----------
    collection : GeneSetCollection or None
        What to write; ``None`` means :func:`mamsets.io.bundled.library` with defaults.
    path : path-like
        Output file. Parent folders are created.
    format : {"gmt", "json", "tsv"}
        See the module docstring.
    overwrite : bool
        Replace an existing file (CLI: ``--force``).

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    InputError
        For an unknown format.
    OutputExistsError
        If ``path`` exists and ``overwrite`` is false.
    """
    if format not in FORMATS:
        raise InputError(f"format={format!r}: choose one of {FORMATS}")
    check_writable(path, overwrite)
    coll = bundled.library() if collection is None else collection
    return atomic_write_text(path, export_text(coll, format), overwrite=overwrite)


def _sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _all_exports() -> dict[str, str]:
    """File name -> content of every committed export (the manifest excluded)."""
    files: dict[str, str] = {}
    for species in bundled.SPECIES:
        for id_type in bundled.ID_TYPES:
            files[f"mams.{species}.{id_type}.gmt"] = gmt_text(bundled.library(species, id_type))
            files[f"mams_controls.{species}.{id_type}.gmt"] = gmt_text(
                bundled.controls(species, id_type)
            )
    met = bundled.metabolites()
    files["mams_metabolites.chebi.gmt"] = gmt_text(met)
    from .kinases import kinase_sets  # the kinase readout sets, site-level (issue 17)

    for space in ("uniprot_site", "symbol_site"):
        files[f"mams_kinases.human.{space}.gmt"] = gmt_text(kinase_sets(space))
    files["mams.members.tsv"] = export_text(bundled.library(), "tsv")
    files["mams_controls.members.tsv"] = export_text(bundled.controls(), "tsv")
    everything = {
        "schema_version": 1,
        "library": bundled._library_metadata("mams.toml"),
        "collection": collection_record(bundled.library()),
        "controls": {
            "library": bundled._library_metadata("controls.toml"),
            "collection": collection_record(bundled.controls()),
        },
        "metabolites": {
            "records": bundled._metabolite_records(),
            "collection": collection_record(met),
        },
        "exclusions": [
            {k: (list(v) if isinstance(v, tuple) else v) for k, v in row.items()}
            for row in bundled.exclusions().to_dict(orient="records")
        ],
        "additions": bundled._additions(),
    }
    files["mams.json"] = _json(everything)
    return files


def build_exports(outdir: str | os.PathLike[str]) -> list[Path]:
    """Write every committed export of the bundled library into ``outdir``.

    Writes GMT files for the library and the controls in every species x id type
    (``mams.<species>.<id_type>.gmt``, ``mams_controls.<species>.<id_type>.gmt``),
    the metabolite GMT (``mams_metabolites.chebi.gmt``), the long member tables
    (``mams.members.tsv``, ``mams_controls.members.tsv``), one JSON with all metadata
    (``mams.json``) and ``manifest.json`` with the library version and the sha256 of
    each file and of the sources. Output is byte-identical between runs. Existing
    files in ``outdir`` with these names are replaced.

    Returns
    -------
    list of pathlib.Path
        The files written, manifest last.
    """
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    files = _all_exports()
    written = [atomic_write_text(out / name, text, overwrite=True) for name, text in files.items()]
    src_dir = bundled.genesets_dir()
    manifest = {
        "library": "mams",
        "version": bundled.library_version(),
        "files": {
            name: {"sha256": _sha256_text(text), "bytes": len(text.encode("utf-8"))}
            for name, text in sorted(files.items())
        },
        "sources": {
            name: _sha256_text((src_dir / name).read_text(encoding="utf-8"))
            for name in (
                "mams.toml", "controls.toml", "metabolites.toml", "exclusions.toml", "claims.toml",
                "kinases.toml", "identity.tsv"
            )
        },
        "regenerate": "python scripts/build_library.py  (exports only: mamsets.io.export.build_exports)",
    }
    written.append(atomic_write_text(out / "manifest.json", _json(manifest), overwrite=True))
    return written
