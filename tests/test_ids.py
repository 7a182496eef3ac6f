"""Identifier detection, mapping and harmonisation (mamsets.ids).

References are independent of the code: HGNC/MGI/RGD facts checked by hand on
genenames.org / informatics.jax.org / rgd.mcw.edu (written out below), PFOCR's own
NCBI Gene ids for the figure genes, the raw source files in ../shared/data/geneids
(read here with plain pandas), and MotrPAC's rat-to-human table.
"""

from __future__ import annotations

import json
import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mamsets.errors import IdentifierError, InputError, MamsetsWarning
from mamsets.ids import (
    HOWS,
    REASONS,
    clean_identifiers,
    detect_ids,
    harmonize_gmt,
    map_ids,
)
from mamsets.io.gmt import parse_gmt, read_gmt
from mamsets.model import GeneSet, GeneSetCollection, Member

# Hand-checked facts (HGNC symbol report, MGI and RGD gene pages).
MFN2 = {
    "hgnc": "HGNC:16877",
    "entrez": "9927",
    "ensembl": "ENSG00000116688",
    "mouse_entrez": "170731",
    "mouse_ensembl": "ENSMUSG00000029020",
    "rat_entrez": "64476",
    "rat_ensembl": "ENSRNOG00000046424",
}
FIS1 = {"entrez": "51024"}
CORE = ["MFN2", "FIS1", "MCU", "ITPR1", "PPARGC1A", "PRKAA1", "DNM1L", "PRKN", "HSPA9"]


def human_collection(genes=CORE, **sets) -> GeneSetCollection:
    mapping = {"CORE": list(genes), **sets}
    return GeneSetCollection.from_dict(mapping, name="test", species="human", id_type="symbol")


def row(report, member, set_id="CORE"):
    m = report.members
    r = m[(m["member"] == member) & (m["set_id"] == set_id)]
    assert len(r) >= 1, f"{member} not in report"
    return r.iloc[0]


# -- cleaning ----------------------------------------------------------------------------------
def test_clean_counts_everything() -> None:
    ids, c = clean_identifiers(
        [
            "MFN2",
            " FIS1 ",
            "",
            "   ",
            None,
            float("nan"),
            np.nan,
            "MFN2",
            9927,
            51024.0,
            np.int64(5),
        ]
    )
    assert ids == ["MFN2", "FIS1", "9927", "51024", "5"]
    assert c["n_identifiers"] == 11
    assert c["n_nan"] == 3 and c["n_empty"] == 1 and c["n_whitespace"] == 1
    assert c["n_stripped"] == 1 and c["n_numeric"] == 3 and c["n_duplicates"] == 1
    assert c["n_unique"] == 5


def test_clean_refuses_a_single_string_and_scores() -> None:
    with pytest.raises(InputError, match="one string"):
        clean_identifiers("MFN2")
    with pytest.raises(InputError, match="not an integer"):
        clean_identifiers([1.5])


def test_clean_accepts_series_with_missing_values() -> None:
    s = pd.Series([9927.0, math.nan, 51024.0])  # how pandas stores Entrez ids with gaps
    ids, c = clean_identifiers(s)
    assert ids == ["9927", "51024"] and c["n_nan"] == 1


# -- human symbols --------------------------------------------------------------------------------
@pytest.mark.parametrize("case", [str.upper, str.lower, str.title])
def test_human_symbols_any_case(case) -> None:
    user = [case(g) for g in CORE] + ["ACTB"]
    out, rep = map_ids(human_collection(), user, species="human", id_type="symbol")
    assert out["CORE"].genes == tuple(case(g) for g in CORE)
    expected = "exact" if case is str.upper else "case_insensitive"
    assert set(rep.members["how"]) == {expected}
    assert out.species == "human" and out.id_type == "symbol"
    assert rep.sets.loc[0, "n_found"] == len(CORE)


def test_renamed_symbol_is_rescued_and_reported() -> None:
    # PARK2 was renamed PRKN, KIAA0101 renamed PCLAF (HGNC previous symbols)
    out, rep = map_ids(
        human_collection(["PRKN", "PCLAF", "MFN2"]),
        ["PARK2", "KIAA0101", "MFN2"],
        species="human",
        id_type="symbol",
    )
    assert out["CORE"].genes == ("PARK2", "KIAA0101", "MFN2")
    assert row(rep, "PRKN")["how"] == "previous_symbol"
    assert "PARK2 is a previous symbol of PRKN" in row(rep, "PRKN")["note"]
    assert rep.sets.loc[0, "n_previous_symbol"] == 2
    # exact wins over a previous symbol of the same gene, and the other is named
    out, rep = map_ids(
        human_collection(["PRKN"]), ["PARK2", "PRKN"], species="human", id_type="symbol"
    )
    assert out["CORE"].genes == ("PRKN",)
    assert "PARK2" in row(rep, "PRKN")["note"]


def test_alias_modes() -> None:
    coll = human_collection(["HSPA9", "RMDN3", "PRKN"])
    user = ["GRP75", "PTPIP51", "PARK2"]  # aliases of HSPA9 and RMDN3, previous symbol of PRKN
    _, rep = map_ids(coll, user, species="human", id_type="symbol", aliases="unique")
    assert list(rep.members["how"]) == ["alias", "alias", "previous_symbol"]
    _, rep = map_ids(coll, user, species="human", id_type="symbol", aliases="previous")
    assert list(rep.members["how"]) == ["", "", "previous_symbol"]
    assert list(rep.members["reason"][:2]) == ["absent_from_data"] * 2
    with pytest.raises(IdentifierError):
        map_ids(coll, user, species="human", id_type="symbol", aliases="none")


def test_ambiguous_alias_is_refused_and_reported() -> None:
    # DRP1 is an alias of DNM1L, DENR and UTRN: never used
    coll = human_collection(["DNM1L", "MFN2"])
    out, rep = map_ids(coll, ["DRP1", "MFN2"], species="human", id_type="symbol")
    assert out["CORE"].genes == ("MFN2",)
    r = row(rep, "DNM1L")
    assert r["reason"] == "ambiguous_alias" and r["matched"] == ""
    assert "DENR" in r["note"] and "UTRN" in r["note"]
    assert rep.summary()["reason"] == {"ambiguous_alias": 1}


def test_alias_equal_to_an_approved_symbol_stays_with_that_gene() -> None:
    # AR is the androgen receptor's symbol and an alias of AKR1B1, AREG and FDXR
    coll = human_collection(["AKR1B1", "AR"])
    out, rep = map_ids(coll, ["AR", "TP53"], species="human", id_type="symbol")
    assert out["CORE"].genes == ("AR",)
    assert row(rep, "AR")["how"] == "exact"
    r = row(rep, "AKR1B1")
    assert r["reason"] == "ambiguous_alias" and "not used for AKR1B1" in r["note"]


# -- the figure's own false positives (Li et al. 2024 fig. 3 as text-mined by PFOCR) ---------------
def test_figure_false_positives_mam_hir_dag_are_rescues_that_show_in_the_report() -> None:
    """MAM, HIR and DAG are figure words (membranes, insulin resistance, diacylglycerol).

    HGNC lists MAM as a previous symbol of SGCG, HIR and DAG as aliases of KCNJ4 and DAG1.
    They name one gene each, so the rule allows them; what matters is that the rescue is
    never silent and can be switched off.
    """
    coll = human_collection(["SGCG", "KCNJ4", "DAG1"])
    _, rep = map_ids(coll, ["MAM", "HIR", "DAG"], species="human", id_type="symbol")
    got = dict(zip(rep.members["member"], zip(rep.members["matched"], rep.members["how"])))
    assert got == {
        "SGCG": ("MAM", "previous_symbol"),
        "KCNJ4": ("HIR", "alias"),
        "DAG1": ("DAG", "alias"),
    }
    assert rep.summary()["how"] == {"previous_symbol": 1, "alias": 2}
    with pytest.raises(IdentifierError):
        map_ids(coll, ["MAM", "HIR", "DAG"], species="human", id_type="symbol", aliases="none")
    _, rep = map_ids(
        coll, ["MAM", "HIR", "DAG", "SGCG"], species="human", id_type="symbol", aliases="previous"
    )
    assert list(rep.members["matched"]) == ["SGCG", "", ""]


@pytest.mark.parametrize("symbol, hgnc_id", [("TG", "HGNC:11764"), ("CA2", "HGNC:1373")])
def test_figure_false_positives_tg_ca2_are_approved_symbols(symbol, hgnc_id) -> None:
    """TG (triglycerides) and CA2 (Ca2+) are thyroglobulin and carbonic anhydrase 2.

    An approved symbol is only ever read as that gene: no rescue, no reinterpretation.
    """
    _out, rep = map_ids(human_collection([symbol]), [symbol], species="human", id_type="symbol")
    r = row(rep, symbol)
    assert (r["how"], r["hgnc_id"]) == ("exact", hgnc_id)
    _, hrep = harmonize_gmt(human_collection([symbol, "MFN2"]))
    assert hrep.changes.empty and hrep.sets.loc[0, "n_unchanged"] == 2


# -- Entrez and Ensembl ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "user", [[9927, 51024], ["9927", "51024"], [9927.0, 51024.0], pd.Series([9927, 51024])]
)
def test_entrez_int_and_str(user) -> None:
    out, rep = map_ids(human_collection(["MFN2", "FIS1"]), user, species="human", id_type="entrez")
    assert out["CORE"].genes == (MFN2["entrez"], FIS1["entrez"])
    assert set(rep.members["how"]) == {"entrez"}
    assert out.id_type == "entrez"


def test_ensembl_with_and_without_version() -> None:
    coll = human_collection(["MFN2"])
    out, rep = map_ids(coll, [MFN2["ensembl"]], species="human", id_type="ensembl")
    assert out["CORE"].genes == (MFN2["ensembl"],) and row(rep, "MFN2")["how"] == "ensembl"
    versioned = MFN2["ensembl"] + ".17"
    out, rep = map_ids(coll, [versioned, "ENSG00000141510.18"])
    assert out["CORE"].genes == (versioned,)
    assert row(rep, "MFN2")["how"] == "ensembl_version_stripped"
    assert rep.input["detected_id_type"] == "ensembl_versioned"
    assert out.id_type == "ensembl"  # the collection vocabulary; the genes keep their versions
    again, rep2 = map_ids(out, [versioned])  # engines may map twice: already in the user's space
    assert again.sha256 == out.sha256 and rep2.input["route"] == "direct"


# -- a member written exactly as in the data is matched as it is ---------------------------------------
# Hand-checked (HGNC symbol report): PTRF is a previous symbol of CAVIN1 (HGNC:9688); PARK2 of
# PRKN (HGNC:8607). H2-K1, RHOX6 and 1700017B05RIK are mouse symbols that HGNC does not know.
PAD = ["MFN2", "FIS1", "MCU", "ITPR1", "DNM1L", "HSPA9", "ACTB"]  # enough to detect human symbols


@pytest.mark.parametrize("declared", [False, True])
def test_member_in_the_data_as_written_is_exact_even_when_hgnc_renamed_it(declared) -> None:
    sets = {"S": ["PTRF", "MFN2"]}
    coll = (
        GeneSetCollection.from_dict(sets, species="human", id_type="symbol")
        if declared
        else GeneSetCollection.from_dict(sets)  # a plain GMT: species and id type unknown
    )
    out, rep = map_ids(coll, ["PTRF", *PAD], species="human", id_type="symbol")
    assert rep.input["route"] == "hgnc"
    r = row(rep, "PTRF", "S")
    assert (r["matched"], r["how"], r["hgnc_id"]) == ("PTRF", "exact", "HGNC:9688")
    assert out["S"].genes == ("PTRF", "MFN2")
    assert rep.sets.loc[0, "n_exact"] == 2 and rep.sets.loc[0, "n_previous_symbol"] == 0
    # data holding both names of the gene: each member keeps its own identifier
    out, rep = map_ids(
        GeneSetCollection.from_dict({"S": ["PTRF", "CAVIN1", "MFN2"]}),
        ["PTRF", "CAVIN1", *PAD],
    )
    assert out["S"].genes == ("PTRF", "CAVIN1", "MFN2")
    assert rep.members["how"].tolist() == ["exact"] * 3
    assert rep.members["matched"].tolist() == ["PTRF", "CAVIN1", "MFN2"]


def test_member_absent_as_written_still_takes_the_previous_symbol_route() -> None:
    out, rep = map_ids(
        GeneSetCollection.from_dict({"S": ["PTRF", "MFN2", "PARK2"]}), ["CAVIN1", *PAD]
    )
    r = row(rep, "PTRF", "S")
    assert (r["matched"], r["how"], r["hgnc_id"]) == ("CAVIN1", "previous_symbol", "HGNC:9688")
    assert "PTRF is a previous symbol of CAVIN1" in r["note"]
    r = row(rep, "PARK2", "S")  # neither PARK2 nor PRKN in the data
    assert (r["matched"], r["reason"], r["hgnc_id"]) == ("", "absent_from_data", "HGNC:8607")
    assert out["S"].genes == ("CAVIN1", "MFN2")
    assert rep.summary()["how"] == {"exact": 1, "previous_symbol": 1}
    # the user's old symbol for an approved member: the user's rescue is reported
    out, rep = map_ids(GeneSetCollection.from_dict({"S": ["CAVIN1", "MFN2"]}), ["PTRF", *PAD])
    assert row(rep, "CAVIN1", "S")["how"] == "previous_symbol"
    assert out["S"].genes == ("PTRF", "MFN2")


def test_member_rescued_onto_an_identifier_another_member_has_as_written_counts_once() -> None:
    # CAVIN1 comes first but PTRF is in the data as written: PTRF keeps it, CAVIN1 is the duplicate
    out, rep = map_ids(
        GeneSetCollection.from_dict({"S": ["CAVIN1", "PTRF", "MFN2"]}), ["PTRF", *PAD]
    )
    got = rep.members[["member", "matched", "how"]].values.tolist()
    assert got == [
        ["CAVIN1", "PTRF", "previous_symbol"],
        ["PTRF", "PTRF", "exact"],
        ["MFN2", "MFN2", "exact"],
    ]
    assert "same identifier as member PTRF; counted once" in row(rep, "CAVIN1", "S")["note"]
    assert row(rep, "PTRF", "S")["note"] == ""
    assert sorted(out["S"].genes) == ["MFN2", "PTRF"]
    s = rep.sets.loc[0]
    assert (s["n_members"], s["n_found"], s["n_genes"], s["n_exact"]) == (3, 3, 2, 2)


@pytest.mark.parametrize("species", [None, "mouse"])
def test_upper_cased_mouse_symbols_in_the_data_as_written_are_exact(species) -> None:
    members = ["H2-K1", "RHOX6", "1700017B05RIK", "MFN2", "DNM1L"]
    user = [*members, "FIS1", "MCU", "ITPR1", "HSPA9", "ACTB", "PPARGC1A"]
    kw = {"species": species, "id_type": "symbol"} if species else {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MamsetsWarning)
        out, rep = map_ids(GeneSetCollection.from_dict({"S": members}), user, **kw)
    assert rep.members["how"].tolist() == ["exact"] * 5
    assert rep.members["matched"].tolist() == members
    assert out["S"].genes == tuple(members)
    assert rep.summary()["reason"] == {}


@pytest.mark.shared_data
@pytest.mark.parametrize("gmt", ["gene_sets.gmt", "genes.gmt"])
def test_gseapy_example_members_in_the_ranking_are_all_exact(shared_data, gmt) -> None:
    # GSEA desktop's results.edb for these sets used every member found in the .rnk as written
    folder = shared_data / "gseapy-example"
    rnk = pd.read_csv(folder / "gsea_data.gsea_data.rnk", sep="\t", header=None, dtype=str)
    ids = rnk[0].tolist()
    in_data = set(ids)
    # independent parse: tab-separated name, description, genes
    expected: dict[str, list[str]] = {}
    for line in (folder / gmt).read_text().splitlines():
        fields = line.rstrip("\n").split("\t")
        if len(fields) > 2:
            expected[fields[0]] = [g for g in fields[2:] if g]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MamsetsWarning)  # upper-cased mouse symbols look human
        out, rep = map_ids(read_gmt(folder / gmt), ids)
    m = rep.members
    present = m[m["member"].isin(in_data)]
    assert len(present) == sum(len(set(g) & in_data) for g in expected.values())
    assert (present["how"] == "exact").all() and (present["matched"] == present["member"]).all()
    n_exact = rep.sets.set_index("set_id")["n_exact"].to_dict()
    assert n_exact == {s: len(set(g) & in_data) for s, g in expected.items()}
    for s, genes in expected.items():
        verbatim = [g for g in genes if g in in_data]
        assert set(verbatim) <= set(out[s].genes), s
    if gmt == "gene_sets.gmt":  # every member is in the .rnk (README), 254 pairs
        assert sum(n_exact.values()) == 254
        assert out.to_dict() == expected


# -- mouse and rat onto the human library ------------------------------------------------------------
def test_mouse_symbols_and_entrez_and_ensembl() -> None:
    coll = human_collection(["MFN2", "DNM1L"])
    out, rep = map_ids(coll, ["Mfn2", "Dnm1l", "Actb"], species="mouse", id_type="symbol")
    assert out["CORE"].genes == ("Mfn2", "Dnm1l") and out.species == "mouse"
    assert set(rep.members["how"]) == {"ortholog"}
    # upper-cased mouse symbols (common in pipelines): a member written as in the data is
    # exact; a mouse synonym still goes through the ortholog table
    _, rep = map_ids(coll, ["MFN2", "DRP1"], species="mouse", id_type="symbol")
    assert list(rep.members["how"]) == ["exact", "ortholog_synonym"]
    assert "DRP1 is a mouse synonym of Dnm1l" in row(rep, "DNM1L")["note"]
    _, rep = map_ids(coll, ["MFN2", "DRP1"], species="mouse", id_type="symbol", aliases="previous")
    assert list(rep.members["how"]) == ["exact", ""]
    # another case than the member's: the ortholog's symbol, case-insensitively
    _, rep = map_ids(coll, ["mfn2", "dnm1l"], species="mouse", id_type="symbol")
    assert list(rep.members["how"]) == ["ortholog_case_insensitive"] * 2
    out, _ = map_ids(coll, [int(MFN2["mouse_entrez"]), 11461], species="mouse", id_type="entrez")
    assert out["CORE"].genes == (MFN2["mouse_entrez"],)
    out, rep = map_ids(coll, [MFN2["mouse_ensembl"] + ".9"], species="mouse", id_type="ensembl")
    assert out["CORE"].genes == (MFN2["mouse_ensembl"] + ".9",)
    assert row(rep, "MFN2")["how"] == "ortholog_version_stripped"


def test_rat_symbols_and_entrez() -> None:
    coll = human_collection(["MFN2", "DNM1L"])
    out, rep = map_ids(coll, ["Mfn2", "Dnm1l"], species="rat", id_type="symbol")
    assert out["CORE"].genes == ("Mfn2", "Dnm1l") and out.species == "rat"
    out, rep = map_ids(coll, [MFN2["rat_entrez"], "24153"], species="rat", id_type="entrez")
    assert out["CORE"].genes == (MFN2["rat_entrez"],) and row(rep, "MFN2")["how"] == "ortholog"
    out, _ = map_ids(coll, [MFN2["rat_ensembl"]], species="rat", id_type="ensembl")
    assert out["CORE"].genes == (MFN2["rat_ensembl"],)


def test_gene_outside_the_library_maps_through_the_genome_wide_table() -> None:
    """Issue 13: orthologs are genome-wide, not only the library's members'."""
    coll = human_collection(["MFN2", "OR1A1"])  # an olfactory receptor: not a library member
    _, rep = map_ids(coll, ["Mfn2", "Olfr1"], species="mouse", id_type="symbol")
    # Or1a1 and Or1a1b (MGI/Alliance and HGNC agree on both) are not in the data
    assert row(rep, "OR1A1")["reason"] == "absent_from_data"
    assert "Or1a1" in row(rep, "OR1A1")["note"]
    # its MGI synonym Olfr403 (the name before MGI's 2021 olfactory renaming) is found
    _, rep = map_ids(coll, ["Mfn2", "Olfr403"], species="mouse", id_type="symbol")
    assert row(rep, "OR1A1")["matched"] == "Olfr403"
    assert row(rep, "OR1A1")["how"] == "ortholog_synonym"


def test_curated_members_use_their_hgnc_id() -> None:
    gs = GeneSet("S", ("MFN2",), members=(Member("MFN2", MFN2["hgnc"], "figure_keyword"),))
    coll = GeneSetCollection((gs,), species="human", id_type="symbol")
    out, rep = map_ids(coll, [MFN2["mouse_entrez"]], species="mouse", id_type="entrez")
    assert out["S"].genes == (MFN2["mouse_entrez"],) and out["S"].members == gs.members
    assert row(rep, "MFN2", "S")["hgnc_id"] == MFN2["hgnc"]


# -- contract for the engines ------------------------------------------------------------------------
def test_plain_gmt_in_users_space_is_returned_unchanged() -> None:
    coll = parse_gmt("A\tx\t170731\t74006\t999999999\nB\ty\t74006\n")  # species/id_type unknown
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matching directly needs no guess, so no warning
        out, rep = map_ids(coll, ["170731", "74006", "12345"])
    assert out["A"].genes == ("170731", "74006") and out["B"].genes == ("74006",)
    assert rep.input["route"] == "direct"
    assert set(rep.members.loc[rep.members["matched"] != "", "how"]) == {"exact"}
    assert row(rep, "999999999", "A")["reason"] == "absent_from_data"


def test_same_space_collection_is_matched_directly() -> None:
    coll = GeneSetCollection.from_dict(
        {"A": ["Mfn2", "Dnm1l", "Xyz1"]}, species="mouse", id_type="symbol"
    )
    out, rep = map_ids(coll, ["Mfn2", "Dnm1l"], species="mouse", id_type="symbol")
    assert out["A"].genes == ("Mfn2", "Dnm1l") and rep.input["route"] == "direct"


def test_no_overlap_says_what_the_identifiers_look_like() -> None:
    mouse_entrez = ["170731", "74006", "11461", "12043", "11651", "13666", "14828", "22042"]
    with (
        pytest.raises(IdentifierError, match=r"mouse Entrez.*species='mouse', id_type='entrez'"),
        pytest.warns(MamsetsWarning, match="you passed species='human'"),
    ):
        map_ids(human_collection(["TP53"]), mouse_entrez, species="human", id_type="entrez")


def test_contradicting_arguments_warn() -> None:
    with pytest.warns(MamsetsWarning, match="mouse"):
        map_ids(
            human_collection(),
            [g.capitalize() for g in CORE] + ["Gm12345", "Gm4567", "Gm20500"],
            species="human",
            id_type="symbol",
        )


def test_bad_arguments() -> None:
    with pytest.raises(InputError, match="species='dog'"):
        map_ids(human_collection(), ["MFN2"], species="dog")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="aliases"):
        map_ids(human_collection(), ["MFN2"], aliases="all")  # type: ignore[arg-type]
    with pytest.raises(IdentifierError, match="no usable identifiers"):
        map_ids(human_collection(), ["", None, " "])


def test_report_tables_have_fixed_columns_and_json_summary() -> None:
    _, rep = map_ids(
        human_collection(), ["MFN2", "fis1", "", None, "MFN2"], species="human", id_type="symbol"
    )
    assert tuple(rep.members.columns) == (
        "set_id",
        "member",
        "hgnc_id",
        "matched",
        "how",
        "reason",
        "note",
    )
    assert list(rep.sets.columns[:5]) == ["set_id", "n_members", "n_found", "n_missing", "n_genes"]
    assert all(f"n_{h}" in rep.sets.columns for h in HOWS)
    assert set(rep.members["reason"]) <= set(REASONS) | {""}
    s = rep.summary()
    json.dumps(s)
    assert (
        s["input"]["n_nan"] == 1 and s["input"]["n_empty"] == 1 and s["input"]["n_duplicates"] == 1
    )
    assert s["sets_missing_members"] == [{"set_id": "CORE", "n_members": len(CORE), "n_found": 2}]


# -- detection --------------------------------------------------------------------------------------
def test_detect_human_ensembl_and_mixed() -> None:
    d = detect_ids(["ENSG00000116688.17", "ENSG00000141510.18", "ENSG00000214253.9"] * 2)
    assert (d.species, d.id_type) == ("human", "ensembl_versioned")
    ids = ["MFN2", "FIS1", "MCU", "ITPR1", "PRKN", "DNM1L", "HSPA9", "9927", "51024", "NM_014874"]
    d = detect_ids(ids)
    assert (d.species, d.id_type) == ("human", "symbol")
    assert (
        "mixed identifier kinds" in d.message and "9927" in d.message and "NM_014874" in d.message
    )
    assert set(d.kinds["kind"]) == {"symbol_like", "numeric", "refseq"}


def test_detect_unrecognised() -> None:
    d = detect_ids(["1007_s_at", "1053_at", "117_at", "121_at", "1255_g_at"])
    assert d.id_type == "unknown" and not d.confident and "probe" in d.message


# Mouse symbols with mouse-only genes (MGI: Gm and RIKEN-clone genes), as a mouse table lists them.
MOUSE_LIST = [
    "Mfn2", "Fis1", "Dnm1l", "Opa1", "Mcu", "Itpr1", "Vdac1", "Actb", "Gapdh", "Ppargc1a",
    "Nr4a3", "Atf3", "Fos", "Junb", "Egr1", "Hk2", "Pdk4", "Ckm", "Myh7", "Tfam",
    "Gm10800", "Gm42418", "Gm26917", "1110008P14Rik", "2610507B11Rik", "4933424B01Rik",
]  # fmt: skip


def human_example(tests_data) -> list[str]:
    lines = (tests_data / "ids" / "human_symbols_exercise.txt").read_text().splitlines()
    return [ln for ln in lines if ln and not ln.startswith("#")]


@pytest.mark.parametrize("case", [str.title, str.capitalize])
def test_case_changed_human_symbols_are_not_called_rodent(tests_data, case) -> None:
    # Hspa1a is how mouse and rat write HSPA1A, but here 15 of 60 genes exist in human only
    d = detect_ids([case(g) for g in human_example(tests_data)])
    assert (d.species, d.id_type, d.confident) == ("human", "symbol", False)
    assert "species='human'" in d.message and "species='mouse'" in d.message
    assert "15 are human-only genes" in d.message
    ev = d.evidence.set_index("species")
    assert ev.loc["human", "n_specific"] == 15 and ev.loc["mouse", "n_specific"] == 0


def test_lower_cased_human_symbols_are_human(tests_data) -> None:
    d = detect_ids([g.lower() for g in human_example(tests_data)])
    assert (d.species, d.id_type, d.confident) == ("human", "symbol", True)
    assert "lower case" in d.message
    # lower-cased mouse symbols with mouse-only genes are not called human confidently
    d = detect_ids([g.lower() for g in MOUSE_LIST])
    assert not d.confident and "lower-cased rodent-only" in d.message


def test_mixed_case_rodent_list_with_rodent_only_genes_stays_confident() -> None:
    d = detect_ids(MOUSE_LIST)
    assert (d.species, d.id_type, d.confident) == ("mouse", "symbol", True)
    # without any species-specific gene, mixed case cannot tell mouse from case-changed human
    d = detect_ids(MOUSE_LIST[:20])
    assert not d.confident and "species='human'" in d.message and d.species in ("mouse", "rat")


def test_map_ids_on_case_changed_human_list_warns_and_maps_as_human(tests_data) -> None:
    from mamsets.io.bundled import library

    lib = library()
    genes = human_example(tests_data)
    ref, ref_rep = map_ids(lib, genes, species="human", id_type="symbol")
    assert ref_rep.summary()["n_set_members_found"] > 0
    for case in (str.title, str.lower):
        user = [case(g) for g in genes]
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            out, _ = map_ids(lib, user)
        assert out.species == "human"
        assert {k: {g.upper() for g in v} for k, v in out.to_dict().items()} == {
            k: set(v) for k, v in ref.to_dict().items()
        }
        warned = [str(x.message) for x in w if issubclass(x.category, MamsetsWarning)]
        if case is str.title:
            assert warned and "species='human'" in warned[0]
        else:
            assert not warned


# -- harmonize -----------------------------------------------------------------------------------------
def test_harmonize_gmt(tmp_path) -> None:
    p = tmp_path / "old.gmt"
    p.write_text("OLD\td\tPARK2\tPRKN\tKIAA0101\tmfn2\tDRP1\tNOTAGENE1\tTG\nOK\td\tMFN2\n")
    out, rep = harmonize_gmt(p)
    assert out["OLD"].genes == ("PRKN", "PCLAF", "MFN2", "DRP1", "NOTAGENE1", "TG")
    assert out["OK"].genes == ("MFN2",)
    s = rep.summary()
    assert s["updates"] == {"PARK2": "PRKN", "KIAA0101": "PCLAF", "mfn2": "MFN2"}
    assert s["ambiguous"] == ["DRP1"] and s["unknown"] == ["NOTAGENE1"]
    assert s["n_duplicates_removed"] == 1  # PARK2 -> PRKN, already present
    r = rep.sets.set_index("set_id").loc["OLD"]
    assert (r.n_genes, r.n_unchanged, r.n_updated, r.n_ambiguous, r.n_unknown, r.n_genes_out) == (
        7,
        2,
        3,
        1,
        1,
        6,
    )
    assert out.species == "human" and out.id_type == "symbol"


def test_harmonize_warns_on_upper_cased_mouse_gmt(tests_data) -> None:
    # gseapy's example GMT (a copy in tests/data): upper-cased mouse symbols with RIKEN genes;
    # MGI: Scd1 and Scd2 are mouse paralogs of human SCD, Rhox6/Rhox9 and H2-K1 are mouse-only
    from mamsets.ids import SpeciesWarning

    path = tests_data / "gsea" / "gsea-desktop" / "gene_sets.gmt"
    with pytest.warns(SpeciesWarning, match="harmonize_gmt is for human GMTs") as rec:
        _, rep = harmonize_gmt(path)
    msg = str(rec[0].message)
    assert issubclass(SpeciesWarning, MamsetsWarning)
    assert "1700017B05RIK" in msg and "SCD1 -> SCD" in msg and "species='mouse'" in msg
    assert rep.warnings == (msg,) and rep.summary()["warnings"] == [msg]
    assert rep.summary()["updates"]["SCD1"] == "SCD"  # still done: the GMT may be human after all
    # a human GMT with renamed symbols: no warning, nothing recorded
    human = parse_gmt("A\td\tPARK2\tKIAA0101\tMFN2\tFIS1\tCYR61\tSCD\tLINC00473\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error", MamsetsWarning)
        _, rep = harmonize_gmt(human)
    assert rep.warnings == () and rep.summary()["warnings"] == []


def test_harmonize_refuses_non_symbols() -> None:
    coll = parse_gmt("A\td\t9927\t51024\t5071\t10059\t6445\n")
    with pytest.raises(IdentifierError, match="Entrez"):
        harmonize_gmt(coll)


# -- against the raw sources and other tools (../shared) ---------------------------------------------
@pytest.mark.shared_data
def test_fgsea_example_is_detected_as_mouse_entrez(shared_data) -> None:
    rnk = pd.read_csv(
        shared_data / "fgsea-example" / "naive.vs.th1.rnk", sep="\t", dtype={"ID": str}
    )
    d = detect_ids(rnk["ID"])
    assert (d.species, d.id_type, d.confident) == ("mouse", "entrez", True)
    # same answer from the integer column pandas makes by default
    d2 = detect_ids(pd.read_csv(shared_data / "fgsea-example" / "naive.vs.th1.rnk", sep="\t")["ID"])
    assert (d2.species, d2.id_type) == ("mouse", "entrez")


@pytest.mark.shared_data
def test_rodent_symbol_detection_on_real_lists(shared_data) -> None:
    rat = pd.read_csv(
        shared_data / "motrpac-rat-training" / "TRNSCRPT_GN_DA_trained_vs_SED.tsv.gz",
        sep="\t",
        dtype=str,
        usecols=["featureName", "gene_symbol"],
    )
    d = detect_ids(rat["gene_symbol"])
    assert (d.species, d.id_type, d.confident) == ("rat", "symbol", True)
    assert (detect_ids(rat["featureName"]).species, detect_ids(rat["featureName"]).id_type) == (
        "rat",
        "ensembl",
    )
    # mouse symbols of the fgsea list, via MGI's own marker report
    mk = pd.read_csv(
        shared_data / "geneids" / "mgi_HGNC_AllianceHomology_2024-11.rpt.gz",
        sep="\t",
        dtype=str,
        index_col=False,
        usecols=["Marker Symbol", "EntrezGene ID"],
    )
    rnk = pd.read_csv(shared_data / "fgsea-example" / "naive.vs.th1.rnk", sep="\t", dtype=str)
    sym = mk[mk["EntrezGene ID"].isin(set(rnk["ID"]))]["Marker Symbol"]
    d = detect_ids(sym)
    assert (d.species, d.id_type, d.confident) == ("mouse", "symbol", True)
    d = detect_ids(sym.str.upper())
    assert not d.confident and "upper-cased" in d.message


@pytest.mark.shared_data
def test_case_changed_real_human_edger_table(shared_data) -> None:
    # mitch's edgeR table of human muscle after exercise: HGNC symbols, 14,740 genes
    genes = pd.read_csv(
        shared_data / "human-exercise-inactivity" / "mitch_acute_endurance_1h_edger.tsv",
        sep="\t",
        usecols=["Name"],
    )["Name"]
    assert detect_ids(genes).confident and detect_ids(genes).species == "human"
    d = detect_ids(genes.str.lower())
    assert (d.species, d.id_type, d.confident) == ("human", "symbol", True)
    for case in (genes.str.title(), genes.str.capitalize()):
        d = detect_ids(case)
        assert (d.species, d.id_type, d.confident) == ("human", "symbol", False)
        assert "species='human'" in d.message and "species='rat'" in d.message
    from mamsets.io.bundled import library

    lib = library()
    ref = map_ids(lib, genes, species="human")[1].summary()
    for case in (genes.str.lower(), genes.str.title()):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", MamsetsWarning)
            out, rep = map_ids(lib, case)
        s = rep.summary()
        assert out.species == "human"
        assert s["n_set_members_found"] == ref["n_set_members_found"]
        assert s["n_distinct_members_found"] == ref["n_distinct_members_found"]


@pytest.mark.shared_data
def test_harmonize_warns_only_on_the_mouse_gmt_of_the_gseapy_example(shared_data) -> None:
    from mamsets.ids import SpeciesWarning

    folder = shared_data / "gseapy-example"
    with pytest.warns(SpeciesWarning, match="upper-cased mouse or rat symbols"):
        harmonize_gmt(folder / "gene_sets.gmt")
    with warnings.catch_warnings():  # genes.gmt holds human symbols (std_cutoffs sets)
        warnings.simplefilter("error", SpeciesWarning)
        _, rep = harmonize_gmt(folder / "genes.gmt")
    assert rep.warnings == ()


@pytest.mark.shared_data
def test_human_table_matches_hgnc_source(shared_data) -> None:
    src = pd.read_csv(
        shared_data / "geneids" / "hgnc_complete_set_2024-10.txt.gz",
        sep="\t",
        dtype=str,
        usecols=["hgnc_id", "symbol", "entrez_id", "ensembl_gene_id"],
    )
    src = src.sample(300, random_state=1)
    cols = {}
    for g, e, ens in zip(src["symbol"], src["entrez_id"], src["ensembl_gene_id"]):
        cols[g] = (e, ens)
    coll = GeneSetCollection.from_dict({"S": list(cols)}, species="human", id_type="symbol")
    ent = [e for e, _ in cols.values() if isinstance(e, str)]
    _out, rep = map_ids(coll, ent, species="human", id_type="entrez")
    got = dict(zip(rep.members["member"], rep.members["matched"]))
    for g, (e, _) in cols.items():
        assert got[g] == (e if isinstance(e, str) else "")


def _library_hgnc_ids() -> list[str]:
    """The bundled library's members (as the ortholog table covered before issue 13)."""
    from mamsets.io.bundled import controls, library

    hids = []
    for coll in (library(), controls()):
        for gs in coll:
            hids += [m.hgnc_id for m in gs.members if m.hgnc_id]
    return sorted(set(hids))


@pytest.mark.shared_data
def test_rat_orthologs_agree_with_motrpac(shared_data) -> None:
    """MotrPAC's rat-to-human table (Ensembl/HomoloGene/... consensus) is an independent reference."""
    from mamsets.ids.tables import _orthologs

    ref = pd.read_csv(
        shared_data / "motrpac-rat-training" / "RAT_TO_HUMAN.tsv.gz", sep="\t", dtype=str
    )
    ref0 = ref
    members = [h for h in _library_hgnc_ids() if h in _orthologs()["rat"]]
    hgnc = pd.read_csv(
        shared_data / "geneids" / "hgnc_complete_set_2024-10.txt.gz",
        sep="\t",
        dtype=str,
        usecols=["hgnc_id", "symbol"],
    )
    sym = dict(zip(hgnc["hgnc_id"], hgnc["symbol"]))
    genes = [sym[h] for h in members]
    coll = GeneSetCollection.from_dict({"S": genes}, species="human", id_type="symbol")
    ref = ref[ref["human_symbol"].isin(genes)]
    _out, rep = map_ids(coll, ref["entrez"].dropna(), species="rat", id_type="entrez")
    ours = rep.members[rep.members["matched"] != ""].groupby("member")["matched"].apply(set)
    theirs = ref.dropna(subset=["entrez"]).groupby("human_symbol")["entrez"].apply(set)
    common = ours.index.intersection(theirs.index)
    agree = sum(bool(ours[g] & theirs[g]) for g in common)
    assert len(common) >= 0.9 * len(theirs) and agree == len(common)
    # genome-wide (issue 13): 12,637 of 12,642 genes agree (measured); allow a few more
    genes = sorted(set(ref0["human_symbol"].dropna()))
    coll = GeneSetCollection.from_dict({"S": genes}, species="human", id_type="symbol")
    ref0 = ref0[ref0["human_symbol"].isin(genes)]
    _out, rep = map_ids(coll, ref0["entrez"].dropna(), species="rat", id_type="entrez")
    ours = rep.members[rep.members["matched"] != ""].groupby("member")["matched"].apply(set)
    theirs = ref0.dropna(subset=["entrez"]).groupby("human_symbol")["entrez"].apply(set)
    common = ours.index.intersection(theirs.index)
    agree = sum(bool(ours[g] & theirs[g]) for g in common)
    assert len(common) >= 0.95 * len(theirs) and agree >= 0.999 * len(common)


@pytest.mark.shared_data
def test_fgsea_list_against_members_matches_mgi_join(shared_data) -> None:
    """Members found in the fgsea list = an independent join through MGI's homology report."""
    from mamsets.ids.tables import _orthologs

    hom = pd.read_csv(
        shared_data / "geneids" / "mgi_HOM_MouseHumanSequence_2024-11.rpt.gz", sep="\t", dtype=str
    )
    hu = hom[hom["NCBI Taxon ID"] == "9606"][["DB Class Key", "HGNC ID", "Symbol"]]
    mo = hom[hom["NCBI Taxon ID"] == "10090"][["DB Class Key", "EntrezGene ID"]]
    pairs = hu.merge(mo, on="DB Class Key")
    members = set(_library_hgnc_ids()) & set(_orthologs()["mouse"])
    pairs = pairs[pairs["HGNC ID"].isin(members)]
    one_to_one = pairs.groupby("Symbol").filter(lambda g: len(g) == 1)
    rnk = pd.read_csv(shared_data / "fgsea-example" / "naive.vs.th1.rnk", sep="\t", dtype=str)
    in_list = pairs["EntrezGene ID"].isin(set(rnk["ID"]))
    coll = GeneSetCollection.from_dict(
        {"S": sorted(set(pairs["Symbol"]))}, species="human", id_type="symbol"
    )
    _out, rep = map_ids(coll, rnk["ID"])  # detected: mouse Entrez
    found = set(rep.members.loc[rep.members["matched"] != "", "member"])
    assert rep.input["species"] == "mouse" and rep.input["id_type"] == "entrez"
    ones = set(one_to_one["Symbol"])
    assert found & ones == set(pairs.loc[in_list, "Symbol"]) & ones
    # one-to-many clusters: we keep only the HGNC-agreed ortholog, so we find a subset
    assert found <= set(pairs.loc[in_list, "Symbol"])
    assert len(found & ones) > 100


@pytest.mark.shared_data
def test_pfocr_figure_words(shared_data) -> None:
    """Harmonising the figure's raw words: rescues that PFOCR made silently are listed here."""
    words = pd.read_csv(
        shared_data / "pfocr" / "PMC10970480__ijms-25-03196-g003-genes.tsv", sep="\t", dtype=str
    )
    uniq = list(dict.fromkeys(words["match"]))
    coll = GeneSetCollection.from_dict({"F3": uniq})
    _out, rep = harmonize_gmt(coll)
    s = rep.summary()
    assert s["updates"]["MAM"] == "SGCG" and s["updates"]["HIR"] == "KCNJ4"
    # where we rescue a word, PFOCR's NCBI mapping names the same gene (independent reference)
    pf = words.groupby("match")["ncbigene_symbol"].apply(set)
    for word, new in s["updates"].items():
        if len(pf[word]) == 1:
            assert pf[word] == {new}, word
    # words that name several genes are never collapsed onto one
    assert "IP3R" not in s["updates"] and "MTORC2" not in s["updates"]
    # aliases="none" keeps every figure word unchanged except case fixes
    _, rep0 = harmonize_gmt(coll, aliases="none")
    assert set(rep0.summary()["updates"]) <= {w for w in uniq if w.upper() != w}


def test_ortholog_table_agrees_with_library_identity_table() -> None:
    """The library's identity table (built separately) names the same mouse and rat genes."""
    from pathlib import Path

    from mamsets.ids.tables import _Ortholog, _orthologs

    path = Path(__file__).resolve().parents[1] / "genesets" / "identity.tsv"
    if not path.is_file():
        pytest.skip("genesets/identity.tsv not present")
    ident = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)
    orth = _orthologs()
    for sp in ("mouse", "rat"):
        for h, ent in zip(ident["hgnc_id"], ident[f"{sp}_entrez"]):
            if ent:
                assert ent in {_Ortholog._make(o).entrez for o in orth[sp].get(h, ())}, (sp, h, ent)
            else:  # no ortholog in the library's table: none in the genome-wide one either
                assert h not in orth[sp], (sp, h)


# -- the bundled library (engines call map_ids on the way in) ------------------------------------------
def test_library_already_in_users_space_is_unchanged() -> None:
    from mamsets.io.bundled import library

    lib = library()
    out, rep = map_ids(
        lib, sorted(lib.genes) + ["ACTB", "GAPDH"], species="human", id_type="symbol"
    )
    assert out.sha256 == lib.sha256 and out.ids == lib.ids
    assert set(rep.members["how"]) == {"exact"} and rep.sets["n_missing"].sum() == 0
    # the library in mouse Entrez (translated by io.bundled) matched directly by mouse Entrez data
    mlib = library("mouse", "entrez")
    out, rep = map_ids(mlib, sorted(mlib.genes), species="mouse", id_type="entrez")
    assert rep.input["route"] == "direct" and out.sha256 == mlib.sha256


def test_library_to_mouse_entrez_agrees_with_io_bundled() -> None:
    """io.bundled translates through genesets/identity.tsv; map_ids through the shipped tables."""
    from mamsets.io.bundled import library

    lib, mlib = library(), library("mouse", "entrez")
    out, _ = map_ids(lib, sorted(mlib.genes), species="mouse", id_type="entrez")
    for gs in mlib:
        assert set(out[gs.id].genes) == set(gs.genes), gs.id


@settings(max_examples=25, deadline=None)
@given(
    cases=st.lists(
        st.sampled_from(["upper", "lower", "title"]), min_size=len(CORE), max_size=len(CORE)
    ),
    noise=st.lists(st.sampled_from(["", " ", None, "ACTB", "GAPDH", "TP53"]), max_size=10),
    seed=st.randoms(use_true_random=False),
)
def test_property_case_noise_and_order_do_not_change_what_is_found(cases, noise, seed) -> None:
    user = [getattr(g, c)() for g, c in zip(CORE, cases)] + noise
    seed.shuffle(user)
    out, rep = map_ids(human_collection(), user, species="human", id_type="symbol")
    assert rep.sets.loc[0, "n_found"] == len(CORE)
    assert {g.upper() for g in out["CORE"].genes} == set(CORE)
    assert rep.input["n_identifiers"] == len(user)


def test_shipped_tables_match_their_manifest() -> None:
    """SOURCES.json records each shipped table's sha256 (rebuild with scripts/build_idtables.py)."""
    import hashlib
    from importlib import resources

    data = resources.files("mamsets").joinpath("data")
    manifest = json.loads(data.joinpath("SOURCES.json").read_text())
    assert {o["file"] for o in manifest["outputs"]} == {
        "hgnc_ids.tsv.gz",
        "orthologs.tsv.gz",
        "species_evidence.tsv.gz",
    }
    for o in manifest["outputs"]:
        blob = data.joinpath(o["file"]).read_bytes()
        assert hashlib.sha256(blob).hexdigest() == o["sha256"] and len(blob) == o["bytes"]
    # genome-wide orthologs (issue 13): 2.06 MB measured; the wheel budget is 15 MB
    assert sum(o["bytes"] for o in manifest["outputs"]) < 3_000_000


def test_every_reason_is_reachable() -> None:
    # RPS4Y1 (a Y-linked ribosomal protein) is a control-set member with no rat ortholog in HGNC/RGD
    _, rep = map_ids(
        human_collection(["MFN2", "RPS4Y1"]), ["Mfn2"], species="rat", id_type="symbol"
    )
    assert row(rep, "RPS4Y1")["reason"] == "no_ortholog"
    # CYP2A7P2 has an Ensembl id but no Entrez id in HGNC
    _, rep = map_ids(
        human_collection(["MFN2", "CYP2A7P2"]), ["9927"], species="human", id_type="entrez"
    )
    assert row(rep, "CYP2A7P2")["reason"] == "no_identifier"
    # a member that is no HGNC symbol at all
    _, rep = map_ids(
        human_collection(["MFN2", "NOTAGENE1"]), ["MFN2"], species="human", id_type="symbol"
    )
    r = row(rep, "NOTAGENE1")
    assert r["reason"] == "unknown_member" and "not an approved HGNC symbol" in r["note"]


def test_spreadsheet_dates_are_reported() -> None:
    d = detect_ids(CORE + ["1-Mar", "2-Sep", "MARCHF1"])
    assert (d.species, d.id_type) == ("human", "symbol")
    assert "2 identifiers look like spreadsheet dates (e.g. 1-Mar, 2-Sep)" in d.message


@pytest.mark.shared_data
def test_real_spreadsheet_dates_in_the_gsea_p53_data(shared_data) -> None:
    """The classic GSEA P53 expression table carries Excel-mangled SEPT genes (15-Sep, ...)."""
    genes = pd.read_csv(shared_data / "gsea-benchmarks" / "p53" / "P53.txt.gz", sep="\t", dtype=str)
    d = detect_ids(genes.iloc[:, 0])
    assert (d.species, d.id_type, d.confident) == ("human", "symbol", True)
    kinds = d.kinds.set_index("kind")["n"]
    assert kinds["spreadsheet_date"] == 5 and kinds["probe"] > 1000 and "uniprot" not in kinds
    assert "spreadsheet dates (e.g. 15-Sep" in d.message


# -- the array-built report equals the obvious loop -------------------------------------------------
def _reference_direct(sets: dict[str, list[str]], user: list[str]):
    """Members, sets and summary of a direct match, written the obvious way (loops and dicts).

    Rules from the map_ids docstring: a member matches a user identifier equal to
    it (``exact``), else an Ensembl member matches the user's id with the same
    unversioned stable id (``ensembl_version_stripped``, the user's first such id);
    a user identifier claimed twice in one set counts once.
    """
    unversioned: dict[str, str] = {}
    for u in user:
        if u.upper().startswith("ENS"):
            unversioned.setdefault(u.split(".")[0].upper(), u)
    members, set_rows, out = [], [], {}
    for sid, genes in sets.items():
        claimed: list[str] = []
        how_counts = dict.fromkeys(HOWS, 0)
        for g in genes:
            if g in user:
                s, how = g, "exact"
            elif g.upper().startswith("ENS") and g.split(".")[0].upper() in unversioned:
                s, how = unversioned[g.split(".")[0].upper()], "ensembl_version_stripped"
            else:
                members.append((sid, g, "", "", "", "absent_from_data", ""))
                continue
            how_counts[how] += 1
            note = "same identifier as another member; counted once" if s in claimed else ""
            if not note:
                claimed.append(s)
            members.append((sid, g, "", s, how, "", note))
        n_found = sum(how_counts.values())
        set_rows.append(
            (sid, len(genes), n_found, len(genes) - n_found, len(claimed), *how_counts.values())
        )
        out[sid] = claimed
    members_df = pd.DataFrame(
        members, columns=["set_id", "member", "hgnc_id", "matched", "how", "reason", "note"]
    ).astype(object)
    sets_df = pd.DataFrame(
        set_rows,
        columns=[
            "set_id",
            "n_members",
            "n_found",
            "n_missing",
            "n_genes",
            *(f"n_{h}" for h in HOWS),
        ],
    )
    sets_df = sets_df.astype({c: ("int64" if c != "set_id" else object) for c in sets_df.columns})
    return members_df, sets_df, out


def _reference_summary(members: pd.DataFrame, n_sets: int) -> dict:
    """The summary's totals straight from a member table (first row of each set/member pair)."""
    first = members.drop_duplicates(["set_id", "member"])
    found = first[first["matched"] != ""]
    return {
        "n_sets": n_sets,
        "n_set_members": len(first),
        "n_set_members_found": len(found),
        "n_distinct_members": first["member"].nunique(),
        "n_distinct_members_found": found["member"].nunique(),
        "how": found["how"].value_counts().to_dict(),
        "reason": first.loc[first["reason"] != "", "reason"].value_counts().to_dict(),
    }


def test_direct_report_equals_the_obvious_loop() -> None:
    rng = np.random.default_rng(20261125)
    names = [f"GENE{i:04d}" for i in range(300)]
    ens = [f"ENSG{i:011d}.{v}" for i in range(1, 41) for v in (1, 2)]  # two versions of each
    pool = names + ens
    sets = {
        f"S{j:02d}": list(rng.choice(pool, int(rng.integers(0, 60)), replace=False))
        for j in range(40)
    }
    user = list(rng.choice(names, 200, replace=False))
    user += [f"ENSG{i:011d}.7" for i in range(1, 41, 2)]  # stripped matches, claimed twice
    user += [f"ENSG{i:011d}.1" for i in range(2, 41, 4)]  # exact for one version
    coll = GeneSetCollection.from_dict(sets, name="plain")
    out, rep = map_ids(coll, user)
    assert rep.input["route"] == "direct"
    ref_members, ref_sets, ref_out = _reference_direct(sets, user)
    assert (ref_members["note"] != "").sum() > 5  # the example exercises shared identifiers
    pd.testing.assert_frame_equal(rep.members, ref_members)
    pd.testing.assert_frame_equal(rep.sets, ref_sets)
    assert out.to_dict() == ref_out
    summary = rep.summary()
    assert {k: summary[k] for k in _reference_summary(ref_members, len(sets))} == (
        _reference_summary(ref_members, len(sets))
    )
    missing = ref_sets[ref_sets["n_missing"] > 0]
    assert summary["sets_missing_members"] == [
        {"set_id": s, "n_members": int(m), "n_found": int(f)}
        for s, m, f in zip(missing["set_id"], missing["n_members"], missing["n_found"])
    ]
    assert rep.members is rep.members  # built once, on first access


@pytest.mark.parametrize(
    "case",
    ["direct", "human_symbols", "mouse_entrez", "rat_symbols"],
)
def test_summary_from_counts_equals_summary_from_the_member_table(case) -> None:
    from mamsets.ids import MappingReport

    coll = human_collection(
        ["MFN2", "PRKN", "DNM1L", "RPS4Y1", "NOTAGENE1"], EXTRA=["PRKN", "MFN2", "HSPA9"]
    )
    args = {
        "direct": (
            parse_gmt("A\tx\t170731\t74006\t999\nB\ty\t74006\t5\n"),
            ["170731", "74006"],
            {},
        ),
        "human_symbols": (coll, ["MFN2", "PARK2", "PRKN", "DRP1", "GRP75"], {}),
        "mouse_entrez": (
            coll,
            ["170731", "74006", "50523"],
            {"species": "mouse", "id_type": "entrez"},
        ),
        "rat_symbols": (coll, ["Mfn2", "Prkn"], {"species": "rat", "id_type": "symbol"}),
    }[case]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MamsetsWarning)
        _, rep = map_ids(args[0], args[1], **args[2])
    from_table = MappingReport(rep.members, rep.sets, rep.input)  # no precomputed totals
    assert rep.summary() == from_table.summary()
    n_sets = len(rep.sets)
    assert {k: rep.summary()[k] for k in _reference_summary(rep.members, n_sets)} == (
        _reference_summary(rep.members, n_sets)
    )


def test_several_orthologs_per_member_and_shared_identifiers(monkeypatch) -> None:
    """Rows per ortholog and "counted once" notes, with a hand-made ortholog table."""
    from mamsets.ids import resolve
    from mamsets.ids import tables as mids

    real = mids._orthologs()
    hu = mids._human()
    mfn2, fis1 = hu.symbol["MFN2"], hu.symbol["FIS1"]
    orth = mids._Ortholog
    fake = {
        "mouse": {
            **real["mouse"],
            mfn2: (orth("Mfn2", "170731", (), (), ()), orth("Mfn2b", "999999991", (), (), ())),
            fis1: (orth("Fis1", "66437", (), (), ()), orth("Fis1x", "170731", (), (), ())),
        },
        "rat": real["rat"],
    }
    monkeypatch.setattr(resolve, "_orthologs", lambda: fake)  # where map_ids looks it up
    coll = GeneSetCollection.from_dict(
        {"S": ["MFN2", "FIS1", "MCU"], "T": ["FIS1", "MFN2"]}, species="human", id_type="symbol"
    )
    out, rep = map_ids(
        coll, ["170731", "999999991", "66437", "1"], species="mouse", id_type="entrez"
    )
    once = "same identifier as member {}; counted once"
    got = rep.members[["set_id", "member", "matched", "how", "note"]].values.tolist()
    assert got[:4] == [
        ["S", "MFN2", "170731", "ortholog", ""],
        ["S", "MFN2", "999999991", "ortholog", ""],
        ["S", "FIS1", "66437", "ortholog", ""],
        ["S", "FIS1", "170731", "ortholog", once.format("MFN2")],
    ]
    assert got[4][:3] == ["S", "MCU", ""] and rep.members["reason"].iloc[4] == "absent_from_data"
    assert got[5:] == [
        ["T", "FIS1", "66437", "ortholog", ""],
        ["T", "FIS1", "170731", "ortholog", ""],
        ["T", "MFN2", "170731", "ortholog", once.format("FIS1")],
        ["T", "MFN2", "999999991", "ortholog", ""],
    ]
    assert out["S"].genes == ("170731", "999999991", "66437")
    assert out["T"].genes == ("66437", "170731", "999999991")
    s = rep.sets.set_index("set_id")
    assert s.loc["S", ["n_members", "n_found", "n_missing", "n_genes", "n_ortholog"]].tolist() == [
        3,
        2,
        1,
        3,
        2,
    ]
    assert s.loc["T", ["n_members", "n_found", "n_missing", "n_genes", "n_ortholog"]].tolist() == [
        2,
        2,
        0,
        3,
        2,
    ]
    summary = rep.summary()
    assert (summary["n_set_members"], summary["n_set_members_found"]) == (5, 4)
    assert (summary["n_distinct_members"], summary["n_distinct_members_found"]) == (3, 2)
    assert summary["how"] == {"ortholog": 4} and summary["reason"] == {"absent_from_data": 1}


def test_any_pattern_prefilter_agrees_with_the_patterns() -> None:
    from mamsets.ids import patterns as mids

    examples = [
        "1-Mar",
        "SEP-15",
        "2020-01-01",
        "ENST00000123456",
        "ENSMUSP00000012345.2",
        "NM_000546.6",
        "XR_123",
        "1007_s_at",
        "ILMN_1234",
        "A_23_P100001",
        "P04637",
        "Q9Y6K9-2",
        "MFN2",
        "GENE00001",
        "Mfn2",
        "Gm12345",
        "LOC105377",
        "1110008P14Rik",
    ]
    for s in examples:
        assert (mids._ANY_PATTERN.match(s) is not None) == any(
            p.match(s) for _, p in mids._PATTERNS
        ), s


def test_report_is_a_frozen_dataclass_whose_member_table_is_built_on_demand() -> None:
    import copy
    import dataclasses
    import pickle

    from mamsets.ids import MappingReport

    coll = parse_gmt("A\tx\tg1\tg2\tg3\nB\ty\tg2\n")
    _, rep = map_ids(coll, ["g1", "g2"])
    assert [f.name for f in dataclasses.fields(rep) if f.init] == ["members", "sets", "input"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        rep.members = None  # type: ignore[misc]
    expected = [["A", "g1", "g1"], ["A", "g2", "g2"], ["A", "g3", ""], ["B", "g2", "g2"]]
    for copied in (pickle.loads(pickle.dumps(rep)), copy.deepcopy(rep)):
        assert copied == rep and copied.summary() == rep.summary()
    assert rep.members[["set_id", "member", "matched"]].values.tolist() == expected
    # replacing a table gives a report summarised from its own tables
    fewer = dataclasses.replace(rep, members=rep.members.iloc[:2])
    assert fewer.summary()["n_set_members"] == 2 and rep.summary()["n_set_members"] == 4
    assert MappingReport(rep.members, rep.sets, rep.input).summary() == rep.summary()


# -- issue 13: any GMT, any species ------------------------------------------------------------------
def test_mouse_gmt_maps_onto_human_symbols_and_rat_and_mouse_ids() -> None:
    """A mouse Entrez GMT (no declared space) on human, rat and mouse-symbol data."""
    coll = GeneSetCollection.from_dict({"S": ["170731", "66437", "17873"]})  # Mfn2, Fis1, ...
    out, rep = map_ids(coll, ["MFN2", "FIS1", "ACTB", "GAPDH", "TP53"], species="human", id_type="symbol")
    assert rep.input["collection_species"] == "mouse" and rep.input["collection_id_type"] == "entrez"
    assert set(out["S"].genes) == {"MFN2", "FIS1"}
    assert set(rep.members.loc[rep.members["matched"] != "", "how"]) == {"ortholog"}
    out, _ = map_ids(coll, ["Mfn2", "Fis1", "Actb"], species="rat", id_type="symbol")
    assert set(out["S"].genes) == {"Mfn2", "Fis1"}
    out, _ = map_ids(coll, ["Mfn2", "Fis1", "Actb"], species="mouse", id_type="symbol")
    assert set(out["S"].genes) == {"Mfn2", "Fis1"}


def test_numeric_ids_of_another_species_are_never_matched_as_written() -> None:
    # mouse Mfn2's Entrez id 170731, declared mouse, on human Entrez data that holds "170731" too
    mouse = GeneSetCollection.from_dict({"S": ["170731"]}, species="mouse", id_type="entrez")
    _, rep = map_ids(mouse, ["170731", "9927"], species="human", id_type="entrez")
    assert row(rep, "170731", "S")["matched"] == "9927"  # MFN2's human Entrez id


def test_one_ortholog_rule_ndufs6_in_rat() -> None:
    """RGD renamed Ndufs6l1 (RGD:1584802, HGNC's rat ortholog of NDUFS6) to Ndufs6 in 2024, and data
    annotated earlier call another gene (RGD:3156) Ndufs6: the ambiguous name is never used."""
    coll = human_collection(["NDUFS6"])
    _, rep = map_ids(coll, ["Ndufs6", "Ndufs6l1", "Actb"], species="rat", id_type="symbol")
    assert row(rep, "NDUFS6")["matched"] == "Ndufs6l1"
    two = human_collection(["NDUFS6", "MFN2"])
    _, rep = map_ids(two, ["Ndufs6", "Actb", "Mfn2"], species="rat", id_type="symbol")
    r = row(rep, "NDUFS6")
    assert r["matched"] == "" and "Ndufs6" in r["note"]


@pytest.mark.shared_data
def test_mouse_reactome_on_human_obesity_table(shared_data) -> None:
    """Issue 13's check: the fgsea example's mouse Reactome GMT on a human symbol table."""
    from mamsets.io.gmt import read_gmt

    gmt = read_gmt(shared_data / "fgsea-example" / "mouse.reactome.gmt")
    table = pd.read_csv(
        shared_data / "human-muscle-insulin-resistance" / "obesity_vs_lean_muscle_limma.tsv",
        sep="\t",
        dtype=str,
    )
    _out, rep = map_ids(gmt, table["SYMBOL"])
    assert rep.input["collection_species"] == "mouse" and rep.input["species"] == "human"
    m = rep.members.drop_duplicates("member")
    with_ortholog = m[m["hgnc_id"] != ""]
    # measured: 6,601 of 7,111 distinct members have a human ortholog, 4,667 are in the table
    assert len(with_ortholog) >= 0.9 * len(m)
    hu = set(table["SYMBOL"])
    from mamsets.ids.tables import _human

    sym = _human().to_symbol
    measured = with_ortholog[
        with_ortholog["hgnc_id"].map(lambda h: any(sym.get(x) in hu for x in h.split("|")))
    ]
    assert (measured["matched"] != "").mean() >= 0.9


def test_no_overlap_message_does_not_contradict_the_arguments() -> None:
    coll = human_collection(["NDUFS6"])
    ids = ["ACTB", "GAPDH", "TP53", "MYC", "EGFR", "KRAS", "BRCA1", "PTEN", "AKT1", "MTOR"]
    with pytest.raises(IdentifierError) as exc:
        map_ids(coll, ids, species="human", id_type="symbol")
    msg = str(exc.value)
    assert "with species='human'" in msg and "pass species='human', id_type='symbol'" not in msg


def test_plain_mouse_entrez_gmt_on_human_symbol_ranking_just_works() -> None:
    """Issue 13: ms.gsea(human_ranking, mouse_entrez_gmt) maps instead of finding nothing."""
    import mamsets as ms
    from mamsets.ids import spaces_differ
    from mamsets.ids.tables import _human, _Ortholog, _orthologs

    hu, mouse = _human(), _orthologs()["mouse"]
    by_entrez = {_Ortholog._make(o[0]).entrez: hu.to_symbol[h] for h, o in sorted(mouse.items())
                 if len(o) == 1}
    pairs = [(s, e) for e, s in by_entrez.items() if e][:600]
    rng = np.random.default_rng(1)
    ranking = pd.Series(rng.normal(size=len(pairs)), index=[p[0] for p in pairs])
    gmt = GeneSetCollection.from_dict(
        {f"S{i}": [p[1] for p in pairs[i * 20 : i * 20 + 20]] for i in range(5)}
    )
    assert spaces_differ(gmt, ranking.index)
    res = ms.gsea(ranking, gmt, rng=1, n_perm=100, method="permutation")
    assert res.mapping["input"]["collection_species"] == "mouse"
    assert list(res.table["size"]) == [20] * 5
