"""Does the user's data support the figure's claims? One verdict per claim, with an interval.

:func:`claims` tests each directional claim of the figure (:func:`mamsets.figure_claims`)
at the level the data measure: a competitive rank test of the claim's members
against every other gene of the same ranking (see :mod:`._claims_kernel`), a
Hodges-Lehmann shift with its confidence interval in the ranking's own units, and
the smallest shift the test would detect with 80% power. Verdicts:

``supported``
    ``padj < alpha`` and the members moved in the claimed direction.
``contradicted``
    ``padj < alpha`` and the members moved against it.
``inconclusive``
    Neither; the interval says which shifts the data exclude.
``not_testable``
    The data cannot measure the claim's level (activity, localisation or
    metabolite claims on expression data; ``proxy=True`` tests member expression
    as a labelled proxy for activity and localisation), or no member was measured.

Why this test: the subjects are 1-16 genes, too few for GSEA's running sum to have
power or for its null to be smooth, and claims are one-sided. A competitive rank
test (Wilcoxon-Mann-Whitney of members vs all other genes, as limma's ``geneSetTest``
/ ``cameraPR`` with ranks do) is exact under gene-label permutation for any set
size, including one gene, and its inversion gives a shift interval in the ranking's
units (Hollander, Wolfe & Chicken 2014, ch. 4). Like every gene-permutation test it
treats genes as independent: positively correlated members make it liberal (Wu &
Smyth 2012, doi:10.1093/nar/gks461), so read a lone ``supported`` on a large
co-regulated set with care.

References
----------
.. [1] Wu D, Smyth GK (2012). Camera: a competitive gene set test accounting for
   inter-gene correlation. Nucleic Acids Res 40:e133. doi:10.1093/nar/gks461
.. [2] Hodges JL, Lehmann EL (1963). Estimates of location based on rank tests.
   Ann Math Stat 34:598-611. doi:10.1214/aoms/1177704172
.. [3] Benjamini Y, Hochberg Y (1995). J R Stat Soc B 57:289-300.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy.stats import false_discovery_control, rankdata

from .._random import RngLike, resolve_seed
from ..errors import InputError
from ..io.bundled import library, library_version
from ..io.claims import claims_version, figure_claims
from ..model import GeneSetCollection
from ..results import _jsonable, conform_table, join_tuples, package_version
from ._claims_kernel import detectable_shift, null_rank_sums, rank_shift
from ._collections import to_user_space

__all__ = ["CLAIMS_SCHEMA", "MEMBERS_SCHEMA", "ClaimsResult", "claims", "readout"]

DataLevel = Literal["transcript", "protein", "phosphosite"]

#: Columns of :attr:`ClaimsResult.table` (a leading ``contrast`` column is added for
#: multi-contrast data).
CLAIMS_SCHEMA: dict[str, str] = {
    "contrast": "object",      # the ranking's contrast (its name for a single Series)
    "claim_id": "object",      # claims.toml id
    "family": "object",        # "hypothesis": padj is BH within the claims (and contrast)
    "set_id": "object",        # curated set holding the subject
    "subject": "object",       # in the caption's words
    "direction": "object",     # claimed for exercise: "up" / "down"
    "predicted": "object",     # what this contrast should show (flipped when contrast_is="opposite")
    "level": "object",         # where the caption makes the claim
    "context": "object",       # condition the clause restricts the claim to ("" when none)
    "data_level": "object",    # what the data measure
    "readout": "object",       # "direct", "proxy" or "none" (not testable)
    "n_members": "int64",      # subject's members (human genes)
    "n_found": "int64",        # members measured in the data
    "statistic": "float64",    # Mann-Whitney AUC of members vs other genes (0.5: no shift)
    "pval": "float64",         # one-sided, in the predicted direction
    "pval_two_sided": "float64",  # 2 x min(one-sided), capped at 1; what padj adjusts
    "padj": "float64",         # BH over the tested claims (distinct tests) of the contrast
    "effect": "float64",       # Hodges-Lehmann shift of members vs others, ranking units
    "effect_low": "float64",   # confidence interval of the shift
    "effect_high": "float64",
    "detectable_shift": "float64",  # smallest shift in the claimed direction found with `power`
    "verdict": "object",       # supported / contradicted / inconclusive / not_testable
    "reason": "object",        # one line
    "shared_with": "object",   # claims with the identical test (same genes, same direction)
    "genes": "object",         # tuple: the members' identifiers in the data
}

#: Columns of :attr:`ClaimsResult.members`: every member of every gene-level claim.
MEMBERS_SCHEMA: dict[str, str] = {
    "contrast": "object",
    "claim_id": "object",
    "member": "object",        # human symbol (the curated member)
    "gene": "object",          # the data's identifier ("" when not measured)
    "score": "float64",        # the ranking's score (NaN when not measured)
    "percentile": "float64",   # share of genes with a lower score (mid-rank), 0-100
    "moved": "object",         # "with" / "against" the claim (vs the ranking's median) or "not measured"
}

_DIRECT = {"transcript": {"transcript"}, "protein": {"protein"}, "phosphosite": set()}
_DEFAULT_PROXY = {"transcript": {"protein"}, "protein": {"transcript"}, "phosphosite": set()}
_OPTIONAL_PROXY = {"activity", "localisation"}
DATA_LEVELS = ("transcript", "protein", "phosphosite")


def readout(level: str, data_level: str, proxy: bool, readout_set: str = "",
            readout_direct: bool = False) -> str:
    """How data measured at ``data_level`` read a claim made at ``level``.

    Returns ``"direct"``, ``"proxy"`` or ``"none"``. Expression claims are read
    directly at their own level and as a labelled proxy at the other expression
    level (mRNA for a protein-expression claim and vice versa); activity and
    localisation claims only with ``proxy=True``; metabolite claims never.
    Phosphosite data read only activity claims that have a kinase ``readout_set``:
    directly when the sites are the claimed kinase's substrates, else as a proxy.
    """
    if data_level not in DATA_LEVELS:
        raise InputError(f"data_level={data_level!r}; use one of {', '.join(DATA_LEVELS)}")
    if data_level == "phosphosite":
        if level == "activity" and readout_set:
            return "direct" if readout_direct else "proxy"
        return "none"
    if level in _DIRECT[data_level]:
        return "direct"
    if level in _DEFAULT_PROXY[data_level]:
        return "proxy"
    if level in _OPTIONAL_PROXY and proxy:
        return "proxy"
    return "none"


@dataclass(frozen=True)
class ClaimsResult:
    """Verdicts on the figure's claims for one data set.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per claim (and contrast), columns :data:`CLAIMS_SCHEMA`.
    members : pandas.DataFrame
        Member view, columns :data:`MEMBERS_SCHEMA` (plus ``contrast``).
    params : Mapping
        Parameters, the seed used, versions of the claims and the library.
    mapping : Mapping
        How the members were matched to the data's identifiers.
    package_version : str
    """

    table: pd.DataFrame
    members: pd.DataFrame
    params: Mapping[str, Any]
    mapping: Mapping[str, Any] = field(default_factory=dict)
    package_version: str = field(default_factory=package_version)
    method: str = "claims"

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))
        object.__setattr__(self, "mapping", MappingProxyType(dict(self.mapping)))

    def __len__(self) -> int:
        return len(self.table)

    def __repr__(self) -> str:
        counts = self.table["verdict"].value_counts().to_dict() if len(self.table) else {}
        return f"ClaimsResult(rows={len(self.table)}, verdicts={counts}, mamsets {self.package_version})"

    def _repr_html_(self) -> str:
        cols = [c for c in ("contrast", "claim_id", "direction", "level", "readout", "n_found",
                            "effect", "effect_low", "effect_high", "padj", "verdict")
                if c in self.table.columns]
        return self.table[cols].to_html(index=False, float_format=lambda v: f"{v:.3g}")

    def metadata(self) -> dict[str, Any]:
        """Everything but the tables, as JSON-ready data."""
        return _jsonable({"method": self.method, "params": dict(self.params),
                          "package_version": self.package_version, "mapping": dict(self.mapping)})

    @staticmethod
    def _joined(df: pd.DataFrame) -> pd.DataFrame:
        return join_tuples(df)

    def to_tsv(self, path: str | os.PathLike[str], *, overwrite: bool = False) -> None:
        """Write the verdict table as TSV (atomically) with a ``#`` JSON metadata header line."""
        import json

        from .._atomic import atomic_write_text

        header = "# " + json.dumps(self.metadata(), sort_keys=True) + "\n"
        body = self._joined(self.table).to_csv(sep="\t", index=False, lineterminator="\n")
        atomic_write_text(path, header + body, overwrite=overwrite)


# ----------------------------------------------------------------------------- inputs
def _as_rankings(data: Any) -> dict[str, pd.Series]:
    """``data`` as {contrast: gene -> score}; one unnamed contrast is keyed ``""``."""
    if isinstance(data, (str, os.PathLike)):
        from ..io.ranking import read_ranking

        data = read_ranking(data)
    if hasattr(data, "contrasts") and hasattr(data, "series"):
        contrasts = list(data.contrasts)
        return {str(c): data.series(c) for c in contrasts}
    if hasattr(data, "scores") and not isinstance(data, (pd.Series, pd.DataFrame)):
        data = data.scores
    if isinstance(data, Mapping) and not isinstance(data, pd.Series):
        data = pd.Series(dict(data), dtype="float64")
    if not isinstance(data, pd.Series):
        raise InputError(
            f"data has type {type(data).__name__}; pass a pandas Series gene -> score, a Ranking "
            "from mamsets.read_ranking, or the path of a DE table"
        )
    return {str(data.name) if data.name is not None else "ranking": data}


def _checked(series: pd.Series, contrast: str) -> pd.Series:
    where = f" (contrast {contrast!r})" if contrast else ""
    s = pd.to_numeric(series, errors="coerce").astype("float64")
    s.index = s.index.map(str)
    bad = s[~np.isfinite(s.to_numpy())]
    if len(bad):
        raise InputError(
            f"ranking{where}: {len(bad)} gene(s) have missing or non-finite scores, e.g. "
            f"{list(bad.index[:5])}; drop them (read_ranking(..., dropna=True)) and count them"
        )
    dup = s.index[s.index.duplicated()].unique()
    if len(dup):
        raise InputError(
            f"ranking{where}: {len(dup)} gene id(s) occur more than once, e.g. {list(dup[:5])}; "
            "resolve duplicates first (read_ranking(..., duplicates='max_abs'))"
        )
    if len(s) < 10:
        raise InputError(f"ranking{where} has {len(s)} genes; a competitive test needs the whole "
                         "ranking (every measured gene), not a short list")
    return s


def _site_subjects(table: pd.DataFrame) -> GeneSetCollection:
    """One set of human substrate sites per claim with a kinase readout set (id = claim_id)."""
    from ..io.kinases import kinase_sets

    kin = kinase_sets()
    sets = [kin[r.readout_set].with_genes(kin[r.readout_set].genes, id=r.claim_id)
            for r in table.itertuples(index=False) if r.readout_set]
    return kin.replace_sets(sets, name="mams_claims_sites")


def _subjects(table: pd.DataFrame, lib: GeneSetCollection, data_level: str = "transcript",
              ) -> GeneSetCollection:
    """One gene set per gene-level claim (id = claim_id), in the library's identifier space."""
    if data_level == "phosphosite":
        return _site_subjects(table)
    sets = []
    for row in table.itertuples(index=False):
        if row.level == "metabolite":
            continue
        gs = lib[row.set_id]
        genes = tuple(row.members) if row.members else gs.genes
        unknown = [g for g in genes if g not in gs.genes]
        if unknown:
            raise InputError(f"claims.toml: claim {row.claim_id} names members {unknown} that are "
                             f"not in {row.set_id}; fix the claims file")
        members = tuple(m for m in gs.members if m.symbol in genes)
        sets.append(gs.with_genes(genes, id=row.claim_id, members=members))
    return lib.replace_sets(sets, name="mams_claims")


# ----------------------------------------------------------------------------- one contrast
@dataclass(frozen=True)
class _Options:
    opposite: bool
    data_level: str
    proxy: bool
    alpha: float
    conf_level: float
    power: float
    n_perm: int
    n_power: int
    species: str | None
    id_type: str | None


def _member_rows(cid: str, direction: str, pairs: list[tuple[str, str]], s: pd.Series,
                 pct: pd.Series, median: float) -> list[dict[str, Any]]:
    rows = []
    sign = 1.0 if direction == "up" else -1.0
    for member, gene in pairs:
        if gene and gene in s.index:
            v = float(s[gene])
            moved = "with" if sign * (v - median) > 0 else ("against" if sign * (v - median) < 0 else "neither")
            rows.append({"claim_id": cid, "member": member, "gene": gene, "score": v,
                         "percentile": float(pct[gene]), "moved": moved})
        else:
            rows.append({"claim_id": cid, "member": member, "gene": "", "score": np.nan,
                         "percentile": np.nan, "moved": "not measured"})
    return rows


def _pairs(report: Any, mapped: GeneSetCollection, cid: str, members: tuple[str, ...]) -> list[tuple[str, str]]:
    """(member, data id) pairs of one claim, a member without a match with ``""``."""
    if report is None:
        return [(g, g) for g in mapped[cid].genes]
    m = report.members
    m = m[m["set_id"] == cid]
    pairs = list(zip(m["member"], m["matched"]))
    return pairs if pairs else [(g, "") for g in members]


def _fmt(v: float) -> str:
    return "unbounded" if not np.isfinite(v) else f"{v:+.3g}"


def _reason(row: dict[str, Any], score_name: str, opt: _Options) -> str:
    v, d = row["verdict"], row["predicted"]
    ci = f"{int(round(opt.conf_level * 100))}% CI {_fmt(row['effect_low'])} to {_fmt(row['effect_high'])}"
    notes = ""
    if opt.opposite:
        notes += f" (contrast opposite to exercise: the claim predicts {d} here)"
    if row["readout"] == "proxy":
        notes += (" (substrate sites of a downstream kinase as a proxy)"
                  if opt.data_level == "phosphosite" else " (member expression as a proxy)")
    if row.get("context"):
        notes += f" (the clause claims it in {row['context']}; check your data are that setting)"
    if v == "supported":
        return (f"members shifted {d} by {_fmt(row['effect'])} {score_name} ({ci}), padj "
                f"{row['padj']:.2g}{notes}")
    if v == "contradicted":
        return (f"members shifted against the prediction ({d}) by {_fmt(row['effect'])} "
                f"{score_name} ({ci}), padj {row['padj']:.2g}{notes}")
    if row["effect_low"] > 0 or row["effect_high"] < 0:
        # the uncorrected interval excludes 0 but BH over the claims does not reach alpha
        return (f"shifted {_fmt(row['effect'])} {score_name} before correction ({ci}, one-sided p "
                f"{row['pval']:.2g}), not significant after Benjamini-Hochberg over the tested "
                f"claims (padj {row['padj']:.2g}){notes}")
    bound = row["effect_high"] if d == "up" else row["effect_low"]
    return (f"no shift detected: {_fmt(row['effect'])} {score_name} ({ci}); a shift {d} beyond "
            f"{_fmt(bound)} is excluded; this test finds a shift of {_fmt(row['detectable_shift'])} "
            f"with {int(opt.power * 100)}% power at {row['n_found']} member(s){notes}")


def _not_testable_reason(level: str, data_level: str, n_found: int, n_members: int) -> str:
    if level == "metabolite":
        return "a lipid level: gene-level data cannot test it (needs lipidomics)"
    if data_level == "phosphosite":
        return (f"a claim about {level} that no kinase readout set reads: phosphosites normalised to "
                "their protein measure neither amounts nor location (test it on protein or "
                "transcript data)")
    if level in _OPTIONAL_PROXY and n_members:
        return (f"a claim about {level}, which {data_level} levels do not measure; pass proxy=True "
                "(--proxy) to test member expression as a labelled proxy")
    return f"no member measured in the data (0 of {n_members})"


def _one_contrast(table: pd.DataFrame, subjects: GeneSetCollection, s: pd.Series, opt: _Options,
                  ss: np.random.SeedSequence, score_name: str) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    mapped, summary, report = to_user_space(subjects, s.index, opt.species, opt.id_type)
    values = s.to_numpy()
    pos = pd.Series(np.arange(len(s)), index=s.index)
    pct = (s.rank(method="average") - 0.5) / len(s) * 100.0
    median = float(np.median(values))
    rng_null, rng_power = (np.random.default_rng(c) for c in ss.spawn(2))
    nulls: dict[int, np.ndarray] = {}
    power_cache: dict[tuple[int, int], float] = {}
    tests: dict[tuple[tuple[str, ...], str], dict[str, Any]] = {}
    rows, member_rows = [], []
    ranks = rankdata(values)  # once per contrast, shared by every claim's test
    order = np.sort(values)
    for c in table.itertuples(index=False):
        pred = c.direction if not opt.opposite else {"up": "down", "down": "up"}[c.direction]
        base = {"claim_id": c.claim_id, "family": "hypothesis", "set_id": c.set_id,
                "subject": c.subject, "direction": c.direction, "predicted": pred,
                "level": c.level, "context": c.context,
                "data_level": opt.data_level,
                "readout": readout(c.level, opt.data_level, opt.proxy, c.readout_set,
                                   c.readout_direct),
                "shared_with": (), "genes": ()}
        if c.level == "metabolite" or c.claim_id not in subjects:
            rows.append({**base, "readout": "none", "n_members": len(c.members), "n_found": 0,
                         "verdict": "not_testable",
                         "reason": _not_testable_reason(c.level, opt.data_level, 0, len(c.members))})
            continue
        genes = tuple(g for g in mapped[c.claim_id].genes if g in pos.index)
        n_members = len(subjects[c.claim_id].genes)
        member_rows += _member_rows(c.claim_id, pred,
                                    _pairs(report, mapped, c.claim_id, subjects[c.claim_id].genes),
                                    s, pct, median)
        base.update(n_members=n_members, n_found=len(genes), genes=genes)
        if base["readout"] == "none" or not genes:
            rows.append({**base, "readout": "none" if not genes else base["readout"],
                         "verdict": "not_testable",
                         "reason": _not_testable_reason(c.level if genes else "", opt.data_level,
                                                        len(genes), n_members)})
            continue
        key = (tuple(sorted(genes)), pred)
        if key not in tests:
            m = len(genes)
            if m >= 2 and m not in nulls:
                nulls[m] = null_rank_sums(ranks, m, opt.n_perm, rng_null)
            rs = rank_shift(values, pos[list(genes)].to_numpy(), n_perm=opt.n_perm, rng=rng_null,
                            alpha=1.0 - opt.conf_level, null_sums=nulls.get(m), ranks=ranks)
            sign = 1 if pred == "up" else -1
            if (m, sign) not in power_cache:
                power_cache[(m, sign)] = sign * detectable_shift(
                    values, m, sign=sign, alpha=opt.alpha, power=opt.power, n_draws=opt.n_power,
                    null_sums=nulls.get(m), rng=rng_power, ranks=ranks, order=order)
            p_claim = rs.pval_up if pred == "up" else rs.pval_down
            tests[key] = {"statistic": rs.auc, "pval": p_claim,
                          "pval_two_sided": min(1.0, 2.0 * min(rs.pval_up, rs.pval_down)),
                          "effect": rs.shift, "effect_low": rs.shift_low, "effect_high": rs.shift_high,
                          "detectable_shift": power_cache[(m, sign)], "claims": []}
        tests[key]["claims"].append(c.claim_id)
        rows.append({**base, **{k: v for k, v in tests[key].items() if k != "claims"}, "_key": key})
    # BH over distinct tests, then verdicts
    keys = list(tests)
    if keys:
        padj = false_discovery_control([tests[k]["pval_two_sided"] for k in keys], method="bh")
        for k, q in zip(keys, padj):
            tests[k]["padj"] = float(q)
    for row in rows:
        key = row.pop("_key", None)
        if key is None:
            continue
        t = tests[key]
        row["padj"] = t["padj"]
        row["shared_with"] = tuple(x for x in t["claims"] if x != row["claim_id"])
        claimed = row["effect"] > 0 if row["predicted"] == "up" else row["effect"] < 0
        against = row["effect"] < 0 if row["predicted"] == "up" else row["effect"] > 0
        if row["padj"] < opt.alpha and claimed:
            row["verdict"] = "supported"
        elif row["padj"] < opt.alpha and against:
            row["verdict"] = "contradicted"
        else:
            row["verdict"] = "inconclusive"
        row["reason"] = _reason(row, score_name, opt)
    out = pd.DataFrame(rows)
    for col, dtype in CLAIMS_SCHEMA.items():
        if col not in out.columns:
            out[col] = np.nan if dtype == "float64" else ""
        elif dtype == "float64":
            out[col] = out[col].astype("float64")
    for col in ("n_members", "n_found"):
        out[col] = out[col].fillna(0).astype("int64")
    info = {"mapping": summary, "n_genes": int(len(s)), "n_tests": len(keys)}
    return (conform_table(out, CLAIMS_SCHEMA),
            conform_table(pd.DataFrame(member_rows, columns=list(MEMBERS_SCHEMA)), MEMBERS_SCHEMA)
            if member_rows else conform_table(pd.DataFrame(columns=list(MEMBERS_SCHEMA)), MEMBERS_SCHEMA),
            info)


def _check_options(data_level: str, proxy: bool, alpha: float, conf_level: float, power: float,
                   n_perm: int, n_power: int, species: str | None, id_type: str | None,
                   contrast_is: str) -> _Options:
    """The checked options of :func:`claims` (errors name the parameter and the fix)."""
    for name, v in (("alpha", alpha), ("conf_level", conf_level), ("power", power)):
        if not (isinstance(v, (int, float)) and 0.0 < float(v) < 1.0):
            raise InputError(f"{name}={v!r}; pass a number between 0 and 1")
    for name, v, low in (("n_perm", n_perm, 99), ("n_power", n_power, 100)):
        if not isinstance(v, (int, np.integer)) or isinstance(v, bool) or v < low:
            raise InputError(f"{name}={v!r}; pass an integer >= {low}")
    readout("transcript", data_level, proxy)  # validates data_level
    if contrast_is not in ("exercise", "opposite"):
        raise InputError(f"contrast_is={contrast_is!r}; use 'exercise' (scores higher with "
                         "exercise) or 'opposite' (e.g. inactivity vs before)")
    return _Options(contrast_is == "opposite", data_level, bool(proxy), float(alpha),
                    float(conf_level), float(power), int(n_perm), int(n_power), species, id_type)


def _params(opt: _Options, seed: int | None, score_name: str, contrast_is: str,
            lib: GeneSetCollection, infos: dict[str, Any]) -> dict[str, Any]:
    """What made the result: options, seed, versions and checksums."""
    return {
        "data_level": opt.data_level, "proxy": opt.proxy, "alpha": opt.alpha,
        "conf_level": opt.conf_level, "power": opt.power, "n_perm": opt.n_perm,
        "n_power": opt.n_power, "seed": seed, "score_name": score_name,
        "contrast_is": contrast_is,
        "seed_derivation": "contrast i uses SeedSequence(seed).spawn(n_contrasts)[i]",
        "claims_version": claims_version(), "library_version": library_version(),
        "library_sha256": lib.sha256, "test": "competitive rank test (Wilcoxon-Mann-Whitney) "
        "of members vs all other genes, permutation p-values, Hodges-Lehmann shift",
        "padj_scope": "BH over the distinct tested claims within each contrast",
        "n_genes": {k: v["n_genes"] for k, v in infos.items()},
    }


# ----------------------------------------------------------------------------- public entry
def claims(
    data: Any,
    *,
    data_level: DataLevel | None = None,
    proxy: bool = False,
    alpha: float = 0.05,
    conf_level: float = 0.95,
    power: float = 0.8,
    n_perm: int = 100_000,
    n_power: int = 2_000,
    rng: RngLike = None,
    species: str | None = None,
    id_type: str | None = None,
    score_name: str | None = None,
    contrast_is: Literal["exercise", "opposite"] = "exercise",
) -> ClaimsResult:
    """Test each of the figure's directional claims on the user's ranking.

    Parameters
    ----------
    data : pandas.Series, Ranking or path
        Gene -> score (higher = more up in the exercised/treated group), a
        :class:`~mamsets.io.ranking.Ranking` (each contrast is tested on its own), or
        the path of a DE table (read with :func:`mamsets.read_ranking` defaults).
        Every measured gene belongs in it: the test compares members with the rest.
    data_level : {"transcript", "protein", "phosphosite"}, optional
        What the scores measure; decides which claims are read directly, which as a
        proxy, which not at all (:func:`readout`). Default: the Ranking's ``level``
        (detected by :func:`mamsets.read_ranking` from the table), else transcript.
        Phosphosite data must be keyed by human site ids (``Q13085_S80``;
        :func:`mamsets.read_sites` with a site map gives that); activity claims are
        then read from the curated kinase substrate sites (:func:`mamsets.kinase_readouts`).
    proxy : bool
        Also test activity and localisation claims on member expression, labelled
        ``readout="proxy"`` (an active kinase need not be more abundant).
    alpha : float
        Verdict threshold on ``padj`` (two-sided BH), and the test level of
        ``detectable_shift``.
    conf_level : float
        Coverage of ``effect_low``/``effect_high``.
    power : float
        Power at which ``detectable_shift`` is computed.
    n_perm : int
        Random member sets for the permutation p-values (smallest p ``1/(n_perm+1)``;
        one-member claims use the exact tail).
    n_power : int
        Random member sets for ``detectable_shift``.
    rng : int, Generator, SeedSequence or None
        Seed; recorded in ``params["seed"]``; contrasts get seeds derived from it.
    species, id_type : str, optional
        The data's identifier space when detection should not decide.
    score_name : str, optional
        Name of the score's units for the reason lines (default: the Ranking's
        ``score_name`` or ``"score"``).
    contrast_is : {"exercise", "opposite"}
        The claims are about what exercise does. ``"exercise"``: positive scores mean
        higher with exercise (trained vs sedentary). ``"opposite"``: the contrast runs
        the other way (inactivity or bed rest vs before, sedentary vs trained), so each
        claim predicts the opposite sign here: the ``predicted`` column flips, the data
        keep their own sign (``effect`` and the member scores are as in the input), and
        every reason line says so.

    Returns
    -------
    ClaimsResult
        ``table`` (:data:`CLAIMS_SCHEMA`, leading ``contrast`` for several contrasts)
        and ``members`` (:data:`MEMBERS_SCHEMA`).

    Notes
    -----
    For a claim with ``m`` measured members among ``N`` genes, the statistic is the
    Mann-Whitney ``AUC = U / (m (N - m))``. ``pval`` is the one-sided permutation
    p-value of the members' rank sum in the claimed direction,
    ``(k + 1) / (n_perm + 1)`` over random member sets drawn without replacement (the
    exact tail for ``m = 1``). ``padj`` is Benjamini-Hochberg over the two-sided
    p-values ``min(1, 2 min(p_up, p_down))`` of the distinct tests of a contrast
    (claims with identical genes and direction share one test, ``shared_with``);
    metabolite and not-testable claims are not counted. ``effect`` is the
    Hodges-Lehmann shift ``median(x_i - y_j)`` over member scores ``x`` and other
    scores ``y``; its interval inverts the same rank test. ``detectable_shift`` is the
    smallest shift of ``m`` random genes (signed like the claim) that the two-sided
    test at ``alpha`` detects with probability ``power``, before multiplicity
    correction.

    References
    ----------
    .. [1] Wu D, Smyth GK (2012). Nucleic Acids Res 40:e133. doi:10.1093/nar/gks461
    .. [2] Hodges JL, Lehmann EL (1963). Ann Math Stat 34:598-611.
    """
    if data_level is None:
        data_level = getattr(data, "level", None) or "transcript"
    opt = _check_options(data_level, proxy, alpha, conf_level, power, n_perm, n_power,
                         species, id_type, contrast_is)
    if score_name is None:
        score_name = (getattr(data, "score_name", None)
                      or (str(data.name) if isinstance(data, pd.Series) and data.name is not None
                          else "score"))
    rankings = _as_rankings(data)
    table = figure_claims()
    lib = library(include_raw=False)
    subjects = _subjects(table, lib, opt.data_level)
    ss, seed = resolve_seed(rng)
    children = ss.spawn(len(rankings))
    tables, members, infos = [], [], {}
    for (contrast, series), child in zip(rankings.items(), children):
        t, m, info = _one_contrast(table, subjects, _checked(series, contrast), opt, child, score_name)
        t["contrast"] = contrast
        m["contrast"] = contrast
        tables.append(t)
        members.append(m)
        infos[contrast] = info
    params = _params(opt, seed, score_name, contrast_is, lib, infos)
    first = next(iter(infos.values()))
    return ClaimsResult(table=pd.concat(tables, ignore_index=True),
                        members=pd.concat(members, ignore_index=True), params=params,
                        mapping=first["mapping"])
