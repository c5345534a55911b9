"""Make an approved report's PDF and Word files in the Celery worker.

Approval queues the report (editing.approve) and sends the task after commit; when Redis
is down the report stays queued and unsent, and send_unsent_reports (a beat task every
minute) sends it later. make_files is idempotent: a redelivered task finds the files made.
"""

from __future__ import annotations

import datetime
import functools
import logging

from django.core.files.base import ContentFile
from django.db.models import F, Q
from django.utils import timezone

from safeguarding.queueing import send_after_commit, send_now

from .models import AnnualReport, RenderStatus

logger = logging.getLogger(__name__)

# By name, so this module need not import annual_reports.tasks (which imports it).
MAKE_FILES_TASK = "annual_reports.make_files"
MAX_ATTEMPTS = 3
RESEND_AFTER = datetime.timedelta(minutes=10)
SEND_GRACE = datetime.timedelta(minutes=1)
FAILED_MESSAGE = "The files could not be made. Tell the service team."


def dispatch(report: AnnualReport) -> None:
    send_after_commit(MAKE_FILES_TASK, [report.pk], on_sent=lambda: mark_sent(report.pk))


def mark_sent(report_id: int) -> None:
    AnnualReport.objects.filter(pk=report_id).update(sent_to_worker_at=timezone.now())


def send_unsent_reports(now: datetime.datetime | None = None) -> list[int]:
    """Send every queued report the worker never got (Redis was down, or the message was lost)."""
    now = now or timezone.now()
    unsent = AnnualReport.objects.filter(
        render_status=RenderStatus.QUEUED, approved_at__lt=now - SEND_GRACE
    ).filter(Q(sent_to_worker_at__isnull=True) | Q(sent_to_worker_at__lt=now - RESEND_AFTER))
    sent = []
    for report_id in unsent.values_list("pk", flat=True):
        if not send_now(MAKE_FILES_TASK, [report_id], on_sent=functools.partial(mark_sent, report_id)):
            break
        sent.append(report_id)
    return sent


def make_files(report_id: int) -> None:
    """Render the approved report's PDF (tagged, PDF/UA-1) and Word file and store both."""
    from .rendering import render_docx, render_pdf

    claimed = (
        AnnualReport.objects.filter(pk=report_id, render_attempts__lt=MAX_ATTEMPTS)
        .filter(render_status__in=[RenderStatus.QUEUED, RenderStatus.RENDERING])
        .update(
            render_status=RenderStatus.RENDERING,
            render_message="Making the PDF and Word files.",
            render_error="",
            render_attempts=F("render_attempts") + 1,
        )
    )
    if not claimed:
        # Done already (a redelivery), or a report that has killed its workers too often.
        AnnualReport.objects.filter(
            pk=report_id, render_attempts__gte=MAX_ATTEMPTS, render_status=RenderStatus.RENDERING
        ).update(
            render_status=RenderStatus.FAILED,
            render_message=FAILED_MESSAGE,
            render_error=f"The worker stopped while making these files {MAX_ATTEMPTS} times.",
        )
        return
    report = AnnualReport.objects.select_related("board__partnership").get(pk=report_id)
    try:
        pdf, pages = render_pdf(report)
        docx = render_docx(report)
        report.pdf.save(report.file_name("pdf"), ContentFile(pdf), save=False)
        report.docx.save(report.file_name("docx"), ContentFile(docx), save=False)
        AnnualReport.objects.filter(pk=report_id).update(
            pdf=report.pdf.name,
            docx=report.docx.name,
            pdf_pages=pages,
            render_status=RenderStatus.DONE,
            render_message=f"Ready: a PDF of {pages} pages and a Word file.",
            rendered_at=timezone.now(),
        )
    except Exception as error:
        logger.exception("Annual report %s: files failed", report_id)
        AnnualReport.objects.filter(pk=report_id).update(
            render_status=RenderStatus.FAILED,
            render_message=FAILED_MESSAGE,
            render_error=f"{type(error).__name__}: {error}",
        )
        raise
