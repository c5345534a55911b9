"""Word and Excel layouts the seed plan shows: merged cells, headings inside tables,
repeated header rows, cells split over a page break."""

from __future__ import annotations

import datetime
import io

import docx
import openpyxl

from plans.transfer.files import read_upload
from plans.transfer.mapping import guess_mapping
from plans.transfer.preview import build_draft
from tests.plans.transfer.files import SEVEN


def draft_of(name: str, data: bytes) -> dict:
    extracted = read_upload(name, data).as_json()
    headings = [heading for table in extracted["tables"] for heading in table["header"]]
    return build_draft(
        extracted, guess_mapping(headings), plan=None, progress_as_of=datetime.date(2011, 9, 30)
    )


def test_word_merged_cells_headings_in_tables_repeated_headers_and_page_splits():
    document = docx.Document()
    table = document.add_table(rows=6, cols=7)
    # Row 0: the area heading merged across the table; row 1: the headings.
    heading = table.cell(0, 0).merge(table.cell(0, 6))
    heading.text = "Priority Area 4 – Tackle the impact of Neglect on children's welfare and development"
    for cell, text in zip(table.rows[1].cells, SEVEN, strict=True):
        cell.text = text
    objective = table.cell(2, 0).merge(table.cell(3, 0))
    objective.text = "4.1 Reduce the impact of Neglect"
    table.cell(2, 1).text = "Multi-agency file audits"
    table.cell(2, 2).text = "Support the Graded Care Profile"
    table.cell(3, 2).text = "Train the staff"
    lead = table.cell(2, 3).merge(table.cell(3, 3))
    lead.text = "Chair of BPG"
    timescale = table.cell(2, 4).merge(table.cell(3, 4))
    timescale.text = "July 2013"
    table.cell(2, 5).text = "Lead identified April 2011"
    # Word repeats the headings at the top of the next page, then the cell carries on.
    for cell, text in zip(table.rows[4].cells, SEVEN, strict=True):
        cell.text = text
    table.cell(5, 5).text = "supporting papers to be presented to SSCB"
    buffer = io.BytesIO()
    document.save(buffer)

    draft = draft_of("plan.docx", buffer.getvalue())
    assert draft["error_count"] == 0, draft["issues"]
    (area,) = draft["areas"]
    assert (area["number"], area["title"]) == (
        4,
        "Tackle the impact of Neglect on children's welfare and development",
    )
    (objective,) = area["objectives"]
    assert objective["number"] == "4.1"
    first, second = objective["actions"]
    assert [(a["description"], a["lead_role"], a["timescale_text"]) for a in (first, second)] == [
        ("Support the Graded Care Profile", "Chair of BPG", "July 2013"),
        ("Train the staff", "Chair of BPG", "July 2013"),
    ]
    # The row that only carries progress continues the notes of the action above it.
    assert [note["text"] for note in second["progress"]] == ["supporting papers to be presented to SSCB"]
    assert [note["text"] for note in first["progress"]] == ["Lead identified April 2011"]


def test_excel_merged_cells_and_a_heading_row_above_the_headings():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Priority Area 1 – Child Protection"])
    sheet.append(SEVEN)
    sheet.append(
        [
            "1.1 Children are safe",
            "SSCB report",
            "Audit the plans",
            "Chair of QA",
            datetime.datetime(2011, 12, 15),
            "",
            "NI64 down (NI64)",
        ]
    )
    sheet.append([None, None, "Review the audit", None, None, None, None])
    sheet.merge_cells("A3:A4")
    sheet.merge_cells("D3:D4")
    buffer = io.BytesIO()
    workbook.save(buffer)

    draft = draft_of("plan.xlsx", buffer.getvalue())
    (area,) = draft["areas"]
    (objective,) = area["objectives"]
    assert objective["measures"] == [{"description": "NI64 down (NI64)", "indicator_code": "NI64"}]
    assert [(a["description"], a["lead_role"], a["due"], a["precision"]) for a in objective["actions"]] == [
        ("Audit the plans", "Chair of QA", "2011-12-15", "day"),
        ("Review the audit", "Chair of QA", "2011-12-15", "day"),
    ]


def test_a_csv_from_excel_with_semicolons_and_windows_encoding():
    text = "Priority area;Objective;Agreed action;Lead;Timescale\nPriority Area 1 – Child Protection;1.1 Children’s safety;Audit;Chair;Sept 2011 – Dec 2011\n"
    draft = draft_of("plan.csv", text.encode("cp1252"))
    action = draft["areas"][0]["objectives"][0]["actions"][0]
    assert draft["areas"][0]["objectives"][0]["description"] == "Children’s safety"
    assert (action["due"], action["timescale_text"]) == ("2011-12-31", "Sept 2011 – Dec 2011")


def test_a_doubled_quote_in_a_csv_cell_is_one_quote_wherever_it_first_appears():
    """Python's sniffer looks at the file's first 8 KB only; a file whose first doubled
    quote comes later (the demo plan's "Think family" row) was read with both quotes."""
    rows = [
        f'Priority Area 1 – Child Protection,"1.{n} Objective, with a comma",Audit the plans {n},Chair,December 2011'
        for n in range(1, 200)
    ]
    rows.append(
        'Priority Area 1 – Child Protection,"1.200 Families","Establish a ""Think family"" approach",'
        "Chair,December 2011"
    )
    text = "Priority area,Objective,Agreed action,Lead,Timescale\n" + "\n".join(rows) + "\n"
    assert text.index('""') > 8192
    draft = draft_of("plan.csv", text.encode("utf-8"))
    last = draft["areas"][0]["objectives"][-1]["actions"][0]
    assert last["description"] == 'Establish a "Think family" approach'
