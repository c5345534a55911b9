"""iCalendar (RFC 5545) feeds of a board's meetings, and the signed links that let
calendar apps, which cannot sign in, subscribe to them.

Times are written in UTC (``DTSTART:20260305T140000Z``): every calendar app
converts them to local time, and no VTIMEZONE block is needed. Each meeting's
UID is its stored UUID, so moving a meeting updates the event in members'
calendars instead of adding a second one.

Subscription links carry a token signed with SECRET_KEY that names one user and
one board. The feed checks on every request that the user still holds a role on
the board, so removing someone from a board stops their feed; rotating
SECRET_KEY revokes every link at once.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from boards.models import Board

from .models import Meeting

PRODID = "-//Safeguarding Board Planner//Board meetings//EN"


def _utc(value: datetime.datetime) -> datetime.datetime:
    return value.astimezone(datetime.UTC)


def board_calendar(board: Board, meetings: Iterable[Meeting], now: datetime.datetime | None = None) -> bytes:
    """The board's meetings as an RFC 5545 VCALENDAR."""
    now = _utc(now or timezone.now())
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"{board.name} meetings")
    for meeting in meetings:
        event = Event()
        event.add("uid", f"{meeting.uid}@safeguarding-board-planner")
        event.add("dtstamp", now)
        event.add("dtstart", _utc(meeting.starts_at))
        event.add("dtend", _utc(meeting.ends_at or meeting.starts_at + datetime.timedelta(hours=2)))
        event.add("last-modified", _utc(meeting.updated_at))
        event.add("summary", meeting.display_title)
        event.add("location", meeting.place)
        items = [f"{item.position}. {item.title}" for item in meeting.agenda_items.all()]
        description = "Agenda:\n" + "\n".join(items) if items else "Agenda to follow."
        if meeting.illustrative_note:
            description = f"Illustrative: {meeting.illustrative_note}\n\n{description}"
        event.add("description", description)
        event.add("url", settings.SITE_URL + meeting.get_absolute_url())
        calendar.add_component(event)
    return calendar.to_ical()
