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
