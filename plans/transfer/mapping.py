"""Match a file's column headings to the plan's fields by meaning.

Headings are compared after normalising (case, punctuation, "&"), first against a list of
synonyms, then by close spelling. The user confirms or changes the result on the mapping page.
"""

from __future__ import annotations

import difflib
from functools import lru_cache

from .parsing import normalise_heading

IGNORE = ""

# The seven columns of the plan, then the columns an export adds.
FIELDS: list[tuple[str, str]] = [
    ("objective", "What do we want to achieve? (objective)"),
    ("evidence", "How was the issue identified? (evidence)"),
    ("action", "Agreed action"),
    ("lead", "Lead person"),
    ("timescale", "Timescale"),
    ("progress", "Progress"),
    ("measure", "Measure"),
    ("reference", "Action reference (from an export)"),
    ("priority_area", "Priority area"),
    ("status", "Status"),
    ("rag", "RAG rating"),
    ("due", "Due date"),
    ("completed_on", "Completed on"),
]
FIELD_LABELS = dict(FIELDS)

SYNONYMS: dict[str, list[str]] = {
    "objective": [
        "what do we want to achieve",
        "what we want to achieve",
        "what do we want to achieve objective",
        "objective",
        "objectives",
        "aim",
        "aims",
        "goal",
        "outcome",
        "desired outcome",
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
    ],
    "action": [
        "agreed action",
        "agreed actions",
        "action",
        "actions",
        "what will we do",
        "what are we going to do",
        "task",
        "tasks",
    ],
    "lead": [
        "lead person",
        "lead",
        "lead officer",
        "lead agency",
        "responsible",
        "responsibility",
        "owner",
        "who",
    ],
    "timescale": ["timescale", "timescales", "time scale", "deadline", "by when", "target date", "when"],
    "progress": [
        "progress",
        "progress update",
        "progress updates",
        "progress to date",
        "update",
        "updates",
        "comments",
        "commentary",
    ],
    "measure": [
        "measure",
        "measures",
        "outcome measure",
        "outcome measures",
        "how will we know",
        "success measure",
        "success measures",
        "performance measure",
        "indicator",
        "indicators",
    ],
    "reference": ["reference", "ref", "action reference", "action ref", "action id", "id"],
    "priority_area": ["priority area", "priority", "priority areas", "theme"],
    "status": ["status", "action status"],
    "rag": ["rag", "rag rating", "rag status", "rating", "red amber green"],
    "due": ["due date", "due", "due by"],
    "completed_on": ["completed on", "date completed", "completion date", "completed"],
}

_LOOKUP = {synonym: field for field, synonyms in SYNONYMS.items() for synonym in synonyms}


@lru_cache(maxsize=1024)
def _guess(key: str) -> str:
    if key in _LOOKUP:
        return _LOOKUP[key]
    if len(key) > 40:
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
    if sum(1 for key in keys if key in _LOOKUP) < 2:
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
        if field and field in taken:
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
    for field in sorted({field for field in chosen if chosen.count(field) > 1}):
        problems.append(f"Only one column can be “{FIELD_LABELS.get(field, field)}”.")
    unknown = [field for field in chosen if field not in FIELD_LABELS]
    if unknown:
        problems.append("Choose a field from the list for every column.")
    return problems
