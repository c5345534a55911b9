"""Build a Word document laid out like the Sunderland SSCB plan, from the demo transcription.

A heading paragraph per priority area (repeated, as Word does at page breaks, when an area's
table is split), then a table with the seven column headings; several actions share one
cell as separate paragraphs when they share a lead and timescale; an empty lead or
timescale cell means "as above" within an objective, as in the seed.
"""

from __future__ import annotations

import io
import json

import docx

from plans.demo import SEED_PLAN

HEADINGS = [
    "What do we want to achieve?",
    "How was the issue identified?",
    "Agreed Action",
    "Lead Person",
    "Timescale",
    "Progress",
    "Measure",
]


def seed_plan() -> dict:
    return json.loads(SEED_PLAN.read_text(encoding="utf-8"))


def lead_text(action: dict) -> str:
    if action["deferred_to"]:
        return f"{action['lead']} (deferred to {action['deferred_to']})"
    return action["lead"]


def _reads_back(group: list[dict]) -> bool:
    """Whether the importer's rule for notes in a shared cell gives each action its own notes:
    one note each when there are as many notes as actions, otherwise all to the first."""
    counts = [len(action["progress"]) for action in group]
    total = sum(counts)
    if len(group) > 1 and total == len(group):
        return all(count == 1 for count in counts)
    return all(count == 0 for count in counts[1:])


def _groups(actions: list[dict]) -> list[list[dict]]:
    """Actions that share a lead share a cell, as long as their notes still read back."""
    groups: list[list[dict]] = []
    for action in actions:
        if groups and lead_text(groups[-1][0]) == lead_text(action) and _reads_back([*groups[-1], action]):
            groups[-1].append(action)
        else:
            groups.append([action])
    return groups


def _fill(cell, paragraphs: list[str]) -> None:
    cell.text = ""
    first, *rest = paragraphs or [""]
    cell.paragraphs[0].text = first
    for text in rest:
        cell.add_paragraph(text)


def build_seed_docx(data: dict | None = None) -> bytes:
    data = data or seed_plan()
    document = docx.Document()
    document.add_paragraph(data["title"].upper())
    document.add_paragraph("April 2011 – March 2013")
    for area in data["priority_areas"]:
        heading = f"Priority Area {area['number']} – {area['title']}"
        if area["wider_plan_link"]:
            heading += f" ({area['wider_plan_link']})"
        document.add_paragraph(heading)
        table = document.add_table(rows=1, cols=7)
        for cell, text in zip(table.rows[0].cells, HEADINGS, strict=True):
            cell.text = text
        for objective in area["objectives"]:
            previous_lead = previous_timescale = None  # "as above" holds within an objective
            for index, group in enumerate(_groups(objective["actions"]) or [[]]):
                cells = table.add_row().cells
                if index == 0:
                    _fill(cells[0], [f"{objective['number']} {objective['description']}"])
                    _fill(
                        cells[1],
                        [item if isinstance(item, str) else item["text"] for item in objective["evidence"]],
                    )
                    _fill(cells[6], [measure["description"] for measure in objective["measures"]])
                _fill(cells[2], [action["description"] for action in group])
                lead = lead_text(group[0]) if group else ""
                _fill(cells[3], [] if lead == previous_lead else [lead])
                previous_lead = lead
                timescales = [action["timescale"] for action in group]
                while len(timescales) > 1 and timescales[-1] == timescales[-2]:
                    timescales.pop()  # the last one carries on, as in the seed's 3.1
                if timescales == [previous_timescale]:
                    timescales = []
                _fill(cells[4], timescales)
                previous_timescale = group[-1]["timescale"] if group else previous_timescale
                _fill(cells[5], [note["text"] for action in group for note in action["progress"]])
        # Word repeats the heading row when a table runs over a page: so does this document.
        repeat = table.add_row().cells
        for cell, text in zip(repeat, HEADINGS, strict=True):
            cell.text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
