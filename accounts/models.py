"""Accounts: invitations to join a board (and, below, how people sign in)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from boards.models import Board, Role


class InvitationQuerySet(models.QuerySet):
    def pending(self) -> InvitationQuerySet:
        """Neither accepted nor revoked (it may still have expired)."""
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True)


class Invitation(models.Model):
    """A manager's invitation to join a board, sent by e-mail.

    Only a SHA-256 hash of the token is stored: the link in the e-mail is the
    only copy of the token, so a leaked database does not leak usable links.
    """

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(help_text="Stored lower-cased.")
    role = models.CharField(max_length=20, choices=Role.choices)
    job_title = models.CharField(
        max_length=200, blank=True, help_text="Copied to the membership on acceptance."
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="invitations_sent"
    )
    token_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the token in the link.")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(help_text="When the latest e-mail was sent (resending renews the link).")
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations_accepted",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        # Kept from when invitations lived in the boards app (migration 0001 moved only the state).
        db_table = "boards_invitation"
        ordering = ["board", "-created_at"]
        constraints = [
            # One live invitation per address and board: inviting again renews it.
            models.UniqueConstraint(
                fields=["board", "email"],
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_pending_per_board_and_email",
            ),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="invitation_role_valid"),
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(revoked_at__isnull=True),
                name="invitation_not_both_accepted_and_revoked",
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation of {self.email} to {self.board.short_name} as {self.get_role_display().lower()}"

    def get_absolute_url(self) -> str:
        return reverse("accounts:invitations", kwargs={"slug": self.board.slug})

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None

    def is_expired(self, now=None) -> bool:
        return (now or timezone.now()) >= self.expires_at

    @property
    def state(self) -> str:
        if self.accepted_at:
            return "Accepted"
        if self.revoked_at:
            return "Withdrawn"
        if self.is_expired():
            return "Expired"
        return "Waiting"
