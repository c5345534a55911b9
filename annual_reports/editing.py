"""Edit a draft's sections, approve the report, record its sending. Each write locks its
row and checks the rules again inside the transaction."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from boards.models import Membership, Role

from .assembly import GATHERING_MESSAGE, ReportRefusedError
from .gathering import dispatch_gathering
from .models import (
    AnnualReport,
    AnnualReportRecipient,
    AnnualReportSection,
    GatherStatus,
    RenderStatus,
    ReportStatus,
)


def _require_manager(user, board_id: int) -> None:
    if not Membership.objects.filter(user=user, board_id=board_id, role=Role.MANAGER).exists():
        raise ReportRefusedError("Only the board's managers may change its annual report.")


@dataclass(frozen=True)
class SectionSave:
    section: AnnualReportSection
    saved: bool
    # Set when someone else saved the section after the form was opened.
    conflict_by: str = ""


def save_section(section_pk: int, user, body: str, based_on_version: int) -> SectionSave:
    with transaction.atomic():
        # Race: two managers editing the same section; the row lock orders them and the
        # version each form was based on tells the second that the first saved.
        section = AnnualReportSection.objects.select_for_update().select_related("report").get(pk=section_pk)
        _require_manager(user, section.report.board_id)
        if not section.report.is_draft:
            raise ReportRefusedError("This report is approved: its sections can no longer change.")
        if section.version != based_on_version:
            latest = section.history.select_related("history_user").first()
            who = latest.history_user.get_full_name() if latest and latest.history_user else "someone else"
            return SectionSave(section, saved=False, conflict_by=who or "someone else")
        if section.body == body:
            return SectionSave(section, saved=False)
        section.body = body
        section.version += 1
        section._history_user = user
        section.save()
    return SectionSave(section, saved=True)


def approve(report_pk: int, user) -> AnnualReport:
    """Approve a draft and queue its PDF and Word files for the worker (after commit)."""
    from .publishing import dispatch

    with transaction.atomic():
        # Race: two managers approving at once; the second finds it approved.
        report = AnnualReport.objects.select_for_update().get(pk=report_pk)
        _require_manager(user, report.board_id)
        if not report.is_draft:
            raise ReportRefusedError("This report is already approved.")
        if not report.is_gathered:
            raise ReportRefusedError("The report's figures are not gathered yet: it cannot be approved.")
        report.status = ReportStatus.APPROVED
        report.approved_by = user
        report.approved_at = timezone.now()
        report.render_status = RenderStatus.QUEUED
        report.render_message = "Waiting for a worker."
        report._history_user = user
        report.save()
        dispatch(report)
    return report


def regather(report_pk: int, user) -> AnnualReport:
    """Queue a draft's figures to be gathered again (after commit); the worker refreshes the
    sections no manager has edited and names those it kept."""
    with transaction.atomic():
        report = AnnualReport.objects.select_for_update().get(pk=report_pk)
        _require_manager(user, report.board_id)
        if not report.is_draft:
            raise ReportRefusedError("This report is approved: its figures can no longer change.")
        if report.is_gathering:
            raise ReportRefusedError("The figures are being gathered already.")
        AnnualReport.objects.filter(pk=report.pk).update(
            gather_status=GatherStatus.GATHERING,
            gather_message=GATHERING_MESSAGE,
            gather_error="",
            gather_attempts=0,
            gather_queued_at=timezone.now(),
            gather_sent_at=None,
        )
        dispatch_gathering(report)
    report.refresh_from_db()
    return report


def record_sending(recipient_pk: int, user, name: str, sent_on: datetime.date) -> AnnualReportRecipient:
    with transaction.atomic():
        recipient = (
            AnnualReportRecipient.objects.select_for_update().select_related("report").get(pk=recipient_pk)
        )
        _require_manager(user, recipient.report.board_id)
        if not recipient.report.is_approved:
            raise ReportRefusedError("Only an approved report can be sent.")
        recipient.name = name
        recipient.sent_on = sent_on
        recipient.sent_by = user
        recipient.recorded_at = timezone.now()
        recipient._history_user = user
        recipient.save()
    return recipient
