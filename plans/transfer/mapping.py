"""Match a file's column headings to the plan's fields by meaning.

Headings are compared after normalising (case, punctuation, "&"), first against a list of
synonyms, then by close spelling. The user confirms or changes the result on the mapping page.
"""

from __future__ import annotations

import difflib
import re
from functools import lru_cache

from .parsing import normalise_heading

IGNORE = ""

# The seven columns of the plan, then the columns other plans and an export add.
FIELDS: list[tuple[str, str]] = [
    ("objective", "What do we want to achieve? (objective)"),
    ("evidence", "How was the issue identified? (evidence)"),
    ("action", "Agreed action"),
    ("lead", "Lead person"),
    ("lead_agency", "Lead agency (read as the lead unless it names one of the partnership's agencies)"),
    ("timescale", "Timescale"),
    ("progress", "Progress"),
    ("measure", "Measure or outcome of the action"),
    ("reference", "Action reference (from an export)"),
    ("number", "The plan's own action number"),
    ("priority_area", "Priority area"),
    ("status", "Status"),
    ("rag", "RAG rating"),
    ("due", "Due date"),
    ("completed_on", "Completed on"),
    ("recurrence", "Ongoing or recurring (a timescale that is not one date)"),
    ("area_lead", "Strategic lead of the priority area"),
    ("illustrative", "Illustrative: the status and RAG are not stated by the source (demo data)"),
    ("q1", "Q1 update (a progress note dated 30 June)"),
    ("q2", "Q2 update (a progress note dated 30 September)"),
    ("q3", "Q3 update (a progress note dated 31 December)"),
    ("q4", "Q4 update (a progress note dated 31 March)"),
]
FIELD_LABELS = dict(FIELDS)
# Plans often have several of these columns ("Outcome" and "Success measure"; "Comments" and
# "Update"): each such column adds its own entries.
MULTI_FIELDS = {"evidence", "measure", "progress"}
QUARTER_FIELDS = {"q1": 1, "q2": 2, "q3": 3, "q4": 4}

SYNONYMS: dict[str, list[str]] = {
    "objective": [
        "what do we want to achieve",
        "what we want to achieve",
        "what do we want to achieve objective",
        "objective",
        "objectives",
        "strategic objective",
        "strategic objectives",
        "key objective",
        "aim",
        "aims",
        "goal",
        "goals",
    ],
    "evidence": [
        "how was the issue identified",
        "how was it identified",
        "how identified",
        "issue identified",
        "evidence",
        "source",
        "sources",
        "source of evidence",
        "rationale",
        "why",
        "ofsted paragraph",
        "ofsted reference",
        "ofsted ref",
        "ofsted para",
        "ofsted recommendation",
        "inspection reference",
        "recommendation",
        "source of recommendation",
    ],
    "action": [
        "agreed action",
        "agreed actions",
        "action",
        "actions",
        "specific action",
        "specific actions",
        "key action",
        "key actions",
        "action required",
        "actions required",
        "what will we do",
        "what we will do",
        "what will it do",
        "what are we going to do",
        "how will we do this",
        "how will we do it",
        "how we will do this",
        "how will we achieve this",
        "activity",
        "activities",
        "task",
        "tasks",
    ],
    "lead": [
        "lead person",
        "lead",
        "leads",
        "lead officer",
        "lead officer agency",
        "lead agency officer",
        "lead partner",
        "lead organisation",
        "lead group",
        "responsible",
        "responsibility",
        "responsible lead",
        "responsible group",
        "responsible lead group",
        "responsible officer",
        "responsible person",
        "owner",
        "action owner",
        "accountable",
        "accountable lead",
        "accountable officer",
        "who",
        "by whom",
        "who is responsible",
    ],
    # An export's "Lead agency" column. Other boards' plans head their lead column so too:
    # the preview reads it as the lead unless it names one of the partnership's agencies.
    "lead_agency": ["lead agency"],
    "timescale": [
        "timescale",
        "timescales",
        "time scale",
        "timeframe",
        "time frame",
        "timescale target",
        "target",
        "deadline",
        "by when",
        "target date",
        "when",
    ],
    "progress": [
        "progress",
        "progress update",
        "progress updates",
        "progress to date",
        "update",
        "updates",
        "latest update",
        "current position",
        "position statement",
        "comments",
        "comment",
        "commentary",
        "notes",
    ],
    "measure": [
        "measure",
        "measures",
        "outcome",
        "outcomes",
        "desired outcome",
        "desired outcomes",
        "expected outcome",
        "expected outcomes",
        "intended outcome",
        "outcome measure",
        "outcome measures",
        "how will we know",
        "how will we know we have made a difference",
        "how will we measure success",
        "what difference will it make",
        "success measure",
        "success measures",
        "measure of success",
        "measures of success",
        "success criteria",
        "evidence of impact",
        "impact",
        "monitoring",
        "monitoring and evaluation",
        "performance measure",
        "indicator",
        "indicators",
    ],
    "reference": ["reference", "action reference", "action id", "id"],
    "number": ["ref", "ref no", "no", "number", "action no", "action number", "action ref", "item"],
    "priority_area": [
        "priority area",
        "priority",
        "priority areas",
        "strategic priority",
        "theme",
        "workstream",
        "ambition",
    ],
    "status": ["status", "action status", "current status"],
    "rag": ["rag", "r a g", "rag rating", "rag status", "rating", "red amber green", "status rag"],
    "due": ["due date", "due", "due by"],
    "completed_on": ["completed on", "date completed", "completion date", "completed"],
    "recurrence": ["recurrence", "ongoing or recurring"],
    "area_lead": ["priority area lead", "priority lead", "area lead", "lead of the priority area"],
    "illustrative": ["illustrative"],
}

_LOOKUP = {synonym: field for field, synonyms in SYNONYMS.items() for synonym in synonyms}
# "Q1 update", "Quarter 2 progress", "Q3 2024/25": a quarter's column of progress notes.
_QUARTER_HEADING = re.compile(r"^(?:q|qtr|quarter)\s?([1-4])(?: .*)?$")


@lru_cache(maxsize=1024)
def _guess(key: str) -> str:
    if key in _LOOKUP:
        return _LOOKUP[key]
    if match := _QUARTER_HEADING.match(key):
        return f"q{match[1]}"
    if len(key) > 60:
        return IGNORE  # A heading is a few words; longer text is a cell of the plan.
    close = difflib.get_close_matches(key, list(_LOOKUP), n=1, cutoff=0.85)
    return _LOOKUP[close[0]] if close else IGNORE


def guess_field(heading: object) -> str:
    """The field a heading most likely means, or IGNORE."""
    key = normalise_heading(heading)
    return _guess(key) if key else IGNORE


def is_header_row(cells: list[str]) -> bool:
    """A row of headings: at least three cells name fields, one of them the action."""
    keys = [normalise_heading(cell) for cell in cells if cell]
    if sum(1 for key in keys if key in _LOOKUP or _QUARTER_HEADING.match(key)) < 2:
        return False  # Cheap test first: a row of plan text names no field exactly.
    fields = [_guess(key) for key in keys if key]
    return "action" in fields and len({field for field in fields if field}) >= 3


def guess_mapping(headings: list[str]) -> dict[str, str]:
    """Heading → field, each field used once (the first heading that claims it)."""
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for heading in headings:
        key = normalise_heading(heading)
        if not key or key in mapping:
            continue
        field = guess_field(heading)
        if field and field in taken and field not in MULTI_FIELDS:
            field = IGNORE
        mapping[key] = field
        taken.add(field)
    return mapping


def mapping_problems(mapping: dict[str, str]) -> list[str]:
    """What makes a mapping unusable: no action column, or a field chosen twice."""
    problems = []
    chosen = [field for field in mapping.values() if field]
    if "action" not in chosen and "reference" not in chosen:
        problems.append("Choose which column holds the agreed action.")
    for field in sorted({field for field in chosen if chosen.count(field) > 1 and field not in MULTI_FIELDS}):
        problems.append(f"Only one column can be “{FIELD_LABELS.get(field, field)}”.")
    unknown = [field for field in chosen if field not in FIELD_LABELS]
    if unknown:
        problems.append("Choose a field from the list for every column.")
    return problems
