"""GMT reading, validation and writing: fixtures, round trips and gseapy interop."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mamsets.errors import DuplicateGeneWarning, GMTFormatError, OutputExistsError
from mamsets.io.gmt import gmt_text, parse_gmt, read_gmt, validate_gmt, write_gmt
from mamsets.model import GeneSet, GeneSetCollection

GMT_DIR = Path(__file__).parent / "data" / "gmt"

# fixture file -> (line number of the error, words the message must contain)
INVALID = {
    "two_fields.gmt": (2, "needs at least 3"),
    "one_field.gmt": (2, "needs at least 3"),
    "space_separated.gmt": (1, "separated by spaces"),
    "duplicate_set.gmt": (2, "duplicate set name"),
    "empty_name.gmt": (2, "empty set name"),
    "empty_set_trailing_tabs.gmt": (2, "needs at least 3"),
    "latin1.gmt": (2, "not valid UTF-8"),
    "binary.gmt": (1, "NUL bytes"),
    "gene_with_space.gmt": (1, "contains whitespace"),
    "no_sets.gmt": (0, "no gene sets"),
    "whitespace_name.gmt": (2, "empty set name"),
    "whitespace_genes.gmt": (2, "needs at least 3"),
}


def test_every_invalid_fixture_is_listed() -> None:
    assert sorted(p.name for p in (GMT_DIR / "invalid").iterdir()) == sorted(INVALID)


@pytest.mark.parametrize("name", sorted(INVALID))
def test_invalid_fixture_error_names_file_and_line(name: str) -> None:
    line, words = INVALID[name]
    path = GMT_DIR / "invalid" / name
    with pytest.raises(GMTFormatError) as info:
        read_gmt(path)
    err = info.value
    assert words in str(err)
    assert str(path) in str(err)
    if line:
        assert err.line == line
        assert f"line {line}" in str(err)
    assert isinstance(err, ValueError)


@pytest.mark.parametrize("name", sorted(INVALID))
def test_validate_reports_the_same_line(name: str) -> None:
    line, words = INVALID[name]
    problems = [p for p in validate_gmt(GMT_DIR / "invalid" / name) if p.severity == "error"]
    assert problems, name
    assert problems[0].line == line
    assert words in problems[0].message


def test_validate_collects_all_problems(tmp_path: Path) -> None:
    p = tmp_path / "many.gmt"
    p.write_text("A\td\tG1\nA\td\tG2\nB\td\nC\td\tX\tX\n", encoding="utf-8")
    probs = validate_gmt(p)
    assert [(x.line, x.severity) for x in probs] == [(2, "error"), (3, "error"), (4, "warning")]


def test_valid_fixtures() -> None:
    simple = read_gmt(GMT_DIR / "valid" / "simple.gmt")
    assert simple.ids == ("SET_A", "SET B has spaces")
    assert simple["SET_A"].description == "A set with spaces in its description"
    assert simple["SET_A"].genes == ("TP53", "MDM2", "CDKN1A")
    bom = read_gmt(GMT_DIR / "valid" / "bom_crlf.gmt")
    assert bom.ids == ("SET_A", "SET_B")  # no BOM glued to the first name
    assert bom["SET_A"].genes == ("TP53", "MDM2")  # no \r glued to the last gene
    blank = read_gmt(GMT_DIR / "valid" / "blank_lines_trailing_tabs.gmt")
    assert blank.to_dict() == {"SET_A": ["TP53", "MDM2"], "SET_B": ["EGFR"]}
    assert blank["SET_B"].description == ""
    num = read_gmt(GMT_DIR / "valid" / "numeric_ids.gmt")
    assert num["1234"].genes == ("7157", "4193")
    for f in (GMT_DIR / "valid").iterdir():
        assert validate_gmt(f) == []


def test_duplicate_genes_dropped_with_warning_naming_them() -> None:
    with pytest.warns(DuplicateGeneWarning, match=r"line 1: set S lists 2 duplicate.*MDM2, TP53"):
        c = parse_gmt("S\td\tTP53\tMDM2\tTP53\tMDM2\tEGFR\n")
    assert c["S"].genes == ("TP53", "MDM2", "EGFR")


def test_missing_file() -> None:
    with pytest.raises(FileNotFoundError, match="nope.gmt"):
        read_gmt("nope.gmt")


def test_write_is_atomic_and_refuses_overwrite(tmp_path: Path) -> None:
    c = GeneSetCollection.from_dict({"A": ["x", "y"]}, descriptions={"A": "desc with space"})
    out = tmp_path / "a.gmt"
    write_gmt(c, out)
    assert out.read_bytes() == b"A\tdesc with space\tx\ty\n"
    with pytest.raises(OutputExistsError, match="--force"):
        write_gmt(c, out)
    c2 = GeneSetCollection.from_dict({"B": ["z"]})
    write_gmt(c2, out, overwrite=True)
    assert out.read_text() == "B\t\tz\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.gmt"]  # no temp files left


def test_write_refuses_tab_in_description() -> None:
    c = GeneSetCollection(sets=(GeneSet("A", ("x",), description="bad\tdesc"),))
    with pytest.raises(GMTFormatError, match="description contains a tab"):
        gmt_text(c)


_name = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters="\t\ufeff"),
    min_size=1,
    max_size=20,
).filter(lambda s: s.strip() == s and s != "")
_gene = st.text(
    alphabet=st.characters(whitelist_categories=("Lu", "Ll", "Nd"), whitelist_characters="-_.:"),
    min_size=1,
    max_size=12,
)


@settings(max_examples=60, deadline=None)
@given(
    st.dictionaries(
        _name,
        st.tuples(_name, st.lists(_gene, min_size=1, max_size=15, unique=True)),
        min_size=1,
        max_size=8,
    )
)
def test_round_trip(tmp_path_factory: pytest.TempPathFactory, data: dict) -> None:
    sets = tuple(GeneSet(k, tuple(g), description=d) for k, (d, g) in data.items())
    c = GeneSetCollection(sets=sets)
    path = tmp_path_factory.mktemp("rt") / "x.gmt"
    write_gmt(c, path)
    back = read_gmt(path)
    assert back.to_dict() == c.to_dict()
    assert [s.description for s in back] == [s.description for s in c]
    assert back.sha256 == c.sha256


def test_gseapy_reads_our_gmt_unchanged(tmp_path: Path) -> None:
    import gseapy

    c = read_gmt(GMT_DIR / "valid" / "simple.gmt")
    out = tmp_path / "x.gmt"
    write_gmt(c, out)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = gseapy.read_gmt(str(out))
    assert {k: list(v) for k, v in theirs.items()} == c.to_dict()


def test_gzipped_gmt_with_or_without_suffix(tmp_path) -> None:
    import gzip

    from mamsets.io.gmt import read_gmt

    text = "S1\tdesc\tA\tB\nS2\tdesc\tC\n"
    for name in ("sets.gmt.gz", "sets.gmt"):
        p = tmp_path / name
        p.write_bytes(gzip.compress(text.encode()))
        coll = read_gmt(p)
        assert coll.to_dict() == {"S1": ["A", "B"], "S2": ["C"]} and coll.name == "sets"
