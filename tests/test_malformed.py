"""Inputs from the wild (issue 13): every malformed fixture through the API and the CLI.

tests/data/malformed/ is written by scripts/make_malformed_fixtures.py; expected.tsv gives each
file's outcome (error, warning, ok) and words its message must contain. No traceback, no silent
loss: errors are MamsetsError naming the file, warnings are MamsetsWarning naming the file, and
the CLI prints one line and exits 2 (or 0 with warnings).
"""

from __future__ import annotations

import csv
import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mamsets.cli import main
from mamsets.errors import MamsetsError, MamsetsWarning
from mamsets.io.gmt import parse_gmt, read_gmt, validate_gmt
from mamsets.io.ranking import read_ranking

D = Path(__file__).parent / "data" / "malformed"
CASES = list(csv.DictReader((D / "expected.tsv").open(encoding="utf-8"), delimiter="\t"))


def _id(case: dict[str, str]) -> str:
    return f"{case['kind']}/{case['file']}"


def test_fixture_folder_is_complete() -> None:
    kinds = {k: [c for c in CASES if c["kind"] == k] for k in ("gmt", "table")}
    assert len(kinds["gmt"]) >= 30 and len(kinds["table"]) >= 30
    for k, cases in kinds.items():
        assert sorted(p.name for p in (D / k).iterdir()) == sorted(c["file"] for c in cases)
        assert {c["outcome"] for c in cases} == {"ok", "warning", "error"}


def _read(case: dict[str, str]):
    path = D / case["kind"] / case["file"]
    return (read_gmt if case["kind"] == "gmt" else read_ranking)(path), path


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_api_outcome(case: dict[str, str]) -> None:
    path = D / case["kind"] / case["file"]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if case["outcome"] == "error":
            with pytest.raises(MamsetsError) as exc:
                _read(case)
            assert str(path) in str(exc.value) and case["words"] in str(exc.value)
            return
        result, _ = _read(case)
    ours = [w for w in caught if issubclass(w.category, MamsetsWarning)]
    if case["outcome"] == "ok":
        assert not ours, [str(w.message) for w in ours]
    else:
        text = " ".join(str(w.message) for w in ours)
        assert ours and str(path) in text and case["words"] in text
    # nothing lost silently: the good content arrives whole
    if case["kind"] == "gmt":
        assert len(result["SET_A"].genes) == 20 and "SET_B" in result.ids
    else:
        assert len(result.scores) >= 60


@pytest.mark.parametrize("case", [c for c in CASES if c["kind"] == "gmt"], ids=_id)
def test_validate_gmt_agrees(case: dict[str, str]) -> None:
    problems = validate_gmt(D / "gmt" / case["file"])
    severities = {p.severity for p in problems}
    expected = {"ok": set(), "warning": {"warning"}}.get(case["outcome"])
    if expected is None:
        assert "error" in severities
    else:
        assert severities == expected, problems


def _cli(args: list[str], capsys) -> tuple[int, list[str]]:
    rc = main(args)
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return rc, [ln for ln in err.splitlines() if ln.strip()]


@pytest.mark.parametrize("case", [c for c in CASES if c["outcome"] == "error"], ids=_id)
def test_cli_error_is_one_line_naming_the_file(case: dict[str, str], tmp_path, capsys) -> None:
    bad = str(D / case["kind"] / case["file"])
    table, gmt = (str(D / "good.tsv"), bad) if case["kind"] == "gmt" else (bad, str(D / "good.gmt"))
    rc, lines = _cli(["gsea", table, "--gmt", gmt, "-o", str(tmp_path / "o"), "--no-plots",
                      "--n-perm", "100", "--seed", "1"], capsys)
    errors = [ln for ln in lines if ": error: " in ln]
    assert rc == 2 and len(errors) == 1 and case["file"] in errors[0], lines


@pytest.mark.parametrize("case", [c for c in CASES if c["kind"] == "gmt" and c["outcome"] != "error"],
                         ids=_id)
def test_cli_validate_accepts_with_warnings(case: dict[str, str], capsys) -> None:
    rc = main(["validate", str(D / "gmt" / case["file"])])
    out = capsys.readouterr()
    assert rc == 0 and "Traceback" not in out.err
    assert (": warning: " in out.out) == (case["outcome"] == "warning")


@pytest.mark.parametrize("name", ["warn_excel_dates.tsv", "warn_semicolon.tsv", "ok_cr_only.tsv"])
def test_cli_run_on_a_warning_table(name: str, tmp_path, capsys) -> None:
    rc, lines = _cli(["gsea", str(D / "table" / name), "--gmt", str(D / "good.gmt"), "-o",
                      str(tmp_path / "o"), "--no-plots", "--n-perm", "100", "--seed", "1"], capsys)
    assert rc == 0 and not [ln for ln in lines if ": error: " in ln]
    assert any(name in ln for ln in lines if ": warning: " in ln) == name.startswith("warn")


def test_cli_output_under_a_file_fails_before_the_run(tmp_path, capsys) -> None:
    (tmp_path / "afile").write_text("x")
    rc, lines = _cli(["gsea", str(D / "good.tsv"), "--gmt", str(D / "good.gmt"), "-o",
                      str(tmp_path / "afile" / "sub")], capsys)
    assert rc == 2 and len(lines) == 1 and "is a file, not a folder" in lines[0]


def test_cli_ctrl_c_is_one_line_and_130(monkeypatch, capsys) -> None:
    def boom(args):
        raise KeyboardInterrupt

    parser_args = ["validate", str(D / "good.gmt")]
    from mamsets import cli

    p = cli.build_parser()
    ns = p.parse_args(parser_args)
    ns.func = boom
    monkeypatch.setattr(cli, "build_parser",
                        lambda argv=None: type("P", (), {"parse_args": lambda s, a: ns})())
    rc, lines = _cli(parser_args, capsys)
    assert rc == 130 and len(lines) == 1 and "interrupted" in lines[0]


def test_cli_oserror_on_write_is_one_line(monkeypatch, capsys) -> None:
    from mamsets import cli

    def denied(args):
        raise PermissionError(13, "Permission denied", "/ro/out/results.tsv")

    ns = cli.build_parser().parse_args(["validate", str(D / "good.gmt")])
    ns.func = denied
    monkeypatch.setattr(cli, "build_parser", lambda argv=None: type("P", (), {"parse_args": lambda s, a: ns})())
    rc, lines = _cli(["validate"], capsys)
    assert rc == 2 and len(lines) == 1 and "/ro/out/results.tsv" in lines[0] and "-o" in lines[0]


# ------------------------------------------------------------------------------- fuzz
_OURS = (MamsetsError,)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(st.binary(max_size=300),
                      st.text(alphabet=st.sampled_from(list("AB1-9\t\n\r ;,.#\"\u00a0\u200bxNa")),
                              max_size=200).map(str.encode)))
def test_fuzz_readers_raise_only_our_errors(tmp_path, data: bytes) -> None:
    for name, reader in (("f.gmt", read_gmt), ("f.tsv", read_ranking), ("f.csv", read_ranking),
                         ("f.rnk", read_ranking)):
        p = tmp_path / name
        p.write_bytes(data)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", MamsetsWarning)
            try:
                reader(p)
            except _OURS:
                pass


@settings(max_examples=150, deadline=None)
@given(text=st.text(max_size=300))
def test_fuzz_parse_gmt_raises_only_our_errors(text: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MamsetsWarning)
        try:
            parse_gmt(text)
        except _OURS:
            pass
