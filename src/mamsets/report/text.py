"""Plain text from results: the summary the CLI prints and a methods paragraph for a paper."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..io.ranking import Ranking
from ..model import GeneSetCollection
from ..results import EnrichmentResult
from ._common import Results, _as_mapping, _controls, _fmt_p

_ORA_TESTS = {
    "greater": "the hypergeometric upper tail P(X >= k) (one-sided Fisher's exact test)",
    "less": "the hypergeometric lower tail P(X <= k) (one-sided Fisher's exact test for depletion)",
    "two-sided": "the two-sided Fisher's exact test (minimum-likelihood rule, summing the "
    "hypergeometric probabilities no larger than that of the observed overlap)",
}


def text_summary(
    results: Results,
    *,
    collection: GeneSetCollection | None = None,
    ranking: Ranking | None = None,
    top: int = 8,
    alpha: float = 0.05,
) -> str:
    """A short plain-text summary (what the CLI prints).

    For each result: the collection (name, version, sha256 prefix), how many
    sets were tested and how many pass ``padj < alpha``, the positive-control
    sets (tag ``"control"`` in ``collection``) first, then the ``top`` other
    sets by p-value.
    """
    out: list[str] = []
    if ranking is not None:
        out.append(f"input: {ranking.source} ({ranking.style}); {ranking.how_chosen}")
    controls = _controls(collection)
    for name, res in _as_mapping(results).items():
        out.extend(_result_summary(name, res, controls, top=top, alpha=alpha))
    return "\n".join(out)


def _result_summary(
    name: str, res: EnrichmentResult, controls: set[str], *, top: int, alpha: float
) -> list[str]:
    t = res.table
    sha = res.collection_sha256[:12]
    out = [
        (f"[{name}] {res.method} on {res.collection_name} {res.collection_version} "
         f"(sha256 {sha}), mamsets {res.package_version}")
    ]
    if len(t) == 0:
        out.append("  no set was tested (check sizes and identifier mapping)")
        return out
    n_sig = int((t["padj"] < alpha).sum()) if "padj" in t else 0
    by = [c for c in ("contrast", "query") if c in t.columns]
    out.append(f"  {len(t)} tests, {n_sig} with padj < {alpha:g}")
    ctrl = t[t["term"].isin(controls)].sort_values("pval", kind="stable")
    rest = t[~t["term"].isin(controls)].sort_values("pval", kind="stable")
    ref = rest[rest["family"] == "reference"] if "family" in rest.columns else rest.iloc[:0]
    rest = rest.drop(ref.index)
    n_ctrl = max(top // 2, 2)
    if len(ctrl):
        out.append("  positive controls (best first):")
        expect = _expectations()
        out.extend("    " + _row_text(r, by) + expect.get(r["term"], "")
                   for _, r in ctrl.head(n_ctrl).iterrows())
        if len(ctrl) > n_ctrl:
            out.append(f"    ... {len(ctrl) - n_ctrl} more control rows in the table")
    if len(ref):
        out.append("  reference sets (for orientation, no expected direction):")
        out.extend("    " + _row_text(r, by) for _, r in ref.head(n_ctrl).iterrows())
    out.append(f"  top {min(top, len(rest))} sets by p-value:" if len(ctrl) else
               f"  top {min(top, len(rest))} by p-value:")
    out.extend("    " + _row_text(r, by) for _, r in rest.head(top).iterrows())
    return out


def _expectations() -> dict[str, str]:
    """Control set id -> ' (expected: up after ...)' from the bundled controls' pre-stated expectation."""
    try:
        from ..io.bundled import control_expectations

        t = control_expectations()
    except Exception:  # noqa: BLE001 - a summary must not fail for want of a note
        return {}
    return {r.set_id: f" (expected {r.expectation}: {r.applies})"
            for r in t.itertuples() if r.expectation}


def _row_text(r: pd.Series, by: list[str]) -> str:
    where = "".join(f"[{r[c]}] " for c in by)
    if "nes" in r:
        eff = f"NES {r['nes']:+.2f}" if np.isfinite(r["nes"]) else "NES NA"
    elif "fold_enrichment" in r:
        eff = f"overlap {int(r['overlap'])}/{int(r['size'])}, fold {r['fold_enrichment']:.2f}"
    else:
        eff = ""
    return f"{where}{r['term']}: {eff}, p {_fmt_p(r['pval'])}, padj {_fmt_p(r['padj'])}"


def _n_removed(ranking: Ranking) -> int:
    return sum(ranking.n_dropped_missing_gene.values()) + sum(ranking.n_dropped_nonfinite.values())


def methods_text(results: Results, *, ranking: Ranking | None = None) -> str:
    """A methods paragraph for a paper, filled in from the results' recorded parameters.

    Check it before use: it states what mamsets computed (versions, gene sets by
    name, version and sha256, score, p-value method, seed, multiple-testing
    correction), not why; add your study's context.

    References
    ----------
    .. [1] Subramanian A. et al. (2005) PNAS 102:15545. doi:10.1073/pnas.0506580102
    .. [2] Korotkevich G. et al. (2021) Fast gene set enrichment analysis. bioRxiv 060012.
       doi:10.1101/060012
    .. [3] Benjamini Y., Hochberg Y. (1995) J R Stat Soc B 57:289-300.
       doi:10.1111/j.2517-6161.1995.tb02031.x
    """
    res = _as_mapping(results)
    first = next(iter(res.values()))
    parts = []
    sets = (f"the gene sets '{first.collection_name}' (version {first.collection_version or 'n/a'}, "
            f"sha256 {first.collection_sha256[:16]}...)")
    if ranking is not None:
        parts.append(_ranking_sentence(ranking))
    for r in res.values():
        p = dict(r.params)
        if r.method == "gsea":
            parts.append(_gsea_sentence(p, r.package_version, sets))
        elif r.method == "ora":
            parts.append(_ora_sentence(p, r.package_version, sets))
        if r.mapping:
            m = dict(r.mapping)
            found, total = m.get("n_set_members_found"), m.get("n_set_members")
            if found is not None and total:
                parts.append(f"{found} of {total} set members were found among the measured genes.")
    return " ".join(parts)


def _ranking_sentence(ranking: Ranking) -> str:
    return (
        f"Genes were ranked by {ranking.score_name} from the {ranking.style} results table "
        f"({ranking.how_chosen.split(':')[0].replace('ranked by ', '')}); "
        + (f"duplicated identifiers were resolved by '{ranking.duplicates}' and "
           if any(ranking.n_duplicates_resolved.values()) else "")
        + f"{_n_removed(ranking)} rows without an identifier or score were removed."
    )


def _gsea_sentence(p: dict[str, Any], package_version: str, sets: str) -> str:
    how = p.get("pvalue_method", "multilevel")
    pv = (
        "p-values were estimated with the adaptive multilevel splitting method "
        f"(Korotkevich et al. 2021; sample size {p.get('sample_size')}, floor eps "
        f"{p.get('eps')})"
        if how == "multilevel"
        else f"p-values were estimated from {p.get('n_perm')} gene-set permutations "
        "as (k + 1)/(n + 1)"
    )
    return (
        f"Preranked gene set enrichment analysis (Subramanian et al. 2005) was run with "
        f"mamsets {package_version} on {sets}, with weight p = {p.get('weight')}, "
        f"testing sets with {p.get('min_size')} to {p.get('max_size')} members in the "
        f"ranking; {pv}. The normalised enrichment score is the ES divided by the mean "
        "of the same-signed null ES (as in fgsea). p-values were adjusted with the "
        "Benjamini-Hochberg procedure"
        + (f" {p['padj_scope']}" if "padj_scope" in p else "")
        + f". Random seed: {p.get('seed')}"
        + ("; each contrast was run with its own seed spawned from it ("
           + ", ".join(f"{c}: {v}" for c, v in p["contrast_seeds"].items()) + ")"
           if isinstance(p.get("contrast_seeds"), Mapping) else "")
        + "."
    )


def _ora_sentence(p: dict[str, Any], package_version: str, sets: str) -> str:
    alt = p.get("alternative", "greater")
    test = _ORA_TESTS.get(alt, f"the hypergeometric test (alternative {alt!r})")
    lo, hi = p.get("min_size"), p.get("max_size")
    size = (
        f", testing sets with {lo} to {hi} members in the universe"
        if hi is not None
        else f", testing sets with at least {lo} members in the universe"
    ) if lo is not None else ""
    what = {"greater": "Over", "two-sided": "Over- or under"}.get(alt, "Under")
    return (
        f"{what}-representation was tested with mamsets {package_version} on {sets} by "
        f"{test} against a universe of the {p.get('universe_size')} genes measured"
        f"{size}; p-values were adjusted with the Benjamini-Hochberg procedure"
        + (f" {p['padj_scope']}" if "padj_scope" in p else " per query") + "."
    )
