"""Business plans: priority areas → objectives → actions with progress, and measures.

This is the seven-column table boards keep in Word: What do we want to achieve?
(objective) · How was the issue identified? (evidence) · Agreed action · Lead
person · Timescale · Progress · Measure.
"""

from __future__ import annotations

import datetime
import uuid
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import Case, Count, F, OuterRef, Q, Subquery, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from boards.models import Agency, Board, SubCommittee

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from .rows import RowCell


class Versioned(models.Model):
    """A row edited by several people: each save bumps ``version``.

    Edit forms carry the version they were based on; ``plans.editing`` refuses a
    save when the row has moved on since (no lost updates).
    """

    version = models.PositiveIntegerField(default=1, editable=False)

    # django-simple-history: every versioned model keeps ``history = HistoricalRecords()``,
    # and its save() reads who made the change and why from these attributes when they
    # are set (the library's documented way); none of them is stored on the row.
    history: Any
    _history_user: User | None
    _change_reason: str

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not self._state.adding:
            self.version = (self.version or 0) + 1
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        raise NotImplementedError("Each versioned model has its own page.")


# --- The plan's content version ----------------------------------------------
#
# BusinessPlan.content_version is bumped in the same transaction as every write that
# changes what the plan's page and exports show, so a rendered page or file can be cached
# under (plan, content_version) in the shared cache and never be served stale. Saves and
# deletes bump it through signals (plans.content_version); bulk writes that send no signals
# (QuerySet.update, bulk_create, bulk_update, also through simple-history's
# *_with_history helpers) bump it here. One indexed UPDATE by primary key: its cost does not
# grow with the plan or its history (FIELD-NOTES: counting history rows did).

# For each part of a plan: the field naming its parent, and the path from BusinessPlan to
# that parent (empty: the parent is the plan). Filled in below the models.
PLAN_PARENTS: dict[type[models.Model], tuple[str, str]] = {}


def bump_content_version(model: type[models.Model], parent_ids) -> None:
    """Bump the content version of the plans holding these parents of ``model`` rows
    (a list of ids, or a values() queryset, run as a subquery)."""
    path_from_plan = PLAN_PARENTS[model][1]
    lookup = f"{path_from_plan}__in" if path_from_plan else "pk__in"
    BusinessPlan._base_manager.filter(**{lookup: parent_ids}).update(content_version=F("content_version") + 1)


class PlanPartQuerySet(models.QuerySet):
    """Bulk writes to a part of a plan bump its plan's content version (see above)."""

    def _parent_field(self) -> str:
        return PLAN_PARENTS[self.model][0]

    def update(self, **kwargs) -> int:
        parent_field = self._parent_field()
        with transaction.atomic(using=self.db, savepoint=False):
            # The plans the rows are in before the write (a subquery, one statement)...
            bump_content_version(self.model, self.values(f"{parent_field}_id"))
            updated = super().update(**kwargs)
            # ...and the plan they move to, when the write moves them.
            for name in (parent_field, f"{parent_field}_id"):
                if name in kwargs and kwargs[name] is not None:
                    parent = kwargs[name]
                    bump_content_version(self.model, [getattr(parent, "pk", parent)])
        return updated

    def bulk_create(self, objs, *args, **kwargs):
        with transaction.atomic(using=self.db, savepoint=False):
            created = super().bulk_create(objs, *args, **kwargs)
            parent_ids = {getattr(obj, f"{self._parent_field()}_id") for obj in created}
            if parent_ids:
                bump_content_version(self.model, list(parent_ids))
        return created

    def bulk_update(self, objs, fields, *args, **kwargs) -> int:
        objs = list(objs)
        parent_field = self._parent_field()
        with transaction.atomic(using=self.db, savepoint=False):
            before = self.filter(pk__in=[obj.pk for obj in objs]).values(f"{parent_field}_id")
            bump_content_version(self.model, before)
            updated = super().bulk_update(objs, fields, *args, **kwargs)
            if parent_field in fields or f"{parent_field}_id" in fields:
                bump_content_version(self.model, list({getattr(obj, f"{parent_field}_id") for obj in objs}))
        return updated


PlanPartManager = models.Manager.from_queryset(PlanPartQuerySet)


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    APPROVED = "approved", "Approved"
    ARCHIVED = "archived", "Archived"


def in_force_q(plan_path: str = "") -> Q:
    """The one rule for what a board has agreed: a plan (reached through ``plan_path``,
    e.g. ``"objective__priority_area__plan__"``) that a manager approved and nobody has
    archived. Drafts and archived plans are not in force: their actions stay out of My
    actions, reminders, digests, calendar feeds, packs, pickers and board-page counts."""
    return Q(**{f"{plan_path}status": PlanStatus.APPROVED})


class BusinessPlanQuerySet(models.QuerySet):
    def update(self, **kwargs) -> int:
        """A bulk write to plans changes what their pages show: bump their content version."""
        kwargs.setdefault("content_version", F("content_version") + 1)
        return super().update(**kwargs)

    def in_force(self) -> BusinessPlanQuerySet:
        return self.filter(in_force_q())

    def with_action_counts(self, today: datetime.date) -> BusinessPlanQuerySet:
        """Each plan's count of actions, overdue and complete ones: counted for plans in
        force only (a draft's or an archived plan's counts are None), in this one query."""
        actions = "priority_areas__objectives__actions"
        counted = in_force_q()

        def count(condition: Q | None = None) -> Case:
            return Case(
                When(counted, then=Count(actions, filter=condition, distinct=True)),
                default=None,
                output_field=models.IntegerField(),
            )

        return self.annotate(
            action_count=count(),
            overdue_count=count(
                ~Q(**{f"{actions}__status": Status.COMPLETE}) & Q(**{f"{actions}__due_date__lt": today})
            ),
            complete_count=count(Q(**{f"{actions}__status": Status.COMPLETE})),
            # Statuses the source does not state (demo data): the counts above are illustrative.
            illustrative_count=count(Q(**{f"{actions}__rating_illustrative": True})),
        )


PLAN_OF_OBJECTIVE = "priority_area__plan__"
PLAN_OF_ACTION = "objective__priority_area__plan__"


class ObjectiveQuerySet(PlanPartQuerySet):
    def in_force(self) -> ObjectiveQuerySet:
        """Objectives of approved plans: where new actions (e.g. from a meeting) may go live."""
        return self.filter(in_force_q(PLAN_OF_OBJECTIVE))


class BusinessPlan(Versioned):
    """A board's business plan. It starts as a draft; a manager approves it (who, when,
    and optionally the meeting decision, recorded by the meetings app); a revision is a
    new draft copy that replaces this version when it is approved in turn."""

    Status = PlanStatus

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="plans")
    title = models.CharField(max_length=250)
    period_start = models.DateField(help_text="Usually 1 April: plans run for financial years.")
    period_end = models.DateField()
    status = models.CharField(max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    # Demo data only (plans.demo): the product shows only what the source states and
    # says so, once, wherever the plan is shown, exported or packed.
    dates_moved_years = models.PositiveSmallIntegerField(
        default=0,
        help_text="Demo data only: whole years the source's dates (progress notes included) were moved forward.",
    )
    illustrative_note = models.TextField(
        blank=True,
        help_text="Demo data only: what in this plan the source does not state, shown as “Illustrative”.",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plans_approved",
        help_text="The manager who approved this version (empty for a draft, or when not recorded).",
    )
    approved_at = models.DateTimeField(null=True, blank=True, help_text="When this version was approved.")
    approval_note = models.CharField(
        max_length=250,
        blank=True,
        help_text="How the approval was recorded when no manager approved it here, e.g. by the demo loader.",
    )
    revision_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="revisions",
        help_text="The approved version this draft revises; approving the draft archives that one.",
    )
    revision_number = models.PositiveSmallIntegerField(
        default=1, help_text="Version 1 is the first plan; each revision adds one."
    )
    content_version = models.PositiveBigIntegerField(
        default=1,
        editable=False,
        help_text="Bumped in the same transaction as every write that changes what the plan's page "
        "or exports show; cached pages and files are keyed on it.",
    )

    objects = BusinessPlanQuerySet.as_manager()
    # The content version is bookkeeping, not a change anyone made.
    history = HistoricalRecords(excluded_fields=["content_version"])

    # Not stored: plans.views._revision_links sets them for the plan page (the version being
    # drafted to replace this one, or the version that replaced it).
    draft_revision_pk: int | None
    draft_revision_number: int | None
    replaced_by_pk: int | None
    replaced_by_number: int | None
    # Not stored: reviews.panels.plan_page_annotations adds them to the plan page's plan.
    reviews_answers: bool
    reviews_monitored: bool

    class Meta:
        ordering = ["board", "-period_start", "title", "-revision_number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gt=F("period_start")), name="plan_ends_after_it_starts"
            ),
            models.CheckConstraint(condition=Q(status__in=PlanStatus.values), name="plan_status_valid"),
            models.UniqueConstraint(
                fields=["board", "title", "period_start", "revision_number"],
                name="plan_unique_per_board_title_start_revision",
            ),
            # An approved plan always says when it was approved.
            models.CheckConstraint(
                condition=~Q(status=PlanStatus.APPROVED) | Q(approved_at__isnull=False),
                name="plan_approved_has_approval_time",
            ),
            # One draft revision at a time: two would each archive the version in force.
            models.UniqueConstraint(
                fields=["revision_of"],
                condition=Q(status=PlanStatus.DRAFT),
                name="plan_one_draft_revision_at_a_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.period_label}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not self._state.adding:
            # Bumped by the database, never written from this (possibly stale) copy: a copy
            # loaded before someone else's write would otherwise set the number back.
            self.content_version = F("content_version") + 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "content_version"}
        super().save(*args, **kwargs)
        if not isinstance(self.__dict__.get("content_version"), int):
            # Read again from the database when next asked for.
            self.__dict__.pop("content_version", None)

    def get_absolute_url(self) -> str:
        return reverse("plans:plan", kwargs={"pk": self.pk})

    @property
    def period_label(self) -> str:
        return f"{self.period_start:%B %Y} – {self.period_end:%B %Y}"

    @property
    def dates_moved_note(self) -> str:
        """One plain sentence for a demo plan whose dates were moved forward, else ""."""
        if not self.dates_moved_years:
            return ""
        years = self.dates_moved_years
        start, end = self.period_start.year - years, self.period_end.year - years
        return (
            f"The demo's dates were moved forward by {years} year{'s' if years != 1 else ''} from the "
            f"{start}–{end} original, dates written in actions and progress notes included "
            "(the names of documents, such as Working Together 2010, are as the source gives them)."
        )

    @property
    def is_draft(self) -> bool:
        return self.status == PlanStatus.DRAFT

    @property
    def is_in_force(self) -> bool:
        return self.status == PlanStatus.APPROVED

    @property
    def status_tag_class(self) -> str:
        """GOV.UK tag modifier: a draft stands out in yellow, an archived plan is grey."""
        return PLAN_STATUS_TAG_CLASSES[self.status]


PLAN_STATUS_TAG_CLASSES: dict[str, str] = {
    PlanStatus.DRAFT: "govuk-tag--yellow",
    PlanStatus.APPROVED: "govuk-tag--green",
    PlanStatus.ARCHIVED: "govuk-tag--grey",
}


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

    objects = PlanPartManager()
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

    objects = ObjectiveQuerySet.as_manager()
    history = HistoricalRecords()

    # Not stored: plans.transfer.exporter lays out each objective's rows with them (the
    # evidence and measure cells, and each action row's own evidence and measures).
    evidence_cells: list[RowCell | None]
    measure_cells: list[RowCell | None]
    row_items: list[tuple[list[Any], list[Any]]]

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
    """How was the issue identified? One source of evidence for an objective, or for the
    row of actions the source plan ties it to (``actions``; none means the whole objective)."""

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="evidence_sources")
    position = models.PositiveIntegerField()
    text = models.CharField(max_length=500)
    actions: models.ManyToManyField[Action, Any] = models.ManyToManyField(
        "Action",
        blank=True,
        related_name="evidence_sources",
        help_text="The objective's actions this evidence is for, when not all of them.",
    )

    objects = PlanPartManager()
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
RAG_TAG_CLASSES: dict[str, str] = {
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


class ActionQuerySet(PlanPartQuerySet):
    def in_force(self) -> ActionQuerySet:
        """Actions of approved plans: every reader outside the plan's own pages starts here."""
        return self.filter(in_force_q(PLAN_OF_ACTION))

    def open(self) -> ActionQuerySet:
        return self.exclude(status=Status.COMPLETE)

    def overdue(self, today: datetime.date) -> ActionQuerySet:
        return self.open().filter(due_date__lt=today)

    def with_first_due_date(self) -> ActionQuerySet:
        """Annotate each action's first due date from its due-date ledger in the same
        query (Action.first_due_date reads it; no query per row on the plan page)."""
        first_move = DueDateChange.objects.filter(action=OuterRef("pk")).moves()
        return self.annotate(
            ledger_first_due_date=Coalesce(
                Subquery(first_move.values("old_due_date")[:1]),
                Subquery(first_move.values("new_due_date")[:1]),
            )
        )

    def with_latest_progress(self) -> ActionQuerySet:
        """Annotate the latest progress note in the same query (no N+1 per row)."""
        latest = ProgressUpdate.objects.filter(action=OuterRef("pk")).order_by(
            F("date").desc(nulls_last=True), "-pk"
        )
        return self.annotate(
            latest_progress_text=Subquery(latest.values("text")[:1]),
            latest_progress_date=Subquery(latest.values("date")[:1]),
            latest_progress_precision=Subquery(latest.values("date_precision")[:1]),
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
    lead_agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions_led",
        verbose_name="lead agency",
        help_text="The partner agency that leads the action, when the plan names one.",
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
    rating_illustrative = models.BooleanField(
        default=False,
        help_text="Demo data only: the source states no status or RAG rating; the demo set them. "
        "Cleared when anyone changes either.",
    )
    copied_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="copies",
        help_text="In a revision of a plan: the action of the version it revises.",
    )

    objects = ActionQuerySet.as_manager()
    history = HistoricalRecords()

    # Not stored: ActionQuerySet.with_latest_progress() adds them (latest_progress_label reads them).
    latest_progress_text: str | None
    latest_progress_date: datetime.date | None
    latest_progress_precision: str | None
    # Not stored: ActionQuerySet.with_first_due_date() adds it, or the action page sets it
    # from the ledger it shows (first_due_date reads it).
    ledger_first_due_date: datetime.date | None
    # Not stored: the demo loaders set it on their own writes, which keep a demo rating
    # illustrative (save() reads it with getattr, so other writes need not set it).
    written_by_demo: bool

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
            # Blue is the rating of a complete action and of nothing else, so a status and
            # a RAG rating can never contradict each other (plans.editing.apply_status).
            models.CheckConstraint(
                condition=Q(status=Status.COMPLETE, rag=Rag.BLUE)
                | (~Q(status=Status.COMPLETE) & ~Q(rag=Rag.BLUE)),
                name="action_complete_if_and_only_if_blue",
            ),
        ]
        indexes = [
            # Reminder sweeps and "overdue" filters select open actions by due date.
            models.Index(fields=["status", "due_date"], name="action_status_due_idx"),
        ]

    def __str__(self) -> str:
        return self.description[:100]

    def save(self, *args, **kwargs) -> None:
        # A demo rating is illustrative only until someone rates the action: any write
        # path that changes the status or RAG through save() makes it a real rating. The
        # demo loader marks its own writes (``written_by_demo``), which keep the flag.
        loaded = getattr(self, "_loaded_rating", None)
        changed = loaded is not None and loaded != (self.status, self.rag)
        if self.rating_illustrative and changed and not getattr(self, "written_by_demo", False):
            self.rating_illustrative = False
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "rating_illustrative"}
        super().save(*args, **kwargs)
        self._loaded_rating = (self.status, self.rag)

    def get_absolute_url(self) -> str:
        return reverse("plans:action", kwargs={"pk": self.pk})

    @classmethod
    def from_db(cls, db, field_names, values):
        action = super().from_db(db, field_names, values)
        action._loaded_rating = (action.__dict__.get("status"), action.__dict__.get("rag"))
        return action

    @property
    def latest_progress_label(self) -> str:
        """The row's latest note date (needs ``with_latest_progress``)."""
        return note_date_label(self.latest_progress_date, self.latest_progress_precision or "day")

    @property
    def timescale(self) -> str:
        """The due date as the plan states it: "December 2011" for a month timescale."""
        if self.due_date is None:
            return self.timescale_text or "Not set"
        if self.due_precision == DuePrecision.MONTH:
            return f"{self.due_date:%B %Y}"
        return f"{self.due_date.day} {self.due_date:%B %Y}"

    @property
    def first_due_date(self) -> datetime.date | None:
        """The first due date the action had, from its due-date ledger (DueDateChange).

        Querysets made with ``with_first_due_date()`` carry it; otherwise it costs a query.
        """
        if hasattr(self, "ledger_first_due_date"):
            recorded = self.ledger_first_due_date
        else:
            first = DueDateChange.objects.filter(action=self).moves().first()
            recorded = None if first is None else (first.old_due_date or first.new_due_date)
        return recorded if recorded is not None else self.due_date

    @property
    def original_timescale(self) -> str:
        """The first agreed timescale, when the due date has changed since."""
        first = self.first_due_date
        if first is None or first == self.due_date:
            return ""
        if self.due_precision == DuePrecision.MONTH:
            return f"{first:%B %Y}"
        return f"{first.day} {first:%B %Y}"

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


class NoteDatePrecision(models.TextChoices):
    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"


class ProgressUpdate(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="progress_updates")
    date = models.DateField(
        null=True,
        blank=True,
        help_text="Empty when the source gives the note without a date. A month or year is kept as its last day.",
    )
    date_precision = models.CharField(
        max_length=5,
        choices=NoteDatePrecision.choices,
        default=NoteDatePrecision.DAY,
        help_text="How much of the date the source states: “June 2011” is a month.",
    )
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

    objects = PlanPartManager()
    history = HistoricalRecords()

    class Meta:
        # Undated notes (from a source that gives none) sort after the dated ones.
        ordering = ["action", F("date").desc(nulls_last=True), "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(rag__in=Rag.values), name="progress_rag_valid"),
            models.CheckConstraint(
                condition=Q(date_precision__in=NoteDatePrecision.values), name="progress_date_precision_valid"
            ),
            models.CheckConstraint(condition=~Q(text=""), name="progress_text_not_empty"),
        ]
        indexes = [
            # The plan page's "latest progress" subquery.
            models.Index(fields=["action", "-date"], name="progress_latest_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.date_label}: {self.text[:60]}"

    def get_absolute_url(self) -> str:
        return self.action.get_absolute_url() + f"#progress-{self.pk}"

    @property
    def date_label(self) -> str:
        return note_date_label(self.date, self.date_precision)

    @property
    def date_iso(self) -> str:
        """For <time datetime>: as precise as the source, e.g. "2011-06" for June 2011."""
        if self.date is None:
            return ""
        if self.date_precision == NoteDatePrecision.YEAR:
            return f"{self.date:%Y}"
        if self.date_precision == NoteDatePrecision.MONTH:
            return f"{self.date:%Y-%m}"
        return self.date.isoformat()

    @property
    def rag_tag_class(self) -> str:
        return RAG_TAG_CLASSES.get(self.rag, "govuk-tag--grey")


class Measure(Versioned):
    """An outcome measure for an objective, often a national indicator such as NI64.

    The source plan's Measure column is per row: a measure may belong to one action
    (``action``) rather than to the whole objective (plans.rows lays them out)."""

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

    objects = PlanPartManager()
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


def note_date_label(date: datetime.date | None, precision: str = NoteDatePrecision.DAY) -> str:
    """A progress note's date as the source states it: "25 July 2011", "June 2011", "2010"."""
    if date is None:
        return "date not recorded"
    if precision == NoteDatePrecision.YEAR:
        return f"{date.year}"
    if precision == NoteDatePrecision.MONTH:
        return f"{date:%B %Y}"
    return f"{date.day} {date:%B %Y}"


class DueDateChangeKind(models.TextChoices):
    REQUESTED = "requested", "Requested"
    APPROVED = "approved", "Request approved"
    REFUSED = "refused", "Request refused"
    CHANGED = "changed", "Changed by a manager"
    REVERTED = "reverted", "Reverted from the history"
    IMPORTED = "imported", "Changed by a bulk import"


# The kinds of entry that moved the due date (a request and a refusal did not).
MOVING_KINDS = (
    DueDateChangeKind.APPROVED,
    DueDateChangeKind.CHANGED,
    DueDateChangeKind.REVERTED,
    DueDateChangeKind.IMPORTED,
)


class DueDateChangeQuerySet(PlanPartQuerySet):
    def moves(self) -> DueDateChangeQuerySet:
        """Entries that moved the due date, oldest first: the action's due-date history."""
        return self.filter(kind__in=MOVING_KINDS).order_by("action", "made_at", "pk")

    def standing_moves(self) -> DueDateChangeQuerySet:
        """Moves that still stand: a move later undone by a revert, and the revert itself,
        cancel out (a slip that was reverted as a mistake is not a slipped deadline)."""
        return self.moves().filter(reversal__isnull=True, reverses__isnull=True)

    def open_requests(self) -> DueDateChangeQuerySet:
        return self.filter(kind=DueDateChangeKind.REQUESTED, decision__isnull=True)


class DueDateChange(models.Model):
    """One entry in an action's due-date ledger: slippage kept as data.

    The ledger is only ever added to. A chair's request is one entry; the manager's
    approval or refusal is another that points at it; a manager's own change, a revert
    from the history page (pointing at the entry it reverses) and a bulk import that
    moves the date are entries too. Everything that shows a due date's past (the action
    page, the plan page's "Originally …", board packs' original due dates and slipped
    deadlines) reads this table, through ``plans.due_dates``.
    """

    Kind = DueDateChangeKind

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="due_date_changes")
    kind = models.CharField(max_length=20, choices=DueDateChangeKind.choices)
    old_due_date = models.DateField(null=True, blank=True)
    new_due_date = models.DateField(null=True, blank=True)
    reason = models.TextField(max_length=2000, blank=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    made_at = models.DateTimeField(default=timezone.now)
    request = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decision",
        help_text="For an approval or refusal: the request it decides (one decision per request).",
    )
    reverses = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversal",
        help_text="For a revert: the entry whose move it undoes.",
    )

    objects = DueDateChangeQuerySet.as_manager()

    class Meta:
        ordering = ["action", "made_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=DueDateChangeKind.values), name="due_date_change_kind_valid"
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=[DueDateChangeKind.REQUESTED, DueDateChangeKind.CHANGED])
                | ~Q(reason=""),
                name="due_date_change_reason_when_asked_or_changed",
            ),
            models.CheckConstraint(
                condition=~Q(
                    kind__in=[
                        DueDateChangeKind.REQUESTED,
                        DueDateChangeKind.APPROVED,
                        DueDateChangeKind.CHANGED,
                    ]
                )
                | Q(new_due_date__isnull=False),
                name="due_date_change_new_date_when_asked",
            ),
            models.CheckConstraint(
                condition=Q(
                    kind__in=[DueDateChangeKind.APPROVED, DueDateChangeKind.REFUSED], request__isnull=False
                )
                | (
                    ~Q(kind__in=[DueDateChangeKind.APPROVED, DueDateChangeKind.REFUSED])
                    & Q(request__isnull=True)
                ),
                name="due_date_change_decision_names_its_request",
            ),
            models.CheckConstraint(
                condition=Q(kind=DueDateChangeKind.REVERTED) | Q(reverses__isnull=True),
                name="due_date_change_only_a_revert_reverses",
            ),
        ]
        indexes = [
            # Packs' "slipped deadlines" select the moves made in a period.
            models.Index(fields=["kind", "made_at"], name="due_date_change_kind_when_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.action}: {self.old_due_date} → {self.new_due_date} ({self.get_kind_display()})"

    def get_absolute_url(self) -> str:
        return self.action.get_absolute_url() + "#due-date-changes"

    @property
    def moves_date(self) -> bool:
        return self.kind in MOVING_KINDS

    @property
    def stated_reason(self) -> str:
        """The reason for the move: an approval carries the reason of its request."""
        if self.reason or self.request is None:
            return self.reason
        return self.request.reason

    @property
    def reason_shown(self) -> str:
        """The Reason column's words. A revert's own reason is written by the system, not
        given by anyone, so its row says where the date went back to and which change (with
        that change's reason) it undid, not "Reason given: Reverted the change …"."""
        if self.kind != DueDateChangeKind.REVERTED:
            return self.stated_reason
        back_to = f"{self.new_due_date.day} {self.new_due_date:%B %Y}" if self.new_due_date else "no due date"
        undone = self.reverses
        if undone is None:
            return f"Reverted to {back_to} ({self.reason})" if self.reason else f"Reverted to {back_to}"
        when = timezone.localtime(undone.made_at)
        said = f" (“{undone.stated_reason}”)" if undone.stated_reason else ""
        return f"Reverted to {back_to}: the change of {when.day} {when:%B %Y}{said} was undone"

    @property
    def is_open_request(self) -> bool:
        """A request no manager has decided yet (load with select_related("decision"))."""
        if self.kind != DueDateChangeKind.REQUESTED:
            return False
        try:
            self.decision  # noqa: B018 (the reverse one-to-one raises when there is none)
        except DueDateChange.DoesNotExist:
            return True
        return False


PLAN_PARENTS.update(
    {
        PriorityArea: ("plan", ""),
        Objective: ("priority_area", "priority_areas"),
        EvidenceSource: ("objective", "priority_areas__objectives"),
        Measure: ("objective", "priority_areas__objectives"),
        Action: ("objective", "priority_areas__objectives"),
        ProgressUpdate: ("action", "priority_areas__objectives__actions"),
        DueDateChange: ("action", "priority_areas__objectives__actions"),
    }
)


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
        null=True, blank=True, help_text="When the preview was last asked for (it is made in the worker)."
    )
    sent_to_worker_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When its read or write was last sent to the worker; empty while Redis was down.",
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
