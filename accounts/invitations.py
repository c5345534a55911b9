"""Inviting people to a board by e-mail, and accepting an invitation.

The token travels only in the e-mail link; the database keeps its SHA-256
hash. Views call these functions; they hold no request logic.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from boards.emails import send_templated_email
from boards.models import Board, Membership

from . import outbox
from .models import Invitation
from .outbox import SEND_INVITATION

security_log = logging.getLogger("safeguarding.security")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def send_fresh_link(invitation_id: int) -> None:
    """In the worker: give a pending invitation a new link (the one made in the request is
    never shown) and e-mail it. A revoked, accepted or lapsed invitation is not sent."""
    token, token_hash = _new_token()
    updated = (
        Invitation.objects.pending()
        .filter(pk=invitation_id, expires_at__gt=timezone.now())
        .update(token_hash=token_hash)
    )
    if not updated:
        return
    invitation = Invitation.objects.select_related("board", "invited_by").get(pk=invitation_id)
    _send(invitation, token)


def _send(invitation: Invitation, token: str) -> None:
    send_templated_email(
        "accounts/emails/invitation",
        [invitation.email],
        {
            "invitation": invitation,
            "board": invitation.board,
            "invited_by": invitation.invited_by,
            "accept_url": settings.SITE_URL + reverse("accept_invitation", kwargs={"token": token}),
            "expires_at": invitation.expires_at,
        },
    )


def invite(board: Board, email: str, role: str, invited_by, job_title: str = "") -> Invitation:
    """Invite an address to the board, or renew the live invitation it already has.

    Race: two managers inviting the same address at once. The partial unique
    constraint lets only one pending row exist; the loser renews the winner's row.
    """
    email = email.strip().lower()
    now = timezone.now()
    expires_at = now + datetime.timedelta(days=settings.INVITATION_VALID_DAYS)
    _unsent, token_hash = _new_token()  # the worker makes the link it sends
    for attempt in range(2):
        try:
            with transaction.atomic():
                invitation = (
                    Invitation.objects.pending().select_for_update().filter(board=board, email=email).first()
                )
                if invitation is None:
                    invitation = Invitation.objects.create(
                        board=board,
                        email=email,
                        role=role,
                        job_title=job_title,
                        invited_by=invited_by,
                        token_hash=token_hash,
                        sent_at=now,
                        expires_at=expires_at,
                    )
                else:
                    invitation.role = role
                    invitation.job_title = job_title
                    invitation.invited_by = invited_by
                    invitation.token_hash = token_hash
                    invitation.sent_at = now
                    invitation.expires_at = expires_at
                    invitation.save(
                        update_fields=[
                            "role",
                            "job_title",
                            "invited_by",
                            "token_hash",
                            "sent_at",
                            "expires_at",
                        ]
                    )
            break
        except IntegrityError:
            if attempt:
                # Lost the race twice: fail rather than send a link for a row never saved.
                raise
    assert invitation is not None  # made or renewed by the attempt that broke out
    outbox.send_email_later(SEND_INVITATION, [invitation.pk])
    security_log.info(
        "invitation-sent board=%s invitation=%s role=%s by=%s",
        board.slug,
        invitation.pk,
        role,
        invited_by.get_username(),
    )
    return invitation


def resend(invitation: Invitation, sent_by) -> Invitation:
    """Send a fresh link (the old one stops working) valid for the full period again."""
    _unsent, token_hash = _new_token()  # the old link stops now; the worker makes the new one
    now = timezone.now()
    invitation.token_hash = token_hash
    invitation.sent_at = now
    invitation.expires_at = now + datetime.timedelta(days=settings.INVITATION_VALID_DAYS)
    invitation.save(update_fields=["token_hash", "sent_at", "expires_at"])
    outbox.send_email_later(SEND_INVITATION, [invitation.pk])
    security_log.info(
        "invitation-resent board=%s invitation=%s by=%s",
        invitation.board.slug,
        invitation.pk,
        sent_by.get_username(),
    )
    return invitation


def revoke(invitation: Invitation, revoked_by) -> None:
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    security_log.info(
        "invitation-revoked board=%s invitation=%s by=%s",
        invitation.board.slug,
        invitation.pk,
        revoked_by.get_username(),
    )


class InvitationUnusableError(Exception):
    """The link cannot be used; ``reason`` is one of unknown, expired, revoked, used."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def find_invitation(token: str) -> Invitation:
    """The invitation a link stands for, or InvitationUnusableError saying why not."""
    invitation = (
        Invitation.objects.select_related("board__partnership", "invited_by")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if invitation is None:
        raise InvitationUnusableError("unknown")
    _refuse_if_unusable(invitation)
    return invitation


def _refuse_if_unusable(invitation: Invitation) -> None:
    if invitation.revoked_at:
        raise InvitationUnusableError("revoked")
    if invitation.accepted_at:
        raise InvitationUnusableError("used")
    if invitation.is_expired():
        raise InvitationUnusableError("expired")


@dataclass
class Accepted:
    membership: Membership
    created: bool


def accept(token: str, user) -> Accepted:
    """Give ``user`` the invited role on the board and mark the invitation used.

    Race: the same link submitted twice at once (double click, two tabs). The
    invitation row is locked and re-checked inside the transaction, so only one
    request uses it. Someone already on the board keeps the role they have.
    """
    with transaction.atomic():
        invitation = find_invitation(token)
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        _refuse_if_unusable(invitation)  # again, now that no one else can change it
        membership, created = Membership.objects.get_or_create(
            user=user,
            board=invitation.board,
            defaults={"role": invitation.role, "job_title": invitation.job_title},
        )
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
    security_log.info(
        "invitation-accepted board=%s invitation=%s user=%s",
        invitation.board.slug,
        invitation.pk,
        user.get_username(),
    )
    return Accepted(membership=membership, created=created)


def username_for(email: str) -> str:
    """A free username for a new account: the address itself, made unique if taken."""
    user_model = get_user_model()
    base = email.lower()[:140]
    candidate = base
    suffix = 1
    while user_model._default_manager.filter(username__iexact=candidate).exists():
        suffix += 1
        candidate = f"{base}-{suffix}"
    return candidate
