"""Load meetings and reports only through the boards the user belongs to.

Outsiders get 404; members read; a board's managers edit its meetings and reports.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from boards.access import BoardAccess, board_access
from boards.models import Board

from .models import AgendaItem, BoardReport, Meeting


def get_meeting_for_user(user, pk: int) -> tuple[Meeting, BoardAccess]:
    meeting = get_object_or_404(
        Meeting.objects.select_related("board__partnership"), pk=pk, board__in=Board.objects.visible_to(user)
    )
    return meeting, board_access(user, meeting.board)


def get_agenda_item_for_user(user, pk: int) -> tuple[AgendaItem, BoardAccess]:
    item = get_object_or_404(
        AgendaItem.objects.select_related("meeting__board__partnership", "report"),
        pk=pk,
        meeting__board__in=Board.objects.visible_to(user),
    )
    return item, board_access(user, item.meeting.board)


def get_report_for_user(user, pk: int) -> tuple[BoardReport, BoardAccess]:
    report = get_object_or_404(
        BoardReport.objects.select_related("board__partnership", "meeting"),
        pk=pk,
        board__in=Board.objects.visible_to(user),
    )
    return report, board_access(user, report.board)
