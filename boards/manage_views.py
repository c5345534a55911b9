"""Board administration for the board's managers: members and sub-committees (invitations:
accounts/invitation_views.py).

Every view loads the board through ``get_board_for_manager`` first (outsiders
404, other members 403) and finds the object inside that board, so an id from
another board answers 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from .access import get_board_for_manager
from .forms import MembershipForm, SubCommitteeForm
from .memberships import LastManagerError, change_membership, remove_membership
from .models import SubCommittee

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
                membership.pk,
                form.cleaned_data["role"],
                form.cleaned_data["job_title"],
                request.user,
                agency=form.cleaned_data["agency"],
            )
        except LastManagerError:
            form.add_error("role", LAST_MANAGER)
        else:
            messages.success(
                request, f"{_name(membership.user)}’s role and agency on {board.short_name} were saved."
            )
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


def _name(user) -> str:
    return user.get_full_name() or user.get_username()
