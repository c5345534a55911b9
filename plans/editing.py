"""Saving edits made by several people at once, and reading/reverting their history.

Every edit form carries the ``version`` of the row it was based on. A save locks
the row, checks the version and refuses when someone else saved in between, with
a description of what they changed (from django-simple-history). Nothing is
written on a refused save.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from . import due_dates
from .models import Action, DuePrecision, ProgressUpdate, Rag, Status, Versioned

# Bookkeeping fields nobody needs to read about in a history page.
HIDDEN_FIELDS = {"version", "id"}


@dataclass(frozen=True)
class FieldChange:
    field: str  # the field's name in the model
    label: str  # its verbose name, as the form shows it
    old: str
    new: str


@dataclass
class HistoryEntry:
    """One saved version of a row: who saved it, when, and what it changed."""

    record: Any
    kind: str  # Created / Changed / Deleted
    who: str
    when: datetime.datetime
    reason: str
    changes: list[FieldChange] = field(default_factory=list)

    @property
    def history_id(self) -> int:
        return self.record.history_id

    @property
    def revertible(self) -> bool:
        return self.kind == "Changed" and bool(self.changes)


class UnknownVersionError(Exception):
    """The form named a version the row never had: refused, never merged or skipped."""

    MESSAGE = (
        "This form was not based on a version of this record that exists, so nothing was saved. "
        "Your input is kept below and the form now shows the current version: check it and save again."
    )

    def __init__(self, current: Versioned) -> None:
        super().__init__(self.MESSAGE)
        self.current = current


class EditConflictError(Exception):
    """Someone else saved the row after the form was loaded."""

    def __init__(self, current: Versioned, entries: list[HistoryEntry]) -> None:
        super().__init__("The row changed since the form was loaded.")
        self.current = current
        self.entries = entries

    def messages(self) -> list[str]:
        """ "Sam Lee changed Status to “Complete” at 10:02 on 23 November 2026"."""
        lines = []
        for entry in self.entries:
            what = "; ".join(f"{c.label} to “{c.new}”" for c in entry.changes) or "saved it"
            when = timezone.localtime(entry.when)
            lines.append(f"{entry.who} changed {what} at {when:%H:%M} on {when.day} {when:%B %Y}.")
        if not lines:
            lines.append("Someone else saved it.")
        return lines


# --- Reading history --------------------------------------------------------


def _who(record) -> str:
    user = record.history_user
    if user is None:
        return "The system"
    return user.get_full_name() or user.get_username()


def _field(model: type[models.Model], name: str) -> models.Field:
    """The model's field of that name: a concrete field, as history records only those."""
    return cast(models.Field, model._meta.get_field(name))


def _label(model: type[models.Model], name: str) -> str:
    label = str(_field(model, name).verbose_name)
    return label[:1].upper() + label[1:]


def _display(model: type[models.Model], name: str, value: Any, related: dict) -> str:
    if value is None or value == "":
        f = _field(model, name)
        if f.choices:
            return str(dict(f.flatchoices).get(value, "")) or "(empty)"
        return "(empty)"
    f = _field(model, name)
    if f.is_relation:
        obj = related.get(f.related_model, {}).get(value)
        if obj is None:
            return "(removed)"
        if f.related_model is get_user_model():
            return obj.get_full_name() or obj.get_username()
        return str(obj)
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, datetime.date):
        return f"{value.day} {value:%B %Y}"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


def describe(model: type[models.Model], pairs: Iterable[tuple[Any, Any]]) -> list[HistoryEntry]:
    """Turn (record, previous record or None) pairs into entries, resolving
    related objects in one query per related model (no query per row)."""
    pairs = list(pairs)
    deltas = []
    wanted: dict[type[models.Model], set] = {}
    for record, previous in pairs:
        changes = []
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous, excluded_fields=HIDDEN_FIELDS)
            changes = [c for c in delta.changes if c.field not in HIDDEN_FIELDS]
            for change in changes:
                f = _field(model, change.field)
                if f.is_relation and f.related_model is not None:
                    wanted.setdefault(f.related_model, set()).update(
                        v for v in (change.old, change.new) if v is not None
                    )
        deltas.append(changes)
    related = {m: m._default_manager.in_bulk(ids) for m, ids in wanted.items()}
    kinds = {"+": "Created", "~": "Changed", "-": "Deleted"}
    entries = []
    for (record, _previous), changes in zip(pairs, deltas, strict=True):
        entries.append(
            HistoryEntry(
                record=record,
                kind=kinds[record.history_type],
                who=_who(record),
                when=record.history_date,
                reason=record.history_change_reason or "",
                changes=[
                    FieldChange(
                        field=c.field,
                        label=_label(model, c.field),
                        old=_display(model, c.field, c.old, related),
                        new=_display(model, c.field, c.new, related),
                    )
                    for c in changes
                ],
            )
        )
    return entries


def history_page(obj: Versioned, offset: int, limit: int) -> tuple[list[HistoryEntry], bool]:
    """Newest first. Loads limit + 1 records so each entry can be compared with the
    one before it, without a query per entry. Returns (entries, has_more)."""
    records = list(
        obj.history.select_related("history_user").order_by("-history_id")[offset : offset + limit + 1]
    )
    has_more = len(records) > limit
    pairs = [(r, records[i + 1] if i + 1 < len(records) else None) for i, r in enumerate(records[:limit])]
    return describe(type(obj), pairs), has_more


def changes_since(obj: Versioned, version: int) -> list[HistoryEntry]:
    """What others saved after ``version`` (oldest first), for a conflict message."""
    history = obj.history.select_related("history_user").order_by("history_id")
    base = history.filter(version__lte=version).last()
    later = list(history.filter(version__gt=version))
    pairs = []
    previous = base
    for record in later:
        pairs.append((record, previous))
        previous = record
    return describe(type(obj), pairs)


def record_at(obj: Versioned, version: int) -> Any:
    return obj.history.filter(version=version).order_by("-history_id").first()


# --- Saving -----------------------------------------------------------------


def save_form_versioned(
    form, based_on_version: int, may_write: Callable[[Versioned], bool], before_save=None
) -> Versioned:
    """Save a ModelForm if the row is still at ``based_on_version``.

    Race: two people open the same row and both save. The row lock makes the
    second save wait for the first to commit; it then sees the new version and
    is refused (EditConflictError) instead of silently overwriting the first.
    """
    model = type(form.instance)
    with transaction.atomic():
        locked = model._default_manager.select_for_update().get(pk=form.instance.pk)
        if not may_write(locked):
            raise PermissionDenied("You may not change this.")
        if locked.version != based_on_version:
            if based_on_version > locked.version or record_at(locked, based_on_version) is None:
                raise UnknownVersionError(locked)
            raise EditConflictError(locked, changes_since(locked, based_on_version))
        obj = form.save(commit=False)
        obj.version = locked.version
        if before_save is not None:
            before_save(obj, locked)
        obj.save()
        form.save_m2m()
    return obj


def month_end(value: datetime.date) -> datetime.date:
    following = (value.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


def normalise_due_date(value: datetime.date | None, precision: str) -> datetime.date | None:
    """A month timescale is stored as the last day of the month."""
    if value is None or precision != DuePrecision.MONTH:
        return value
    return month_end(value)


BLUE_NOT_COMPLETE = (
    "Blue (complete) is the rating of a complete action: choose red, amber or green, "
    "or set the status to Complete"
)


class StatusRagMismatchError(ValueError):
    """Blue asked for an action that is not complete."""


def consistent_status_rag(status: str, rag: str) -> tuple[str, str]:
    """The one rule tying status and RAG (a check constraint enforces it): complete is
    rated blue, and blue is only for complete. For sources that may contradict
    themselves (an imported file, rows saved before the rule): the status decides, and
    blue on an action that is not complete becomes "not rated" rather than a guess."""
    if status == Status.COMPLETE:
        return status, Rag.BLUE
    if rag == Rag.BLUE:
        return status, Rag.NOT_RATED
    return status, rag


def apply_status(action: Action, status: str, rag: str, today: datetime.date) -> None:
    """Set status and RAG together, and keep completed_on in step (check constraints
    require all three to agree). Completing an action rates it blue; asking for blue on
    an action that is not complete is refused (forms say so before this is reached)."""
    if status != Status.COMPLETE and rag == Rag.BLUE:
        raise StatusRagMismatchError(BLUE_NOT_COMPLETE)
    action.status, action.rag = consistent_status_rag(status, rag)
    if status == Status.COMPLETE:
        action.completed_on = action.completed_on or today
    else:
        action.completed_on = None


@dataclass
class QuickUpdate:
    text: str
    rag: str
    status: str
    based_on_version: int


def save_quick_update(action_pk: int, update: QuickUpdate, user, may_write, today) -> ProgressUpdate | None:
    """A progress note plus status and RAG, from "My actions" or the action page.

    Progress notes are inserts: two people adding notes at once both keep theirs.
    Status and RAG are merged three ways: a field the user changed is refused only
    if someone else changed it to something else since the form was loaded.
    """
    with transaction.atomic():
        # Race: the lead and a manager update the same action at once; the lock
        # orders them so the second sees the first's status and RAG.
        action = Action.objects.select_for_update().get(pk=action_pk)
        if not may_write(action):
            raise PermissionDenied("You may not update this action.")
        base = (
            action
            if action.version == update.based_on_version
            else record_at(action, update.based_on_version)
        )
        if base is None:
            # Not the current version nor one this action ever had: without a real base
            # the merge below could not tell the user's changes from anyone else's.
            raise UnknownVersionError(action)
        wanted = {
            name: value
            for name, value in (("status", update.status), ("rag", update.rag))
            if base is None or getattr(base, name) != value
        }
        if action.version != update.based_on_version:
            clashes = {
                name
                for name, value in wanted.items()
                if base is not None
                and getattr(base, name) != getattr(action, name)
                and getattr(action, name) != value
            }
            if clashes:
                raise EditConflictError(action, changes_since(action, update.based_on_version))
        note = None
        if update.text:
            note = ProgressUpdate.objects.create(
                action=action, date=today, text=update.text, author=user, rag=update.rag
            )
        changed = {name: value for name, value in wanted.items() if getattr(action, name) != value}
        if changed:
            status = changed.get("status", action.status)
            rag = changed.get("rag", action.rag)
            if status == Status.COMPLETE:
                rag = Rag.BLUE
            elif rag == Rag.BLUE:
                if "rag" in changed:
                    raise StatusRagMismatchError(BLUE_NOT_COMPLETE)
                # The user reopened the action while someone else's blue stood: ask
                # them to rate it, rather than keep a rating that now says "complete".
                raise EditConflictError(action, changes_since(action, update.based_on_version))
            apply_status(action, status, rag, today)
            action.save()
    return note


# --- Reverting --------------------------------------------------------------


class RevertRefusedError(Exception):
    pass


def revert_change(
    obj_model: type[Versioned], obj_pk: int, history_id: int, user, may_write
) -> list[FieldChange]:
    """Undo one saved change: each field it changed goes back to its old value.

    Refused when a field was changed again since (reverting would silently undo
    that later change too). The revert is itself a saved change, with a reason.
    """
    with transaction.atomic():
        locked = obj_model._default_manager.select_for_update().get(pk=obj_pk)
        if not may_write(locked):
            raise PermissionDenied("Only the board's managers may revert a change.")
        record = locked.history.filter(history_id=history_id).select_related("history_user").first()
        if record is None:
            raise RevertRefusedError("That change is not in this history.")
        # By id, not date: two saves in the same instant must still come in order.
        previous = locked.history.filter(history_id__lt=record.history_id).order_by("-history_id").first()
        if record.history_type != "~" or previous is None:
            raise RevertRefusedError("Only a change can be reverted, not the creation of a record.")
        entry = describe(obj_model, [(record, previous)])[0]
        delta = record.diff_against(previous, excluded_fields=HIDDEN_FIELDS)
        changes = [c for c in delta.changes if c.field not in HIDDEN_FIELDS]
        if not changes:
            raise RevertRefusedError("That save changed nothing, so there is nothing to revert.")
        for change in changes:
            attname = _field(obj_model, change.field).attname
            if getattr(locked, attname) != change.new:
                label = _label(obj_model, change.field)
                raise RevertRefusedError(
                    f"{label} has been changed again since, so this change cannot be reverted on its own."
                )
        when = timezone.localtime(record.history_date)
        reason = f"Reverted the change {entry.who} made at {when:%H:%M} on {when.day} {when:%B %Y}"
        due_date_change = next((c for c in changes if c.field == "due_date"), None)
        for change in changes:
            setattr(locked, _field(obj_model, change.field).attname, change.old)
        locked._change_reason = reason
        try:
            with transaction.atomic():
                locked.full_clean(validate_unique=False, validate_constraints=True)
                if isinstance(locked, Action) and due_date_change is not None:
                    # The due-date ledger gets a reversal entry: a revert never removes one.
                    due_dates.record_revert(
                        locked,
                        from_date=due_date_change.new,
                        reverted_to=due_date_change.old,
                        user=user,
                        reason=reason,
                    )
                locked.save()
        except (IntegrityError, ValidationError) as error:
            raise RevertRefusedError(f"This change cannot be reverted: {_first_message(error)}") from error
    return entry.changes


def _first_message(error: Exception) -> str:
    messages = getattr(error, "messages", None)
    if messages:
        return messages[0]
    return "the result would not be valid."
