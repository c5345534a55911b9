"""The plan page's seven-column table, built from plain rows and drawn by a Jinja2 template.

Profiled at 1,000 actions (cProfile, bench/plan_page.py), the uncached page spent its
time in three places: Django's template engine resolving ~93,000 variables for the
rows (about half), building 1,000 Action instances and their properties (a quarter),
and a query whose ``Meta.ordering`` on foreign keys (action → objective → priority
area → plan → board → partnership) joined and sorted six tables for every row and
inside every due-date subquery. So here:

- actions are read as ``values()`` dicts ordered by ``objective_id, position`` (no
  joins for ordering), with the latest progress note and the first agreed due date
  as correlated subqueries ordered within one action only;
- objectives, evidence and measures are read the same way, ordered by their own ids;
- every string a row prints is computed once in Python, and the rows are drawn by
  ``plans/jinja2/plans/_plan_table.html`` (Jinja2 compiles to Python: ~10× faster
  than the Django template for the same markup, with the same autoescaping).

``plan_sections`` returns what the template needs, nothing the template must call.
"""

from __future__ import annotations

import datetime
import functools
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import F, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe

from . import rows
from .filters import PlanFilterForm, filter_actions, rag_counts
from .models import (
    MOVING_KINDS,
    RAG_TAG_CLASSES,
    Action,
    BusinessPlan,
    DueDateChange,
    DuePrecision,
    EvidenceSource,
    Measure,
    Objective,
    PriorityArea,
    ProgressUpdate,
    Rag,
    Recurrence,
    Status,
    note_date_label,
)

RAG_LABELS = dict(Rag.choices)
STATUS_LABELS = dict(Status.choices)
RECURRENCE_LABELS = dict(Recurrence.choices)

ACTION_FIELDS = (
    "pk",
    "objective_id",
    "number",
    "description",
    "lead_role",
    "lead_agency__name",
    "deferred_to",
    "due_date",
    "due_precision",
    "timescale_text",
    "recurrence",
    "status",
    "rag",
    "rating_illustrative",
)


@dataclass(slots=True)
class Row:
    """One action's row, every cell already a string (``pk`` serves ``rows.row_cells``)."""

    pk: int
    rag: str
    url: str
    number: str
    description: str
    rag_label: str
    rag_class: str
    status_label: str
    illustrative: bool
    lead: str
    lead_agency: str
    due: str
    recurrence: str
    overdue: bool
    progress_text: str
    progress_date: str
    evidence_cell: rows.RowCell | None = None
    measure_cell: rows.RowCell | None = None


@dataclass(slots=True)
class ObjectiveRows:
    pk: int
    number: str
    description: str
    history_url: str
    edit_url: str
    add_action_url: str
    evidence: list[Any]
    measures: list[Any]
    rows: list[Row] = field(default_factory=list)


@dataclass(slots=True)
class AreaSection:
    pk: int
    number: int
    title: str
    lead: str
    wider_plan_link: str
    edit_url: str
    add_objective_url: str
    objectives: list[ObjectiveRows] = field(default_factory=list)
    action_count: int = 0
    rag_counts: list[tuple[str, str, int]] = field(default_factory=list)
    # Ratings the source does not state (demo data): the counts say they are illustrative.
    illustrative_count: int = 0


@functools.lru_cache(maxsize=4096)
def _timescale(due: datetime.date | None, precision: str, text: str) -> str:
    """Action.timescale, for a row read with values() (plans share a few dates: cached)."""
    if due is None:
        return text or "Not set"
    if precision == DuePrecision.MONTH:
        return f"{due:%B %Y}"
    return f"{due.day} {due:%B %Y}"


_note_date = functools.lru_cache(maxsize=4096)(note_date_label)


class _Urls:
    """Reversing a URL costs ~50 µs; the table needs ~200 of them. Reverse each pattern
    once with a marker pk and put the real pk in with str.replace."""

    MARKER = "987654321"

    def __init__(self) -> None:
        self.templates: dict[tuple[str, tuple[str, ...]], str] = {}

    def __call__(self, name: str, *args: str | int) -> str:
        head = tuple(str(arg) for arg in args[:-1])
        key = (name, head)
        if key not in self.templates:
            self.templates[key] = reverse(name, args=[*head, self.MARKER])
        return self.templates[key].replace(self.MARKER, str(args[-1]))


def _row(values: dict[str, Any], today: datetime.date, url_prefix: str) -> Row:
    due_date = values["due_date"]
    timescale = _timescale(due_date, values["due_precision"], values["timescale_text"])
    first = values["ledger_first_due_date"]
    # Action.original_timescale: the first agreed due date, when it has changed since.
    if first is not None and first != due_date:
        due = f"Originally {_timescale(first, values['due_precision'], '')}, now {timescale}"
    else:
        due = timescale
    recurrence = RECURRENCE_LABELS.get(values["recurrence"], "") if values["recurrence"] else ""
    rag = values["rag"]
    lead = values["lead_role"]
    if values["deferred_to"]:
        lead = f"{lead} (deferred to {values['deferred_to']})"
    return Row(
        pk=values["pk"],
        rag=rag,
        url=f"{url_prefix}{values['pk']}/",
        number=values["number"],
        description=values["description"],
        rag_label=RAG_LABELS.get(rag, rag),
        rag_class=RAG_TAG_CLASSES.get(rag, "govuk-tag--grey"),
        status_label=STATUS_LABELS.get(values["status"], values["status"]),
        illustrative=values["rating_illustrative"],
        lead=lead,
        lead_agency=values["lead_agency__name"] or "",
        due=due,
        # "Ongoing" written as the timescale says it already; "Quarterly" gains "Recurring".
        recurrence=recurrence if recurrence.lower() != due.lower() else "",
        overdue=values["status"] != Status.COMPLETE and due_date is not None and due_date < today,
        progress_text=values["latest_progress_text"] or "",
        progress_date=_note_date(
            values["latest_progress_date"], values["latest_progress_precision"] or "day"
        ),
    )


def _action_rows(plan: BusinessPlan, filters: PlanFilterForm, today: datetime.date) -> list[dict[str, Any]]:
    """The plan's actions that pass the filters, as dicts, in objective then position order,
    each with its latest progress note and first agreed due date.

    Orderings here name ``*_id`` columns: ordering by a foreign key follows the related
    model's Meta.ordering, which joined the whole chain up to the partnership per row.
    The latest note and the first due date are read by two ``DISTINCT ON`` queries over the
    plan, one pass each, rather than five correlated subqueries run for every action
    (EXPLAIN ANALYZE at 1,000 actions: 5,000 subplan runs, most of the query's 11 ms)."""
    actions = Action.objects.filter(objective__priority_area__plan=plan)
    shown = list(
        filter_actions(actions, filters, today).order_by("objective_id", "position").values(*ACTION_FIELDS)
    )
    latest = _first_per_action(
        ProgressUpdate.objects.filter(action__objective__priority_area__plan=plan).order_by(
            "action_id", F("date").desc(nulls_last=True), "-pk"
        ),
        ("text", "date", "date_precision"),
    )
    first_moves = _first_per_action(
        DueDateChange.objects.filter(
            action__objective__priority_area__plan=plan, kind__in=MOVING_KINDS
        ).order_by("action_id", "made_at", "pk"),
        ("old_due_date", "new_due_date"),
    )
    no_note = (None, None, None)
    for values in shown:
        pk = values["pk"]
        (
            values["latest_progress_text"],
            values["latest_progress_date"],
            values["latest_progress_precision"],
        ) = latest.get(pk, no_note)
        old_due, new_due = first_moves.get(pk, (None, None))
        values["ledger_first_due_date"] = old_due or new_due
    return shown


def _first_per_action(rows: QuerySet, fields: tuple[str, ...]) -> dict[int, tuple]:
    """{action pk: ``fields`` of its first row} of ``rows``, ordered by action_id first.
    PostgreSQL returns only the first rows (DISTINCT ON); elsewhere (SQLite under
    ``make run``) the first per action is picked here from every row."""
    if connection.features.can_distinct_on_fields:
        rows = rows.distinct("action_id")
    first: dict[int, tuple] = {}
    for action_id, *values in rows.values_list("action_id", *fields):
        first.setdefault(action_id, tuple(values))
    return first


def plan_sections(
    plan: BusinessPlan, filters: PlanFilterForm, today: datetime.date
) -> tuple[list[AreaSection], int]:
    """The priority areas with their objectives and rows, and the number of actions shown."""
    url = _Urls()
    areas = [
        AreaSection(
            pk=area["pk"],
            number=area["number"],
            title=area["title"],
            lead=area["lead"],
            wider_plan_link=area["wider_plan_link"],
            edit_url=url("plans:edit", "priority-area", area["pk"]),
            add_objective_url=url("plans:objective_create", area["pk"]),
        )
        for area in PriorityArea.objects.filter(plan=plan)
        .order_by("number", "pk")
        .values("pk", "number", "title", "lead", "wider_plan_link")
    ]
    area_by_pk = {area.pk: area for area in areas}
    objectives: dict[int, ObjectiveRows] = {}
    for values in (
        Objective.objects.filter(priority_area__plan=plan)
        .order_by("priority_area_id", "position", "pk")
        .values("pk", "priority_area_id", "number", "description")
    ):
        pk = values["pk"]
        objectives[pk] = item = ObjectiveRows(
            pk=pk,
            number=values["number"],
            description=values["description"],
            history_url=url("plans:history", "objective", pk),
            edit_url=url("plans:edit", "objective", pk),
            add_action_url=url("plans:action_create", pk),
            evidence=[],
            measures=[],
        )
        area_by_pk[values["priority_area_id"]].objectives.append(item)
    evidence = EvidenceSource.objects.filter(objective__priority_area__plan=plan).order_by(
        "objective_id", "position", "pk"
    )
    for source in evidence:
        objectives[source.objective_id].evidence.append(source)
    measures = Measure.objects.filter(objective__priority_area__plan=plan).order_by(
        "objective_id", "position", "pk"
    )
    measure_ties: dict[int, set[int]] = {}
    for measure in measures:
        objectives[measure.objective_id].measures.append(measure)
        if measure.action_id:
            measure_ties[measure.pk] = {measure.action_id}
    evidence_ties: dict[int, set[int]] = defaultdict(set)
    links = EvidenceSource.actions.through.objects.filter(evidencesource__objective__priority_area__plan=plan)
    for item_pk, action_pk in links.values_list("evidencesource_id", "action_id"):
        evidence_ties[item_pk].add(action_pk)

    url_prefix = reverse("plans:action", args=[0]).removesuffix("0/")
    for action in _action_rows(plan, filters, today):
        objectives[action["objective_id"]].rows.append(_row(action, today, url_prefix))
    shown = 0
    for area in areas:
        area_rows = []
        for objective in area.objectives:
            evidence_cells = rows.row_cells(objective.rows, objective.evidence, evidence_ties)
            measure_cells = rows.row_cells(objective.rows, objective.measures, measure_ties)
            for row, evidence_cell, measure_cell in zip(
                objective.rows, evidence_cells, measure_cells, strict=True
            ):
                row.evidence_cell, row.measure_cell = evidence_cell, measure_cell
            area_rows.extend(objective.rows)
        area.action_count = len(area_rows)
        area.rag_counts = rag_counts(area_rows)
        area.illustrative_count = sum(1 for row in area_rows if row.illustrative)
        shown += len(area_rows)
    return areas, shown


def render_table(areas: list[AreaSection], *, can_edit: bool, filtering: bool) -> str:
    """The priority-area sections as HTML (Jinja2: see the module's docstring)."""
    illustrative = render_to_string("includes/illustrative.html", {"about": "this status or rating"})
    illustrative_counts = render_to_string(
        "includes/illustrative.html", {"about": "the ratings these counts rest on"}
    )
    return mark_safe(
        render_to_string(
            "plans/_plan_table.html",
            {
                "priority_areas": areas,
                "can_edit": can_edit,
                "filtering": filtering,
                "illustrative": mark_safe(illustrative),
                "illustrative_counts": mark_safe(illustrative_counts),
            },
            using="jinja2",
        )
    )
