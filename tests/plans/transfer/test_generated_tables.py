"""Generated plan tables: any column order, heading synonyms, merged cells, blank rows.

The import never raises on them and never loses a row silently: every row of the file with
text of its own becomes an action, is read as a heading, or is listed in the preview as
skipped with its reason.
"""

from __future__ import annotations

import csv
import datetime
import io

import docx
import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plans.transfer.files import FileRefusedError, read_upload
from plans.transfer.mapping import guess_mapping
from plans.transfer.preview import build_draft

HEADINGS = {
    "action": [
        "Agreed action",
        "Specific actions",
        "Key actions",
        "What will it do?",
        "How will we do this?",
    ],
    "lead": ["Lead person", "Responsible lead/group", "Lead officer/agency", "Owner", "Accountable"],
    "timescale": ["Timescale", "Timescale/Target", "By when", "Deadline", "Target date"],
    "rag": ["RAG", "R/A/G", "RAG status"],
    "measure": ["Desired outcome", "Success measure", "Evidence of impact", "Monitoring and evaluation"],
    "progress": ["Progress", "Comments", "Progress update", "Q1 update"],
    "number": ["Ref", "No."],
    "objective": ["Objective", "What do we want to achieve?"],
}
VALUES = {
    "lead": ["Chair of QA", "Board Manager", "", "Police"],
    "timescale": ["March 2025", "Q3 2024/25", "Ongoing", "", "Spring", "nonsense"],
    "rag": ["R", "A/G", "Complete", "", "Green", "purple"],
    "measure": ["Fewer repeat referrals", "", "Audit shows\nimprovement"],
    "progress": ["Started", "", "30 June 2024: Draft agreed"],
    "number": ["1.", "2a", "", "WS3P21"],
    "objective": ["1.1 Children are safe", "", "Families are supported"],
}
ROW_KINDS = [
    "action",
    "action",
    "action",
    "two actions",
    "blank",
    "heading",
    "across",
    "continues",
    "other only",
]

columns_strategy = st.lists(
    st.sampled_from([name for name in HEADINGS if name != "action"]), min_size=2, max_size=6, unique=True
).flatmap(lambda names: st.permutations(["action", *names]))


@st.composite
def plans(draw):
    columns = draw(columns_strategy)
    headers = [draw(st.sampled_from(HEADINGS[name])) for name in columns]
    kinds = draw(st.lists(st.sampled_from(ROW_KINDS), min_size=1, max_size=10))
    rows = []
    for number, kind in enumerate(kinds):
        values = {name: draw(st.sampled_from(VALUES[name])) for name in columns if name != "action"}
        values["action"] = f"Review case {number} with partners"
        if kind == "two actions":
            values["action"] += f"\nTrain staff group {number}"
        rows.append((kind, [values[name] for name in columns]))
    return {
        "format": draw(st.sampled_from(["docx", "xlsx", "csv"])),
        "columns": columns,
        "headers": headers,
        "rows": rows,
        "title": draw(st.booleans()),
    }


def build(plan) -> tuple[bytes, str, dict[int, str]]:
    """The file, the name of its table, and each source line with text of its own → its kind."""
    width = len(plan["headers"])
    lines: list[tuple[str, list[str]]] = []
    if plan["title"]:
        lines.append(("title", ["Safeguarding plan 2024/25"] + [""] * (width - 1)))
    lines.append(("header", plan["headers"]))
    for number, (kind, values) in enumerate(plan["rows"]):
        if kind == "blank":
            lines.append((kind, [""] * width))
        elif kind == "heading":
            lines.append((kind, [f"Priority Area {number + 1} – Theme {number}"] + [""] * (width - 1)))
        elif kind == "across":
            lines.append((kind, [f"Objectives: keep children safe {number}"] + [""] * (width - 1)))
        elif kind == "continues":
            # No action of its own: its other cells continue the action above.
            action = plan["columns"].index("action")
            lines.append((kind, ["" if column == action else value for column, value in enumerate(values)]))
        elif kind == "other only":
            # Text in one column that is not the action: no action of its own.
            other = next(index for index, name in enumerate(plan["columns"]) if name != "action")
            lines.append((kind, [f"Note {number}" if index == other else "" for index in range(width)]))
        else:
            lines.append((kind, values))
    with_text = {
        index: kind
        for index, (kind, cells) in enumerate(lines, start=1)
        if any(cell.strip() for cell in cells)
    }
    if plan["format"] == "csv":
        buffer = io.StringIO()
        csv.writer(buffer).writerows(cells for _, cells in lines)
        return buffer.getvalue().encode(), "CSV", with_text
    if plan["format"] == "xlsx":
        book = openpyxl.Workbook()
        sheet = book.active
        for index, (kind, cells) in enumerate(lines, start=1):
            sheet.append(cells)
            if kind in ("title", "heading", "across") and width > 1:
                sheet.merge_cells(start_row=index, start_column=1, end_row=index, end_column=width)
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue(), "Sheet “Sheet”", with_text
    document = docx.Document()
    table = document.add_table(rows=len(lines), cols=width)
    for index, (kind, cells) in enumerate(lines):
        if kind in ("title", "heading", "across") and width > 1:
            table.cell(index, 0).merge(table.cell(index, width - 1)).text = cells[0]
            continue
        for column, text in enumerate(cells):
            if text:
                table.cell(index, column).text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue(), "Table 1", with_text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans())
def test_every_row_is_an_action_a_heading_or_skipped_with_a_reason(plan):
    data, source, with_text = build(plan)
    if not any(kind in ("action", "two actions") for kind, _ in plan["rows"]):
        # A table with no action at all may be refused, but only with a message.
        try:
            read_upload(f"plan.{plan['format']}", data)
        except FileRefusedError as refusal:
            assert "No plan table was found" in str(refusal)
            return
    extracted = read_upload(f"plan.{plan['format']}", data).as_json()
    headings = [heading for table in extracted["tables"] for heading in table["header"]]
    draft = build_draft(
        extracted,
        guess_mapping(headings),
        plan=None,
        progress_as_of=datetime.date(2024, 9, 30),
        period=(datetime.date(2024, 4, 1), datetime.date(2025, 3, 31)),
    )
    actions = [a for area in draft["areas"] for o in area["objectives"] for a in o["actions"]]
    accounted = {action["where"] for action in actions}
    skipped = {entry["where"]: entry["reason"] for entry in draft["skipped"]}
    assert all(entry["reason"] for entry in draft["skipped"])
    errors = {issue["where"] for issue in draft["issues"] if issue["level"] == "error"}
    for line, kind in with_text.items():
        where = f"{source}, row {line}"
        assert where in accounted or where in skipped or where in errors, (kind, where, draft["skipped"])
        if kind in ("action", "two actions") and "objective" not in plan["columns"]:
            assert where in accounted, (kind, where)
    expected = sum(
        2 if kind == "two actions" else 1 for kind, _ in plan["rows"] if kind in ("action", "two actions")
    )
    if "objective" not in plan["columns"]:
        assert len(actions) == expected
