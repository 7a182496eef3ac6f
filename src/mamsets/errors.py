"""Exception and warning classes used across mamsets.

Every error subclasses both :class:`MamsetsError` and the builtin it refines, so
callers can catch either ``mamsets.errors.GMTFormatError`` or plain ``ValueError``.
Parser errors carry the file and line they refer to.
"""

from __future__ import annotations

__all__ = [
    "MamsetsError",
    "InputError",
    "GMTFormatError",
    "IdentifierError",
    "OutputExistsError",
    "MamsetsWarning",
    "DuplicateGeneWarning",
    "DroppedInputWarning",
    "TiesWarning",
    "SuspectGeneWarning",
    "InputFormatWarning",
]


class MamsetsError(Exception):
    """Base class of all mamsets errors."""


def not_built(module: str, exc: ImportError) -> MamsetsError:
    """The error for a compiled extension of mamsets that cannot be imported (the package was
    installed without a C compiler, or its build is stale), saying how to rebuild it."""
    return MamsetsError(
        f"mamsets' compiled code ({module}) is missing: the package was not built. Reinstall it "
        "with a C compiler present: `pip install --force-reinstall --no-deps .` (from the "
        f"checkout) or `pip install -e .` for development. ({exc})"
    )


class InputError(MamsetsError, ValueError):
    """A user-supplied value cannot be used; the message says which and how to fix it."""


class GMTFormatError(MamsetsError, ValueError):
    """A GMT file is malformed.

    Parameters
    ----------
    message : str
        What is wrong and how to fix it.
    path : str or None
        The file, when known.
    line : int or None
        1-based line number, when known.
    """

    def __init__(self, message: str, path: str | None = None, line: int | None = None) -> None:
        self.path = path
        self.line = line
        where = ""
        if path is not None:
            where = f"{path}"
            if line is not None:
                where += f", line {line}"
            where += ": "
        elif line is not None:
            where = f"line {line}: "
        super().__init__(where + message)
        self.reason = message


class IdentifierError(MamsetsError, ValueError):
    """Gene identifiers cannot be matched to a collection (wrong species or id type)."""


class OutputExistsError(MamsetsError, FileExistsError):
    """An output path exists and overwriting was not requested."""


class MamsetsWarning(UserWarning):
    """Base class of all mamsets warnings."""


class DuplicateGeneWarning(MamsetsWarning):
    """Duplicated genes were found and dropped (the message names them)."""


class DroppedInputWarning(MamsetsWarning):
    """Some input was dropped; the message counts it and says why."""


class TiesWarning(MamsetsWarning):
    """Many scores in a ranking are tied."""


class SuspectGeneWarning(MamsetsWarning):
    """Gene names look damaged: spreadsheet dates (``9-Sep``), ``NA``/``NULL`` written as
    genes, or zero-width/non-breaking spaces. The message names the rows and the fix."""


class InputFormatWarning(MamsetsWarning):
    """A file was read with a guess about its format (separator, encoding); the message
    says what was found and how to make it explicit."""
