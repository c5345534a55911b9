"""Evidence and measures by row, as the source plan lays them out.

In the seven-column table the evidence and measure cells belong to a row of actions,
not always to the whole objective ("Appoint 2 Lay Members" is measured by "Lay members
in place", not by the campaign on the next row). A measure may belong to one action
(``Measure.action``), evidence to some actions (``EvidenceSource.actions``); an item
tied to no action is for the whole objective. These plain functions serve the plan page, the action page, exports
and packs alike, from rows already loaded (no query of their own).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.db.models import Q, QuerySet

from .models import Action, EvidenceSource, Measure, Objective


@dataclass
class RowCell:
    """One evidence or measure cell of the plan table: ``rowspan`` actions share ``items``."""

    rowspan: int
    items: list[Any]


class HasPk(Protocol):
    """An action, or any row standing for one (plans.plan_table.Row): only its pk is read."""

    @property
    def pk(self) -> Any: ...


def items_for(action_pk: int, items: Iterable[Any], ties: dict[int, set[int]]) -> list[Any]:
    """The items of an action's row: those tied to it, and those tied to no action."""
    return [item for item in items if not ties.get(item.pk) or action_pk in ties[item.pk]]


def same(item: Any) -> Any:
    """What makes two items one cell: their words (a measure the seed gives for a row of
    several actions is held once per action, and shows as one cell across that row)."""
    if isinstance(item, Measure):
        return (item.description, item.indicator_code)
    return getattr(item, "text", item.pk)


def row_cells(
    actions: Sequence[HasPk], items: Sequence[Any], ties: dict[int, set[int]]
) -> list[RowCell | None]:
    """One entry per action: a cell where a run of actions with the same items starts
    (its rowspan covers the run), None where the run continues. Items for the whole
    objective make one run, as in a plan without per-row items; so do the same words held
    once per action (``same``)."""
    if not any(ties.get(item.pk) for item in items):
        # Nothing tied to an action (most objectives): one cell down every row, as the loop
        # below would make, without comparing each row's items (1,000 rows: ~1.5 ms).
        return [RowCell(len(actions), list(items)), *([None] * (len(actions) - 1))] if actions else []
    cells: list[RowCell | None] = []
    current: RowCell | None = None
    for action in actions:
        mine = items_for(action.pk, items, ties)
        if current is not None and [same(i) for i in mine] == [same(i) for i in current.items]:
            current.rowspan += 1
            cells.append(None)
        else:
            current = RowCell(1, mine)
            cells.append(current)
    return cells


def all_ties(objectives: Iterable[Objective]) -> tuple[dict[int, set[int]], dict[int, set[int]]]:
    """({evidence pk: {action pk, …}}, {measure pk: {action pk}}) for these objectives' items
    tied to actions. Evidence costs one query; measures are read from the objectives'
    prefetched ``measures`` (each holds its ``action_id``)."""
    objectives = list(objectives)
    evidence_ties: dict[int, set[int]] = {}
    links = EvidenceSource.actions.through.objects.filter(evidencesource__objective__in=objectives)
    for item_pk, action_pk in links.values_list("evidencesource_id", "action_id"):
        evidence_ties.setdefault(item_pk, set()).add(action_pk)
    measure_ties = {
        measure.pk: {measure.action_id}
        for objective in objectives
        for measure in objective.measures.all()
        if measure.action_id
    }
    return evidence_ties, measure_ties


def for_action(model: type[EvidenceSource] | type[Measure], action: Action) -> QuerySet:
    """An action's evidence or measures: tied to it, or to no action of its objective."""
    field = "action" if model is Measure else "actions"
    return (
        model.objects.filter(objective_id=action.objective_id)
        .filter(Q(**{field: action}) | Q(**{f"{field}__isnull": True}))
        .distinct()
        .order_by("position")
    )
