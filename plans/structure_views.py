"""Managers build a plan: start one, add priority areas, objectives and measures,
arrange their order, archive and restore.

Like every plans view, each loads its object through ``plans.access`` (outsiders
get 404, readers 403) and checks the writer again inside the transaction that
writes (``may_edit_plan``: a manager of the board, and the plan not archived).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, models, transaction
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from boards.access import get_board_for_user
from safeguarding.request_types import HtmxHttpRequest

from .access import (
    PartLoader,
    can_manage_board,
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
from .forms import BusinessPlanForm, MeasureForm, ObjectiveForm, PriorityAreaForm
from .models import Action, BusinessPlan, Measure, Objective, PriorityArea
from .structure import (
    ORDERING,
    Direction,
    RemovalRefusedError,
    RestoreRefusedError,
    move,
    next_in_order,
    removal_blocker,
    remove,
    set_archived,
)


def _form_page(request: HttpRequest, form, *, plan, board, title: str, cancel_url: str) -> HttpResponse:
    return render(
        request,
        "plans/edit.html",
        {"form": form, "plan": plan, "board": board, "title": title, "cancel_url": cancel_url},
    )


@login_required
def plan_create(request: HttpRequest, slug: str) -> HttpResponse:
    board, access = get_board_for_user(request.user, slug)
    access.require_manage()
    form = BusinessPlanForm(request.POST or None, instance=BusinessPlan(board=board))
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                require(can_manage_board(request.user, board.pk), "Only the board's managers may add plans.")
                plan = form.save()
        except IntegrityError:
            form.add_error("title", "This board already has a plan with this title starting on that date")
        else:
            messages.success(request, "The plan was added. Now add its priority areas.")
            return redirect("plans:arrange", pk=plan.pk)
    return _form_page(
        request, form, plan=None, board=board, title="Start a new plan", cancel_url=board.get_absolute_url()
    )


def _add_part(
    request: HttpRequest, form, *, parent: models.Model, plan: BusinessPlan, noun: str, title: str
) -> HttpResponse:
    """Show the add form, or save the new part at the end of ``parent``'s list and go
    back to the arranged plan."""
    arrange_url = reverse("plans:arrange", args=[plan.pk])
    if request.method == "POST" and form.is_valid():
        model = type(form.instance)
        _parent_field, order_field = ORDERING[model]
        try:
            with transaction.atomic():
                # Race: two managers add to the same list at once; locking the parent
                # makes the second wait and take the next free place.
                type(parent)._default_manager.select_for_update().get(pk=parent.pk)
                require(may_edit_plan(request.user, plan), f"Only the board's managers may add {noun}s.")
                part = form.save(commit=False)
                if order_field != "number":  # a priority area's number is typed in the form
                    setattr(part, order_field, next_in_order(model, parent))
                part.save()
                form.save_m2m()
        except IntegrityError:
            form.add_error(
                None, f"This {noun} clashes with one added a moment ago: check its number and add it again."
            )
        else:
            messages.success(request, f"The {noun} was added.")
            return redirect(f"{arrange_url}#{_anchor(part)}")
    cancel_url = arrange_url if parent == plan else f"{arrange_url}#{_anchor(parent)}"
    return _form_page(request, form, plan=plan, board=plan.board, title=title, cancel_url=cancel_url)


@login_required
def priority_area_create(request: HttpRequest, pk: int) -> HttpResponse:
    plan, access = get_plan_for_user(request.user, pk)
    access.require_manage()
    require_open(plan)
    form = PriorityAreaForm(
        request.POST or None,
        instance=PriorityArea(plan=plan),
        initial={"number": next_in_order(PriorityArea, plan)},
    )
    return _add_part(request, form, parent=plan, plan=plan, noun="priority area", title="Add a priority area")


@login_required
def objective_create(request: HttpRequest, pk: int) -> HttpResponse:
    area, access = get_priority_area_for_user(request.user, pk)
    access.require_manage()
    require_open(area.plan)
    suggested = f"{area.number}.{area.objectives.count() + 1}"
    form = ObjectiveForm(
        request.POST or None, instance=Objective(priority_area=area), initial={"number": suggested}
    )
    title = f"Add an objective to priority area {area.number}"
    return _add_part(request, form, parent=area, plan=area.plan, noun="objective", title=title)


@login_required
def measure_create(request: HttpRequest, pk: int) -> HttpResponse:
    objective, access = get_objective_for_user(request.user, pk)
    access.require_manage()
    plan = objective.priority_area.plan
    require_open(plan)
    form = MeasureForm(request.POST or None, instance=Measure(objective=objective))
    title = f"Add a measure to objective {objective.number}"
    return _add_part(request, form, parent=objective, plan=plan, noun="measure", title=title)


# --- Arranging ---------------------------------------------------------------------


def _anchor(part: models.Model) -> str:
    return f"{type(part)._meta.model_name}-{part.pk}"


def _arrange_context(
    plan: BusinessPlan, access, moved: models.Model | None = None, moved_kind: str = "", direction: str = ""
) -> dict:
    objectives = Objective.objects.prefetch_related(
        "evidence_sources",
        "measures",
        Prefetch("actions", queryset=Action.objects.only("pk", "objective_id", "position", "description")),
    )
    areas = list(
        PriorityArea.objects.filter(plan=plan).prefetch_related(Prefetch("objectives", queryset=objectives))
    )
    return {
        "plan": plan,
        "access": access,
        "areas": areas,
        "moved_kind": moved_kind,
        "moved_pk": moved.pk if moved is not None else None,
        "moved_direction": direction,
    }


@login_required
def arrange(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan's parts in order, for managers to add to and move up or down."""
    plan, access = get_plan_for_user(request.user, pk)
    access.require_manage()
    require_open(plan)
    return render(request, "plans/arrange.html", _arrange_context(plan, access))


# The model, its loader, and its name in messages.
MovablePart = type[PriorityArea] | type[Objective] | type[Action] | type[Measure]

MOVABLE: dict[str, tuple[MovablePart, PartLoader, str]] = {
    "priority-area": (PriorityArea, get_priority_area_for_user, "priority area"),
    "objective": (Objective, get_objective_for_user, "objective"),
    "action": (Action, get_action_for_user, "action"),
    "measure": (Measure, get_measure_for_user, "measure"),
}


@login_required
@require_POST
def move_part(request: HtmxHttpRequest, kind: str, pk: int) -> HttpResponse:
    """Move one part up or down its list. With htmx this answers the arranged list
    alone (focus goes back to the moved part's button); without, it redirects."""
    if kind not in MOVABLE:
        raise Http404("Nothing of that kind")
    model, loader, noun = MOVABLE[kind]
    part, access = loader(request.user, pk)
    access.require_manage()
    plan = plan_of(part)
    require_open(plan)
    try:
        direction = Direction(request.POST.get("direction", ""))
    except ValueError:
        raise Http404("Move up or down") from None
    moved = move(model, part.pk, direction, lambda locked: may_edit_plan(request.user, plan))
    if moved is None:
        status = (
            f"The {noun} is already {'first' if direction == Direction.UP else 'last'}, so nothing moved."
        )
    else:
        status = f"Moved the {noun} {direction}."
    if request.htmx:
        plan, access = get_plan_for_user(request.user, plan.pk)
        context = _arrange_context(plan, access, moved=part, moved_kind=kind, direction=direction)
        return render(request, "plans/_arrange_body.html", {**context, "status_message": status})
    messages.success(request, status)
    return redirect(reverse("plans:arrange", args=[plan.pk]) + f"#{_anchor(part)}")


REMOVABLE: dict[str, tuple[MovablePart, PartLoader, str]] = {
    "priority-area": (PriorityArea, get_priority_area_for_user, "priority area"),
    "objective": (Objective, get_objective_for_user, "objective"),
    "measure": (Measure, get_measure_for_user, "measure"),
}


@login_required
def remove_part(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Ask, then remove an empty priority area, an objective without actions, or a measure."""
    if kind not in REMOVABLE:
        raise Http404("Nothing of that kind can be removed")
    model, loader, noun = REMOVABLE[kind]
    part, access = loader(request.user, pk)
    access.require_manage()
    plan = plan_of(part)
    require_open(plan)
    back_url = reverse("plans:arrange", args=[plan.pk])
    blocked = removal_blocker(part)
    if request.method == "POST" and not blocked:
        try:
            remove(model, part.pk, lambda locked: may_edit_plan(request.user, plan))
        except RemovalRefusedError as refused:
            blocked = str(refused)
        else:
            messages.success(request, f"The {noun} was removed. The plan's history keeps a record of it.")
            return redirect(back_url)
    return render(
        request,
        "plans/remove_confirm.html",
        {"plan": plan, "part": part, "noun": noun, "blocked": blocked, "back_url": back_url},
        status=409 if blocked and request.method == "POST" else 200,
    )


# --- Archiving --------------------------------------------------------------------


@login_required
def archive(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask, then archive: the plan becomes read-only for everyone until restored."""
    plan, access = get_plan_for_user(request.user, pk)
    access.require_manage()
    if request.method == "POST":
        plan, changed = set_archived(
            plan.pk, True, lambda locked: can_manage_board(request.user, locked.board_id)
        )
        messages.success(
            request,
            "The plan was archived. It is now read-only." if changed else "The plan was already archived.",
        )
        return redirect(plan.get_absolute_url())
    require_open(plan)
    return render(request, "plans/archive_confirm.html", {"plan": plan, "access": access})


@login_required
@require_POST
def restore(request: HttpRequest, pk: int) -> HttpResponse:
    plan, access = get_plan_for_user(request.user, pk)
    access.require_manage()
    try:
        plan, changed = set_archived(
            plan.pk, False, lambda locked: can_manage_board(request.user, locked.board_id)
        )
    except RestoreRefusedError as refused:
        messages.error(request, str(refused))
        return redirect(plan.get_absolute_url())
    messages.success(
        request,
        f"The plan was restored ({plan.get_status_display().lower()}). It can be changed again."
        if changed
        else "The plan was not archived.",
    )
    return redirect(plan.get_absolute_url())
