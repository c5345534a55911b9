"""Start an improvement plan from a review.

The plan's priority areas are the review's focus themes (in order); each
recommendation the board accepted (or has not yet answered) becomes an
objective under the theme of the finding it answers, with the review as the
evidence ("How was the issue identified?") and one drafted action, already
linked to the recommendation. Managers then edit the plan as any other.
"""

from __future__ import annotations

import datetime

from django.db import transaction

from boards.models import Board
from plans.models import Action, BusinessPlan, EvidenceSource, Objective, PriorityArea

from .models import ImprovementPlan, Recommendation, RecommendationAction, Response, Review

UNTHEMED_AREA_TITLE = "Other recommendations"


def _priority_area_title(text: str) -> str:
    return text if len(text) <= 250 else text[:249] + "…"


@transaction.atomic
def start_improvement_plan(
    review: Review,
    *,
    board: Board,
    title: str,
    period_start: datetime.date,
    period_end: datetime.date,
    user,
) -> BusinessPlan:
    """Create the draft plan, its areas, objectives and linked actions, all or nothing."""
    if board.partnership_id != review.partnership_id:
        raise ValueError("The plan's board must belong to the review's partnership.")
    plan = BusinessPlan(
        board=board,
        title=title,
        period_start=period_start,
        period_end=period_end,
        status=BusinessPlan.Status.DRAFT,
    )
    plan.full_clean()
    plan.save()
    ImprovementPlan.objects.create(review=review, plan=plan)

    areas: dict[int | None, PriorityArea] = {}
    for number, theme in enumerate(review.focus_themes.all(), start=1):
        areas[theme.pk] = PriorityArea.objects.create(
            plan=plan, number=number, title=_priority_area_title(theme.text)
        )
    recommendations = (
        Recommendation.objects.filter(review=review)
        .exclude(response=Response.NOT_ACCEPTED)
        .select_related("finding")
        .order_by("number")
    )
    positions: dict[int, int] = {}
    for recommendation in recommendations:
        theme_pk = recommendation.finding.theme_id if recommendation.finding else None
        area = areas.get(theme_pk)
        if area is None:
            area = areas.get(None)
            if area is None:
                area = areas[None] = PriorityArea.objects.create(
                    plan=plan, number=len(areas) + 1, title=UNTHEMED_AREA_TITLE
                )
        positions[area.pk] = position = positions.get(area.pk, 0) + 1
        objective = Objective.objects.create(
            priority_area=area,
            number=f"{area.number}.{position}",
            position=position,
            description=recommendation.text,
        )
        EvidenceSource.objects.create(
            objective=objective,
            position=1,
            text=f"{review.title}, recommendation {recommendation.number}"[:500],
        )
        action = Action.objects.create(
            objective=objective,
            position=1,
            description=f"Agree the actions that answer recommendation {recommendation.number}.",
            lead_role=recommendation.owner or "To be agreed",
            timescale_text="To be agreed",
        )
        RecommendationAction.objects.create(recommendation=recommendation, action=action, linked_by=user)
    return plan
