"""What meetings adds to plans' pages, through plans.extensions (plans never imports meetings)."""

from __future__ import annotations

from django.db.models import OuterRef, Subquery

from plans.extensions import Panel

from .models import ActionArising, Decision


def action_arising_panel(request, action) -> Panel | None:
    """ "This action arose at the SSCB meeting of 5 March 2026, item 3": one query."""
    arising = (
        ActionArising.objects.select_related("agenda_item__meeting__board", "decision")
        .filter(action=action)
        .first()
    )
    if arising is None:
        return None
    return Panel("meetings/panels/action_arising.html", {"arising": arising})


def plan_page_annotations() -> dict:
    """The meeting decision that approved the plan, if any, read with the plan page's plan:
    most approved plans were approved without naming one, and their page then asks nothing."""
    return {
        "meetings_approving_decision": Subquery(
            Decision.objects.filter(approved_plan=OuterRef("pk")).order_by().values("pk")[:1]
        )
    }


def plan_approval_panel(request, plan) -> Panel | None:
    """ "Approved at the SSCB meeting of 5 March 2026, item 2: …": approved plans only; no
    query when the plan came with ``plan_page_annotations`` and names no decision, else one."""
    if plan.approved_at is None:
        return None
    decisions = Decision.objects.select_related("agenda_item__meeting__board")
    if hasattr(plan, "meetings_approving_decision"):
        if plan.meetings_approving_decision is None:
            return None
        decision = decisions.filter(pk=plan.meetings_approving_decision).first()
    else:
        decision = decisions.filter(approved_plan=plan).first()
    if decision is None:
        return None
    return Panel("meetings/panels/plan_approval.html", {"decision": decision})
