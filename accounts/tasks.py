"""Celery tasks that send account e-mails (see accounts/outbox.py)."""

from __future__ import annotations

from celery import shared_task

from . import invitations
from .forms import ResetRequestForm
from .outbox import SEND_INVITATION, SEND_PASSWORD_RESET

EMAIL_TASK_OPTIONS = {
    "acks_late": True,
    "ignore_result": True,
    "autoretry_for": (OSError,),  # SMTP unreachable: try again with back-off
    "retry_backoff": 30,
    "max_retries": 5,
}


@shared_task(name=SEND_PASSWORD_RESET, **EMAIL_TASK_OPTIONS)
def send_password_reset(email: str) -> None:
    """Send a reset link to each active account with this address (none: nothing)."""
    ResetRequestForm(data={"email": email}).deliver()


@shared_task(name=SEND_INVITATION, **EMAIL_TASK_OPTIONS)
def send_invitation(invitation_id: int) -> None:
    invitations.send_fresh_link(invitation_id)
