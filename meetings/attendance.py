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
