"""Claim, send, record: one e-mail to one person, exactly once.

1. Claim: insert one SentReminder row per action (one per board for a digest),
   ``ON CONFLICT DO NOTHING``. The unique constraints on (recipient, kind, action,
   day) mean a second task about the same reminders (a retry, a second beat, a
   second worker, a re-run by hand) inserts nothing new.
2. Lock: in one transaction, ``SELECT … FOR UPDATE`` the claims that are not yet
   sent. If another live task is sending them, this one waits for its commit and
   then finds them sent. Claims left "claimed" by a worker that died are unlocked
   (PostgreSQL ends a dead client's transaction), so this task takes them over.
3. Send while holding the lock, then mark the rows sent (and add the in-app
   notifications) in the same transaction. An SMTP error marks them failed with the
   error and the attempt, never sent; the task then retries with back-off.

The one window left is a worker dying after the SMTP server accepted the message
and before the commit: then the message is sent again. Every other failure sends
nothing twice and loses nothing.
"""

from __future__ import annotations

import datetime
import logging
import smtplib
from dataclasses import dataclass
from typing import TypedDict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import OperationalError, connection, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from boards.emails import absolute_url, send_templated_email
from boards.models import Board
from plans.models import Action
from reviews.models import Recommendation

from .models import ClaimStatus, Notification, ReminderKind, SentReminder
from .selection import DIGEST_SECTIONS, Batch

logger = logging.getLogger(__name__)

LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's SQLSTATE when lock_timeout expires

SECTION_TITLES = {
    "overdue": "Overdue actions",
    "slipped": "Actions whose due date was moved later this week",
    "no_progress": "Actions with no progress note for {days} days",
    "recommendations_without_action": "Review recommendations with no action",
}


class SendFailedError(Exception):
    """A transient failure to send (SMTP or network): the reminders are marked failed
    and may be retried."""


@dataclass(frozen=True)
class Outcome:
    status: str  # "sent", "in_app_only", "skipped" (nothing left to send), "failed" (permanent)
    actions: int = 0


def claim(batch: Batch, day: datetime.date) -> None:
    """Insert the claim rows that do not exist yet (idempotent: ON CONFLICT DO NOTHING)."""
    if batch.kind != ReminderKind.DIGEST and connection.vendor == "postgresql":
        # One set-based statement however many actions: an escalation can list thousands.
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO {SentReminder._meta.db_table}
                    (recipient_id, kind, board_id, action_id, day, status, attempts, claimed_at, last_error)
                SELECT %s, %s, %s, action_id, %s, %s, 0, now(), ''
                FROM unnest(%s::bigint[]) AS action_id
                ON CONFLICT DO NOTHING
                """,
                [
                    batch.recipient_id,
                    batch.kind,
                    batch.board_id,
                    day,
                    ClaimStatus.CLAIMED,
                    list(batch.action_ids),
                ],
            )
        return
    if batch.kind == ReminderKind.DIGEST:
        rows = [
            SentReminder(recipient_id=batch.recipient_id, kind=batch.kind, board_id=batch.board_id, day=day)
        ]
    else:
        rows = [
            SentReminder(
                recipient_id=batch.recipient_id,
                kind=batch.kind,
                board_id=batch.board_id,
                action_id=pk,
                day=day,
            )
            for pk in batch.action_ids
        ]
    SentReminder.objects.bulk_create(rows, ignore_conflicts=True)


def _limit_lock_wait() -> None:
    """Wait for another sender's row locks at most a little longer than one SMTP send."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            seconds = 2 * settings.EMAIL_TIMEOUT + 10
            cursor.execute(f"SET LOCAL lock_timeout = '{seconds}s'")


def _claims(batch: Batch, day: datetime.date):
    claims = SentReminder.objects.filter(
        recipient_id=batch.recipient_id,
        kind=batch.kind,
        day=day,
        status__in=[ClaimStatus.CLAIMED, ClaimStatus.FAILED],
    )
    if batch.kind == ReminderKind.DIGEST:
        return claims.filter(action__isnull=True, board_id=batch.board_id)
    return claims.filter(action_id__in=batch.action_ids)


class DigestSection(TypedDict):
    """One heading of the digest e-mail: its lines, and how many there are in all."""

    name: str
    title: str
    actions: list[dict]
    count: int
    more: int


def _action_lines(actions: list[Action], today: datetime.date) -> list[dict]:
    return [
        {
            "description": action.description,
            "timescale": action.timescale,
            "due_date": action.due_date,
            "days_overdue": (today - action.due_date).days
            if action.due_date and action.due_date < today
            else 0,
            "url": absolute_url(action.get_absolute_url()),
            "path": action.get_absolute_url(),
        }
        for action in actions
    ]


def deliver(batch: Batch, day: datetime.date) -> Outcome:
    """Claim, send and record one e-mail. Raises SendFailedError on a transient failure."""
    claim(batch, day)
    try:
        return _send_claimed(batch, day)
    except OperationalError as exc:
        if getattr(exc.__cause__, "sqlstate", None) != LOCK_NOT_AVAILABLE:
            raise
        # Another sender held the claims longer than an SMTP send can take: try again later.
        raise SendFailedError(f"{batch.kind} to user {batch.recipient_id}: claims busy") from exc


def _send_claimed(batch: Batch, day: datetime.date) -> Outcome:
    error: Exception | None = None
    with transaction.atomic():
        # Race: a second task about the same reminders (duplicate fan-out, retry, another
        # worker) runs this at the same time. Row locks decide: whoever locks a claim sends
        # it; the other waits for that transaction, then PostgreSQL re-checks the status
        # filter and finds the claims sent. A dead sender's locks go with its connection.
        _limit_lock_wait()
        claims = list(_claims(batch, day).select_for_update(of=("self",)).values_list("pk", "action_id"))
        if not claims:
            return Outcome("skipped")
        recipient = get_user_model().objects.get(pk=batch.recipient_id)
        board = Board.objects.get(pk=batch.board_id)
        context, notifications = _content(batch, claims, recipient, board, day)
        if context is None:
            # Everything was completed since the sweep: nothing to say, release the claims.
            SentReminder.objects.filter(pk__in=[pk for pk, _ in claims]).delete()
            return Outcome("skipped")
        live = SentReminder.objects.filter(pk__in=[pk for pk, _ in claims])
        if not recipient.email:
            # Nowhere to e-mail it: delivered to the in-app list only, and recorded as such so
            # a re-run does not add the entries again.
            live.update(
                status=ClaimStatus.SENT,
                attempts=F("attempts") + 1,
                sent_at=timezone.now(),
                last_error="No e-mail address: shown in the app only",
            )
            Notification.objects.bulk_create(notifications)
            return Outcome("in_app_only", actions=context["action_count"])
        try:
            send_templated_email(f"notifications/email/{context['template']}", [recipient.email], context)
        except smtplib.SMTPRecipientsRefused as exc:
            # Permanent: this address will not work on a retry either.
            live.update(status=ClaimStatus.FAILED, attempts=F("attempts") + 1, last_error=str(exc)[:300])
            logger.warning("Reminder %s to user %s refused: %s", batch.kind, recipient.pk, exc)
            return Outcome("failed")
        except (smtplib.SMTPException, OSError) as exc:
            error = exc
            live.update(status=ClaimStatus.FAILED, attempts=F("attempts") + 1, last_error=str(exc)[:300])
        else:
            live.update(status=ClaimStatus.SENT, attempts=F("attempts") + 1, sent_at=timezone.now())
            Notification.objects.bulk_create(notifications)
            return Outcome("sent", actions=context["action_count"])
    # Outside the transaction, so the failed state and the attempt are committed.
    raise SendFailedError(f"{batch.kind} to user {batch.recipient_id}: {error}") from error


def _content(batch: Batch, claims, recipient, board: Board, day: datetime.date):
    """The e-mail's context and the in-app notifications, or (None, []) if nothing is left.

    An e-mail lists at most REMINDER_EMAIL_MAX_ACTIONS actions (per digest section) and
    says how many more there are: a manager escalated thousands of actions needs the
    number and a link, not thousands of lines."""
    limit = settings.REMINDER_EMAIL_MAX_ACTIONS
    base = {
        "recipient": recipient,
        "board": board,
        "kind": batch.kind,
        "day": day,
        "preferences_url": absolute_url(reverse("notifications:preferences")),
        "board_url": absolute_url(board.get_absolute_url()),
        "notifications_url": absolute_url(reverse("notifications:list")),
        "escalate_after": settings.REMINDER_ESCALATE_CHAIR_DAYS
        if batch.kind == ReminderKind.ESCALATION_CHAIR
        else settings.REMINDER_ESCALATE_MANAGERS_DAYS,
    }
    if batch.kind == ReminderKind.DIGEST:
        return _digest_content(batch, recipient, board, day, base, limit)

    claimed_ids = [action_id for _, action_id in claims]
    still_open = dict(Action.objects.open().filter(pk__in=claimed_ids).values_list("pk", "description"))
    gone = set(claimed_ids) - set(still_open)
    if gone:
        # Completed since the sweep: no reminder, and the claim is released.
        SentReminder.objects.filter(Q(pk__in=[pk for pk, _ in claims]) & Q(action_id__in=gone)).delete()
    if not still_open:
        return None, []
    shown = list(Action.objects.filter(pk__in=still_open).order_by("due_date", "pk")[:limit])
    context = {
        **base,
        "template": "reminder",
        "actions": _action_lines(shown, day),
        "action_count": len(still_open),
        "more": len(still_open) - len(shown),
    }
    label = ReminderKind(batch.kind).label
    if batch.kind in (ReminderKind.OVERDUE, ReminderKind.DUE_SOON):
        # A lead's own actions: one entry each, linking to the action.
        action_path = reverse("plans:action", kwargs={"pk": 0}).replace("/0/", "/{}/")
        notifications = [
            Notification(
                user=recipient,
                kind=batch.kind,
                board=board,
                text=f"{label} ({board.short_name}): {description}"[:500],
                link=action_path.format(pk),
            )
            for pk, description in sorted(still_open.items())
        ]
    else:
        # An escalation may cover many actions: one entry, like the one e-mail.
        count = len(still_open)
        notifications = [
            Notification(
                user=recipient,
                kind=batch.kind,
                board=board,
                text=f"{label} ({board.short_name}): {count} action{'s' if count != 1 else ''} long overdue",
                link=shown[0].get_absolute_url() if count == 1 else board.get_absolute_url(),
            )
        ]
    return context, notifications


def _digest_content(batch: Batch, recipient, board: Board, day: datetime.date, base: dict, limit: int):
    named = [name for name in DIGEST_SECTIONS if name != "recommendations_without_action"]
    ids = {name: batch.sections.get(name, ()) for name in named}
    wanted = {pk for name in named for pk in ids[name][:limit]}
    by_pk = {a.pk: a for a in Action.objects.open().filter(pk__in=wanted)}
    sections: list[DigestSection] = []
    for name in named:
        shown = [by_pk[pk] for pk in ids[name][:limit] if pk in by_pk]
        sections.append(
            {
                "name": name,
                "title": SECTION_TITLES[name].format(days=settings.REMINDER_NO_PROGRESS_DAYS),
                "actions": _action_lines(shown, day),
                "count": len(ids[name]),
                "more": len(ids[name]) - len(ids[name][:limit]),
            }
        )
    recommendation_ids = batch.sections.get("recommendations_without_action", ())
    recommendations = list(
        Recommendation.objects.filter(pk__in=recommendation_ids[:limit])
        .select_related("review")
        .order_by("pk")
    )
    sections.append(
        {
            "name": "recommendations_without_action",
            "title": SECTION_TITLES["recommendations_without_action"],
            "actions": [
                {
                    "description": f"{rec.review.title}, recommendation {rec.number}: {rec.text}",
                    "timescale": "",
                    "due_date": None,
                    "days_overdue": 0,
                    "url": absolute_url(rec.get_absolute_url()),
                    "path": rec.get_absolute_url(),
                }
                for rec in recommendations
            ],
            "count": len(recommendation_ids),
            "more": len(recommendation_ids) - len(recommendations),
        }
    )
    if not by_pk and not recommendations:
        return None, []
    summary = ", ".join(f"{s['count']} {s['title'].lower()}" for s in sections if s["count"])
    context = {
        **base,
        "template": "digest",
        "sections": sections,
        "action_count": len(by_pk) + len(recommendations),
    }
    text = f"Weekly digest for {board.short_name}: {summary}."
    return context, [
        Notification(
            user=recipient, kind=batch.kind, board=board, text=text[:500], link=board.get_absolute_url()
        )
    ]
