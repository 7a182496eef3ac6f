"""The house rules of issue 11: small rooms, each change with one obvious place.

No module in ``src/mamsets`` over 700 lines, no function over 120 lines of code,
no CLI module over 350 (a CLI only parses flags, calls the API and prints);
``mamsets.ids`` and ``mamsets.report`` are packages and the HTML report comes from
a template file. Counted with ``ast`` on the source, so the check is the same
everywhere. A function's docstring is not counted: the public entry points carry
numpydoc docstrings of 100-170 lines (parameters, formulas, references, doctests)
that belong with the function, and the rule is about code one has to read.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "mamsets"
MAX_MODULE, MAX_FUNCTION, MAX_CLI = 700, 120, 350


def _modules() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


def _code_lines(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Lines of a function from ``def`` to its end, its docstring left out."""
    n = node.end_lineno - node.lineno + 1
    first = node.body[0]
    if (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
            and isinstance(first.value.value, str)):
        n -= first.end_lineno - first.lineno + 1
    return n


def long_functions(path: Path, limit: int = MAX_FUNCTION) -> list[tuple[str, int]]:
    """(name, code lines) of every function or method in ``path`` over ``limit`` code lines."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        (node.name, _code_lines(node))
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and _code_lines(node) > limit
    ]


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(SRC)))
def test_module_and_function_sizes(path: Path) -> None:
    n_lines = path.read_text(encoding="utf-8").count("\n")
    limit = MAX_CLI if path.parent.name == "cli" else MAX_MODULE
    assert n_lines <= limit, f"{path.relative_to(SRC)} has {n_lines} lines (limit {limit}); split it"
    assert not long_functions(path), (
        f"{path.relative_to(SRC)}: functions over {MAX_FUNCTION} lines: {long_functions(path)}; "
        "split them into named steps"
    )


def test_rooms_exist() -> None:
    assert (SRC / "ids" / "__init__.py").is_file() and not (SRC / "ids.py").exists()
    assert (SRC / "report" / "__init__.py").is_file() and not (SRC / "report.py").exists()
    assert list((SRC / "report" / "templates").glob("*.j2")), "the HTML report needs its template file"


def test_the_checker_catches_a_long_function(tmp_path: Path) -> None:
    body = "\n".join(f"    x{i} = {i}" for i in range(130))
    f = tmp_path / "m.py"
    doc = '    """' + "\n".join("    docs" for _ in range(200)) + '"""'
    f.write_text(f"def short():\n{doc}\n    return 1\n\n\ndef long():\n{body}\n")
    assert long_functions(f) == [("long", 131)]  # a long docstring alone does not count
