"""Load plan objects only through the boards the user belongs to (outsiders get 404)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from boards.access import BoardAccess, board_access
from boards.models import Board

from .models import Action, BusinessPlan


def get_plan_for_user(user, pk: int) -> tuple[BusinessPlan, BoardAccess]:
    plan = get_object_or_404(
        BusinessPlan.objects.select_related("board__partnership"),
        pk=pk,
        board__in=Board.objects.visible_to(user),
    )
    return plan, board_access(user, plan.board)


def get_action_for_user(user, pk: int) -> tuple[Action, BoardAccess]:
    action = get_object_or_404(
        Action.objects.select_related(
            "objective__priority_area__plan__board__partnership", "lead_sub_committee__chair", "responsible"
        ),
        pk=pk,
        objective__priority_area__plan__board__in=Board.objects.visible_to(user),
    )
    return action, board_access(user, action.objective.priority_area.plan.board)
