"""Check an uploaded plan file and read its tables as text.

The file's real type is decided by its content (zip signature and expected parts, or
plain text), never by its name or the browser's content type; the name must agree.
Nothing in a file is executed, and the file itself is not kept: only the text of its
cells is stored for the preview. Refusals raise FileRefusedError with a message for the user.
"""

from __future__ import annotations

import colorsys
import csv
import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath

from lxml import etree

from safeguarding.csv_text import CsvRefusedError, csv_rows

from .mapping import is_header_row
from .parsing import AREA_LEAD, OBJECTIVES_LABEL, clean, clean_lines, parse_priority_heading

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
    # Rows that are not actions (headings, column headings, hidden sheets), with the reason.
    skipped: list[dict] = field(default_factory=list)
    # What the preview should say about the file as a whole (formulas read as values).
    warnings: list[dict] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "kind": self.kind,
            "tables": self.tables,
            "row_count": self.row_count,
            "skipped": self.skipped,
            "warnings": self.warnings,
        }

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


ABOVE_HEADINGS = "Above the table's column headings: left out."


class _TableBuilder:
    """Collects rows into tables: a heading starts a new table, header rows are skipped.

    What is not a row of a table is accounted for: headings and rows above the column
    headings go to ``extracted.skipped`` with the reason, and text between a heading and
    its table (objectives, the area's lead) goes to the table's ``context``.
    """

    def __init__(self, kind: str, force_header: bool = False) -> None:
        self.force_header = force_header
        self.extracted = Extracted(kind=kind)
        self.heading = ""
        self.heading_kind = ""
        self.header: list[str] = []
        self.current: dict | None = None
        self.context: list[dict] = []

    def set_heading(self, text: str, kind: str = "", where: str = "") -> None:
        # "PRIORITY 1: …" then "PRIORITY 1a …" above one table: the first heading is kept.
        unused = self.current is None and self.heading and not self.heading_kind
        kept = [{"where": where, "text": self.heading, "row": False}] if unused and not kind else []
        self._drop_context()
        self.heading = text
        self.heading_kind = kind
        self.current = None
        self.context = kept

    def _drop_context(self) -> None:
        """Rows above a table's headings that no table of rows followed: listed, not lost."""
        for entry in self.context:
            if entry["row"]:
                self.extracted.skipped.append(
                    {"where": entry["where"], "text": entry["text"][:200], "reason": ABOVE_HEADINGS}
                )
        self.context = []

    def add_context(self, where: str, text: str, row: bool = False) -> None:
        if len(self.context) < MAX_CONTEXT:
            self.context.append({"where": where, "text": text, "row": row})

    def add_row(
        self,
        source: str,
        line: int,
        cells: list[str],
        merged: list[bool],
        fills: list[str] | None = None,
        span: int = 0,
    ) -> None:
        """One row; ``span`` is how many columns its first filled cell is merged across."""
        self.extracted.row_count += 1
        _check_rows(self.extracted.row_count)
        texts = [clean(cell) for cell in cells]
        filled = [text for text in texts if text]
        if not filled:
            return
        where = f"{source}, row {line}"
        single = len(set(filled)) == 1
        if single and parse_priority_heading(filled[0]) is not None:
            # A priority-area heading written in the table: one cell, or one merged across the row.
            self.set_heading(filled[0])
            self.extracted.skipped.append(
                {"where": where, "text": filled[0][:200], "reason": "Read as a priority heading."}
            )
            return
        forced = self.force_header and len(filled) >= 2 and (not self.header or texts == self.header)
        if forced or is_header_row(texts):
            if texts != self.header or self.current is None:
                self.header = texts
                self.current = None
            self.extracted.skipped.append(
                {"where": where, "text": " | ".join(filled)[:200], "reason": "Column headings."}
            )
            return
        full_text = next(clean_lines(cell) for cell in cells if clean(cell))
        if not self.header:
            # Title lines above the first row of headings: they may name the objectives or
            # the priority's lead, which the preview reads from the table's context.
            self.add_context(where, full_text, row=True)
            return
        if self.current is None or self.current["source"] != source:
            self.current = {
                "source": source,
                "heading": self.heading,
                "heading_kind": self.heading_kind,
                "context": self.context,
                "header": self.header,
                "rows": [],
            }
            self.context = []
            self.extracted.tables.append(self.current)
        width = len(self.header)
        row: dict = {"line": line}
        alone = single and len(filled) == 1
        if alone and (
            span >= max(2, width - 1) or OBJECTIVES_LABEL.match(full_text) or AREA_LEAD.match(filled[0])
        ):
            # One cell merged across the table (or, in a CSV, a cell alone that says
            # "Objectives:" or "Strategic lead:"): a heading, objectives or the area's lead.
            row["span"] = True
        cells = [unguard(str(cell)) if cell is not None else "" for cell in cells][:width]
        merged = merged[:width]
        cells += [""] * (width - len(cells))
        merged += [False] * (width - len(merged))
        row["cells"], row["merged"] = cells, merged
        if fills and any(fills):
            row["fills"] = (list(fills) + [""] * width)[:width]
        self.current["rows"].append(row)

    def finish(self) -> Extracted:
        self._drop_context()
        return self.extracted


# --- streamed XML (Word and Excel) ----------------------------------------------------------
# python-docx and openpyxl build the whole XML tree in memory: an 80 KB .docx whose XML unzips
# to 30 MB took 92 s and 0.9 GB (FIELD-NOTES). These readers stream each part with lxml's
# iterparse, keep one row at a time, and stop at a cap on bytes, elements and nesting.
MAX_XML_BYTES = 60 * 1024 * 1024
MAX_ELEMENTS = 2_000_000
MAX_TABLE_DEPTH = 4
# One paragraph or table row is held in memory until it ends: a real one has a few thousand
# pieces; a bomb packs millions into one.
MAX_BLOCK_ELEMENTS = 100_000
MAX_CELL_CHARS = 32_767  # Excel's own limit for a cell
MAX_CONTEXT = 50
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
S = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
PACKAGE_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
TOO_BIG = "The file's contents are too large to read (it expands to more than {limit}). Split it into smaller files."


class _Counted(io.RawIOBase):
    """A zip member read through a byte cap: the real size counts, not the size it declares."""

    def __init__(self, stream, limit: int) -> None:
        self.stream = stream
        self.limit = limit
        self.read_bytes = 0
        self.head = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.stream.read(len(buffer))
        self.read_bytes += len(data)
        if len(self.head) < 4096:
            self.head += data[: 4096 - len(self.head)]
            if b"<!DOCTYPE" in self.head or b"<!ENTITY" in self.head:
                # Office files never declare a DTD: one is an entity-expansion attack.
                raise FileRefusedError("The file is not a valid Word document or Excel workbook.")
        if self.read_bytes > self.limit:
            raise FileRefusedError(TOO_BIG.format(limit=f"{self.limit // (1024 * 1024)} MB of text"))
        buffer[: len(data)] = data
        return len(data)


class _Budget:
    """Caps shared by all the parts of one file."""

    def __init__(self) -> None:
        self.elements = 0
        self.bytes = 0
        self.in_block = 0  # elements since the last paragraph or row was read and freed

    def count(self) -> None:
        self.elements += 1
        self.in_block += 1
        if self.in_block > MAX_BLOCK_ELEMENTS:
            raise FileRefusedError(
                f"One paragraph or table row of the file has more than {MAX_BLOCK_ELEMENTS:,} pieces of "
                "formatting and text: it is not a plan's row. Split or simplify it and upload it again."
            )
        if self.elements > MAX_ELEMENTS:
            raise FileRefusedError(
                f"The file has more than {MAX_ELEMENTS:,} pieces of formatting and text: it is too large "
                "or not a plan. Split it into smaller files."
            )


def _iterparse(archive: zipfile.ZipFile, name: str, budget: _Budget, events=("start", "end")):
    """Stream one part of the zip as (event, element), under the byte and element caps."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        return
    remaining = MAX_XML_BYTES - budget.bytes
    if info.file_size > remaining:
        raise FileRefusedError(TOO_BIG.format(limit=f"{MAX_XML_BYTES // (1024 * 1024)} MB of text"))
    raw = _Counted(archive.open(info), remaining)
    parser = etree.iterparse(
        io.BufferedReader(raw, 65536),
        events=events,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        for event, element in parser:
            if event == "start" or len(events) == 1:
                budget.count()
            yield event, element
    finally:
        budget.bytes += raw.read_bytes


def _open_zip(data: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise FileRefusedError(
            "The file is damaged (corrupt). Open and save it again, then upload it."
        ) from error


def _check_cell(text: str, where: str) -> str:
    if len(text) > MAX_CELL_CHARS:
        raise FileRefusedError(
            f"{where} has more than {MAX_CELL_CHARS:,} characters: that is not a plan's cell. "
            "Shorten it and upload the file again."
        )
    return text


def _unreadable(kind: str, error: Exception) -> FileRefusedError:
    what = "Word document" if kind == "docx" else "Excel workbook"
    refusal = FileRefusedError(f"The {what} could not be read. Open and save it again, then upload it.")
    refusal.__cause__ = error
    return refusal


# --- Word -----------------------------------------------------------------------------------
# Excel's legacy palette (indexed colours) that plans use for RAG.
INDEXED = {2: "FF0000", 3: "00FF00", 5: "FFFF00", 10: "FF0000", 11: "00FF00", 13: "FFFF00", 17: "008000",
           50: "99CC00", 51: "FFCC00", 52: "FF9900", 53: "FF6600", 12: "0000FF", 4: "0000FF", 40: "00CCFF"}  # fmt: skip
HIGHLIGHTS = {"red": "FF0000", "darkRed": "C00000", "yellow": "FFFF00", "green": "00B050",
              "darkGreen": "008000", "blue": "0070C0", "darkYellow": "FFC000", "cyan": "00B0F0"}  # fmt: skip
_LIST_STYLE = re.compile(r"^(?:list|bullet|number)", re.IGNORECASE)
_HEADING_STYLE = re.compile(r"^(?:heading|titre|berschrift|title$|subtitle$)", re.IGNORECASE)
_TYPED_LIST = re.compile(r"^(?:[•·▪◦●■□➢➤►‣⁃*-]\s+|\(?\d{1,3}[a-z]?[.)]\s+|\d{1,3}\.\d{1,3}\s+|[a-z][.)]\s+)")
# "Lead: …", "By: …", "Measure: …" fragments inside a list item of a plan written as lists.
LIST_HEADER = ["Action", "Lead", "Timescale", "Measure", "Progress"]
_FRAGMENT = re.compile(
    r"[\s(;,–-]*\b(?P<label>lead(?:\s+(?:officer|agency|partner))?|led by|responsible|owner|by when|by|"
    r"timescale|deadline|target date|when|measures?|outcomes?|success measures?|impact|progress|update)"
    r"\s*:\s*",
    re.IGNORECASE,
)
_FRAGMENT_FIELD = {"lead": 1, "led by": 1, "responsible": 1, "owner": 1, "by when": 2, "by": 2, "timescale": 2,
                   "deadline": 2, "target date": 2, "when": 2, "measure": 3, "measures": 3, "outcome": 3,
                   "outcomes": 3, "success measure": 3, "success measures": 3, "impact": 3, "progress": 4,
                   "update": 4}  # fmt: skip


def split_list_item(text: str) -> list[str]:
    """A list item as [action, lead, timescale, measure, progress] from its "Lead:"/"By:" fragments."""
    cells = ["", "", "", "", ""]
    matches = list(_FRAGMENT.finditer(text))
    cells[0] = text[: matches[0].start()] if matches else text
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        label = " ".join(match["label"].lower().split())
        field_index = _FRAGMENT_FIELD.get(label, 0) or _FRAGMENT_FIELD.get(label.split()[0], 0)
        value = text[match.end() : end].strip(" ;,.)")
        if field_index:
            cells[field_index] = f"{cells[field_index]}\n{value}".strip()
    cells[0] = cells[0].strip(" ;,(–-")
    if not cells[0]:
        return [text, "", "", "", ""]
    return cells


def _paragraph_text(paragraph) -> str:
    parts = []
    for element in paragraph.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr", MC_FALLBACK):
        if element.tag == MC_FALLBACK:
            continue
        if any(ancestor.tag == MC_FALLBACK for ancestor in element.iterancestors(MC_FALLBACK)):
            continue  # the same text again, for old versions of Word
        if element.tag == f"{W}t":
            parts.append(element.text or "")
        elif element.tag == f"{W}tab":
            parts.append(" ")
        else:
            parts.append("\n")
    return "".join(parts)


def _paragraph_kind(paragraph) -> tuple[str, str]:
    """("heading" | "list" | "text", style) from the paragraph's properties."""
    properties = paragraph.find(f"{W}pPr")
    style = ""
    if properties is not None:
        style_element = properties.find(f"{W}pStyle")
        style = style_element.get(f"{W}val", "") if style_element is not None else ""
        if properties.find(f"{W}numPr") is not None:
            return ("heading" if _HEADING_STYLE.match(style) else "list"), style
        outline = properties.find(f"{W}outlineLvl")
        if outline is not None and outline.get(f"{W}val", "9") in {"0", "1", "2"}:
            return "heading", style
    if _HEADING_STYLE.match(style):
        return "heading", style
    if _LIST_STYLE.match(style):
        return "list", style
    return "text", style


def _cell_fill(cell) -> str:
    """The cell's shading (or, failing that, a paragraph's shading or highlight) as hex RGB."""
    properties = cell.find(f"{W}tcPr")
    shading = properties.find(f"{W}shd") if properties is not None else None
    if shading is not None and (fill := shading.get(f"{W}fill", "")) and fill.lower() != "auto":
        return fill
    for element in cell.iter(f"{W}shd", f"{W}highlight"):
        if element.tag == f"{W}shd":
            fill = element.get(f"{W}fill", "")
            if fill and fill.lower() != "auto":
                return fill
        elif (colour := HIGHLIGHTS.get(element.get(f"{W}val", ""))) is not None:
            return colour
    return ""


class _WordTable:
    """The state of one top-level table while its rows stream past."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.line = 0
        self.above: dict[int, bool] = {}  # grid column → a cell there that continues down


def _read_word_row(builder: _TableBuilder, table: _WordTable, row) -> None:
    table.line += 1
    cells, merged, fills = [], [], []
    column = 0
    spans = []
    properties = row.find(f"{W}trPr")
    if properties is not None and (before := properties.find(f"{W}gridBefore")) is not None:
        skip = int(before.get(f"{W}val", "0") or 0)
        cells += [""] * skip
        merged += [False] * skip
        fills += [""] * skip
        column += skip
    for cell in _row_cells(row):
        cell_properties = cell.find(f"{W}tcPr")
        span, continues = 1, False
        if cell_properties is not None:
            if (grid_span := cell_properties.find(f"{W}gridSpan")) is not None:
                span = max(1, min(int(grid_span.get(f"{W}val", "1") or 1), 64))
            if (v_merge := cell_properties.find(f"{W}vMerge")) is not None:
                continues = v_merge.get(f"{W}val", "continue") != "restart"
        where = f"{table.source}, row {table.line}"
        text = "" if continues else "\n".join(_paragraph_text(p) for p in cell.iter(f"{W}p"))
        cells.append(_check_cell(text, where))
        merged.append(continues)
        fills.append(_cell_fill(cell))
        spans.append(span)
        # A cell merged across columns fills them with "merged" blanks, as python-docx shows it.
        cells += [""] * (span - 1)
        merged += [True] * (span - 1)
        fills += [""] * (span - 1)
        column += span
    first_filled = next((index for index, text in enumerate(cells) if clean(text)), None)
    span = 0
    if first_filled is not None and len(spans) == 1:
        span = spans[0]
    builder.add_row(table.source, table.line, cells, merged, fills, span=span)


def _row_cells(row):
    """The cells of a row, looking inside content controls (w:sdt) that wrap some of them."""
    for child in row:
        if child.tag == f"{W}tc":
            yield child
        elif child.tag in (f"{W}sdt", f"{W}customXml"):
            content = child.find(f"{W}sdtContent") if child.tag == f"{W}sdt" else child
            if content is not None:
                yield from (cell for cell in content if cell.tag == f"{W}tc")


def read_docx(data: bytes, force_header: bool = False) -> Extracted:
    """Read a Word document's tables (and, without tables, its headings and lists), streamed."""
    archive = _open_zip(data)
    builder = _TableBuilder("docx", force_header)
    budget = _Budget()
    lists = _ListPlan()
    numbering = _Numbering(archive, budget)
    table_number = paragraph_number = 0
    blocks = 0
    table_depth = paragraph_depth = 0
    table: _WordTable | None = None
    try:
        for event, element in _iterparse(archive, "word/document.xml", budget):
            tag = element.tag
            if event == "start":
                if tag == f"{W}tbl":
                    table_depth += 1
                    if table_depth > MAX_TABLE_DEPTH:
                        raise FileRefusedError(
                            f"The document has tables nested more than {MAX_TABLE_DEPTH} deep inside each "
                            "other. Take the plan's table out of the tables around it and upload it again."
                        )
                    if table_depth == 1 and paragraph_depth == 0:
                        table_number += 1
                        table = _WordTable(f"Table {table_number}")
                elif tag == f"{W}p":
                    paragraph_depth += 1
                continue
            if tag == f"{W}p":
                paragraph_depth -= 1
                if table_depth == 0 and paragraph_depth == 0:
                    paragraph_number += 1
                    blocks += 1
                    _check_blocks(blocks)
                    _read_word_paragraph(builder, lists, element, paragraph_number, numbering)
                    _forget(element, budget)
            elif tag == f"{W}tr" and table_depth == 1 and table is not None:
                blocks += 1
                _check_blocks(blocks)
                _read_word_row(builder, table, element)
                _forget(element, budget)
            elif tag == f"{W}tbl":
                table_depth -= 1
                if table_depth == 0:
                    table = None
                    lists.close()
                    _forget(element, budget)
    except FileRefusedError:
        raise
    except (etree.XMLSyntaxError, ValueError, KeyError, zipfile.BadZipFile, OSError, EOFError) as error:
        raise _unreadable("docx", error) from error
    finally:
        archive.close()
    extracted = builder.finish()
    if not extracted.tables and (table_number == 0 or force_header):
        # No table of actions: a plan written as headings and lists (as many adults boards do).
        # A document with tables whose headings were not recognised is first read again
        # taking each table's first row as its headings.
        extracted.tables = lists.tables()
    return extracted


def _check_blocks(count: int) -> None:
    if count >= MAX_ROWS:
        raise FileRefusedError(
            f"The document has {MAX_ROWS:,} paragraphs and table rows or more. Split it into smaller files."
        )


def _forget(element, budget: _Budget | None = None) -> None:
    """Free what has been read: the element and the siblings before it."""
    if budget is not None:
        budget.in_block = 0
    element.clear()
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


class _Numbering:
    """Word's automatic list numbers ("1.", "2.1", "a)"), so a numbered plan keeps its numbers."""

    FORMATS = {"decimal", "lowerLetter", "upperLetter", "decimalZero"}

    def __init__(self, archive: zipfile.ZipFile, budget: _Budget) -> None:
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}  # abstract id → level → format
        self.abstract_of: dict[str, str] = {}  # numId → abstractNumId
        self.counters: dict[str, list[int]] = {}
        abstract = ""
        for event, element in _iterparse(archive, "word/numbering.xml", budget):
            tag = element.tag
            if event == "start":
                if tag == f"{W}abstractNum":
                    abstract = element.get(f"{W}abstractNumId", "")
                continue
            if tag == f"{W}lvl" and abstract:
                level = int(element.get(f"{W}ilvl", "0") or 0)
                found = {child.tag: child.get(f"{W}val", "") for child in element}
                self.levels.setdefault(abstract, {})[level] = (
                    found.get(f"{W}numFmt", ""),
                    found.get(f"{W}lvlText", ""),
                    int(found.get(f"{W}start", "1") or 1),
                )
                _forget(element, budget)
            elif tag == f"{W}num":
                reference = element.find(f"{W}abstractNumId")
                if reference is not None:
                    self.abstract_of[element.get(f"{W}numId", "")] = reference.get(f"{W}val", "")
                _forget(element, budget)

    def label(self, paragraph) -> str:
        properties = paragraph.find(f"{W}pPr")
        numbering = properties.find(f"{W}numPr") if properties is not None else None
        if numbering is None:
            return ""
        num_id = numbering.find(f"{W}numId") if numbering is not None else None
        level_element = numbering.find(f"{W}ilvl")
        num = num_id.get(f"{W}val", "") if num_id is not None else ""
        level = int(level_element.get(f"{W}val", "0") or 0) if level_element is not None else 0
        levels = self.levels.get(self.abstract_of.get(num, ""), {})
        if level not in levels or not 0 <= level < 9:
            return ""
        counters = self.counters.setdefault(num, [0] * 9)
        counters[level] = counters[level] + 1 if counters[level] else levels[level][2]
        for deeper in range(level + 1, 9):
            counters[deeper] = 0
        number_format, text, _start = levels[level]
        if number_format not in self.FORMATS:
            return ""  # bullets carry no number
        for shown in range(level, -1, -1):
            value = counters[shown] or levels.get(shown, ("", "", 1))[2]
            shown_format = levels.get(shown, ("decimal", "", 1))[0]
            if shown_format in ("lowerLetter", "upperLetter"):
                letter = chr(ord("a") + (value - 1) % 26)
                value_text = letter.upper() if shown_format == "upperLetter" else letter
            else:
                value_text = str(value)
            text = text.replace(f"%{shown + 1}", value_text)
        return text.strip()[:20]


class _ListPlan:
    """A plan written as headings and lists: heading = priority, list item = action."""

    def __init__(self) -> None:
        self.sections: list[dict] = []
        self.current: dict | None = None
        self.heading = ""
        self.pending: list[dict] = []

    def heading_paragraph(self, text: str) -> None:
        self.heading = text
        self.current = None
        self.pending = []

    def note(self, where: str, text: str) -> None:
        """A paragraph between a heading and its list ("Objective: …", "Lead: …")."""
        if self.heading and self.current is None and len(self.pending) < MAX_CONTEXT:
            self.pending.append({"where": where, "text": text, "row": False})

    def close(self) -> None:
        self.current = None

    def item(self, line: int, text: str) -> None:
        if not self.heading:
            return  # A list before any heading is an introduction, not a plan's actions.
        if self.current is None:
            self.current = {
                "source": "Lists",
                "heading": self.heading,
                "heading_kind": "list",
                "context": self.pending,
                "header": LIST_HEADER,
                "rows": [],
            }
            self.sections.append(self.current)
        cells = split_list_item(text)
        self.current["rows"].append({"line": line, "cells": cells, "merged": [False] * len(cells)})

    def tables(self) -> list[dict]:
        return [section for section in self.sections if section["rows"]]


def _read_word_paragraph(
    builder: _TableBuilder, lists: _ListPlan, paragraph, number: int, numbering: _Numbering
) -> None:
    text = clean_lines(_check_cell(_paragraph_text(paragraph), f"Paragraph {number}"))
    if not text:
        return
    kind, _style = _paragraph_kind(paragraph)
    if kind == "list" and (label := numbering.label(paragraph)):
        text = f"{label} {text}"  # Word's automatic number is the plan's own numbering
    if parse_priority_heading(text) is not None:
        builder.set_heading(text)
        lists.heading_paragraph(text)
        return
    if kind == "heading" and len(text) <= 200:
        lists.heading_paragraph(text)
        builder.add_context(f"Paragraph {number}", text)
        return
    if kind == "list" or _TYPED_LIST.match(text):
        lists.item(number, text)  # a typed number stays: it is the plan's own numbering
    else:
        lists.note(f"Paragraph {number}", text)
    builder.add_context(f"Paragraph {number}", text)


# --- Excel ----------------------------------------------------------------------------------
_CELL_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")
DATE_FORMAT_IDS = {14, 15, 16, 17, 22, 27, 30, 36, 45, 46, 47, 50, 57}
_DATE_CODE = re.compile(r"\[[^\]]*\]|\"[^\"]*\"|\\.")  # bracketed, quoted and escaped parts
EXCEL_EPOCH = datetime.datetime(1899, 12, 30)


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


def _ref(ref: str) -> tuple[int, int] | None:
    match = _CELL_REF.match(ref or "")
    return (int(match[2]), _column_index(match[1])) if match else None


def _relationships(archive: zipfile.ZipFile, name: str, budget: _Budget) -> dict[str, str]:
    targets = {}
    for _event, element in _iterparse(archive, name, budget, events=("end",)):
        if element.tag == PACKAGE_RELS:
            budget.in_block = 0
            target = element.get("Target", "")
            target = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            targets[element.get("Id", "")] = target
    return targets


def _shared_strings(archive: zipfile.ZipFile, budget: _Budget) -> list[str]:
    strings: list[str] = []
    for _event, element in _iterparse(archive, "xl/sharedStrings.xml", budget, events=("end",)):
        if element.tag == f"{S}si":
            # Rich text has several runs; phonetic guides (rPh) are not part of the text.
            strings.append(
                "".join(t.text or "" for t in element.iter(f"{S}t") if t.getparent().tag != f"{S}rPh")
            )
            _forget(element, budget)
    return strings


class _Styles:
    """Fill colour and date format of each cell style."""

    def __init__(self, archive: zipfile.ZipFile, budget: _Budget) -> None:
        theme = _theme_colours(archive, budget)
        self.fills: list[str] = []
        self.xf_fill: list[int] = []
        self.xf_date: list[bool] = []
        custom_dates: set[int] = set()
        section = ""
        for event, element in _iterparse(archive, "xl/styles.xml", budget):
            tag = element.tag
            if event == "start":
                if tag in (f"{S}fills", f"{S}cellXfs", f"{S}cellStyleXfs", f"{S}numFmts"):
                    section = tag
                continue
            if tag == f"{S}numFmt":
                code = _DATE_CODE.sub("", element.get("formatCode", "")).lower()
                if any(ch in code for ch in "dy") or ("m" in code and "0" not in code):
                    custom_dates.add(int(element.get("numFmtId", "0") or 0))
            elif tag == f"{S}fill" and section == f"{S}fills":
                self.fills.append(_fill_colour(element, theme))
                _forget(element, budget)
            elif tag == f"{S}xf" and section == f"{S}cellXfs":
                number_format = int(element.get("numFmtId", "0") or 0)
                self.xf_fill.append(int(element.get("fillId", "0") or 0))
                self.xf_date.append(number_format in DATE_FORMAT_IDS or number_format in custom_dates)
                _forget(element, budget)
            elif tag in (f"{S}xf", f"{S}font", f"{S}border", f"{S}dxf"):
                _forget(element, budget)
            elif tag in (f"{S}fills", f"{S}cellXfs", f"{S}cellStyleXfs", f"{S}numFmts"):
                section = ""

    def fill(self, style: int) -> str:
        if 0 <= style < len(self.xf_fill) and 0 <= self.xf_fill[style] < len(self.fills):
            return self.fills[self.xf_fill[style]]
        return ""

    def is_date(self, style: int) -> bool:
        return 0 <= style < len(self.xf_date) and self.xf_date[style]


A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
# Excel numbers theme colours light-then-dark; the theme part lists them dark-then-light.
THEME_ORDER = ["lt1", "dk1", "lt2", "dk2", "accent1", "accent2", "accent3", "accent4", "accent5", "accent6"]


def _theme_colours(archive: zipfile.ZipFile, budget: _Budget) -> list[str]:
    """The workbook theme's colours in Excel's theme-index order (a fill of "Accent 6")."""
    found: dict[str, str] = {}
    for _event, element in _iterparse(archive, "xl/theme/theme1.xml", budget, events=("end",)):
        name = element.tag.removeprefix(A)
        if name in THEME_ORDER and name not in found:
            colour = element.find(f"{A}srgbClr")
            system = element.find(f"{A}sysClr")
            found[name] = (
                colour.get("val", "")
                if colour is not None
                else system.get("lastClr", "")
                if system is not None
                else ""
            )
        elif name == "clrScheme":
            break
    return [found.get(name, "") for name in THEME_ORDER]


def _tinted(colour: str, tint: float) -> str:
    """Excel's tint: lighter (towards white) above 0, darker below."""
    if not tint or len(colour) != 6:
        return colour
    red, green, blue = (int(colour[i : i + 2], 16) / 255 for i in (0, 2, 4))
    hue, lightness, saturation = colorsys.rgb_to_hls(red, green, blue)
    lightness = lightness * (1 + tint) if tint < 0 else lightness * (1 - tint) + tint
    return "".join(f"{round(v * 255):02X}" for v in colorsys.hls_to_rgb(hue, lightness, saturation))


def _fill_colour(fill, theme: list[str] | None = None) -> str:
    pattern = fill.find(f"{S}patternFill")
    if pattern is None or pattern.get("patternType", "none") in ("none", "gray125"):
        return ""
    colour = pattern.find(f"{S}fgColor")
    if colour is None:
        return ""
    if colour.get("rgb"):
        return colour.get("rgb")
    if colour.get("indexed"):
        return INDEXED.get(int(colour.get("indexed") or 0), "")
    if colour.get("theme") and theme:
        index = int(colour.get("theme") or 0)
        if 0 <= index < len(theme) and theme[index]:
            try:
                return _tinted(theme[index], float(colour.get("tint", "0") or 0))
            except ValueError:
                return ""
    return ""


def _sheets(archive: zipfile.ZipFile, budget: _Budget) -> tuple[list[tuple[str, str, str]], bool]:
    """(name, part, state) of each sheet in the workbook's order, and whether dates count from 1904."""
    targets = _relationships(archive, "xl/_rels/workbook.xml.rels", budget)
    sheets, date1904 = [], False
    for _event, element in _iterparse(archive, "xl/workbook.xml", budget, events=("end",)):
        if element.tag == f"{S}sheet":
            budget.in_block = 0
            part = targets.get(element.get(f"{R}id", ""), "")
            sheets.append((element.get("name", "Sheet"), part, element.get("state", "visible")))
        elif element.tag == f"{S}workbookPr":
            date1904 = element.get("date1904", "0") in ("1", "true")
    return sheets, date1904


def _excel_value(cell, strings: list[str], styles: _Styles, date1904: bool) -> tuple[str, bool]:
    """(text, is_formula) of one cell; a formula gives its last calculated value, never runs."""
    kind = cell.get("t", "n")
    formula = cell.find(f"{S}f") is not None
    value_element = cell.find(f"{S}v")
    raw = value_element.text if value_element is not None and value_element.text is not None else None
    if kind == "inlineStr":
        inline = cell.find(f"{S}is")
        return ("".join(t.text or "" for t in inline.iter(f"{S}t")) if inline is not None else ""), formula
    if raw is None:
        return "", formula
    if kind == "s":
        index = int(raw)
        return (strings[index] if 0 <= index < len(strings) else ""), formula
    if kind in ("str", "e"):
        return raw, formula
    if kind == "b":
        return ("TRUE" if raw == "1" else "FALSE"), formula
    number = float(raw)
    if styles.is_date(int(cell.get("s", "0") or 0)) and 0 < number < 2958466:
        day = EXCEL_EPOCH + datetime.timedelta(days=number + (1462 if date1904 else 0))
        return day.date().isoformat(), formula
    return _xlsx_text(number), formula


def read_xlsx(data: bytes, force_header: bool = False) -> Extracted:
    """Read each visible sheet of a workbook, streamed; formulas give their cached values."""
    archive = _open_zip(data)
    builder = _TableBuilder("xlsx", force_header)
    budget = _Budget()
    try:
        sheets, date1904 = _sheets(archive, budget)
        strings = _shared_strings(archive, budget)
        styles = _Styles(archive, budget)
        for name, part, state in sheets:
            source = f"Sheet “{name}”"
            if state != "visible":
                builder.extracted.skipped.append(
                    {"where": source, "text": name, "reason": "A hidden sheet: left out."}
                )
                continue
            builder.set_heading(name, kind="sheet")
            builder.header = []
            _read_sheet(builder, archive, part, source, strings, styles, date1904, budget)
    except FileRefusedError:
        raise
    except (
        etree.XMLSyntaxError,
        ValueError,
        KeyError,
        IndexError,
        zipfile.BadZipFile,
        OSError,
        EOFError,
    ) as error:
        raise _unreadable("xlsx", error) from error
    finally:
        archive.close()
    return builder.finish()


def _read_sheet(builder, archive, part, source, strings, styles, date1904, budget) -> None:
    # Merged ranges come after the rows in the sheet's XML, so the rows are kept (as text,
    # at most MAX_ROWS of them) until the sheet has been read.
    rows: list[tuple[int, dict[int, str], dict[int, str]]] = []
    merges: list[tuple[int, int, int, int]] = []
    formulas = 0
    for _event, element in _iterparse(archive, part, budget, events=("end",)):
        if element.tag == f"{S}row":
            line = int(element.get("r", "0") or 0) or (rows[-1][0] + 1 if rows else 1)
            values: dict[int, str] = {}
            fills: dict[int, str] = {}
            for position, cell in enumerate(element.iter(f"{S}c")):
                found = _ref(cell.get("r", ""))
                column = found[1] if found else position
                if column > 200:
                    continue
                text, is_formula = _excel_value(cell, strings, styles, date1904)
                formulas += is_formula
                if text:
                    values[column] = _check_cell(text, f"{source}, row {line}")
                if fill := styles.fill(int(cell.get("s", "0") or 0)):
                    fills[column] = fill
            rows.append((line, values, fills))
            _check_rows(len(rows) + builder.extracted.row_count)
            _forget(element, budget)
        elif element.tag == f"{S}mergeCell":
            bounds = (element.get("ref", "") + ":").split(":")[:2]
            first, last = _ref(bounds[0]), _ref(bounds[1] or bounds[0])
            if first and last:
                merges.append((first[0], first[1], last[0], last[1]))
    if formulas:
        builder.extracted.warnings.append(
            {
                "where": source,
                "message": f"{formulas} cell{'s' if formulas != 1 else ''} hold formulas: their last "
                "calculated values are read (formulas are never run).",
            }
        )
    continues: set[tuple[int, int]] = set()
    spans: dict[int, int] = {}
    for top, left, bottom, right in merges:
        if right > left:
            spans[top] = max(spans.get(top, 0), right - left + 1)
            continues |= {(top, column) for column in range(left + 1, right + 1)}
        for line in range(top + 1, min(bottom, top + MAX_ROWS) + 1):
            continues |= {(line, column) for column in range(left, min(right, left + 200) + 1)}
    for line, values, fills in rows:
        width = max([*values, *fills, -1]) + 1
        cells = [values.get(column, "") for column in range(width)]
        merged = [(line, column) in continues for column in range(width)]
        fill_list = [fills.get(column, "") for column in range(width)]
        builder.add_row(source, line, cells, merged, fill_list, span=spans.get(line, 0))


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


def sniff_dialect(text: str) -> type[csv.Dialect]:
    """The file's delimiter (comma, semicolon or tab) and quote character, from its start.

    A quote inside a quoted cell is always read as doubled (""), as Excel, LibreOffice and
    our own export write it: the sniffer says "not doubled" whenever its sample happens to
    hold no doubled quote, and a later cell's ``a ""Think family"" approach`` would then
    be read with its quotes doubled."""
    try:
        sniffed = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
    except csv.Error:
        return csv.excel

    class Sniffed(csv.excel):
        delimiter = sniffed.delimiter
        quotechar = sniffed.quotechar or '"'
        skipinitialspace = sniffed.skipinitialspace
        doublequote = True

    return Sniffed


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
    dialect = sniff_dialect(text)
    builder = _TableBuilder("csv", force_header)
    try:
        rows = list(csv_rows(text, dialect))
    except CsvRefusedError as refusal:  # a NUL character, an over-long field, broken quoting
        raise FileRefusedError(str(refusal)) from None
    _check_rows(len(rows))
    for index, row in rows:
        builder.add_row("CSV", index, row, [False] * len(row))
    return builder.extracted
