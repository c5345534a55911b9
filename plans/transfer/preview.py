"""Turn a file's tables and the confirmed column mapping into a draft of the plan.

The draft is plain JSON (stored on the import job) and is exactly what the import writes:
the preview page shows it, the user confirms it, the importer writes it. Nothing here
touches the database except to read the target plan.

How the Word layout is read:
- a "Priority Area N – Title (wider plan)" heading above a table (or in its first row) names
  the area of the rows below it; a "Priority area" column does the same row by row;
- an empty objective cell (or one merged with the cell above) continues the objective above;
- several actions in one cell (paragraphs, lines or bullets) become several actions: the
  lead and timescale cells give one value each (the last one carries on) or one for all;
  progress notes are shared out one each when there are exactly as many notes as actions,
  otherwise they all belong to the first action;
- an empty lead or timescale cell carries down the value above it in the same table;
- a row with progress but no action continues the notes of the action above (a cell that
  ran over a page break).
"""

from __future__ import annotations

import datetime
import re
from collections import OrderedDict
from dataclasses import dataclass, field

from boards.models import Agency, Board
from plans.models import (
    RAG_TAG_CLASSES,
    Action,
    BusinessPlan,
    ProgressUpdate,
    Rag,
    Recurrence,
    Status,
    note_date_label,
)

from .mapping import IGNORE, MULTI_FIELDS, QUARTER_FIELDS
from .parsing import (
    AREA_LEAD,
    DAY,
    MONTH,
    NOTE_DAY,
    NOTE_UNDATED,
    OBJECTIVES_LABEL,
    Heading,
    Period,
    clean,
    clean_lines,
    format_due,
    normalise_heading,
    parse_lead,
    parse_measure,
    parse_objective,
    parse_priority_heading,
    parse_timescale,
    quarter_end,
    split_action_number,
    split_items,
    split_progress_notes,
)
from .rag import read_rag_and_status

REFERENCE = re.compile(r"^\s*A-(\d{1,12})\s*$", re.IGNORECASE)
# The bulk update (rows with a reference) reads status and RAG one column each, as exported.
STATUS_WORDS = {normalise_heading(label): value for value, label in Status.choices} | {
    normalise_heading(value): value for value in Status.values
}
STATUS_WORDS |= {"completed": Status.COMPLETE, "done": Status.COMPLETE, "ongoing": Status.IN_PROGRESS}
RAG_WORDS = {normalise_heading(label): value for value, label in Rag.choices} | {
    normalise_heading(value): value for value in Rag.values if value
}
RAG_WORDS |= {
    "r": Rag.RED,
    "a": Rag.AMBER,
    "g": Rag.GREEN,
    "b": Rag.BLUE,
    "complete": Rag.BLUE,
    "": Rag.NOT_RATED,
}
# The Recurrence column an export writes (Recurrence labels), and plain words for it.
RECURRENCE_WORDS = {normalise_heading(label): value for value, label in Recurrence.choices} | {
    "ongoing": Recurrence.ONGOING,
    "recurring": Recurrence.RECURRING,
    "once": Recurrence.ONCE,
}
_FINANCIAL_YEAR_IN_HEADING = re.compile(r"\b(20\d{2})\s*[/-]\s*(\d{2}|20\d{2})\b")
GENERIC_SHEET = re.compile(r"^(?:sheet|tabelle|feuil)\s*\d*$", re.IGNORECASE)

# Field lengths of the models, so a long cell is an error in the preview, not a crash on write.
LIMITS = {"lead_role": 250, "deferred_to": 250, "timescale_text": 100, "evidence": 500, "title": 250}


def action_reference(action: Action | int) -> str:
    """The stable reference an export prints for an action: "A-<pk>"."""
    return f"A-{action if isinstance(action, int) else action.pk}"


@dataclass
class Issues:
    items: list[dict] = field(default_factory=list)

    def warn(self, where: str, message: str) -> None:
        self.items.append({"where": where, "level": "warning", "message": message})

    def error(self, where: str, message: str) -> None:
        self.items.append({"where": where, "level": "error", "message": message})


class _Row:
    """One row of a table, read through the column mapping."""

    def __init__(self, row: dict, columns: dict[str, list[int]], header: list[str]) -> None:
        self.cells = row["cells"]
        self.merged = row.get("merged") or []
        self.fills = row.get("fills") or []
        self.columns = columns
        self.header = header

    def _readable(self, index: int) -> bool:
        # A cell merged with the one above continues it: it says nothing new.
        return index < len(self.cells) and not (index < len(self.merged) and self.merged[index])

    def indexed(self, name: str) -> list[tuple[int, str]]:
        return [(i, self.cells[i] or "") for i in self.columns.get(name, []) if self._readable(i)]

    def values(self, name: str) -> list[str]:
        return [text for _, text in self.indexed(name)]

    def cell(self, name: str) -> str:
        values = self.values(name)
        return values[0] if values else ""

    def fill(self, name: str) -> str:
        indexes = self.columns.get(name, [])
        return self.fills[indexes[0]] or "" if indexes and indexes[0] < len(self.fills) else ""

    def texts(self) -> list[str]:
        return [clean(text) for index, text in enumerate(self.cells) if self._readable(index) and clean(text)]

    def has_text(self) -> bool:
        return bool(self.texts())

    def financial_year(self, index: int) -> int | None:
        """The first year of a financial year named in a column's heading ("Q1 2024/25 update")."""
        match = _FINANCIAL_YEAR_IN_HEADING.search(self.header[index] if index < len(self.header) else "")
        return int(match[1]) if match else None


def merged_order(lists: list[list]) -> list:
    """One order for items that several rows list, each row in its own order (each a part
    of one ordered list): an item is placed before the next item of its row already placed."""
    order: list = []
    for items in lists:
        for index, item in enumerate(items):
            if item in order:
                continue
            later = [order.index(other) for other in items[index + 1 :] if other in order]
            order.insert(min(later) if later else len(order), item)
    return order


def financial_year_of(day: datetime.date) -> Period:
    start = day.year if day.month >= 4 else day.year - 1
    return datetime.date(start, 4, 1), datetime.date(start + 1, 3, 31)


def build_draft(
    extracted: dict,
    mapping: dict[str, str],
    *,
    plan: BusinessPlan | None,
    progress_as_of: datetime.date,
    period: Period | None = None,
    overrides: dict[str, str] | None = None,
    board: Board | None = None,
) -> dict:
    """The plan as the import will write it, with warnings and errors by row.

    ``period`` (the plan's first and last day) resolves financial-year timescales and Q1–Q4
    update columns; it defaults to the target plan's period, else the financial year of
    ``progress_as_of``.

    ``overrides`` is what the user said of source rows on the preview, keyed by the row's
    "where" ("Table 2, row 5"): "heading" (the row names a priority area) or "skip" (the row
    is not an action: left out, and listed as skipped with the reason).

    ``board`` (the importing board, when there is no target plan) says whose partnership's
    agencies a "Lead agency" column may name.
    """
    if period is None:
        period = (
            (plan.period_start, plan.period_end) if plan is not None else financial_year_of(progress_as_of)
        )
    builder = _DraftBuilder(extracted, mapping, plan, progress_as_of, period, overrides or {})
    partnership_id = (
        plan.board.partnership_id if plan is not None else board.partnership_id if board else None
    )
    builder.agencies = _agencies_by_name(partnership_id)
    return builder.build()


def _agencies_by_name(partnership_id: int | None) -> dict[str, dict]:
    """The partnership's agencies by their name, any case: what a "Lead agency" cell must name."""
    if partnership_id is None:
        return {}
    return {
        name.casefold(): {"id": pk, "name": name}
        for pk, name in Agency.objects.filter(partnership_id=partnership_id).values_list("pk", "name")
    }


class _DraftBuilder:
    def __init__(self, extracted, mapping, plan, progress_as_of, period, overrides=None) -> None:
        self.extracted = extracted
        self.mapping = mapping
        self.plan = plan
        self.as_of = progress_as_of
        self.period = period
        self.overrides = overrides or {}
        # Rows that are neither an action nor written elsewhere, each with the reason.
        self.skipped: list[dict] = list(extracted.get("skipped", []))
        self.sheet_areas: dict[str, dict] = {}
        self.issues = Issues()
        self.areas: OrderedDict[int, dict] = OrderedDict()
        self.updates: list[dict] = []
        self.matched = 0  # rows that name an action of the plan, changed or not
        self.seen: set[int] = set()
        self.noted: set[str] = set()
        self.agencies: dict[str, dict] = {}
        self._load_existing()

    # --- the target plan, when adding to one --------------------------------------------
    def _load_existing(self) -> None:
        self.existing_areas: dict[int, dict] = {}
        self.existing_actions: dict[int, Action] = {}
        self.existing_notes: dict[int, set[str]] = {}
        if self.plan is None:
            return
        for area in self.plan.priority_areas.prefetch_related(
            "objectives__evidence_sources", "objectives__measures"
        ):
            self.existing_areas[area.number] = {
                "id": area.pk,
                "title": area.title,
                "objectives": {
                    objective.number: {
                        "id": objective.pk,
                        "description": objective.description,
                        "evidence": {source.text for source in objective.evidence_sources.all()},
                        "measures": {measure.description for measure in objective.measures.all()},
                    }
                    for objective in area.objectives.all()
                },
            }
        actions = Action.objects.filter(objective__priority_area__plan=self.plan)
        self.existing_actions = {action.pk: action for action in actions}
        for action_id, text in ProgressUpdate.objects.filter(action__in=actions).values_list(
            "action_id", "text"
        ):
            self.existing_notes.setdefault(action_id, set()).add(clean(text))

    # --- reading ------------------------------------------------------------------------
    def build(self) -> dict:
        for warning in self.extracted.get("warnings", []):
            self.issues.warn(warning["where"], warning["message"])
        for table in self.extracted.get("tables", []):
            self._read_table(table)
        if not self.areas and not self.matched:
            self.issues.error("File", "No actions were found with this mapping.")
        # An area already in the plan that gains nothing (rows that only update actions) is not shown.
        areas = [area for area in self.areas.values() if area["objectives"] or area["existing_id"] is None]
        for area in areas:
            if not area["title"]:
                area["title"] = "Untitled priority area"
                self.issues.warn(
                    area["where"],
                    f"Priority Area {area['number']} has no title in the file: it is called “Untitled "
                    "priority area” until you give it one.",
                )
            for objective in area["objectives"]:
                objective.pop("known_evidence", None)
                objective.pop("known_measures", None)
                self._tie_row_items(objective)
                if not objective["description"]:
                    # Actions written straight under a priority: the objective is the priority.
                    objective["description"] = area["title"]
        actions = [a for area in areas for o in area["objectives"] for a in o["actions"]]
        counts = {
            "areas": sum(1 for area in areas if area["existing_id"] is None),
            "objectives": sum(1 for area in areas for o in area["objectives"] if o["existing_id"] is None),
            "evidence": sum(len(o["evidence"]) for area in areas for o in area["objectives"]),
            "measures": sum(len(o["measures"]) for area in areas for o in area["objectives"])
            + sum(len(a["measures"]) for a in actions),
            "actions": len(actions),
            "progress": sum(len(a["progress"]) for a in actions)
            + sum(len(update["new_progress"]) for update in self.updates),
            "updates": len(self.updates),
            "changes": sum(len(update["changes"]) + len(update["new_progress"]) for update in self.updates),
        }
        counts["rows"] = counts["areas"] + counts["objectives"] + counts["evidence"] + counts["measures"]
        counts["rows"] += counts["actions"] + counts["progress"] + counts["updates"]
        errors = [issue for issue in self.issues.items if issue["level"] == "error"]
        return {
            "areas": areas,
            "updates": self.updates,
            "issues": self.issues.items,
            "skipped": self.skipped,
            "error_count": len(errors),
            "warning_count": len(self.issues.items) - len(errors),
            "counts": counts,
            "matched": self.matched,
        }

    @staticmethod
    def _tie_row_items(objective: dict) -> None:
        """When every row of an objective came from an export (each names its own evidence
        and measures), an item on every row is the objective's and an item on some rows is
        those actions' own (a measure: one per action, ``Measure.action``; evidence: one
        entry tied to them, ``evidence_actions``), in the order the rows give them."""
        actions = objective["actions"]
        if not actions or not all("row_evidence" in action for action in actions):
            for action in actions:
                action.pop("row_evidence", None)
                action.pop("row_measures", None)
            return
        evidence_rows = [action.pop("row_evidence") for action in actions]
        measure_rows = [action.pop("row_measures") for action in actions]
        evidence = merged_order(evidence_rows)
        objective["evidence"] = evidence
        objective["evidence_actions"] = [
            [] if len(rows) == len(actions) else rows
            for rows in ([i for i, own in enumerate(evidence_rows) if text in own] for text in evidence)
        ]
        objective["measures"] = []
        for order, (description, code) in enumerate(merged_order(measure_rows)):
            measure = {"description": description, "indicator_code": code[:20], "order": order}
            rows = [i for i, own in enumerate(measure_rows) if (description, code) in own]
            if len(rows) == len(actions):
                objective["measures"].append(measure)
            else:
                for index in rows:
                    actions[index]["measures"].append(dict(measure))

    def _skip(self, where: str, text: str, reason: str) -> None:
        self.skipped.append({"where": where, "text": clean(text)[:200], "reason": reason})

    def _columns(self, header: list[str]) -> dict[str, list[int]]:
        """Field → the columns that hold it: one each, except fields a plan may repeat."""
        columns: dict[str, list[int]] = {}
        for index, heading in enumerate(header):
            field_name = self.mapping.get(normalise_heading(heading), IGNORE)
            if field_name and (field_name not in columns or field_name in MULTI_FIELDS):
                columns.setdefault(field_name, []).append(index)
        return columns

    def _read_table(self, table: dict) -> None:
        header = table["header"]
        columns = self._columns(header)
        state = {
            "area": None,
            "objective": None,
            "action": None,
            "lead": None,
            "timescale": None,
            "in_objectives": False,
            "columns": columns,
        }
        source = table["source"]
        context = [
            entry if isinstance(entry, dict) else {"where": source, "text": entry, "row": False}
            for entry in table.get("context", [])
        ]
        # A priority's heading written above its sub-priority's heading ("PRIORITY 1" then "1a").
        for entry in context:
            if (heading := parse_priority_heading(entry["text"])) is not None:
                self._enter_heading(heading, state, entry["where"] or source)
        self._table_heading(table, state)
        for entry in context:
            if parse_priority_heading(entry["text"]) is not None:
                continue
            reason = self._context_line(entry["text"], state, entry["where"])
            if entry.get("row"):
                self._skip(entry["where"], entry["text"], reason)
        for row in table["rows"]:
            where = f"{source}, row {row['line']}"
            override = self.overrides.get(where)
            if override in ("skip", "heading"):
                self._overridden_row(row, override, state, where)
                continue
            if row.get("span"):
                texts = [clean_lines(text) for text in row["cells"] if clean(text)]
                if texts:
                    self._span_row(texts[0], state, where)
                continue
            state["in_objectives"] = False
            self._read_row(_Row(row, columns, header), state, where)

    # --- priority areas and objectives ----------------------------------------------------
    def _table_heading(self, table: dict, state: dict) -> None:
        text = table.get("heading", "")
        heading = parse_priority_heading(text)
        if heading is not None:
            self._enter_heading(heading, state, table["source"])
        elif text and table.get("heading_kind") == "sheet" and not GENERIC_SHEET.match(clean(text)):
            # A workbook with one sheet per workstream names the area by the sheet.
            key = clean(text).lower()
            if key not in self.sheet_areas:
                self.sheet_areas[key] = self._area(self._next_area_number(), clean(text), "", table["source"])
            state["area"] = self.sheet_areas[key]

    def _next_area_number(self) -> int:
        taken = set(self.areas) | set(self.existing_areas)
        return max(taken, default=0) + 1

    def _enter_heading(self, heading: Heading, state: dict, where: str) -> None:
        title = "" if heading.sub else heading.title
        if (
            not title
            and not heading.sub
            and not heading.label.lower().startswith(("priority", "strategic", "key"))
        ):
            title = heading.label  # "Workstream 2", "WS3", "Theme One": the plan's own name for it
        area = self._area(heading.number, title, "" if heading.sub else heading.link, where)
        state.update(
            area=area,
            objective=None,
            action=None,
            lead=None,
            lead_agency=None,
            timescale=None,
            in_objectives=False,
        )
        if heading.sub:
            # "PRIORITY 1a – …": a sub-priority is an objective of priority 1, numbered 1a.
            self._enter_objective(heading.sub, heading.title or heading.label, state, where)

    def _need_area(self, state: dict, where: str) -> dict:
        if state["area"] is None:
            if "no-area" not in self.noted:
                self.noted.add("no-area")
                self.issues.warn(where, "No priority-area heading was found above these rows.")
            number = min(self.areas) if self.areas else self._next_area_number()
            state["area"] = self._area(number, "", "", where)
        return state["area"]

    def _context_line(self, text: str, state: dict, where: str) -> str:
        """Text between a priority heading and its table's rows: objectives or the area's lead.

        Returns what became of it, for the list of rows that are not actions."""
        if match := AREA_LEAD.match(clean(text)):
            area = self._need_area(state, where)
            area["lead"] = clean(match["who"])[: LIMITS["title"]]
            return f"Read as the strategic lead of Priority Area {area['number']}."
        has_objective_column = "objective" in state["columns"]
        if not has_objective_column and (match := OBJECTIVES_LABEL.match(clean_lines(text))):
            state["in_objectives"] = True
            if rest := clean_lines(match["rest"]):
                self._objective_text(rest, state, where, new=True)
            return "Read as the objectives of the priority area."
        if state["in_objectives"] and not has_objective_column:
            self._objective_text(clean_lines(text), state, where)
            return "Read as an objective."
        return "Above the table's column headings: left out."

    def _span_row(self, text: str, state: dict, where: str) -> None:
        """A row written across the whole table: a heading, objectives, the area's lead, or a sub-heading."""
        heading = parse_priority_heading(text)
        if heading is not None:
            self._enter_heading(heading, state, where)
            self._skip(where, text, f"Read as the heading of Priority Area {heading.number}.")
            return
        if match := AREA_LEAD.match(clean(text)):
            area = self._need_area(state, where)
            area["lead"] = clean(match["who"])[: LIMITS["title"]]
            self._skip(where, text, f"Read as the strategic lead of Priority Area {area['number']}.")
            return
        has_objective_column = "objective" in state["columns"]
        if not has_objective_column and (match := OBJECTIVES_LABEL.match(text)):
            state["in_objectives"] = True
            if rest := clean_lines(match["rest"]):
                self._objective_text(rest, state, where, new=True)
            self._skip(where, text, "Read as the objectives of the priority area.")
            return
        if not has_objective_column:
            # The lines of an "Objectives" list, or a sub-heading that groups the actions below it.
            self._objective_text(text, state, where, new=not state["in_objectives"])
            self._skip(where, text, "Read as an objective.")
            return
        self._skip(where, text, "A row written across the whole table, not an action: left out.")

    def _objective_text(self, text: str, state: dict, where: str, new: bool = False) -> None:
        """Objective text from a paragraph or a row across the table; lines of a list join it."""
        area = self._need_area(state, where)
        current = state["objective"]
        if not new and current is not None and current.get("from_text") and not current["actions"]:
            current["description"] = f"{current['description']}\n{text}".strip()
            return
        first, _, rest = text.partition("\n")
        parsed = parse_objective(first)
        if parsed.flagged:
            number, description = f"{area['number']}.{len(area['objectives']) + 1}", text
        else:
            number, description = parsed.value[0], f"{parsed.value[1]}\n{rest}".strip()
        self._enter_objective(number, description, state, where)
        state["objective"]["from_text"] = True

    def _default_objective(self, state: dict, where: str) -> dict:
        """Actions written straight under a priority go under one objective: the priority itself."""
        area = self._need_area(state, where)
        for objective in area["objectives"]:
            if objective.get("default"):
                state["objective"] = objective
                return objective
        number = (
            str(area["number"])
            if not area["objectives"]
            else f"{area['number']}.{len(area['objectives']) + 1}"
        )
        self._enter_objective(number, "", state, where)
        state["objective"]["default"] = True
        return state["objective"]

    def _overridden_row(self, row: dict, override: str, state: dict, where: str) -> None:
        """A row the user re-read on the preview: "skip" leaves it out; "heading" starts a
        priority area ("Priority 3 – …" keeps its number; other words title the next free one)."""
        text = next((clean_lines(value) for value in row["cells"] if clean(value)), "")
        if override == "skip":
            self._skip(where, text, "You marked this row as not an action.")
            return
        heading = parse_priority_heading(text)
        if heading is not None:
            self._enter_heading(heading, state, where)
            number = heading.number
        else:
            number = self._next_area_number()
            area = self._area(number, clean(text)[: LIMITS["title"]], "", where)
            state.update(
                area=area, objective=None, action=None, lead=None, timescale=None, in_objectives=False
            )
        self._skip(
            where, text, f"You marked this row as a heading: read as the heading of Priority Area {number}."
        )

    def _area(self, number: int, title: str, link: str, where: str) -> dict:
        if number in self.areas:
            area = self.areas[number]
            if title and not area["title"] and not area["existing_id"]:
                area["title"] = title[: LIMITS["title"]]
            return area
        existing = self.existing_areas.get(number)
        if len(title) > LIMITS["title"]:
            self.issues.error(where, f"The priority area title is longer than {LIMITS['title']} characters.")
        if existing and title and clean(existing["title"]).lower() != clean(title).lower():
            self.issues.warn(
                where,
                f"Priority Area {number} is “{existing['title']}” in this plan; the file calls it “{title}”. "
                "Rows are added to the plan's area.",
            )
        area = {
            "number": number,
            "title": existing["title"] if existing else title,
            "wider_plan_link": link[:300],
            "lead": "",
            "where": where,
            "existing_id": existing["id"] if existing else None,
            "objectives": [],
        }
        self.areas[number] = area
        return area

    # --- rows of actions ------------------------------------------------------------------
    def _read_row(self, row: _Row, state: dict, where: str) -> None:
        reference = clean(row.cell("reference"))
        if reference and self.plan is not None:
            self._read_update(row.cell, reference, where)
            return
        if reference and "reference" not in self.noted:
            self.noted.add("reference")
            self.issues.warn(where, "Action references are ignored when importing into a new plan.")

        area_text = clean(row.cell("priority_area"))
        if area_text:
            heading = parse_priority_heading(area_text)
            if heading is None:
                self.issues.warn(
                    where, f"“{area_text}” does not name a priority area (e.g. “Priority Area 2 – …”)."
                )
            elif state["area"] is None or state["area"]["number"] != heading.number:
                self._enter_heading(heading, state, where)

        if area_lead := clean(row.cell("area_lead")):
            # An export's "Priority area lead" column: the area's strategic lead, on each of its rows.
            area = self._need_area(state, where)
            if area["existing_id"] is None:
                area["lead"] = area_lead[: LIMITS["title"]]

        has_objective_column = "objective" in state["columns"]
        objective_text = row.cell("objective")
        if clean(objective_text):
            self._start_objective(objective_text, state, where)
        if reference:
            # An exported row is one action, even when its text runs over several lines.
            action_items = [line.strip() for line in row.cell("action").splitlines() if line.strip()]
            action_items = ["\n".join(action_items)] if action_items else []
        else:
            action_items = split_items(row.cell("action"))
        evidence = [item for value in row.values("evidence") for item in split_items(value)]
        measure_cells = [clean_lines(value) for value in row.values("measure") if clean(value)]
        notes = [note for value in row.values("progress") for note in split_progress_notes(value)]
        if state["objective"] is None and not has_objective_column and (action_items or row.has_text()):
            self._default_objective(state, where)
        if state["objective"] is None:
            if action_items or evidence or measure_cells or notes:
                message = "This row has no objective (“What do we want to achieve?”) above it."
                self.issues.error(where, message)
                self._skip(where, " ".join(row.texts()), message)
            elif row.has_text():
                self._skip(where, " ".join(row.texts()), "No agreed action in this row: left out.")
            return
        objective = state["objective"]
        for text in evidence:
            if len(text) > LIMITS["evidence"]:
                self.issues.error(where, f"An evidence entry is longer than {LIMITS['evidence']} characters.")
            if text not in objective["evidence"] and text not in objective["known_evidence"]:
                objective["evidence"].append(text)
        # With an objective column, measures are the objective's (merged down its rows, as the
        # seven-column plan has them); without one, each row's measures are its action's own.
        action_measures = []
        if has_objective_column:
            for text in (item for value in measure_cells for item in split_items(value)):
                self._objective_measure(objective, text)
        else:
            # A measure cell is one measure, whatever its line breaks (monitoring text is prose).
            action_measures = [
                {"description": text, "indicator_code": parse_measure(text).value[1]}
                for text in measure_cells
            ]
        if not action_items:
            quarter_notes = self._quarter_notes(row)
            if notes or action_measures or quarter_notes:
                if state["action"] is None:
                    self.issues.warn(
                        where, "Progress or measures without an action above them were left out."
                    )
                    self._skip(
                        where, " ".join(row.texts()), "Progress or measures without an action above them."
                    )
                else:
                    state["action"]["progress"].extend(self._notes(notes) + quarter_notes)
                    state["action"]["measures"].extend(self._measures(action_measures))
                    self._skip(where, " ".join(row.texts()), "Continues the action above: added to it.")
            elif clean(objective_text):
                self._skip(where, " ".join(row.texts()), "Read as an objective; the row has no action.")
            elif evidence or measure_cells:
                self._skip(
                    where, " ".join(row.texts()), "Adds to the objective above (no action in the row)."
                )
            elif row.has_text():
                self._skip(where, " ".join(row.texts()), "No agreed action in this row: left out.")
            return
        self._add_actions(row, action_items, notes, action_measures, state, where, reference=bool(reference))
        if reference:
            # An exported row says which evidence and measures are its own (merged down in
            # Word): build() reads from all of an objective's rows which items are for it all.
            state["action"]["row_evidence"] = state["row_evidence"] = self._row_items(
                row, "evidence", evidence, state
            )
            state["action"]["row_measures"] = state["row_measure"] = self._row_items(
                row,
                "measure",
                [parse_measure(item).value for value in measure_cells for item in split_items(value)],
                state,
            )

    @staticmethod
    def _row_items(row: _Row, name: str, items: list, state: dict) -> list:
        """A row's own items; a Word cell merged with the one above has that row's items."""
        indexes = [i for i in row.columns.get(name, []) if i < len(row.cells)]
        if indexes and not any(row._readable(i) for i in indexes):
            return list(state.get(f"row_{name}") or [])
        return [tuple(item) if isinstance(item, list) else item for item in items]

    def _objective_measure(self, objective: dict, text: str) -> None:
        description, code = parse_measure(text).value
        known = {measure["description"] for measure in objective["measures"]} | objective["known_measures"]
        if description not in known:
            objective["measures"].append({"description": description, "indicator_code": code[:20]})

    @staticmethod
    def _measures(measures: list[dict]) -> list[dict]:
        return [
            {"description": m["description"], "indicator_code": m["indicator_code"][:20]} for m in measures
        ]

    def _quarter_notes(self, row: _Row) -> list[dict]:
        """Q1–Q4 update columns: each a progress note dated at that quarter's end."""
        notes = []
        first_year = self.period[0].year if self.period[0].month >= 4 else self.period[0].year - 1
        for name, quarter in QUARTER_FIELDS.items():
            for index, text in row.indexed(name):
                text = clean_lines(text)
                if not text:
                    continue
                year = row.financial_year(index) or first_year
                date = quarter_end(year, quarter)
                notes.append({"date": date.isoformat(), "display": f"{date.day} {date:%b %Y}", "text": text})
        return notes

    def _start_objective(self, text: str, state: dict, where: str) -> None:
        area = state["area"]
        if area is None:
            number_text, _ = parse_objective(text).value
            area_number = int(number_text.split(".")[0]) if number_text[:1].isdigit() else 1
            if "no-area" not in self.noted:
                self.noted.add("no-area")
                self.issues.warn(
                    where,
                    "No priority-area heading was found; areas are numbered from the objective numbers.",
                )
            area = state["area"] = self._area(area_number, "", "", where)
        parsed = parse_objective(text)
        number, description = parsed.value
        if not number:
            number = f"{area['number']}.{len(area['objectives']) + 1}"
            self.issues.warn(where, f"The objective has no number; it will be numbered {number}.")
        self._enter_objective(number, description, state, where)

    def _enter_objective(self, number: str, description: str, state: dict, where: str) -> None:
        area = state["area"]
        number = number[:20]
        current = state["objective"]
        if current is not None and current["number"] == number and current["description"] == description:
            return  # The same objective written again on this row.
        for objective in area["objectives"]:
            if objective["number"] == number:
                if objective["description"] == description:
                    state["objective"], state["action"] = objective, None
                    return
                self.issues.warn(
                    where, f"Objective number {number} is used twice in Priority Area {area['number']}."
                )
                number = self._free_number(area, number)
                self.issues.warn(
                    where, f"The second objective {number.split(' ')[0]} will be numbered “{number}”."
                )
                break
        existing = self.existing_areas.get(area["number"], {}).get("objectives", {}).get(number)
        if existing and existing["description"] != description:
            self.issues.warn(
                where, f"Objective number {number} is already used in this plan by another objective."
            )
            number = self._free_number(area, number)
            existing = None
        objective = {
            "number": number,
            "description": description,
            "where": where,
            "existing_id": existing["id"] if existing else None,
            "evidence": [],
            "measures": [],
            "actions": [],
            "known_evidence": existing["evidence"] if existing else set(),
            "known_measures": existing["measures"] if existing else set(),
        }
        area["objectives"].append(objective)
        # Empty lead and timescale cells mean "as above" within an objective, not across them.
        state["objective"], state["action"], state["lead"], state["timescale"] = objective, None, None, None
        state["lead_agency"] = None
        state["row_evidence"] = state["row_measure"] = None

    def _free_number(self, area: dict, number: str) -> str:
        taken = {objective["number"] for objective in area["objectives"]}
        taken |= set(self.existing_areas.get(area["number"], {}).get("objectives", {}))
        copy = 2
        while f"{number} ({copy})" in taken:
            copy += 1
        return f"{number} ({copy})"

    def _notes(self, notes: list[tuple]) -> list[dict]:
        """Notes as the draft keeps them, from (date, text) or (date, text, precision) as
        ``split_progress_notes`` reads them. A note with no date takes the upload's "as of"
        day, unless the file marks it undated ("Date not recorded: …", as exports write it)."""
        drafted = []
        for date, text, *rest in notes:
            precision = rest[0] if rest else ""
            if not text:
                continue
            if precision == NOTE_UNDATED:
                date, precision = None, NOTE_DAY
            elif date is None:
                date, precision = self.as_of, NOTE_DAY
            drafted.append(
                {
                    "date": date.isoformat() if date else None,
                    "precision": precision,
                    "display": f"{date.day} {date:%b %Y}"
                    if date and precision == NOTE_DAY
                    else note_date_label(date, precision),
                    "text": text,
                }
            )
        return drafted

    def _add_actions(
        self,
        row: _Row,
        items: list[str],
        notes,
        measures: list[dict],
        state: dict,
        where: str,
        reference: bool,
    ) -> None:
        carry = not reference
        has_objective_column = "objective" in state["columns"]
        lead_cell, agency = self._lead_agency(row, state, where)
        leads = split_items(lead_cell)
        if not leads and carry and agency is None:
            agency = state.get("lead_agency")  # an empty lead carries down the agency with the lead
        state["lead_agency"] = agency
        if leads:
            # A lead is one name even when Word wraps it over lines, unless there is one per action.
            leads = leads if len(leads) == len(items) and len(items) > 1 else [" ".join(leads)]
        # One action keeps every line of its timescale; several share the lines out.
        timescale_cell = row.cell("timescale")
        timescales = split_items(timescale_cell) if len(items) > 1 else [clean_lines(timescale_cell)]
        timescales = [text for text in timescales if text]
        if len(items) > 1 and len(notes) == len(items):
            shared = [[note] for note in notes]
        else:
            shared = [notes] + [[] for _ in items[1:]]
        reading = read_rag_and_status(
            row.cell("rag"), row.cell("status"), row.fill("rag") or row.fill("status")
        )
        for message in reading.warnings:
            self.issues.warn(where, message)
        status, rag = reading.status, reading.rag
        extra_notes = self._quarter_notes(row)
        if reading.note:
            extra_notes += self._notes([(None, reading.note)])
        number_cell = clean(row.cell("number"))
        if len(number_cell) > 20:
            self.issues.warn(
                where, f"The action number “{number_cell[:30]}…” is longer than 20 characters: shortened."
            )
            number_cell = number_cell[:20]
        due_text = clean(row.cell("due"))
        completed_text = clean(row.cell("completed_on"))
        recurrence_text = normalise_heading(row.cell("recurrence"))
        recurrence_given = recurrence_text in RECURRENCE_WORDS
        if recurrence_text and not recurrence_given:
            self.issues.warn(
                where,
                f"“{clean(row.cell('recurrence'))}” is not “Ongoing” or “Recurring”: the timescale says which.",
            )
        # An exported row says it in its Recurrence column, an empty cell meaning a one-off action.
        recurrence_given = recurrence_given or (reference and "recurrence" in state["columns"])
        for index, description in enumerate(items):
            number = ""
            if number_cell:
                number = number_cell if len(items) == 1 else ""
            elif not reference and not has_objective_column:
                number, description = split_action_number(description)
            if number_cell and len(items) > 1:
                number = f"{number_cell}.{index + 1}"[-20:]
            # An exported row (it has a reference) says everything itself: nothing carries down.
            lead_text = leads[min(index, len(leads) - 1)] if leads else (state["lead"] if carry else None)
            if lead_text is None or not clean(lead_text):
                self.issues.warn(where, f"No lead person for “{description[:60]}”.")
                lead_text = ""
            state["lead"] = lead_text
            lead_role, deferred_to = parse_lead(lead_text).value
            timescale_text = timescales[min(index, len(timescales) - 1)] if timescales else None
            if timescale_text is None and carry:
                timescale_text = state["timescale"]
            state["timescale"] = timescale_text
            timescale = parse_timescale(timescale_text or "", self.period)
            due, precision = timescale.due, timescale.precision
            if timescale.flagged:
                self.issues.warn(
                    where, f"The timescale “{timescale.text}” is not a date: it is kept as text."
                )
            if due_text:
                parsed_due = parse_timescale(due_text, self.period)
                if parsed_due.flagged or parsed_due.due is None:
                    self.issues.warn(
                        where, f"The due date “{due_text}” is not a date; the timescale is used."
                    )
                else:
                    due, precision = parsed_due.due, parsed_due.precision
            elif timescale.is_empty and (carry or not due_text):
                self.issues.warn(where, f"No timescale for “{description[:60]}”.")
            timescale_text = timescale.text
            long_timescale = []
            if len(timescale_text) > LIMITS["timescale_text"]:
                # Kept whole as a note: the timescale field holds only its start.
                long_timescale = self._notes([(None, f"Timescale as written in the file: {timescale_text}")])
                timescale_text = timescale_text[: LIMITS["timescale_text"] - 1] + "…"
                self.issues.warn(
                    where,
                    f"The timescale is longer than {LIMITS['timescale_text']} characters: it is shortened, "
                    "and kept whole as a progress note.",
                )
            for key, value in (("lead_role", lead_role), ("deferred_to", deferred_to)):
                if len(value) > LIMITS[key]:
                    self.issues.error(
                        where, f"The {key.replace('_', ' ')} is longer than {LIMITS[key]} characters."
                    )
            completed_on = None
            if completed_text:
                parsed_completed = parse_timescale(completed_text)
                if status != Status.COMPLETE:
                    self.issues.warn(
                        where,
                        "A completion date is given for an action that is not complete; it is left out.",
                    )
                elif parsed_completed.flagged or parsed_completed.precision != DAY:
                    self.issues.warn(
                        where, f"The completion date “{completed_text}” is not a date; it is left out."
                    )
                else:
                    # A day's precision comes only with a date.
                    assert parsed_completed.due is not None
                    completed_on = parsed_completed.due.isoformat()
            action = {
                "where": where,
                "number": number,
                "description": description,
                "lead_role": lead_role,
                "deferred_to": deferred_to,
                "lead_agency_id": agency["id"] if agency else None,
                "lead_agency": agency["name"] if agency else "",
                "timescale_text": timescale_text,
                "timescale_display": format_due(due, precision) or timescale_text or "Not set",
                "due": due.isoformat() if due else None,
                "precision": precision or MONTH,
                "recurrence": RECURRENCE_WORDS.get(recurrence_text, "")
                if recurrence_given
                else timescale.recurrence,
                "status": status,
                "rag": rag,
                "rag_label": Rag(rag).label if rag else "",
                "rag_class": RAG_TAG_CLASSES.get(rag, ""),
                "completed_on": completed_on,
                # An export marks ratings the source does not state; they stay marked.
                "rating_illustrative": bool(clean(row.cell("illustrative"))),
                "progress": self._notes(shared[index]) + (extra_notes if index == 0 else []) + long_timescale,
                "measures": self._measures(measures) if index == 0 else [],
            }
            state["objective"]["actions"].append(action)
            state["action"] = action

    def _lead_agency(self, row: _Row, state: dict, where: str) -> tuple[str, dict | None]:
        """The row's lead text and the partnership's agency its "Lead agency" cell names.

        A cell naming one of the agencies (any case) sets the action's lead agency; it is
        the lead's text as well when the file has no other lead column. Any other text is
        read as the lead, as before exports had this column (other boards head their lead
        column "Lead agency"), and the preview says so once per name."""
        lead_cell = row.cell("lead")
        agency_text = clean(row.cell("lead_agency"))
        if not agency_text:
            return lead_cell, None
        agency = self.agencies.get(agency_text.casefold())
        if agency is not None:
            return (lead_cell if "lead" in state["columns"] else agency_text), agency
        if f"agency:{agency_text.casefold()}" not in self.noted:
            self.noted.add(f"agency:{agency_text.casefold()}")
            self.issues.warn(
                where,
                f"“{agency_text[:60]}” in the Lead agency column is not one of the partnership's agencies: "
                "it is read as the lead person, here and on every row that names it.",
            )
        return (f"{clean(lead_cell)}, {agency_text}" if clean(lead_cell) else agency_text), None

    def _status(self, text: str, where: str) -> str:
        key = normalise_heading(text)
        if not key:
            return Status.NOT_STARTED
        if key not in STATUS_WORDS:
            self.issues.warn(
                where,
                f"The status “{clean(text)}” is not one of {', '.join(Status.labels)}: “Not started” is used.",
            )
            return Status.NOT_STARTED
        return STATUS_WORDS[key]

    def _rag(self, text: str, where: str) -> str:
        key = normalise_heading(text)
        if key not in RAG_WORDS:
            self.issues.warn(
                where, f"The RAG rating “{clean(text)}” is not red, amber, green or blue: it is left unrated."
            )
            return Rag.NOT_RATED
        return RAG_WORDS[key]

    # --- bulk update: rows that carry a reference to an action of this plan -------------
    def _read_update(self, cell, reference: str, where: str) -> None:
        match = REFERENCE.match(reference)
        action = self.existing_actions.get(int(match[1])) if match else None
        if action is None:
            self.issues.error(
                where,
                f"The reference “{reference}” is not an action of this plan. Only actions exported from "
                "this plan can be updated.",
            )
            return
        if action.pk in self.seen:
            self.issues.error(where, f"The action {reference} appears twice in the file.")
            return
        self.seen.add(action.pk)
        self.matched += 1
        changes: list[dict] = []

        def change(name: str, label: str, old, new, old_text: str, new_text: str) -> None:
            if old != new:
                changes.append(
                    {"field": name, "label": label, "old": old_text, "new": new_text, "value": new}
                )

        status_text = cell("status")
        status = action.status
        if clean(status_text):
            status = self._status(status_text, where)
            change(
                "status", "Status", action.status, status, action.get_status_display(), Status(status).label
            )
        rag_text = cell("rag")
        if clean(rag_text) or "rag" in self._mapped():
            rag = self._rag(rag_text, where)
            change("rag", "RAG rating", action.rag, rag, action.get_rag_display(), Rag(rag).label)
        # An export's "Due date" column says the due date; without one, the timescale does.
        due_text = clean(cell("due")) if "due" in self._mapped() else clean(cell("timescale"))
        if due_text:
            parsed = parse_timescale(due_text)
            if parsed.flagged:
                self.issues.warn(
                    where, f"The due date “{due_text}” is not a date; the action's due date is kept."
                )
            elif parsed.due is None:
                # "Ongoing", "Quarterly": read, but no date to move to, so the due date is kept
                # (an update can move a due date, not remove it).
                pass
            else:
                old = (action.due_date, action.due_precision)
                new = (parsed.due, parsed.precision)
                change(
                    "due",
                    "Due date",
                    old,
                    new,
                    format_due(action.due_date, action.due_precision) or "Not set",
                    format_due(parsed.due, parsed.precision),
                )
                if changes and changes[-1]["field"] == "due":
                    changes[-1]["value"] = [parsed.due.isoformat(), parsed.precision]
        if status == Status.COMPLETE and action.status != Status.COMPLETE:
            completed = parse_timescale(clean(cell("completed_on")))
            completed_on = completed.due if completed.precision == DAY and completed.due else self.as_of
            change("completed_on", "Completed on", None, completed_on, "", f"{completed_on:%-d %B %Y}")
            changes[-1]["value"] = completed_on.isoformat()
        elif status != Status.COMPLETE and action.completed_on is not None:
            change(
                "completed_on",
                "Completed on",
                action.completed_on,
                None,
                f"{action.completed_on:%-d %B %Y}",
                "",
            )
        known = self.existing_notes.get(action.pk, set())
        new_notes = [
            note
            for note in self._notes(split_progress_notes(cell("progress")))
            if clean(note["text"]) not in known
        ]
        if changes or new_notes:
            self.updates.append(
                {
                    "where": where,
                    "reference": action_reference(action),
                    "action_id": action.pk,
                    "description": action.description,
                    "changes": changes,
                    "new_progress": new_notes,
                    # What the preview saw: the write refuses if the action changed since.
                    "expect": {
                        "status": action.status,
                        "rag": action.rag,
                        "due_date": action.due_date.isoformat() if action.due_date else None,
                        "due_precision": action.due_precision,
                    },
                }
            )

    def _mapped(self) -> set[str]:
        return {value for value in self.mapping.values() if value}
