"""Managers shape a plan: add parts at the end, move them up or down, archive and restore.

Every change goes through ``save()`` or ``delete()`` so django-simple-history records
who did it (and the save bumps the plan's content version, which keys the cached plan page). Each
function takes the rows it changes under lock and checks the writer again inside
that transaction (``may_write``), as the edit views do.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Max

from .models import (
    Action,
    BusinessPlan,
    EvidenceSource,
    Measure,
    Objective,
    PlanStatus,
    PriorityArea,
    Versioned,
)


class Direction(StrEnum):
    UP = "up"
    DOWN = "down"


# Where each movable part sits: (the parent it is ordered within, the field that orders it).
# A priority area's number is its place in the plan, so moving one renumbers it.
ORDERING: dict[type[Versioned], tuple[str, str]] = {
    PriorityArea: ("plan", "number"),
    Objective: ("priority_area", "position"),
    Action: ("objective", "position"),
    Measure: ("objective", "position"),
}


def next_in_order(model: type[Versioned], parent: models.Model) -> int:
    """The number or position after the last one under ``parent`` (call with the parent locked)."""
    parent_field, order_field = ORDERING[model]
    last = model._default_manager.filter(**{parent_field: parent}).aggregate(last=Max(order_field))["last"]
    return (last or 0) + 1


def move(
    model: type[Versioned], pk: int, direction: Direction, may_write: Callable[[Versioned], bool]
) -> Versioned | None:
    """Swap a part with its neighbour above or below. Returns the moved part, or
    None when it is already first (or last) and nothing changed.

    Race: two managers move parts of one list at once. Locking every sibling
    (in order) makes the second move wait and then see the first one's order.
    """
    parent_field, order_field = ORDERING[model]
    with transaction.atomic():
        parent_id = model._default_manager.filter(pk=pk).values_list(f"{parent_field}_id", flat=True).first()
        if parent_id is None:
            raise model.DoesNotExist
        siblings = list(
            model._default_manager.select_for_update()
            .filter(**{f"{parent_field}_id": parent_id})
            .order_by(order_field)
        )
        moving = next(s for s in siblings if s.pk == pk)
        if not may_write(moving):
            raise PermissionDenied("You may not change this.")
        index = siblings.index(moving)
        neighbour_index = index - 1 if direction == Direction.UP else index + 1
        if not 0 <= neighbour_index < len(siblings):
            return None
        neighbour = siblings[neighbour_index]
        here, there = getattr(moving, order_field), getattr(neighbour, order_field)
        # The order is unique within the parent: park the moving row past the end
        # first. That step is not a change anyone made, so it skips history.
        parked = getattr(siblings[-1], order_field) + 1
        model._default_manager.filter(pk=moving.pk).update(**{order_field: parked})
        setattr(neighbour, order_field, here)
        neighbour._change_reason = "Moved"
        neighbour.save()
        setattr(moving, order_field, there)
        moving._change_reason = "Moved"
        moving.save()
        if isinstance(moving, PriorityArea) and isinstance(neighbour, PriorityArea):
            _renumber_objectives(neighbour, old=there)
            _renumber_objectives(moving, old=here)
    return moving


def _renumber_objectives(area: PriorityArea, old: int) -> None:
    """Objectives numbered after their area ("2.1" in area 2) follow it to its new number."""
    pattern = re.compile(rf"^{old}\.")
    for objective in area.objectives.select_for_update():
        if pattern.match(objective.number):
            objective.number = pattern.sub(f"{area.number}.", objective.number, count=1)
            objective._change_reason = "Priority area moved"
            objective.save()


class RemovalRefusedError(Exception):
    """The part still holds something the board's record needs."""


def removal_blocker(part: Versioned) -> str | None:
    """Why ``part`` cannot be removed, or None. Actions are never removed: their
    progress is part of the board's record (defer them, or archive the plan)."""
    if isinstance(part, PriorityArea) and part.objectives.exists():
        return "This priority area still has objectives. Move them to another area or remove them first."
    if isinstance(part, Objective) and part.actions.exists():
        return (
            "This objective has actions, and actions are never removed because their progress is part "
            "of the board's record. Set an action's status to Deferred instead, or archive the whole plan."
        )
    return None


def remove(model: type[Versioned], pk: int, may_write: Callable[[Versioned], bool]) -> None:
    """Delete an empty priority area, an objective with no actions (its evidence and
    measures go with it), or a measure. History keeps each deleted row.

    Race: an action added while the objective is removed. Adding locks the
    parent too, so one waits for the other and the check below sees the action.
    """
    with transaction.atomic():
        part = model._default_manager.select_for_update().get(pk=pk)
        if not may_write(part):
            raise PermissionDenied("You may not change this.")
        if blocker := removal_blocker(part):
            raise RemovalRefusedError(blocker)
        part._change_reason = "Removed"
        part.delete()


def replace_evidence(objective: Objective, texts: list[str]) -> None:
    """Make the objective's evidence exactly ``texts``, in that order, touching only what differs."""
    current = list(objective.evidence_sources.order_by("position"))
    if [source.text for source in current] == texts:
        return
    for source in current:
        source.delete()
    for position, text in enumerate(texts, start=1):
        EvidenceSource.objects.create(objective=objective, position=position, text=text)


class RestoreRefusedError(Exception):
    """The plan was replaced by an approved revision."""


def status_before_archiving(plan: BusinessPlan) -> str:
    last_open = plan.history.exclude(status=PlanStatus.ARCHIVED).order_by("-history_id").first()
    return last_open.status if last_open else PlanStatus.DRAFT


def set_archived(
    plan_pk: int, archived: bool, may_write: Callable[[BusinessPlan], bool]
) -> tuple[BusinessPlan, bool]:
    """Archive a plan (read-only from then on) or restore it to the status it had.

    Returns the plan and whether anything changed (archiving an archived plan does nothing).
    """
    with transaction.atomic():
        plan = BusinessPlan.objects.select_for_update().get(pk=plan_pk)
        if not may_write(plan):
            raise PermissionDenied("Only the board's managers may archive or restore its plans.")
        if (plan.status == PlanStatus.ARCHIVED) == archived:
            return plan, False
        if archived:
            plan.status = PlanStatus.ARCHIVED
            plan._change_reason = "Archived"
        elif plan.revisions.filter(approved_at__isnull=False).exists():
            # Two versions of one plan must never be in force at once.
            raise RestoreRefusedError(
                "A later version of this plan was approved and replaced this one, so it stays archived."
            )
        else:
            plan.status = status_before_archiving(plan)
            plan._change_reason = "Restored"
        plan.save()
    return plan, True
