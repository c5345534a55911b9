"""Gather a report's figures and write its sections in the Celery worker.

Starting a report (assembly.start_report) or asking for its figures again (editing.regather)
marks the row "gathering" and sends the task after commit; when Redis is down the row
stays gathering and unsent, and the beat sweep (annual_reports.send_unsent, every minute)
sends it later. gather_report is idempotent: a redelivered task finds the figures gathered.

Gathering again refreshes only the sections no manager has edited (version 1) and names
the ones whose edited text it kept, so no one's writing is lost without being told.
"""

from __future__ import annotations

import datetime
import functools
import logging

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from safeguarding.queueing import send_after_commit, send_now

from .gather import Year, gather_facts
from .models import AnnualReport, GatherStatus
from .sections import new_sections

logger = logging.getLogger(__name__)

# By name, so this module need not import annual_reports.tasks (which imports it).
GATHER_TASK = "annual_reports.gather"
MAX_ATTEMPTS = 3
RESEND_AFTER = datetime.timedelta(minutes=10)
SEND_GRACE = datetime.timedelta(minutes=1)
FAILED_MESSAGE = "The figures could not be gathered. Try again, or tell the service team."


def dispatch_gathering(report: AnnualReport) -> None:
    send_after_commit(GATHER_TASK, [report.pk], on_sent=lambda: mark_sent(report.pk))


def mark_sent(report_id: int) -> None:
    AnnualReport.objects.filter(pk=report_id).update(gather_sent_at=timezone.now())


def send_unsent_gatherings(now: datetime.datetime | None = None) -> list[int]:
    """Send every gathering report the worker never got (Redis was down, or the message was lost)."""
    now = now or timezone.now()
    unsent = AnnualReport.objects.filter(
        gather_status=GatherStatus.GATHERING, gather_queued_at__lt=now - SEND_GRACE
    ).filter(Q(gather_sent_at__isnull=True) | Q(gather_sent_at__lt=now - RESEND_AFTER))
    sent = []
    for report_id in unsent.values_list("pk", flat=True):
        if not send_now(GATHER_TASK, [report_id], on_sent=functools.partial(mark_sent, report_id)):
            break
        sent.append(report_id)
    return sent


def gather_report(report_id: int, history_user=None) -> None:
    """Gather the report's figures from the board's data and write (or refresh) its sections."""
    claimed = AnnualReport.objects.filter(
        pk=report_id, gather_status=GatherStatus.GATHERING, gather_attempts__lt=MAX_ATTEMPTS
    ).update(
        gather_message="Gathering the figures from the board's data.",
        gather_error="",
        gather_attempts=F("gather_attempts") + 1,
    )
    if not claimed:
        # Gathered already (a redelivery), or a report that has killed its workers too often.
        AnnualReport.objects.filter(
            pk=report_id, gather_attempts__gte=MAX_ATTEMPTS, gather_status=GatherStatus.GATHERING
        ).update(
            gather_status=GatherStatus.FAILED,
            gather_message=FAILED_MESSAGE,
            gather_error=f"The worker stopped while gathering these figures {MAX_ATTEMPTS} times.",
        )
        return
    report = AnnualReport.objects.select_related("board__partnership").defer("facts").get(pk=report_id)
    try:
        facts = gather_facts(report.board, Year(report.period_start, report.period_end))
        _write(report_id, facts, history_user)
    except Exception as error:
        logger.exception("Annual report %s: gathering failed", report_id)
        AnnualReport.objects.filter(pk=report_id, gather_status=GatherStatus.GATHERING).update(
            gather_status=GatherStatus.FAILED,
            gather_message=FAILED_MESSAGE,
            gather_error=f"{type(error).__name__}: {error}",
        )
        raise


def _write(report_id: int, facts: dict, history_user) -> None:
    with transaction.atomic():
        # Locked against an approval or a section's save happening at the same moment.
        report = AnnualReport.objects.select_for_update().get(pk=report_id)
        if report.gather_status != GatherStatus.GATHERING or not report.is_draft:
            return
        report.facts = facts
        existing = {section.key: section for section in report.sections.select_for_update()}
        kept = []
        for fresh in new_sections(report):
            section = existing.get(fresh.key)
            if section is None:
                fresh._history_user = history_user
                fresh.save()
            elif section.version > 1:
                kept.append(section.heading)
            elif section.body != fresh.body:
                section.body = fresh.body
                section._history_user = history_user
                section.save()
        AnnualReport.objects.filter(pk=report_id).update(
            facts=facts,
            assembled_at=timezone.now(),
            gather_status=GatherStatus.DONE,
            gather_message=gathered_message(kept, again=bool(existing)),
        )


def gathered_message(kept: list[str], again: bool) -> str:
    if not again:
        return "The draft is written from the board's data. Check and edit each section."
    if not kept:
        return "The figures are gathered again and every section's text is written from them anew."
    names = "; ".join(f"“{heading}”" for heading in kept)
    return (
        f"The figures are gathered again. Your edited text is kept in {names}: check it still "
        "matches the new figures. The other sections are written from them anew."
    )[:500]
