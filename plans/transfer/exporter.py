"""Export a plan in the seven-column layout: .xlsx, .csv and .docx.

Every action row carries its stable reference ("A-<pk>"), so an exported spreadsheet can be
edited and imported again to update progress, status, RAG and due dates (bulk update), and
every export imports into a new plan as the same plan (round trip).
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from dataclasses import dataclass, field

from django.db.models import Prefetch

from plans import rows as plan_rows
from plans.models import (
    Action,
    BusinessPlan,
    Objective,
    PriorityArea,
    ProgressUpdate,
    Rag,
    Recurrence,
)
from plans.rows import RowCell

from .parsing import UNDATED_NOTE_PREFIX, format_due
from .preview import action_reference

COLUMNS = [
    "Reference",
    "Priority area",
    "What do we want to achieve?",
    "How was the issue identified?",
    "Agreed action",
    "Lead person",
    "Lead agency",
    "Timescale",
    "Progress",
    "Measure",
    "Status",
    "RAG",
    "Due date",
    "Completed on",
    "Originally due",
    "Action number",
    "Recurrence",
    "Priority area lead",
    "Illustrative",
]
# What the Illustrative column says of a demo action whose status and RAG the source does
# not state (Action.rating_illustrative); an import reads it back as such.
ILLUSTRATIVE_RATING = "Status and RAG rating: the source does not state them"
SEVEN = [
    "What do we want to achieve?",
    "How was the issue identified?",
    "Agreed action",
    "Lead person",
    "Timescale",
    "Progress",
    "Measure",
]
# Word keeps the seven columns the plans are written in, and adds what a round trip needs
# (the lead agency, status, RAG, completion, the plan's own action number, ongoing or recurring work) and
# what the plan page says beside the timescale. The priority area's lead is a "Strategic
# lead: …" paragraph under the area's heading, as boards write it.
WORD_COLUMNS = [
    *SEVEN,
    "Lead agency",
    "Status",
    "RAG",
    "Illustrative",
    "Completed on",
    "Originally due",
    "Recurrence",
    "No.",
    "Reference",
]
WORD_HEADINGS = {"No.": "Action number"}  # Word's short heading → the column it holds
# Centimetres, filling an A4 landscape page (29.7 cm) inside 1 cm margins.
WORD_WIDTHS_CM = (2.2, 2.0, 2.6, 2.1, 1.7, 2.7, 1.8, 1.6, 1.5, 1.3, 1.8, 1.4, 1.4, 1.4, 1.0, 1.2)

# Spreadsheet programs run a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def guard(value: str) -> str:
    """Prefix a quote to text a spreadsheet would otherwise read as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def area_heading(area: PriorityArea) -> str:
    heading = f"Priority Area {area.number} – {area.title}"
    return f"{heading} ({area.wider_plan_link})" if area.wider_plan_link else heading


def timescale_cell(action: Action) -> str:
    """The timescale in the plan page's words (``Action.timescale``): the current due date as
    the plan states it, or the timescale text when there is no date. The source's own
    wording is not repeated once the date has moved from it (the demo moves every date),
    so an export never says one date in Timescale and another in Due date."""
    return action.timescale if action.due_date is not None else action.timescale_text


def recurrence_cell(action: Action) -> str:
    """ "Ongoing" or "Recurring" as the action page says it; nothing for a one-off action."""
    return Recurrence(action.recurrence).label if action.recurrence else ""


def area_lead_line(area: PriorityArea) -> str:
    """The area's strategic lead as a Word plan writes it under the heading (read back as the lead)."""
    return f"Strategic lead: {area.lead}" if area.lead else ""


def note_lines(note: ProgressUpdate) -> str:
    """A note as the plan page shows it: "25 July 2011: …", "June 2011: …", "2010: …", and
    "Date not recorded: …" for a note the source gives without a date (all read back the same)."""
    if note.date is None:
        return f"{UNDATED_NOTE_PREFIX}: {note.text}"
    return f"{note.date_label}: {note.text}"


def demo_notes(plan: BusinessPlan) -> list[str]:
    """What a demo plan's page says once about moved dates and invented values, for exports."""
    notes = [plan.dates_moved_note] if plan.dates_moved_note else []
    if plan.illustrative_note:
        notes.append(f"Illustrative: {plan.illustrative_note}")
    return notes


def ordered_notes(action: Action) -> list[ProgressUpdate]:
    """Oldest first, undated notes before the dated ones."""
    notes = action.progress_updates.all()
    return sorted(notes, key=lambda n: (n.date is not None, n.date or datetime.date.min, n.pk))


@dataclass
class Row:
    area: PriorityArea
    objective: Objective
    action: Action | None
    first: bool  # the objective's first row: it carries the objective
    # The evidence and measures cells that start at this row (plans.rows): for the whole
    # objective on its first row, or for the row of actions the source ties them to.
    evidence: RowCell | None = None
    measures: RowCell | None = None
    # This row's own evidence and measures, whether or not its cell starts here: a
    # spreadsheet has no merged cells, so each row says all of its own (an import reads an
    # item on every row of its objective as the objective's, on some rows as those actions').
    row_evidence: list = field(default_factory=list)
    row_measures: list = field(default_factory=list)

    def values(self, spans: bool = False) -> list[str]:
        """The row's cells under COLUMNS. ``spans``: evidence and measures only where their
        cell starts (Word merges it down the rows it is for); otherwise on every row."""
        action, objective = self.action, self.objective
        notes = ordered_notes(action) if action else []
        evidence = (self.evidence.items if self.evidence else []) if spans else self.row_evidence
        measures = (self.measures.items if self.measures else []) if spans else self.row_measures
        return [
            action_reference(action) if action else "",
            area_heading(self.area),
            f"{objective.number} {objective.description}" if self.first else "",
            "\n".join(source.text for source in evidence),
            action.description if action else "",
            action.lead_display if action else "",
            action.lead_agency.name if action and action.lead_agency else "",
            timescale_cell(action) if action else "",
            "\n".join(note_lines(note) for note in notes),
            "\n".join(measure.description for measure in measures),
            action.get_status_display() if action else "",
            (action.get_rag_display() if action.rag else "") if action else "",
            format_due(action.due_date, action.due_precision) if action else "",
            f"{action.completed_on.day} {action.completed_on:%B %Y}"
            if action and action.completed_on
            else "",
            action.original_timescale if action else "",
            action.number if action else "",
            recurrence_cell(action) if action else "",
            self.area.lead,
            ILLUSTRATIVE_RATING if action and action.rating_illustrative else "",
        ]


def load_areas(plan: BusinessPlan) -> list[PriorityArea]:
    """The whole plan in six queries (with which actions each evidence source is for)."""
    # with_first_due_date(): "Originally due" reads the due-date ledger as the plan page does.
    actions = (
        Action.objects.with_first_due_date()
        .select_related("lead_agency")
        .prefetch_related("progress_updates")
    )
    objectives = Objective.objects.prefetch_related(
        "evidence_sources", "measures", Prefetch("actions", queryset=actions)
    )
    areas = list(
        PriorityArea.objects.filter(plan=plan).prefetch_related(Prefetch("objectives", queryset=objectives))
    )
    all_objectives = [objective for area in areas for objective in area.objectives.all()]
    evidence_ties, measure_ties = plan_rows.all_ties(all_objectives)
    for objective in all_objectives:
        objective_actions = list(objective.actions.all())
        evidence, measures = list(objective.evidence_sources.all()), list(objective.measures.all())
        if objective_actions:
            objective.evidence_cells = plan_rows.row_cells(objective_actions, evidence, evidence_ties)
            objective.measure_cells = plan_rows.row_cells(objective_actions, measures, measure_ties)
            objective.row_items = [
                (
                    plan_rows.items_for(action.pk, evidence, evidence_ties),
                    plan_rows.items_for(action.pk, measures, measure_ties),
                )
                for action in objective_actions
            ]
        else:  # an objective without actions still shows its evidence and measures on its one row
            objective.evidence_cells = [RowCell(1, evidence)]
            objective.measure_cells = [RowCell(1, measures)]
            objective.row_items = [(evidence, measures)]
    return areas


def objective_rows(area: PriorityArea, objective: Objective) -> list[Row]:
    actions: list[Action | None] = [*objective.actions.all()] or [None]
    return [
        Row(area, objective, action, index == 0, evidence, measures, *row_items)
        for index, (action, evidence, measures, row_items) in enumerate(
            zip(actions, objective.evidence_cells, objective.measure_cells, objective.row_items, strict=True)
        )
    ]


def area_rows(area: PriorityArea) -> list[Row]:
    return [row for objective in area.objectives.all() for row in objective_rows(area, objective)]


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
    summary.append(
        ["Priority area", "Number of actions", *[Rag(r).label for r in ratings], "Illustrative ratings"]
    )
    totals = [0] * (len(ratings) + 2)
    for area in areas:
        area_actions = [a for o in area.objectives.all() for a in o.actions.all()]
        counts = [len(area_actions)] + [sum(1 for a in area_actions if a.rag == r) for r in ratings]
        # Ratings the source does not state (demo data): counted, so the figures say so.
        counts.append(sum(1 for a in area_actions if a.rating_illustrative))
        totals = [t + c for t, c in zip(totals, counts, strict=True)]
        summary.append([safe(area_heading(area)), *counts])
    summary.append(["All priority areas", *totals])
    notes = demo_notes(plan)
    if notes:
        summary.append([])
        for note in notes:
            summary.append([safe(note)])
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
            "ABCDEFGHIJKLMNOPQRS",
            (9, 20, 40, 30, 40, 25, 25, 16, 50, 40, 14, 10, 16, 16, 16, 12, 12, 30, 24),
            strict=True,
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
    from docx.shared import Cm, Pt

    document = docx.Document()
    section = document.sections[0]
    # A4 landscape (python-docx's template is US Letter portrait).
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1))
    document.styles["Normal"].font.size = Pt(8)
    document.add_heading(plan.title, level=1)
    document.add_paragraph(plan.period_label)
    for note in demo_notes(plan):
        document.add_paragraph(note)
    headings = WORD_COLUMNS
    for area in load_areas(plan):
        document.add_heading(area_heading(area), level=2)
        if area.lead:
            document.add_paragraph(area_lead_line(area))
        table = document.add_table(rows=1, cols=len(headings))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, headings, strict=True):
            cell.text = text
            cell.paragraphs[0].runs[0].bold = True
        for objective in area.objectives.all():
            rows = objective_rows(area, objective)
            first_row = len(table.rows)
            for row in rows:
                by_heading = dict(zip(COLUMNS, row.values(spans=True), strict=True))
                cells = table.add_row().cells
                for cell, heading in zip(cells, headings, strict=True):
                    text = by_heading[WORD_HEADINGS.get(heading, heading)]
                    _paragraphs(cell, text.split("\n") if text else [])
            # The objective spans its rows, and evidence and measures span the rows they are
            # for (all of them, unless the source ties them to some), as in Word plans.
            spans = [(0, first_row, len(rows))]
            for column, attribute in ((1, "evidence"), (6, "measures")):
                spans += [
                    (column, first_row + index, getattr(row, attribute).rowspan)
                    for index, row in enumerate(rows)
                    if getattr(row, attribute) is not None
                ]
            for column, top_row, rowspan in spans:
                if rowspan > 1:
                    top = table.cell(top_row, column)
                    texts = [p.text for p in top.paragraphs]
                    merged = top.merge(table.cell(top_row + rowspan - 1, column))
                    _paragraphs(merged, [t for t in texts if t])
        table.autofit = False
        for line in table.rows:
            for cell, width in zip(line.cells, WORD_WIDTHS_CM, strict=True):
                cell.width = Cm(width)
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
