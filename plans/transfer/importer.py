"""Write a confirmed draft: all of it in one transaction, or nothing.

New rows are inserted level by level with bulk_create_with_history, so django-simple-history
records every one of them with the importing user as the history user (plain bulk_create
would record nothing); updated actions are saved one by one after a conflict check.
bench/import_plan.py measures both ways.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.db import transaction
from django.db.models import Max
from simple_history.utils import bulk_create_with_history

from boards.models import Agency, Board, SubCommittee
from plans import due_dates
from plans.editing import consistent_status_rag
from plans.models import (
    Action,
    BusinessPlan,
    DueDateChange,
    EvidenceSource,
    Measure,
    Objective,
    PriorityArea,
    ProgressUpdate,
    Status,
)

from .parsing import normalise_heading

Progress = Callable[[int, int], None]
BATCH = 500


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
    done = reported = 0

    def tick(amount: int = 1) -> None:
        nonlocal done, reported
        done += amount
        # Report each whole per cent at most once: every report is a write to Redis.
        if on_progress is not None and (done - reported) * 100 >= total:
            reported = done
            on_progress(min(done, total), total)

    sub_committees = list(SubCommittee.objects.filter(board=board))
    with transaction.atomic():
        # The draft names agencies by id as the preview found them; only those still of the
        # board's partnership are written (one deleted since is left out, not a crash).
        agency_ids = set(
            Agency.objects.filter(partnership_id=board.partnership_id).values_list("pk", flat=True)
        )
        if plan is None:
            if new_plan is None:
                # As indexing None raised before: jobs.run fails the job on a TypeError.
                raise TypeError("write_draft needs a plan, or new_plan to make one")
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
            if plan.status == BusinessPlan.Status.ARCHIVED:
                raise ImportConflictError(
                    "The plan was archived before the import ran, so nothing was imported. "
                    "A manager can restore it and import again."
                )
        _write_new_rows(plan, draft["areas"], user, sub_committees, agency_ids, tick)
        for update in draft["updates"]:
            _apply_update(plan, update, user, tick)
    if on_progress is not None:
        on_progress(total, total)
    return plan


def _bulk(model, objs: list, user, tick) -> None:
    """Insert rows level by level with their history rows (history user: the importer).

    bulk_create_with_history writes the same history rows as save() at about a twentieth
    of the cost (bench/import_plan.py); it sends no post_save signals.
    """
    for start in range(0, len(objs), BATCH):
        chunk = objs[start : start + BATCH]
        bulk_create_with_history(chunk, model, batch_size=BATCH, default_user=user)
        tick(len(chunk))


def _write_new_rows(
    plan: BusinessPlan, areas_data: list[dict], user, sub_committees, agency_ids: set[int], tick
) -> None:
    areas = []
    for data in areas_data:
        if data["existing_id"]:
            areas.append(PriorityArea.objects.get(pk=data["existing_id"], plan=plan))
        else:
            areas.append(
                PriorityArea(
                    plan=plan,
                    number=data["number"],
                    title=data["title"],
                    wider_plan_link=data["wider_plan_link"],
                    lead=data.get("lead", ""),
                )
            )
    _bulk(
        PriorityArea,
        [area for area, data in zip(areas, areas_data, strict=True) if not data["existing_id"]],
        user,
        tick,
    )

    objectives: list[tuple[Objective, dict]] = []
    for area, area_data in zip(areas, areas_data, strict=True):
        position = _next(area.objectives) if area_data["existing_id"] else 1
        for data in area_data["objectives"]:
            if data["existing_id"]:
                objective = Objective.objects.get(pk=data["existing_id"], priority_area=area)
            else:
                objective = Objective(
                    priority_area=area,
                    number=data["number"],
                    position=position,
                    description=data["description"],
                )
                position += 1
            objectives.append((objective, data))
    _bulk(Objective, [objective for objective, data in objectives if not data["existing_id"]], user, tick)

    evidence: list[tuple[EvidenceSource, list[Action]]] = []
    actions: list[tuple[Action, dict]] = []
    objective_actions: list[list[Action]] = []
    for objective, data in objectives:
        existing = bool(data["existing_id"])
        first = _next(objective.actions) if existing else 1
        mine = [
            _action(objective, first + offset, action_data, sub_committees, agency_ids)
            for offset, action_data in enumerate(data["actions"])
        ]
        actions += zip(mine, data["actions"], strict=True)
        objective_actions.append(mine)
        first = _next(objective.evidence_sources) if existing else 1
        # Evidence an export gives for some of the objective's actions is tied to them.
        ties = data.get("evidence_actions") or [[] for _ in data["evidence"]]
        evidence += [
            (
                EvidenceSource(objective=objective, position=first + offset, text=text),
                [mine[index] for index in tied],
            )
            for offset, (text, tied) in enumerate(zip(data["evidence"], ties, strict=True))
        ]
    _bulk(EvidenceSource, [source for source, _ in evidence], user, tick)
    _bulk(Action, [action for action, _ in actions], user, tick)
    links = EvidenceSource.actions.through
    links.objects.bulk_create(
        [
            links(evidencesource_id=source.pk, action_id=action.pk)
            for source, tied in evidence
            for action in tied
        ]
    )
    # The objective's measures, then those the plan gives for one action (Measure.action),
    # numbered after them; an export's rows say the order of both ("order").
    measures = []
    by_objective = zip(objectives, objective_actions, strict=True)
    for (objective, data), own_actions in by_objective:
        entries: list[tuple[dict, Action | None]] = [(measure, None) for measure in data["measures"]]
        entries += [
            (measure, action)
            for action, action_data in zip(own_actions, data["actions"], strict=True)
            for measure in action_data.get("measures", [])
        ]
        if entries and all("order" in measure for measure, _ in entries):
            entries.sort(key=lambda entry: entry[0]["order"])  # stable: a measure's copies in row order
        first = _next(objective.measures) if data["existing_id"] else 1
        measures += [
            Measure(
                objective=objective,
                action=action,
                position=first + offset,
                description=measure["description"],
                indicator_code=measure["indicator_code"],
            )
            for offset, (measure, action) in enumerate(entries)
        ]
    _bulk(Measure, measures, user, tick)
    # Notes from a source document have no author: the import is in the history instead.
    notes = [
        ProgressUpdate(
            action=action, date=_note_date(note), date_precision=_note_precision(note), text=note["text"]
        )
        for action, data in actions
        for note in data["progress"]
    ]
    _bulk(ProgressUpdate, notes, user, tick)


def _action(objective, position, data, sub_committees, agency_ids: set[int]) -> Action:
    return Action(
        objective=objective,
        position=position,
        description=data["description"],
        lead_role=data["lead_role"],
        deferred_to=data["deferred_to"],
        lead_sub_committee=match_sub_committee(data["lead_role"], sub_committees),
        lead_agency_id=data.get("lead_agency_id") if data.get("lead_agency_id") in agency_ids else None,
        due_date=datetime.date.fromisoformat(data["due"]) if data["due"] else None,
        due_precision=data["precision"],
        timescale_text=data["timescale_text"],
        recurrence=data.get("recurrence", ""),
        number=data.get("number", ""),
        # A file may say "In progress" and "Blue": the one rule decides (the status wins).
        **dict(zip(("status", "rag"), consistent_status_rag(data["status"], data["rag"]), strict=True)),
        completed_on=datetime.date.fromisoformat(data["completed_on"]) if data["completed_on"] else None,
        rating_illustrative=data.get("rating_illustrative", False),
    )


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
    new_due = action.due_date
    for change in update["changes"]:
        value = change["value"]
        if change["field"] == "status":
            action.status = value
        elif change["field"] == "rag":
            action.rag = value
        elif change["field"] == "due":
            new_due = datetime.date.fromisoformat(value[0])
            action.due_precision = value[1]
        elif change["field"] == "completed_on":
            action.completed_on = datetime.date.fromisoformat(value) if value else None
    action.status, action.rag = consistent_status_rag(action.status, action.rag)
    if action.status != Status.COMPLETE:
        action.completed_on = None
    if new_due != action.due_date:
        # The move is an entry in the due-date ledger, like every other change of due date.
        due_dates.change_due_date(
            action,
            new_due,
            user=user,
            reason="Bulk update from an imported file",
            kind=DueDateChange.Kind.IMPORTED,
        )
    elif update["changes"]:
        _save(action, user)
    for note in update["new_progress"]:
        _save(
            ProgressUpdate(
                action=action,
                date=_note_date(note),
                date_precision=_note_precision(note),
                text=note["text"],
                author=user,
                rag=action.rag,
            ),
            user,
        )
    tick()


def _note_date(note: dict) -> datetime.date | None:
    """A drafted note's date: None for a note the file marks undated."""
    return datetime.date.fromisoformat(note["date"]) if note["date"] else None


def _note_precision(note: dict) -> str:
    # Drafts made before notes kept their precision are all day-precise.
    return note.get("precision") or "day"
