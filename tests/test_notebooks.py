"""Execute the tutorial notebooks (outputs are stripped in git; CI runs them here).

Each notebook runs in a fresh kernel of the current interpreter (jupyter_client
replaces the kernelspec's ``python`` by ``sys.executable``), from the
``notebooks/`` folder, so relative paths such as ``../tests/data`` work. The
notebooks use only the public API (``import mamsets as ms``): a notebook whose
``ms.<name>`` calls are not yet exported by ``mamsets/__init__.py`` is skipped
with the missing names, so the gap is visible rather than a red build.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import mamsets

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
#: Notebooks that read ../shared/data get the shared_data marker (deselected without it).
SHARED: set[str] = {"05_claims_real_data.ipynb", "06_claims_protein_phospho.ipynb",
                    "07_expression_motrpac.ipynb"}


def _params():
    for p in NOTEBOOKS:
        marks = [pytest.mark.slow]
        if p.name in SHARED:
            marks.append(pytest.mark.shared_data)
        yield pytest.param(p, id=p.stem, marks=marks)


def _code(nb) -> str:
    return "\n".join(c.source for c in nb.cells if c.cell_type == "code")


@pytest.mark.parametrize("path", list(_params()))
def test_outputs_are_stripped(path: Path) -> None:
    raw = json.loads(path.read_text(encoding="utf-8"))
    for cell in raw["cells"]:
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [] and cell.get("execution_count") is None, (
                f"{path.name}: strip outputs before committing (jupyter nbconvert "
                "--clear-output --inplace)"
            )


@pytest.mark.parametrize("path", list(_params()))
def test_notebook_uses_public_api_only(path: Path) -> None:
    code = _code(nbformat.read(path, as_version=4))
    private = re.findall(r"\b(?:mamsets|ms)\.(?:\w+\.)*_(?!_)\w+", code)
    assert not private, f"{path.name} uses private names {private}"
    allowed = {"import mamsets as ms"}
    imports = {ln.strip() for ln in code.splitlines() if re.match(r"\s*(from|import)\s+mamsets", ln)}
    assert imports <= allowed, f"{path.name}: import only {allowed}, found {imports - allowed}"


@pytest.mark.parametrize("path", list(_params()))
def test_notebook_executes(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    used = set(re.findall(r"\bms\.(\w+)", _code(nb))) - {"__version__"}
    missing = sorted(n for n in used if not hasattr(mamsets, n))
    if missing:
        pytest.skip(f"mamsets does not export {missing} yet (public API re-exports pending)")
    client = nbclient.NotebookClient(
        nb, timeout=180, kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors
