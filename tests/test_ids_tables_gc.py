"""The identifier tables stay cheap for the garbage collector, and say the same as before.

They live for the rest of the user's process, so every full collection walks whatever of
them the collector tracks: with frozensets and the ortholog objects built for detection that
was ~0.05 s per collection (measured), paid again and again in a long session.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

from mamsets.ids import tables as T


def test_detection_builds_no_ortholog_objects_and_tracks_no_key_sets() -> None:
    code = textwrap.dedent("""
        import gc
        from mamsets.ids import detect_ids
        from mamsets.ids import tables as T
        d = detect_ids(["7157", "4193", "1026", "581", "1647", "27244"] * 2)
        assert (d.species, d.id_type) == ("human", "entrez"), d
        detect_ids(["Trp53", "Mdm2", "Cdkn1a", "Bax", "Gadd45a", "Gm12345"])
        gc.collect()
        hu, ev = T._human(), T._evidence()
        tracked = [name for name, v in [("known", hu.known), ("prev_only", hu.prev_only),
                   ("human_only", hu.human_only), *ev.entrez.items(), *ev.symbol_only.items()]
                   if gc.is_tracked(v)]
        print(T._orthologs.cache_info().currsize, tracked)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["0", "[]"], out.stdout + out.stderr


def test_ortholog_rows_are_untracked_by_the_collector_after_a_collection() -> None:
    import gc

    rows = T._orthologs()
    for _ in range(3):  # one pass per level of nesting (groups of rows of tuples) at worst
        gc.collect()
    for sp in ("mouse", "rat"):
        table = rows[sp]
        some = [table[h] for h in list(table)[:200]]
        assert not any(gc.is_tracked(group) or any(gc.is_tracked(r) for r in group) for group in some)
        assert all(type(r) is tuple and len(r) == len(T._Ortholog._fields) for g in some for r in g)


def test_entrez_evidence_equals_the_ortholog_objects_own_ids() -> None:
    listed, _ = T._species_evidence()
    want = {"human": set(T._human().entrez), **{k: set(v) for k, v in listed.items()}}
    for sp, table in T._orthologs().items():
        for orths in table.values():
            want[sp].update(o.entrez for o in map(T._Ortholog._make, orths) if o.entrez)
    got = T._evidence().entrez
    assert set(got) == set(want)
    assert all(set(got[sp]) == want[sp] for sp in want)
    assert all(len(want[sp]) > 15_000 for sp in want)
