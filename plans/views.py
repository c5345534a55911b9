from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from .access import get_action_for_user, get_plan_for_user
from .extensions import action_panels, plan_panels
from .models import Action, Objective, PriorityArea


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The seven-column plan, one section per priority area."""
    plan, access = get_plan_for_user(request.user, pk)
    actions = Action.objects.with_latest_progress().select_related("lead_sub_committee")
    objectives = Objective.objects.prefetch_related(
        "evidence_sources", "measures", Prefetch("actions", queryset=actions)
    )
    priority_areas = PriorityArea.objects.filter(plan=plan).prefetch_related(
        Prefetch("objectives", queryset=objectives)
    )
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "access": access,
            "priority_areas": priority_areas,
            "today": timezone.localdate(),
            "panels": plan_panels(request, plan),
        },
    )


@login_required
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    action, access = get_action_for_user(request.user, pk)
    progress_updates = action.progress_updates.select_related("author")
    measures = action.objective.measures.all()
    return render(
        request,
        "plans/action_detail.html",
        {
            "action": action,
            "objective": action.objective,
            "plan": action.objective.priority_area.plan,
            "access": access,
            "progress_updates": progress_updates,
            "measures": measures,
            "today": timezone.localdate(),
            "panels": action_panels(request, action),
        },
    )
