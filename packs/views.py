from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from boards.access import get_board_for_user
from plans.models import BusinessPlan

from .access import get_pack_for_user
from .forms import PackRequestForm
from .gather import gather_snapshot
from .generation import request_pack
from .models import BoardPack, PackStatus
from .sections import build_sections


@login_required
@require_GET
def pack_list(request: HttpRequest, slug: str) -> HttpResponse:
    board, _access = get_board_for_user(request.user, slug)
    packs = BoardPack.objects.filter(board=board).select_related("requested_by").defer("snapshot")
    return render(
        request,
        "packs/pack_list.html",
        {"board": board, "packs": packs, "form": PackRequestForm(today=timezone.localdate(), board=board)},
    )


@login_required
@require_POST
def request_board_pack(request: HttpRequest, slug: str) -> HttpResponse:
    board, _access = get_board_for_user(request.user, slug)
    form = PackRequestForm(request.POST, today=timezone.localdate(), board=board)
    if not form.is_valid():
        packs = BoardPack.objects.filter(board=board).select_related("requested_by").defer("snapshot")
        return render(
            request, "packs/pack_list.html", {"board": board, "packs": packs, "form": form}, status=400
        )
    pack, created = request_pack(board, form.period, request.user)
    if not created and pack.status == PackStatus.DONE:
        messages.success(request, "Nothing has changed since this pack was made, so here it is.")
    elif not created:
        messages.info(request, "This pack is already being made.")
    return redirect(pack)


@login_required
@require_GET
def pack_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pack = get_pack_for_user(request.user, pk)
    return render(request, "packs/pack_detail.html", {"pack": pack, "board": pack.board})


@login_required
@require_GET
def pack_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The status partial; htmx polls it every 2 s until the pack is finished."""
    pack = get_pack_for_user(request.user, pk)
    return render(request, "packs/_status.html", {"pack": pack})


@login_required
@require_GET
def pack_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The pack in the browser: the same sections, from the same frozen snapshot."""
    pack = get_pack_for_user(request.user, pk)
    sections = build_sections(pack.board, pack.period, pack.snapshot)
    return render(request, "packs/preview.html", {"pack": pack, "board": pack.board, "sections": sections})


@login_required
@require_GET
def pack_download(request: HttpRequest, pk: int) -> FileResponse:
    pack = get_pack_for_user(request.user, pk)
    return _stored_pdf(pack, pack.pdf, pack.filename, "PDF")


@login_required
@require_GET
def annex_download(request: HttpRequest, pk: int) -> FileResponse:
    """The pack's full-plan annex, linked from the pack's PDF: the same check as the pack."""
    pack = get_pack_for_user(request.user, pk)
    return _stored_pdf(pack, pack.annex_pdf, pack.annex_filename, "annex")


def _stored_pdf(pack: BoardPack, stored: FieldFile, filename: str, what: str) -> FileResponse:
    """One of a finished pack's files, streamed from storage behind the caller's access check."""
    if pack.status != PackStatus.DONE or not stored:
        raise Http404(f"This pack has no {what} yet.")
    try:
        handle = stored.open("rb")
    except FileNotFoundError as error:
        raise Http404(f"The {what} file is missing.") from error
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type="application/pdf")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def preview_as_if_approved(request: HttpRequest, slug: str, plan_pk: int) -> HttpResponse:
    """A manager sees the pack a quarter would get if a draft plan were approved: gathered
    now, shown in the browser, never saved, issued or compared with later packs.

    Reading only, so GET; the gathering costs the same fixed number of queries as a
    pack request (packs.gather), and nothing is rendered to PDF."""
    board, access = get_board_for_user(request.user, slug)
    access.require_manage()
    plan = get_object_or_404(BusinessPlan, pk=plan_pk, board=board, status=BusinessPlan.Status.DRAFT)
    today = timezone.localdate()
    form = PackRequestForm(request.GET or None, today=today, board=board)
    sections = None
    if form.is_bound and form.is_valid():
        snapshot = gather_snapshot(board, form.period, as_of=today, as_if_approved=[plan.pk])
        sections = build_sections(board, form.period, snapshot)
    return render(
        request,
        "packs/preview_as_if_approved.html",
        {"board": board, "plan": plan, "form": form, "sections": sections},
        status=400 if form.errors else 200,
    )
