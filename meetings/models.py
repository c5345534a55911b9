"""Board meetings, their agendas, the formal board reports presented to them, the
decisions recorded against each item, and the actions arising that become plan actions."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from boards.models import Board
from boards.tokens import hash_token, new_token
from plans.models import Action, BusinessPlan

if TYPE_CHECKING:
    from .forms import DecisionForm


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user) -> MeetingQuerySet:
        return self.filter(board__in=Board.objects.visible_to(user))


class Meeting(models.Model):
    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="meetings")
    starts_at = models.DateTimeField(help_text="Date and start time (UK time).")
    ends_at = models.DateTimeField(null=True, blank=True, help_text="Leave empty if not known.")
    place = models.CharField(max_length=250, help_text="For example: Committee Room 1, Civic Centre.")
    title = models.CharField(max_length=250, blank=True, help_text='Defaults to "Meeting of the <board>".')
    illustrative_note = models.CharField(
        max_length=250,
        blank=True,
        help_text="Demo data only: which of the date, time and place the source does not give (shown as Illustrative).",
    )
    # The iCalendar UID: stable across edits, so calendar apps update the event rather than duplicate it.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MeetingQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["board", "-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")),
                name="meeting_ends_after_start",
            ),
        ]
        indexes = [
            # The board's meeting list and calendar feed select by board, ordered by date.
            models.Index(fields=["board", "starts_at"], name="meeting_board_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.display_title}, {self.starts_at:%d %B %Y}"

    def get_absolute_url(self) -> str:
        return reverse("meetings:meeting", kwargs={"pk": self.pk})

    @property
    def display_title(self) -> str:
        return self.title or f"Meeting of the {self.board.name}"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "Present"
    APOLOGIES = "apologies", "Apologies"
    ABSENT = "absent", "Absent"
    DEPUTY = "deputy", "Sent a deputy"


class AttendanceQuerySet(models.QuerySet):
    def attended(self) -> AttendanceQuerySet:
        """The member or their deputy was there: the agency was represented."""
        return self.filter(status__in=[AttendanceStatus.PRESENT, AttendanceStatus.DEPUTY])


class Attendance(models.Model):
    """Whether one member was at one meeting, and for which agency.

    The agency is copied from the membership when attendance is recorded, so a year's
    attendance by agency stays as it was even if the member later sits for another
    agency or leaves the board (meetings.attendance reads these rows).
    """

    Status = AttendanceStatus

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attendance",
        help_text="Empty once the person's account has been deleted; their name stays.",
    )
    member_name = models.CharField(max_length=200, help_text="The member's name when attendance was taken.")
    agency = models.ForeignKey(
        "boards.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attendance",
        help_text="The agency the member sat for at this meeting.",
    )
    status = models.CharField(max_length=20, choices=AttendanceStatus.choices)
    deputy_name = models.CharField(
        max_length=200, blank=True, help_text="Who attended in the member's place (and their role)."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)
    illustrative = models.BooleanField(
        default=False, help_text="Demo data only: the source does not record this attendance."
    )

    objects = AttendanceQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["recorded_at"])

    class Meta:
        ordering = ["meeting", "member_name", "pk"]
        verbose_name_plural = "attendance"
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"], name="attendance_once_per_member_and_meeting"
            ),
            models.CheckConstraint(
                condition=Q(status__in=AttendanceStatus.values), name="attendance_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status=AttendanceStatus.DEPUTY) | Q(deputy_name=""),
                name="attendance_deputy_name_only_for_deputy",
            ),
            models.CheckConstraint(condition=~Q(member_name=""), name="attendance_member_name_not_empty"),
        ]
        indexes = [
            # Attendance by agency over a year (meetings.attendance) selects by agency and meeting.
            models.Index(fields=["agency", "meeting"], name="attendance_agency_meeting_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.member_name}: {self.get_status_display()} ({self.meeting})"

    def get_absolute_url(self) -> str:
        return self.meeting.get_absolute_url() + "#attendance"


class BoardReport(models.Model):
    """A formal report to a board in the standard council format."""

    board = models.ForeignKey(
        Board,
        on_delete=models.PROTECT,
        related_name="reports",
        verbose_name="Report to",
        help_text="The board the report goes to.",
    )
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        help_text="The meeting it is presented at.",
    )
    title = models.CharField(max_length=300)
    report_of = models.CharField(
        max_length=300,
        verbose_name="Report of",
        help_text="The author's role, e.g. Executive Director People Services.",
    )
    purpose = models.TextField(verbose_name="Purpose of the report")
    background = models.TextField(blank=True)
    detail = models.TextField(blank=True, verbose_name="Current position / detail")
    financial_implications = models.TextField(blank=True)
    legal_implications = models.TextField(blank=True)
    risk_assessment = models.TextField(blank=True)
    consultation = models.TextField(blank=True)
    background_papers = models.TextField(blank=True)
    contact_name = models.CharField(max_length=200, blank=True, verbose_name="Contact officer")
    contact_role = models.CharField(max_length=200, blank=True, verbose_name="Contact officer's role")
    contact_phone = models.CharField(max_length=50, blank=True, verbose_name="Telephone")
    contact_email = models.EmailField(blank=True, verbose_name="E-mail")
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["board", "-updated_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:report", kwargs={"pk": self.pk})


class ReportRecommendation(models.Model):
    report = models.ForeignKey(BoardReport, on_delete=models.CASCADE, related_name="recommendations")
    position = models.PositiveSmallIntegerField()
    text = models.TextField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["report", "position"]
        constraints = [
            models.UniqueConstraint(fields=["report", "position"], name="recommendation_position_unique"),
            models.CheckConstraint(condition=~Q(text=""), name="recommendation_text_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.text[:80]}"

    def get_absolute_url(self) -> str:
        return self.report.get_absolute_url() + "#recommendations"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    presenter = models.CharField(max_length=200, blank=True, help_text="Who presents the item (a role).")
    report = models.ForeignKey(
        BoardReport, on_delete=models.SET_NULL, null=True, blank=True, related_name="agenda_items"
    )

    history = HistoricalRecords()

    # Not stored: meetings.views gives each item on a manager's meeting page its form.
    decision_form: DecisionForm

    class Meta:
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "position"], name="agenda_item_position_unique"),
            models.CheckConstraint(condition=Q(position__gte=1), name="agenda_item_position_positive"),
        ]

    def __str__(self) -> str:
        return f"Item {self.position}: {self.title}"

    def get_absolute_url(self) -> str:
        return self.meeting.get_absolute_url() + f"#item-{self.position}"


class DecisionKind(models.TextChoices):
    NOTED = "noted", "Noted"
    AGREED = "agreed", "Agreed"
    RECOMMENDED_TO = "recommended_to", "Recommended to"
    OTHER = "other", "Other"


class Decision(models.Model):
    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField(max_length=20, choices=DecisionKind.choices)
    text = models.TextField(help_text="What was decided, as minuted.")
    recommended_to = models.ForeignKey(
        Board,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recommendations_received",
        help_text='For "recommended to": the board the recommendation goes to.',
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    approved_plan = models.OneToOneField(
        BusinessPlan,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="approving_decision",
        help_text="The plan version this decision approved, named by the manager who approved it.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["agenda_item", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=DecisionKind.values), name="decision_kind_valid"),
            models.CheckConstraint(
                condition=~Q(kind=DecisionKind.RECOMMENDED_TO) | Q(recommended_to__isnull=False),
                name="decision_recommended_to_names_a_board",
            ),
            models.CheckConstraint(condition=~Q(text=""), name="decision_text_not_empty"),
        ]

    def __str__(self) -> str:
        if self.kind == DecisionKind.RECOMMENDED_TO and self.recommended_to is not None:
            return f"Recommended to {self.recommended_to.short_name}: {self.text[:80]}"
        return f"{self.get_kind_display()}: {self.text[:80]}"

    def get_absolute_url(self) -> str:
        return self.agenda_item.get_absolute_url()


class ActionArising(models.Model):
    """The link between a meeting's agenda item (and decision) and the plan action it created."""

    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="actions_arising")
    decision = models.ForeignKey(
        Decision, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions_arising"
    )
    action = models.OneToOneField(Action, on_delete=models.CASCADE, related_name="arising")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    # Not stored: meetings.queries.meetings_for_board adds it (whether the action's plan is
    # in force), for packs to leave out a draft's actions.
    action_in_force: bool

    class Meta:
        ordering = ["agenda_item", "created_at", "pk"]
        verbose_name_plural = "actions arising"

    def __str__(self) -> str:
        return f"{self.action} (from {self.agenda_item})"

    def get_absolute_url(self) -> str:
        return self.action.get_absolute_url()


class MeetingFeedTokenQuerySet(models.QuerySet):
    def active(self) -> MeetingFeedTokenQuerySet:
        return self.filter(revoked_at__isnull=True)


class MeetingFeedToken(models.Model):
    """The secret in a member's private address for one board's meetings calendar. Only
    its SHA-256 is stored (the address is shown once); the member can turn it off or make
    a new one, and it stops working when they leave the board."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meeting_feed_tokens"
    )
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="meeting_feed_tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = MeetingFeedTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "board"],
                condition=Q(revoked_at__isnull=True),
                name="meeting_feed_one_active_per_user_and_board",
            ),
        ]

    def __str__(self) -> str:
        state = "revoked" if self.revoked_at else "active"
        return f"Meetings calendar of {self.board} for {self.user} ({state})"

    def get_absolute_url(self) -> str:
        return reverse("meetings:board_meetings", args=[self.board.slug]) + "#calendar"

    @classmethod
    def issue(cls, user, board: Board) -> tuple[MeetingFeedToken, str]:
        """Revoke the user's active address for this board (if any) and make a new one;
        return it with its secret, which is never stored."""
        from django.db import transaction
        from django.utils import timezone

        token = new_token()
        with transaction.atomic():
            cls.objects.active().filter(user=user, board=board).update(revoked_at=timezone.now())
            feed = cls.objects.create(user=user, board=board, token_hash=hash_token(token))
        return feed, token

    @classmethod
    def find(cls, token: str) -> MeetingFeedToken | None:
        """The active token for this secret, if its user is still an active member of the board."""
        return (
            cls.objects.active()
            .filter(
                token_hash=hash_token(token),
                user__is_active=True,
                board__memberships__user_id=F("user_id"),
            )
            .select_related("board")
            .first()
        )
