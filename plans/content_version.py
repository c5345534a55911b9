"""Bump a plan's content version whenever a save or delete changes what its page shows.

``BusinessPlan.content_version`` keys the cached plan page (plans.page_cache) and the
cached exports. Bulk writes bump it in ``plans.models.PlanPartQuerySet``; this module
covers single saves and deletes (signals, so every write path through the ORM is seen,
in the same transaction as the write) and the few rows outside the plan that the page
also shows: the board's sub-committees (lead filter, lead column) and the names of the
people who lead actions (lead filter).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from boards.models import SubCommittee

from .models import PLAN_PARENTS, Action, BusinessPlan, EvidenceSource, bump_content_version


def _parent_id(instance) -> int | None:
    parent_field = PLAN_PARENTS[type(instance)][0]
    return getattr(instance, f"{parent_field}_id")


def _bump_for_part(sender, instance, **kwargs) -> None:
    if kwargs.get("raw"):  # loaddata: nothing is cached for rows that are being loaded
        return
    parent_id = _parent_id(instance)
    if parent_id is not None:
        bump_content_version(type(instance), [parent_id])


for part in PLAN_PARENTS:
    post_save.connect(_bump_for_part, sender=part, dispatch_uid=f"content-version-save-{part.__name__}")
    post_delete.connect(_bump_for_part, sender=part, dispatch_uid=f"content-version-delete-{part.__name__}")


@receiver(m2m_changed, sender=EvidenceSource.actions.through, dispatch_uid="content-version-evidence-ties")
def _bump_for_evidence_ties(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """Evidence tied to some of an objective's actions changes the row layout."""
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    # ``instance`` is the evidence source, or the action when the ties are changed from its side.
    if isinstance(instance, Action | EvidenceSource):
        bump_content_version(type(instance), [_parent_id(instance)])


def bump_plans_of_board(board_id: int) -> None:
    BusinessPlan._base_manager.filter(board_id=board_id).update(content_version=F("content_version") + 1)


@receiver(post_save, sender=SubCommittee, dispatch_uid="content-version-sub-committee-save")
@receiver(post_delete, sender=SubCommittee, dispatch_uid="content-version-sub-committee-delete")
def _bump_for_sub_committee(sender, instance: SubCommittee, raw: bool = False, **kwargs) -> None:
    """Sub-committees are named in the lead column and the lead filter of every plan of the board."""
    if not raw:
        bump_plans_of_board(instance.board_id)


NAME_FIELDS = {"first_name", "last_name"}


def _bump_plans_led_by(user_id: int) -> None:
    BusinessPlan._base_manager.filter(priority_areas__objectives__actions__responsible=user_id).update(
        content_version=F("content_version") + 1
    )


@receiver(post_save, sender=get_user_model(), dispatch_uid="content-version-user-renamed")
def _bump_for_renamed_lead(
    sender, instance, created: bool, update_fields=None, raw: bool = False, **kwargs
) -> None:
    """The lead filter lists the people named as leads. Signing in saves last_login only:
    that changes no plan, so it bumps nothing."""
    if created or raw or (update_fields is not None and not NAME_FIELDS & set(update_fields)):
        return
    _bump_plans_led_by(instance.pk)


@receiver(pre_delete, sender=get_user_model(), dispatch_uid="content-version-user-deleted")
def _bump_for_deleted_lead(sender, instance, **kwargs) -> None:
    """Deleting a user clears them as lead (SET_NULL, no signal per action): bump first."""
    _bump_plans_led_by(instance.pk)
