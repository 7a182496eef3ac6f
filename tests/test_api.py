"""The public API: every advertised name resolves, import has no heavy side effects."""

from __future__ import annotations

import subprocess
import sys

import mamsets as ms


def test_every_public_name_resolves() -> None:
    for name in ms.__all__:
        assert getattr(ms, name) is not None, name
    assert callable(ms.gsea) and callable(ms.ora) and callable(ms.library)


def test_import_is_cheap_and_side_effect_free() -> None:
    code = (
        "import sys, mamsets;"
        "heavy=[m for m in ('numba','gseapy','matplotlib','scipy.stats') if m in sys.modules];"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
    assert out.stderr == ""


def test_every_runtime_import_is_a_declared_dependency() -> None:
    """Third-party modules imported anywhere in src/ (lazily too) are declared in pyproject."""
    import ast
    import sys
    import tomllib
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    meta = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    declared = {d.split(">")[0].split("=")[0].split("[")[0].strip().lower() for d in meta["dependencies"]}
    optional = {
        d.split(">")[0].split("=")[0].split("[")[0].strip().lower()
        for deps in meta["optional-dependencies"].values()
        for d in deps
    }
    lazy_optional = {"matplotlib", "anndata", "dask"}  # imported lazily: plots; .h5ad; scheduler=
    imported: set[str] = set()
    for path in (root / "src" / "mamsets").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
    third_party = {m for m in imported if m not in sys.stdlib_module_names and m != "mamsets"}
    missing = {m for m in third_party if m.lower() not in declared | (optional & lazy_optional)}
    assert not missing, f"imported but not declared in pyproject dependencies: {sorted(missing)}"
