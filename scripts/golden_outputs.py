"""Golden check for refactors: does this checkout give exactly what a reference checkout gave?

The outputs of :func:`golden_outputs` (full result tables, params, mapping summaries,
warnings and errors of ``gsea``, ``ora``, ``running_sum``, ``detect_ids`` and ``map_ids``
on a variety of inputs) are pickled once from the reference checkout and compared exactly::

    PYTHONPATH=<reference>/src python scripts/golden_outputs.py write golden.pkl
    PYTHONPATH=src python scripts/golden_outputs.py check golden.pkl

Used to show the faster GSEA input preparation (issue 15) changed no output. It is a script,
not a test: the pickle is large and belongs to one build. Cases that need ``../shared/data``
are left out when it is absent, on both sides.
"""

from __future__ import annotations

import os
import pickle
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("MAMSETS_SHARED", REPO.parent / "shared")) / "data"


# --------------------------------------------------------------------------------------
# inputs
# --------------------------------------------------------------------------------------
def _synthetic() -> tuple[pd.Series, dict[str, list[str]]]:
    sys.path.insert(0, str(REPO / "benchmarks"))
    from bench_speed import synthetic_case

    return synthetic_case()


def _fgsea() -> tuple[pd.Series, dict[str, list[str]]]:
    sys.path.insert(0, str(REPO / "benchmarks"))
    from bench_gsea import fgsea_case

    return fgsea_case()


def _human_universe(n: int = 12_000, seed: int = 7) -> tuple[list[str], Any]:
    """Library genes plus random HGNC symbols, sorted (a human symbol universe)."""
    from mamsets.ids.tables import _human
    from mamsets.io.bundled import library

    h = _human()
    lib = sorted(library().genes)
    rng = np.random.default_rng(seed)
    pool = sorted(set(h.symbol) - set(lib))
    extra = rng.choice(pool, size=n, replace=False).tolist()
    return sorted(set(lib) | set(extra)), h


def _scores(genes: list[str], seed: int) -> pd.Series:
    rng = np.random.default_rng(seed)
    return pd.Series(rng.standard_normal(len(genes)) * 2, index=genes)


def _human_variants() -> dict[str, pd.Series]:
    """Human rankings: symbols as written, with previous/alias symbols, case-changed,
    Entrez ids, Ensembl ids (half versioned)."""
    genes, h = _human_universe()
    out = {"symbols": _scores(genes, 1)}
    lib_ids = {h.symbol[g]: g for g in genes if g in h.symbol}
    old: dict[str, str] = {}
    for key, (hid, kind) in sorted(h.rescue.items()):
        g = lib_ids.get(hid)
        if g is not None and g not in old and key not in h.symbol and len(old) < 60:
            old[g] = key if kind == "previous_symbol" else key.lower().capitalize()
    renamed = [old.get(g, g) for g in genes]
    renamed = [g.lower() if i % 97 == 0 else g.capitalize() if i % 89 == 0 else g
               for i, g in enumerate(renamed)]
    out["renamed_mixed_case"] = _scores(list(dict.fromkeys(renamed)), 2)
    out["title_case"] = _scores(list(dict.fromkeys(g.capitalize() for g in genes)), 3)
    entrez = [h.to_entrez[h.symbol[g]] for g in genes if h.symbol.get(g) in h.to_entrez]
    out["entrez"] = _scores(list(dict.fromkeys(entrez)), 4)
    ens = [h.to_ensembl[h.symbol[g]] for g in genes if h.symbol.get(g) in h.to_ensembl]
    ens = [e + ".3" if i % 2 else e for i, e in enumerate(dict.fromkeys(ens))]
    out["ensembl_versioned"] = _scores(ens, 5)
    return out


def _rodent_symbols(species: str) -> pd.Series:
    from mamsets.ids.tables import _Ortholog, _orthologs

    genes, _ = _human_universe(6000, seed=11)
    orth = _orthologs()[species]
    from mamsets.ids.tables import _human

    h = _human()
    syms = [o.symbol for g in genes
            for o in map(_Ortholog._make, orth.get(h.symbol.get(g, ""), ())[:1]) if o.symbol]
    return _scores(sorted(set(syms)), 6 if species == "mouse" else 8)


def _custom_sets(genes: list[str]) -> dict[str, list[str]]:
    """Sets of every size class: tiny, below/above limits, identical twins, nested."""
    rng = np.random.default_rng(3)
    g = np.array(genes)
    sets: dict[str, list[str]] = {}
    for i, k in enumerate([1, 2, 3, 4, 5, 10, 14, 15, 16, 40, 100, 499, 500, 501, 700]):
        sets[f"K{k:03d}_{i}"] = g[np.sort(rng.choice(g.size, k, replace=False))].tolist()
    sets["TWIN_B"] = list(sets["K040_9"])
    sets["TWIN_A"] = list(reversed(sets["K040_9"]))
    sets["NESTED"] = sets["K100_10"][:30]
    sets["HALF_MISSING"] = sets["K016_8"][:8] + [f"NOTAGENE{i}" for i in range(8)]
    sets["NONE_FOUND"] = [f"NOTAGENE{i}" for i in range(20)]
    sets["EMPTY"] = []
    return sets


# --------------------------------------------------------------------------------------
# recording
# --------------------------------------------------------------------------------------
def _record(fn: Callable[[], Any]) -> dict[str, Any]:
    """What ``fn`` returned or raised, with every warning in order."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            value, error = fn(), None
        except Exception as exc:  # noqa: BLE001 - errors are outputs here
            value, error = None, (type(exc).__name__, str(exc))
    return {"value": _plain(value), "error": error,
            "warnings": [(w.category.__name__, str(w.message)) for w in caught]}


def _plain(x: Any) -> Any:
    """Read-only mappings (``mappingproxy``) as dicts, so that outputs pickle."""
    from collections.abc import Mapping

    if isinstance(x, Mapping) and not isinstance(x, dict):
        x = dict(x)
    if isinstance(x, dict):
        return {k: _plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)) and not hasattr(x, "_fields"):
        return type(x)(_plain(v) for v in x)
    return x


def _result(res: Any) -> dict[str, Any]:
    return {"table": res.table, "params": res.params, "mapping": res.mapping,
            "collection": (res.collection_name, res.collection_version, res.collection_sha256)}


def _gsea(ranking: Any, collection: Any, **kw: Any) -> Callable[[], Any]:
    def run() -> Any:
        from mamsets.engines.gsea import gsea

        return _result(gsea(ranking, collection, **kw))
    return run


def _detection(ids: list[str]) -> Callable[[], Any]:
    def run() -> Any:
        from mamsets.ids import detect_ids

        d = detect_ids(ids)
        return {"id_type": d.id_type, "species": d.species, "confident": d.confident,
                "evidence": d.evidence, "kinds": d.kinds, "message": d.message,
                "n": d.n_identifiers}
    return run


def _mapping(collection: Any, ids: list[str], **kw: Any) -> Callable[[], Any]:
    def run() -> Any:
        from mamsets.ids import map_ids

        out, rep = map_ids(collection, ids, **kw)
        return {"sets": out.to_dict(), "space": (out.species, out.id_type),
                "summary": rep.summary(), "set_table": rep.sets, "members": rep.members}
    return run


def golden_cases() -> dict[str, Callable[[], Any]]:
    """Name -> a call whose outputs must not change."""
    from mamsets.io.bundled import library
    from mamsets.model import GeneSetCollection

    cases: dict[str, Callable[[], Any]] = {}
    r, sets = _synthetic()
    col = GeneSetCollection.from_dict(sets)
    cases["synthetic_perm"] = _gsea(r, col, method="permutation", n_perm=1000, rng=1,
                                    min_size=15, max_size=500)
    cases["synthetic_ml"] = _gsea(r, col, method="multilevel", n_perm=200, rng=1,
                                  min_size=15, max_size=500)
    cases["synthetic_default_sizes"] = _gsea(r, sets, method="permutation", n_perm=100, rng=2)
    r, sets = _fgsea()
    col = GeneSetCollection.from_dict(sets)
    cases["fgsea_perm"] = _gsea(r, col, method="permutation", n_perm=1000, rng=1, min_size=15,
                                max_size=500)
    cases["fgsea_ml"] = _gsea(r, col, method="multilevel", n_perm=300, rng=1)
    cases["fgsea_mouse_entrez_gmt_declared"] = _gsea(
        r, GeneSetCollection.from_dict(dict(list(sets.items())[:300]), species="mouse",
                                       id_type="entrez"),
        method="permutation", n_perm=200, rng=1)
    cases["fgsea_ids_detect"] = _detection(list(r.index))
    human = _human_variants()
    lib = library()
    for name, ranking in human.items():
        cases[f"mams_default_{name}"] = _gsea(ranking, None, method="permutation", n_perm=200,
                                              rng=3)
        cases[f"mams_full_{name}"] = _gsea(ranking, lib, method="multilevel", n_perm=200, rng=3)
        cases[f"detect_{name}"] = _detection(list(ranking.index))
        cases[f"map_{name}"] = _mapping(lib, list(ranking.index))
        cases[f"ora_{name}"] = _ora(list(ranking.index[:300]), lib, list(ranking.index))
    cases["mams_species_human_symbol"] = _gsea(human["renamed_mixed_case"], None,
                                               species="human", id_type="symbol",
                                               method="permutation", n_perm=200, rng=3)
    cases["fgsea_gmt_on_human_symbols"] = _gsea(
        human["symbols"], dict(list(sets.items())[:400]), method="permutation", n_perm=200,
        rng=4)
    # a plain GMT with previous symbols and every size class, on human symbols
    syms = list(human["symbols"].index)
    custom = _custom_sets(syms)
    renamed = {k: [s.lower() if i % 7 == 0 else s for i, s in enumerate(v)]
               for k, v in custom.items()}
    genes_renamed = list(human["renamed_mixed_case"].index)
    for mn, mx in [(1, None), (15, 500), (3, 40)]:
        cases[f"custom_{mn}_{mx}"] = _gsea(human["symbols"], custom, min_size=mn, max_size=mx,
                                           method="permutation", n_perm=300, rng=5)
        cases[f"custom_renamed_{mn}_{mx}"] = _gsea(human["renamed_mixed_case"], renamed,
                                                   min_size=mn, max_size=mx,
                                                   method="permutation", n_perm=300, rng=5)
    cases["custom_ml_pval3"] = _gsea(human["symbols"], custom, method="multilevel", n_perm=300,
                                     rng=6, min_size_pval=5)
    cases["prev_symbols_gmt"] = _gsea(human["symbols"], {
        "OLD": [g for g in genes_renamed if g not in set(syms)][:40] + syms[:20]},
        method="permutation", n_perm=200, rng=7)
    for sp in ("mouse", "rat"):
        rr = _rodent_symbols(sp)
        cases[f"mams_{sp}_detected"] = _gsea(rr, None, method="permutation", n_perm=200, rng=8)
        cases[f"mams_{sp}_given"] = _gsea(rr, None, species=sp, method="multilevel",
                                          n_perm=200, rng=8)
        cases[f"detect_{sp}"] = _detection(list(rr.index))
        cases[f"map_{sp}"] = _mapping(lib, list(rr.index), species=sp)
        cases[f"map_{sp}_upper"] = _mapping(lib, [g.upper() for g in rr.index])
        cases[f"detect_{sp}_upper"] = _detection([g.upper() for g in rr.index])
        cases[f"detect_{sp}_lower"] = _detection([g.lower() for g in rr.index])
    # errors and odd rankings
    bad = human["symbols"].copy()
    bad.iloc[[3, 50]] = np.nan
    cases["nan_scores"] = _gsea(bad, None, method="permutation", n_perm=100, rng=1)
    dup = pd.concat([human["symbols"], human["symbols"].iloc[:5]])
    cases["duplicated_ids"] = _gsea(dup, None, method="permutation", n_perm=100, rng=1)
    cases["no_overlap"] = _gsea(pd.Series(np.arange(50.0), index=[f"X{i}" for i in range(50)]),
                                {"A": ["Y1", "Y2"]}, method="permutation", n_perm=100, rng=1)
    tied = human["symbols"].round(0)
    cases["tied_scores"] = _gsea(tied, custom, method="permutation", n_perm=200, rng=9)
    cases["mixed_kinds_detect"] = _detection(
        syms[:500] + ["NM_000546", "ENST00000269305", "P04637", "1-Mar", "ILMN_1234567",
                      "12345", "7157.0", "Gm12345", "1110008P14Rik", "RGD1310201", "Olr123",
                      "Zfp1", "Abc-ps1", "GM12345", "gm12346", "mt-Co1", "LINC00473",
                      "C11orf96", "HLA-A"] * 3)
    cases["unrecognised_detect"] = _detection([f"Q{i}xyz" for i in range(100)])
    cases.update(_motrpac_cases())
    cases["running_sum"] = _running_sum(human["symbols"], custom["K100_10"] + ["NOPE"])
    return cases


def _ora(genes: list[str], collection: Any, universe: list[str]) -> Callable[[], Any]:
    def run() -> Any:
        from mamsets.engines.ora import ora

        return _result(ora(genes, collection, universe=universe))
    return run


def _running_sum(ranking: pd.Series, genes: list[str]) -> Callable[[], Any]:
    def run() -> Any:
        from mamsets.engines.gsea import running_sum

        rs = running_sum(ranking, genes)
        return {k: getattr(rs, k) for k in ("ranked_genes", "ranked_scores", "positions",
                                            "curve", "es", "peak", "leading_edge", "missing")}
    return run


def _motrpac_cases() -> dict[str, Callable[[], Any]]:
    """The bundled rat example: one contrast, and every contrast through the shared sets."""
    def ranking() -> Any:
        from mamsets.io.examples import example_path
        from mamsets.io.ranking import read_ranking

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return read_ranking(example_path(), dropna=True, duplicates="max_abs")

    def one() -> Any:
        rk = ranking()
        return _gsea(rk.series(rk.contrasts[0]), None, species="rat", method="permutation",
                     n_perm=200, rng=1)()

    def many() -> Any:
        return _gsea(ranking(), None, method="permutation", n_perm=200, rng=1)()

    def many_ml() -> Any:
        return _gsea(ranking(), None, method="multilevel", n_perm=200, rng=2, min_size=3)()

    return {"motrpac_one": one, "motrpac_contrasts": many, "motrpac_contrasts_ml": many_ml}


def golden_outputs(names: list[str] | None = None) -> dict[str, dict[str, Any]]:
    """The recorded outputs of every golden case (or of ``names``)."""
    cases = golden_cases()
    return {k: _record(fn) for k, fn in cases.items() if names is None or k in names}


# --------------------------------------------------------------------------------------
# comparison
# --------------------------------------------------------------------------------------
def assert_same(old: Any, new: Any, where: str = "") -> None:
    """Exact equality of nested outputs (frames with ``check_exact=True``)."""
    if isinstance(old, pd.DataFrame):
        assert isinstance(new, pd.DataFrame), where
        pd.testing.assert_frame_equal(old, new, check_exact=True, obj=where)
    elif isinstance(old, pd.Series):
        pd.testing.assert_series_equal(old, new, check_exact=True, obj=where)
    elif isinstance(old, np.ndarray):
        assert isinstance(new, np.ndarray) and old.dtype == new.dtype, where
        np.testing.assert_array_equal(old, new, err_msg=where)
    elif isinstance(old, dict):
        assert isinstance(new, dict) and list(old) == list(new), (where, list(old), list(new))
        for k in old:
            assert_same(old[k], new[k], f"{where}.{k}")
    elif isinstance(old, (list, tuple)):
        assert type(old) is type(new) and len(old) == len(new), (where, old, new)
        for i, (a, b) in enumerate(zip(old, new)):
            assert_same(a, b, f"{where}[{i}]")
    elif isinstance(old, float) and np.isnan(old):
        assert isinstance(new, float) and np.isnan(new), where
    else:
        assert type(old) is type(new) and old == new, (where, old, new)


def check(path: str) -> None:
    """Compare this checkout's outputs with the pickle at ``path``; raises on the first difference."""
    with open(path, "rb") as fh:
        old = pickle.load(fh)
    new = golden_outputs(list(old))
    assert list(old) == list(new), (list(old), list(new))
    for name in old:
        assert_same(old[name], new[name], name)
    print(f"{len(old)} cases: outputs identical to {path}")


if __name__ == "__main__":
    if sys.argv[1] == "write":
        with open(sys.argv[2], "wb") as fh:
            pickle.dump(golden_outputs(sys.argv[3:] or None), fh)
    elif sys.argv[1] == "check":
        check(sys.argv[2])
    else:
        sys.exit("usage: golden_outputs.py write FILE [CASE ...] | check FILE")
