"""The due-date ledger: every change to an action's due date is an entry that is only
ever added to (``DueDateChange``).

Writers: a lead's request, a manager's approval or refusal of it, a manager's own change,
a revert from the history page, and a bulk import that moves the date. Each one adds an
entry inside the transaction that moves the date, with the action row locked.

Readers: the action page's "Due date changes" table, the "Originally …, now …" wording of
the plan and action pages (``Action.first_due_date``), and board packs' original due dates
and slipped deadlines all read the same entries, so they cannot disagree.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from .models import Action, DueDateChange, DueDateChangeKind

# simple-history's change reason is at most 100 characters.
CHANGE_REASON_MAX = 100


class DueDateRequestError(Exception):
    """A request or a decision that cannot be made as asked; nothing was written."""


def _move(action: Action, new_due_date: datetime.date | None, reason: str, user) -> None:
    action.due_date = new_due_date
    action._change_reason = f"Due date changed: {reason}"[:CHANGE_REASON_MAX]
    action._history_user = user
    action.save()


def record_change(
    action: Action,
    *,
    kind: str,
    old_due_date: datetime.date | None,
    new_due_date: datetime.date | None,
    user,
    reason: str = "",
    request: DueDateChange | None = None,
    reverses: DueDateChange | None = None,
) -> DueDateChange:
    """Add one entry. Callers hold the action's row lock and move the date themselves."""
    return DueDateChange.objects.create(
        action=action,
        kind=kind,
        old_due_date=old_due_date,
        new_due_date=new_due_date,
        reason=reason,
        made_by=user,
        made_at=timezone.now(),
        request=request,
        reverses=reverses,
    )


def change_due_date(
    action: Action,
    new_due_date: datetime.date | None,
    *,
    user,
    reason: str,
    kind: str = DueDateChangeKind.CHANGED,
) -> DueDateChange:
    """Move the due date now and add the entry (a manager's change, a bulk import).
    The caller holds the action's row lock, inside its transaction."""
    entry = record_change(
        action, kind=kind, old_due_date=action.due_date, new_due_date=new_due_date, user=user, reason=reason
    )
    _move(action, new_due_date, reason, user)
    return entry


def request_change(
    action_pk: int,
    user,
    new_due_date: datetime.date,
    reason: str,
    *,
    may_request: Callable[[Action], bool],
    applies_at_once: Callable[[Action], bool],
) -> DueDateChange:
    """A lead asks for a new due date. A manager's own request is a change, applied at once."""
    with transaction.atomic():
        # Race: a decision on an earlier request, or a second request, made at the same
        # time; the lock orders them, so there is never more than one open request.
        action = Action.objects.select_for_update().get(pk=action_pk)
        if not may_request(action):
            raise PermissionDenied("Only the action's lead or a manager may ask for this.")
        if applies_at_once(action):
            return change_due_date(action, new_due_date, user=user, reason=reason)
        if DueDateChange.objects.filter(action=action).open_requests().exists():
            raise DueDateRequestError(
                "There is already a request waiting for a manager's decision on this action."
            )
        return record_change(
            action,
            kind=DueDateChangeKind.REQUESTED,
            old_due_date=action.due_date,
            new_due_date=new_due_date,
            user=user,
            reason=reason,
        )


def decide_request(
    request_pk: int, user, *, approve: bool, may_decide: Callable[[Action], bool]
) -> DueDateChange:
    """A manager approves (the date moves) or refuses a request; either adds an entry."""
    with transaction.atomic():
        # Race: two managers decide the same request; the second finds it decided.
        request = DueDateChange.objects.select_for_update().get(pk=request_pk)
        action = Action.objects.select_for_update().get(pk=request.action_id)
        if not may_decide(action):
            raise PermissionDenied("Only the board's managers decide due-date requests.")
        if request.kind != DueDateChangeKind.REQUESTED:
            raise DueDateRequestError("That is not a request.")
        if DueDateChange.objects.filter(request=request).exists():
            raise DueDateRequestError("This request has already been decided.")
        if approve and action.due_date != request.old_due_date:
            raise DueDateRequestError(
                "The due date changed after this request was made. Refuse it and ask again."
            )
        entry = record_change(
            action,
            kind=DueDateChangeKind.APPROVED if approve else DueDateChangeKind.REFUSED,
            old_due_date=action.due_date,
            new_due_date=request.new_due_date if approve else action.due_date,
            user=user,
            request=request,
        )
        if approve:
            _move(action, request.new_due_date, request.reason, user)
        return entry


def record_revert(
    action: Action, *, from_date: datetime.date | None, reverted_to: datetime.date | None, user, reason: str
) -> DueDateChange:
    """A revert from the history page put the due date back: add a reversal entry.

    It points at the entry whose move it undoes: the latest move to the date being
    left (the revert is refused when the date changed again since, so that is the one).
    """
    reversed_entry = (
        DueDateChange.objects.filter(action=action, new_due_date=from_date, reversal__isnull=True)
        .moves()
        .last()
    )
    return record_change(
        action,
        kind=DueDateChangeKind.REVERTED,
        old_due_date=from_date,
        new_due_date=reverted_to,
        user=user,
        reason=reason,
        reverses=reversed_entry,
    )


@dataclass(frozen=True)
class Move:
    action_id: int
    old_due_date: datetime.date | None
    new_due_date: datetime.date | None
    made_at: datetime.datetime
    kind: str


def first_due_dates(action_ids: Iterable[int]) -> dict[int, datetime.date]:
    """The first due date of each action that has moved, in one query (others: their own)."""
    first: dict[int, datetime.date] = {}
    rows = (
        DueDateChange.objects.filter(action_id__in=list(action_ids))
        .moves()
        .values_list("action_id", "old_due_date", "new_due_date")
    )
    for action_id, old, new in rows.iterator(chunk_size=2000):
        if action_id not in first and (old or new):
            first[action_id] = old or new
    return first


def moves_between(action_ids: Iterable[int], start: datetime.date, end: datetime.date) -> list[Move]:
    """The standing moves of these actions' due dates made from ``start`` to ``end`` (local
    dates): a move undone by a revert and the revert itself cancel out."""
    rows = (
        DueDateChange.objects.filter(action_id__in=list(action_ids), made_at__date__range=(start, end))
        .standing_moves()
        .values_list("action_id", "old_due_date", "new_due_date", "made_at", "kind")
    )
    return [Move(*row) for row in rows.iterator(chunk_size=2000)]


def copy_ledger(action_map: dict[int, int]) -> None:
    """A plan's revision copies its actions: copy their ledgers too, so the new version's
    pages say "Originally …" and list the same changes. Entry by entry, oldest first, so a
    decision or a revert can point at the copy of the entry it names (check constraints
    want the link at insert); a ledger holds a handful of entries per moved action."""
    # Keyed by the old entry's pk; looked up with a link that may be empty (None: no entry).
    new_pk: dict[int | None, int] = {}
    for entry in DueDateChange.objects.filter(action_id__in=list(action_map)).order_by("pk"):
        copy = DueDateChange.objects.create(
            action_id=action_map[entry.action_id],
            kind=entry.kind,
            old_due_date=entry.old_due_date,
            new_due_date=entry.new_due_date,
            reason=entry.reason,
            made_by_id=entry.made_by_id,
            made_at=entry.made_at,
            request_id=new_pk.get(entry.request_id),
            reverses_id=new_pk.get(entry.reverses_id),
        )
        new_pk[entry.pk] = copy.pk
