"""Attendance at a board's meetings, by partner agency, over a period (a year).

Shown on each board's attendance page, and read by the yearly report. Each row of
``Attendance`` carries the agency the member sat for at that meeting, so the figures
for a past year do not change when members change agency or leave.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from boards.models import Board

from .models import Attendance, AttendanceStatus, Meeting

NO_AGENCY = "No agency recorded"


@dataclass(frozen=True)
class AgencyAttendance:
    """One agency's attendance at the board's meetings in the period."""

    agency_id: int | None
    agency_name: str
    illustrative: bool
    # Meetings at which at least one of the agency's members was expected (recorded at all).
    meetings_expected: int
    # Of those, meetings at which a member or their deputy was there.
    meetings_represented: int
    present: int
    deputy: int
    apologies: int
    absent: int

    @property
    def percent_represented(self) -> int | None:
        if not self.meetings_expected:
            return None
        return round(100 * self.meetings_represented / self.meetings_expected)


@dataclass(frozen=True)
class AttendanceSummary:
    board: Board
    start: datetime.date
    end: datetime.date
    meetings_held: int
    meetings_with_attendance: int
    agencies: list[AgencyAttendance]

    @property
    def any_illustrative(self) -> bool:
        return any(row.illustrative for row in self.agencies)


def _bounds(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """[start 00:00, the day after end 00:00) in UK time: meetings on both end days count."""
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(start, datetime.time(), tz),
        datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time(), tz),
    )


def attendance_by_agency(board: Board, start: datetime.date, end: datetime.date) -> AttendanceSummary:
    """Attendance at ``board``'s meetings from ``start`` to ``end`` (both included), one row
    per agency (members with none recorded under "No agency recorded"), in two queries."""
    low, high = _bounds(start, end)
    in_period = Q(meeting__board=board, meeting__starts_at__gte=low, meeting__starts_at__lt=high)
    attended = Q(status__in=[AttendanceStatus.PRESENT, AttendanceStatus.DEPUTY])
    rows = (
        Attendance.objects.filter(in_period)
        .values("agency_id", "agency__name")
        .annotate(
            expected=Count("meeting", distinct=True),
            represented=Count("meeting", filter=attended, distinct=True),
            present=Count("pk", filter=Q(status=AttendanceStatus.PRESENT)),
            deputy=Count("pk", filter=Q(status=AttendanceStatus.DEPUTY)),
            apologies=Count("pk", filter=Q(status=AttendanceStatus.APOLOGIES)),
            absent=Count("pk", filter=Q(status=AttendanceStatus.ABSENT)),
            illustrative=Count("pk", filter=Q(illustrative=True)),
        )
        .order_by("agency__name")
    )
    meetings = Meeting.objects.filter(board=board, starts_at__gte=low, starts_at__lt=high).aggregate(
        held=Count("pk", distinct=True),
        with_attendance=Count("pk", filter=Q(attendance__isnull=False), distinct=True),
    )
    agencies = [
        AgencyAttendance(
            agency_id=row["agency_id"],
            agency_name=row["agency__name"] or NO_AGENCY,
            illustrative=row["illustrative"] > 0,
            meetings_expected=row["expected"],
            meetings_represented=row["represented"],
            present=row["present"],
            deputy=row["deputy"],
            apologies=row["apologies"],
            absent=row["absent"],
        )
        for row in rows
    ]
    # Agencies first by name; members with no agency last.
    agencies.sort(key=lambda row: (row.agency_id is None, row.agency_name))
    return AttendanceSummary(
        board=board,
        start=start,
        end=end,
        meetings_held=meetings["held"],
        meetings_with_attendance=meetings["with_attendance"],
        agencies=agencies,
    )


def financial_year_of(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The April-to-March year that ``day`` falls in."""
    first = day.year if day.month >= 4 else day.year - 1
    return datetime.date(first, 4, 1), datetime.date(first + 1, 3, 31)


# --- Recording attendance ------------------------------------------------------------


@dataclass
class AttendanceLine:
    """One person on the attendance form: a current member, or someone recorded before who
    has since left the board (kept, so their attendance is not lost)."""

    user_id: int
    name: str
    agency_id: int | None
    agency_name: str
    status: str = ""
    deputy_name: str = ""
    error: str = ""
    illustrative: bool = False


def attendance_lines(meeting: Meeting) -> list[AttendanceLine]:
    """The board's members and anyone already recorded, with what is recorded (two queries)."""
    recorded = {
        row.user_id: row
        for row in Attendance.objects.filter(meeting=meeting, user__isnull=False).select_related("agency")
        if row.user_id is not None  # as the filter says; for mypy, which cannot read it
    }
    lines = []
    memberships = meeting.board.memberships.select_related("user", "agency").order_by(
        "user__last_name", "user__first_name", "user__username"
    )
    for membership in memberships:
        user = membership.user
        row = recorded.pop(user.pk, None)
        agency = row.agency if row is not None else membership.agency
        lines.append(
            AttendanceLine(
                user_id=user.pk,
                name=user.get_full_name() or user.username,
                agency_id=agency.pk if agency else None,
                agency_name=agency.name if agency else "",
                status=row.status if row else "",
                deputy_name=row.deputy_name if row else "",
                illustrative=row.illustrative if row else False,
            )
        )
    for user_id, row in recorded.items():  # recorded, and no longer a member
        lines.append(
            AttendanceLine(
                user_id=user_id,
                name=row.member_name,
                agency_id=row.agency_id,
                agency_name=row.agency.name if row.agency else "",
                status=row.status,
                deputy_name=row.deputy_name,
                illustrative=row.illustrative,
            )
        )
    return lines


def read_attendance_form(lines: list[AttendanceLine], data) -> bool:
    """Fill each line from the POSTed ``status-<user id>`` and ``deputy-<user id>``; True when
    every line is valid (a deputy is named when one was sent)."""
    valid = True
    for line in lines:
        line.status = data.get(f"status-{line.user_id}", "")
        line.deputy_name = data.get(f"deputy-{line.user_id}", "").strip()[:200]
        line.error = ""
        if line.status and line.status not in AttendanceStatus.values:
            line.error, valid = (
                "Choose whether they were present, sent apologies, were absent or sent a deputy",
                False,
            )
        elif line.status == AttendanceStatus.DEPUTY and not line.deputy_name:
            line.error, valid = f"Enter the name of {line.name}'s deputy", False
        elif line.status != AttendanceStatus.DEPUTY:
            line.deputy_name = ""
    return valid


def record_attendance(meeting: Meeting, lines: list[AttendanceLine], recorded_by) -> int:
    """Write the form's lines: a row per person with a status, none for those left blank.
    Returns the number of rows changed. Only rows whose values change are saved (history
    records every save)."""
    from django.db import transaction

    changed = 0
    with transaction.atomic():
        # Race: two managers saving the same meeting's attendance at once; locking the
        # meeting row makes the second wait and apply its lines to the first's result.
        Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
        existing = {
            row.user_id: row for row in Attendance.objects.filter(meeting=meeting, user__isnull=False)
        }
        for line in lines:
            row = existing.get(line.user_id)
            if not line.status:
                if row is not None:
                    row.delete()
                    changed += 1
                continue
            if row is None:
                Attendance.objects.create(
                    meeting=meeting,
                    user_id=line.user_id,
                    member_name=line.name,
                    agency_id=line.agency_id,
                    status=line.status,
                    deputy_name=line.deputy_name,
                    recorded_by=recorded_by,
                )
                changed += 1
            elif (row.status, row.deputy_name) != (line.status, line.deputy_name):
                row.status, row.deputy_name = line.status, line.deputy_name
                row.recorded_by = recorded_by
                # A person's correction makes the row theirs, not the demo's.
                row.illustrative = False
                row.save()
                changed += 1
    return changed
