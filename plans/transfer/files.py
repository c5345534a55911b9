"""Check an uploaded plan file and read its tables as text.

The file's real type is decided by its content (zip signature and expected parts, or
plain text), never by its name or the browser's content type; the name must agree.
Nothing in a file is executed, and the file itself is not kept: only the text of its
cells is stored for the preview. Refusals raise FileRefusedError with a message for the user.
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath

from safeguarding.csv_text import CsvRefusedError, csv_rows

from .mapping import is_header_row
from .parsing import clean, parse_area_heading

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 5000
# A zip that inflates beyond this is refused before any XML is parsed (a "zip bomb").
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024

ZIP_SIGNATURE = b"PK\x03\x04"
# Compound File Binary: an encrypted (password-protected) .docx/.xlsx, or an old .doc/.xls.
CFB_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

KINDS = {".docx": "docx", ".xlsx": "xlsx", ".csv": "csv"}
KIND_NAMES = {"docx": "a Word document (.docx)", "xlsx": "an Excel workbook (.xlsx)", "csv": "a CSV file"}
MACRO_EXTENSIONS = {".docm", ".xlsm", ".dotm", ".xltm", ".xlsb"}


class FileRefusedError(Exception):
    """The file cannot be imported; the message says why, in words for the user."""


@dataclass
class Extracted:
    """The tables of a file as text, ready to be stored as JSON on the import job.

    Each table: {"source": "Table 2", "heading": "Priority Area 1 – …", "header": [...],
    "rows": [{"line": 7, "cells": ["text", …], "merged": [False, …]}]}. A cell's paragraphs
    are joined by newlines; merged=True marks a cell that continues the one above it.
    """

    kind: str
    tables: list[dict] = field(default_factory=list)
    row_count: int = 0

    def as_json(self) -> dict:
        return {"kind": self.kind, "tables": self.tables, "row_count": self.row_count}

    @property
    def headings(self) -> list[str]:
        seen: list[str] = []
        for table in self.tables:
            for heading in table["header"]:
                if heading and heading not in seen:
                    seen.append(heading)
        return seen


def read_upload(name: str, data: bytes) -> Extracted:
    """Check and read an uploaded file, or raise FileRefusedError."""
    suffix = PurePath(name or "").suffix.lower()
    if suffix in MACRO_EXTENSIONS:
        raise FileRefusedError(
            "This file can contain macros. Save it as .docx, .xlsx or .csv and upload that."
        )
    if suffix not in KINDS:
        raise FileRefusedError(
            "The file must be a Word document (.docx), an Excel workbook (.xlsx) or a CSV file."
        )
    if not data:
        raise FileRefusedError("The file is empty.")
    if len(data) >= MAX_BYTES:
        raise FileRefusedError("The file must be smaller than 20 MB.")
    claimed = KINDS[suffix]
    actual = sniff(data)
    if actual != claimed:
        raise FileRefusedError(
            f"The file is called “{PurePath(name).name}” but it is not {KIND_NAMES[claimed]}. "
            "Check you chose the right file."
        )
    reader = {"docx": read_docx, "xlsx": read_xlsx, "csv": read_csv}[actual]
    extracted = reader(data)
    if not any(table["rows"] for table in extracted.tables):
        # No row of headings we know: take each table's first row as its headings and let
        # the user say what the columns are on the mapping page.
        extracted = reader(data, force_header=True)
    if not any(table["rows"] for table in extracted.tables):
        raise FileRefusedError(
            "No plan table was found: the file needs a row of column headings such as "
            "“Agreed action”, “Lead person” and “Timescale”, with rows of actions below it."
        )
    return extracted


def sniff(data: bytes) -> str:
    """The file's real type from its bytes: "docx", "xlsx" or "csv"; refuse anything else."""
    if data.startswith(CFB_SIGNATURE):
        raise FileRefusedError(
            "The file is password-protected (encrypted), or is an old-style .doc or .xls file. "
            "Remove the password, or save it as .docx or .xlsx, and upload it again."
        )
    if data.startswith(ZIP_SIGNATURE):
        return _sniff_zip(data)
    if b"\x00" in data[:8192]:
        raise FileRefusedError("The file is not a Word document, an Excel workbook or a CSV text file.")
    return "csv"


def _sniff_zip(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if sum(info.file_size for info in infos) > MAX_UNZIPPED_BYTES:
                raise FileRefusedError("The file expands to more than 200 MB and cannot be read.")
            if any(info.flag_bits & 0x1 for info in infos):
                raise FileRefusedError(
                    "The file is password-protected. Remove the password and upload it again."
                )
            if archive.testzip() is not None:
                raise FileRefusedError(
                    "The file is damaged (corrupt). Open and save it again, then upload it."
                )
            names = {info.filename for info in infos}
            content_types = archive.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
    except FileRefusedError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError, NotImplementedError):
        raise FileRefusedError(
            "The file is damaged (corrupt). Open and save it again, then upload it."
        ) from None
    if any(name.lower().endswith("vbaproject.bin") for name in names) or b"macroEnabled" in content_types:
        raise FileRefusedError(
            "The file contains macros. Save it as .docx or .xlsx (without macros) and upload that."
        )
    if not content_types:
        raise FileRefusedError("The file is not a Word document or an Excel workbook.")
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    raise FileRefusedError("The file is not a Word document or an Excel workbook.")


def _check_rows(count: int) -> None:
    if count >= MAX_ROWS:
        raise FileRefusedError(f"The file has {MAX_ROWS:,} rows or more. Split it into smaller files.")


def unguard(text: str) -> str:
    """Undo the export's guard against formula injection: "'=x" was written for "=x"."""
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@":
        return text[1:]
    return text


class _TableBuilder:
    """Collects rows into tables: a heading starts a new table, header rows are skipped."""

    def __init__(self, kind: str, force_header: bool = False) -> None:
        self.force_header = force_header
        self.extracted = Extracted(kind=kind)
        self.heading = ""
        self.header: list[str] = []
        self.current: dict | None = None

    def set_heading(self, text: str) -> None:
        self.heading = text
        self.current = None

    def add_row(self, source: str, line: int, cells: list[str], merged: list[bool]) -> None:
        self.extracted.row_count += 1
        _check_rows(self.extracted.row_count)
        texts = [clean(cell) for cell in cells]
        filled = [text for text in texts if text]
        if not filled:
            return
        if len(set(filled)) == 1 and not parse_area_heading(filled[0]).flagged:
            # A priority-area heading written in the table: one cell, or one merged across the row.
            self.set_heading(filled[0])
            return
        forced = self.force_header and len(filled) >= 2 and (not self.header or texts == self.header)
        if forced or is_header_row(texts):
            if texts != self.header or self.current is None:
                self.header = texts
                self.current = None
            return
        if not self.header:
            return  # Title lines above the first table of headings.
        if self.current is None or self.current["source"] != source:
            self.current = {"source": source, "heading": self.heading, "header": self.header, "rows": []}
            self.extracted.tables.append(self.current)
        width = len(self.header)
        cells = [unguard(str(cell)) if cell is not None else "" for cell in cells][:width]
        merged = merged[:width]
        cells += [""] * (width - len(cells))
        merged += [False] * (width - len(merged))
        self.current["rows"].append({"line": line, "cells": cells, "merged": merged})


def read_docx(data: bytes, force_header: bool = False) -> Extracted:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
        _check_rows(sum(len(table.rows) for table in document.tables))
        builder = _TableBuilder("docx", force_header)
        table_number = 0
        for block in document.iter_inner_content():
            if isinstance(block, Paragraph):
                text = clean(block.text)
                if text and not parse_area_heading(text).flagged:
                    builder.set_heading(text)
            elif isinstance(block, Table):
                table_number += 1
                _read_docx_table(builder, block, f"Table {table_number}")
    except FileRefusedError:
        raise
    except Exception as error:  # python-docx raises many types on malformed XML
        raise FileRefusedError(
            "The Word document could not be read. Open and save it again, then upload it."
        ) from error
    return builder.extracted


def _read_docx_table(builder: _TableBuilder, table, source: str) -> None:
    previous = None
    for index, row in enumerate(table.rows, start=1):
        row_cells = row.cells
        cells, merged = [], []
        for column, cell in enumerate(row_cells):
            # python-docx repeats a merged cell: across a row (gridSpan) and down a column (vMerge).
            if column > 0 and cell._tc is row_cells[column - 1]._tc:
                cells.append("")
                merged.append(True)
                continue
            continues = previous is not None and column < len(previous) and cell._tc is previous[column]._tc
            cells.append("" if continues else "\n".join(paragraph.text for paragraph in cell.paragraphs))
            merged.append(continues)
        builder.add_row(source, index, cells, merged)
        previous = row_cells


def _xlsx_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_xlsx(data: bytes, force_header: bool = False) -> Extracted:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    except Exception as error:
        raise FileRefusedError(
            "The Excel workbook could not be read. Open and save it again, then upload it."
        ) from error
    builder = _TableBuilder("xlsx", force_header)
    try:
        for sheet in workbook.worksheets:
            builder.set_heading("")
            builder.header = []
            source = f"Sheet “{sheet.title}”"
            for index, row in enumerate(sheet.iter_rows(), start=1):
                values = []
                for cell in row:
                    if getattr(cell, "data_type", None) == "f":
                        raise FileRefusedError(
                            f"{source}, cell {cell.coordinate} holds a formula. Imports take values only: "
                            "copy the cells and paste them as values, then upload the file again."
                        )
                    values.append(_xlsx_text(getattr(cell, "value", None)))
                builder.add_row(source, index, values, [False] * len(values))
    except FileRefusedError:
        raise
    except Exception as error:
        raise FileRefusedError(
            "The Excel workbook could not be read. Open and save it again, then upload it."
        ) from error
    finally:
        workbook.close()
    return builder.extracted


def read_csv(data: bytes, force_header: bool = False) -> Extracted:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes nearly everything
        raise FileRefusedError(
            "The CSV file's text could not be read. Save it as CSV UTF-8 and upload it again."
        )
    if not text.strip():
        raise FileRefusedError("The file is empty.")
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    builder = _TableBuilder("csv", force_header)
    try:
        rows = list(csv_rows(text, dialect))
    except CsvRefusedError as refusal:  # a NUL character, an over-long field, broken quoting
        raise FileRefusedError(str(refusal)) from None
    _check_rows(len(rows))
    for index, row in rows:
        builder.add_row("CSV", index, row, [False] * len(row))
    return builder.extracted
