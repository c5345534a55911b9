"""What meetings adds to plans' pages, through plans.extensions (plans never imports meetings)."""

from __future__ import annotations

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


def plan_approval_panel(request, plan) -> Panel | None:
    """ "Approved at the SSCB meeting of 5 March 2026, item 2: …": one query, approved plans only."""
    if plan.approved_at is None:
        return None
    decision = (
        Decision.objects.select_related("agenda_item__meeting__board").filter(approved_plan=plan).first()
    )
    if decision is None:
        return None
    return Panel("meetings/panels/plan_approval.html", {"decision": decision})
