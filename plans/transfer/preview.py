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

from plans.models import Action, BusinessPlan, ProgressUpdate, Rag, Status

from .mapping import IGNORE
from .parsing import (
    DAY,
    MONTH,
    clean,
    format_due,
    normalise_heading,
    parse_area_heading,
    parse_lead,
    parse_measure,
    parse_objective,
    parse_timescale,
    split_items,
    split_progress,
)

REFERENCE = re.compile(r"^\s*A-(\d{1,12})\s*$", re.IGNORECASE)
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


def build_draft(
    extracted: dict,
    mapping: dict[str, str],
    *,
    plan: BusinessPlan | None,
    progress_as_of: datetime.date,
    overrides: dict[str, str] | None = None,
) -> dict:
    """The plan as the import will write it, with warnings and errors by row.

    ``overrides`` is what the user said of source rows on the preview, keyed by the row's
    "where" ("Table 2, row 5"): "heading" (the row names a priority area) or "skip" (the row
    is not an action: left out, and listed as skipped with the reason).
    """
    return _DraftBuilder(extracted, mapping, plan, progress_as_of, overrides or {}).build()


class _DraftBuilder:
    def __init__(self, extracted, mapping, plan, progress_as_of, overrides=None) -> None:
        self.extracted = extracted
        self.mapping = mapping
        self.plan = plan
        self.as_of = progress_as_of
        self.overrides = overrides or {}
        self.skipped: list[dict] = []
        self.issues = Issues()
        self.areas: OrderedDict[int, dict] = OrderedDict()
        self.updates: list[dict] = []
        self.matched = 0  # rows that name an action of the plan, changed or not
        self.seen: set[int] = set()
        self.noted: set[str] = set()
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
        for table in self.extracted.get("tables", []):
            self._read_table(table)
        if not self.areas and not self.matched:
            self.issues.error("File", "No actions were found with this mapping.")
        # An area already in the plan that gains nothing (rows that only update actions) is not shown.
        areas = [area for area in self.areas.values() if area["objectives"] or area["existing_id"] is None]
        for area in areas:
            for objective in area["objectives"]:
                objective.pop("known_evidence", None)
                objective.pop("known_measures", None)
        counts = {
            "areas": sum(1 for area in areas if area["existing_id"] is None),
            "objectives": sum(1 for area in areas for o in area["objectives"] if o["existing_id"] is None),
            "evidence": sum(len(o["evidence"]) for area in areas for o in area["objectives"]),
            "measures": sum(len(o["measures"]) for area in areas for o in area["objectives"]),
            "actions": sum(len(o["actions"]) for area in areas for o in area["objectives"]),
            "progress": sum(
                len(a["progress"]) for area in areas for o in area["objectives"] for a in o["actions"]
            )
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
            "error_count": len(errors),
            "warning_count": len(self.issues.items) - len(errors),
            "counts": counts,
            "matched": self.matched,
            "skipped": self.skipped,
        }

    def _columns(self, header: list[str]) -> dict[str, int]:
        columns: dict[str, int] = {}
        for index, heading in enumerate(header):
            field_name = self.mapping.get(normalise_heading(heading), IGNORE)
            if field_name and field_name not in columns:
                columns[field_name] = index
        return columns

    def _read_table(self, table: dict) -> None:
        columns = self._columns(table["header"])
        state = {"area": None, "objective": None, "action": None, "lead": None, "timescale": None}
        heading = parse_area_heading(table.get("heading", ""))
        if not heading.flagged:
            state["area"] = self._area(*heading.value, where=table["source"])
        for row in table["rows"]:
            where = f"{table['source']}, row {row['line']}"
            override = self.overrides.get(where)
            if override == "skip":
                self.skipped.append({"where": where, "reason": "You marked this row as not an action."})
                continue
            if override == "heading":
                self._heading_row(row, state, where)
                continue

            def cell(name: str, row=row) -> str:
                index = columns.get(name)
                if index is None or index >= len(row["cells"]) or row["merged"][index]:
                    return ""
                return row["cells"][index] or ""

            self._read_row(cell, state, where)

    def _heading_row(self, row: dict, state: dict, where: str) -> None:
        """A row the user marked as a heading: it starts a priority area ("Priority Area 3 – …"
        keeps its number; other words become the title of the next free number)."""
        text = next((clean(value) for value in row["cells"] if clean(value)), "")
        parsed = parse_area_heading(text)
        if parsed.flagged:
            number = max([*self.areas, *self.existing_areas, 0]) + 1
            state["area"] = self._area(number, text or f"Priority Area {number}", "", where)
        else:
            state["area"] = self._area(*parsed.value, where=where)
        state["objective"] = state["action"] = state["lead"] = state["timescale"] = None

    def _area(self, number: int, title: str, link: str, where: str) -> dict:
        if number in self.areas:
            return self.areas[number]
        existing = self.existing_areas.get(number)
        if len(title) > LIMITS["title"]:
            self.issues.error(where, f"The priority area title is longer than {LIMITS['title']} characters.")
        if existing and clean(existing["title"]).lower() != clean(title).lower():
            self.issues.warn(
                where,
                f"Priority Area {number} is “{existing['title']}” in this plan; the file calls it “{title}”. "
                "Rows are added to the plan's area.",
            )
        area = {
            "number": number,
            "title": existing["title"] if existing else title,
            "wider_plan_link": link[:300],
            "existing_id": existing["id"] if existing else None,
            "objectives": [],
        }
        self.areas[number] = area
        return area

    def _read_row(self, cell, state: dict, where: str) -> None:
        reference = clean(cell("reference"))
        if reference and self.plan is not None:
            self._read_update(cell, reference, where)
            return
        if reference and "reference" not in self.noted:
            self.noted.add("reference")
            self.issues.warn(where, "Action references are ignored when importing into a new plan.")

        area_text = clean(cell("priority_area"))
        if area_text:
            parsed = parse_area_heading(area_text)
            if parsed.flagged:
                self.issues.warn(
                    where, f"“{area_text}” does not name a priority area (e.g. “Priority Area 2 – …”)."
                )
            elif state["area"] is None or state["area"]["number"] != parsed.value[0]:
                state["area"] = self._area(*parsed.value, where=where)
                state["objective"] = state["action"] = None

        objective_text = cell("objective")
        if clean(objective_text):
            self._start_objective(objective_text, state, where)
        if reference:
            # An exported row is one action, even when its text runs over several lines.
            action_items = [line.strip() for line in cell("action").splitlines() if line.strip()]
            action_items = ["\n".join(action_items)] if action_items else []
        else:
            action_items = split_items(cell("action"))
        evidence = split_items(cell("evidence"))
        measures = split_items(cell("measure"))
        notes = split_progress(cell("progress"))
        if state["objective"] is None:
            if action_items or evidence or measures or notes:
                self.issues.error(
                    where, "This row has no objective (“What do we want to achieve?”) above it."
                )
            return
        objective = state["objective"]
        for text in evidence:
            if len(text) > LIMITS["evidence"]:
                self.issues.error(where, f"An evidence entry is longer than {LIMITS['evidence']} characters.")
            if text not in objective["evidence"] and text not in objective["known_evidence"]:
                objective["evidence"].append(text)
        for text in measures:
            description, code = parse_measure(text).value
            known = {measure["description"] for measure in objective["measures"]} | objective[
                "known_measures"
            ]
            if description not in known:
                objective["measures"].append({"description": description, "indicator_code": code[:20]})
        if not action_items:
            if notes:
                if state["action"] is None:
                    self.issues.warn(where, "Progress without an action above it was left out.")
                else:
                    state["action"]["progress"].extend(self._notes(notes))
            return
        self._add_actions(cell, action_items, notes, state, where, carry=not reference)

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
            area = state["area"] = self._area(area_number, f"Priority Area {area_number}", "", where)
        parsed = parse_objective(text)
        number, description = parsed.value
        if not number:
            number = f"{area['number']}.{len(area['objectives']) + 1}"
            self.issues.warn(where, f"The objective has no number; it will be numbered {number}.")
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

    def _free_number(self, area: dict, number: str) -> str:
        taken = {objective["number"] for objective in area["objectives"]}
        taken |= set(self.existing_areas.get(area["number"], {}).get("objectives", {}))
        copy = 2
        while f"{number} ({copy})" in taken:
            copy += 1
        return f"{number} ({copy})"

    def _notes(self, notes: list[tuple[datetime.date | None, str]]) -> list[dict]:
        dated = [(date or self.as_of, text) for date, text in notes if text]
        return [
            {"date": date.isoformat(), "display": f"{date.day} {date:%b %Y}", "text": text}
            for date, text in dated
        ]

    def _add_actions(self, cell, items: list[str], notes, state: dict, where: str, carry: bool) -> None:
        leads = split_items(cell("lead"))
        if leads:
            # A lead is one name even when Word wraps it over lines, unless there is one per action.
            leads = leads if len(leads) == len(items) and len(items) > 1 else [" ".join(leads)]
        timescales = split_items(cell("timescale"))
        if len(items) > 1 and len(notes) == len(items):
            shared = [[note] for note in notes]
        else:
            shared = [notes] + [[] for _ in items[1:]]
        status = self._status(cell("status"), where)
        rag = self._rag(cell("rag"), where)
        due_text = clean(cell("due"))
        completed_text = clean(cell("completed_on"))
        for index, description in enumerate(items):
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
            timescale = parse_timescale(timescale_text or "")
            due, precision = timescale.due, timescale.precision
            if timescale.flagged:
                self.issues.warn(
                    where, f"The timescale “{timescale.text}” is not a date: it is kept as text."
                )
            if due_text:
                parsed_due = parse_timescale(due_text)
                if parsed_due.flagged:
                    self.issues.warn(
                        where, f"The due date “{due_text}” is not a date; the timescale is used."
                    )
                else:
                    due, precision = parsed_due.due, parsed_due.precision
            elif timescale.is_empty and (carry or not due_text):
                self.issues.warn(where, f"No timescale for “{description[:60]}”.")
            for key, value in (
                ("lead_role", lead_role),
                ("deferred_to", deferred_to),
                ("timescale_text", timescale.text),
            ):
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
                    completed_on = parsed_completed.due.isoformat()
            action = {
                "where": where,
                "description": description,
                "lead_role": lead_role,
                "deferred_to": deferred_to,
                "timescale_text": timescale.text,
                "timescale_display": format_due(due, precision) or timescale.text or "Not set",
                "due": due.isoformat() if due else None,
                "precision": precision or MONTH,
                "status": status,
                "rag": rag,
                "completed_on": completed_on,
                "progress": self._notes(shared[index]),
            }
            state["objective"]["actions"].append(action)
            state["action"] = action

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
            completed_on = completed.due if completed.precision == DAY else self.as_of
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
            note for note in self._notes(split_progress(cell("progress"))) if clean(note["text"]) not in known
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
