"""Load plan objects only through the boards the user belongs to (outsiders get 404)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Q, Subquery
from django.shortcuts import get_object_or_404

from boards.access import BoardAccess, board_access
from boards.models import Board, Membership, Role, SubCommittee

from .models import Action, ActionQuerySet, BusinessPlan, Measure, Objective, PlanStatus, PriorityArea

# What a plan is made of; each get_*_for_user below gives one, with the user's access to
# its board (or a 404).
PlanPart = BusinessPlan | PriorityArea | Objective | Action | Measure
PartLoader = Callable[[Any, int], tuple[PlanPart, BoardAccess]]


def get_plan_for_user(user, pk: int, annotations: dict | None = None) -> tuple[BusinessPlan, BoardAccess]:
    """The plan with the user's role on its board, and any extra annotations the caller
    wants, in one query; 404 unless the user holds a role on the plan's board.

    The access check is the role itself (one membership per user and board, a unique
    constraint): the same boards as ``Board.objects.visible_to``, without a second
    subquery. Orderings are cleared: Meta.ordering on memberships and plans joined boards,
    partnerships and users into a query that finds one row by its key, and compiling those
    joins was most of the cached plan page's ORM time (bench/plan_page.py)."""
    role = Membership.objects.filter(user=user.pk, board=OuterRef("board")).order_by().values("role")[:1]
    plan = get_object_or_404(
        BusinessPlan.objects.select_related("board__partnership", "approved_by", "revision_of")
        .annotate(my_role=Subquery(role), **(annotations or {}))
        .order_by(),
        pk=pk,
        my_role__isnull=False,
    )
    # django-stubs' plugin types the plan as annotated with my_role, yet reports that it
    # has no such attribute.
    my_role = plan.my_role  # type: ignore[attr-defined]
    return plan, BoardAccess(role=my_role, read_only=plan.status == PlanStatus.ARCHIVED)


def get_action_for_user(user, pk: int) -> tuple[Action, BoardAccess]:
    action = get_object_or_404(
        Action.objects.select_related(
            "objective__priority_area__plan__board__partnership",
            "lead_sub_committee__chair",
            "responsible",
            "lead_agency",
        ),
        pk=pk,
        objective__priority_area__plan__board__in=Board.objects.visible_to(user),
    )
    return action, _plan_access(user, action.objective.priority_area.plan)


# --- Who may write what, checked at the moment of the write ------------------
#
# Views call these inside the transaction that writes, on the row they locked,
# so a membership removed (or a lead reassigned) a second ago is already seen.


def current_role(user, board_id: int) -> str | None:
    """The user's role on the board now (a fresh query, never a cached value)."""
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(user=user, board_id=board_id).values_list("role", flat=True).first()


def can_manage_board(user, board_id: int) -> bool:
    return current_role(user, board_id) == Role.MANAGER


def leads_action(user, action: Action) -> bool:
    """The user is the action's named lead or chairs its lead sub-committee."""
    if not user.is_authenticated:
        return False
    if action.responsible_id == user.pk:
        return True
    if action.lead_sub_committee_id is None:
        return False
    return SubCommittee.objects.filter(pk=action.lead_sub_committee_id, chair=user).exists()


def can_update_action(user, action: Action) -> bool:
    """Add progress, set status and RAG, ask for a new due date.

    Managers may do it on every action of their board; a chair only on the
    actions they lead (named lead or chair of the lead sub-committee). Nobody
    may, once the action's plan is archived.
    """
    board_id, plan_status = (
        BusinessPlan.objects.filter(priority_areas__objectives__actions=action)
        .values_list("board_id", "status")
        .get()
    )
    if plan_status == PlanStatus.ARCHIVED:
        return False
    role = current_role(user, board_id)
    if role == Role.MANAGER:
        return True
    return role == Role.CHAIR and leads_action(user, action)


def action_board_id(action: Action) -> int:
    return (
        BusinessPlan.objects.filter(priority_areas__objectives__actions=action)
        .values_list("board_id", flat=True)
        .get()
    )


def require(allowed: bool, message: str = "You may not change this.") -> None:
    if not allowed:
        raise PermissionDenied(message)


ARCHIVED_MESSAGE = "This plan is archived, so it cannot be changed. A manager can restore it."


def plan_is_open(plan_id: int, lock: bool = False) -> bool:
    """Not archived, read now (an archived plan is read-only for everyone). With ``lock``
    (inside a writing transaction) the plan's row is locked, so an archive committing at
    the same moment is either seen or waits for this write."""
    plans = BusinessPlan.objects.filter(pk=plan_id)
    if lock:
        plans = plans.select_for_update()
    return plans.values_list("status", flat=True).first() not in (PlanStatus.ARCHIVED, None)


def require_open(plan: BusinessPlan) -> None:
    """Refuse at once to show an edit form for an archived plan (the write checks again)."""
    require(plan.status != PlanStatus.ARCHIVED, ARCHIVED_MESSAGE)


def may_edit_plan(user, plan: BusinessPlan) -> bool:
    """A manager of the plan's board, and the plan not archived: checked at the moment of the write."""
    return can_manage_board(user, plan.board_id) and plan_is_open(plan.pk)


def my_actions(user) -> ActionQuerySet:
    """Actions the user leads in plans in force (a draft's actions are not theirs to do
    yet), on the boards where they hold a role now."""
    if not user.is_authenticated:
        return Action.objects.none()
    return Action.objects.in_force().filter(
        Q(responsible=user) | Q(lead_sub_committee__chair=user),
        objective__priority_area__plan__board__in=Board.objects.visible_to(user),
    )


def get_objective_for_user(user, pk: int) -> tuple[Objective, BoardAccess]:
    objective = get_object_or_404(
        Objective.objects.select_related("priority_area__plan__board__partnership"),
        pk=pk,
        priority_area__plan__board__in=Board.objects.visible_to(user),
    )
    return objective, _plan_access(user, objective.priority_area.plan)


def get_priority_area_for_user(user, pk: int) -> tuple[PriorityArea, BoardAccess]:
    area = get_object_or_404(
        PriorityArea.objects.select_related("plan__board__partnership"),
        pk=pk,
        plan__board__in=Board.objects.visible_to(user),
    )
    return area, _plan_access(user, area.plan)


def get_measure_for_user(user, pk: int) -> tuple[Measure, BoardAccess]:
    measure = get_object_or_404(
        Measure.objects.select_related("objective__priority_area__plan__board__partnership"),
        pk=pk,
        objective__priority_area__plan__board__in=Board.objects.visible_to(user),
    )
    return measure, _plan_access(user, measure.objective.priority_area.plan)


def _plan_access(user, plan: BusinessPlan) -> BoardAccess:
    return dataclasses.replace(board_access(user, plan.board), read_only=plan.status == PlanStatus.ARCHIVED)


def plan_of(obj: PlanPart) -> BusinessPlan:
    """The plan a part belongs to (loaded with it by the get_*_for_user functions above)."""
    if isinstance(obj, BusinessPlan):
        return obj
    if isinstance(obj, PriorityArea):
        return obj.plan
    if isinstance(obj, Objective):
        return obj.priority_area.plan
    return obj.objective.priority_area.plan
