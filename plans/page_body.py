"""The plan page's body (filters and the seven-column table), drawn for the view on a miss
and by the worker right after a progress update (``redraw``), so that readers arriving after
a chair's update find the new version already drawn (plans.page_cache keeps it)."""

from __future__ import annotations

import datetime

from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils import timezone

from boards.access import BoardAccess
from boards.models import Role

from . import page_cache, plan_table
from .filters import PlanFilterForm
from .models import BusinessPlan, PlanStatus


def render_body(plan: BusinessPlan, access: BoardAccess, query: QueryDict, today: datetime.date) -> bytes:
    """The body's UTF-8 bytes. What it shows depends on the plan, ``access.can_edit``, the
    filters in ``query`` and the day only: the key of plans.page_cache holds exactly these."""
    filters = PlanFilterForm(query or None, plan=plan)
    priority_areas, shown = plan_table.plan_sections(plan, filters, today)
    filters.set_areas(priority_areas)
    filtering = filters.active
    if filtering:
        priority_areas = [area for area in priority_areas if area.action_count]
    context = {
        "plan": plan,
        "access": access,
        "priority_areas": priority_areas,
        "table": plan_table.render_table(priority_areas, can_edit=access.can_edit, filtering=filtering),
        "filters": filters,
        "filtering": filtering,
        "matching_count": shown if filtering else None,
        "today": today,
    }
    return render_to_string("plans/_plan_body.html", context).encode()


def redraw(plan_pk: int) -> int:
    """In the worker, after a write: draw the plan's unfiltered body for each role whose
    earlier version someone has viewed lately and that nobody has drawn yet. Returns how many
    it drew."""
    plan = BusinessPlan.objects.select_related("board").filter(pk=plan_pk).first()
    if plan is None:
        return 0
    today = timezone.localdate()
    drawn = 0
    read_only = plan.status == PlanStatus.ARCHIVED
    for role in (Role.MEMBER, Role.MANAGER):
        access = BoardAccess(role=role, read_only=read_only)
        key = page_cache.body_key(plan, access.can_edit, "", today)
        if not page_cache.viewed_lately(key) or page_cache.get(key) is not None:
            continue
        if not page_cache.claim_render(key):
            continue  # a view is drawing it already
        try:
            page_cache.put(key, render_body(plan, access, QueryDict(), today))
            drawn += 1
        finally:
            page_cache.release_render(key)
    return drawn
