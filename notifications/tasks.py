"""Celery tasks: one fan-out per scheduled job, one task per recipient.

The fan-out (``run_job``) runs under a PostgreSQL advisory lock so only one worker
selects at a time, then enqueues one ``deliver_reminder`` per e-mail with primary
keys only. ``deliver_reminder`` claims before it sends (see ``delivery``), so a
fan-out that runs twice, a retried task or two workers never send a second copy.
Both tasks use acks_late with reject_on_worker_lost (settings): a worker killed
mid-task leaves its message in Redis and another worker runs it again.
"""

from __future__ import annotations

import datetime
import logging

from celery import shared_task
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from . import selection
from .clock_delivery import deliver_clocks
from .delivery import Outcome, SendFailedError, deliver
from .selection import Batch

logger = logging.getLogger(__name__)

# pg_try_advisory_xact_lock(namespace, job): the namespace keeps our keys apart from
# any other advisory locks in the database.
ADVISORY_LOCK_NAMESPACE = 7_001
JOB_LOCK_KEYS = {job: number for number, job in enumerate(selection.JOBS, start=1)}


def deliver_batch(batch: Batch, day: datetime.date) -> Outcome:
    """Send one batch: about review clocks (``batch.clocks``) or about actions."""
    if batch.clocks:
        return deliver_clocks(batch, day)
    return deliver(batch, day)


def try_job_lock(job: str) -> bool:
    """Take the job's advisory lock until the end of the current transaction, if free."""
    if connection.vendor != "postgresql":
        return True  # SQLite (laptop): a single process, nothing to exclude.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_try_advisory_xact_lock(%s, %s)", [ADVISORY_LOCK_NAMESPACE, JOB_LOCK_KEYS[job]]
        )
        return bool(cursor.fetchone()[0])


def fan_out(job: str, today: datetime.date, dispatch) -> list | None:
    """Select today's batches for ``job`` under its lock and hand each to ``dispatch``.
    Returns what ``dispatch`` returned for each batch, or None if another run holds the lock.

    ``dispatch`` runs inside the lock's transaction, so it must only enqueue: to send in
    this process, use ``send_now`` (it selects under the lock, then sends after commit,
    so each e-mail's claims commit on their own)."""
    with transaction.atomic():
        if not try_job_lock(job):
            logger.info("Reminder job %s is already running elsewhere: skipped", job)
            return None
        batches = selection.select(job, today)
        results = [dispatch(batch, today) for batch in batches]
    logger.info("Reminder job %s for %s: %d e-mails to send", job, today, len(results))
    return results


def send_now(job: str, today: datetime.date, on_failure=None) -> list[str] | None:
    """Run ``job`` in this process (the management command, the bench): select under the
    lock, then deliver each batch. Returns each e-mail's outcome, or None if locked."""
    batches = fan_out(job, today, lambda batch, day: batch)
    if batches is None:
        return None
    outcomes = []
    for batch in batches:
        try:
            outcomes.append(deliver_batch(batch, today).status)
        except SendFailedError as exc:
            # No back-off here: the claims stay "failed" and the next run sends them.
            if on_failure is not None:
                on_failure(exc)
            outcomes.append("failed")
    return outcomes


def enqueue(batch: Batch, today: datetime.date) -> str:
    args = [
        batch.kind,
        batch.recipient_id,
        batch.board_id,
        today.isoformat(),
        list(batch.action_ids),
        {name: list(ids) for name, ids in batch.sections.items()},
    ]
    if batch.clocks:
        args.append([list(item) for item in batch.clocks])
    result = deliver_reminder.delay(*args)
    return result.id


@shared_task(name="notifications.run_job")
def run_job(job: str, day: str | None = None) -> list[str]:
    """Fan out one job ("overdue", "due_soon", "escalation", "digest", "clocks"): one task per e-mail.
    Returns the ids of the tasks it enqueued (empty if another run holds the lock)."""
    today = datetime.date.fromisoformat(day) if day else timezone.localdate()
    return fan_out(job, today, enqueue) or []


@shared_task(
    bind=True,
    name="notifications.deliver_reminder",
    max_retries=settings.REMINDER_MAX_RETRIES,
    acks_late=True,
    reject_on_worker_lost=True,
)
def deliver_reminder(
    self,
    kind: str,
    recipient_id: int,
    board_id: int,
    day: str,
    action_ids: list[int],
    sections: dict[str, list[int]] | None = None,
    clocks: list[list] | None = None,
) -> str:
    batch = Batch(
        kind=kind,
        recipient_id=recipient_id,
        board_id=board_id,
        action_ids=tuple(action_ids),
        sections={name: tuple(ids) for name, ids in (sections or {}).items()},
        clocks=tuple((int(review), str(key), str(due)) for review, key, due in (clocks or [])),
    )
    try:
        return deliver_batch(batch, datetime.date.fromisoformat(day)).status
    except SendFailedError as exc:
        # Exponential back-off, capped below Redis's visibility timeout (FIELD-NOTES).
        countdown = min(
            settings.REMINDER_RETRY_BACKOFF_SECONDS * 2**self.request.retries,
            settings.REMINDER_RETRY_BACKOFF_MAX_SECONDS,
        )
        logger.warning("%s; retry %d in %ds", exc, self.request.retries + 1, countdown)
        raise self.retry(exc=exc, countdown=countdown) from exc
