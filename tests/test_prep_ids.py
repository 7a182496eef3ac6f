"""Identifier detection made faster gives what the one-call-per-identifier code gave."""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from mamsets.ids import detect as D
from mamsets.ids import patterns as P
from mamsets.ids.tables import _human

EXAMPLES = [
    "1-Mar", "SEP-15", "2020-01-01", "ENST00000123456", "ENSMUSP00000012345.2", "ENSG00000141510",
    "ENSMUSG00000029580.3", "ENSRNOG00000001234", "ENSFOO", "ENS", "ensg00000141510", "NM_000546.6",
    "XR_123", "1007_s_at", "ILMN_1234", "A_23_P100001", "P04637", "Q9Y6K9-2", "MFN2", "mfn2",
    "Mfn2", "GENE00001", "G00001", "Gm12345", "GM12345", "gm12345", "LOC105377", "1110008P14Rik",
    "1110008P14RIK", "RGD1310201", "rgd1310201", "Olr123", "OLR123", "RT1-A1", "rt1-a1",
    "AABR07000398.1", "Zfp1", "ZFP1A2", "Abc-ps1", "Abc-ps", "x-PS", "12345", "7157.0", "007157",
    "1.5", "\u0661\u0662", "\u00b2", "\u212a", "\u017f", "Hspa1a", "HLA-A", "C11orf96",
    "LINC00473", "mt-Co1", "B3GAT2", "P2RXL1", "TG", "CA2", "Ndufs6", "ENSG1", "Kcnk3", "\u00e9tat",
]


def _old_kinds(ids: list[str]) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = defaultdict(list)
    hu = _human()
    for s in ids:
        groups[D._kind(s, hu)].append(s)
    return dict(groups)


def _old_count(sym: list[str]) -> D._SymbolCounts:
    hu, ev = _human(), D._evidence()
    c = D._SymbolCounts()
    for s in sym:
        u = s.upper()
        lower = s != u and s == s.lower()
        mixed = s != u and not lower
        c.lower += lower
        if u in hu.symbol_ci:
            c.human_ci += 1
            c.human += lower or s in hu.symbol
            h_only = u in hu.human_only
            c.human_only += h_only
            if mixed:
                c.rodent += 1
                c.mixed_ci += 1
                if h_only:
                    c.mixed_human_only += 1
                    if len(c.human_examples) < 3:
                        c.human_examples.append(s)
            continue
        if s in hu.symbol:
            c.human += 1
            c.human_ci += 1
            continue
        m_only = u in ev.symbol_only["mouse"] or P._MOUSE_ONLY.match(s) is not None
        r_only = u in ev.symbol_only["rat"] or P._RAT_ONLY.match(s) is not None
        c.mouse_only += m_only
        c.rat_only += r_only
        if m_only or r_only or (u not in hu.known and P._RODENT_ONLY.match(s) is not None):
            if s == u:
                c.upper_rodent += 1
            elif lower:
                c.lower_rodent += 1
            else:
                c.rodent += 1
                c.mixed_rodent_only += 1
                if len(c.rodent_examples) < 3:
                    c.rodent_examples.append(s)
    return c


def _lists() -> list[list[str]]:
    hu = _human()
    rng = np.random.default_rng(0)
    symbols = sorted(hu.symbol)
    pick = rng.choice(symbols, 3000, replace=False).tolist()
    rodent = sorted(D._evidence().symbol_only["mouse"])[:300] + sorted(
        D._evidence().symbol_only["rat"])[:300]
    return [
        EXAMPLES,
        EXAMPLES[::-1] * 2,
        pick + EXAMPLES,
        [s.capitalize() for s in pick] + [s.capitalize() for s in rodent],
        [s.lower() for s in pick + rodent],
        rodent + pick,
        sorted(hu.rescue)[:2000],
        [f"G{i:05d}" for i in range(3000)],
        [str(i) for i in range(1, 3000)] + EXAMPLES,
    ]


def test_any_rodent_prefilter_agrees_with_the_three_patterns() -> None:
    for ids in _lists():
        for s in ids:
            expected = any(p.match(s) for p in (P._MOUSE_ONLY, P._RAT_ONLY, P._RODENT_ONLY))
            assert (P._ANY_RODENT.match(s) is not None) == expected, s


def test_kinds_table_equals_one_kind_per_identifier() -> None:
    for ids in _lists():
        _, groups = D._kinds_table(ids)
        old = _old_kinds(ids)
        assert groups == old


def test_symbol_counts_equal_the_plain_loop() -> None:
    for ids in _lists():
        assert D._count_symbols(ids) == _old_count(ids)


def test_entrez_keys_fast_path_equals_the_pattern() -> None:
    from mamsets.ids.patterns import _entrez_key

    ids = ["0", "000", "007157", "7157", "7157.0", "12a", "\u0661\u0662", "1.5", "00.0"]
    rows = D._entrez_rows(ids, len(ids))
    keys = [_entrez_key(s) for s in ids]
    ev = D._evidence()
    assert [r[2] for r in rows] == [sum(1 for k in keys if k in ev.entrez[sp])
                                    for sp in ("human", "mouse", "rat")]
