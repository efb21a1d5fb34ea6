"""Reading and writing the spreadsheet files: CSV and XLSX (Office Open XML, by openpyxl).

A file is read by what it is, checked against what it claims to be: an ``.xlsx`` that is
a CSV text, a CSV that is a zip, a file that is empty or garbled is refused with a
:class:`~okr_es.spreadsheets.rows.Problem` for the file. XLSX is streamed (openpyxl's
read-only mode), after its zip directory was checked for sizes no spreadsheet of OKRs
has, so neither a large nor a hostile file takes unbounded memory or time.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any, Literal

from okr_es.spreadsheets.rows import (
    COLUMNS,
    Problem,
    SheetInvalid,
    SheetRow,
    check_header,
    rows_from_cells,
)

__all__ = [
    "FORMATS",
    "Format",
    "format_of",
    "read_named_sheet",
    "read_rows",
    "read_table",
    "write_csv",
    "write_xlsx",
]

Format = Literal["csv", "xlsx"]
FORMATS: tuple[Format, ...] = ("csv", "xlsx")
# Far above a cycle of OKRs (20 000 rows are a few MB), far below what hurts.
MAX_FILE_BYTES = 64_000_000
MAX_UNPACKED_BYTES = 256_000_000
MAX_PACKING_RATIO = 200
SHEET_TITLE = "OKRs"
_ZIP_MAGIC = b"PK\x03\x04"


def format_of(path: str | Path) -> Format | None:
    """The format a file name claims (by its suffix), or None."""
    suffix = Path(path).suffix.lower().lstrip(".")
    return suffix if suffix in FORMATS else None


def read_rows(data: bytes, claimed: Format) -> list[SheetRow]:
    """The checked rows of a spreadsheet file; raises :class:`SheetInvalid`."""
    table = read_table(data, claimed)
    try:
        header = next(table)
    except StopIteration:
        raise _file_problem("empty", "the file has no header row") from None
    names = check_header(header[1])
    return rows_from_cells(names, table)


def read_table(data: bytes, claimed: Format) -> Iterator[tuple[int, Sequence[Any]]]:
    """The rows of a spreadsheet file as ``(row number, cells)``, unchecked; raises
    :class:`SheetInvalid` for a file that is not what it claims to be."""
    if not data.strip():
        raise _file_problem("empty", "the file is empty")
    if len(data) > MAX_FILE_BYTES:
        raise _file_problem("too-large", f"the file is larger than {MAX_FILE_BYTES} bytes")
    is_zip = data.startswith(_ZIP_MAGIC)
    if claimed == "xlsx" and not is_zip:
        looks = "a CSV or text file" if _is_text(data) else "not a spreadsheet"
        raise _file_problem("not-xlsx", f"the file is not an XLSX workbook (it is {looks})")
    if claimed == "csv" and is_zip:
        raise _file_problem("not-csv", "the file is a zip archive (an XLSX?), not CSV text")
    return _xlsx_sheet(data, None) if claimed == "xlsx" else _csv_cells(data)


def write_csv(rows: Sequence[SheetRow]) -> bytes:
    """UTF-8 with a byte order mark (so Excel reads the letters right), comma-separated."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([_csv_text(cell) for cell in row.cells()])
    return out.getvalue().encode("utf-8-sig")


def write_xlsx(rows: Sequence[SheetRow]) -> bytes:
    """One sheet with a header row; numbers as numbers, dates as dates."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(SHEET_TITLE)
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append([_xlsx_cell(cell) for cell in row.cells()])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _file_problem(code: str, message: str) -> SheetInvalid:
    return SheetInvalid([Problem(0, None, code, message)])


def _is_text(data: bytes) -> bool:
    head = data[:4096]
    return b"\x00" not in head and _decoded(head) is not None


def _decoded(data: bytes) -> str | None:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _csv_cells(data: bytes) -> Iterator[tuple[int, Sequence[Any]]]:
    if b"\x00" in data:
        raise _file_problem("not-csv", "the file is binary, not CSV text")
    text = _decoded(data)
    if text is None:
        raise _file_problem("not-csv", "the file is not text in UTF-8 or Windows-1252")
    first_line = text.split("\n", 1)[0]
    # Excel writes ';' where the comma is the decimal sign (e.g. Norwegian settings).
    delimiter = max((";", ",", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        for cells in reader:
            yield reader.line_num, cells
    except csv.Error as e:
        raise _file_problem("not-csv", f"line {reader.line_num}: {e}") from None


def read_named_sheet(
    data: bytes, titles: Sequence[str]
) -> Iterator[tuple[int, Sequence[Any]]] | None:
    """The rows of a workbook's sheet of one of these titles (case ignored), or None when
    it has none; ``data`` was read by :func:`read_table` before (it is a workbook)."""
    from openpyxl import load_workbook

    wanted = {t.casefold() for t in titles}
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        found = [n for n in book.sheetnames if n.casefold() in wanted]
        book.close()
    except Exception as e:  # openpyxl raises many kinds for a zip that is no workbook
        raise _file_problem("not-xlsx", f"the file is not a readable XLSX workbook ({e})") from None
    return _xlsx_sheet(data, found[0]) if found else None


def _xlsx_sheet(data: bytes, title: str | None) -> Iterator[tuple[int, Sequence[Any]]]:
    from openpyxl import load_workbook

    stream = io.BytesIO(data)
    try:
        with zipfile.ZipFile(stream) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise _file_problem("not-xlsx", f"the file is a damaged zip archive ({e})") from None
    unpacked = sum(entry.file_size for entry in entries)
    packed = sum(entry.compress_size for entry in entries) or 1
    if unpacked > MAX_UNPACKED_BYTES or unpacked / packed > MAX_PACKING_RATIO:
        raise _file_problem(
            "too-large", f"the workbook unpacks to {unpacked} bytes (ratio {unpacked // packed})"
        )
    try:
        book = load_workbook(stream, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds for a zip that is no workbook
        raise _file_problem("not-xlsx", f"the file is not a readable XLSX workbook ({e})") from None
    try:
        if title is not None:
            sheet = book[title]
        else:
            sheet = book[SHEET_TITLE] if SHEET_TITLE in book.sheetnames else book.worksheets[0]
        yield from enumerate(sheet.iter_rows(values_only=True), start=1)
    except (KeyError, ValueError, TypeError, zipfile.BadZipFile) as e:
        raise _file_problem("not-xlsx", f"the workbook cannot be read ({e})") from None
    finally:
        book.close()


def _csv_text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float):
        return _number_text(cell)
    if isinstance(cell, date):
        return cell.isoformat()
    return str(cell)


def _xlsx_cell(cell: Any) -> Any:
    if isinstance(cell, float) and cell.is_integer() and abs(cell) < 2**53:
        return int(cell)
    if cell == "":
        return None
    return cell


def _number_text(value: float) -> str:
    """The shortest text that reads back as the same number ("350", not "350.0")."""
    return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
