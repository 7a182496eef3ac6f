"""Data flows one way: each module imports only from the layers above it.

errors/_random/_atomic -> model -> results -> io -> ids -> engines -> report/plot -> cli.
Checked on the source with ``ast`` (imports inside functions count too), so a
violation fails here rather than in review.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "mamsets"

RANK = {
    "errors": 0,
    "_random": 0,
    "_atomic": 0,
    "model": 1,
    "results": 2,
    "io": 3,
    "ids": 4,
    "engines": 5,
    "curate": 5,
    "report": 6,
    "plot": 6,
    "cli": 7,
    "__init__": 8,
    "__main__": 8,
}


def _layer(parts: tuple[str, ...]) -> str:
    head = parts[0]
    return head.removesuffix(".py")


def _modules() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


def _imported_layers(path: Path, src: Path = SRC) -> set[str]:
    rel = path.relative_to(src).parts
    package = rel[:-1] if rel[-1] != "__init__.py" else rel[:-1]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
                target = (*base, *(node.module.split(".") if node.module else ()))
                if not target:  # "from . import x" at top level
                    target = tuple(a.name for a in node.names[:1])
            elif node.module and node.module.split(".")[0] == "mamsets":
                target = tuple(node.module.split(".")[1:]) or tuple(a.name for a in node.names[:1])
            else:
                continue
            if target:
                found.add(_layer(target))
        elif isinstance(node, ast.Import):
            for a in node.names:
                parts = a.name.split(".")
                if parts[0] == "mamsets" and len(parts) > 1:
                    found.add(_layer(tuple(parts[1:])))
    return found


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(SRC)))
def test_imports_flow_one_way(path: Path) -> None:
    rel = path.relative_to(SRC).parts
    own = _layer(rel)
    if rel == ("__init__.py",):
        own = "__init__"
    assert own in RANK, f"{path}: module {own!r} has no layer; add it to RANK in {__file__}"
    for target in _imported_layers(path):
        if target not in RANK:
            continue  # e.g. a data sub-package
        assert RANK[target] <= RANK[own], (
            f"{path.relative_to(SRC)} ({own}) imports {target}: data flows "
            "errors -> model -> results -> io -> ids -> engines -> report/plot -> cli"
        )


def test_the_checker_catches_a_violation(tmp_path: Path) -> None:
    src = tmp_path / "mamsets"
    (src / "io").mkdir(parents=True)
    (src / "model.py").write_text("def f():\n    from .engines import gsea\n")
    (src / "io" / "x.py").write_text("from ..cli import main\nimport mamsets.ids\nfrom .gmt import read_gmt\n")
    assert _imported_layers(src / "model.py", src) == {"engines"}
    assert _imported_layers(src / "io" / "x.py", src) == {"cli", "ids", "io"}
    assert RANK["engines"] > RANK["model"] and RANK["cli"] > RANK["io"]
