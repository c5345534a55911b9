"""Changing who holds which role on a board, without ever leaving it without a manager."""

from __future__ import annotations

import logging

from django.db import transaction

from .models import Membership, Role

security_log = logging.getLogger("safeguarding.security")


class LastManagerError(Exception):
    """The change would leave the board with no manager."""


def _lock_managers(board_id: int) -> list[int]:
    # Race: two managers demoting (or removing) each other at the same moment
    # would each see "one other manager left" and both succeed, leaving none.
    # Locking the board's manager rows first makes the second wait and re-count.
    return list(
        Membership.objects.select_for_update()
        .filter(board_id=board_id, role=Role.MANAGER)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


# Passed for ``agency`` when the caller does not change it.
UNCHANGED = object()


def change_membership(
    membership_pk: int, role: str, job_title: str, changed_by, agency=UNCHANGED
) -> Membership:
    """Change a member's role and job title (and the agency they sit for, when given: an
    Agency of the board's partnership, or None)."""
    with transaction.atomic():
        membership = Membership.objects.select_related("board", "user").get(pk=membership_pk)
        managers = _lock_managers(membership.board_id)
        if role != Role.MANAGER and managers == [membership.pk]:
            raise LastManagerError
        agency_id = membership.agency_id if agency is UNCHANGED else (agency.pk if agency else None)
        # Checked again here, in the writing transaction: the form's choices were the
        # partnership's agencies when it was shown.
        if (
            agency_id is not None
            and agency is not UNCHANGED
            and agency.partnership_id != membership.board.partnership_id
        ):
            raise ValueError("The agency is not one of the board's partnership.")
        changed = (
            membership.role != role or membership.job_title != job_title or membership.agency_id != agency_id
        )
        old_role = membership.role
        membership.role = role
        membership.job_title = job_title
        membership.agency_id = agency_id
        if changed:  # simple-history writes a row on every save, even an empty one
            membership.save(update_fields=["role", "job_title", "agency"])
    if old_role != role:
        security_log.info(
            "role-changed board=%s user=%s from=%s to=%s by=%s",
            membership.board.slug,
            membership.user.get_username(),
            old_role,
            role,
            changed_by.get_username(),
        )
    return membership


def remove_membership(membership_pk: int, removed_by) -> list[str]:
    """Remove someone from a board; returns the sub-committees they no longer chair."""
    with transaction.atomic():
        membership = Membership.objects.select_related("board", "user").get(pk=membership_pk)
        managers = _lock_managers(membership.board_id)
        if managers == [membership.pk]:
            raise LastManagerError
        # A sub-committee's chair must be a member of its board.
        released = []
        for sub_committee in membership.board.sub_committees.filter(chair=membership.user):
            sub_committee.chair = None
            sub_committee.save(update_fields=["chair"])
            released.append(sub_committee.name)
        membership.delete()
    security_log.info(
        "member-removed board=%s user=%s by=%s",
        membership.board.slug,
        membership.user.get_username(),
        removed_by.get_username(),
    )
    return released
