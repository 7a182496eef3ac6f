"""Atomic file output: write to a temporary file beside the target, then rename."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from .errors import OutputExistsError

__all__ = ["atomic_dir", "atomic_file", "atomic_write_bytes", "atomic_write_text", "check_writable"]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def check_writable(path: str | os.PathLike[str], overwrite: bool) -> Path:
    """Refuse an existing ``path`` unless ``overwrite`` is true."""
    p = Path(path)
    if p.exists() and not overwrite:
        raise OutputExistsError(
            f"{p} exists; pass overwrite=True (CLI: --force) to replace it, or choose another path"
        )
    return p


@contextlib.contextmanager
def atomic_file(path: str | os.PathLike[str], *, overwrite: bool = False) -> Iterator[BinaryIO]:
    """A binary file that replaces ``path`` when the block ends (nothing there if it raises)."""
    p = check_writable(path, overwrite)
    p.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent)
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual file mode
        with os.fdopen(fd, "wb") as fh:
            yield fh
        os.replace(tmp, p)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes, *, overwrite: bool = False) -> Path:
    """Write ``data`` to ``path`` atomically (never a half-written file)."""
    with atomic_file(path, overwrite=overwrite) as fh:
        fh.write(data)
    return Path(path)


def atomic_write_text(path: str | os.PathLike[str], text: str, *, overwrite: bool = False) -> Path:
    """Write ``text`` as UTF-8 with LF line endings to ``path`` atomically."""
    return atomic_write_bytes(path, text.encode("utf-8"), overwrite=overwrite)


def _refuse_unsafe_dir_target(p: Path) -> None:
    """Refuse output folders whose replacement could destroy the user's own files."""
    if p.exists() and not p.is_dir():
        raise OutputExistsError(
            f"{p} is a file, not an output folder; choose another output folder (-o)"
        )
    here = Path.cwd().resolve()
    if p == here or p in here.parents:
        raise OutputExistsError(
            f"{p} is the current folder or contains it; mamsets replaces its output folder "
            "as a whole, so choose a new sub-folder (e.g. -o mamsets-out)"
        )


@contextlib.contextmanager
def atomic_dir(path: str | os.PathLike[str], *, overwrite: bool = False) -> Iterator[Path]:
    """Build an output folder in a temporary sibling and move it into place at the end.

    If the block raises, nothing is left at ``path`` (an existing folder is kept
    untouched). With ``overwrite=True`` an existing folder is replaced only when
    that cannot destroy anything mamsets would not write again: the target must be
    a folder, not the current folder or one containing it, and every top-level
    entry it holds must be re-written by the new output (an earlier run's
    results); otherwise :class:`OutputExistsError` names the foreign entries and
    nothing is changed.
    """
    p = check_writable(Path(path).resolve(), overwrite)
    _refuse_unsafe_dir_target(p)
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent))
    os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp makes 0700; give the usual folder mode
    try:
        yield tmp
        if p.exists():
            new = {e.name for e in tmp.iterdir()}
            foreign = sorted(e.name for e in p.iterdir() if e.name not in new)
            if foreign:
                raise OutputExistsError(
                    f"{p} holds entries this run would not write again ({', '.join(foreign[:5])}"
                    f"{' ...' if len(foreign) > 5 else ''}); they may be your own files, so the "
                    "folder is left untouched: choose another output folder or remove them"
                )
            old = p.with_name(f".{p.name}.old")
            if old.exists():
                shutil.rmtree(old)
            os.replace(p, old)
            os.replace(tmp, p)
            shutil.rmtree(old)
        else:
            os.replace(tmp, p)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
