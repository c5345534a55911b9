"""A user's private iCalendar feed (RFC 5545) of the due dates of the actions they lead."""

from __future__ import annotations

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from icalendar import Calendar, Event

from boards.emails import absolute_url
from boards.models import Board

from .selection import live_actions


def led_actions(user):
    """Open actions the user leads: named as the responsible person, or chair of the lead
    sub-committee; only on boards where the user still holds a membership."""
    return (
        live_actions()
        .filter(Q(responsible=user) | Q(lead_sub_committee__chair=user))
        .filter(objective__priority_area__plan__board__in=Board.objects.filter(memberships__user=user))
        .select_related("objective__priority_area__plan__board")
        .order_by("due_date", "pk")
    )


def feed(user) -> bytes:
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    calendar = Calendar()
    calendar.add("prodid", "-//Safeguarding Board Planner//Action due dates//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "Actions I lead")
    stamp = timezone.now()
    for action in led_actions(user):
        board = action.objective.priority_area.plan.board
        event = Event()
        event.add("uid", f"action-{action.pk}@{host}")
        event.add("dtstamp", stamp)
        # An all-day event on the due date (DTEND is exclusive).
        event.add("dtstart", action.due_date)
        event.add("dtend", action.due_date + datetime.timedelta(days=1))
        event.add("summary", f"{board.short_name} action due: {action.description[:120]}")
        event.add("description", f"{action.description}\n\n{absolute_url(action.get_absolute_url())}")
        event.add("url", absolute_url(action.get_absolute_url()))
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()
