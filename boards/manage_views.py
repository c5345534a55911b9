"""Board administration for the board's managers: members, sub-committees, invitations.

Every view loads the board through ``get_board_for_manager`` first (outsiders
404, other members 403) and finds the object inside that board, so an id from
another board answers 404.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from . import invitations as invitation_service
from .access import get_board_for_manager
from .forms import InvitationForm, MembershipForm, SubCommitteeForm
from .memberships import LastManagerError, change_membership, remove_membership
from .models import SubCommittee
from .throttling import TOO_MANY_EMAILS, too_many_emails

LAST_MANAGER = "A board needs at least one manager. Make someone else a manager first."


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    board = get_board_for_manager(request.user, slug)
    membership = get_object_or_404(board.memberships.select_related("user"), pk=pk)
    form = MembershipForm(request.POST or None, instance=membership)
    if request.method == "POST" and form.is_valid():
        try:
            change_membership(
                membership.pk, form.cleaned_data["role"], form.cleaned_data["job_title"], request.user
            )
        except LastManagerError:
            form.add_error("role", LAST_MANAGER)
        else:
            messages.success(request, f"{_name(membership.user)}’s role on {board.short_name} was saved.")
            return redirect(board.get_absolute_url() + "#members")
    return render(
        request, "boards/member_edit.html", {"board": board, "membership": membership, "form": form}
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    board = get_board_for_manager(request.user, slug)
    membership = get_object_or_404(board.memberships.select_related("user"), pk=pk)
    error = None
    if request.method == "POST":
        try:
            released = remove_membership(membership.pk, request.user)
        except LastManagerError:
            error = LAST_MANAGER
        else:
            text = f"{_name(membership.user)} was removed from {board.short_name}."
            if released:
                text += " They no longer chair: " + ", ".join(released) + "."
            messages.success(request, text)
            if membership.user_id == request.user.pk:
                return redirect("boards:home")
            return redirect(board.get_absolute_url() + "#members")
    chaired = board.sub_committees.filter(chair=membership.user_id)
    return render(
        request,
        "boards/member_remove.html",
        {"board": board, "membership": membership, "chaired": chaired, "error": error},
    )


@login_required
@require_http_methods(["GET", "POST"])
def sub_committee_edit(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    board = get_board_for_manager(request.user, slug)
    if pk is None:
        sub_committee = SubCommittee(board=board)
    else:
        sub_committee = get_object_or_404(board.sub_committees.select_related("chair"), pk=pk)
    form = SubCommitteeForm(request.POST or None, instance=sub_committee, board=board)
    if request.method == "POST" and form.is_valid():
        if form.has_changed():  # simple-history records every save, even an empty one
            form.save()
        messages.success(request, f"{form.instance.name} was saved.")
        return redirect(board.get_absolute_url() + f"#sub-committee-{form.instance.pk}")
    return render(
        request,
        "boards/sub_committee_form.html",
        {"board": board, "sub_committee": sub_committee, "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def invitation_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The board's invitations, and the form to invite someone."""
    board = get_board_for_manager(request.user, slug)
    form = InvitationForm(request.POST or None, board=board)
    status = 200
    if (
        request.method == "POST"
        and form.is_valid()
        and too_many_emails(request, "invitation", form.cleaned_data["email"])
    ):
        form.add_error(None, TOO_MANY_EMAILS)
        status = 429
    elif request.method == "POST" and form.is_valid():
        invitation = invitation_service.invite(
            board,
            form.cleaned_data["email"],
            form.cleaned_data["role"],
            request.user,
            job_title=form.cleaned_data["job_title"],
        )
        messages.success(request, f"An invitation is on its way to {invitation.email}.")
        return redirect("boards:invitations", slug=board.slug)
    invitations = board.invitations.select_related("invited_by", "accepted_by")[:100]
    return render(
        request,
        "boards/invitations.html",
        {
            "board": board,
            "form": form,
            "invitations": invitations,
            "valid_days": settings.INVITATION_VALID_DAYS,
        },
        status=status,
    )


@login_required
@require_POST
def invitation_resend(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    board = get_board_for_manager(request.user, slug)
    invitation = get_object_or_404(board.invitations.pending(), pk=pk)
    if too_many_emails(request, "invitation", invitation.email):
        messages.error(request, TOO_MANY_EMAILS)
        return redirect(reverse("boards:invitations", kwargs={"slug": board.slug}))
    invitation_service.resend(invitation, request.user)
    messages.success(
        request, f"A new invitation link is on its way to {invitation.email}. The old link no longer works."
    )
    return redirect(reverse("boards:invitations", kwargs={"slug": board.slug}))


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    board = get_board_for_manager(request.user, slug)
    invitation = get_object_or_404(board.invitations.pending(), pk=pk)
    invitation_service.revoke(invitation, request.user)
    messages.success(
        request, f"The invitation to {invitation.email} was withdrawn. Its link no longer works."
    )
    return redirect(reverse("boards:invitations", kwargs={"slug": board.slug}))


def _name(user) -> str:
    return user.get_full_name() or user.get_username()
