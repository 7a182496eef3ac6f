"""Decisions on classified rows, caption proposals, and clause directions (see :mod:`.core`)."""

from __future__ import annotations

import re
from collections import defaultdict

from . import _words as W
from ._context import PREVALENCE_MIN, Pick, candidates, defined_as, definition_genes, name_keys, pick
from ._hgnc import hgnc, lexicon_usage, name_words, prevalence, smallest_common_group
from .core import Context, Row, _non_gene, _not_protein, _quote, ligand_receptor

#: Caption cues that select one branch of a drawn family: cue word -> HGNC gene group name.
#: Gq/11 alpha subunits activate PLC-beta, which makes IP3 and DAG; a figure that draws
#: "G protein/IP3/IP3R" means the Gq branch, not transducin or Gs/Gi.
BRANCH_CUES: dict[str, str] = {
    "IP3": "G protein subunits alpha, group q",
    "PLC": "G protein subunits alpha, group q",
    "PLCB": "G protein subunits alpha, group q",
    "DAG": "G protein subunits alpha, group q",
}

FAMILY_NAMED_MAX = 8  # a family the caption names as one entity is kept whole up to this size
FAMILY_SMALL_MAX = 4  # a family expansion this small is kept (flagged) without caption support
COMPLETE_GROUP_MAX = 5  # complete an HGNC gene group drawn in part up to this size
USAGE_MIN_CALLS = 3  # a family word's member usage counts once the 2018 benchmark saw it this often
FAMILY_RARE_FRACTION = 4  # a family member drawn in < 1/4 of the pathways of its best-known sibling is rare
FAMILY_WELL_KNOWN = 10  # ... unless it is drawn in at least this many pathways itself (AKT3 beside AKT1)
USAGE_KEEP = 0.5  # ... and a member is "canonical" when curators drew it at least this often
USAGE_RARE = 0.1  # a kept family member the word meant in at most this share of curated drawings ...
USAGE_RARE_MIN_CALLS = 8  # ... of at least this many goes to the family set (held-out precision 12%)


def _usage(word: str, label: str, r: Row) -> tuple[int, int] | None:
    """(calls, right) of this word -> gene on PFOCR's 2018 benchmark, if seen often enough."""
    U = lexicon_usage()
    for k in dict.fromkeys((label, W.word_key(word), W.word_key(r.match))):
        got = U.get((k, r.entrez))
        if got and got[0] >= USAGE_MIN_CALLS:
            return got
    return None


def _apply_usage(ctx: Context, word: str, label: str, rows: list[Row]) -> None:
    """Restore family members by how curators drew this word elsewhere (usage prior).

    A member the word usually stands for (MAPK -> MAPK1, STAT -> STAT3) is kept with a flag even
    when the family is too large to keep whole. A kept member the word almost never stands for
    (at most :data:`USAGE_RARE` of at least :data:`USAGE_RARE_MIN_CALLS` drawings: PI3K -> PIK3R4,
    the class III regulatory subunit, 1/39; PIK3R6 0/39) goes to the family set, also when the
    caption names the family: estimated on one half of the 2018 benchmark's pathways, such calls
    were right in 51/431 (12%) of the other half's drawings, against 31% for the members kept.
    Demoting at a higher share (AKT -> AKT3, 5/37; RAS -> KRAS) cost retention 0.83 -> 0.64 on
    the corpus, whose curators keep small families whole.
    """
    for r in rows:
        u = _usage(word, label, r)
        if u is None or r.decision == "exclude" or r.route == "exact_symbol" or r.basis == "rare_member":
            continue
        n, right = u
        if (r.decision in ("keep", "keep_flagged") and n >= USAGE_RARE_MIN_CALLS and right <= USAGE_RARE * n
                and r.basis != "caption_member"):
            r.decision = "family_only"
            r.reason = (f"rarely_meant: '{label}' meant {r.symbol} in {right}/{n} curated drawings (PFOCR 2018 "
                        "benchmark); kept in the family set only")
            r.evidence = r.evidence or f"figure word '{word}'"
        elif right / n >= USAGE_KEEP and r.decision == "family_only":
            r.decision = "keep_flagged"
            r.reason = f"canonical member: '{label}' meant {r.symbol} in {right}/{n} curated drawings (PFOCR 2018 benchmark)"
            r.evidence = r.evidence or f"figure word '{word}'"


def _pattern(key: str) -> re.Pattern[str]:
    """Regex for a name allowing spaces/hyphens between characters (GPROTEIN ~ 'G protein')."""
    body = r"[\s\-]?".join(re.escape(c) for c in key)
    return re.compile(rf"(?<![A-Za-z0-9]){body}s?(?![A-Za-z0-9])", re.I)


def _in_caption(ctx: Context, *names: str) -> str | None:
    for n in names:
        k = W.word_key(n)
        if len(k) >= 2 and _pattern(k).search(ctx.text):
            return k
    return None


def _receptor_subtype(ctx: Context, word: str, rows: list[Row]) -> bool:
    """A ligand's receptor family trimmed to the subtype the caption writes (``GABAAR`` -> type A).

    The word writes a ligand the caption defines plus ``R`` (``GABA,R``); the caption writes the
    ligand, a subtype letter and ``R``/receptor (``GABAAR``, ``GABA-A receptor``). Members whose
    HGNC gene group is that type's receptor group are kept (flagged); the rest go to the family set.
    """
    H = hgnc()
    key = W.word_key(word)
    for k, ab in ctx.abbreviations.items():
        if ab.gene_like or not ligand_receptor(key, k):
            continue
        types = set(re.findall(re.escape(ab.abbr) + r"[\s\-]?([A-Z])[\s\-]?(?:Rs?\b|receptors?\b)", ctx.text))
        if len(types) != 1:
            return False
        t = types.pop()
        rx = re.compile(rf"\btype {t}\b.*receptor", re.I)
        inside = [r for r in rows if any(rx.search(H.group_name[g]) for g in H.groups.get(r.hgnc_id, ()))]
        if not inside:
            return False
        for r in rows:
            if r in inside:
                r.decision = "keep_flagged"
                r.reason = f"receptor subtype: the caption writes {ab.abbr} type {t} receptors ({ab.abbr} = {ab.phrase})"
                r.evidence = _quote(ctx, f"{ab.abbr}{t}") or f"figure word '{word}'"
            else:
                r.decision = "family_only"
                r.reason = f"outside_subtype: not a {ab.abbr} type {t} receptor subunit (HGNC gene groups)"
        return True
    return False


def _family_rules(ctx: Context, word: str, rows: list[Row]) -> bool:
    """Route/caption rules for a family word; True when a caption branch cue decided it."""
    H = hgnc()
    label = W.word_key(rows[0].match or word)
    for r in rows:
        r.group = label
    if _receptor_subtype(ctx, word, rows):
        return True
    named = {r.hgnc_id: ctx.names_gene(r.hgnc_id) for r in rows}
    named = {k: (v if v and v != label and v != W.word_key(word) else None) for k, v in named.items()}
    if any(named.values()) and len(rows) > FAMILY_SMALL_MAX:
        for r in rows:
            if named[r.hgnc_id]:
                r.decision, r.reason = "keep", f"family member the caption names ({named[r.hgnc_id]})"
                r.basis = "caption_member"
                r.evidence = _quote(ctx, named[r.hgnc_id])
            else:
                r.decision, r.reason = "family_only", "family member the caption does not name"
        return False
    for cue, gname in BRANCH_CUES.items():
        if _in_caption(ctx, cue) or any(W.word_key(t) == cue for t in re.split(r"[/\s]", W.clean_word(word))):
            branch = [r for r in rows if any(H.group_name[g] == gname for g in H.groups.get(r.hgnc_id, ()))]
            if branch and len(branch) < len(rows):
                for r in rows:
                    if r in branch:
                        r.decision, r.reason = "keep_flagged", f"family trimmed to '{gname}': the figure names {cue}"
                        r.evidence = _quote(ctx, cue) or f"figure word '{word}'"
                    else:
                        r.decision = "family_only"
                        r.reason = f"outside_branch: not in '{gname}', the branch {cue} implies"
                return True
    word_named = _in_caption(ctx, rows[0].match, word)
    if len(rows) <= FAMILY_SMALL_MAX or (word_named and len(rows) <= FAMILY_NAMED_MAX):
        why = (f"family/complex the caption names ('{word_named}', {len(rows)} members)" if word_named
               else f"small family expansion ({len(rows)} members)")
        for r in rows:
            r.decision, r.reason = "keep_flagged", why
            r.basis = "caption_family" if word_named else ""
            r.evidence = _quote(ctx, word_named) if word_named else f"figure word '{word}'"
        return False
    for r in rows:
        r.decision = "family_only"
        r.reason = f"family_expansion of '{word}' to {len(rows)} genes, none named by the caption (17% precise route)"
    return False


def _alias_collisions(word: str, rows: list[Row]) -> list[Row]:
    """Exclude non-family hits of a family word that share no HGNC gene group or symbol stem with its members.

    ``SOS`` -> SOS1, SOS2 (FamPlex) and XYLT2 (an NCBI synonym); ``ERK`` -> MAPK1, MAPK3 and
    EPHB2 (a previous symbol): the lone gene outside the family's groups is a name collision.
    Returns the rows still live.
    """
    H = hgnc()
    fam = [r for r in rows if r.route == "family_expansion"]
    fam_groups = {g for r in fam for g in H.groups.get(r.hgnc_id, ())}
    fam_stems = {_stem(r.symbol) for r in fam} - {""}
    if not fam_groups:
        return rows
    live = []
    for r in rows:
        if (r.route in ("family_expansion", "exact_symbol") or fam_groups & set(H.groups.get(r.hgnc_id, ()))
                or _stem(r.symbol) in fam_stems):  # PIK3CA beside PIK3R1-6: other group, same stem
            live.append(r)
            continue
        r.decision = "exclude"
        r.reason = (f"alias_collision: '{W.clean_word(word)}' expands to a family; {r.symbol} ({r.route} hit) "
                    "shares neither an HGNC gene group nor a symbol stem with its members")
    return live


def _decide_family(ctx: Context, word: str, rows: list[Row]) -> None:
    """Family word: route/caption rules, then the usage prior (unless a branch cue decided)."""
    rows = _alias_collisions(word, rows)
    if not rows:
        return
    if not _family_rules(ctx, word, rows):
        _trim_rare_members(word, rows)
        _apply_usage(ctx, word, W.word_key(rows[0].match or word), rows)


def _trim_rare_members(word: str, rows: list[Row]) -> None:
    """Move kept family members drawn far more rarely than the family's best-known one to the family set.

    A member drawn in fewer than 1/:data:`FAMILY_RARE_FRACTION` of the pathways its most drawn
    sibling appears in (human WikiPathways, :func:`._hgnc.prevalence`), and in fewer than
    :data:`FAMILY_WELL_KNOWN` itself, is a rarely meant paralogue: ``RSK`` -> RPS6KA4, RPS6KA6
    beside RPS6KB1; ``SRC`` -> FGR, YES1 beside SRC.
    Exact symbols and members the caption names stay; families the caption names as a whole
    (mTORC2, AMPK in the seed figure), words that draw a whole HGNC gene group (``Gq``), and
    families no member of which is drawn in at least :data:`._context.PREVALENCE_MIN` pathways
    are left whole.
    """
    P = prevalence()
    kept = [r for r in rows if r.decision in ("keep", "keep_flagged")]
    if any(r.basis == "caption_family" for r in kept):
        return  # the caption's own word for the family: kept whole, flagged
    top = max((P.get(r.hgnc_id, 0) for r in kept), default=0)
    if len(kept) < 2 or top < PREVALENCE_MIN:
        return
    H = hgnc()
    ids = {r.hgnc_id for r in kept}
    if any(set(H.group_members[g]) == ids for g in set.intersection(*(set(H.groups.get(i, ())) for i in ids))):
        return  # the word draws a whole HGNC group (Gq: GNAQ, GNA11, GNA14, GNA15)
    for r in kept:
        n = P.get(r.hgnc_id, 0)
        if (r.route == "exact_symbol" or r.basis == "caption_member"
                or n * FAMILY_RARE_FRACTION >= top
                or n >= FAMILY_WELL_KNOWN):
            continue
        r.decision, r.basis = "family_only", "rare_member"
        r.reason = (f"rare_member: '{W.clean_word(word)}' rarely means {r.symbol} (drawn in {n} human WikiPathways "
                    f"pathways; its most drawn sibling in {top})")


def _stem(word: str) -> str:
    """Leading letters of a word (``NRF-1/2`` -> ``NRF``): words sharing it draw one name series."""
    m = re.match(r"[A-Z]{2,}", W.word_key(word))
    return m.group(0) if m else ""


def _series_words(rows: list[Row]) -> dict[str, set[str]]:
    """Per word stem, the HGNC name words of the genes the figure draws by exact symbol under it."""
    N = name_words()
    out: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        if r.route == "exact_symbol" and r.hgnc_id and _stem(r.word):
            out[_stem(r.word)] |= N.words.get(r.hgnc_id, frozenset())
    return out


def _apply_pick(word: str, rows: list[Row], p: Pick, extra: list[Row]) -> None:
    """Keep the picked gene (adding a row when the lexicon did not offer it); exclude the others."""
    H = hgnc()
    sym = H.symbol[p.hgnc_id]
    for r in rows:
        if r.hgnc_id == p.hgnc_id:
            r.decision = "keep" if r.route == "exact_symbol" else "keep_flagged"
            r.reason, r.evidence = f"{r.route}; the {p.how} singles out {sym}", p.evidence
        else:
            r.decision = "exclude"
            r.reason = f"ambiguous_alias: '{W.clean_word(word)}' means {sym} here (by {p.how}), not {r.symbol}"
            r.evidence = p.evidence
    if all(r.hgnc_id != p.hgnc_id for r in rows) and H.locus.get(p.hgnc_id) == "protein-coding gene":
        new = _new_row(p.hgnc_id, word, f"alias_{p.how}",
                       f"'{W.clean_word(word)}' means {sym} here (by {p.how}); the lexicon offered "
                       f"{', '.join(r.symbol for r in rows)}", p.evidence)
        new.match = rows[0].match
        extra.append(new)


def _resolve(ctx: Context, word: str, rows: list[Row], series: dict[str, set[str]], extra: list[Row],
             *, definition_only: bool = False) -> bool:
    """Resolve an ambiguous name by the record's evidence (:mod:`._context`); True when it did."""
    keys = name_keys(*(x for r in rows for x in (r.match, r.word)))
    cands = tuple(dict.fromkeys((*(r.hgnc_id for r in rows), *candidates(keys))))
    if definition_only:
        if defined_as(ctx.abbreviations, keys) is None:
            return False
        p = pick(cands, keys, ctx.abbreviations, set(), use_usage=False)
    else:
        p = pick(cands, keys, ctx.abbreviations, ctx.words | series.get(_stem(word), set()))
    if p is None:
        return False
    _apply_pick(word, rows, p, extra)
    return True


def _decide_single(ctx: Context, r: Row, series: dict[str, set[str]], extra: list[Row]) -> None:
    H = hgnc()
    if r.route == "exact_symbol":
        w = W.clean_word(r.word).strip("():,.;-")
        if w.isalpha() and w.islower() and len(w) <= 4 and not re.search(rf"\b{re.escape(r.symbol)}\b", ctx.text):
            # figures write genes in capitals (human) or capitalised (rodent); "she", "pts" are words
            r.decision = "exclude"
            r.reason = f"lowercase_word: '{w}' is written in lower case and the caption never writes {r.symbol}"
            return
        if not _resolve(ctx, r.word, [r], series, extra, definition_only=True):
            r.decision, r.reason = "keep", "exact approved symbol"
        return
    named = ctx.names_gene(r.hgnc_id)
    keys = name_keys(r.match, r.word)
    others = [c for c in candidates(keys) if c != r.hgnc_id]
    if others and not named:  # a name several genes carry: the record's evidence decides, or nobody
        if not _resolve(ctx, r.word, [r], series, extra):
            r.decision = "exclude"
            r.reason = (f"ambiguous_alias: '{W.clean_word(r.word)}' names {1 + len(others)} genes "
                        f"({', '.join([r.symbol, *(H.symbol[o] for o in others[:5])])}); neither the caption "
                        "nor pathway usage singles one out")
        return
    if r.route == "ncbi_synonym_only":
        r.decision = "exclude"
        r.reason = f"ncbi_synonym_only: HGNC does not list '{r.match}' as a symbol, previous symbol or alias of {r.symbol}"
        return
    key = W.word_key(r.match)
    if r.route == "previous_symbol" or named or (len(key) >= 4 or re.search(r"\d", key)):
        r.decision = "keep_flagged"
        r.reason = f"{r.route} naming 1 HGNC gene" + (f"; caption names it ({named})" if named else "")
        r.evidence = _quote(ctx, named) if named else ""
        return
    r.decision = "exclude"
    r.reason = f"weak_alias: short alias '{key}' naming 1 HGNC gene, not supported by the caption"


def _decide_multi(ctx: Context, word: str, rows: list[Row], series: dict[str, set[str]], extra: list[Row]) -> None:
    if _resolve(ctx, word, rows, series, extra, definition_only=True):
        return
    named = [r for r in rows if ctx.names_gene(r.hgnc_id)]
    exact = [r for r in rows if r.route == "exact_symbol"]
    pick_rows = named or exact
    if pick_rows:
        for r in rows:
            if r in pick_rows:
                r.decision = "keep" if r.route == "exact_symbol" else "keep_flagged"
                r.reason = "exact approved symbol" if r.route == "exact_symbol" else f"{r.route}; caption names it"
            else:
                r.decision = "exclude"
                r.reason = f"ambiguous_alias: '{word}' also names {', '.join(p.symbol for p in pick_rows)}, which the record supports"
        return
    if _resolve(ctx, word, rows, series, extra):
        return
    for r in rows:
        r.decision = "exclude"
        r.reason = (f"ambiguous_alias: '{word}' names {len(rows)} genes ({', '.join(x.symbol for x in rows[:6])}); "
                    "neither the caption nor pathway usage singles one out")


def _exclude_non_gene_matches(ctx: Context, word: str, group: list[Row]) -> None:
    """Rows whose lexicon match is a non-gene word inside a longer OCR word ('AMP' in 'AMP/ATP')."""
    for r in group:
        match = getattr(r, "match", "") or ""
        ab = ctx.abbreviations.get(W.word_key(match)) if match else None
        ng = W.non_gene(match) if match else None
        if ng is None or (ab is not None and ab.gene_like):
            continue
        meaning, chebi = ng
        r.decision = "exclude"
        r.reason = f"not_a_gene: '{match}' (in '{W.clean_word(word)}') is {meaning}"
        r.evidence = f"non-gene vocabulary{'; ' + chebi if chebi else ''}"


def _definition_rule(ctx: Context, word: str, live: list[Row], extra: list[Row]) -> list[Row]:
    """Exclude hits the caption's own definition of the word rules out; propose the genes it names.

    The caption defines the word (``kynurenine aminotransferase (KAT)``) and HGNC shows which
    genes that definition names (:func:`._context.definition_genes`: KYAT1, AADAT, KYAT3, GOT2).
    A hit outside them is a name collision (KAT -> TSTD1, "thiosulfate sulfurtransferase like
    domain containing 1"; ERR -> SLC7A1; ACC -> BMS1) and is excluded, whatever its route, except
    members of a FamPlex family, by any route (HGNC's alias names are incomplete: MAPK3, ERK1,
    lacks "extracellular signal-regulated kinase"; AMPK -> PRKAB1 comes as an NCBI synonym, and is
    recognised by its symbol's first three letters, PRK, shared with the members).
    A word holding several names (``NRF1/2``) is judged name by name (each row by its lexicon
    match). When no hit of a defined name survives, the defined genes (at most
    :data:`COMPLETE_GROUP_MAX`) are proposed with the definition as evidence. Returns the rows
    still live.
    """
    H = hgnc()
    by_match: dict[str, list[Row]] = defaultdict(list)
    for r in live:
        by_match[W.word_key(r.match or word)].append(r)
    is_family = any(r.route == "family_expansion" for r in live)
    out: list[Row] = []
    for key, rows in by_match.items():
        keys = name_keys(key) if len(by_match) > 1 else name_keys(word, key)
        ab = defined_as(ctx.abbreviations, keys)
        meant = definition_genes(ab.phrase, keys) if ab is not None and ab.gene_like else ()
        if not meant:
            out += rows
            continue
        assert ab is not None
        # a family word's members may arrive by other routes (AMPK -> PRKAB1 by an NCBI synonym): a
        # hit whose symbol begins as a member's or a defined gene's does (PRK...) is a member, not a collision
        family = ({H.symbol[h][:3] for h in meant} | {r.symbol[:3] for r in live if r.route == "family_expansion"}
                  if is_family else set())
        names = ", ".join(H.symbol[h] for h in meant)
        evidence = _quote(ctx, ab.abbr) or f"the caption defines {ab.abbr} as '{ab.phrase}'"
        survivors = [r for r in rows if r.hgnc_id in meant or r.route == "family_expansion" or r.symbol[:3] in family]
        for r in rows:
            if r not in survivors:
                r.decision = "exclude"
                r.reason = (f"definition_mismatch: the caption defines {ab.abbr} as '{ab.phrase}', which HGNC gives as "
                            f"a name of {names}, not of {r.symbol}")
                r.evidence = evidence
        out += survivors
        if survivors or len(meant) > COMPLETE_GROUP_MAX:
            continue
        for h in meant:
            if H.locus.get(h) == "protein-coding gene":
                new = _new_row(h, word, "caption_definition",
                               f"the caption defines {ab.abbr} as '{ab.phrase}', an HGNC name of {H.symbol[h]}, "
                               f"which carries the name {ab.abbr}", evidence, W.word_key(word))
                new.match = rows[0].match
                extra.append(new)
    return out


def _dispatch(ctx: Context, word: str, live: list[Row], series: dict[str, set[str]], extra: list[Row]) -> None:
    """Family, single-gene or ambiguous-name rules for the live rows of one OCR word.

    A word holding several names (``SCA1,2,3``, ``IDO1/2``, ``COL1A1,CTGF``) is decided name by
    name, unless the lexicon expanded it as a family.
    """
    fam = [r for r in live if r.route in ("family_expansion", "alias_stem")]
    if fam and len(live) >= 2:
        _decide_family(ctx, word, live)
        return
    if len(live) == 1:
        _decide_single(ctx, live[0], series, extra)
        return
    common = smallest_common_group(tuple(r.hgnc_id for r in live), COMPLETE_GROUP_MAX)
    if common and all(r.route != "ncbi_synonym_only" for r in live):
        _decide_family(ctx, word, live)
        return
    by_match: dict[str, list[Row]] = defaultdict(list)
    for r in live:
        by_match[W.word_key(r.match) or W.word_key(word)].append(r)
    if len(by_match) == 1:
        _decide_multi(ctx, word, live, series, extra)
        return
    stems = {_stem(part) for part in re.split(r"[/,;\s]+", W.clean_word(word))} - {""}
    for key, rs in list(by_match.items()):
        if stems and _stem(key) and _stem(key) not in stems:  # 'ID2' read out of 'IDO1/2'
            for r in rs:
                r.decision = "exclude"
                r.reason = f"ocr_artifact: '{r.match}' is not written in '{W.clean_word(word)}' (its other names are)"
            del by_match[key]
    for rs in by_match.values():
        if len(rs) == 1:
            _decide_single(ctx, rs[0], series, extra)
        else:
            _decide_multi(ctx, rs[0].match or word, rs, series, extra)


def decide(ctx: Context, rows: list[Row]) -> None:
    """Fill ``decision``, ``reason``, ``evidence`` and ``group`` of every row, in place.

    Genes an ambiguous name means by the record's evidence, which the lexicon did not offer
    (``NRF-2`` -> GABPA next to NRF1), are appended as new rows.
    """
    by_word: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        if not r.decision:
            by_word[r.word].append(r)
    series = _series_words(rows)
    extra: list[Row] = []
    for word, group in by_word.items():
        ng = _non_gene(ctx, word)
        if ng and W.word_key(word) in ctx.chemicals and any(
                r.route in ("exact_symbol", "family_expansion") for r in group):
            ng = None  # an approved symbol or a FamPlex family outweighs the chemical tagger (CAT, Ras)
        if ng:
            for r in group:
                r.decision, (r.reason, r.evidence) = "exclude", ng
            continue
        _exclude_non_gene_matches(ctx, word, group)
        group = [r for r in group if not r.decision]
        live = []
        for r in group:
            why = _not_protein(r.hgnc_id, word)
            if why:
                r.decision, r.reason = "exclude", why
            else:
                live.append(r)
        live = _definition_rule(ctx, word, live, extra)
        if not live:
            continue
        _dispatch(ctx, word, live, series, extra)
    have = {r.hgnc_id for r in rows if r.decision in ("keep", "keep_flagged")}
    rows.extend(r for r in extra if r.hgnc_id not in have)


def _new_row(hid: str, word: str, route: str, reason: str, evidence: str, group: str = "") -> Row:
    H = hgnc()
    ent = next((e for e, i in H.entrez.items() if i == hid), "")
    return Row(word=word, match="", symbol=H.symbol[hid], hgnc_id=hid, entrez=ent, pfocr_source="",
               route=route, word_genes=0, decision="keep_flagged", reason=reason, evidence=evidence,
               group=group)


def _caption_candidates(token: str) -> tuple[str, list[str]]:
    """(route, hgnc ids) a caption token names, conservatively (case-aware)."""
    H = hgnc()
    t = W.clean_word(token)
    if len(t) < 3 or W.non_gene(t):
        return "", []
    if t in H.by_symbol and H.symbol[H.by_symbol[t]] == t:
        return "caption_symbol", [H.by_symbol[t]]
    if re.fullmatch(r"[A-Z][a-z]+\d+[a-z]?", t) and t.upper() in H.by_symbol:  # rodent style: Mfn2
        return "caption_symbol", [H.by_symbol[t.upper()]]
    for form in (t, t[0].lower() + t[1:], t[0].upper() + t[1:]):
        ids = H.exact_alias.get(form, ())
        if len(ids) == 1 and len(t) >= 4:
            return "caption_alias", list(ids)
    if re.search(r"[A-Z0-9]s$", t):  # plural of a numbered family: IP3Rs -> IP3R1, IP3R2, IP3R3
        stem = t[:-1].upper()
        ids = sorted({i for name, owners in H.by_name.items() if re.fullmatch(re.escape(stem) + r"\d", name)
                      for i in owners})
        if 2 <= len(ids) <= COMPLETE_GROUP_MAX and smallest_common_group(tuple(ids), COMPLETE_GROUP_MAX):
            return "caption_family", ids
    return "", []


def propose(ctx: Context, rows: list[Row]) -> list[Row]:
    """Genes the caption names that the OCR missed, and completions of partly drawn HGNC groups.

    A word the caption writes before "cell(s)" (``AMD RPE cells``) names a cell type or tissue
    there and is not proposed as a gene.
    """
    H = hgnc()
    have = {r.hgnc_id for r in rows if r.hgnc_id}
    excluded_words = {W.word_key(r.word) for r in rows if r.decision == "exclude"}
    new: list[Row] = []
    for tok in dict.fromkeys(W.tokens(ctx.record.caption)):
        key = W.word_key(tok)
        if key in excluded_words or (key in ctx.abbreviations and not ctx.abbreviations[key].gene_like):
            continue
        if re.search(rf"(?<![\w-]){re.escape(tok)}\s+cells?\b", ctx.record.caption):
            continue  # 'RPE cells', 'NK cells': the caption uses the word as a cell or tissue name
        route, ids = _caption_candidates(tok)
        for hid in ids:
            if hid not in have and H.locus.get(hid) == "protein-coding gene":
                have.add(hid)
                new.append(_new_row(hid, tok, route, f"named by the caption as '{tok}', missed by the OCR",
                                    _quote(ctx, tok), W.word_key(tok) if route == "caption_family" else ""))
    kept: dict[str, list[Row]] = defaultdict(list)
    for r in [*rows, *new]:
        if r.decision in ("keep", "keep_flagged") and r.group:
            kept[r.group].append(r)
    for label, grp in kept.items():
        ids = tuple(r.hgnc_id for r in grp)
        gid = smallest_common_group(ids, COMPLETE_GROUP_MAX) if len(ids) >= 2 else None
        if gid is None or "complex" not in H.group_name[gid].lower():
            continue  # complete complexes (mTORC2 -> PRR5), not families of paralogues (TK1, TK2 -> DCK)
        for hid in H.group_members[gid]:
            if hid not in have and H.locus.get(hid) == "protein-coding gene":
                have.add(hid)
                new.append(_new_row(hid, grp[0].word, "group_completion",
                                    f"completes HGNC gene group '{H.group_name[gid]}' ({len(H.group_members[gid])} genes) drawn as '{grp[0].word}'",
                                    f"HGNC gene group {gid}", label))
    return new


def directions(ctx: Context, rows: list[Row]) -> tuple[dict[str, str], dict[str, set[str]], dict[str, str]]:
    """Per kept gene: claimed direction, caption sections mentioning it, and the clause quoted."""
    H = hgnc()
    clauses = W.clauses(ctx.record.caption)
    dirs: dict[str, set[str]] = defaultdict(set)
    sections: dict[str, set[str]] = defaultdict(set)
    quote: dict[str, str] = {}
    for r in rows:
        if r.decision not in ("keep", "keep_flagged"):
            continue
        names = {W.word_key(r.word), r.group, H.symbol[r.hgnc_id].upper(),
                 *(a for a in H.alias[r.hgnc_id] if len(a) >= 4)}
        names = {n for n in names if n and len(n) >= 2}
        for c in clauses:
            for n in names:
                for m in _pattern(n).finditer(c.text):
                    sections[r.hgnc_id].add(c.section)
                    after = c.text[m.end(): m.end() + 16].lower()
                    d = ("activated" if re.match(r"\W*(translocation|activation|phosphorylation)", after)
                         else W.direction_before(c.text, m.start()))
                    if d:
                        dirs[r.hgnc_id].add(d)
                    quote.setdefault(r.hgnc_id, f'{c.section_title or "caption"} ({c.number}): "{c.text[:200]}"')
    out: dict[str, str] = {}
    for hid, ds in dirs.items():
        if len(ds) == 1:
            out[hid] = next(iter(ds))
        elif ds == {"up", "activated"}:
            out[hid] = "up"
        else:
            out[hid] = "context_dependent"
    return out, sections, quote
