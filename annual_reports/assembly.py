"""Start a board's annual report: gather the year's facts and write each section's first
text from them, in one transaction. Editing, approving and publishing are in editing.py
and publishing.py."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from boards.models import Board, Membership, Role

from .gather import Year, gather_facts
from .models import AnnualReport, AnnualReportRecipient, RecipientRole, year_label, year_slug
from .sections import framework_for, new_sections


class ReportRefusedError(Exception):
    """A change the rules refuse, with a message for the person who asked."""


def report_title(board: Board, year: Year) -> str:
    return f"{board.name} annual report {year_label(year.start, year.end)}"


def start_report(board: Board, year: Year, user) -> AnnualReport:
    """A manager's new draft report of the board for the year, assembled from its data now."""
    with transaction.atomic():
        # Checked again inside the writing transaction: a role removed a second ago is seen.
        if not Membership.objects.filter(user=user, board=board, role=Role.MANAGER).exists():
            raise ReportRefusedError("Only the board's managers may start its annual report.")
        return assemble_report(board, year, user)


def assemble_report(board: Board, year: Year, user, illustrative_note: str = "") -> AnnualReport:
    """The board's draft report for the year: facts gathered, sections written, recipients
    listed. Callers check who may (start_report; the demo loader)."""
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
            facts=gather_facts(board, year),
            assembled_at=timezone.now(),
            illustrative_note=illustrative_note,
            started_by=user if getattr(user, "is_authenticated", False) else None,
        )
        try:
            # Race: two managers starting the same year at once; the unique constraint decides.
            with transaction.atomic():
                report.save()
        except IntegrityError as error:
            raise ReportRefusedError("The board already has a report for this year.") from error
        for section in new_sections(report):
            section._history_user = user if getattr(user, "is_authenticated", False) else None
            section.save()
        if report.has_statutory_recipients:
            for position, role in enumerate(RecipientRole, start=1):
                AnnualReportRecipient.objects.create(report=report, role=role, position=position)
    return report
