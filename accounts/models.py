"""Accounts: invitations to join a board, and the organisations' sign-on tenants."""

from __future__ import annotations

import os
import re

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


class SignOnTenantQuerySet(models.QuerySet):
    def enabled(self) -> SignOnTenantQuerySet:
        return self.filter(enabled=True)

    def for_email(self, email: str) -> SignOnTenantQuerySet:
        """Enabled tenants whose organisation's addresses include this one's domain."""
        domain = email.rsplit("@", 1)[-1].strip().lower()
        if not domain:
            return self.none()
        return self.enabled().filter(email_domains__iregex=rf"(^|[ ,]){re.escape(domain)}($|[ ,])")


class SignOnTenant(models.Model):
    """An organisation's Microsoft Entra ID tenant (or any OpenID Connect provider) that its
    people sign in through, configured per partnership by site staff.

    Signing in this way only proves who someone is: it links to an existing account with
    the same verified address, or makes an account for a pending invitation; it never
    gives a board membership (accounts/sso.py)."""

    partnership = models.ForeignKey(
        "boards.Partnership", on_delete=models.PROTECT, related_name="sign_on_tenants"
    )
    name = models.CharField(
        max_length=120, help_text="The organisation, as people know it: Sunderland City Council."
    )
    slug = models.SlugField(
        max_length=60,
        unique=True,
        help_text="Part of the redirect address to register with the provider: "
        "/accounts/oidc/<slug>/login/callback/.",
    )
    issuer = models.URLField(
        help_text="The tenant's issuer, exactly as in its tokens, for Entra ID "
        "https://login.microsoftonline.com/<tenant id>/v2.0. Tokens from any other issuer are refused."
    )
    discovery_url = models.URLField(
        blank=True,
        help_text="Leave empty to read the issuer's /.well-known/openid-configuration.",
    )
    client_id = models.CharField(
        max_length=200, help_text="The application (client) id registered in the tenant."
    )
    client_secret = models.CharField(
        max_length=500,
        blank=True,
        help_text="Leave empty to read it from the environment variable SSO_CLIENT_SECRET_<SLUG> "
        "(upper case, hyphens as underscores), which keeps it out of the database.",
    )
    email_domains = models.CharField(
        max_length=500,
        help_text="The organisation's e-mail domains, separated by commas: sunderland.gov.uk, "
        "northumbria.police.uk. Addresses in other domains are refused, whatever the tenant says.",
    )
    enabled = models.BooleanField(default=True)

    objects = SignOnTenantQuerySet.as_manager()

    class Meta:
        ordering = ["partnership__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["issuer", "client_id"], name="sign_on_tenant_unique_client"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.partnership})"

    def get_absolute_url(self) -> str:
        return reverse("sso_start") + f"?organisation={self.slug}"

    @property
    def domains(self) -> list[str]:
        return [
            part.strip().lower() for part in self.email_domains.replace(" ", ",").split(",") if part.strip()
        ]

    def secret(self) -> str:
        if self.client_secret:
            return self.client_secret
        return os.environ.get(self.secret_variable, "")

    @property
    def secret_variable(self) -> str:
        return "SSO_CLIENT_SECRET_" + self.slug.upper().replace("-", "_")

    def discovery(self) -> str:
        return self.discovery_url or self.issuer.rstrip("/") + "/.well-known/openid-configuration"
