"""Board meetings, agendas, decisions, actions arising, board reports and calendar feeds.

Members of a board read its meetings and reports; its managers change them.
Outsiders get 404, readers who try to write 403.
"""

from __future__ import annotations

import datetime
import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from boards.access import get_board_for_user
from boards.emails import absolute_url
from boards.models import Board
from safeguarding import heavy_renders

from . import calendar
from .access import get_agenda_item_for_user, get_meeting_for_user, get_report_for_user
from .attendance import (
    attendance_by_agency,
    attendance_lines,
    financial_year_of,
    read_attendance_form,
    record_attendance,
)
from .forms import (
    ActionArisingForm,
    AgendaItemForm,
    BoardReportForm,
    DecisionForm,
    MeetingForm,
    recommend_to_choices,
)
from .models import ActionArising, AgendaItem, AttendanceStatus, Decision, Meeting, MeetingFeedToken
from .pdf import report_html, report_pdf_from_html, report_pdf_key
from .report_format import CONTACT_HEADING, report_sections

security_log = logging.getLogger("safeguarding.security")


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Upcoming meetings of all the user's boards, and each board's meetings page."""
    boards = Board.objects.visible_to(request.user).select_related("partnership")
    upcoming = (
        Meeting.objects.visible_to(request.user)
        .filter(starts_at__gte=timezone.now())
        .select_related("board")
        .order_by("starts_at")[:20]
    )
    return render(request, "meetings/index.html", {"boards": boards, "upcoming": upcoming})


@login_required
@require_GET
def board_meetings(request: HttpRequest, slug: str) -> HttpResponse:
    board, access = get_board_for_user(request.user, slug)
    now = timezone.now()
    meetings = board.meetings.prefetch_related("agenda_items")
    return render(
        request,
        "meetings/board_meetings.html",
        {
            "board": board,
            "access": access,
            "upcoming": [m for m in meetings if m.starts_at >= now][::-1],
            "past": [m for m in meetings if m.starts_at < now],
            "reports": board.reports.select_related("meeting"),
            "feed": MeetingFeedToken.objects.active().filter(user=request.user, board=board).first(),
            "new_feed_url": request.session.pop(f"new_meeting_feed_url_{board.pk}", None),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest, slug: str) -> HttpResponse:
    board, access = get_board_for_user(request.user, slug)
    access.require_manage()
    form = MeetingForm(request.POST or None, board=board)
    if request.method == "POST" and form.is_valid():
        meeting = form.save()
        messages.success(request, "Meeting added.")
        return redirect(meeting)
    return render(
        request,
        "meetings/meeting_form.html",
        {"board": board, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting, access = get_meeting_for_user(request.user, pk)
    access.require_manage()
    form = MeetingForm(request.POST or None, instance=meeting, board=meeting.board)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Meeting saved.")
        return redirect(meeting)
    return render(
        request,
        "meetings/meeting_form.html",
        {"board": meeting.board, "meeting": meeting, "form": form},
        status=400 if form.errors else 200,
    )


def _meeting_context(request, meeting: Meeting, access, bound: dict | None = None) -> dict:
    bound = bound or {}
    items = list(
        meeting.agenda_items.select_related("report").prefetch_related(
            Prefetch("decisions", queryset=Decision.objects.select_related("recommended_to")),
            Prefetch(
                "actions_arising",
                queryset=ActionArising.objects.select_related("action__objective__priority_area__plan"),
            ),
        )
    )
    if access.can_manage:
        choices = recommend_to_choices(meeting.board)
        for item in items:
            item.decision_form = bound.get(item.pk) or DecisionForm(
                agenda_item=item, prefix=f"item-{item.pk}", board_choices=choices
            )
    return {
        "meeting": meeting,
        "board": meeting.board,
        "access": access,
        "items": items,
        "attendance": list(meeting.attendance.select_related("agency").order_by("member_name")),
        "agenda_form": bound.get("agenda")
        or (AgendaItemForm(meeting=meeting) if access.can_manage else None),
    }


@login_required
@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting, access = get_meeting_for_user(request.user, pk)
    return render(request, "meetings/meeting_detail.html", _meeting_context(request, meeting, access))


@login_required
@require_POST
def agenda_item_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting, access = get_meeting_for_user(request.user, pk)
    access.require_manage()
    form = AgendaItemForm(request.POST, meeting=meeting)
    if form.is_valid():
        item = form.save()
        messages.success(request, f"Added item {item.position}.")
        return redirect(item)
    context = _meeting_context(request, meeting, access, {"agenda": form})
    return render(request, "meetings/meeting_detail.html", context, status=400)


@login_required
@require_POST
def decision_add(request: HttpRequest, pk: int) -> HttpResponse:
    item, access = get_agenda_item_for_user(request.user, pk)
    access.require_manage()
    form = DecisionForm(request.POST, agenda_item=item, prefix=f"item-{item.pk}")
    if form.is_valid():
        form.instance.recorded_by = request.user
        with transaction.atomic():
            decision = form.save()
        messages.success(request, f"Recorded against item {item.position}: {decision}.")
        return redirect(item)
    context = _meeting_context(request, item.meeting, access, {item.pk: form})
    return render(request, "meetings/meeting_detail.html", context, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def action_arising_create(request: HttpRequest, pk: int) -> HttpResponse:
    item, access = get_agenda_item_for_user(request.user, pk)
    access.require_manage()
    form = ActionArisingForm(request.POST or None, agenda_item=item)
    if request.method == "POST" and form.is_valid():
        arising = form.save(request.user)
        messages.success(request, "The action is now in the plan.")
        return redirect(arising.action)
    return render(
        request,
        "meetings/action_arising_form.html",
        {"item": item, "meeting": item.meeting, "board": item.meeting.board, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report, access = get_report_for_user(request.user, pk)
    history = report.history.select_related("history_user")[:20]
    return render(
        request,
        "meetings/report_detail.html",
        {
            "report": report,
            "board": report.board,
            "access": access,
            "sections": report_sections(report),
            "contact_heading": CONTACT_HEADING,
            "agenda_items": report.agenda_items.select_related("meeting__board").prefetch_related(
                Prefetch("decisions", queryset=Decision.objects.select_related("recommended_to"))
            ),
            "history": history,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_create(request: HttpRequest, slug: str) -> HttpResponse:
    board, access = get_board_for_user(request.user, slug)
    access.require_manage()
    form = BoardReportForm(request.POST or None, board=board)
    if request.method == "POST" and form.is_valid():
        report = form.save()
        messages.success(request, "Report saved.")
        return redirect(report)
    return render(
        request,
        "meetings/report_form.html",
        {"board": board, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    report, access = get_report_for_user(request.user, pk)
    access.require_manage()
    form = BoardReportForm(request.POST or None, instance=report, board=report.board)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Report saved.")
        return redirect(report)
    return render(
        request,
        "meetings/report_form.html",
        {"board": report.board, "report": report, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
@heavy_renders.heavy_endpoint
def report_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Kept in the shared cache under a digest of the HTML it is drawn from (the report names
    its meeting and board, which change on their own: the HTML holds them all), so it is
    drawn once per change. An uncached one is drawn by WeasyPrint in the request under the
    user's rate limit and a shared render slot (safeguarding.heavy_renders), so a member
    looping on it cannot take the web workers."""
    report, _ = get_report_for_user(request.user, pk)
    html = report_html(report)
    return heavy_renders.serve_file(
        request,
        kind="report-pdf",
        key=report_pdf_key(html),
        build=lambda: report_pdf_from_html(html),
        content_type="application/pdf",
        disposition=f'inline; filename="{slugify(report.title)[:80] or "report"}.pdf"',
    )


def _calendar_response(board: Board) -> HttpResponse:
    meetings = board.meetings.prefetch_related("agenda_items").order_by("starts_at")
    response = HttpResponse(
        calendar.board_calendar(board, meetings), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'inline; filename="{board.slug}-meetings.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response


@login_required
@require_GET
def calendar_feed(request: HttpRequest, slug: str) -> HttpResponse:
    board, _ = get_board_for_user(request.user, slug)
    return _calendar_response(board)


@require_GET
def calendar_token_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The feed for calendar apps that cannot sign in: the random secret names one member's
    address for one board; it works while it is not turned off and the member is still on the board."""
    feed = MeetingFeedToken.find(token)
    if feed is None:
        security_log.warning("refused calendar feed token ip=%s", request.META.get("REMOTE_ADDR", "-"))
        raise Http404("No such calendar.")
    return _calendar_response(feed.board)


@login_required
@require_POST
def calendar_address_new(request: HttpRequest, slug: str) -> HttpResponse:
    """Make a new private calendar address for this board (the old one stops) and show it once."""
    board, _ = get_board_for_user(request.user, slug)
    _, token = MeetingFeedToken.issue(request.user, board)
    request.session[f"new_meeting_feed_url_{board.pk}"] = absolute_url(
        reverse("meetings:calendar_token", kwargs={"token": token})
    )
    messages.success(
        request, "Your new calendar address is below. Any old address for this board no longer works."
    )
    return redirect(reverse("meetings:board_meetings", args=[board.slug]) + "#calendar")


@login_required
@require_POST
def calendar_address_revoke(request: HttpRequest, slug: str) -> HttpResponse:
    board, _ = get_board_for_user(request.user, slug)
    revoked = (
        MeetingFeedToken.objects.active()
        .filter(user=request.user, board=board)
        .update(revoked_at=timezone.now())
    )
    if revoked:
        messages.success(request, "Your calendar address for this board is turned off.")
    return redirect(reverse("meetings:board_meetings", args=[board.slug]) + "#calendar")


@login_required
@require_POST
def agenda_item_move(request: HttpRequest, pk: int, direction: str) -> HttpResponse:
    """Swap an item with its neighbour above or below."""
    item, access = get_agenda_item_for_user(request.user, pk)
    access.require_manage()
    if direction not in ("up", "down"):
        raise Http404("No such direction.")
    with transaction.atomic():
        # Race: two managers reordering at once could both read the same positions; lock the meeting's items.
        items = list(AgendaItem.objects.select_for_update().filter(meeting=item.meeting).order_by("position"))
        index = next(i for i, other in enumerate(items) if other.pk == item.pk)
        neighbour_index = index - 1 if direction == "up" else index + 1
        if 0 <= neighbour_index < len(items):
            this, other = items[index], items[neighbour_index]
            this_position, other_position = this.position, other.position
            # Positions are unique per meeting: park this item past the end while they swap.
            this.position = items[-1].position + 1
            this.save(update_fields=["position"])
            other.position = this_position
            other.save(update_fields=["position"])
            this.position = other_position
            this.save(update_fields=["position"])
    return redirect(item.meeting.get_absolute_url() + f"#item-{item.position}")


@login_required
@require_POST
def agenda_item_delete(request: HttpRequest, pk: int) -> HttpResponse:
    item, access = get_agenda_item_for_user(request.user, pk)
    access.require_manage()
    if item.decisions.exists() or item.actions_arising.exists():
        messages.error(
            request, f"Item {item.position} has decisions or actions arising: remove its decisions first."
        )
        return redirect(item)
    meeting = item.meeting
    item.delete()
    messages.success(request, f"Removed item {item.position}: {item.title}.")
    return redirect(meeting)


@login_required
@require_POST
def decision_delete(request: HttpRequest, pk: int) -> HttpResponse:
    decision = get_object_or_404(
        Decision.objects.select_related("agenda_item__meeting__board"),
        pk=pk,
        agenda_item__meeting__board__in=Board.objects.visible_to(request.user),
    )
    item, access = get_agenda_item_for_user(request.user, decision.agenda_item_id)
    access.require_manage()
    decision.delete()
    messages.success(request, f"Removed the decision on item {item.position}.")
    return redirect(item)


@login_required
@require_http_methods(["GET", "POST"])
def attendance_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Record who attended a meeting: present, apologies, absent or a deputy, per member."""
    meeting, access = get_meeting_for_user(request.user, pk)
    access.require_manage()
    lines = attendance_lines(meeting)
    if request.method == "POST" and read_attendance_form(lines, request.POST):
        record_attendance(meeting, lines, request.user)
        messages.success(request, "Attendance saved.")
        return redirect(meeting.get_absolute_url() + "#attendance")
    errors = [line for line in lines if line.error]
    return render(
        request,
        "meetings/attendance_form.html",
        {
            "meeting": meeting,
            "board": meeting.board,
            "lines": lines,
            "errors": errors,
            "statuses": AttendanceStatus.choices,
        },
        status=400 if errors else 200,
    )


@login_required
def board_attendance(request: HttpRequest, slug: str) -> HttpResponse:
    """Attendance by agency at the board's meetings over a financial year (?year=2026 for
    April 2026 to March 2027; the current year by default)."""
    board, access = get_board_for_user(request.user, slug)
    today = timezone.localdate()
    current_start, _ = financial_year_of(today)
    try:
        first_year = int(request.GET.get("year", current_start.year))
    except ValueError:
        first_year = current_start.year
    first_year = min(max(first_year, 1990), current_start.year + 1)
    start, end = financial_year_of(datetime.date(first_year, 4, 1))
    return render(
        request,
        "meetings/board_attendance.html",
        {
            "board": board,
            "access": access,
            "summary": attendance_by_agency(board, start, end),
            "year": first_year,
            "years": list(range(current_start.year, current_start.year - 6, -1)),
        },
    )
