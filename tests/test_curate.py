"""mamsets curate: PFOCR record -> audited draft library (seed figure, bad records, CLI, benchmark)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

import mamsets as ms
from mamsets.cli import main
from mamsets.curate import ROUTE_RELIABILITY, curate_folder, load_draft
from mamsets.curate._words import clauses, defined_abbreviations, direction_before, word_key
from mamsets.io.pfocr import PFOCRFormatError, parse_front_matter, read_pfocr_record

DATA = Path(__file__).parent / "data" / "pfocr"
SEED = DATA / "seed_fig"


@pytest.fixture(scope="module")
def seed():
    return ms.curate_figure(SEED)


def _row(cur, symbol):
    a = cur.audit
    rows = a[a["symbol"] == symbol]
    assert len(rows) == 1, symbol
    return rows.iloc[0]


def test_reader_front_matter_forms():
    fm = parse_front_matter("---\nfigid: X\ncaption: 'It''s\n  folded'\nk: >-\n  a\n  b\nl:\n- u\n- v\n---\nbody")
    assert fm == {"figid": "X", "caption": "It's folded", "k": "a b", "l": ["u", "v"]}
    rec = read_pfocr_record(SEED)
    assert rec.figid == "PMC10970480__ijms-25-03196-g003" and len(rec.genes) == 42
    assert rec.caption.endswith("to improve ERS") and [c.identifier for c in rec.chemicals] == ["CHEBI:17761", "CHEBI:29108"]


def test_reader_errors_name_file_and_fix(tmp_path):
    with pytest.raises(PFOCRFormatError, match=r"genes.tsv:1: genes table lacks columns"):
        read_pfocr_record(DATA / "invalid_columns")
    with pytest.raises(FileNotFoundError, match="no figure front matter"):
        read_pfocr_record(tmp_path)
    (tmp_path / "figure.md").write_text("figid: A\ncaption: 'open\n", encoding="utf-8")
    with pytest.raises(PFOCRFormatError, match=r"figure.md:2: quoted value is not closed"):
        read_pfocr_record(tmp_path)


def test_words():
    assert word_key("IP3Rs") == "IP3R" and word_key("SOS") == "SOS" and word_key("PGC-1α") == "PGC-1A"
    ab = defined_abbreviations("effects on insulin resistance(IR) and focal adhesion kinase (FAK) here")
    assert not ab["IR"].gene_like and ab["FAK"].gene_like
    assert direction_before("Exercise upregulates the expression of X", 40) == "up"
    assert direction_before("by activating X", 14) == "activated"


def test_seed_reproduces_hand_exclusions(seed):
    for sym, reason in {"TG": "triglyceride", "SGCG": "mitochondria-associated membranes",
                        "CXCL12": "ocr_fragment", "KCNJ4": "ocr_fragment"}.items():
        r = _row(seed, sym)
        assert r["decision"] == "exclude" and reason in r["reason"], (sym, r["reason"])


def test_seed_proposals_branch_and_groups(seed):
    assert _row(seed, "ITPR2")["decision"] == "keep_flagged" and _row(seed, "PRKN")["route"] == "caption_alias"
    assert _row(seed, "GNAQ")["decision"] == "keep_flagged"
    assert _row(seed, "GNAT1")["decision"] == "family_only" and "group q" in _row(seed, "GNAT1")["reason"]
    hand = ms.library()["MAMS_FIGURE"]
    assert set(seed.sets["PMC10970480_F3_FIGURE"].genes) == set(hand.genes)
    sections = {s.pathways[0] for s in seed.sets.sets if s.level == "pathway"}
    assert sections == {"calcium", "mitochondrial_biogenesis", "mitochondrial_dynamics", "mitophagy",
                        "endoplasmic_reticulum_stress"}
    assert seed.sets["PMC10970480_F3_FIGURE"].member("FUNDC1").direction == "context_dependent"
    assert seed.sets["PMC10970480_F3_FIGURE"].member("SLC2A4").direction == "activated"
    assert {m["word"] for m in seed.metabolites} >= {"Ca2+", "Ceramides", "DAG", "TG"}


def test_seed_directions_match_hand(seed):
    hand = {m.symbol: m.direction for m in ms.library()["MAMS_FIGURE"].members}
    mine = {m.symbol: m.direction for m in seed.sets["PMC10970480_F3_FIGURE"].members}
    assert mine == hand


def test_audit_schema_fixed(seed):
    # speed per figure is shown by benchmarks/bench_curate.py, not asserted here
    assert tuple(seed.audit.columns) == ms.curate.AUDIT_COLUMNS
    again = ms.curate_figure(read_pfocr_record(SEED))
    assert again.audit.equals(seed.audit)  # deterministic


def test_bad_records_give_reasons_not_tracebacks(tmp_path):
    cur = ms.curate_figure(DATA / "mouse_only")
    assert "no human (9606) rows" in cur.empty_reason and cur.kept == ()
    assert tuple(cur.audit.columns) == ms.curate.AUDIT_COLUMNS
    assert main(["curate", str(DATA / "invalid_columns"), "-o", str(tmp_path / "o")]) == 2


def test_write_roundtrip_and_no_overwrite(seed, tmp_path):
    out = seed.write(tmp_path / "draft")
    assert {p.name for p in out.iterdir()} == {"library.toml", "exclusions.toml", "audit.tsv", "sets.gmt", "review.html"}
    back = load_draft(out / "library.toml")
    assert [s.genes for s in back.sets] == [s.genes for s in seed.sets.sets]
    assert [m.evidence for m in back.sets[1].members] == [m.evidence for m in seed.sets.sets[1].members]
    gmt = ms.read_gmt(out / "sets.gmt")
    assert gmt["PMC10970480_F3_FIGURE"].genes == seed.sets["PMC10970480_F3_FIGURE"].genes
    with pytest.raises(ms.OutputExistsError):
        seed.write(tmp_path / "draft")
    seed.write(tmp_path / "draft", overwrite=True)


def test_cli(tmp_path, capsys):
    assert main(["curate", str(SEED), "-o", str(tmp_path / "c")]) == 0
    assert "29 genes kept" in capsys.readouterr().out
    assert main(["curate", str(SEED), "-o", str(tmp_path / "c")]) == 2
    assert "--force" in capsys.readouterr().err
    assert main(["curate", str(DATA), "--batch", "-o", str(tmp_path / "b")]) == 2  # invalid record inside


def test_batch(tmp_path):
    for name in ("seed_fig", "mouse_only"):
        dst = tmp_path / "in" / name
        dst.mkdir(parents=True)
        for f in (DATA / name).iterdir():
            (dst / f.name).write_bytes(f.read_bytes())
    res = curate_folder(tmp_path / "in")
    assert set(res) == {"seed_fig", "mouse_only"} and res["mouse_only"].empty_reason


@pytest.mark.shared_data
def test_benchmark_numbers_are_computed(shared_data):
    from mamsets.curate.benchmark import benchmark, route_reliability, summarize

    corpus = shared_data / "pfocr-corpus"
    assert route_reliability(corpus) == pytest.approx(ROUTE_RELIABILITY, abs=1e-3)
    table = benchmark(corpus)
    assert len(table) == 20 and table["n_truth"].gt(0).all()
    # recompute one figure by hand from the files, independently of the benchmark code
    row = table.set_index("figid").loc["PMC8684509__OMCL2021-9911537.012"]
    truth = {ln.split("\t")[0] for ln in (corpus / "truth" / "PMC8684509__OMCL2021-9911537.012" /
                                          "curated_genes.tsv").read_text().splitlines()[1:] if ln}
    genes = (corpus / "figures" / "PMC8684509__OMCL2021-9911537.012" / "genes.tsv").read_text().splitlines()[1:]
    raw = {ln.split("\t")[6] for ln in genes if ln.startswith("9606\t")}
    assert row["raw_precision"] == pytest.approx(len(raw & truth) / len(raw))
    s = summarize(table).set_index("subset")
    assert not math.isnan(s.loc["all", "kept_precision"])
    assert s.loc["all", "kept_precision"] > s.loc["all", "raw_precision"]


@pytest.mark.shared_data
def test_seed_from_shared_record_layout(shared_data):
    cur = ms.curate_figure(read_pfocr_record(shared_data / "pfocr"))
    assert set(cur.kept) == set(ms.library()["MAMS_FIGURE"].genes)


@pytest.mark.shared_data
def test_shipped_lexicon_usage_matches_benchmark(shared_data):
    from mamsets.curate._hgnc import lexicon_usage as shipped
    from mamsets.curate.benchmark import lexicon_usage

    assert lexicon_usage(shared_data / "pfocr-corpus") == shipped()
    assert shipped()[("MAPK", "5594")] == (49, 34)  # MAPK drawn as MAPK1 in 34 of 49 drawings


def test_usage_prior_restores_canonical_family_members():
    from mamsets.curate._decide import _decide_family
    from mamsets.curate.core import Context, Row
    from mamsets.io.pfocr import FigureRecord

    rec = FigureRecord(figid="X", title="", caption="A figure.", genes=(), chemicals=())
    ids = {"MAPK1": ("HGNC:6871", "5594"), "MAPK12": ("HGNC:6874", "6300"), "MAPK3": ("HGNC:6877", "5595"),
           "MAPK8": ("HGNC:6881", "5599"), "MAPK9": ("HGNC:6886", "5601"), "MAPK10": ("HGNC:6872", "5602")}
    rows = [Row("MAPK", "MAPK", s, h, e, "famplex_relations", "family_expansion", 6) for s, (h, e) in ids.items()]
    _decide_family(Context.of(rec), "MAPK", rows)
    d = {r.symbol: r.decision for r in rows}
    assert d["MAPK1"] == d["MAPK3"] == "keep_flagged" and d["MAPK12"] == "family_only"


@pytest.mark.shared_data
def test_metabolite_matches_inside_a_longer_word_are_not_genes(shared_data):
    """'AMP/ATP ratio': the lexicon's ATP -> ATP8A2 and AMP -> APRT/MFAP1 hits are metabolites."""
    cur = ms.curate_figure(shared_data / "pfocr-corpus" / "figures" / "PMC10286596__CN-21-1184_F1")
    a = cur.audit
    hits = a[a["match"].isin(["ATP", "AMP"]) & a["word"].str.contains("AMP/ATP")]
    assert len(hits) == 3
    assert (hits["decision"] == "exclude").all()
    assert hits["reason"].str.startswith("not_a_gene").all()
    kept = {g for gs in cur.sets if "raw" not in gs.tags for g in gs.genes}  # raw: as published
    assert not {"ATP8A2", "APRT", "MFAP1"} & kept


def test_non_mam_draft_goes_through_loader_export_and_engines(tmp_path):
    """A draft of any figure loads through the bundled library's parser, exports and runs the engines."""
    import numpy as np
    import pandas as pd

    cur = ms.curate_figure(DATA / "amd_fig")  # PMC7016007 F7, macular degeneration: no MAM pathway
    assert cur.kept and not cur.empty_reason
    coll = load_draft(cur.write(tmp_path / "draft"))
    assert [s.id for s in coll.sets] == [s.id for s in cur.sets.sets]
    assert {m.hgnc_id for s in coll.sets for m in s.members} <= set(cur.audit["hgnc_id"])
    for fmt in ("gmt", "json", "tsv"):
        ms.export(coll, tmp_path / f"x.{fmt}", format=fmt)
    assert ms.read_gmt(tmp_path / "x.gmt")[coll.sets[1].id].genes == coll.sets[1].genes
    figure = next(s for s in coll.sets if s.id.endswith("_FIGURE"))
    rng = np.random.default_rng(3)
    background = [f"G{i}" for i in range(300)]
    scores = pd.Series(rng.normal(size=300 + len(figure.genes)), index=[*background, *figure.genes])
    scores[list(figure.genes)] += 3.0  # the figure's genes on top: GSEA and ORA must find them
    res = ms.gsea(scores, coll, n_perm=200, rng=1, method="permutation", min_size=1, species="human",
                   id_type="symbol").table.set_index("term")
    assert res.loc[figure.id, "nes"] > 0 and res.loc[figure.id, "pval"] < 0.05
    ora = ms.ora(list(figure.genes), coll, universe=list(scores.index), species="human", id_type="symbol").table.set_index("term")
    assert ora.loc[figure.id, "overlap"] == len(figure.genes)


def test_seed_draft_declares_its_own_pathways(seed, tmp_path):
    """The seed's 'endoplasmic_reticulum_stress' is not one of the six MAM names: the draft declares it."""
    text = (seed.write(tmp_path / "d") / "library.toml").read_text(encoding="utf-8")
    assert "endoplasmic_reticulum_stress" in text.split("[[sets]]")[0]
    back = load_draft(tmp_path / "d")
    assert {p for s in back.sets for p in s.pathways} >= {"calcium", "endoplasmic_reticulum_stress"}
    broken = tmp_path / "broken.toml"
    broken.write_text(text.replace('pathways = ["calcium", ', 'pathways = [', 1), encoding="utf-8")
    with pytest.raises(ms.MamsetsError, match=r"pathways \['calcium'\] not among .*declare"):
        load_draft(broken)


@pytest.mark.shared_data
def test_every_corpus_draft_loads_through_the_library_parser(shared_data, tmp_path):
    for d in sorted((shared_data / "pfocr-corpus" / "figures").iterdir()):
        cur = ms.curate_figure(d)
        back = load_draft(cur.write(tmp_path / d.name))
        assert [s.genes for s in back.sets] == [s.genes for s in cur.sets.sets], d.name
