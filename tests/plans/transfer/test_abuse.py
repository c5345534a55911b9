"""Hostile files are refused with a message, in bounded time and memory, measured here.

Each file is read in a child process (as the worker would), so its peak memory is its own:
the child reports the refusal, the seconds taken and its peak resident memory.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest

from plans.transfer.files import MAX_CELL_CHARS, FileRefusedError, read_upload

# Generous for a shared two-core machine; python-docx took 92 s and 0.9 GB on a 30 MB bomb.
SECONDS = 20
PEAK_MB = 250

MEASURE = """
import json, sys, time
from plans.transfer.files import FileRefusedError, read_upload
data = open(sys.argv[1], "rb").read()
start = time.perf_counter()
try:
    read_upload(sys.argv[2], data)
    outcome = "read"
except FileRefusedError as refusal:
    outcome = str(refusal)
print(json.dumps({
    "outcome": outcome,
    "seconds": time.perf_counter() - start,
    # VmHWM: this process's own peak (ru_maxrss would include the parent's, from before exec).
    "peak_mb": int(next(l for l in open("/proc/self/status") if l.startswith("VmHWM")).split()[1]) / 1024,
}))
"""

DOCUMENT_START = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
)
DOCUMENT_END = b"</w:body></w:document>"


def measure(tmp_path: Path, name: str, data: bytes) -> dict:
    path = tmp_path / name
    path.write_bytes(data)
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path), name],
        capture_output=True,
        text=True,
        timeout=SECONDS * 3,
        cwd=Path(__file__).resolve().parents[3],
        check=True,
    )
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    print(f"{name}: {figures['seconds']:.2f} s, peak {figures['peak_mb']:.0f} MB: {figures['outcome']}")
    return figures


def word_zip(parts: dict[str, object]) -> bytes:
    """A .docx from a plain python-docx document, with some parts replaced.

    A part given as a callable is written in chunks (it yields bytes), so a bomb of hundreds of
    MB is never held in the test's memory."""
    template = io.BytesIO()
    docx.Document().save(template)
    source = zipfile.ZipFile(template)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for item in source.infolist():
            if item.filename in parts:
                continue
            target.writestr(item, source.read(item.filename))
        for part, content in parts.items():
            if callable(content):
                with target.open(_deflated(part), "w", force_zip64=True) as stream:
                    for chunk in content():
                        stream.write(chunk)
            else:
                target.writestr(part, content)
    return buffer.getvalue()


def _deflated(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def repeated(piece: bytes, total: int, start: bytes = DOCUMENT_START, end: bytes = DOCUMENT_END):
    def chunks():
        yield start
        block = piece * (1024 * 1024 // len(piece))
        for _ in range(total // len(block)):
            yield block
        yield end

    return chunks


def check(figures: dict, message: str) -> None:
    assert message in figures["outcome"]
    assert figures["seconds"] < SECONDS
    assert figures["peak_mb"] < PEAK_MB


def test_a_decompression_bomb_docx_is_refused_from_its_sizes(tmp_path):
    # Under 1 MB on disk; its XML expands to 300 MB of empty paragraphs.
    data = word_zip({"word/document.xml": repeated(b"<w:p/>", 300 * 1024 * 1024)})
    assert len(data) < 1024 * 1024
    check(measure(tmp_path, "bomb.docx", data), "expands to more than 200 MB")


def test_a_bomb_under_the_zip_limit_is_stopped_while_streaming(tmp_path):
    # 55 MB of XML in one paragraph of runs: not refused by size, so the stream must stop it.
    runs = repeated(
        b"<w:r><w:t>x</w:t></w:r>",
        55 * 1024 * 1024,
        start=DOCUMENT_START + b"<w:p>",
        end=b"</w:p>" + DOCUMENT_END,
    )
    figures = measure(tmp_path, "runs.docx", word_zip({"word/document.xml": runs}))
    check(figures, "One paragraph or table row of the file has more than")


def test_many_empty_paragraphs_are_stopped_at_the_row_limit(tmp_path):
    figures = measure(
        tmp_path, "empty.docx", word_zip({"word/document.xml": repeated(b"<w:p/>", 50 * 1024 * 1024)})
    )
    check(figures, "5,000 paragraphs and table rows or more")


def test_ten_thousand_tiny_paragraphs_are_refused(tmp_path):
    document = docx.Document()
    document.add_paragraph("Priority Area 1 – Everything")
    for number in range(10_000):
        document.add_paragraph(f"• {number}")
    buffer = io.BytesIO()
    document.save(buffer)
    check(measure(tmp_path, "tiny.docx", buffer.getvalue()), "5,000 paragraphs and table rows or more")


def test_deeply_nested_tables_are_refused(tmp_path):
    depth = 200
    cell_open = b"<w:tbl><w:tr><w:tc>"
    cell_close = b"<w:p/></w:tc></w:tr></w:tbl>"
    xml = DOCUMENT_START + cell_open * depth + cell_close * depth + DOCUMENT_END
    check(measure(tmp_path, "nested.docx", word_zip({"word/document.xml": xml})), "tables nested more than")


def test_a_nul_byte_in_the_word_xml_is_refused():
    xml = DOCUMENT_START + b"<w:p><w:r><w:t>Audit\x00the plans</w:t></w:r></w:p>" + DOCUMENT_END
    with pytest.raises(FileRefusedError, match="could not be read"):
        read_upload("nul.docx", word_zip({"word/document.xml": xml}))


def test_an_entity_declaration_is_refused():
    xml = (
        b'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa">]>'
        + DOCUMENT_START[DOCUMENT_START.index(b"<w:document") :]
        + b"<w:p><w:r><w:t>&a;</w:t></w:r></w:p>"
        + DOCUMENT_END
    )
    with pytest.raises(FileRefusedError, match="not a valid Word document"):
        read_upload("entities.docx", word_zip({"word/document.xml": xml}))


def _xlsx_with_string(text: bytes) -> bytes:
    """A workbook whose action cell holds ``text`` as written into its XML (openpyxl would refuse
    or shorten it)."""
    book = openpyxl.Workbook()
    book.active.append(["Agreed action", "Lead person", "Timescale"])
    book.active.append(["PLACEHOLDER", "Chair", "Dec 2011"])
    buffer = io.BytesIO()
    book.save(buffer)
    source = zipfile.ZipFile(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename.startswith("xl/"):
                content = content.replace(b"PLACEHOLDER", text)
            target.writestr(item, content)
    return out.getvalue()


def test_a_nul_byte_in_the_excel_xml_is_refused():
    with pytest.raises(FileRefusedError, match="could not be read"):
        read_upload("nul.xlsx", _xlsx_with_string(b"Audit\x00the plans"))


def test_an_over_long_word_cell_is_refused():
    document = docx.Document()
    table = document.add_table(rows=2, cols=3)
    for cell, text in zip(table.rows[0].cells, ["Agreed action", "Lead person", "Timescale"], strict=True):
        cell.text = text
    table.cell(1, 0).text = "x" * (MAX_CELL_CHARS + 1)
    buffer = io.BytesIO()
    document.save(buffer)
    with pytest.raises(FileRefusedError, match="has more than 32,767 characters"):
        read_upload("long.docx", buffer.getvalue())


def test_an_over_long_excel_cell_is_refused():
    with pytest.raises(FileRefusedError, match="has more than 32,767 characters"):
        read_upload("long.xlsx", _xlsx_with_string(b"x" * (MAX_CELL_CHARS + 1)))


def test_an_over_long_csv_field_is_refused():
    data = b"Agreed action,Lead person,Timescale\n" + b'"' + b"x" * 200_000 + b'",Chair,Dec 2011\n'
    with pytest.raises(FileRefusedError):
        read_upload("plan.csv", data)


def test_an_excel_bomb_of_shared_strings_is_stopped(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["Agreed action", "Lead person", "Timescale"])
    buffer = io.BytesIO()
    book.save(buffer)
    source = zipfile.ZipFile(buffer)
    out = io.BytesIO()
    strings = repeated(
        b"<si><t>x</t></si>",
        100 * 1024 * 1024,
        start=b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">',
        end=b"</sst>",
    )
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for item in source.infolist():
            if item.filename != "xl/sharedStrings.xml":
                target.writestr(item, source.read(item.filename))
        with target.open(_deflated("xl/sharedStrings.xml"), "w", force_zip64=True) as stream:
            for chunk in strings():
                stream.write(chunk)
    check(measure(tmp_path, "strings.xlsx", out.getvalue()), "too large")
