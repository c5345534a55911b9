"""A board's yearly report: assembled from the board's data for one year, edited section by
section, approved by a manager, then published (PDF, Word and a public page).

Safeguarding Adults Boards must publish one with the contents of the Care Act 2014,
Schedule 2, paragraph 4; children's safeguarding partnerships one as Working Together to
Safeguard Children 2023 asks. Other boards get the sections every board has.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.functional import cached_property
from simple_history.models import HistoricalRecords

from boards.models import Board

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class ReportFramework(models.TextChoices):
    CARE_ACT = "care_act", "Care Act 2014, Schedule 2"
    WORKING_TOGETHER = "working_together", "Working Together to Safeguard Children 2023"
    GENERAL = "general", "Annual report"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    APPROVED = "approved", "Approved"


class GatherStatus(models.TextChoices):
    """The figures, gathered by the worker when a report is started (or gathered again)."""

    GATHERING = "gathering", "Gathering the figures"
    DONE = "done", "Gathered"
    FAILED = "failed", "Failed"


class RenderStatus(models.TextChoices):
    """The PDF and Word files, made by the worker after approval."""

    NOT_ASKED = "", "Not made (the report is a draft)"
    QUEUED = "queued", "Waiting for a worker"
    RENDERING = "rendering", "Making the PDF and Word files"
    DONE = "done", "Ready"
    FAILED = "failed", "Failed"


def report_file_upload_to(report: AnnualReport, filename: str) -> str:
    # Under MEDIA_ROOT, never served directly: the public views serve an approved report's files.
    return f"annual_reports/{report.board.slug}/{filename}"


def year_slug(start: datetime.date, end: datetime.date) -> str:
    """The report's part of its stable public address: "2025-26" for a financial year,
    "2025-09-to-2026-08" for any other twelve months."""
    if start.month == 4 and start.day == 1 and end == datetime.date(start.year + 1, 3, 31):
        return f"{start.year}-{str(start.year + 1)[-2:]}"
    return f"{start:%Y-%m}-to-{end:%Y-%m}"


def year_label(start: datetime.date, end: datetime.date) -> str:
    if start.month == 4 and start.day == 1 and end == datetime.date(start.year + 1, 3, 31):
        return f"{start.year}/{str(start.year + 1)[-2:]}"
    return f"{start:%B %Y} to {end:%B %Y}"


class AnnualReportQuerySet(models.QuerySet):
    def approved(self) -> AnnualReportQuerySet:
        return self.filter(status=ReportStatus.APPROVED)


class AnnualReport(models.Model):
    Framework = ReportFramework
    Status = ReportStatus
    GatherStatus = GatherStatus
    RenderStatus = RenderStatus

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="annual_reports")
    framework = models.CharField(
        max_length=20,
        choices=ReportFramework.choices,
        help_text="What the law asks this board's report to contain; decides the sections.",
    )
    period_start = models.DateField()
    period_end = models.DateField()
    slug = models.SlugField(max_length=40, help_text="The year in the public address, e.g. 2025-26.")
    title = models.CharField(max_length=250)
    status = models.CharField(max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    facts = models.JSONField(
        default=dict,
        blank=True,
        help_text="The figures and lists gathered from the board's data when the draft was assembled.",
    )
    assembled_at = models.DateTimeField(null=True, blank=True, help_text="When the figures were gathered.")
    # The figures, gathered by the worker (annual_reports.publishing) when the report is started.
    gather_status = models.CharField(max_length=10, choices=GatherStatus.choices, default=GatherStatus.DONE)
    gather_message = models.CharField(max_length=500, blank=True)
    gather_error = models.TextField(blank=True)
    gather_attempts = models.PositiveSmallIntegerField(default=0)
    gather_queued_at = models.DateTimeField(null=True, blank=True)
    gather_sent_at = models.DateTimeField(null=True, blank=True)
    illustrative_note = models.TextField(
        blank=True, help_text="Demo data only: what in this report the seeds do not state."
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approval_note = models.CharField(
        max_length=250,
        blank=True,
        help_text="How the approval was recorded when no manager approved it here, e.g. by the demo loader.",
    )
    # The files, made by the worker (annual_reports.publishing) once the report is approved.
    render_status = models.CharField(
        max_length=10, choices=RenderStatus.choices, blank=True, default=RenderStatus.NOT_ASKED
    )
    render_message = models.CharField(max_length=250, blank=True)
    render_error = models.TextField(blank=True)
    render_attempts = models.PositiveSmallIntegerField(default=0)
    sent_to_worker_at = models.DateTimeField(null=True, blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    pdf = models.FileField(upload_to=report_file_upload_to, blank=True)
    pdf_pages = models.PositiveIntegerField(null=True, blank=True)
    docx = models.FileField(upload_to=report_file_upload_to, blank=True)

    # Not stored: who made the next save(), for simple-history to record on its history row.
    _history_user: User | None
    objects = AnnualReportQuerySet.as_manager()
    history = HistoricalRecords(
        excluded_fields=[
            "facts",
            "gather_status",
            "gather_message",
            "gather_error",
            "gather_attempts",
            "gather_queued_at",
            "gather_sent_at",
            "render_status",
            "render_message",
            "render_error",
            "render_attempts",
            "sent_to_worker_at",
            "rendered_at",
            "pdf",
            "pdf_pages",
            "docx",
        ]
    )

    class Meta:
        ordering = ["board", "-period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["board", "period_start"], name="annual_report_one_per_board_year"
            ),
            models.UniqueConstraint(fields=["board", "slug"], name="annual_report_slug_unique_in_board"),
            models.CheckConstraint(
                condition=Q(period_end__gt=F("period_start")), name="annual_report_period_ordered"
            ),
            models.CheckConstraint(
                condition=Q(framework__in=ReportFramework.values), name="annual_report_framework_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ReportStatus.values), name="annual_report_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(gather_status__in=GatherStatus.values), name="annual_report_gather_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(render_status__in=RenderStatus.values), name="annual_report_render_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=ReportStatus.APPROVED) | Q(approved_at__isnull=False),
                name="annual_report_approved_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("annual_reports:report", kwargs={"pk": self.pk})

    def get_public_url(self) -> str:
        return reverse("annual_reports:public", kwargs={"board_slug": self.board.slug, "year": self.slug})

    @property
    def year_label(self) -> str:
        return year_label(self.period_start, self.period_end)

    @property
    def is_draft(self) -> bool:
        return self.status == ReportStatus.DRAFT

    @property
    def is_approved(self) -> bool:
        return self.status == ReportStatus.APPROVED

    @property
    def is_gathered(self) -> bool:
        return self.gather_status == GatherStatus.DONE

    @property
    def is_gathering(self) -> bool:
        return self.gather_status == GatherStatus.GATHERING

    @property
    def files_ready(self) -> bool:
        return self.render_status == RenderStatus.DONE and bool(self.pdf) and bool(self.docx)

    @property
    def files_finished(self) -> bool:
        return self.render_status in (RenderStatus.DONE, RenderStatus.FAILED)

    @cached_property
    def has_statutory_recipients(self) -> bool:
        return self.framework == ReportFramework.CARE_ACT

    def file_name(self, extension: str) -> str:
        return f"{self.board.slug}-annual-report-{self.slug}.{extension}"


class AnnualReportSection(models.Model):
    """One heading of the report: its text (written from the data, then edited by managers,
    every version kept) over the figures gathered for it."""

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="sections")
    key = models.CharField(max_length=40, help_text="Which section this is (annual_reports.sections).")
    position = models.PositiveSmallIntegerField()
    heading = models.CharField(max_length=250)
    reference = models.CharField(
        max_length=250, blank=True, help_text="The paragraph of the law or guidance the section answers."
    )
    body = models.TextField(blank=True, help_text="The section's text; a blank line starts a new paragraph.")
    # Bumped on every save: the edit form carries it, so a save over someone else's is refused.
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    # Not stored: who made the next save(), for simple-history to record on its history row.
    _history_user: User | None

    class Meta:
        ordering = ["report", "position"]
        constraints = [
            models.UniqueConstraint(fields=["report", "key"], name="annual_report_section_key_unique"),
            models.UniqueConstraint(
                fields=["report", "position"], name="annual_report_section_position_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report}: {self.heading}"

    def get_absolute_url(self) -> str:
        return self.report.get_absolute_url() + f"#section-{self.key}"

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.body.replace("\r\n", "\n").split("\n\n") if p.strip()]


class RecipientRole(models.TextChoices):
    """Care Act 2014, Schedule 2, paragraph 4(2): who a SAB sends its annual report to."""

    CHIEF_EXECUTIVE = "chief_executive", "Chief executive of the local authority"
    LEADER = "leader", "Leader of the local authority"
    POLICE_AND_CRIME_COMMISSIONER = "pcc", "Local policing body (police and crime commissioner)"
    HEALTHWATCH = "healthwatch", "Local Healthwatch organisation"
    HWB_CHAIR = "hwb_chair", "Chair of the Health and Wellbeing Board"


class AnnualReportRecipient(models.Model):
    Role = RecipientRole

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="recipients")
    role = models.CharField(max_length=20, choices=RecipientRole.choices)
    position = models.PositiveSmallIntegerField()
    name = models.CharField(
        max_length=250, blank=True, help_text="The person or organisation, e.g. Healthwatch Sunderland."
    )
    sent_on = models.DateField(null=True, blank=True, help_text="The day the report was sent.")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()
    # Not stored: who made the next save(), for simple-history to record on its history row.
    _history_user: User | None

    class Meta:
        ordering = ["report", "position"]
        constraints = [
            models.UniqueConstraint(fields=["report", "role"], name="annual_report_recipient_role_unique"),
            models.CheckConstraint(
                condition=Q(role__in=RecipientRole.values), name="annual_report_recipient_role_valid"
            ),
            # Recorded as sent only with a name and a date.
            models.CheckConstraint(
                condition=Q(sent_on__isnull=True) | ~Q(name=""), name="annual_report_recipient_sent_named"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.name or 'not named'}"

    def get_absolute_url(self) -> str:
        return self.report.get_absolute_url() + "#recipients"
