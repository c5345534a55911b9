"""A plan's life: a draft until a manager approves it; an approved plan is revised by
starting a new draft version, which replaces it when that draft is approved in turn.

Only an approved plan is in force (``plans.models.in_force_q``): a draft's actions stay
out of My actions, reminders, digests, calendar feeds, packs, review and meeting pickers
and the board page's counts until then.

Each function takes the plan under lock and checks the writer again inside that
transaction (``may_write``), as every other plans write does.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from . import due_dates
from .extensions import plan_approved, plan_revision_started
from .models import (
    Action,
    BusinessPlan,
    EvidenceSource,
    Measure,
    Objective,
    PlanStatus,
    PriorityArea,
    ProgressUpdate,
)


class ApprovalRefusedError(Exception):
    """The plan is not in a state where this step makes sense; the message says why."""


def approve(
    plan_pk: int,
    user,
    may_write: Callable[[BusinessPlan], bool],
    decision_pk: int | None = None,
) -> BusinessPlan:
    """Approve a draft: it comes into force now, recorded with who approved it and when.

    A revision replaces the version it revises: that version is archived in the same
    transaction, and progress notes its leads added while the revision was being drafted
    are carried to the new version's actions, so nothing written meanwhile is lost.
    ``decision_pk`` names the meeting decision that approved it; the meetings app
    records and checks it (``plans.extensions.plan_approved``), in this transaction.

    Race: two managers approve at once, or one approves while another starts archiving.
    The plan row lock orders them; the second sees the first's result and is refused.
    """
    with transaction.atomic():
        plan = BusinessPlan.objects.select_for_update().get(pk=plan_pk)
        if not may_write(plan):
            raise PermissionDenied("Only the board's managers may approve its plans.")
        if plan.status != PlanStatus.DRAFT:
            raise ApprovalRefusedError(f"This plan is {plan.get_status_display().lower()}, not a draft.")
        plan.status = PlanStatus.APPROVED
        plan.approved_by = user
        plan.approved_at = timezone.now()
        plan._change_reason = "Approved"
        plan.save()
        if plan.revision_of_id is not None:
            _replace(plan)
        # Receivers (meetings) record the decision and raise if it does not fit this plan,
        # which rolls the approval back.
        plan_approved.send(sender=BusinessPlan, plan=plan, decision_pk=decision_pk, user=user)
    return plan


def _replace(revision: BusinessPlan) -> None:
    assert revision.revision_of_id is not None  # called only for a revision of a plan
    previous = BusinessPlan.objects.select_for_update().get(pk=revision.revision_of_id)
    if previous.status != PlanStatus.ARCHIVED:
        previous.status = PlanStatus.ARCHIVED
        previous._change_reason = f"Replaced by version {revision.revision_number}"
        previous.save()
    copies = dict(
        Action.objects.filter(objective__priority_area__plan=revision, copied_from__isnull=False).values_list(
            "copied_from_id", "pk"
        )
    )
    carried = [
        ProgressUpdate(
            action_id=copies[note.action_id],
            date=note.date,
            date_precision=note.date_precision,
            text=note.text,
            author_id=note.author_id,
            rag=note.rag,
        )
        for note in ProgressUpdate.objects.filter(
            action_id__in=copies, created_at__gt=_revision_started_at(revision)
        ).order_by("pk")
    ]
    if carried:
        bulk_create_with_history(carried, ProgressUpdate, default_user=revision.approved_by)


def _revision_started_at(revision: BusinessPlan) -> datetime.datetime:
    first = revision.history.order_by("history_id").values_list("history_date", flat=True).first()
    if first:
        return first
    assert revision.approved_at is not None  # called once the revision is approved
    return revision.approved_at


def start_revision(plan_pk: int, user, may_write: Callable[[BusinessPlan], bool]) -> BusinessPlan:
    """Copy an approved plan into a new draft version (its parts, actions and their
    progress notes). The approved version stays in force, and its leads keep updating
    it, until the draft is approved.

    Race: two managers start a revision at once. The plan row lock orders them and the
    second finds the first's draft (a unique constraint backs this up).
    """
    with transaction.atomic():
        plan = BusinessPlan.objects.select_for_update().get(pk=plan_pk)
        if not may_write(plan):
            raise PermissionDenied("Only the board's managers may revise its plans.")
        if plan.status != PlanStatus.APPROVED:
            raise ApprovalRefusedError("Only an approved plan can be revised: change a draft directly.")
        if plan.revisions.filter(status=PlanStatus.DRAFT).exists():
            raise ApprovalRefusedError("A revision of this plan is already being drafted.")
        latest = BusinessPlan.objects.filter(
            board=plan.board_id, title=plan.title, period_start=plan.period_start
        ).aggregate(latest=Max("revision_number"))["latest"]
        revision = BusinessPlan(
            board_id=plan.board_id,
            title=plan.title,
            period_start=plan.period_start,
            period_end=plan.period_end,
            status=PlanStatus.DRAFT,
            revision_of=plan,
            revision_number=latest + 1,
        )
        revision._change_reason = f"Revision of version {plan.revision_number}"
        revision.save()
        action_map = _copy_parts(plan, revision, user)
        plan_revision_started.send(
            sender=BusinessPlan, previous=plan, revision=revision, action_map=action_map
        )
    return revision


def _copy_fields(obj, **overrides):
    """A new unsaved row with ``obj``'s own values (every concrete field but the key and
    the version, so fields added later are copied too), then ``overrides``."""
    values = {
        field.attname: getattr(obj, field.attname)
        for field in type(obj)._meta.concrete_fields
        if not field.primary_key and field.name != "version"
    }
    values.update(overrides)
    return type(obj)(**values)


def _copy_parts(plan: BusinessPlan, revision: BusinessPlan, user) -> dict[int, int]:
    """Copy the plan's tree under ``revision``, level by level (a query or two a level,
    whatever the size; three for evidence and its links to actions). Returns {old action pk: new action pk}."""

    def create(model, rows):
        return bulk_create_with_history(rows, model, default_user=user, default_change_reason="Copied")

    areas = list(PriorityArea.objects.filter(plan=plan).order_by("number"))
    new_areas = create(PriorityArea, [_copy_fields(a, plan_id=revision.pk) for a in areas])
    area_map = {old.pk: new.pk for old, new in zip(areas, new_areas, strict=True)}

    objectives = list(Objective.objects.filter(priority_area__plan=plan).order_by("pk"))
    new_objectives = create(
        Objective, [_copy_fields(o, priority_area_id=area_map[o.priority_area_id]) for o in objectives]
    )
    objective_map = {old.pk: new.pk for old, new in zip(objectives, new_objectives, strict=True)}

    actions = list(Action.objects.filter(objective__priority_area__plan=plan).order_by("pk"))
    new_actions = create(
        Action,
        [_copy_fields(a, objective_id=objective_map[a.objective_id], copied_from_id=a.pk) for a in actions],
    )
    action_map = {old.pk: new.pk for old, new in zip(actions, new_actions, strict=True)}
    # Evidence and measures after the actions: a measure of one action, and evidence for
    # some actions (plans.rows), follow their actions into the revision.
    evidence = list(EvidenceSource.objects.filter(objective__priority_area__plan=plan).order_by("pk"))
    new_evidence = create(
        EvidenceSource, [_copy_fields(e, objective_id=objective_map[e.objective_id]) for e in evidence]
    )
    evidence_map = {old.pk: new.pk for old, new in zip(evidence, new_evidence, strict=True)}
    links = EvidenceSource.actions.through
    links.objects.bulk_create(
        links(evidencesource_id=evidence_map[source_id], action_id=action_map[action_id])
        for source_id, action_id in links.objects.filter(evidencesource_id__in=evidence_map).values_list(
            "evidencesource_id", "action_id"
        )
    )
    create(
        Measure,
        [
            _copy_fields(
                m,
                objective_id=objective_map[m.objective_id],
                action_id=action_map.get(m.action_id) if m.action_id else None,
            )
            for m in Measure.objects.filter(objective__priority_area__plan=plan).order_by("pk")
        ],
    )
    due_dates.copy_ledger(action_map)
    create(
        ProgressUpdate,
        [
            _copy_fields(p, action_id=action_map[p.action_id])
            for p in ProgressUpdate.objects.filter(action__objective__priority_area__plan=plan).order_by("pk")
        ],
    )
    return action_map
