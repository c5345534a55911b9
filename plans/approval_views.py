"""Managers approve a draft plan and start a revision of an approved one.

Both are POST-only buttons on the plan page. Like every plans write, each view loads
the plan through ``plans.access`` (outsiders get 404, readers 403) and the write checks
the manager again inside its transaction, on the locked plan (``plans.approval``).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from .access import get_plan_for_user, may_edit_plan, require_open
from .approval import ApprovalRefusedError, approve, start_revision


def _decision_pk(request: HttpRequest) -> int | None:
    raw = request.POST.get("decision", "").strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise Http404("No such decision") from None


@login_required
@require_POST
def approve_plan(request: HttpRequest, pk: int) -> HttpResponse:
    plan, access = get_plan_for_user(request.user, pk)
    access.require_manage()
    require_open(plan)
    try:
        approved = approve(
            plan.pk, request.user, lambda locked: may_edit_plan(request.user, locked), _decision_pk(request)
        )
    except ApprovalRefusedError as refused:
        messages.error(request, f"The plan was not approved: {refused}")
        return redirect(plan.get_absolute_url())
    replaced = (
        f" It replaces version {approved.revision_number - 1}, which is now archived."
        if approved.revision_of_id
        else ""
    )
    messages.success(
        request,
        "The plan was approved. Its actions are now in My actions, reminders, calendar feeds and board packs."
        + replaced,
    )
    return redirect(approved.get_absolute_url())


@login_required
@require_POST
def revise_plan(request: HttpRequest, pk: int) -> HttpResponse:
    plan, access = get_plan_for_user(request.user, pk)
    access.require_manage()
    require_open(plan)
    try:
        revision = start_revision(plan.pk, request.user, lambda locked: may_edit_plan(request.user, locked))
    except ApprovalRefusedError as refused:
        messages.error(request, f"No revision was started: {refused}")
        return redirect(plan.get_absolute_url())
    messages.success(
        request,
        f"Version {revision.revision_number} is a draft copy of this plan. Change it as you need, then approve "
        f"it. Until then version {plan.revision_number} stays in force and its leads keep updating it.",
    )
    return redirect(revision.get_absolute_url())
