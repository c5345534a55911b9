"""Blocks reviews adds to plans' pages through plans.extensions (plans never imports reviews)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Exists, OuterRef
from django.http import HttpRequest

from plans.extensions import Panel
from plans.models import Action, BusinessPlan

from .access import partnership_access
from .models import ImpactEvidence, ImprovementPlan, MonitoringBody, RecommendationAction, Review


def plan_page_annotations() -> dict:
    """Whether the plan answers a review or is monitored, read with the plan page's plan."""
    return {
        "reviews_answers": Exists(ImprovementPlan.objects.filter(plan=OuterRef("pk"))),
        "reviews_monitored": Exists(MonitoringBody.objects.filter(plan=OuterRef("pk"))),
    }


def plan_monitoring_panel(request: HttpRequest, plan: BusinessPlan) -> Panel | None:
    """On an improvement plan: the reviews it answers and who monitors it.

    No query for a plan that answers no review (most plans) when the plan came with
    ``plan_page_annotations`` (the plan page), one otherwise; three for one that does."""
    found: Mapping[str, Any]
    if hasattr(plan, "reviews_answers"):
        found = {"answers": plan.reviews_answers, "monitored": plan.reviews_monitored}
    else:
        annotations = plan_page_annotations()
        found = (
            BusinessPlan.objects.filter(pk=plan.pk)
            .annotate(answers=annotations["reviews_answers"], monitored=annotations["reviews_monitored"])
            .values("answers", "monitored")
            .get()
        )
    if not found["answers"] and not found["monitored"]:
        return None
    reviews = list(Review.objects.filter(improvement_plans__plan=plan).order_by("title"))
    bodies = list(MonitoringBody.objects.filter(plan=plan).select_related("board"))
    if not reviews and not bodies:
        return None
    return Panel("reviews/panels/plan_monitoring.html", {"plan": plan, "reviews": reviews, "bodies": bodies})


def action_recommendations_panel(request: HttpRequest, action: Action) -> Panel | None:
    """On an action: the recommendations it answers and its impact evidence.

    One query for an action that answers nothing and has no evidence, four otherwise."""
    found = (
        Action.objects.filter(pk=action.pk)
        .annotate(
            linked=Exists(RecommendationAction.objects.filter(action=OuterRef("pk"))),
            evidenced=Exists(ImpactEvidence.objects.filter(action=OuterRef("pk"))),
        )
        .values("linked", "evidenced")
        .get()
    )
    if not found["linked"] and not found["evidenced"]:
        return None
    links = list(
        RecommendationAction.objects.filter(action=action)
        .select_related("recommendation__review")
        .order_by("recommendation__review__title", "recommendation__number")
    )
    evidence = list(ImpactEvidence.objects.filter(action=action).select_related("recorded_by"))
    if not links and not evidence:
        return None
    access = partnership_access(request.user, action.objective.priority_area.plan.board.partnership_id)
    return Panel(
        "reviews/panels/action_recommendations.html",
        {
            "action": action,
            "links": links,
            "evidence": evidence,
            "impact_verified": any(item.verified for item in evidence),
            "can_manage": access.can_manage,
            "review_pk": links[0].recommendation.review_id if links else "",
        },
    )
