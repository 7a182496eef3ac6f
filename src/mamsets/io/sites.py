"""Phosphosite tables: parse site ids, map them to human sites, rank sites per contrast.

A phosphoproteomics results table (MoTrPAC, limma, MSstatsPTM, Perseus exports) is a
differential-expression table whose features are *sites*: a protein, a residue
(S, T or Y) and a position, sometimes several positions on one peptide. This module

- parses site ids (:func:`parse_site_ids`) in the forms seen in practice:
  ``NP_001001512.2_S228`` (MoTrPAC: RefSeq protein, ``_``, residue + position),
  ``NP_001001514.1_S273;T276`` (multi-site peptide, positions joined by ``;``),
  ``P78347_S228`` / ``P10636-8_Y310`` (UniProt, with an isoform suffix),
  ``ACACA_S80`` (gene symbol) and the KSEA form ``P46937-Y407`` (hyphen);
- maps rat or mouse sites to human sites through a site map given by the user
  (:func:`read_site_map`; MoTrPAC's ``RAT_TO_HUMAN_SITE``);
- reads a site table into a :class:`SiteRanking` (:func:`read_sites`), a
  :class:`~mamsets.io.ranking.Ranking` whose index is single site ids, so
  ``ms.gsea`` and the kinase scores run on it as on a gene ranking.

Nothing drops out silently: every id that was not kept is in ``SiteRanking.dropped``
with the reason and the fix, and ``SiteRanking.mapping`` counts what happened per
contrast.
"""

from __future__ import annotations

import dataclasses
import os
import re
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..errors import DroppedInputWarning, IdentifierError, InputError, MamsetsError, MamsetsWarning
from .ranking import Ranking, read_ranking
from .ranking._sniff import sniff_table

__all__ = [
    "COLLAPSE_RULE",
    "DROPPED_COLUMNS",
    "MAPPING_COLUMNS",
    "SITE_COLUMNS",
    "SiteIdError",
    "SiteRanking",
    "SiteSpaceWarning",
    "parse_site_ids",
    "read_site_map",
    "read_sites",
]

#: Columns of :func:`parse_site_ids`, in order (one row per single site).
SITE_COLUMNS: tuple[str, ...] = (
    "row", "source_id", "site_id", "protein", "isoform", "residue", "position",
    "protein_type", "multi", "n_sites", "site_index", "problem",
)
#: Columns of :attr:`SiteRanking.mapping`, one row per contrast.
MAPPING_COLUMNS: tuple[str, ...] = (
    "contrast", "n_rows", "n_multi", "n_malformed", "n_not_in_map", "n_unmapped", "n_mapped",
    "n_split_sites", "n_collapsed", "n_sites",
)
#: Columns of :attr:`SiteRanking.dropped`, one row per dropped input id.
DROPPED_COLUMNS: tuple[str, ...] = ("row", "source_id", "reason", "fix")

#: How several input peptides that land on one site are resolved.
COLLAPSE_RULE = (
    "several input rows on one site (multi-site peptides split into single sites, or several "
    "rat sites mapped onto one human site): the row with the largest |score| is kept (ties: the "
    "first in input order), as the MoTrPAC authors did before KSEA"
)

_RESIDUES = frozenset("STY")
_TOKEN = re.compile(r"^([A-Za-z]?)(\d*)$")
_REFSEQ = re.compile(r"^[ANXYW]P_\d+(?:\.\d+)?$")
_UNIPROT = re.compile(
    r"^(?:[OPQ][0-9][A-Z0-9]{3}[0-9]|[A-NR-Z][0-9](?:[A-Z][A-Z0-9]{2}[0-9]){1,2})(?:-(\d+))?$"
)
_HYPHEN = re.compile(r"^(.+)-([A-Za-z]\d*(?:;[A-Za-z]?\d*)*)$")
_SITE_COLUMN_NAMES = (
    "siteid", "site", "ptmid", "phosphosite", "psite", "featurename", "featureid", "feature",
    "id", "name",
)
_MAP_COLUMNS = ("ptm_id_rat_refseq", "ptm_id_human_uniprot")


class SiteIdError(MamsetsError, ValueError):
    """Site ids cannot be parsed (no residue, no position, not S/T/Y); names file, row and id."""


class SiteSpaceWarning(MamsetsWarning):
    """Site ids are not in the human UniProt space the bundled kinase sets use."""


# --------------------------------------------------------------------------- parsing
def _protein_type(protein: str) -> tuple[str, str]:
    """``(type, isoform)`` of a protein id: refseq, uniprot (with isoform) or symbol."""
    if _REFSEQ.match(protein):
        return "refseq", ""
    m = _UNIPROT.match(protein)
    if m:
        return "uniprot", m.group(1) or ""
    return "symbol", ""


def _split_id(raw: str) -> tuple[str, str]:
    """``(protein, sites)`` of one id: split at the last ``_``, else at the last hyphen (KSEA form)."""
    if "_" in raw:
        protein, _, sites = raw.rpartition("_")
        return protein, sites
    m = _HYPHEN.match(raw)
    if m:
        return m.group(1), m.group(2)
    return raw, ""


def _parse_one(raw: object) -> tuple[str, list[tuple[str, int]], str]:
    """``(protein, [(residue, position)], problem)``; problem is ``""`` when the id is good."""
    if raw is None or (isinstance(raw, float) and np.isnan(raw)):
        return "", [], "missing id"
    text = str(raw).strip()
    if not text:
        return "", [], "empty id"
    protein, sites = _split_id(text)
    if not protein or not sites:
        return "", [], ("no '_<residue><position>' part (expected e.g. NP_001001512.2_S228 "
                        "or P78347_S228)")
    out: list[tuple[str, int]] = []
    residue = ""
    for token in sites.split(";"):
        m = _TOKEN.match(token.strip())
        if not m:
            return protein, [], f"site {token!r} is not <residue><position> (e.g. S228)"
        letter, digits = m.group(1).upper(), m.group(2)
        residue = letter or residue  # 'S273;276': a bare number repeats the residue before it
        if not residue:
            return protein, [], f"site {token!r} has no residue letter"
        if residue not in _RESIDUES:
            return protein, [], f"residue {residue!r} is not a phosphosite residue (S, T or Y)"
        if not digits:
            return protein, [], f"site {token!r} has no position"
        if int(digits) < 1:
            return protein, [], f"site {token!r}: position must be >= 1"
        out.append((residue, int(digits)))
    return protein, out, ""


def parse_site_ids(
    ids: Iterable[object], *, errors: Literal["raise", "report"] = "raise", source: str = "<ids>"
) -> pd.DataFrame:
    """Parse phosphosite ids into one row per single site.

    Parameters
    ----------
    ids : iterable
        Site ids such as ``NP_001001512.2_S228``, ``NP_001001514.1_S273;T276``,
        ``P78347_S228``, ``P10636-8_Y310``, ``ACACA_S80`` or ``P46937-Y407``.
    errors : {"raise", "report"}
        ``"raise"`` (default): a malformed id raises :class:`SiteIdError` naming the
        row and the id; ``"report"``: it gives one row with ``problem`` set and empty
        site fields.
    source : str
        Name used in error messages (a file name).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SITE_COLUMNS`: ``row`` (0-based position in ``ids``),
        ``source_id`` (the id as given), ``site_id`` (normalised single site,
        ``<protein>_<residue><position>``; the isoform suffix is kept: isoform
        positions differ), ``protein``, ``isoform`` (UniProt isoform number or ``""``),
        ``residue`` (S/T/Y), ``position`` (nullable Int64), ``protein_type``
        (``refseq``, ``uniprot`` or ``symbol``), ``multi`` (the id names several
        sites), ``n_sites``, ``site_index`` (1-based within the id), ``problem``
        (``""`` when parsed).

    Examples
    --------
    >>> t = parse_site_ids(["NP_001001514.1_S273;T276", "P10636-8_Y310"])
    >>> t[["site_id", "residue", "position", "multi"]].values.tolist()
    [['NP_001001514.1_S273', 'S', 273, True], ['NP_001001514.1_T276', 'T', 276, True], ['P10636-8_Y310', 'Y', 310, False]]
    """
    if errors not in ("raise", "report"):
        raise InputError(f"errors={errors!r}: choose 'raise' or 'report'")
    rows: list[tuple[Any, ...]] = []
    bad: list[str] = []
    for i, raw in enumerate(ids):
        protein, sites, problem = _parse_one(raw)
        given = "" if raw is None else str(raw)
        if problem:
            bad.append(f"row {i + 1}: {given!r}: {problem}")
            rows.append((i, given, "", protein, "", "", pd.NA, "", False, 0, 0, problem))
            continue
        ptype, isoform = _protein_type(protein)
        for k, (res, pos) in enumerate(sites, start=1):
            rows.append((i, given, f"{protein}_{res}{pos}", protein, isoform, res, pos, ptype,
                         len(sites) > 1, len(sites), k, ""))
    if bad and errors == "raise":
        raise SiteIdError(
            f"{source}: {len(bad)} malformed site id(s): {'; '.join(bad[:5])}"
            f"{' ...' if len(bad) > 5 else ''}. Site ids are <protein>_<residue><position> "
            "with residue S, T or Y (e.g. NP_001001512.2_S228, P78347_S228, ACACA_S80); fix "
            "the ids or pass errors='report' (read_sites: on_malformed='drop') to drop them"
        )
    table = pd.DataFrame(rows, columns=list(SITE_COLUMNS))
    table["position"] = table["position"].astype("Int64")
    return table.astype({"row": "int64", "multi": bool, "n_sites": "int64", "site_index": "int64"})


# --------------------------------------------------------------------------- site map
def read_site_map(
    site_map: str | os.PathLike[str] | pd.DataFrame | Mapping[str, str],
    *,
    from_column: str | None = None,
    to_column: str | None = None,
) -> Mapping[str, str]:
    """Read a site map (species site id -> human site id) into a read-only mapping.

    Parameters
    ----------
    site_map : path, DataFrame or mapping
        A TSV/CSV (optionally gzipped) or DataFrame with a source and a target
        column, or a mapping. By default the columns are MoTrPAC's
        ``ptm_id_rat_refseq`` -> ``ptm_id_human_uniprot`` when present, else the
        first two columns. An empty target means "no human site" (kept as ``""``).
    from_column, to_column : str, optional
        The source and target columns, overriding the default.

    Raises
    ------
    InputError
        Missing columns, or one source id mapped to two different targets.
    """
    if isinstance(site_map, Mapping):
        return MappingProxyType({str(k): ("" if v is None else str(v)) for k, v in site_map.items()})
    if isinstance(site_map, pd.DataFrame):
        df, where = site_map, "<DataFrame>"
    else:
        where = str(site_map)
        p = Path(site_map)
        if not p.is_file():
            raise FileNotFoundError(f"site_map={where!r}: no such file")
        sep = "," if p.name.removesuffix(".gz").endswith(".csv") else "\t"
        df = pd.read_csv(p, sep=sep, dtype=str, keep_default_na=False, na_values=[])
    cols = [str(c) for c in df.columns]
    if from_column is None and to_column is None and all(c in cols for c in _MAP_COLUMNS):
        from_column, to_column = _MAP_COLUMNS
    if from_column is None or to_column is None:
        if len(cols) < 2:
            raise InputError(f"site_map {where}: needs two columns (site id, human site id); got {cols}")
        from_column, to_column = from_column or cols[0], to_column or cols[1]
    missing = [c for c in (from_column, to_column) if c not in cols]
    if missing:
        raise InputError(f"site_map {where}: no column(s) {missing}; columns are {cols}")
    src = df[from_column].astype(str).str.strip()
    dst = df[to_column].fillna("").astype(str).str.strip()
    pairs = pd.DataFrame({"src": src, "dst": dst}).drop_duplicates()
    clash = pairs["src"][pairs["src"].duplicated()]
    if len(clash):
        raise InputError(
            f"site_map {where}: {clash.nunique()} source id(s) map to more than one target, e.g. "
            f"{list(clash.unique()[:3])}; keep one row per source site"
        )
    return MappingProxyType(dict(zip(pairs["src"], pairs["dst"], strict=True)))


# --------------------------------------------------------------------------- the result type
@dataclass(frozen=True)
class SiteRanking(Ranking):
    """A :class:`~mamsets.io.ranking.Ranking` of single phosphosites, with how it was made.

    Every Ranking method works (``series``, ``select``, ``items``, ``write_rnk``,
    ``gene_lists``); the index of each contrast's table is a single site id
    (``P78347_S228``; index name ``site``) and the table has, beside ``score`` (and
    ``lfc``, ``pval``, ``padj`` when the input had them), ``source_id`` (the input
    row kept for the site), ``multi`` (that row was a multi-site peptide) and
    ``n_sources`` (input rows that landed on the site).

    Attributes
    ----------
    site_column : str
        Column the site ids came from.
    site_map : str
        Where the site map came from (``""`` when ids were used as given).
    split_multi : bool
        Multi-site ids were split into single sites (each keeps the peptide's score).
    collapse_rule : str
        :data:`COLLAPSE_RULE`.
    mapping : pandas.DataFrame
        One row per contrast, columns :data:`MAPPING_COLUMNS`.
    dropped : pandas.DataFrame
        One row per input id that was not kept, columns :data:`DROPPED_COLUMNS`
        (``row`` is the 1-based data row of its first occurrence in the table).
    """

    site_column: str = ""
    site_map: str = ""
    split_multi: bool = True
    collapse_rule: str = COLLAPSE_RULE
    mapping: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(MAPPING_COLUMNS)))
    dropped: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(DROPPED_COLUMNS)))

    @property
    def sites(self) -> tuple[str, ...]:
        """Union of the site ids of all contrasts (same as :attr:`genes`)."""
        return self.genes

    def mapping_summary(self) -> str:
        """A few lines: what was read, mapped, split, collapsed and dropped, per contrast."""
        lines = [(f"sites from {self.source} (column {self.site_column}); "
                  f"map: {self.site_map or 'none (ids as given)'}"), self.collapse_rule]
        for r in self.mapping.itertuples(index=False):
            lines.append(
                f"  {r.contrast}: {r.n_rows} rows ({r.n_multi} multi-site) -> {r.n_mapped} mapped, "
                f"{r.n_unmapped} without a human site, {r.n_not_in_map} not in the map, "
                f"{r.n_malformed} malformed; {r.n_split_sites} sites from splitting, "
                f"{r.n_collapsed} collapsed -> {r.n_sites} sites"
            )
        return "\n".join(lines)

    def metadata(self) -> dict[str, Any]:
        """JSON-ready description: the Ranking's plus the site mapping report."""
        meta = super().metadata()
        meta.update(
            level="phosphosite",
            site_column=self.site_column,
            site_map=self.site_map,
            split_multi=self.split_multi,
            collapse_rule=self.collapse_rule,
            mapping=[{k: (v if isinstance(v, str) else int(v)) for k, v in row.items()}
                     for row in self.mapping.to_dict(orient="records")],
            n_dropped_ids=len(self.dropped),
        )
        return meta

    def __repr__(self) -> str:
        return "Site" + super().__repr__()


# --------------------------------------------------------------------------- reading
def _norm(name: str) -> str:
    return re.sub(r"[._\s-]", "", str(name)).lower()


def _parse_rate(values: pd.Series) -> float:
    sample = values.dropna().astype(str).head(200)
    if sample.empty:
        return 0.0
    return float(np.mean([not _parse_one(v)[2] for v in sample]))


def _find_site_column(df: pd.DataFrame, source: str) -> str:
    """The named column (see :data:`_SITE_COLUMN_NAMES`) or text column whose values parse as sites."""
    by_norm = {_norm(c): c for c in reversed(list(df.columns))}
    for name in _SITE_COLUMN_NAMES:
        col = by_norm.get(name)
        if col is not None and _parse_rate(df[col]) >= 0.5:
            return str(col)
    for col in df.columns:
        if df[col].dtype == object and _parse_rate(df[col]) >= 0.9:
            return str(col)
    raise InputError(
        f"{source}: no column of phosphosite ids found (looked for {list(_SITE_COLUMN_NAMES)} "
        f"and any text column of ids like NP_001001512.2_S228 / P78347_S228); columns are "
        f"{[str(c) for c in df.columns][:20]}: pass site_column="
    )


def _targets(
    ids: list[str], site_map: Mapping[str, str] | None, split_multi: bool
) -> tuple[dict[str, list[str]], dict[str, tuple[str, str]], dict[str, bool]]:
    """Per input id: the single (or whole) target site ids, or why it was dropped; and its multi flag."""
    parsed = parse_site_ids(ids, errors="report")
    targets: dict[str, list[str]] = {}
    drops: dict[str, tuple[str, str]] = {}
    multi = dict(zip(parsed["source_id"], parsed["multi"], strict=True))
    problems = parsed.loc[parsed["problem"] != "", ["source_id", "problem"]]
    for sid, problem in problems.itertuples(index=False):
        drops[sid] = (f"malformed: {problem}",
                      "write the id as <protein>_<residue><position>, e.g. NP_001001512.2_S228")
    good = parsed[parsed["problem"] == ""]
    if site_map is None:
        for sid, grp in good.groupby("source_id", sort=False):
            targets[str(sid)] = (list(grp["site_id"]) if split_multi
                                 else [f"{grp['protein'].iloc[0]}_" + ";".join(
                                     f"{r}{p}" for r, p in zip(grp["residue"], grp["position"],
                                                               strict=True))])
        return targets, drops, multi
    for sid in dict.fromkeys(good["source_id"]):
        human = site_map.get(sid, site_map.get(sid.strip()))
        if human is None:
            drops[sid] = ("not in the site map",
                          "use a site map for this species and protein id type, or map it yourself")
            continue
        if not human:
            drops[sid] = ("no human site (empty in the site map)",
                          "nothing to do: the site has no aligned human site")
            continue
        hp, hsites, hproblem = _parse_one(human)
        if hproblem:
            drops[sid] = (f"site map target {human!r} is malformed: {hproblem}", "fix the site map")
            continue
        targets[sid] = ([f"{hp}_{r}{p}" for r, p in hsites] if split_multi
                        else [f"{hp}_" + ";".join(f"{r}{p}" for r, p in hsites)])
    return targets, drops, multi


def _collapse(
    t: pd.DataFrame, targets: Mapping[str, list[str]], multi: Mapping[str, bool]
) -> tuple[pd.DataFrame, int, int]:
    """Expand one contrast's rows to their target sites, keep the largest |score| per site.

    Returns the site table (sorted by score decreasing, stable), the number of site
    rows made from multi-site ids, and the number of rows collapsed away.
    """
    base = t.copy()
    base.index = base.index.astype(str)
    base.index.name = "source_id"
    base = base.reset_index()
    base = base[base["source_id"].isin(targets)]
    base["_order"] = np.arange(len(base))
    expand = pd.DataFrame(
        [(s, site) for s in base["source_id"] for site in targets[s]],
        columns=["source_id", "site"],
    )
    long = base.merge(expand, on="source_id", how="inner", sort=False)
    long["multi"] = long["source_id"].map(multi).astype(bool)
    n_split = int(long["multi"].sum())
    long["n_sources"] = long.groupby("site")["source_id"].transform("size").astype("int64")
    long["_abs"] = long["score"].abs()
    long = long.sort_values(["_abs", "_order"], ascending=[False, True], kind="mergesort")
    kept = long.drop_duplicates("site", keep="first")
    n_collapsed = len(long) - len(kept)
    kept = kept.sort_values(["score", "_order"], ascending=[False, True], kind="mergesort")
    value_cols = [c for c in t.columns if c != "source_id"]
    out = kept.set_index("site")[[*value_cols, "source_id", "multi", "n_sources"]]
    out.index.name = "site"
    return out, n_split, n_collapsed


def _check_space(
    ids: list[str], targets: Mapping[str, list[str]], site_map: Mapping[str, str] | None,
    species: str | None, source: str,
) -> None:
    """Refuse a map that matches nothing or rat/mouse sites without a map; warn on RefSeq ids."""
    if site_map is not None:
        if ids and not any(i in site_map for i in ids):
            raise IdentifierError(
                f"{source}: none of the {len(ids)} site ids is in the site map (ids look like "
                f"{ids[:2]}, map keys like {list(site_map)[:2]}); check the species and protein "
                "id type of the map, or pass site_map=None to keep the ids as they are"
            )
        return
    if species in ("rat", "mouse"):
        raise IdentifierError(
            f"{source}: species={species!r} sites have no human position without a site map; pass "
            "site_map= (e.g. MoTrPAC's RAT_TO_HUMAN_SITE.tsv.gz for rat) or species=None to keep "
            "the ids as given"
        )
    proteins = [s.rpartition("_")[0] for v in targets.values() for s in v[:1]]
    n_refseq = sum(bool(_REFSEQ.match(p)) for p in proteins)
    if proteins and n_refseq > len(proteins) / 2:
        warnings.warn(
            f"{source}: {n_refseq} of {len(proteins)} site ids are on RefSeq proteins and no "
            "site_map was given; the bundled kinase sets are human UniProt sites (P78347_S228), "
            "so they will match nothing: pass site_map= to map them to human sites",
            SiteSpaceWarning, stacklevel=3,
        )


def _first_rows(df: pd.DataFrame, column: str) -> dict[str, int]:
    """Input id -> 1-based data row of its first occurrence."""
    values = df[column].astype(str).str.strip().to_numpy()
    first: dict[str, int] = {}
    for i, v in enumerate(values, start=1):
        first.setdefault(v, i)
    return first


def read_sites(
    path_or_frame: str | os.PathLike[str] | pd.DataFrame | pd.Series | Mapping[str, float],
    *,
    site_column: str | None = None,
    score: str | None = None,
    contrast_column: str | None = None,
    site_map: str | os.PathLike[str] | pd.DataFrame | Mapping[str, str] | None = None,
    species: Literal["human", "mouse", "rat"] | None = None,
    split_multi: bool = True,
    on_malformed: Literal["raise", "drop"] = "raise",
    dropna: bool = False,
    duplicates: Literal["error", "max_abs", "mean", "first"] = "error",
    name: str | None = None,
) -> SiteRanking:
    """Read a phosphosite results table into a ranking of single (human) sites per contrast.

    Parameters
    ----------
    path_or_frame : path, DataFrame, Series or mapping
        A site-level DE table (CSV/TSV, optionally gzipped, or a DataFrame), or a
        Series / mapping site id -> score. Score, fold change, p-value and contrast
        columns are recognised as by :func:`~mamsets.io.ranking.read_ranking`
        (MoTrPAC's unrounded ``z`` before its rounded ``t``).
    site_column : str, optional
        Column of site ids. By default the first column named ``site_id, site,
        ptm_id, phosphosite, psite, featureName, feature_ID, feature, id, name``
        (ignoring case, dots, underscores) whose values parse as site ids, else the
        first text column whose values do.
    score, contrast_column : str, optional
        As in :func:`~mamsets.io.ranking.read_ranking`.
    site_map : path, DataFrame or mapping, optional
        Species site id -> human site id (:func:`read_site_map`; MoTrPAC's
        ``RAT_TO_HUMAN_SITE.tsv.gz``). Ids absent from the map, or mapped to an
        empty target, are dropped and listed in ``dropped``.
    species : {"human", "mouse", "rat"}, optional
        The species of the ids; ``"rat"``/``"mouse"`` without ``site_map`` is an error
        (their positions are not human positions).
    split_multi : bool
        Split multi-site ids (``S273;T276``) into single sites, each with the
        peptide's score (default). With ``False`` a multi-site id stays one feature.
    on_malformed : {"raise", "drop"}
        A malformed id (no residue, no position, residue not S/T/Y) raises
        :class:`SiteIdError` naming the file, row and id (default), or is dropped
        and listed in ``dropped``.
    dropna : bool
        Rows with a missing id or score are an error by default; dropped and counted
        with ``True``.
    duplicates : {"error", "max_abs", "mean", "first"}
        An input id listed more than once in a contrast, as in
        :func:`~mamsets.io.ranking.read_ranking` (default: an error naming the id).
    name : str, optional
        Contrast name of a table without a contrast column.

    Returns
    -------
    SiteRanking
        A :class:`~mamsets.io.ranking.Ranking` indexed by site id, with the mapping
        report (``mapping``, ``dropped``, :meth:`SiteRanking.mapping_summary`).

    Raises
    ------
    SiteIdError
        Malformed ids with ``on_malformed="raise"``.
    IdentifierError
        A site map that matches none of the ids, or rat/mouse ids without a map.
    InputError
        No site column, or any error of :func:`~mamsets.io.ranking.read_ranking`.

    Warns
    -----
    DroppedInputWarning
        When ids were dropped (malformed with ``on_malformed="drop"``, not in the map,
        or without a human site).
    SiteSpaceWarning
        RefSeq site ids without a site map (the bundled kinase sets are UniProt sites).

    Notes
    -----
    Order of operations (the MoTrPAC authors' before their KSEA): each input id is
    looked up in the site map as a whole (a multi-site rat peptide maps to a
    multi-site human id), the human id is split into single sites, each single site
    keeps the peptide's score, and then :data:`COLLAPSE_RULE`: when several rows land
    on one site within a contrast, the row with the largest ``|score|`` is kept.
    Contrasts are processed separately, so a contrast keeps only the sites it
    measured (MoTrPAC's female and male contrasts hold different sites).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"site": ["P1_S10;T12", "P1_S10", "P2_Y5"], "t": [2.0, -3.0, 1.0]})
    >>> r = read_sites(df)
    >>> r.series().to_dict()
    {'P1_T12': 2.0, 'P2_Y5': 1.0, 'P1_S10': -3.0}
    """
    if on_malformed not in ("raise", "drop"):
        raise InputError(f"on_malformed={on_malformed!r}: choose 'raise' or 'drop'")
    if species not in (None, "human", "mouse", "rat"):
        raise InputError(f"species={species!r}: choose 'human', 'mouse', 'rat' or None")
    raw = sniff_table(path_or_frame, site_column)
    if isinstance(path_or_frame, (pd.Series, Mapping)):
        column = raw.gene_column or "<index>"
    else:
        column = site_column or _find_site_column(raw.df, raw.source)
    ranking = read_ranking(
        raw.df, gene_column=column, score=score, contrast_column=contrast_column,
        duplicates=duplicates, dropna=dropna, name=name or raw.default_name or "ranking",
    )
    ids = list(dict.fromkeys(str(i) for t in ranking.tables.values() for i in t.index))
    smap = None if site_map is None else read_site_map(site_map)
    targets, drops, multi = _targets(ids, smap, split_multi)
    malformed = [i for i, (reason, _) in drops.items() if reason.startswith("malformed")]
    first = _first_rows(raw.df.reset_index(), column if column in raw.df.columns else "index")
    if malformed and on_malformed == "raise":
        shown = "; ".join(f"row {first.get(i, '?')}: {i!r}: {drops[i][0].removeprefix('malformed: ')}"
                          for i in malformed[:5])
        raise SiteIdError(
            f"{raw.source}: {len(malformed)} malformed site id(s) in column {column!r}: {shown}"
            f"{' ...' if len(malformed) > 5 else ''}. Site ids are <protein>_<residue><position>, "
            "residue S, T or Y (NP_001001512.2_S228, P78347_S228); fix them or pass "
            "on_malformed='drop' to drop and list them"
        )
    _check_space([i for i in ids if i not in malformed], targets, smap, species, raw.source)
    tables: dict[str, pd.DataFrame] = {}
    report: list[tuple[Any, ...]] = []
    for contrast, t in ranking.tables.items():
        site_table, n_split, n_collapsed = _collapse(t, targets, multi)
        tables[contrast] = site_table
        reasons = pd.Series([drops[i][0] if i in drops else "" for i in t.index.astype(str)],
                            dtype=object)
        report.append((
            contrast, len(t), int(sum(multi.get(i, False) for i in t.index.astype(str))),
            int(reasons.str.startswith("malformed").sum()),
            int((reasons == "not in the site map").sum()),
            int(reasons.str.startswith("no human site").sum()),
            int(t.index.astype(str).isin(targets).sum()), n_split, n_collapsed, len(site_table),
        ))
    if not any(len(t) for t in tables.values()):
        raise IdentifierError(
            f"{raw.source}: no site was kept ({len(drops)} ids dropped, e.g. "
            f"{[(i, r) for i, (r, _) in list(drops.items())[:3]]})"
        )
    dropped = pd.DataFrame(
        [(first.get(i, 0), i, reason, fix) for i, (reason, fix) in drops.items()],
        columns=list(DROPPED_COLUMNS),
    ).astype({"row": "int64"})
    if len(dropped):
        counts = dropped["reason"].str.split(":").str[0].value_counts()
        warnings.warn(
            f"{raw.source}: {len(dropped)} of {len(ids)} site ids dropped ("
            + ", ".join(f"{n} {r}" for r, n in counts.items())
            + "); see SiteRanking.dropped", DroppedInputWarning, stacklevel=2,
        )
    return SiteRanking(
        **{f.name: getattr(ranking, f.name) for f in dataclasses.fields(Ranking)
           if f.name not in ("tables", "gene_column", "source")},
        tables=tables,
        gene_column=column,
        source=raw.source,
        site_column=column,
        site_map="" if site_map is None else (
            str(site_map) if isinstance(site_map, (str, os.PathLike)) else f"<{type(site_map).__name__}>"
        ),
        split_multi=split_multi,
        mapping=pd.DataFrame(report, columns=list(MAPPING_COLUMNS)),
        dropped=dropped,
    )
