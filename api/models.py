"""Personal access tokens for the REST API.

A user makes a token on their API access page, for some of their boards, to read or to
read and write, with an expiry. The secret is shown once and only its SHA-256 is stored,
so it cannot be read back from the database or derived from ``SECRET_KEY``. What a token
may reach is always the intersection of its boards and the boards its owner holds a role
on *now* (the page access helpers decide), so removing a membership ends the token's reach
there at once.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from boards.models import Board

# Secrets start with this, so a leaked one is recognisable (secret scanners, logs).
TOKEN_PREFIX = "sbp_"


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class TokenAccess(models.TextChoices):
    READ = "read", "Read only"
    WRITE = "write", "Read and write"


class ApiTokenQuerySet(models.QuerySet):
    def active(self, now: datetime.datetime | None = None) -> ApiTokenQuerySet:
        """Neither revoked nor expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=now or timezone.now())


class ApiToken(models.Model):
    Access = TokenAccess

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. “Power BI dashboard”.")
    token_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the secret, in hex.")
    # The first characters of the secret after the prefix: enough for the owner to tell
    # two tokens apart, far too few to guess the rest.
    hint = models.CharField(max_length=12)
    boards = models.ManyToManyField(Board, related_name="api_tokens")
    access = models.CharField(max_length=10, choices=TokenAccess.choices, default=TokenAccess.READ)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["user", "-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(access__in=TokenAccess.values), name="api_token_access_valid"),
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")), name="api_token_expires_after_creation"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({TOKEN_PREFIX}{self.hint}…)"

    def get_absolute_url(self) -> str:
        return reverse("api:tokens") + f"#token-{self.pk}"

    @property
    def can_write(self) -> bool:
        return self.access == TokenAccess.WRITE

    def is_active(self, now: datetime.datetime | None = None) -> bool:
        return self.revoked_at is None and self.expires_at > (now or timezone.now())

    @property
    def state(self) -> str:
        if self.revoked_at is not None:
            return "Revoked"
        if not self.is_active():
            return "Expired"
        return "Active"

    @classmethod
    def issue(
        cls,
        user,
        *,
        name: str,
        boards: list[Board],
        access: str,
        lifetime: datetime.timedelta,
    ) -> tuple[ApiToken, str]:
        """Make a token and return it with its secret (the only time the secret exists)."""
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        now = timezone.now()
        token = cls.objects.create(
            user=user,
            name=name,
            token_hash=hash_secret(secret),
            hint=secret[len(TOKEN_PREFIX) : len(TOKEN_PREFIX) + 6],
            access=access,
            created_at=now,
            expires_at=now + lifetime,
        )
        token.boards.set(boards)
        return token, secret
