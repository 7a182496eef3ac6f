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
import re
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


# ------------------------------------------------------------------ the C kernels
C_DIR = SRC / "engines" / "_c"
#: every folder of C sources (the kernels, and the member index below the engines)
C_FILES = sorted([*C_DIR.glob("*.[ch]"), *(SRC / "_c").glob("*.[ch]")])


def c_function_lengths(path: Path) -> list[tuple[str, int]]:
    """(name, lines) of every C function in ``path``, from its signature to its closing brace.

    A function starts at a line in column 0 that names something followed by ``(`` and is
    not a declaration (no ``;``) or a preprocessor line, and ends at the next line that is
    a lone ``}`` in column 0 (as our C style writes them; one-line functions are skipped).
    Comments inside a function count: C carries the method's explanation in them, but a
    function that needs more than the limit is still a function to split.
    """
    found, start = [], None
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        m = re.match(r"[A-Za-z_][\w\s\*]*?(\w+)\s*\(", line)
        if m and not line.rstrip().endswith(";") and not line.rstrip().endswith("}"):
            start = (m.group(1), i)
        elif line.rstrip() == "}" and start is not None:
            found.append((start[0], i - start[1] + 1))
            start = None
    return found


@pytest.mark.parametrize("path", C_FILES, ids=lambda p: p.name)
def test_c_file_and_function_sizes(path: Path) -> None:
    n_lines = path.read_text(encoding="utf-8").count("\n")
    assert n_lines <= MAX_MODULE, f"_c/{path.name} has {n_lines} lines (limit {MAX_MODULE}); split it"
    long = [(name, n) for name, n in c_function_lengths(path) if n > MAX_FUNCTION]
    assert not long, f"_c/{path.name}: functions over {MAX_FUNCTION} lines: {long}; split them"


def test_the_c_checker_finds_functions(tmp_path: Path) -> None:
    body = "\n".join(f"    x += {i};" for i in range(130))
    f = tmp_path / "k.c"
    f.write_text(
        "typedef struct {\n    int a;\n} s_t;\n\nstatic inline int one(int a) { return a; }\n\n"
        "static int64_t short_fn(const double *w,\n                        int64_t n) {\n"
        "    return n;\n}\n\nint64_t long_fn(void) {\n    int64_t x = 0;\n"
        f"{body}\n    return x;\n}}\n"
    )
    assert c_function_lengths(f) == [("short_fn", 4), ("long_fn", 134)]
