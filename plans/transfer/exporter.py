"""Export a plan in the seven-column layout: .xlsx, .csv and .docx.

Every action row carries its stable reference ("A-<pk>"), so an exported spreadsheet can be
edited and imported again to update progress, status, RAG and due dates (bulk update), and
every export imports into a new plan as the same plan (round trip).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from django.db.models import Prefetch

from plans.models import Action, BusinessPlan, Objective, PriorityArea, ProgressUpdate, Rag

from .parsing import format_due, parse_timescale
from .preview import action_reference

COLUMNS = [
    "Reference",
    "Priority area",
    "What do we want to achieve?",
    "How was the issue identified?",
    "Agreed action",
    "Lead person",
    "Timescale",
    "Progress",
    "Measure",
    "Status",
    "RAG",
    "Due date",
    "Completed on",
]
SEVEN = COLUMNS[2:9]

# Spreadsheet programs run a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def guard(value: str) -> str:
    """Prefix a quote to text a spreadsheet would otherwise read as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def area_heading(area: PriorityArea) -> str:
    heading = f"Priority Area {area.number} – {area.title}"
    return f"{heading} ({area.wider_plan_link})" if area.wider_plan_link else heading


def timescale_cell(action: Action) -> str:
    """The timescale as the plan wrote it, unless the due date has since moved away from it."""
    written = parse_timescale(action.timescale_text)
    if action.timescale_text and (written.due, written.precision or action.due_precision) == (
        action.due_date,
        action.due_precision,
    ):
        return action.timescale_text
    if action.due_date is None:
        return action.timescale_text
    return format_due(action.due_date, action.due_precision)


def note_lines(note: ProgressUpdate) -> str:
    return f"{note.date.day} {note.date:%B %Y}: {note.text}"


@dataclass
class Row:
    area: PriorityArea
    objective: Objective
    action: Action | None
    first: bool  # the objective's first row: it carries the objective, evidence and measures
    # Spreadsheets have a due date column, so their timescale is exactly as written; Word's
    # seven columns show the due date in the timescale when it has moved from the words.
    flat: bool = True

    def values(self) -> list[str]:
        action, objective = self.action, self.objective
        notes = sorted(action.progress_updates.all(), key=lambda n: (n.date, n.pk)) if action else []
        return [
            action_reference(action) if action else "",
            area_heading(self.area),
            f"{objective.number} {objective.description}" if self.first else "",
            "\n".join(source.text for source in objective.evidence_sources.all()) if self.first else "",
            action.description if action else "",
            action.lead_display if action else "",
            (action.timescale_text if self.flat else timescale_cell(action)) if action else "",
            "\n".join(note_lines(note) for note in notes),
            "\n".join(measure.description for measure in objective.measures.all()) if self.first else "",
            action.get_status_display() if action else "",
            (action.get_rag_display() if action.rag else "") if action else "",
            format_due(action.due_date, action.due_precision) if action else "",
            f"{action.completed_on.day} {action.completed_on:%B %Y}"
            if action and action.completed_on
            else "",
        ]


def load_areas(plan: BusinessPlan) -> list[PriorityArea]:
    """The whole plan in five queries."""
    actions = Action.objects.prefetch_related("progress_updates")
    objectives = Objective.objects.prefetch_related(
        "evidence_sources", "measures", Prefetch("actions", queryset=actions)
    )
    return list(
        PriorityArea.objects.filter(plan=plan).prefetch_related(Prefetch("objectives", queryset=objectives))
    )


def area_rows(area: PriorityArea) -> list[Row]:
    rows = []
    for objective in area.objectives.all():
        actions = list(objective.actions.all()) or [None]
        rows.extend(Row(area, objective, action, index == 0) for index, action in enumerate(actions))
    return rows


def export_csv(plan: BusinessPlan) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for area in load_areas(plan):
        for row in area_rows(area):
            writer.writerow([guard(value) for value in row.values()])
    # A byte-order mark so Excel reads the file as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


_SHEET_UNSAFE = re.compile(r"[\[\]:*?/\\]")


def export_xlsx(plan: BusinessPlan) -> bytes:
    import openpyxl
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font

    def safe(value: str) -> str:
        return guard(ILLEGAL_CHARACTERS_RE.sub("", value))

    areas = load_areas(plan)
    workbook = openpyxl.Workbook()
    summary = workbook.active
    summary.title = "Summary"
    summary.append([safe(plan.title)])
    summary.append([plan.period_label])
    summary.append([])
    ratings = [Rag.RED, Rag.AMBER, Rag.GREEN, Rag.BLUE, Rag.NOT_RATED]
    summary.append(["Priority area", "Number of actions", *[Rag(r).label for r in ratings]])
    totals = [0] * (len(ratings) + 1)
    for area in areas:
        area_actions = [a for o in area.objectives.all() for a in o.actions.all()]
        counts = [len(area_actions)] + [sum(1 for a in area_actions if a.rag == r) for r in ratings]
        totals = [t + c for t, c in zip(totals, counts, strict=True)]
        summary.append([safe(area_heading(area)), *counts])
    summary.append(["All priority areas", *totals])
    for cell in summary[4]:
        cell.font = Font(bold=True)
    summary["A1"].font = Font(bold=True, size=14)
    summary.column_dimensions["A"].width = 60
    used: set[str] = {"Summary"}
    for area in areas:
        title = _SHEET_UNSAFE.sub(" ", f"{area.number} {area.title}")[:31].strip()
        while title in used:
            title = f"{title[:28]} {len(used)}"
        used.add(title)
        sheet = workbook.create_sheet(title)
        sheet.append([safe(area_heading(area))])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append(COLUMNS)
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in area_rows(area):
            sheet.append([safe(value) for value in row.values()])
        for column, width in zip(
            "ABCDEFGHIJKLM", (9, 20, 40, 30, 40, 25, 16, 50, 40, 14, 10, 16, 16), strict=True
        ):
            sheet.column_dimensions[column].width = width
        for line in sheet.iter_rows(min_row=3):
            for cell in line:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.freeze_panes = "A3"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_docx(plan: BusinessPlan) -> bytes:
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.shared import Pt

    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    document.styles["Normal"].font.size = Pt(9)
    document.add_heading(plan.title, level=1)
    document.add_paragraph(plan.period_label)
    headings = [*SEVEN, "Reference"]
    for area in load_areas(plan):
        document.add_heading(area_heading(area), level=2)
        table = document.add_table(rows=1, cols=len(headings))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, headings, strict=True):
            cell.text = text
            cell.paragraphs[0].runs[0].bold = True
        for objective in area.objectives.all():
            actions = list(objective.actions.all()) or [None]
            first_row = len(table.rows)
            for index, action in enumerate(actions):
                values = Row(area, objective, action, index == 0, flat=False).values()
                by_heading = dict(zip(COLUMNS, values, strict=True))
                cells = table.add_row().cells
                for cell, heading in zip(cells, headings, strict=True):
                    _paragraphs(cell, by_heading[heading].split("\n") if by_heading[heading] else [])
            if len(actions) > 1:
                # The objective, its evidence and its measures span the objective's rows, as in Word plans.
                last_row = len(table.rows) - 1
                for column in (0, 1, 6):
                    top = table.cell(first_row, column)
                    texts = [p.text for p in top.paragraphs]
                    merged = top.merge(table.cell(last_row, column))
                    _paragraphs(merged, [t for t in texts if t])
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _paragraphs(cell, texts: list[str]) -> None:
    for paragraph in list(cell.paragraphs)[1:]:
        paragraph._element.getparent().remove(paragraph._element)
    cell.paragraphs[0].text = texts[0] if texts else ""
    for text in texts[1:]:
        cell.add_paragraph(text)


EXPORTERS = {
    "xlsx": (export_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "csv": (export_csv, "text/csv; charset=utf-8"),
    "docx": (export_docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
}
