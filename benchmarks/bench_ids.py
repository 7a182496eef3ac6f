#!/usr/bin/env python
"""How long does identifier mapping take on real lists? (``mamsets.ids``)

Maps every identifier of real data sets in ../shared/data onto the bundled MAMs
library and prints wall times. There is no gseapy equivalent (gseapy only matches
identifiers exactly, as the set intersection below does, or queries BioMart
online), so two baselines are measured in the same run:

* ``exact-only``: the plain set intersection every enrichment tool does (no
  rescue, no report): the floor.
* ``naive rescue``: resolving each identifier by scanning the HGNC table with pandas
  (approved symbol, then alias/previous columns), the obvious way to write it;
  timed on a sample of 500 identifiers and extrapolated to the full list.

Then GMT-sized collections (5,000 sets, ~1.3 million set-member pairs; see
:func:`large_collections`), the case the ORA and GSEA engines meet with a large GMT.

Usage: ``python benchmarks/bench_ids.py`` (needs ../shared/data next to the checkout).
"""

from __future__ import annotations

import gzip
import io
import sys
import time
import warnings
from pathlib import Path

import pandas as pd

from mamsets import ids as mids
from mamsets.ids import tables
from mamsets.io.bundled import library

HERE = Path(__file__).resolve().parent
SHARED = HERE.parents[1] / "shared" / "data"


def lists() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    gtex = pd.read_csv(
        SHARED / "gsea-benchmarks/gtex-muscle-ageing/ageing_muscle_gtex.tsv", dtype=str
    )
    out["GTEx muscle ageing (human symbols)"] = gtex.iloc[:, 0].tolist()
    human = set(out["GTEx muscle ageing (human symbols)"])
    for rel, col in [
        ("human-exercise-inactivity/metamex_timeline_inactivity_stats.tsv.gz", "SYMBOL"),
        ("human-exercise-inactivity/metamex_timeline_acute_stats.tsv.gz", None),
        ("human-muscle-insulin-resistance/obesity_vs_lean_muscle_limma.tsv", "SYMBOL"),
        ("human-muscle-insulin-resistance/GSE22309_insulin_clamp_stats.tsv.gz", None),
        ("gsea-benchmarks/p53/P53.txt.gz", None),
        ("gsea-benchmarks/leukemia/Leukemia_hgu95av2.trim.txt.gz", None),
    ]:
        df = pd.read_csv(SHARED / rel, sep="\t", dtype=str)
        human |= set(df[col] if col else df.iloc[:, 0])
    human.discard(None)
    out[f"union of 7 human lists ({len(human)} symbols, old and new)"] = sorted(
        h for h in human if isinstance(h, str)
    )
    rnk = pd.read_csv(SHARED / "fgsea-example/naive.vs.th1.rnk", sep="\t", dtype=str)
    out["fgsea example (mouse Entrez)"] = rnk["ID"].tolist()
    rat = pd.read_csv(
        SHARED / "motrpac-rat-training/TRNSCRPT_GN_DA_trained_vs_SED.tsv.gz",
        sep="\t",
        dtype=str,
        usecols=["featureName", "gene_symbol"],
    ).drop_duplicates("featureName")
    out["MotrPAC gastrocnemius (rat Ensembl)"] = rat["featureName"].tolist()
    out["MotrPAC gastrocnemius (rat symbols)"] = rat["gene_symbol"].dropna().tolist()
    return out


def naive_resolve(table: pd.DataFrame, ident: str) -> str | None:
    hit = table.index[table["symbol"] == ident]
    if len(hit):
        return table.at[hit[0], "hgnc_id"]
    u = ident.upper()
    hit = table.index[table["symbol"].str.upper() == u]
    if len(hit):
        return table.at[hit[0], "hgnc_id"]
    mask = table["prev_symbols"].str.split("|").map(lambda v: u in v) | table[
        "alias_symbols"
    ].str.split("|").map(lambda v: u in v)
    return table.loc[mask, "hgnc_id"].iloc[0] if mask.sum() == 1 else None


def best_of(fn, repeat: int = 3) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def large_collections() -> None:
    """GMT-sized collections: 5,000 sets, ~1.3 million (set, member) pairs.

    * the synthetic collection of ``bench_ora.py`` (plain GMT, matched directly),
      against its 20,000-gene universe and against 70% of it;
    * 5,000 sets drawn from 25,000 HGNC symbols (a human-symbol GMT such as
      MSigDB, routed through HGNC) against 18,000 of those symbols.

    Times ``map_ids`` + ``report.summary()`` (what the engines call), building the
    member table (done on first access to ``report.members``), and the floor:
    the plain per-set intersection with the identifiers (no report).
    """
    import numpy as np

    from mamsets.model import GeneSetCollection

    sys.path.insert(0, str(HERE))  # bench_ora's synthetic data
    from bench_ora import make_data

    universe, synthetic, _ = make_data(20000, 5000, 1, 20261125)
    rng = np.random.default_rng(1)
    symbols = sorted(tables._human().symbol)[:25000]
    human = GeneSetCollection.from_dict(
        {
            f"S{j:04d}": rng.choice(symbols, int(rng.integers(15, 501)), replace=False).tolist()
            for j in range(5000)
        },
        name="hgnc-symbols",
    )
    cases = [
        ("synthetic GMT vs its 20,000-gene universe", synthetic, universe),
        (
            "synthetic GMT vs 70% of the universe",
            synthetic,
            [g for g in universe if rng.random() < 0.7],
        ),
        (
            "HGNC-symbol GMT vs 18,000 human symbols",
            human,
            rng.choice(symbols, 18000, replace=False).tolist(),
        ),
    ]
    print(
        f"\n{'large collection (5,000 sets)':44s} {'pairs':>9s} {'map+summary':>12s} "
        f"{'members':>8s} {'floor':>7s}  route"
    )
    for name, coll, ids in cases:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t_map, (_out, rep) = best_of(lambda c=coll, i=ids: mids.map_ids(c, i))
            t_sum, _ = best_of(rep.summary)
            t_members, _ = best_of(lambda c=coll, i=ids: mids.map_ids(c, i)[1].members, 1)
        s = set(ids)
        t_floor, _ = best_of(
            lambda c=coll, s=s: {gs.id: [g for g in gs.genes if g in s] for gs in c}
        )
        n_pairs = int(rep.sets["n_members"].sum())
        print(
            f"{name:44s} {n_pairs:9,d} {t_map + t_sum:11.3f}s {t_members - t_map:7.3f}s "
            f"{t_floor:6.3f}s  {rep.input['route']}"
        )


def main() -> None:
    t0 = time.perf_counter()
    tables._human(), tables._orthologs(), tables._evidence()
    load = time.perf_counter() - t0
    print(f"loading the shipped tables once (first call only): {load:.2f} s")
    coll = library()
    print(
        f"collection: {coll.name} {coll.version}, {len(coll)} sets, {len(coll.genes)} genes (human symbols)\n"
    )
    print(f"{'list':58s} {'n':>6s} {'map_ids':>9s} {'exact-only':>11s} {'found':>7s}  route/how")
    rows = []
    for name, ids in lists().items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            times = []
            for _ in range(3):
                t = time.perf_counter()
                _, rep = mids.map_ids(coll, ids)
                times.append(time.perf_counter() - t)
        best = min(times)
        t = time.perf_counter()
        s = set(ids)
        _ = {gs.id: [g for g in gs.genes if g in s] for gs in coll}
        exact = time.perf_counter() - t
        summ = rep.summary()
        how = ",".join(f"{k}:{v}" for k, v in summ["how"].items())
        print(
            f"{name:58s} {len(ids):6d} {best:8.3f}s {exact:10.4f}s "
            f"{summ['n_distinct_members_found']:3d}/{summ['n_distinct_members']:<3d}  "
            f"{rep.input['route']} {how}"
        )
        rows.append((name, len(ids), best))

    # a plain GMT already in the user's space (the engines' common case): matched directly
    from mamsets.io.gmt import read_gmt

    reactome = read_gmt(SHARED / "fgsea-example/mouse.reactome.gmt")
    fg = lists()["fgsea example (mouse Entrez)"]
    t = time.perf_counter()
    _out, rep = mids.map_ids(reactome, fg)
    direct = time.perf_counter() - t
    n_pairs = sum(len(gs) for gs in reactome)
    print(
        f"\nfgsea Reactome GMT ({len(reactome)} sets, {n_pairs} set-gene pairs) vs fgsea list: "
        f"{direct:.3f} s, route {rep.input['route']}, {int(rep.sets['n_found'].sum())} pairs found"
    )

    large_collections()

    # naive pandas-scan rescue on the biggest human list
    name, ids = max(((k, v) for k, v in lists().items() if "union" in k), key=lambda kv: len(kv[1]))
    table = pd.read_csv(
        io.BytesIO(gzip.decompress(tables._data_bytes("hgnc_ids.tsv.gz"))),
        sep="\t",
        dtype=str,
        keep_default_na=False,
    )
    sample = ids[:: max(1, len(ids) // 500)][:500]
    t = time.perf_counter()
    for x in sample:
        naive_resolve(table, x)
    naive = (time.perf_counter() - t) / len(sample) * len(ids)
    ours = next(b for n, _, b in rows if n == name)
    print(
        f"\nnaive per-identifier pandas scan of HGNC, extrapolated to {len(ids)} ids: {naive:.1f} s "
        f"(map_ids: {ours:.3f} s, {naive / ours:.0f}x faster)"
    )


if __name__ == "__main__":
    main()
