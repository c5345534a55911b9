"""Link and unlink the actions that answer a recommendation."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from plans.models import Action, BusinessPlan, PlanStatus

from .models import Recommendation, RecommendationAction


@transaction.atomic
def link_action(recommendation: Recommendation, action_pk: int, user) -> RecommendationAction:
    """Link an action of a plan of the recommendation's partnership; linking twice is a no-op.

    Race: an action's objective could move to another board's plan between the
    form's check and the insert, so the action row is locked while we check and link.
    """
    action = (
        Action.objects.select_for_update(of=("self",))
        .select_related("objective__priority_area__plan__board")
        .filter(pk=action_pk)
        .first()
    )
    if action is None:
        raise ValidationError({"action": "That action no longer exists."})
    status = _plan_status_now(action)
    if status == PlanStatus.ARCHIVED:
        raise ValidationError({"action": ARCHIVED_LINK_MESSAGE})
    if status != PlanStatus.APPROVED:
        raise ValidationError({"action": DRAFT_LINK_MESSAGE})
    link = RecommendationAction(recommendation=recommendation, action=action, linked_by=user)
    link.clean()
    # Two managers linking the same action at once: the unique constraint lets one
    # insert win, and get_or_create returns the winner's row to the other.
    link, _ = RecommendationAction.objects.get_or_create(
        recommendation=recommendation, action=action, defaults={"linked_by": user}
    )
    return link


@transaction.atomic
def unlink_action(recommendation: Recommendation, action_pk: int) -> bool:
    """Remove the link row by row (not queryset.delete) so simple-history records it.
    An archived plan's links are its record of what answered the recommendation: kept."""
    action = Action.objects.select_related("objective__priority_area").filter(pk=action_pk).first()
    if action is not None and _plan_archived_now(action):
        raise PermissionDenied(ARCHIVED_UNLINK_MESSAGE)
    removed = False
    for link in RecommendationAction.objects.filter(recommendation=recommendation, action_id=action_pk):
        link.delete()
        removed = True
    return removed


# Which writes an archived plan refuses (#15): new links and unlinks are refused, because
# they change what the closed plan answered; evidence of impact is still recorded
# (reviews.views.evidence_create), because impact is often shown after a plan has closed.
ARCHIVED_LINK_MESSAGE = "That action's plan is archived: link an action of a current plan instead."
# A draft plan's actions answer nothing until the plan is approved (issue 13).
DRAFT_LINK_MESSAGE = "That action's plan is a draft: link it once a manager has approved the plan."
ARCHIVED_UNLINK_MESSAGE = (
    "That action's plan is archived, so its links are kept. A manager can restore the plan."
)


def _plan_status_now(action: Action) -> str | None:
    """Read under a row lock, so an archive or approval committing meanwhile is seen (or waits for us)."""
    plan_id = action.objective.priority_area.plan_id
    return (
        BusinessPlan.objects.select_for_update().filter(pk=plan_id).values_list("status", flat=True).first()
    )


def _plan_archived_now(action: Action) -> bool:
    return _plan_status_now(action) == PlanStatus.ARCHIVED
