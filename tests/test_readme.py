"""The README's Python tour runs as written (from a temporary folder)."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def _python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)


def test_readme_has_a_python_tour() -> None:
    assert _python_blocks(), "README lost its Python tour"


def test_readme_quick_start_is_two_commands() -> None:
    text = README.read_text(encoding="utf-8")
    block = re.search(r"## Quick start.*?```bash\n(.*?)```", text, flags=re.S)
    assert block is not None
    commands = [c for c in block.group(1).splitlines() if c.strip()]
    assert len(commands) == 2
    assert "mamsets run" in commands[0] and "pytest" in commands[1]
    # CI runs the same test command (see .ci/run)
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1].replace("pip install", "python -m pip install -q") in ci


@pytest.mark.parametrize("code", _python_blocks())
def test_readme_python_runs(code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(compile(code, str(README), "exec"), {"__name__": "readme"})
    assert (tmp_path / "mams.mouse.entrez.gmt").is_file()
    assert (tmp_path / "gsea.tsv").is_file()
