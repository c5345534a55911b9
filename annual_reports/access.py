"""Load annual reports only through the boards the user belongs to: outsiders get 404,
members read (drafts included), the board's managers edit and approve.

The public page is the one exception, and it reads only approved reports
(``AnnualReport.objects.approved()``), never anything else of the board.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from boards.access import BoardAccess, board_access
from boards.models import Board

from .models import AnnualReport, AnnualReportRecipient, AnnualReportSection


def get_report_for_user(user, pk: int) -> tuple[AnnualReport, BoardAccess]:
    report = get_object_or_404(
        AnnualReport.objects.select_related("board__partnership", "approved_by", "started_by"),
        pk=pk,
        board__in=Board.objects.visible_to(user),
    )
    return report, board_access(user, report.board)


def get_section_for_user(user, pk: int) -> tuple[AnnualReportSection, BoardAccess]:
    section = get_object_or_404(
        AnnualReportSection.objects.select_related("report__board__partnership"),
        pk=pk,
        report__board__in=Board.objects.visible_to(user),
    )
    return section, board_access(user, section.report.board)


def get_recipient_for_user(user, pk: int) -> tuple[AnnualReportRecipient, BoardAccess]:
    recipient = get_object_or_404(
        AnnualReportRecipient.objects.select_related("report__board__partnership"),
        pk=pk,
        report__board__in=Board.objects.visible_to(user),
    )
    return recipient, board_access(user, recipient.report.board)


def get_public_report(board_slug: str, year: str) -> AnnualReport:
    """An approved report by its stable address, for anyone, signed in or not."""
    return get_object_or_404(
        AnnualReport.objects.approved().select_related("board__partnership"),
        board__slug=board_slug,
        slug=year,
    )
