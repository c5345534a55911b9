"""Invitations to a board, for the board's managers: the list, the form to invite someone,
resending and withdrawing.

Every view loads the board through ``get_board_for_manager`` first (outsiders 404, other
members 403) and finds the invitation inside that board, so an id from another board
answers 404.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from boards.access import get_board_for_manager

from . import invitations as invitation_service
from .forms import InvitationForm
from .models import Invitation
from .throttling import TOO_MANY_EMAILS, too_many_emails


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
        return redirect("accounts:invitations", slug=board.slug)
    invitations = Invitation.objects.filter(board=board).select_related("invited_by", "accepted_by")[:100]
    return render(
        request,
        "accounts/invitations.html",
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
    invitation = get_object_or_404(Invitation.objects.filter(board=board).pending(), pk=pk)
    if too_many_emails(request, "invitation", invitation.email):
        messages.error(request, TOO_MANY_EMAILS)
        return redirect(reverse("accounts:invitations", kwargs={"slug": board.slug}))
    invitation_service.resend(invitation, request.user)
    messages.success(
        request, f"A new invitation link is on its way to {invitation.email}. The old link no longer works."
    )
    return redirect(reverse("accounts:invitations", kwargs={"slug": board.slug}))


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    board = get_board_for_manager(request.user, slug)
    invitation = get_object_or_404(Invitation.objects.filter(board=board).pending(), pk=pk)
    invitation_service.revoke(invitation, request.user)
    messages.success(
        request, f"The invitation to {invitation.email} was withdrawn. Its link no longer works."
    )
    return redirect(reverse("accounts:invitations", kwargs={"slug": board.slug}))
