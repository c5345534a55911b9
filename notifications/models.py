"""Reminders sent (the exactly-once ledger), the in-app notification list,
each user's preferences and their private calendar feed tokens."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

from boards.models import Board
from boards.tokens import hash_token, new_token
from plans.models import Action
from reviews.models import Review


class ReminderKind(models.TextChoices):
    OVERDUE = "overdue", "Overdue"
    DUE_SOON = "due_soon", "Due soon"
    ESCALATION_MANAGER = "escalation_manager", "Escalation to the board's managers"
    ESCALATION_CHAIR = "escalation_chair", "Escalation to the independent chair"
    DIGEST = "digest", "Weekly digest"
    # Case-review clocks (reviews.clocks): to the managers of the boards a review reports to,
    # and a breach also to their independent chairs.
    CLOCK_DUE_SOON = "clock_due_soon", "Review clock due soon"
    CLOCK_BREACHED = "clock_breached", "Review clock breached"
    CLOCK_ESCALATION = "clock_escalation", "Review clock breach escalated to the independent chair"
    # Frameworks of cooperation (notifications.framework_consent): in-app only, no e-mail.
    FRAMEWORK_CONSENT = "framework_consent", "A framework asks your board's consent"
    FRAMEWORK_CONSENTED = "framework_consented", "A board agreed to be bound by a framework"


CLOCK_REMINDER_KINDS = (
    ReminderKind.CLOCK_DUE_SOON,
    ReminderKind.CLOCK_BREACHED,
    ReminderKind.CLOCK_ESCALATION,
)


class ClaimStatus(models.TextChoices):
    CLAIMED = "claimed", "Claimed"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class SentReminder(models.Model):
    """One reminder about one action (or one digest about one board) to one person on one day.

    The unique constraints are what make sending exactly-once: a task claims its
    reminders by inserting these rows before it sends, and a second task (a
    retried one, a second beat, another worker) cannot insert them again.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sent_reminders"
    )
    kind = models.CharField(max_length=20, choices=ReminderKind.choices)
    action = models.ForeignKey(
        Action,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sent_reminders",
        help_text="Empty for a digest, which is about a whole board.",
    )
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="sent_reminders")
    day = models.DateField(help_text="The day the reminder is for (the sweep's date).")
    status = models.CharField(max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.CLAIMED)
    attempts = models.PositiveSmallIntegerField(default=0, help_text="Sending attempts so far.")
    claimed_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-day", "recipient", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "action", "day"],
                condition=Q(action__isnull=False),
                name="sent_reminder_once_per_action_day",
            ),
            # NULLs are distinct in a unique index, so a digest (no action) needs its own.
            models.UniqueConstraint(
                fields=["recipient", "kind", "board", "day"],
                condition=Q(action__isnull=True),
                name="sent_reminder_digest_once_per_board_day",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ReminderKind.values), name="sent_reminder_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ClaimStatus.values), name="sent_reminder_status_valid"
            ),
            models.CheckConstraint(
                condition=(Q(kind=ReminderKind.DIGEST) & Q(action__isnull=True))
                | (~Q(kind=ReminderKind.DIGEST) & Q(action__isnull=False)),
                name="sent_reminder_action_iff_not_digest",
            ),
            models.CheckConstraint(
                condition=Q(status=ClaimStatus.SENT, sent_at__isnull=False) | ~Q(status=ClaimStatus.SENT),
                name="sent_reminder_sent_has_time",
            ),
        ]
        indexes = [
            # "Already escalated / reminded since?" subqueries in notifications.selection.
            models.Index(fields=["action", "kind", "status", "day"], name="sent_reminder_action_kind_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.recipient} on {self.day} ({self.status})"

    def get_absolute_url(self) -> str:
        if self.action_id:
            return reverse("plans:action", kwargs={"pk": self.action_id})
        return reverse("boards:board", kwargs={"slug": self.board.slug})


class SentClockReminder(models.Model):
    """One reminder about one clock of one review, for one due date, to one person.

    The unique constraint makes clock reminders exactly-once: a clock is reminded of once
    as due soon, once as breached, and escalated once, however many days the sweep runs
    and however many workers try. A corrected start date gives a new due date, which may
    be reminded of again.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sent_clock_reminders"
    )
    kind = models.CharField(max_length=20, choices=ReminderKind.choices)
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="sent_clock_reminders")
    clock = models.CharField(max_length=30, help_text="The clock's key in reviews.clocks.RULES.")
    due = models.DateField(help_text="The clock's due date when the reminder was claimed.")
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="sent_clock_reminders")
    day = models.DateField(help_text="The sweep's date.")
    status = models.CharField(max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.CLAIMED)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-day", "recipient", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "review", "clock", "due"], name="sent_clock_reminder_once"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[kind.value for kind in CLOCK_REMINDER_KINDS]),
                name="sent_clock_reminder_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ClaimStatus.values), name="sent_clock_reminder_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status=ClaimStatus.SENT, sent_at__isnull=False) | ~Q(status=ClaimStatus.SENT),
                name="sent_clock_reminder_sent_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.clock}, due {self.due}) to {self.recipient} ({self.status})"

    def get_absolute_url(self) -> str:
        return self.review.get_absolute_url() + "#clocks"


class NotificationQuerySet(models.QuerySet):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """An entry in a user's in-app list: the same reminders they get by e-mail."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=20, choices=ReminderKind.choices)
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="notifications")
    text = models.CharField(max_length=500)
    link = models.CharField(max_length=300, help_text="A path on this site, e.g. /plans/actions/12/.")
    created = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ReminderKind.values), name="notification_kind_valid"),
            # Only site-relative links: a notification never points off the site.
            models.CheckConstraint(condition=Q(link__startswith="/"), name="notification_link_is_a_path"),
        ]
        indexes = [
            # The header's unread count and the list page, both filtered by user.
            models.Index(fields=["user", "read_at"], name="notification_user_unread_idx"),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    def get_absolute_url(self) -> str:
        return self.link


class NotificationPreference(models.Model):
    """What a user has chosen to receive. Overdue reminders and escalations cannot be turned off."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    overdue = models.BooleanField(
        default=True, editable=False, help_text="Always on: overdue reminders cannot be turned off."
    )
    due_soon = models.BooleanField(default=True, verbose_name="Due-soon reminders")
    digest = models.BooleanField(default=True, verbose_name="Weekly digest (board managers)")

    class Meta:
        ordering = ["user"]
        constraints = [
            models.CheckConstraint(condition=Q(overdue=True), name="preference_overdue_always_on"),
        ]

    def __str__(self) -> str:
        return f"Notification preferences of {self.user}"

    def get_absolute_url(self) -> str:
        return reverse("notifications:preferences")

    def clean(self) -> None:
        if not self.overdue:
            raise ValidationError("Overdue reminders cannot be turned off.")


hash_feed_token = hash_token


class CalendarFeedTokenQuerySet(models.QuerySet):
    def active(self) -> CalendarFeedTokenQuerySet:
        return self.filter(revoked_at__isnull=True)


class CalendarFeedToken(models.Model):
    """The secret in a user's private calendar feed URL. Only its SHA-256 is stored,
    so the URL is shown once, when it is made; a leaked database does not leak feeds."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed_tokens"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = CalendarFeedTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(revoked_at__isnull=True),
                name="calendar_feed_one_active_per_user",
            ),
        ]

    def __str__(self) -> str:
        state = "revoked" if self.revoked_at else "active"
        return f"Calendar feed of {self.user} ({state})"

    def get_absolute_url(self) -> str:
        return reverse("notifications:preferences")

    @classmethod
    def issue(cls, user) -> tuple[CalendarFeedToken, str]:
        """Revoke the user's active token (if any) and make a new one; return it with its secret."""
        from django.utils import timezone

        token = new_token()
        cls.objects.active().filter(user=user).update(revoked_at=timezone.now())
        return cls.objects.create(user=user, token_hash=hash_feed_token(token)), token
