"""Build src/mamsets/curate/data/hgnc_groups.tsv.gz: HGNC gene groups for `mamsets curate`.

One row per HGNC gene group that has at least one approved member:
``group_id, group_name, hgnc_ids`` (``|``-joined, sorted). Derived from the HGNC complete set
(columns ``gene_group``, ``gene_group_id``); HGNC data is free of restrictions (cite HGNC).
Deterministic: sorted rows, gzip with mtime 0.

    python scripts/build_curate_tables.py --shared ../shared
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    args = ap.parse_args()
    src = Path(args.shared) / "data" / "geneids" / "hgnc_complete_set_2024-10.txt.gz"
    names: dict[str, str] = {}
    members: dict[str, set[str]] = defaultdict(set)
    with gzip.open(src, "rt", encoding="utf-8") as fh:
        for r in csv.DictReader(fh, delimiter="\t"):
            if r["status"] != "Approved" or not r["gene_group_id"]:
                continue
            ids = r["gene_group_id"].split("|")
            grp = r["gene_group"].split("|")
            for gid, name in zip(ids, grp):
                names[gid] = name
                members[gid].add(r["hgnc_id"])
    buf = io.StringIO()
    buf.write("group_id\tgroup_name\thgnc_ids\n")
    key = lambda h: int(h.split(":")[1])  # noqa: E731
    for gid in sorted(members, key=int):
        buf.write(f"{gid}\t{names[gid]}\t{'|'.join(sorted(members[gid], key=key))}\n")
    out = ROOT / "src" / "mamsets" / "curate" / "data" / "hgnc_groups.tsv.gz"
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz:
        gz.write(buf.getvalue().encode("utf-8"))
    print(f"wrote {out} ({len(members)} groups, {out.stat().st_size} bytes) from {src.name}")


if __name__ == "__main__":
    main()
