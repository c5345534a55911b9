from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from boards.access import get_board_for_user

from .access import get_pack_for_user
from .forms import PackRequestForm
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
    if pack.status != PackStatus.DONE or not pack.pdf:
        raise Http404("This pack has no PDF yet.")
    try:
        handle = pack.pdf.open("rb")
    except FileNotFoundError as error:
        raise Http404("The PDF file is missing.") from error
    response = FileResponse(
        handle, as_attachment=True, filename=pack.filename, content_type="application/pdf"
    )
    response["Cache-Control"] = "private, no-store"
    return response
