"""Partner agencies of a board's partnership: every member of the board reads the list;
the board's managers add and rename agencies.

Agencies belong to the partnership (the council, the ICB and the police sit on all its
boards), so the page is reached from each board and changes show on all of them.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from .access import get_board_for_manager, get_board_for_user
from .forms import AgencyForm
from .models import Agency


@login_required
@require_http_methods(["GET", "POST"])
def agencies(request: HttpRequest, slug: str) -> HttpResponse:
    board, access = get_board_for_user(request.user, slug)
    form = None
    if access.can_manage:
        form = AgencyForm(request.POST or None, partnership=board.partnership)
    elif request.method == "POST":
        access.require_manage()
    if request.method == "POST" and form is not None and form.is_valid():
        saved = _save(form)
        if saved is not None:
            messages.success(request, f"{saved.name} was added.")
            return redirect(reverse("boards:agencies", args=[board.slug]) + f"#agency-{saved.pk}")
    rows = (
        Agency.objects.filter(partnership=board.partnership)
        .annotate(members_here=Count("memberships", filter=Q(memberships__board=board)))
        .order_by("name")
    )
    return render(
        request,
        "boards/agencies.html",
        {"board": board, "access": access, "agencies": rows, "form": form},
        status=400 if form is not None and form.is_bound and form.errors else 200,
    )


def _save(form: AgencyForm) -> Agency | None:
    try:
        with transaction.atomic():
            return form.save()
    except IntegrityError:
        # Race: another manager added the same name just now; the unique constraint wins.
        form.add_error("name", "The partnership already has an agency with this name.")
        return None


@login_required
@require_http_methods(["GET", "POST"])
def agency_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    board = get_board_for_manager(request.user, slug)
    agency = get_object_or_404(Agency, pk=pk, partnership=board.partnership)
    form = AgencyForm(request.POST or None, instance=agency, partnership=board.partnership)
    saved = (
        request.method == "POST" and form.is_valid() and (not form.has_changed() or _save(form) is not None)
    )
    if saved:
        messages.success(request, f"{agency.name} was saved.")
        return redirect(reverse("boards:agencies", args=[board.slug]) + f"#agency-{agency.pk}")
    return render(
        request,
        "boards/agency_form.html",
        {"board": board, "agency": agency, "form": form},
        status=400 if form.is_bound else 200,
    )
