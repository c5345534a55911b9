"""The chairs' writes, through the same forms and domain functions as the pages.

``plans.forms`` checks the input (complete is blue, blue only when complete; a due date
outside the plan period needs confirming; a month timescale is kept as the month's last
day), ``plans.editing.save_quick_update`` and ``plans.due_dates.request_change`` write it
with the action's row locked, and ``plans.access.can_update_action`` is asked again on the
locked row. Nothing here decides a rule of its own.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone
from rest_framework import status
from rest_framework.exceptions import APIException, ValidationError

from plans import access as plan_access
from plans import due_dates
from plans.editing import (
    EditConflictError,
    QuickUpdate,
    StatusRagMismatchError,
    UnknownVersionError,
    save_quick_update,
)
from plans.forms import DueDateRequestForm, QuickUpdateForm
from plans.models import Action, DueDateChange, ProgressUpdate


class Conflict(APIException):
    """409: someone else changed the action since the version the client read."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"

    def __init__(self, detail: str, changes: list[str], current_version: int) -> None:
        super().__init__(detail)
        self.detail = {"detail": detail, "changes": changes, "current_version": current_version}


def _form_errors(form, names: dict[str, str] | None = None) -> ValidationError:
    """A Django form's errors as DRF's {field: [messages]}, under the API's field names."""
    names = names or {}
    errors: dict[str, list[str]] = {}
    for field, messages in form.errors.items():
        key = "non_field_errors" if field == "__all__" else names.get(field, field)
        errors.setdefault(key, []).extend(str(m) for m in messages)
    return ValidationError(errors)


@dataclass(frozen=True)
class StatusChange:
    text: str
    status: str
    rag: str
    based_on_version: int


def quick_update(user, action: Action, change: StatusChange) -> ProgressUpdate | None:
    """A progress note and/or status and RAG, exactly as "My actions" saves them."""
    prefix = f"action-{action.pk}"
    form = QuickUpdateForm(
        {
            f"{prefix}-text": change.text,
            f"{prefix}-status": change.status,
            f"{prefix}-rag": change.rag,
            f"{prefix}-based_on_version": str(change.based_on_version),
        },
        action=action,
    )
    if not form.is_valid():
        raise _form_errors(form)
    data = form.cleaned_data
    try:
        return save_quick_update(
            action.pk,
            QuickUpdate(data["text"], data["rag"] or "", data["status"], data["based_on_version"]),
            user,
            lambda locked: plan_access.can_update_action(user, locked),
            timezone.localdate(),
        )
    except EditConflictError as conflict:
        raise Conflict(
            "Someone else updated this action since the version you read, so nothing was saved.",
            conflict.messages(),
            conflict.current.version,
        ) from conflict
    except UnknownVersionError as unknown:
        raise Conflict(UnknownVersionError.MESSAGE, [], unknown.current.version) from unknown
    except StatusRagMismatchError as mismatch:
        raise ValidationError({"rag": [str(mismatch)]}) from mismatch


def request_due_date(
    user,
    action: Action,
    new_due_date: datetime.date,
    reason: str,
    confirm_outside_period: bool,
    *,
    is_manager: bool,
) -> DueDateChange:
    """A lead's request (a manager's applies at once), exactly as the page makes it."""
    plan = action.objective.priority_area.plan
    form = DueDateRequestForm(
        {
            "new_due_date_0": str(new_due_date.day),
            "new_due_date_1": str(new_due_date.month),
            "new_due_date_2": str(new_due_date.year),
            "reason": reason,
            "confirm_outside_period": "on" if confirm_outside_period else "",
        },
        action=action,
        plan=plan,
        applies_at_once=is_manager,
    )
    if not form.is_valid():
        raise _form_errors(form)

    def may_request(locked: Action) -> bool:
        plan_access.require(plan_access.plan_is_open(plan.pk), plan_access.ARCHIVED_MESSAGE)
        return plan_access.can_update_action(user, locked)

    try:
        return due_dates.request_change(
            action.pk,
            user,
            form.cleaned_data["new_due_date"],
            form.cleaned_data["reason"],
            may_request=may_request,
            applies_at_once=lambda locked: plan_access.can_manage_board(
                user, plan_access.action_board_id(locked)
            ),
        )
    except due_dates.DueDateRequestError as refused:
        raise Conflict(str(refused), [], action.version) from refused
