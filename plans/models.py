"""Business plans: priority areas → objectives → actions with progress, and measures.

This is the seven-column table boards keep in Word: What do we want to achieve?
(objective) · How was the issue identified? (evidence) · Agreed action · Lead
person · Timescale · Progress · Measure.
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.urls import reverse
from simple_history.models import HistoricalRecords

from boards.models import Board, SubCommittee


class Versioned(models.Model):
    """A row edited by several people: each save bumps ``version``.

    Edit forms carry the version they were based on; ``plans.editing`` refuses a
    save when the row has moved on since (no lost updates).
    """

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not self._state.adding:
            self.version = (self.version or 0) + 1
        super().save(*args, **kwargs)


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    APPROVED = "approved", "Approved"
    ARCHIVED = "archived", "Archived"


class BusinessPlan(Versioned):
    Status = PlanStatus

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="plans")
    title = models.CharField(max_length=250)
    period_start = models.DateField(help_text="Usually 1 April: plans run for financial years.")
    period_end = models.DateField()
    status = models.CharField(max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT)

    history = HistoricalRecords()

    class Meta:
        ordering = ["board", "-period_start", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gt=F("period_start")), name="plan_ends_after_it_starts"
            ),
            models.CheckConstraint(condition=Q(status__in=PlanStatus.values), name="plan_status_valid"),
            models.UniqueConstraint(
                fields=["board", "title", "period_start"], name="plan_unique_per_board_title_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.period_label}"

    def get_absolute_url(self) -> str:
        return reverse("plans:plan", kwargs={"pk": self.pk})

    @property
    def period_label(self) -> str:
        return f"{self.period_start:%B %Y} – {self.period_end:%B %Y}"


class PriorityArea(Versioned):
    plan = models.ForeignKey(BusinessPlan, on_delete=models.CASCADE, related_name="priority_areas")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=250)
    wider_plan_link = models.CharField(
        max_length=300,
        blank=True,
        help_text="A wider plan this area serves, e.g. Priority outcome 5 of the "
        "Children and Young People's Plan 2010–2013.",
    )
    lead = models.CharField(
        max_length=250,
        blank=True,
        help_text="The area's strategic lead or sponsor, as the plan names them (not an action's lead).",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="priority_area_number_unique_in_plan"),
            models.CheckConstraint(condition=Q(number__gte=1), name="priority_area_number_positive"),
        ]

    def __str__(self) -> str:
        return f"Priority Area {self.number} – {self.title}"

    def get_absolute_url(self) -> str:
        return self.plan.get_absolute_url() + f"#priority-area-{self.number}"


class Objective(Versioned):
    """What do we want to achieve? Numbered within the plan, e.g. 1.1."""

    priority_area = models.ForeignKey(PriorityArea, on_delete=models.CASCADE, related_name="objectives")
    number = models.CharField(max_length=20, help_text="As the plan numbers it, e.g. 1.1.")
    position = models.PositiveIntegerField(help_text="Order within the priority area.")
    description = models.TextField(verbose_name="What do we want to achieve?")

    history = HistoricalRecords()

    class Meta:
        ordering = ["priority_area", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["priority_area", "number"], name="objective_number_unique_in_priority_area"
            ),
            models.UniqueConstraint(
                fields=["priority_area", "position"], name="objective_position_unique_in_priority_area"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.description[:80]}"

    def get_absolute_url(self) -> str:
        return self.priority_area.plan.get_absolute_url() + f"#objective-{self.pk}"


class EvidenceSource(models.Model):
    """How was the issue identified? One source of evidence for an objective."""

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="evidence_sources")
    position = models.PositiveIntegerField()
    text = models.CharField(max_length=500)

    history = HistoricalRecords()

    class Meta:
        ordering = ["objective", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["objective", "position"], name="evidence_position_unique_in_objective"
            ),
        ]

    def __str__(self) -> str:
        return self.text

    def get_absolute_url(self) -> str:
        return self.objective.get_absolute_url()


class Status(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETE = "complete", "Complete"
    DEFERRED = "deferred", "Deferred"


class Rag(models.TextChoices):
    """Red/amber/green rating, with blue for complete; always shown as text too."""

    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"
    BLUE = "blue", "Blue (complete)"
    NOT_RATED = "", "Not rated"


# GOV.UK tag modifier for each rating; the tag always carries the word too.
RAG_TAG_CLASSES = {
    Rag.RED: "govuk-tag--red",
    Rag.AMBER: "govuk-tag--orange",
    Rag.GREEN: "govuk-tag--green",
    Rag.BLUE: "govuk-tag--blue",
    Rag.NOT_RATED: "govuk-tag--grey",
}


class DuePrecision(models.TextChoices):
    MONTH = "month", "Month"
    DAY = "day", "Day"


class Recurrence(models.TextChoices):
    """A timescale that is not one due date: kept as the plan wrote it, not flagged as unreadable."""

    ONCE = "", "Once (a due date)"
    ONGOING = "ongoing", "Ongoing"
    RECURRING = "recurring", "Recurring"


class ActionQuerySet(models.QuerySet):
    def open(self) -> ActionQuerySet:
        return self.exclude(status=Status.COMPLETE)

    def overdue(self, today: datetime.date) -> ActionQuerySet:
        return self.open().filter(due_date__lt=today)

    def with_latest_progress(self) -> ActionQuerySet:
        """Annotate the latest progress note in the same query (no N+1 per row)."""
        latest = ProgressUpdate.objects.filter(action=OuterRef("pk")).order_by("-date", "-pk")
        return self.annotate(
            latest_progress_text=Subquery(latest.values("text")[:1]),
            latest_progress_date=Subquery(latest.values("date")[:1]),
        )


class Action(Versioned):
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="actions")
    position = models.PositiveIntegerField(help_text="Order within the objective.")
    description = models.TextField(verbose_name="Agreed action")
    lead_role = models.CharField(
        max_length=250, verbose_name="Lead person", help_text="The lead's role, as the plan names it."
    )
    lead_sub_committee = models.ForeignKey(
        SubCommittee,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name="lead sub-committee",
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions_led",
        verbose_name="responsible person",
        help_text="The person who updates this action, when one is named.",
    )
    deferred_to = models.CharField(
        max_length=250, blank=True, help_text="Another body the lead has deferred the action to."
    )
    due_date = models.DateField(
        null=True, blank=True, help_text="For a month timescale, the last day of that month."
    )
    due_precision = models.CharField(max_length=5, choices=DuePrecision.choices, default=DuePrecision.MONTH)
    timescale_text = models.CharField(
        max_length=100, blank=True, help_text="The timescale as written in the source plan."
    )
    recurrence = models.CharField(
        max_length=10,
        choices=Recurrence.choices,
        blank=True,
        default=Recurrence.ONCE,
        help_text="Ongoing or recurring (e.g. quarterly) work; its timescale is kept as text.",
    )
    number = models.CharField(
        max_length=20, blank=True, help_text="The plan's own number for the action, e.g. 3.2, 1a or WS3P21."
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    rag = models.CharField(
        max_length=10, choices=Rag.choices, blank=True, default=Rag.NOT_RATED, verbose_name="RAG rating"
    )
    completed_on = models.DateField(null=True, blank=True)
    original_due_date = models.DateField(
        null=True,
        blank=True,
        help_text="The due date first agreed, kept when the due date changes (slippage is data).",
    )

    objects = ActionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["objective", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["objective", "position"], name="action_position_unique_in_objective"
            ),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="action_status_valid"),
            models.CheckConstraint(condition=Q(rag__in=Rag.values), name="action_rag_valid"),
            models.CheckConstraint(
                condition=Q(recurrence__in=Recurrence.values), name="action_recurrence_valid"
            ),
            models.CheckConstraint(
                condition=Q(due_precision__in=DuePrecision.values), name="action_due_precision_valid"
            ),
            models.CheckConstraint(
                condition=Q(status=Status.COMPLETE) | Q(completed_on__isnull=True),
                name="action_completed_on_only_when_complete",
            ),
        ]
        indexes = [
            # Reminder sweeps and "overdue" filters select open actions by due date.
            models.Index(fields=["status", "due_date"], name="action_status_due_idx"),
        ]

    def __str__(self) -> str:
        return self.description[:100]

    def get_absolute_url(self) -> str:
        return reverse("plans:action", kwargs={"pk": self.pk})

    @property
    def timescale(self) -> str:
        """The due date as the plan states it: "December 2011" for a month timescale."""
        if self.due_date is None:
            return self.timescale_text or "Not set"
        if self.due_precision == DuePrecision.MONTH:
            return f"{self.due_date:%B %Y}"
        return f"{self.due_date.day} {self.due_date:%B %Y}"

    @property
    def original_timescale(self) -> str:
        """The first agreed timescale, when the due date has changed since."""
        if self.original_due_date is None or self.original_due_date == self.due_date:
            return ""
        if self.due_precision == DuePrecision.MONTH:
            return f"{self.original_due_date:%B %Y}"
        return f"{self.original_due_date.day} {self.original_due_date:%B %Y}"

    @property
    def board(self) -> Board:
        return self.objective.priority_area.plan.board

    def is_overdue(self, today: datetime.date) -> bool:
        return self.status != Status.COMPLETE and self.due_date is not None and self.due_date < today

    @property
    def rag_tag_class(self) -> str:
        return RAG_TAG_CLASSES.get(self.rag, "govuk-tag--grey")

    @property
    def lead_display(self) -> str:
        if self.deferred_to:
            return f"{self.lead_role} (deferred to {self.deferred_to})"
        return self.lead_role


class ProgressUpdate(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="progress_updates")
    date = models.DateField()
    text = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="progress_updates",
        help_text="Empty for notes brought in from a source document.",
    )
    rag = models.CharField(max_length=10, choices=Rag.choices, blank=True, default=Rag.NOT_RATED)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["action", "-date", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(rag__in=Rag.values), name="progress_rag_valid"),
            models.CheckConstraint(condition=~Q(text=""), name="progress_text_not_empty"),
        ]
        indexes = [
            # The plan page's "latest progress" subquery.
            models.Index(fields=["action", "-date"], name="progress_latest_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d %B %Y}: {self.text[:60]}"

    def get_absolute_url(self) -> str:
        return self.action.get_absolute_url() + f"#progress-{self.pk}"

    @property
    def rag_tag_class(self) -> str:
        return RAG_TAG_CLASSES.get(self.rag, "govuk-tag--grey")


class Measure(Versioned):
    """An outcome measure for an objective, often a national indicator such as NI64."""

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="measures")
    action = models.ForeignKey(
        "Action",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="measures",
        help_text="Set when the plan gives the measure for one action rather than for the objective.",
    )
    position = models.PositiveIntegerField()
    description = models.TextField()
    indicator_code = models.CharField(
        max_length=20, blank=True, help_text="National or local indicator code, e.g. NI64."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["objective", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["objective", "position"], name="measure_position_unique_in_objective"
            ),
        ]

    def __str__(self) -> str:
        return self.description[:100]

    def get_absolute_url(self) -> str:
        return self.objective.get_absolute_url()


class DueDateChangeStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    APPROVED = "approved", "Approved"
    REFUSED = "refused", "Refused"


class DueDateChange(models.Model):
    """A change to an action's due date, with the reason: slippage kept as data.

    A chair asks (requested); a manager approves or refuses. A manager who moves
    the due date in the edit form records an approved change in the same step.
    """

    Status = DueDateChangeStatus

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="due_date_changes")
    old_due_date = models.DateField(null=True, blank=True)
    new_due_date = models.DateField()
    reason = models.TextField(max_length=2000)
    status = models.CharField(
        max_length=20, choices=DueDateChangeStatus.choices, default=DueDateChangeStatus.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["action", "-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=DueDateChangeStatus.values), name="due_date_change_status_valid"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="due_date_change_reason_not_empty"),
            # One open request per action: a second would race the first's decision.
            models.UniqueConstraint(
                fields=["action"],
                condition=Q(status=DueDateChangeStatus.REQUESTED),
                name="due_date_change_one_open_request_per_action",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action}: {self.old_due_date} → {self.new_due_date} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return self.action.get_absolute_url() + "#due-date-changes"


class ImportJobState(models.TextChoices):
    READING = "reading", "Reading the file"
    REFUSED = "refused", "The file was refused"
    PREVIEW = "preview", "Waiting for the mapping and preview to be confirmed"
    PREPARING = "preparing", "Preparing the preview"
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Importing"
    DONE = "done", "Imported"
    FAILED = "failed", "Failed"


class ImportJob(models.Model):
    """One upload of a plan file (plans/transfer): the text of its tables, the confirmed
    column mapping and the draft the preview showed, then the state of the write.

    The uploaded file is kept (as an ImportFile) only until the worker has read it; then
    only the text read from its cells stays. Jobs are purged after
    IMPORT_JOB_RETENTION_DAYS by a beat task (plans.transfer.tasks.purge_import_jobs).
    """

    State = ImportJobState

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="import_jobs")
    plan = models.ForeignKey(
        BusinessPlan,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="import_jobs",
        help_text="The plan imported into: chosen at upload, or created by the import.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="import_jobs"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(max_length=255)
    file_kind = models.CharField(max_length=10)
    new_plan = models.JSONField(default=dict, blank=True, help_text="Title and period of a plan to create.")
    progress_as_of = models.DateField(help_text="The date given to progress notes that carry no date.")
    extracted = models.JSONField(default=dict, help_text="The text of the file's tables.")
    mapping = models.JSONField(default=dict, blank=True, help_text="Normalised column heading → field.")
    draft = models.JSONField(null=True, blank=True, help_text="The previewed plan the import writes.")
    overrides = models.JSONField(
        default=dict,
        blank=True,
        help_text="Source rows the user re-read on the preview: where → “heading” or “skip”.",
    )
    state = models.CharField(max_length=10, choices=ImportJobState.choices, default=ImportJobState.PREVIEW)
    task_id = models.CharField(max_length=50, blank=True)
    work_requested_at = models.DateTimeField(
        null=True, blank=True, help_text="When the file's reading or the preview was last asked for."
    )
    work_sent_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When that work was handed to the worker; empty while Redis was unreachable.",
    )
    message = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=ImportJobState.values), name="import_job_state_valid"
            ),
        ]
        indexes = [
            # The daily purge deletes jobs older than the retention period.
            models.Index(fields=["created_at"], name="import_job_created_idx"),
        ]

    def __str__(self) -> str:
        return f"Import of {self.file_name} ({self.get_state_display()})"

    def get_absolute_url(self) -> str:
        return reverse("plans:transfer:job", kwargs={"pk": self.pk})


class ImportFile(models.Model):
    """The bytes of an uploaded plan file, kept only until the worker has read them.

    A row of its own so that loading an ImportJob never loads up to 20 MB of file.
    """

    job = models.OneToOneField(ImportJob, on_delete=models.CASCADE, primary_key=True, related_name="file")
    data = models.BinaryField()

    class Meta:
        ordering = ["job"]

    def __str__(self) -> str:
        return f"File of {self.job_id}"

    def get_absolute_url(self) -> str:
        return reverse("plans:transfer:job", kwargs={"pk": self.job_id})
