"""Reads other apps (board packs, digests) use to gather a board's meetings, decisions
and reports in a fixed number of queries."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from boards.models import Board
from plans.models import Action

from .models import ActionArising, AgendaItem, Decision, Meeting


def meetings_for_board(board: Board, start: datetime.datetime, end: datetime.datetime) -> QuerySet[Meeting]:
    """The board's meetings starting in [start, end), oldest first, each with its agenda
    items, their reports (with recommendations), decisions and actions arising prefetched.
    Each action arising says whether its action's plan is in force (``action_in_force``), so
    that readers can leave out a draft's (or an archived plan's) actions at no extra query."""
    # ActionArising declares action_in_force (not stored) for its readers; django-stubs'
    # plugin takes a declared name for a field and refuses the annotation, which Django allows.
    arising = ActionArising.objects.select_related("action").annotate(  # type: ignore[no-redef]
        action_in_force=Exists(Action.objects.in_force().filter(pk=OuterRef("action_id")))
    )
    items = AgendaItem.objects.select_related("report").prefetch_related(
        "report__recommendations",
        Prefetch("decisions", queryset=Decision.objects.select_related("recommended_to")),
        Prefetch("actions_arising", queryset=arising),
    )
    return (
        Meeting.objects.filter(board=board, starts_at__gte=start, starts_at__lt=end)
        .select_related("board")
        .prefetch_related(Prefetch("agenda_items", queryset=items))
        .order_by("starts_at")
    )
