"""Bytes of a user's file -> text, naming what the file really is when it is not text.

Shared by the GMT reader and :func:`~mamsets.io.ranking.read_ranking`, so both
recognise the same things: gzip/bzip2/xz (with or without their suffix), a
one-file zip, an Excel workbook or an old ``.xls`` renamed ``.tsv``/``.csv``, an
HTML page saved in place of the file, UTF-16 (Excel's "Unicode text"), UTF-8
with or without BOM, Latin-1/Windows-1252, and CR-only or CRLF line endings.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["DecodedText", "decode_user_file", "EXCEL_EXPORT_HINT"]

#: How to get text out of a spreadsheet, said once for every message that needs it.
EXCEL_EXPORT_HINT = (
    "in Excel use File > Save As > 'Text (Tab delimited) (*.txt)' or 'CSV UTF-8', or read it "
    "with pandas.read_excel and pass the DataFrame"
)

_HTML = re.compile(r"^\s*(<!doctype\s+html|<html|<head|<body|<\?xml[^>]*>\s*<html)", re.IGNORECASE)


@dataclass(frozen=True)
class DecodedText:
    """The text of a file, with LF line endings, and what had to be done to get it.

    Attributes
    ----------
    text : str
    encoding : str
        ``"utf-8"``, ``"utf-16"`` or ``"cp1252"``.
    notes : tuple of str
        What was recognised (compression, encoding, line endings), for logs and reports.
    """

    text: str
    encoding: str
    notes: tuple[str, ...]


Fail = Callable[[str, int | None], Exception]


def _zip_member(raw: bytes, fail: Fail, what: str) -> tuple[bytes, str]:
    try:
        zf = zipfile.ZipFile(io.BytesIO(raw))
        names = zf.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        names = []
        zf = None
    if any(n.startswith("xl/") for n in names) or not names:
        raise fail(f"is an Excel workbook (xlsx), not a {what} text file; {EXCEL_EXPORT_HINT}", None)
    if any(n.startswith(("content.xml", "word/")) for n in names) or "mimetype" in names:
        raise fail(f"is an office document (zip of XML), not a {what} text file; export it as "
                   "tab-separated text or CSV", None)
    files = [n for n in names if not n.endswith("/")]
    if len(files) != 1 or zf is None:
        raise fail(f"is a zip archive with {len(files)} files; unzip it and pass the {what} file", None)
    return zf.read(files[0]), f"zip member {files[0]}"


def _decompress(raw: bytes, fail: Fail, what: str) -> tuple[bytes, list[str]]:
    notes: list[str] = []
    for _ in range(3):  # a .gz inside a .zip, at most
        if raw[:2] == b"\x1f\x8b":
            import gzip

            try:
                raw = gzip.decompress(raw)
            except (OSError, EOFError, ValueError) as exc:
                raise fail(f"looks gzip-compressed but cannot be decompressed ({exc}); check that "
                           "the download is complete", None) from None
            notes.append("gzip")
        elif raw[:3] == b"BZh":
            import bz2

            try:
                raw = bz2.decompress(raw)
            except (OSError, EOFError, ValueError) as exc:
                raise fail(f"looks bzip2-compressed but cannot be decompressed ({exc})", None) from None
            notes.append("bzip2")
        elif raw[:6] == b"\xfd7zXZ\x00":
            import lzma

            try:
                raw = lzma.decompress(raw)
            except (lzma.LZMAError, EOFError) as exc:
                raise fail(f"looks xz-compressed but cannot be decompressed ({exc})", None) from None
            notes.append("xz")
        elif raw[:4] == b"PK\x03\x04" or raw[:4] == b"PK\x05\x06":
            raw, note = _zip_member(raw, fail, what)
            notes.append(note)
        else:
            break
    if raw[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise fail(f"is an old Excel workbook (.xls), not a {what} text file; {EXCEL_EXPORT_HINT}", None)
    if raw[:5] == b"%PDF-":
        raise fail(f"is a PDF document, not a {what} text file", None)
    return raw, notes


def _utf16(raw: bytes) -> str | None:
    """The text of UTF-16 bytes (with a BOM, or ASCII-heavy without), else None."""
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        codec = "utf-16"
    else:
        head = raw[:4000]
        if len(head) < 4 or head.count(b"\x00") < len(head) // 4:
            return None
        odd, even = head[1::2].count(b"\x00"), head[0::2].count(b"\x00")
        if max(odd, even) < 0.8 * (len(head) // 2):
            return None
        codec = "utf-16-le" if odd > even else "utf-16-be"
    try:
        return raw.decode(codec).lstrip("\ufeff")
    except UnicodeDecodeError:
        return None


def decode_user_file(
    raw: bytes, fail: Fail, *, what: str, latin1: bool = True
) -> DecodedText:
    """Decode a user's file, or raise ``fail(message, line)`` saying what the file is.

    Parameters
    ----------
    raw : bytes
        The file's bytes.
    fail : callable
        ``fail(message, line)`` returns the exception to raise (the caller's class,
        with the file name).
    what : str
        What the file should be (``"GMT"``, ``"table"``), for the messages.
    latin1 : bool
        Whether bytes that are not UTF-8 are read as Windows-1252/Latin-1 (tables);
        when false they are an error naming the line (GMT, whose genes are ASCII).
    """
    raw, notes = _decompress(raw, fail, what)
    text = _utf16(raw)
    encoding = "utf-8"
    if text is not None:
        encoding = "utf-16"
        notes.append("UTF-16 (Excel 'Unicode text')")
    elif b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise fail("contains NUL bytes: this looks like a binary file (compressed or a spreadsheet), "
                   f"not a tab-separated {what} text file", line)
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            if not latin1:
                raise fail(f"bytes {raw[exc.start:exc.end]!r} are not valid UTF-8 (the file looks "
                           "Latin-1/Windows-1252 encoded); re-save the file as UTF-8", line) from None
            text = raw.decode("cp1252", errors="replace")
            encoding = "cp1252"
            notes.append(f"not UTF-8 (first at line {line}): read as Windows-1252/Latin-1")
    if _HTML.match(text[:2000]):
        raise fail(f"is an HTML page (a web page or a download's error page saved under this "
                   f"name), not a {what} file; download the raw file itself (the site's "
                   "'Download' link, or curl -L URL -o FILE) and check it opens as text", 1)
    if "\r" in text:
        if "\n" not in text:
            notes.append("CR-only line endings (classic Mac)")
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return DecodedText(text, encoding, tuple(notes))
