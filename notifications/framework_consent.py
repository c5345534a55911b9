"""In-app notifications about frameworks of cooperation asking a board's consent.

A framework binds a board only when one of that board's managers agrees
(``frameworks.models.Consent``). When a binding is asked for, each of the board's
managers finds it in their notifications; when it is given, the manager who asked
does. The frameworks app does not know about notifications: these receivers listen
to its model's saves, and write after the saving transaction commits.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from boards.models import Membership
from frameworks.models import Consent, FrameworkBoard

from .models import Notification, ReminderKind


@receiver(post_save, sender=FrameworkBoard, dispatch_uid="notifications.framework_consent")
def binding_saved(sender, instance: FrameworkBoard, created: bool, update_fields=None, **kwargs) -> None:
    if kwargs.get("raw"):
        return  # fixtures
    if created and instance.consent == Consent.REQUESTED:
        transaction.on_commit(lambda: notify_managers_of_request(instance.pk))
    elif not created and update_fields and "consent" in update_fields and instance.consent == Consent.GIVEN:
        transaction.on_commit(lambda: notify_requester_of_consent(instance.pk))


def notify_managers_of_request(binding_pk: int) -> int:
    binding = (
        FrameworkBoard.objects.awaiting_consent()
        .select_related("framework", "board", "consent_requested_by")
        .filter(pk=binding_pk)
        .first()
    )
    if binding is None:
        return 0  # answered or withdrawn before the commit hook ran
    asker = binding.consent_requested_by
    asked_by = f"{asker.get_full_name() or asker.username} asks" if asker else "You are asked"
    text = (
        f"{asked_by} for {binding.board.short_name} to be bound by “{binding.framework.title}” "
        f"(version {binding.framework.version}): agree or decline."
    )
    managers = Membership.objects.managers().filter(board=binding.board).exclude(user=asker)
    notifications = [
        Notification(
            user_id=user_id,
            kind=ReminderKind.FRAMEWORK_CONSENT,
            board=binding.board,
            text=text[:500],
            link=f"{binding.framework.get_absolute_url()}#consent-{binding.board_id}",
        )
        for user_id in managers.values_list("user_id", flat=True)
    ]
    Notification.objects.bulk_create(notifications)
    return len(notifications)


def notify_requester_of_consent(binding_pk: int) -> int:
    binding = (
        FrameworkBoard.objects.consented()
        .select_related("framework", "board", "consent_requested_by", "consent_given_by")
        .filter(pk=binding_pk, consent_requested_by__isnull=False)
        .first()
    )
    if binding is None or binding.consent_requested_by_id == binding.consent_given_by_id:
        return 0
    agreed_by = binding.consent_given_by
    who = agreed_by.get_full_name() or agreed_by.username if agreed_by else "One of its managers"
    Notification.objects.create(
        user=binding.consent_requested_by,
        kind=ReminderKind.FRAMEWORK_CONSENTED,
        board=binding.board,
        text=(
            f"{binding.board.short_name} agreed to be bound by “{binding.framework.title}” "
            f"(version {binding.framework.version}): {who} accepted."
        )[:500],
        link=f"{binding.framework.get_absolute_url()}#board-{binding.board_id}",
    )
    return 1
