"""Link and unlink the actions that answer a recommendation."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from plans.models import Action

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
    if not action.objective.priority_area.plan.is_in_force:
        # Read under the lock: a plan archived (or a draft) since the form was shown.
        raise ValidationError(
            {"action": "That action's plan is not in force (a draft or archived), so it cannot be linked."}
        )
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
    """Remove the link row by row (not queryset.delete) so simple-history records it."""
    removed = False
    for link in RecommendationAction.objects.filter(recommendation=recommendation, action_id=action_pk):
        link.delete()
        removed = True
    return removed
