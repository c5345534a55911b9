"""Pages of a framework of cooperation: read it, see its diagram, record a board's decision."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from boards.models import Board, Membership, Partnership, Role
from safeguarding import heavy_renders
from safeguarding.request_types import AuthenticatedHttpRequest

from .access import FrameworkAccess, get_framework_for_user
from .diagram import EDGE_STYLES, DiagramError, governance_svg
from .forms import (
    AdoptionForm,
    BoardSectionForm,
    FrameworkBoardForm,
    FrameworkForm,
    NewFrameworkForm,
    RelationshipForm,
    ResponsibilityForm,
    SharedFunctionForm,
)
from .models import (
    Consent,
    Framework,
    FrameworkBoard,
    FrameworkError,
    FrameworkStatus,
    RelationshipKind,
    Responsibility,
)
from .pdf import framework_html, framework_pdf_from_html, framework_pdf_key

log = logging.getLogger(__name__)


@login_required
@require_GET
def framework_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    # A framework asking a board's consent is listed apart, for that board's managers only.
    frameworks = Framework.objects.binding_boards_of(request.user)
    partnerships = (
        Partnership.objects.filter(frameworks__in=frameworks)
        .distinct()
        .prefetch_related(Prefetch("frameworks", queryset=frameworks, to_attr="my_frameworks"))
    )
    can_create = Membership.objects.filter(user=request.user, role=Role.MANAGER).exists()
    consent_requests = FrameworkBoard.objects.awaiting_consent_of(request.user).select_related(
        "framework", "board", "consent_requested_by"
    )
    return render(
        request,
        "frameworks/list.html",
        {"partnerships": partnerships, "can_create": can_create, "consent_requests": consent_requests},
    )


@login_required
@require_http_methods(["GET", "POST"])
def framework_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Start a draft framework in the partnership of a board the user manages."""
    boards = Board.objects.filter(memberships__user=request.user, memberships__role=Role.MANAGER)
    if not boards.exists():
        raise PermissionDenied("Only a board's managers may start a framework.")
    form = NewFrameworkForm(request.POST or None, boards=boards)
    if request.method == "POST" and form.is_valid():
        framework = form.save(request.user)
        messages.success(
            request, "Draft created: bind the other boards, then add relationships and functions."
        )
        return redirect(framework)
    return render(request, "frameworks/new.html", {"form": form}, status=400 if form.errors else 200)


def _detail_context(request, framework: Framework, access: FrameworkAccess, **forms) -> dict:
    framework_boards = list(
        framework.framework_boards.select_related(
            "board", "consent_requested_by", "consent_given_by"
        ).prefetch_related("responsibilities")
    )
    latest = framework.latest_decisions()
    is_draft = framework.status == FrameworkStatus.DRAFT
    in_force = framework.boards_bound_by_the_version_in_force() if is_draft else set()
    for fb in framework_boards:
        fb.latest_decision = latest.get(fb.board_id)
        fb.can_decide = fb.is_consented and access.can_decide_for(fb.board_id)
        fb.can_consent = not fb.is_consented and access.can_consent_for(fb.board_id)
        fb.can_edit_section = is_draft and fb.is_consented and access.can_decide_for(fb.board_id)
        fb.can_unbind = is_draft and access.may_unbind(fb, in_force)
        groups: dict[str, list] = {}
        for responsibility in fb.responsibilities.all():
            groups.setdefault(responsibility.sub_group or "General", []).append(responsibility)
        fb.responsibility_groups = list(groups.items())
    relationships = list(framework.relationships.select_related("from_board", "to_board"))
    shared_functions = list(framework.shared_functions.prefetch_related("boards"))
    if is_draft:
        # Joint parts: a manager of one of the boards they join may remove them.
        managed = access.managed_board_ids
        for relationship in relationships:
            relationship.can_remove = bool({relationship.from_board_id, relationship.to_board_id} & managed)
        for shared in shared_functions:
            shared.can_remove = any(board.pk in managed for board in shared.boards.all())
    try:
        svg = governance_svg(framework)
        diagram_error = ""
    except DiagramError as error:
        log.warning("governance diagram failed for framework %s: %s", framework.pk, error)
        svg, diagram_error = "", str(error)
    decidable = Board.objects.filter(
        pk__in=[fb.board_id for fb in framework_boards if fb.is_party and fb.can_decide]
    )
    can_record = (
        framework.status in (FrameworkStatus.PROPOSED, FrameworkStatus.ADOPTED) and decidable.exists()
    )
    context = {
        "framework": framework,
        "access": access,
        "framework_boards": framework_boards,
        "parties_adopted": sum(
            1
            for fb in framework_boards
            if fb.is_party
            and fb.is_consented
            and fb.latest_decision
            and fb.latest_decision.decision == "adopt"
        ),
        "parties": sum(1 for fb in framework_boards if fb.is_party and fb.is_consented),
        "relationships": relationships,
        "shared_functions": shared_functions,
        "adoptions": framework.adoptions.select_related("board", "recorded_by"),
        "versions": framework.versions(),
        "svg": svg,
        "diagram_error": diagram_error,
        "edge_styles": [(RelationshipKind(kind).label, style.legend) for kind, style in EDGE_STYLES.items()],
        "can_record": can_record,
        "is_draft": is_draft,
    }
    if can_record:
        context["adoption_form"] = forms.get("adoption_form") or AdoptionForm(boards=decidable)
    if access.can_edit and is_draft:
        for key in DRAFT_FORMS:
            context[key] = forms.get(key) or _draft_form(key, request, framework, access)
    return context


def _draft_form(key: str, request: HttpRequest, framework: Framework, access: FrameworkAccess, data=None):
    extra = {"user": request.user} if key == "framework_board_form" else {}
    return DRAFT_FORMS[key](data, framework=framework, managed_board_ids=access.managed_board_ids, **extra)


@login_required
@require_GET
def framework_detail(request: HttpRequest, pk: int) -> HttpResponse:
    framework, access = get_framework_for_user(request.user, pk)
    return render(request, "frameworks/detail.html", _detail_context(request, framework, access))


@login_required
@require_GET
def framework_diagram(request: HttpRequest, pk: int) -> HttpResponse:
    """The diagram alone, as an SVG file to download or embed elsewhere."""
    framework, _ = get_framework_for_user(request.user, pk)
    try:
        svg = governance_svg(framework)
    except DiagramError as error:
        return HttpResponse(str(error), status=503, content_type="text/plain")
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Content-Disposition"] = f'inline; filename="framework-{framework.pk}-v{framework.version}.svg"'
    return response


@login_required
@require_GET
@heavy_renders.heavy_endpoint
def framework_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Kept in the shared cache under a digest of the HTML it is drawn from (a draft is
    edited in place without a new version number, but every edit shows in the HTML; the
    diagram in it is Graphviz's drawing, itself cached by its DOT source), so it is drawn
    once per change. An uncached one is drawn by WeasyPrint in the request under the
    user's rate limit and a shared render slot (safeguarding.heavy_renders)."""
    framework, _ = get_framework_for_user(request.user, pk)
    html = framework_html(framework)
    return heavy_renders.serve_file(
        request,
        kind="framework-pdf",
        key=framework_pdf_key(html),
        build=lambda: framework_pdf_from_html(html),
        content_type="application/pdf",
        disposition=f'inline; filename="framework-{framework.pk}-v{framework.version}.pdf"',
    )


@login_required
@require_POST
def record_adoption(request: HttpRequest, pk: int) -> HttpResponse:
    framework, access = get_framework_for_user(request.user, pk)
    if not access.managed_board_ids:
        raise PermissionDenied("Only a board's managers may record its decision.")
    boards = Board.objects.filter(
        pk__in=access.managed_board_ids,
        framework_roles__framework=framework,
        framework_roles__is_party=True,
        framework_roles__consent=Consent.GIVEN,
    )
    form = AdoptionForm(request.POST, boards=boards)
    if form.is_valid():
        try:
            adoption = framework.record_adoption(
                form.cleaned_data["board"],
                form.cleaned_data["decision"],
                form.cleaned_data["meeting_date"],
                recorded_by=request.user,
                note=form.cleaned_data["note"],
            )
        except FrameworkError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                f"{adoption.board.short_name}: {adoption.get_decision_display().lower()} on "
                f"{adoption.meeting_date:%-d %B %Y}. The framework is now {framework.get_status_display().lower()}.",
            )
            return redirect(framework.get_absolute_url() + "#adoption")
    context = _detail_context(request, framework, access, adoption_form=form)
    return render(request, "frameworks/detail.html", context, status=400)


@login_required
@require_POST
def propose_framework(request: HttpRequest, pk: int) -> HttpResponse:
    framework, access = get_framework_for_user(request.user, pk)
    access.require_edit()
    try:
        framework.propose()
    except FrameworkError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "The framework is proposed for adoption by each board.")
    return redirect(framework.get_absolute_url())


@login_required
@require_POST
def new_version(request: HttpRequest, pk: int) -> HttpResponse:
    framework, access = get_framework_for_user(request.user, pk)
    access.require_edit()
    try:
        new = framework.create_new_version(started_by=request.user)
    except FrameworkError as error:
        messages.error(request, str(error))
        return redirect(framework.get_absolute_url())
    waiting = new.framework_boards.awaiting_consent().count()
    messages.success(
        request,
        f"Version {new.version} is a draft: edit it, then propose it for adoption."
        + (
            f" {waiting} other board{'s' if waiting != 1 else ''} must first agree to be bound by it: "
            "their managers are asked."
            if waiting
            else ""
        ),
    )
    return redirect(new.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def edit_framework(request: HttpRequest, pk: int) -> HttpResponse:
    framework, access = get_framework_for_user(request.user, pk)
    access.require_edit()
    if framework.status != FrameworkStatus.DRAFT:
        messages.error(request, "Only a draft can be edited: start a new version to change this framework.")
        return redirect(framework.get_absolute_url())
    form = FrameworkForm(request.POST or None, instance=framework)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Framework saved.")
        return redirect(framework.get_absolute_url())
    return render(
        request,
        "frameworks/form.html",
        {"framework": framework, "form": form},
        status=400 if form.errors else 200,
    )


DRAFT_FORMS = {
    "relationship_form": RelationshipForm,
    "framework_board_form": FrameworkBoardForm,
    "responsibility_form": ResponsibilityForm,
    "shared_function_form": SharedFunctionForm,
}
DRAFT_ONLY = "Only a draft can be edited: start a new version to change this framework."


def _add_to_draft(request: HttpRequest, pk: int, key: str, anchor: str) -> HttpResponse:
    """Add one part (a board, relationship, responsibility, shared function) to a draft."""
    framework, access = get_framework_for_user(request.user, pk)
    access.require_edit()
    if framework.status != FrameworkStatus.DRAFT:
        messages.error(request, DRAFT_ONLY)
        return redirect(framework)
    form = _draft_form(key, request, framework, access, data=request.POST)
    if form.is_valid():
        with transaction.atomic():
            added = form.save()
        if isinstance(added, FrameworkBoard) and not added.is_consented:
            messages.success(
                request,
                f"Asked {added.board.short_name}'s managers to agree to the board's being bound. "
                "It is bound when one of them accepts.",
            )
        else:
            messages.success(request, f"Added: {added}.")
        return redirect(framework.get_absolute_url() + anchor)
    context = _detail_context(request, framework, access, **{key: form})
    return render(request, "frameworks/detail.html", context, status=400)


@login_required
@require_POST
def add_framework_board(request: HttpRequest, pk: int) -> HttpResponse:
    return _add_to_draft(request, pk, "framework_board_form", "#boards")


@login_required
@require_POST
def add_responsibility(request: HttpRequest, pk: int) -> HttpResponse:
    return _add_to_draft(request, pk, "responsibility_form", "#boards")


@login_required
@require_POST
def add_shared_function(request: HttpRequest, pk: int) -> HttpResponse:
    return _add_to_draft(request, pk, "shared_function_form", "#shared-functions")


@login_required
@require_POST
def remove_from_draft(request: HttpRequest, pk: int, part: str, part_pk: int) -> HttpResponse:
    """Remove a bound board (with its relationships), a responsibility or a shared function."""
    framework, access = get_framework_for_user(request.user, pk)
    access.require_edit()
    if framework.status != FrameworkStatus.DRAFT:
        messages.error(request, DRAFT_ONLY)
        return redirect(framework)
    with transaction.atomic():
        if part == "board":
            fb = get_object_or_404(framework.framework_boards.select_related("board"), pk=part_pk)
            if not access.may_unbind(fb, framework.boards_bound_by_the_version_in_force()):
                raise PermissionDenied("Only the board's own managers may take it out of the framework.")
            if fb.is_consented and not framework.framework_boards.consented().exclude(pk=fb.pk).exists():
                messages.error(
                    request, "A framework binds at least one board: this is its last, so it stays."
                )
                return redirect(framework.get_absolute_url() + "#boards")
            framework.relationships.filter(Q(from_board=fb.board) | Q(to_board=fb.board)).delete()
            for shared in framework.shared_functions.filter(boards=fb.board):
                shared.boards.remove(fb.board)
            label = str(fb.board)
            fb.delete()
        elif part == "responsibility":
            responsibility = get_object_or_404(
                Responsibility.objects.select_related("framework_board"),
                framework_board__framework=framework,
                pk=part_pk,
            )
            if not access.can_decide_for(responsibility.framework_board.board_id):
                raise PermissionDenied("Only the board's own managers change its responsibilities.")
            label = str(responsibility)
            responsibility.delete()
        elif part == "shared-function":
            shared = get_object_or_404(framework.shared_functions, pk=part_pk)
            if not set(shared.boards.values_list("pk", flat=True)) & access.managed_board_ids:
                raise PermissionDenied(
                    "Only managers of a board that shares it may remove a shared function."
                )
            label = str(shared)
            shared.delete()
        else:
            raise Http404("Nothing of that kind to remove.")
    messages.success(request, f"Removed: {label}.")
    return redirect(framework)


@login_required
@require_POST
def add_relationship(request: HttpRequest, pk: int) -> HttpResponse:
    framework, access = get_framework_for_user(request.user, pk)
    access.require_edit()
    if framework.status != FrameworkStatus.DRAFT:
        messages.error(request, "Only a draft can be edited: start a new version to change this framework.")
        return redirect(framework.get_absolute_url())
    form = RelationshipForm(request.POST, framework=framework, managed_board_ids=access.managed_board_ids)
    if form.is_valid():
        with transaction.atomic():
            relationship = form.save()
        messages.success(request, f"Added: {relationship}.")
        return redirect(framework.get_absolute_url() + "#relationships")
    context = _detail_context(request, framework, access, relationship_form=form)
    return render(request, "frameworks/detail.html", context, status=400)


@login_required
@require_POST
def delete_relationship(request: HttpRequest, pk: int, relationship_pk: int) -> HttpResponse:
    framework, access = get_framework_for_user(request.user, pk)
    access.require_edit()
    relationship = get_object_or_404(framework.relationships, pk=relationship_pk)
    if not {relationship.from_board_id, relationship.to_board_id} & access.managed_board_ids:
        raise PermissionDenied("Only managers of one of its two boards may remove a relationship.")
    if framework.status != FrameworkStatus.DRAFT:
        messages.error(request, "Only a draft can be edited: start a new version to change this framework.")
    else:
        label = str(relationship)
        relationship.delete()
        messages.success(request, f"Removed: {label}.")
    return redirect(framework.get_absolute_url() + "#relationships")


def _still_manages(user, board_id: int) -> None:
    """The access check again, inside the writing transaction."""
    if not Membership.objects.managers().filter(user=user, board_id=board_id).exists():
        raise PermissionDenied("Only the board's own managers may do this.")


def _binding_for_user(
    request: HttpRequest, pk: int, binding_pk: int
) -> tuple[Framework, FrameworkAccess, FrameworkBoard]:
    framework, access = get_framework_for_user(request.user, pk)
    binding = get_object_or_404(framework.framework_boards.select_related("board"), pk=binding_pk)
    return framework, access, binding


@login_required
@require_POST
def consent_to_binding(request: HttpRequest, pk: int, binding_pk: int) -> HttpResponse:
    """One of the board's managers agrees to the board's being bound by this framework."""
    framework, access, binding = _binding_for_user(request, pk, binding_pk)
    # A manager of the board who has already consented (a second click) is told so below.
    if not (access.can_consent_for(binding.board_id) or access.can_decide_for(binding.board_id)):
        raise PermissionDenied("Only the board's managers may consent for it.")
    try:
        binding.give_consent(request.user)
    except FrameworkError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{binding.board.short_name} is now bound by this framework.")
    return redirect(framework.get_absolute_url() + f"#board-{binding.board_id}")


@login_required
@require_POST
def decline_binding(request: HttpRequest, pk: int, binding_pk: int) -> HttpResponse:
    """One of the board's managers refuses: the board is not bound, and the request goes."""
    framework, access, binding = _binding_for_user(request, pk, binding_pk)
    if not access.can_consent_for(binding.board_id):
        raise PermissionDenied("Only the board's managers may decline for it.")
    with transaction.atomic():
        # Race: a decline crossing an acceptance; the lock lets only the first through.
        locked = FrameworkBoard.objects.select_for_update().filter(pk=binding.pk, consent=Consent.REQUESTED)
        if not locked.exists():
            messages.error(request, "This request has already been answered or withdrawn.")
            return redirect("frameworks:list")
        _still_manages(request.user, binding.board_id)
        locked.get().delete()
    messages.success(request, f"{binding.board.short_name} will not be bound by {framework}.")
    return redirect("frameworks:list")


@login_required
@require_http_methods(["GET", "POST"])
def edit_board_section(request: HttpRequest, pk: int, binding_pk: int) -> HttpResponse:
    """A board's managers change what the framework says the board does; nobody else."""
    framework, access, binding = _binding_for_user(request, pk, binding_pk)
    if not (binding.is_consented and access.can_decide_for(binding.board_id)):
        raise PermissionDenied("Only the board's own managers change its section of the framework.")
    if framework.status != FrameworkStatus.DRAFT:
        messages.error(request, DRAFT_ONLY)
        return redirect(framework)
    form = BoardSectionForm(request.POST or None, instance=binding)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            # Race: the draft proposed, or the user's role taken away, since the page was loaded.
            if not Framework.objects.select_for_update().filter(
                pk=framework.pk, status=FrameworkStatus.DRAFT
            ):
                messages.error(request, DRAFT_ONLY)
                return redirect(framework)
            _still_manages(request.user, binding.board_id)
            form.save()
        messages.success(request, f"Saved {binding.board.short_name}'s section.")
        return redirect(framework.get_absolute_url() + f"#board-{binding.board_id}")
    return render(
        request,
        "frameworks/board_section.html",
        {"framework": framework, "binding": binding, "form": form},
        status=400 if form.errors else 200,
    )
