"""Plan pages and the editing views.

Every view loads its object through ``plans.access`` (outsiders get 404) and
every write checks the writer's role again inside the transaction that writes
(readers get 403). See ``plans.editing`` for versioned saves and history.
"""

from __future__ import annotations

import datetime
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from boards.models import Board
from safeguarding.middleware import has_written
from safeguarding.request_types import HtmxHttpRequest

from . import access as plan_access
from . import due_dates, page_body, page_cache, page_frame, rows
from .access import (
    ARCHIVED_MESSAGE,
    PartLoader,
    can_manage_board,
    can_update_action,
    get_action_for_user,
    get_measure_for_user,
    get_objective_for_user,
    get_plan_for_user,
    get_priority_area_for_user,
    may_edit_plan,
    plan_of,
    require,
    require_open,
)
from .editing import (
    EditConflictError,
    QuickUpdate,
    RevertRefusedError,
    StatusRagMismatchError,
    UnknownVersionError,
    apply_status,
    history_page,
    record_at,
    revert_change,
    save_form_versioned,
    save_quick_update,
)
from .extensions import action_panels, approval_decision_choices, plan_page_annotations, plan_panels
from .forms import FORM_FOR_MODEL, ActionForm, DueDateRequestForm, QuickUpdateForm
from .models import (
    Action,
    BusinessPlan,
    DueDateChange,
    EvidenceSource,
    Measure,
    Objective,
    PlanStatus,
    Status,
)
from .quick_form_html import quick_form_html

HISTORY_PAGE_SIZE = 20


# --- Reading ------------------------------------------------------------------


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The seven-column plan, one section per priority area, with filters.

    The filters and table are cached per content version of the plan (plans.page_cache),
    shared by every web process, and so is the page around them (plans.page_frame): a
    repeat view costs one precompiled query and two lookups instead of rendering anything.
    """
    today = timezone.localdate()
    query_string = urlencode(sorted(request.GET.lists()), doseq=True)
    row = page_frame.read(request.user, pk)
    if row is None:
        raise Http404("No plan found.")
    frame_key = page_frame.key(request, row)
    if frame_key is not None:
        frame = page_frame.get(frame_key)
        body = page_cache.get(
            page_cache.body_key_for(pk, row.content_version, row.access.can_edit, query_string, today)
        )
        if frame is not None and body is not None:
            return page_frame.response(request, frame, body)
    # What other apps' panels need to know to show nothing comes with the plan (one query less).
    plan, access = get_plan_for_user(request.user, pk, plan_page_annotations())
    _revision_links(plan, access)
    body = page_cache.body_for(
        page_cache.body_key(plan, access.can_edit, query_string, today),
        lambda: page_body.render_body(plan, access, request.GET, today),
        stale_ok=not has_written(request),
    )
    page = render_to_string(
        "plans/plan_detail.html",
        {
            "plan": plan,
            "access": access,
            "body": mark_safe(page_frame.BODY_MARKER),
            "csrf_token": page_frame.CSRF_MARKER,  # each response gets the user's own
            "panels": plan_panels(request, plan),
            **_approval_context(plan, access),
        },
        request,
    )
    frame = page_frame.split(page)
    if frame_key is not None:
        # Drawn from data at least as new as the row the key names (read before it).
        page_frame.keep(frame_key, frame)
    return page_frame.response(request, frame, body)


def _revision_links(plan: BusinessPlan, access) -> None:
    """The version being drafted to replace a plan in force (its managers are offered it),
    or the version that replaced an archived plan: read only where the page shows them,
    rather than as four subqueries compiled into the plan query on every view."""
    plan.draft_revision_pk = plan.draft_revision_number = None
    plan.replaced_by_pk = plan.replaced_by_number = None
    if plan.is_in_force and access.can_edit:
        revisions = BusinessPlan.objects.filter(revision_of=plan, status=PlanStatus.DRAFT)
    elif access.read_only:
        revisions = BusinessPlan.objects.filter(revision_of=plan, approved_at__isnull=False)
    else:
        return
    found = revisions.order_by("pk").values_list("pk", "revision_number").first()
    if found is None:
        return
    if plan.is_in_force:
        plan.draft_revision_pk, plan.draft_revision_number = found
    else:
        plan.replaced_by_pk, plan.replaced_by_number = found


def _approval_context(plan: BusinessPlan, access) -> dict:
    """What a manager needs to approve a draft: the meeting decisions it may name (one
    query, managers of drafts only). Whether a revision is being drafted comes with the plan."""
    if access.can_edit and plan.is_draft:
        return {"approval_decisions": approval_decision_choices(plan)}
    return {}


@login_required
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    action, access = get_action_for_user(request.user, pk)
    progress_updates = action.progress_updates.select_related("author")
    # The objective's measures and this action's own (plans.rows), and the same for evidence.
    measures = rows.for_action(Measure, action)
    evidence_sources = rows.for_action(EvidenceSource, action)
    # The ledger, newest first; a request shows whether it is still waiting.
    due_date_changes = list(
        action.due_date_changes.select_related(
            "made_by", "request", "decision", "reversal", "reverses__request"
        ).order_by("-made_at", "-pk")
    )
    moves = [c for c in due_date_changes if c.moves_date]
    latest_move = moves[0] if moves else None
    # The page's "Originally …" reads the same entries as the table (no second query).
    action.ledger_first_due_date = (moves[-1].old_due_date or moves[-1].new_due_date) if moves else None
    may_update = not access.read_only and (
        access.can_manage or (access.is_chair and plan_access.leads_action(request.user, action))
    )
    return render(
        request,
        "plans/action_detail.html",
        {
            "action": action,
            "objective": action.objective,
            "plan": action.objective.priority_area.plan,
            "access": access,
            "may_update": may_update,
            "update_form": QuickUpdateForm(action=action) if may_update else None,
            "progress_updates": progress_updates,
            "measures": measures,
            "evidence_sources": evidence_sources,
            "due_date_changes": due_date_changes,
            "latest_due_date_change": latest_move,
            "today": timezone.localdate(),
            "panels": action_panels(request, action),
        },
    )


def _my_actions_queryset(user, today: datetime.date):
    """Overdue first, then due within 30 days, then the other open ones, then complete."""
    soon = today + datetime.timedelta(days=30)
    urgency = Case(
        When(status=Status.COMPLETE, then=Value(3)),
        When(due_date__lt=today, then=Value(0)),
        When(due_date__lte=soon, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return (
        plan_access.my_actions(user)
        .with_latest_progress()
        .with_first_due_date()
        .select_related("objective__priority_area__plan__board")
        .annotate(urgency=urgency)
        .order_by("urgency", "due_date", "pk")
    )


URGENCY_LABELS = {0: "Overdue", 1: "Due within 30 days", 2: "Due later", 3: "Complete"}


@login_required
def my_actions(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    actions = list(_my_actions_queryset(request.user, today))
    groups: list[tuple[str, list]] = []
    for action in actions:
        label = URGENCY_LABELS[action.urgency]
        if not groups or groups[-1][0] != label:
            groups.append((label, []))
        groups[-1][1].append(
            {"action": action, "form": QuickUpdateForm(action=action), "form_html": quick_form_html(action)}
        )
    return render(request, "plans/my_actions.html", {"groups": groups, "today": today, "count": len(actions)})


# --- Updating an action (leads and managers) -------------------------------------


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


@login_required
def action_update(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Add progress and set status and RAG. From "My actions" with htmx this answers
    the row alone; without JavaScript it is a normal form post that redirects back."""
    action, _access = get_action_for_user(request.user, pk)
    require_open(action.objective.priority_area.plan)
    require(can_update_action(request.user, action), "Only the action's lead or a manager may update it.")
    today = timezone.localdate()
    saved = False
    if request.method == "POST":
        form = QuickUpdateForm(request.POST, action=action)
        if form.is_valid():
            data = form.cleaned_data
            try:
                save_quick_update(
                    action.pk,
                    QuickUpdate(data["text"], data["rag"] or "", data["status"], data["based_on_version"]),
                    request.user,
                    lambda locked: can_update_action(request.user, locked),
                    today,
                )
            except EditConflictError as conflict:
                form.keep_input_with_version(conflict.current.version)
                form.add_error(
                    None,
                    "Someone else updated this action since you opened it, so nothing was saved. "
                    + " ".join(conflict.messages())
                    + " Check your update and save again.",
                )
            except UnknownVersionError as unknown:
                form.keep_input_with_version(unknown.current.version)
                form.add_error(None, UnknownVersionError.MESSAGE)
            except StatusRagMismatchError as mismatch:
                form.add_error("rag", str(mismatch))
            else:
                saved = True
                page_cache.redraw_after_commit(action.objective.priority_area.plan_id)
                if not request.htmx:
                    messages.success(request, f"Your update to “{action.description[:80]}” was saved.")
                    return redirect(_safe_next(request, action.get_absolute_url()))
    else:
        form = QuickUpdateForm(action=action)
    if request.htmx:
        row = _my_actions_queryset(request.user, today).filter(pk=action.pk).first() or action
        if saved:
            form = QuickUpdateForm(action=row)
        return render(
            request,
            "plans/_my_action.html",
            {"item": {"action": row, "form": form}, "saved": saved, "today": today},
        )
    return render(
        request,
        "plans/action_update.html",
        {"action": action, "plan": action.objective.priority_area.plan, "form": form, "today": today},
    )


@login_required
def due_date_request(request: HttpRequest, pk: int) -> HttpResponse:
    """A lead asks for a new due date (a manager's request is a change, made at once)."""
    action, access = get_action_for_user(request.user, pk)
    require_open(action.objective.priority_area.plan)
    require(can_update_action(request.user, action), "Only the action's lead or a manager may ask for this.")
    plan = action.objective.priority_area.plan
    form = DueDateRequestForm(
        request.POST or None, action=action, plan=plan, applies_at_once=access.can_manage
    )

    def may_request(locked: Action) -> bool:
        require(plan_access.plan_is_open(plan.pk), ARCHIVED_MESSAGE)
        return can_update_action(request.user, locked)

    if request.method == "POST" and form.is_valid():
        try:
            entry = due_dates.request_change(
                action.pk,
                request.user,
                form.cleaned_data["new_due_date"],
                form.cleaned_data["reason"],
                may_request=may_request,
                applies_at_once=lambda locked: can_manage_board(
                    request.user, plan_access.action_board_id(locked)
                ),
            )
        except due_dates.DueDateRequestError as refused:
            form.add_error(None, str(refused))
        else:
            if entry.moves_date:
                messages.success(request, "The due date was changed. The original date is kept.")
            else:
                messages.success(request, "Your request was sent to the board's managers.")
            return redirect(action.get_absolute_url() + "#due-date-changes")
    return render(
        request,
        "plans/due_date_request.html",
        {"action": action, "plan": plan, "form": form, "applies_at_once": access.can_manage},
    )


@login_required
@require_POST
def due_date_decide(request: HttpRequest, pk: int) -> HttpResponse:
    change = get_object_or_404(
        DueDateChange.objects.select_related("action"),
        pk=pk,
        action__objective__priority_area__plan__board__in=Board.objects.visible_to(request.user),
    )
    decision = request.POST.get("decision")
    if decision not in ("approve", "refuse"):
        raise Http404("Unknown decision")
    action = change.action

    def may_decide(locked: Action) -> bool:
        require(can_manage_board(request.user, plan_access.action_board_id(locked)), "Only managers decide.")
        require(plan_access.plan_is_open(locked.objective.priority_area.plan_id), ARCHIVED_MESSAGE)
        return True

    may_decide(action)
    try:
        due_dates.decide_request(
            change.pk, request.user, approve=decision == "approve", may_decide=may_decide
        )
    except due_dates.DueDateRequestError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"The request was {'approved' if decision == 'approve' else 'refused'}.")
    return redirect(action.get_absolute_url() + "#due-date-changes")


# --- Editing (managers) -------------------------------------------------------------


def _conflict_error(form, conflict: EditConflictError, noun: str, based_on_version: int) -> None:
    base = record_at(conflict.current, based_on_version)
    form.keep_input_with_version(conflict.current.version, conflict.current, base)
    form.add_error(
        None,
        f"Someone else saved this {noun} since you opened it, so your changes were not saved. "
        + " ".join(conflict.messages())
        + " Your changes are still below, and the fields you did not change show their new values:"
        " check them and save again.",
    )


def _unknown_version_error(form, unknown: UnknownVersionError) -> None:
    """A made-up or future based_on_version: refused; the input stays, now based on the
    current version, so a second save after checking is an ordinary versioned save."""
    form.keep_input_with_version(unknown.current.version)
    form.add_error(None, UnknownVersionError.MESSAGE)


@login_required
def action_create(request: HttpRequest, objective_pk: int) -> HttpResponse:
    """A manager adds an action to an objective, at the end of its list."""
    objective, access = get_objective_for_user(request.user, objective_pk)
    access.require_manage()
    plan = objective.priority_area.plan
    require_open(plan)
    form = ActionForm(request.POST or None, instance=Action(objective=objective), plan=plan)
    form.fields["objective"].initial = objective.pk
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            # Race: two managers add to the same objective at once; locking the
            # objective orders them so each takes the next free position.
            locked = Objective.objects.select_for_update().get(pk=form.cleaned_data["objective"].pk)
            require(may_edit_plan(request.user, plan), "Only the board's managers may add actions.")
            action = form.save(commit=False)
            last = locked.actions.order_by("-position").values_list("position", flat=True).first()
            action.position = (last or 0) + 1
            apply_status(action, action.status, action.rag, timezone.localdate())
            action.save()
        messages.success(request, "The action was added.")
        return redirect(action.get_absolute_url())
    return render(request, "plans/edit.html", _edit_context(form, objective, plan, "action", "Add an action"))


@login_required
def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    action, access = get_action_for_user(request.user, pk)
    access.require_manage()
    plan = action.objective.priority_area.plan
    require_open(plan)
    form = ActionForm(request.POST or None, instance=action, plan=plan)
    if request.method == "POST" and form.is_valid():
        today = timezone.localdate()

        def before_save(obj: Action, locked: Action) -> None:
            apply_status(obj, obj.status, obj.rag, today)
            if form.due_date_changed:
                obj._change_reason = f"Due date changed: {form.cleaned_data['due_date_reason']}"[:100]

        try:
            with transaction.atomic():
                # An ActionForm saves an Action.
                saved = cast(
                    Action,
                    save_form_versioned(
                        form,
                        form.cleaned_data["based_on_version"],
                        lambda locked: may_edit_plan(request.user, plan),
                        before_save,
                    ),
                )
                if form.due_date_changed:
                    due_dates.record_change(
                        saved,
                        kind=DueDateChange.Kind.CHANGED,
                        old_due_date=form.original_due,
                        new_due_date=saved.due_date,
                        user=request.user,
                        reason=form.cleaned_data["due_date_reason"],
                    )
        except EditConflictError as conflict:
            _conflict_error(form, conflict, "action", form.cleaned_data["based_on_version"])
        except UnknownVersionError as unknown:
            _unknown_version_error(form, unknown)
        else:
            messages.success(request, "The action was saved.")
            return redirect(saved.get_absolute_url())
    return render(request, "plans/edit.html", _edit_context(form, action, plan, "action", "Edit action"))


EDIT_LOADERS: dict[str, PartLoader] = {
    "plan": get_plan_for_user,
    "priority-area": get_priority_area_for_user,
    "objective": get_objective_for_user,
    "measure": get_measure_for_user,
}
NOUNS = {"plan": "plan", "priority-area": "priority area", "objective": "objective", "measure": "measure"}


@login_required
def object_edit(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Edit a plan, priority area, objective or measure (managers of its board)."""
    loader = EDIT_LOADERS.get(kind)
    if loader is None:
        raise Http404("Nothing of that kind")
    obj, access = loader(request.user, pk)
    access.require_manage()
    plan = plan_of(obj)
    require_open(plan)
    form_class = FORM_FOR_MODEL[type(obj)]
    form = form_class(request.POST or None, instance=obj)
    if request.method == "POST" and form.is_valid():
        if not form.has_changed():
            messages.success(request, "Nothing was changed.")
            return redirect(obj.get_absolute_url())
        try:
            saved = save_form_versioned(
                form,
                form.cleaned_data["based_on_version"],
                lambda locked: may_edit_plan(request.user, plan),
            )
        except EditConflictError as conflict:
            _conflict_error(form, conflict, NOUNS[kind], form.cleaned_data["based_on_version"])
        except UnknownVersionError as unknown:
            _unknown_version_error(form, unknown)
        except IntegrityError:
            form.add_error(None, f"This {NOUNS[kind]} clashes with another one (same number or title).")
        else:
            messages.success(request, f"The {NOUNS[kind]} was saved.")
            return redirect(saved.get_absolute_url())
    return render(request, "plans/edit.html", _edit_context(form, obj, plan, kind, f"Edit {NOUNS[kind]}"))


def _edit_context(form, obj, plan: BusinessPlan, kind: str, title: str) -> dict:
    return {"form": form, "object": obj, "plan": plan, "kind": kind, "title": title}


# --- History --------------------------------------------------------------------------

HISTORY_LOADERS: dict[str, PartLoader] = {
    "plan": get_plan_for_user,
    "objective": get_objective_for_user,
    "action": get_action_for_user,
}


def _history_url(kind: str, pk: int) -> str:
    return reverse("plans:history", kwargs={"kind": kind, "pk": pk})


@login_required
def history(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    loader = HISTORY_LOADERS.get(kind)
    if loader is None:
        raise Http404("Nothing of that kind")
    obj, access = loader(request.user, pk)
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    entries, has_more = history_page(obj, (page - 1) * HISTORY_PAGE_SIZE, HISTORY_PAGE_SIZE)
    if page > 1 and not entries:
        raise Http404("No such page")
    return render(
        request,
        "plans/history.html",
        {
            "object": obj,
            "kind": kind,
            "plan": plan_of(obj),
            "access": access,
            "entries": entries,
            "page": page,
            "has_more": has_more,
            "history_url": _history_url(kind, pk),
        },
    )


@login_required
@require_POST
def history_revert(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    loader = HISTORY_LOADERS.get(kind)
    if loader is None:
        raise Http404("Nothing of that kind")
    obj, access = loader(request.user, pk)
    access.require_manage()
    plan = plan_of(obj)
    require_open(plan)
    try:
        history_id = int(request.POST.get("history_id", ""))
    except ValueError:
        raise Http404("No such change") from None
    try:
        revert_change(
            type(obj),
            obj.pk,
            history_id,
            request.user,
            lambda locked: may_edit_plan(request.user, plan),
        )
    except RevertRefusedError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, "The change was reverted. The revert is recorded in the history.")
    return redirect(_history_url(kind, pk))
