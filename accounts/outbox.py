"""Account e-mails (password reset, invitations) are sent by the Celery worker.

The web request only records what is wanted and queues it, so it takes the same time
whether or not an address belongs to an account (no enumeration by timing), and a slow
or failing mail server never holds up a page. Tasks are named here and sent by name
(accounts.tasks imports the modules that queue them).
"""

from __future__ import annotations

from safeguarding.queueing import send_after_commit

SEND_PASSWORD_RESET = "accounts.send_password_reset"
SEND_INVITATION = "accounts.send_invitation"


def send_email_later(task_name: str, args: list) -> None:
    """Queue an account e-mail for the worker once the current transaction commits."""
    send_after_commit(task_name, args)
