"""Write a confirmed draft: all of it in one transaction, or nothing.

Rows are saved one by one (not bulk_create) so django-simple-history records each of them,
with the importing user as the history user. bench/import_plan.py measures the cost.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.db import transaction
from django.db.models import Max

from boards.models import Board, SubCommittee
from plans.models import (
    Action,
    BusinessPlan,
    EvidenceSource,
    Measure,
    Objective,
    PriorityArea,
    ProgressUpdate,
    Status,
)

from .parsing import normalise_heading

Progress = Callable[[int, int], None]


class ImportConflictError(Exception):
    """The plan changed between the preview and the import; nothing was written."""


def _save(obj, user) -> None:
    obj._history_user = user  # simple-history records this user on the history row
    obj.save()


def _next(queryset, field_name: str = "position") -> int:
    return (queryset.aggregate(top=Max(field_name))["top"] or 0) + 1


def _initials(words: list[str]) -> str:
    return "".join(word[0] for word in words if word)


def match_sub_committee(lead: str, sub_committees: list[SubCommittee]) -> SubCommittee | None:
    """The board's sub-committee a lead names: "Chair of Quality Assurance sub committee",
    "Business Planning Group (BPG)", "Chair of BPG" or "Chair CDR Local Panel"."""
    text = f" {normalise_heading(lead)} "
    for sub_committee in sub_committees:
        words = [
            w
            for w in normalise_heading(sub_committee.name).split()
            if w not in {"sub", "committee", "subcommittee"}
        ]
        if not words:
            continue
        names = {" ".join(words)}
        names |= {f"{_initials(words[:k])} {' '.join(words[k:])}".strip() for k in range(2, len(words) + 1)}
        if any(f" {name} " in text for name in names):
            return sub_committee
    return None


def write_draft(
    draft: dict,
    *,
    user,
    board: Board,
    plan: BusinessPlan | None = None,
    new_plan: dict | None = None,
    on_progress: Progress | None = None,
) -> BusinessPlan:
    """Write the draft into ``plan`` (or a new plan described by ``new_plan``)."""
    total = max(draft["counts"]["rows"], 1)
    done = 0

    def tick(amount: int = 1) -> None:
        nonlocal done
        done += amount
        if on_progress is not None and (done % 25 == 0 or done >= total):
            on_progress(min(done, total), total)

    sub_committees = list(SubCommittee.objects.filter(board=board))
    with transaction.atomic():
        if plan is None:
            plan = BusinessPlan(
                board=board,
                title=new_plan["title"],
                period_start=datetime.date.fromisoformat(new_plan["period_start"]),
                period_end=datetime.date.fromisoformat(new_plan["period_end"]),
                status=BusinessPlan.Status.DRAFT,
            )
            _save(plan, user)
        else:
            # Two imports into one plan would race for the same next positions: take turns.
            plan = BusinessPlan.objects.select_for_update().get(pk=plan.pk)
        for area_data in draft["areas"]:
            if area_data["existing_id"]:
                area = PriorityArea.objects.get(pk=area_data["existing_id"], plan=plan)
            else:
                area = PriorityArea(
                    plan=plan,
                    number=area_data["number"],
                    title=area_data["title"],
                    wider_plan_link=area_data["wider_plan_link"],
                )
                _save(area, user)
                tick()
            for objective_data in area_data["objectives"]:
                objective = _write_objective(area, objective_data, user, tick)
                position = _next(objective.actions)
                for offset, action_data in enumerate(objective_data["actions"]):
                    _write_action(objective, position + offset, action_data, user, sub_committees, tick)
        for update in draft["updates"]:
            _apply_update(plan, update, user, tick)
    if on_progress is not None:
        on_progress(total, total)
    return plan


def _write_objective(area: PriorityArea, data: dict, user, tick) -> Objective:
    if data["existing_id"]:
        objective = Objective.objects.get(pk=data["existing_id"], priority_area=area)
    else:
        objective = Objective(
            priority_area=area,
            number=data["number"],
            position=_next(area.objectives),
            description=data["description"],
        )
        _save(objective, user)
        tick()
    position = _next(objective.evidence_sources)
    for offset, text in enumerate(data["evidence"]):
        _save(EvidenceSource(objective=objective, position=position + offset, text=text), user)
        tick()
    position = _next(objective.measures)
    for offset, measure in enumerate(data["measures"]):
        _save(
            Measure(
                objective=objective,
                position=position + offset,
                description=measure["description"],
                indicator_code=measure["indicator_code"],
            ),
            user,
        )
        tick()
    return objective


def _write_action(objective, position, data, user, sub_committees, tick) -> None:
    action = Action(
        objective=objective,
        position=position,
        description=data["description"],
        lead_role=data["lead_role"],
        deferred_to=data["deferred_to"],
        lead_sub_committee=match_sub_committee(data["lead_role"], sub_committees),
        due_date=datetime.date.fromisoformat(data["due"]) if data["due"] else None,
        due_precision=data["precision"],
        timescale_text=data["timescale_text"],
        status=data["status"],
        rag=data["rag"],
        completed_on=datetime.date.fromisoformat(data["completed_on"]) if data["completed_on"] else None,
    )
    _save(action, user)
    tick()
    for note in data["progress"]:
        # Notes from a source document have no author: the import is in the history instead.
        _save(
            ProgressUpdate(action=action, date=datetime.date.fromisoformat(note["date"]), text=note["text"]),
            user,
        )
        tick()


def _apply_update(plan: BusinessPlan, update: dict, user, tick) -> None:
    # Someone may edit the action between the preview and this write: lock it and compare
    # with what the preview showed, so no edit is silently overwritten.
    action = (
        Action.objects.select_for_update()
        .filter(pk=update["action_id"], objective__priority_area__plan=plan)
        .first()
    )
    if action is None:
        raise ImportConflictError(f"The action {update['reference']} is no longer in this plan.")
    expect = update["expect"]
    now = {
        "status": action.status,
        "rag": action.rag,
        "due_date": action.due_date.isoformat() if action.due_date else None,
        "due_precision": action.due_precision,
    }
    if now != expect:
        raise ImportConflictError(
            f"The action {update['reference']} was changed after the preview. Upload the file again to see "
            "the changes as they now stand."
        )
    for change in update["changes"]:
        value = change["value"]
        if change["field"] == "status":
            action.status = value
        elif change["field"] == "rag":
            action.rag = value
        elif change["field"] == "due":
            action.due_date = datetime.date.fromisoformat(value[0])
            action.due_precision = value[1]
        elif change["field"] == "completed_on":
            action.completed_on = datetime.date.fromisoformat(value) if value else None
    if action.status != Status.COMPLETE:
        action.completed_on = None
    if update["changes"]:
        _save(action, user)
    for note in update["new_progress"]:
        _save(
            ProgressUpdate(
                action=action,
                date=datetime.date.fromisoformat(note["date"]),
                text=note["text"],
                author=user,
                rag=action.rag,
            ),
            user,
        )
    tick()
