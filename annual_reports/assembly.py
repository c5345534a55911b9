"""Start a board's annual report. Starting writes the report's row (in the "gathering"
state) and its recipients in one transaction and queues the gathering of the figures on
the worker (gathering.py); the demo loader and the bench assemble synchronously, outside
any web request. Editing, approving and publishing are in editing.py and publishing.py."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from boards.models import Board, Membership, Role

from .gather import Year
from .gathering import dispatch_gathering, gather_report
from .models import AnnualReport, AnnualReportRecipient, GatherStatus, RecipientRole, year_label, year_slug
from .sections import framework_for


class ReportRefusedError(Exception):
    """A change the rules refuse, with a message for the person who asked."""


GATHERING_MESSAGE = "Waiting for a worker to gather the figures."


def report_title(board: Board, year: Year) -> str:
    return f"{board.name} annual report {year_label(year.start, year.end)}"


def start_report(board: Board, year: Year, user) -> AnnualReport:
    """A manager's new draft report of the board for the year; its figures are gathered by
    the worker (queued after commit), never in the request."""
    with transaction.atomic():
        # Checked again inside the writing transaction: a role removed a second ago is seen.
        if not Membership.objects.filter(user=user, board=board, role=Role.MANAGER).exists():
            raise ReportRefusedError("Only the board's managers may start its annual report.")
        report = create_report(board, year, user)
        dispatch_gathering(report)
    return report


def create_report(board: Board, year: Year, user, illustrative_note: str = "") -> AnnualReport:
    """The report's row, gathering, with its recipients listed; no figures, no sections yet."""
    with transaction.atomic():
        if AnnualReport.objects.filter(board=board, period_start=year.start).exists():
            raise ReportRefusedError("The board already has a report for this year.")
        report = AnnualReport(
            board=board,
            framework=framework_for(board.kind),
            period_start=year.start,
            period_end=year.end,
            slug=year_slug(year.start, year.end),
            title=report_title(board, year),
            gather_status=GatherStatus.GATHERING,
            gather_message=GATHERING_MESSAGE,
            gather_queued_at=timezone.now(),
            illustrative_note=illustrative_note,
            started_by=user if getattr(user, "is_authenticated", False) else None,
        )
        try:
            # Race: two managers starting the same year at once; the unique constraint decides.
            with transaction.atomic():
                report.save()
        except IntegrityError as error:
            raise ReportRefusedError("The board already has a report for this year.") from error
        if report.has_statutory_recipients:
            for position, role in enumerate(RecipientRole, start=1):
                AnnualReportRecipient.objects.create(report=report, role=role, position=position)
    return report


def assemble_report(board: Board, year: Year, user, illustrative_note: str = "") -> AnnualReport:
    """The board's draft report for the year, its figures gathered and sections written now,
    in this process: for the demo loader, the bench and tests, never a web request. Callers
    check who may."""
    with transaction.atomic():
        report = create_report(board, year, user, illustrative_note)
        gather_report(report.pk, history_user=user)
    report.refresh_from_db()
    return report
