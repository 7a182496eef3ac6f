"""Write tests/data/malformed/: small GMTs and tables as labs really have them, each with its
expected outcome (issue 13). Run from the repository root:

    python scripts/make_malformed_fixtures.py

``expected.tsv`` has one row per file: ``kind`` (gmt or table), ``file``, ``outcome``
(``error``, ``warning`` or ``ok``) and ``words`` the message must contain. The tests read every
file through the API and the CLI (tests/test_malformed.py).
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "malformed"
GENES = [f"G{i}" for i in range(1, 61)]  # the universe of the good table

_S = "\t".join(GENES[:20])
_T = "\t".join(GENES[20:40])
GOOD_GMT = f"SET_A\tfirst\t{_S}\nSET_B\tsecond\t{_T}\n"
GOOD_TSV = "gene\tlogFC\tt\tP.Value\n" + "".join(
    f"{g}\t{(30 - i) / 10:.2f}\t{(30 - i) / 3:.3f}\t{0.001 * (i + 1):.4f}\n" for i, g in enumerate(GENES)
)


def _xlsx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
    return buf.getvalue()


def _zip(name: str, data: bytes, second: str = "") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(name, data)
        if second:
            z.writestr(second, data)
    return buf.getvalue()


HTML = b"<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head><body>Not found</body></html>\n"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
U8 = GOOD_GMT.encode()
T8 = GOOD_TSV.encode()


def _gmt_cases() -> list[tuple[str, bytes, str, str]]:
    date_set = f"SET_C\tdates\t9-Sep\t1-Mar\t{_S}\n"
    return [
        ("ok_plain.gmt", U8, "ok", ""),
        ("ok_crlf.gmt", U8.replace(b"\n", b"\r\n"), "ok", ""),
        ("ok_bom.gmt", b"\xef\xbb\xbf" + U8, "ok", ""),
        ("ok_trailing_tabs.gmt", U8.replace(b"\n", b"\t\t\n"), "ok", ""),
        ("ok_blank_lines.gmt", b"\n\n" + U8.replace(b"\n", b"\n\n"), "ok", ""),
        ("ok_gzip_no_suffix.gmt", gzip.compress(U8), "ok", ""),
        ("ok_gzip.gmt.gz", gzip.compress(U8), "ok", ""),
        ("ok_bzip2_no_suffix.gmt", bz2.compress(U8), "ok", ""),
        ("ok_xz_no_suffix.gmt", lzma.compress(U8), "ok", ""),
        ("ok_zip_one_file.gmt", _zip("sets.gmt", U8), "ok", ""),
        ("ok_cr_only.gmt", U8.replace(b"\n", b"\r"), "ok", ""),
        ("ok_utf16_bom.gmt", GOOD_GMT.encode("utf-16"), "ok", ""),
        ("ok_utf16le_no_bom.gmt", GOOD_GMT.encode("utf-16-le"), "ok", ""),
        ("warn_excel_dates.gmt", U8 + date_set.encode(), "warning", "spreadsheet dates"),
        ("warn_iso_date.gmt", U8 + f"SET_C\td\t2018-09-09\t{_S}\n".encode(), "warning", "line 3"),
        ("warn_na_gene.gmt", U8 + f"SET_C\td\tNA\t{_S}\n".encode(), "warning", "missing-value"),
        ("warn_null_gene.gmt", U8 + f"SET_C\td\tNULL\tNaN\t{_S}\n".encode(), "warning", "NULL"),
        ("warn_zero_width.gmt", U8 + f"SET_C\td\tG1\u200b\t{_T}\n".encode(), "warning", "zero-width"),
        ("warn_nbsp_edge.gmt", U8 + f"SET_C\td\t\u00a0G1\t{_T}\n".encode(), "warning", "line 3"),
        ("warn_duplicate_gene.gmt", U8 + f"SET_C\td\tG1\tG1\t{_T}\n".encode(), "warning", "duplicate"),
        ("err_xlsx_renamed.gmt", _xlsx(), "error", "Excel workbook"),
        ("err_xls_renamed.gmt", OLE2, "error", "old Excel workbook"),
        ("err_html_page.gmt", HTML, "error", "HTML page"),
        ("err_pdf.gmt", PDF, "error", "PDF"),
        ("err_zip_two_files.gmt", _zip("a.gmt", U8, "b.gmt"), "error", "zip"),
        ("err_truncated_gzip.gmt", gzip.compress(U8)[:25], "error", "cannot be decompressed"),
        ("err_latin1.gmt", U8 + "SET_C\tcaf\u00e9\tG1\n".encode("latin-1"), "error", "not valid UTF-8"),
        ("err_nul_bytes.gmt", U8 + b"SET_C\td\tG1\x00\x01\n", "error", "NUL bytes"),
        ("err_space_separated.gmt", b"SET_A first G1 G2 G3\n", "error", "separated by spaces"),
        ("err_two_fields.gmt", U8 + b"SET_C\tno genes\n", "error", "line 3"),
        ("err_duplicate_set.gmt", U8 + f"SET_A\tagain\t{_T}\n".encode(), "error", "duplicate set"),
        ("err_empty_name.gmt", U8 + f"\td\t{_T}\n".encode(), "error", "empty set name"),
        ("err_gene_with_space.gmt", b"SET_A\td\tG1 G2\tG3\n", "error", "whitespace"),
        ("err_nbsp_inside.gmt", "SET_A\td\tG1\u00a0G2\tG3\n".encode(), "error", "whitespace"),
        ("err_empty_file.gmt", b"", "error", "empty"),
        ("err_only_blank.gmt", b"\n\n  \n", "error", "no gene sets"),
        ("err_lone_cr.gmt", b"\r", "error", "no gene sets"),
        ("err_csv_not_gmt.gmt", b"set,desc,G1,G2\n", "error", "needs at least 3"),
    ]


def _t(text: str) -> bytes:
    return text.encode()


def _table_cases() -> list[tuple[str, bytes, str, str]]:
    rows = GOOD_TSV.splitlines()
    head, body = rows[0], rows[1:]
    semi = "\n".join(r.replace("\t", ";") for r in rows) + "\n"
    spaces = "\n".join(r.replace("\t", "   ") for r in rows) + "\n"
    csv = "\n".join(r.replace("\t", ",") for r in rows) + "\n"
    return [
        ("ok_plain.tsv", T8, "ok", ""),
        ("ok_crlf.tsv", T8.replace(b"\n", b"\r\n"), "ok", ""),
        ("ok_bom.tsv", b"\xef\xbb\xbf" + T8, "ok", ""),
        ("ok_csv.csv", _t(csv), "ok", ""),
        ("ok_gzip_no_suffix.tsv", gzip.compress(T8), "ok", ""),
        ("ok_gzip.tsv.gz", gzip.compress(T8), "ok", ""),
        ("ok_bzip2_no_suffix.tsv", bz2.compress(T8), "ok", ""),
        ("ok_zip_one_file.tsv", _zip("t.tsv", T8), "ok", ""),
        ("ok_cr_only.tsv", T8.replace(b"\n", b"\r"), "ok", ""),
        ("ok_utf16_bom.txt", GOOD_TSV.encode("utf-16"), "ok", ""),
        ("ok_utf16le_no_bom.tsv", GOOD_TSV.encode("utf-16-le"), "ok", ""),
        ("ok_r_rownames.tsv", _t("logFC\tt\tP.Value\n" + "\n".join(body) + "\n"), "ok", ""),
        ("ok_comment_lines.tsv", _t("# exported by limma\n" + GOOD_TSV), "ok", ""),
        ("ok_rnk_headerless.rnk", _t("".join(f"{g}\t{60 - i}.5\n" for i, g in enumerate(GENES))), "ok", ""),
        ("warn_semicolon.tsv", _t(semi), "warning", "semicolon"),
        ("warn_semicolon.csv", _t(semi), "warning", "semicolon"),
        ("warn_multispace.txt", _t(spaces), "warning", "runs of spaces"),
        ("warn_latin1.tsv", GOOD_TSV.encode() + "G99\u00e9\t0.1\t0.2\t0.5\n".encode("latin-1"),
         "warning", "Latin-1"),
        ("warn_excel_dates.tsv", _t(GOOD_TSV + "9-Sep\t0.1\t0.2\t0.5\n1-Mar\t0.2\t0.3\t0.5\n"), "warning", "line 62"),
        ("warn_iso_date.tsv", _t(GOOD_TSV + "2018-09-09\t0.1\t0.2\t0.5\n"), "warning", "spreadsheet dates"),
        ("warn_zero_width.tsv", _t(GOOD_TSV.replace("G5\t", "G5\u200b\t", 1)), "warning", "line 6"),
        ("warn_nbsp.tsv", _t(GOOD_TSV.replace("G7\t", "G7\u00a0\t", 1)), "warning", "non-breaking"),
        ("err_none_gene.tsv", _t(GOOD_TSV + "None\t0.1\t0.2\t0.5\n"), "error", "dropna"),
        ("warn_excel_error_gene.tsv", _t(GOOD_TSV + "#VALUE!\t0.1\t0.2\t0.5\n"), "warning", "missing-value"),
        ("err_xlsx_renamed.tsv", _xlsx(), "error", "Excel workbook"),
        ("err_xlsx_renamed.csv", _xlsx(), "error", "Excel workbook"),
        ("err_xls_renamed.tsv", OLE2, "error", "old Excel workbook"),
        ("err_html_page.tsv", HTML, "error", "HTML page"),
        ("err_html_page.csv", b"  <html><body>Login required</body></html>", "error", "HTML page"),
        ("err_truncated_gzip.tsv", gzip.compress(T8)[:30], "error", "cannot be decompressed"),
        ("err_nul_bytes.tsv", T8 + b"G99\x00\t1\t2\t3\n", "error", "NUL bytes"),
        ("err_wider_rows.tsv", _t(GOOD_TSV + "G99\t1\t2\t0.5\textra\tmore\n"), "error", "line 62"),
        ("err_wider_first_row.tsv", _t(head + "\n" + body[0] + "\tx\n" + "\n".join(body[1:]) + "\n"),
         "error", "line 2"),
        ("err_text_in_t.tsv", _t(GOOD_TSV.replace("\t10.000\t", "\tten\t", 1)), "error", "'ten'"),
        ("err_decimal_comma.csv", _t(semi.split("\n", 1)[0] + "\n" + semi.split("\n", 1)[1].replace(".", ",")), "error", "decimal commas"),
        ("err_na_gene.tsv", _t(GOOD_TSV + "NA\t0.1\t0.2\t0.5\n"), "error", "dropna"),
        ("err_duplicate_gene.tsv", _t(GOOD_TSV + "G1\t0.1\t0.2\t0.5\n"), "error", "G1"),
        ("err_empty.tsv", b"", "error", "empty"),
        ("err_lone_cr.tsv", b"\r", "error", "empty"),
        ("err_header_only.tsv", _t(head + "\n"), "error", "no rows"),
        ("err_no_score.tsv", _t("gene\tnote\nG1\tup\nG2\tdown\n"), "error", "cannot choose"),
        ("err_one_column.tsv", _t("gene\n" + "\n".join(GENES) + "\n"), "error", "cannot choose"),
        ("err_pdf.tsv", PDF, "error", "PDF"),
    ]


def main() -> None:
    manifest = ["kind\tfile\toutcome\twords"]
    for kind, cases in (("gmt", _gmt_cases()), ("table", _table_cases())):
        folder = OUT / kind
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.iterdir():
            old.unlink()
        for name, data, outcome, words in cases:
            (folder / name).write_bytes(data)
            manifest.append(f"{kind}\t{name}\t{outcome}\t{words}")
    (OUT / "good.gmt").write_text(GOOD_GMT)
    (OUT / "good.tsv").write_text(GOOD_TSV)
    (OUT / "expected.tsv").write_text("\n".join(manifest) + "\n")
    print(f"wrote {len(manifest) - 1} fixtures to {OUT}")


if __name__ == "__main__":
    main()
