"""Reporting periods. Boards report by financial-year quarter (Q1 is April–June), or
for a meeting.

A meeting's period runs from the day after the board's previous meeting up to
the meeting's own date, so consecutive meeting packs cover the time between
meetings without a gap or an overlap. A board's first meeting has no previous
one: its period starts on the first day of the quarter the meeting falls in.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils import timezone

from boards.models import Board
from meetings.models import Meeting


class PeriodKind(models.TextChoices):
    QUARTER = "quarter", "Quarter"
    MEETING = "meeting", "Meeting"


@dataclass(frozen=True)
class PackPeriod:
    kind: str
    start: datetime.date
    end: datetime.date
    label: str
    # The meeting a meeting pack is for: a board may meet twice on one day, so its date is not enough.
    meeting_id: int | None = None

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": self.kind,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "label": self.label,
        }
        if self.meeting_id is not None:
            data["meeting_id"] = self.meeting_id
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PackPeriod:
        return cls(
            kind=data["kind"],
            start=datetime.date.fromisoformat(data["start"]),
            end=datetime.date.fromisoformat(data["end"]),
            label=data["label"],
            meeting_id=data.get("meeting_id"),
        )


def quarter_containing(day: datetime.date) -> PackPeriod:
    first_month = ((day.month - 1) // 3) * 3 + 1  # calendar quarter: 1, 4, 7, 10
    start = datetime.date(day.year, first_month, 1)
    end_month = first_month + 3
    end = datetime.date(day.year + (end_month > 12), (end_month - 1) % 12 + 1, 1) - datetime.timedelta(days=1)
    number = {4: 1, 7: 2, 10: 3, 1: 4}[first_month]
    first_year = start.year if first_month >= 4 else start.year - 1
    months = f"{start:%B} to {end:%B %Y}"
    return PackPeriod(
        PeriodKind.QUARTER,
        start,
        end,
        f"Quarter {number} {first_year}/{(first_year + 1) % 100:02d} ({months})",
    )


def next_quarter(period: PackPeriod) -> PackPeriod:
    return quarter_containing(period.end + datetime.timedelta(days=1))


def recent_quarters(today: datetime.date, count: int = 6) -> list[PackPeriod]:
    """The current quarter first, then the ones before it."""
    quarters = [quarter_containing(today)]
    while len(quarters) < count:
        quarters.append(quarter_containing(quarters[-1].start - datetime.timedelta(days=1)))
    return quarters


def meeting_period(
    meeting_id: int, meeting_day: datetime.date, previous_day: datetime.date | None
) -> PackPeriod:
    """The period of a pack for the meeting held on meeting_day, the board's previous
    meeting having been held on previous_day (None for its first meeting)."""
    if previous_day is None:
        start = quarter_containing(meeting_day).start
    else:
        # Two meetings on one day: the second's period is that day alone.
        start = min(previous_day + datetime.timedelta(days=1), meeting_day)
    return PackPeriod(
        PeriodKind.MEETING,
        start,
        meeting_day,
        f"Board meeting {meeting_day.day} {meeting_day:%B %Y}",
        meeting_id=meeting_id,
    )


# Meetings a pack may be asked for: packs are made before a meeting, and now and then
# remade for one held earlier in the year.
MEETINGS_BEFORE = datetime.timedelta(days=365)
MEETINGS_AHEAD = datetime.timedelta(days=183)


def board_meeting_periods(board: Board, today: datetime.date) -> list[PackPeriod]:
    """The periods of the board's meetings from a year ago to six months ahead, latest first.
    One query: every earlier meeting is read too, to know where each period starts."""
    last_day = today + MEETINGS_AHEAD
    meetings = Meeting.objects.filter(board=board, starts_at__date__lte=last_day).order_by("starts_at", "pk")
    periods, previous_day = [], None
    for meeting_id, starts_at in meetings.values_list("pk", "starts_at"):
        day = timezone.localdate(starts_at)
        if day >= today - MEETINGS_BEFORE:
            periods.append(meeting_period(meeting_id, day, previous_day))
        previous_day = day
    return periods[::-1]
