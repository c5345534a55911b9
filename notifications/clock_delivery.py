"""Claim, send, record for case-review clock reminders: exactly once per clock and due date.

The same three steps as ``notifications.delivery`` (claim rows inserted with ON
CONFLICT DO NOTHING, locked with SELECT … FOR UPDATE, marked sent in the sending
transaction), on ``SentClockReminder``, whose unique constraint is (recipient, kind,
review, clock, due date): a clock is reminded of once as due soon, once as breached
and escalated once, however often the sweep runs.
"""

from __future__ import annotations

import datetime
import logging
import smtplib

from django.contrib.auth import get_user_model
from django.db import OperationalError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from boards.emails import absolute_url, send_templated_email
from boards.models import Board
from reviews.clocks import Clock, clocks_of
from reviews.models import Review

from .delivery import LOCK_NOT_AVAILABLE, Outcome, SendFailedError, _limit_lock_wait
from .models import ClaimStatus, Notification, ReminderKind, SentClockReminder
from .selection import Batch

logger = logging.getLogger(__name__)


def claim_clocks(batch: Batch, day: datetime.date) -> None:
    SentClockReminder.objects.bulk_create(
        [
            SentClockReminder(
                recipient_id=batch.recipient_id,
                kind=batch.kind,
                review_id=review_pk,
                clock=key,
                due=datetime.date.fromisoformat(due),
                board_id=batch.board_id,
                day=day,
            )
            for review_pk, key, due in batch.clocks
        ],
        ignore_conflicts=True,
    )


def deliver_clocks(batch: Batch, day: datetime.date) -> Outcome:
    """Claim, send and record one e-mail about clocks. Raises SendFailedError on a transient failure."""
    claim_clocks(batch, day)
    try:
        return _send_claimed(batch, day)
    except OperationalError as exc:
        if getattr(exc.__cause__, "sqlstate", None) != LOCK_NOT_AVAILABLE:
            raise
        raise SendFailedError(f"{batch.kind} to user {batch.recipient_id}: claims busy") from exc


def _still_due(batch: Batch, claims: list[SentClockReminder], day: datetime.date) -> dict[int, Clock]:
    """The claimed clocks that still need this reminder today (claim pk → clock): a clock
    stopped, re-dated or closed since the sweep needs none."""
    reviews = {review.pk: review for review in Review.objects.filter(pk__in={c.review_id for c in claims})}
    found = {}
    for claim in claims:
        review = reviews.get(claim.review_id)
        clock = next(
            (c for c in clocks_of(review, day) if c.key == claim.clock) if review is not None else iter(()),
            None,
        )
        if clock is None or not clock.running or clock.due != claim.due:
            continue
        wanted = clock.breached if batch.kind != ReminderKind.CLOCK_DUE_SOON else clock.due_soon
        if wanted:
            found[claim.pk] = clock
    return found


def _send_claimed(batch: Batch, day: datetime.date) -> Outcome:
    error: Exception | None = None
    with transaction.atomic():
        # Race: the same claims sent by a second task at once (retry, second beat, another
        # worker): whoever locks them sends; the other then finds them sent.
        _limit_lock_wait()
        keys = {(review_pk, key, datetime.date.fromisoformat(due)) for review_pk, key, due in batch.clocks}
        claims = [
            claim
            for claim in SentClockReminder.objects.select_for_update()
            .filter(
                recipient_id=batch.recipient_id,
                kind=batch.kind,
                review_id__in={review_pk for review_pk, _, _ in keys},
                status__in=[ClaimStatus.CLAIMED, ClaimStatus.FAILED],
            )
            .order_by("pk")
            if (claim.review_id, claim.clock, claim.due) in keys
        ]
        if not claims:
            return Outcome("skipped")
        clocks = _still_due(batch, claims, day)
        stale = [claim.pk for claim in claims if claim.pk not in clocks]
        if stale:
            # Stopped or re-dated since the sweep: no reminder, and the claim is released.
            SentClockReminder.objects.filter(pk__in=stale).delete()
        if not clocks:
            return Outcome("skipped")
        recipient = get_user_model().objects.get(pk=batch.recipient_id)
        board = Board.objects.get(pk=batch.board_id)
        context = _context(batch, recipient, board, list(clocks.values()), day)
        notifications = [
            Notification(
                user=recipient,
                kind=batch.kind,
                board=board,
                text=f"{ReminderKind(batch.kind).label} ({board.short_name}): {clock.review.title}, "
                f"{clock.name.lower()} due {clock.due:%d %B %Y}"[:500],
                link=clock.review.get_absolute_url() + "#clocks",
            )
            for clock in clocks.values()
        ]
        live = SentClockReminder.objects.filter(pk__in=list(clocks))
        if not recipient.email:
            live.update(
                status=ClaimStatus.SENT,
                attempts=F("attempts") + 1,
                sent_at=timezone.now(),
                last_error="No e-mail address: shown in the app only",
            )
            Notification.objects.bulk_create(notifications)
            return Outcome("in_app_only", actions=len(clocks))
        try:
            send_templated_email("notifications/email/clock", [recipient.email], context)
        except smtplib.SMTPRecipientsRefused as exc:
            live.update(status=ClaimStatus.FAILED, attempts=F("attempts") + 1, last_error=str(exc)[:300])
            logger.warning("Clock reminder %s to user %s refused: %s", batch.kind, recipient.pk, exc)
            return Outcome("failed")
        except (smtplib.SMTPException, OSError) as exc:
            error = exc
            live.update(status=ClaimStatus.FAILED, attempts=F("attempts") + 1, last_error=str(exc)[:300])
        else:
            live.update(status=ClaimStatus.SENT, attempts=F("attempts") + 1, sent_at=timezone.now())
            Notification.objects.bulk_create(notifications)
            return Outcome("sent", actions=len(clocks))
    raise SendFailedError(f"{batch.kind} to user {batch.recipient_id}: {error}") from error


def _context(batch: Batch, recipient, board: Board, clocks: list[Clock], day: datetime.date) -> dict:
    return {
        "recipient": recipient,
        "board": board,
        "kind": batch.kind,
        "day": day,
        "clocks": [
            {
                "review": clock.review.title,
                "name": clock.name,
                "due": clock.due,
                "left": clock.left_label,
                "url": absolute_url(clock.review.get_absolute_url() + "#clocks"),
            }
            for clock in sorted(clocks, key=lambda clock: (clock.due, clock.review.title))
        ],
        "count": len(clocks),
        "in_progress_url": absolute_url(reverse("reviews:board_in_progress", args=[board.slug])),
        "preferences_url": absolute_url(reverse("notifications:preferences")),
    }
