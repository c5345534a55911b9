"""Small files for the tests, built in memory."""

from __future__ import annotations

import csv
import io
import zipfile

import docx
import openpyxl

SEVEN = [
    "What do we want to achieve?",
    "How was the issue identified?",
    "Agreed action",
    "Lead person",
    "Timescale",
    "Progress",
    "Measure",
]


def csv_bytes(rows: list[list[str]], header: list[str] | None = None) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header or ["Priority area", *SEVEN])
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def small_csv() -> bytes:
    return csv_bytes(
        [
            [
                "Priority Area 1 – Child Protection",
                "1.1 Children are safe",
                "SSCB report",
                "Audit the plans",
                "Chair of QA",
                "December 2011",
                "Audit started",
                "NI64 (NI64)",
            ],
            ["", "", "", "Review the audit", "", "Ongoing", "", ""],
        ]
    )


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def docx_bytes(with_table: bool = True) -> bytes:
    document = docx.Document()
    document.add_paragraph("Priority Area 1 – Child Protection")
    if with_table:
        table = document.add_table(rows=2, cols=7)
        for cell, text in zip(table.rows[0].cells, SEVEN, strict=True):
            cell.text = text
        for cell, text in zip(
            table.rows[1].cells,
            ["1.1 Children are safe", "Report", "Audit", "Chair", "Dec 2011", "", ""],
            strict=True,
        ):
            cell.text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def with_macros(data: bytes, part: str = "word/vbaProject.bin") -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr(part, b"\x00" * 64)
    return buffer.getvalue()
