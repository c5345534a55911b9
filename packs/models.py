"""Board packs: a PDF for one board and one period, made from a frozen snapshot.

The snapshot (JSON) holds every figure the pack shows: RAG ratings, statuses,
progress, due dates, indicator values and what changed since the previous pack.
The PDF is rendered from the snapshot alone, so an old pack can be reprinted
exactly as the board saw it, and the next pack can compare itself with it.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.functional import cached_property

from boards.models import Board

from .periods import PackPeriod, PeriodKind


class PackStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    GATHERING = "gathering", "Gathering data"
    RENDERING = "rendering", "Rendering the PDF"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


FINISHED = (PackStatus.DONE, PackStatus.FAILED)


def pack_upload_to(pack: BoardPack, filename: str) -> str:
    # Under MEDIA_ROOT, which is never served directly: downloads go through a view that checks membership.
    return f"packs/{pack.board.slug}/{filename}"


class BoardPackQuerySet(models.QuerySet):
    def done(self) -> BoardPackQuerySet:
        return self.filter(status=PackStatus.DONE)

    def issued(self) -> BoardPackQuerySet:
        """Packs the board has been given: made to the end. "What changed since the last
        pack" compares with the latest of these, whatever its kind."""
        return self.done()


class BoardPack(models.Model):
    Status = PackStatus
    PeriodKind = PeriodKind

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="packs")
    period_kind = models.CharField(max_length=10, choices=PeriodKind.choices, default=PeriodKind.QUARTER)
    period_start = models.DateField()
    period_end = models.DateField()
    period_label = models.CharField(max_length=120)
    title = models.CharField(max_length=250)
    status = models.CharField(max_length=10, choices=PackStatus.choices, default=PackStatus.QUEUED)
    progress_message = models.CharField(max_length=250, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="board_packs"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveSmallIntegerField(
        default=0,
        help_text="How many times a worker started making it (a killed worker's task is redelivered).",
    )
    sent_to_worker_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the worker was sent this pack; empty while Redis was unreachable.",
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    input_hash = models.CharField(max_length=64, help_text="sha256 of the canonical JSON of the snapshot.")
    snapshot = models.JSONField(help_text="Everything the pack shows, frozen when it was requested.")
    pdf = models.FileField(upload_to=pack_upload_to, blank=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    # The full plan is a separate PDF, the annex, laid out by its own task at the same time
    # as the pack (one process cannot lay out a 1,000-action plan's 250 pages in 20 s). The
    # pack links to it; the pack is done only when both files are stored.
    has_annex = models.BooleanField(
        default=False, help_text="Whether the pack has a full-plan annex (set when its making starts)."
    )
    annex_pdf = models.FileField(upload_to=pack_upload_to, blank=True)
    annex_pages = models.PositiveIntegerField(null=True, blank=True)
    annex_sent_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the annex's task was last sent to the queue (send_unsent_packs resends a lost one).",
    )
    annex_attempts = models.PositiveSmallIntegerField(
        default=0, help_text="How many times a worker started making the annex."
    )
    parts_progress = models.JSONField(
        default=dict,
        blank=True,
        help_text="What each part (pack, annex) is doing now; progress_message says both.",
    )
    error = models.TextField(blank=True)

    objects = BoardPackQuerySet.as_manager()

    class Meta:
        ordering = ["board", "-period_end", "-created_at"]
        constraints = [
            # One live pack per set of inputs: a second identical request gets the first.
            models.UniqueConstraint(
                fields=["board", "input_hash"],
                condition=~Q(status="failed"),
                name="pack_unique_inputs_per_board",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="pack_period_ordered"
            ),
            models.CheckConstraint(condition=Q(status__in=PackStatus.values), name="pack_status_valid"),
            models.CheckConstraint(
                condition=Q(period_kind__in=PeriodKind.values), name="pack_period_kind_valid"
            ),
        ]
        indexes = [
            # A board's packs by status, latest period first: the pack list and the previous issued pack.
            models.Index(fields=["board", "status", "-period_end"], name="pack_previous_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("packs:pack", kwargs={"pk": self.pk})

    @property
    def period(self) -> PackPeriod:
        return PackPeriod(self.period_kind, self.period_start, self.period_end, self.period_label)

    @property
    def as_of(self) -> datetime.date:
        """The day the snapshot was taken: the position the pack shows."""
        return datetime.date.fromisoformat(self.snapshot["as_of"])

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED

    @cached_property
    def file_is_missing(self) -> bool:
        """Done, but its PDF or its annex is not in storage (lost, or a restore without the
        files): the pack page must not say it is ready."""
        if self.status != PackStatus.DONE:
            return False
        files = [self.pdf, self.annex_pdf] if self.has_annex else [self.pdf]
        return not all(file.name and file.storage.exists(file.name) for file in files)

    @property
    def filename(self) -> str:
        return f"{self.board.slug}-pack-{self.period_start:%Y-%m}-{self.pk}.pdf"

    @property
    def annex_filename(self) -> str:
        return f"{self.board.slug}-pack-{self.period_start:%Y-%m}-{self.pk}-annex-full-plan.pdf"

    def get_annex_url(self) -> str:
        return reverse("packs:annex", kwargs={"pk": self.pk})


class SharedPartState(models.TextChoices):
    OFFERED = "offered", "Offered to the annex's process"
    CLAIMED = "claimed", "Being laid out by the annex's process"
    DONE = "done", "Laid out by the annex's process"
    FAILED = "failed", "Failed in the annex's process"
    TAKEN_BACK = "taken_back", "Taken back by the pack's process"


def shared_part_upload_to(part: SharedPart, filename: str) -> str:
    return f"packs/{part.pack.board.slug}/parts/{filename}"


class SharedPart(models.Model):
    """One part of a board pack's PDF that the worker process making the pack offers to the
    process making its annex, which has less to lay out (packs.sharing). It lives while the
    pack is being made: deleted, with its file, once the pack's parts are joined."""

    State = SharedPartState

    pack = models.OneToOneField(BoardPack, on_delete=models.CASCADE, related_name="shared_part")
    offer = models.UUIDField(help_text="Which offer: each attempt at the pack makes a new one.")
    number = models.PositiveSmallIntegerField(help_text="The part's place in the pack, from 0.")
    html = models.TextField()
    css = models.TextField(blank=True, help_text="What the part is laid out with besides print.css.")
    state = models.CharField(max_length=12, choices=SharedPartState.choices, default=SharedPartState.OFFERED)
    offered_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    pdf = models.FileField(upload_to=shared_part_upload_to, blank=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    anchors = models.JSONField(
        default=dict, blank=True, help_text="Anchor name → its page in the part, from 0."
    )
    landscape = models.JSONField(default=list, blank=True, help_text="Whether each page is landscape.")

    class Meta:
        ordering = ["pack", "number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=SharedPartState.values), name="shared_part_state_valid"
            ),
            models.CheckConstraint(
                condition=~Q(state=SharedPartState.DONE) | Q(pages__isnull=False) & ~Q(pdf=""),
                name="shared_part_done_has_its_file",
            ),
            models.CheckConstraint(
                condition=Q(claimed_at__isnull=True) | ~Q(state=SharedPartState.OFFERED),
                name="shared_part_offered_unclaimed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pack}: part {self.number + 1} ({self.get_state_display().lower()})"

    def get_absolute_url(self) -> str:
        return self.pack.get_absolute_url()
