"""Gather a board's data for one period into a JSON snapshot, and hash it.

The snapshot is all a pack shows, so the PDF can be drawn (and redrawn years
later) without reading live data. Each gatherer adds one key; apps merged later
(reviews, meetings) add theirs to GATHERERS and a section that reads it.

Everything here runs in a fixed number of queries whatever the plan's size.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import DateField, Exists, OuterRef, Prefetch, Q
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils import timezone

from boards.models import Board
from frameworks.diagram import EDGE_STYLES, DiagramError, describe, governance_svg
from frameworks.models import Framework, RelationshipKind
from meetings.models import BoardReport, Meeting
from meetings.queries import meetings_for_board
from meetings.report_format import report_sections
from performance.models import Indicator, IndicatorValue
from plans import due_dates
from plans import rows as plan_rows
from plans.models import (
    Action,
    BusinessPlan,
    Objective,
    PlanStatus,
    PriorityArea,
    ProgressUpdate,
    Status,
    in_force_q,
)
from reviews.in_progress import reviews_in_progress
from reviews.models import Recommendation, Review, ReviewReport
from reviews.traceability import coverage_for_reviews

from .changes import compute_changes
from .models import BoardPack
from .periods import PackPeriod, PeriodKind

SNAPSHOT_FORMAT = 1
# Keys that record when the snapshot was taken rather than what it shows: they
# do not count as a change of inputs (asking again tomorrow with nothing changed
# returns the stored pack).
VOLATILE_KEYS = ("as_of",)

Gatherer = Callable[[Board, PackPeriod, datetime.date], Any]


def _date(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def _number(value) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def gather_plans(
    board: Board, period: PackPeriod, as_of: datetime.date, as_if_approved: Iterable[int] = ()
) -> dict[str, Any]:
    """The board's plans in force (approved, overlapping the period) with every action.

    ``as_if_approved`` names draft plans a manager previews the pack with, as if they
    were approved (an unsaved preview; never an issued pack)."""
    previewed = BusinessPlan.objects.filter(pk__in=list(as_if_approved), status=PlanStatus.DRAFT)
    plans = list(
        BusinessPlan.objects.filter(Q(in_force_q()) | Q(pk__in=previewed.values("pk")))
        .filter(board=board, period_start__lte=period.end, period_end__gte=period.start)
        .order_by("period_start", "pk")
        .prefetch_related(
            Prefetch(
                "priority_areas",
                queryset=PriorityArea.objects.prefetch_related(
                    Prefetch(
                        "objectives",
                        queryset=Objective.objects.prefetch_related(
                            "evidence_sources",
                            "measures",
                            Prefetch(
                                "actions",
                                queryset=Action.objects.with_latest_progress().select_related(
                                    "lead_sub_committee", "lead_agency"
                                ),
                            ),
                        ),
                    )
                ),
            )
        )
    )
    action_ids = [
        a.pk
        for p in plans
        for area in p.priority_areas.all()
        for o in area.objectives.all()
        for a in o.actions.all()
    ]
    # Original due dates and slipped deadlines read the due-date ledger, as the plan and
    # action pages do (plans.due_dates), so a pack cannot tell a different story.
    first_due = due_dates.first_due_dates(action_ids)
    all_objectives = [o for p in plans for area in p.priority_areas.all() for o in area.objectives.all()]
    evidence_ties, measure_ties = plan_rows.all_ties(all_objectives)
    plan_data = []
    for plan in plans:
        areas = []
        for area in plan.priority_areas.all():
            objectives = []
            for objective in area.objectives.all():
                actions = []
                # Evidence and measures by row (plans.rows): each row's own, tied to it or to none.
                row_actions = list(objective.actions.all())
                for position, action in enumerate(row_actions, start=1):
                    original = first_due.get(action.pk, action.due_date)
                    actions.append(
                        {
                            "id": action.pk,
                            "ref": f"{objective.number}.{position}",
                            "description": action.description,
                            "lead": action.lead_display,
                            "sub_committee": action.lead_sub_committee.name
                            if action.lead_sub_committee
                            else "",
                            **({"lead_agency": action.lead_agency.name} if action.lead_agency else {}),
                            "due_date": _date(action.due_date),
                            "due_precision": action.due_precision,
                            "timescale": action.timescale,
                            "original_due_date": _date(original),
                            "status": action.status,
                            "status_label": action.get_status_display(),
                            "rag": action.rag,
                            "rag_label": action.get_rag_display(),
                            "completed_on": _date(action.completed_on),
                            "overdue": action.is_overdue(as_of),
                            "rating_illustrative": action.rating_illustrative,
                            "latest_progress": {
                                "date": _date(action.latest_progress_date),
                                "date_label": action.latest_progress_label,
                                "text": action.latest_progress_text,
                            }
                            if action.latest_progress_text
                            else None,
                            # The row's own evidence and measures (the appendix does not merge
                            # cells down rows, so each row says all of its own).
                            "row_evidence": [
                                e.text
                                for e in plan_rows.items_for(
                                    action.pk, objective.evidence_sources.all(), evidence_ties
                                )
                            ],
                            "row_measures": [
                                m.description
                                for m in plan_rows.items_for(
                                    action.pk, objective.measures.all(), measure_ties
                                )
                            ],
                        }
                    )
                objectives.append(
                    {
                        "id": objective.pk,
                        "number": objective.number,
                        "description": objective.description,
                        "evidence": [source.text for source in objective.evidence_sources.all()],
                        "measures": [
                            {"id": m.pk, "description": m.description, "indicator_code": m.indicator_code}
                            for m in objective.measures.all()
                        ],
                        "actions": actions,
                        "rows_tied": any(
                            item.pk in ties
                            for items, ties in (
                                (objective.evidence_sources.all(), evidence_ties),
                                (objective.measures.all(), measure_ties),
                            )
                            for item in items
                        ),
                    }
                )
            areas.append(
                {
                    "number": area.number,
                    "title": area.title,
                    "wider_plan_link": area.wider_plan_link,
                    "objectives": objectives,
                }
            )
        plan_data.append(
            {
                "id": plan.pk,
                "title": plan.title,
                "period_label": plan.period_label,
                "status_label": plan.get_status_display(),
                "dates_moved_note": plan.dates_moved_note,
                "illustrative_note": plan.illustrative_note,
                "areas": areas,
                # Only in a manager's preview: the key is absent from every issued pack.
                **({"previewed_as_if_approved": True} if plan.is_draft else {}),
            }
        )
    return {
        "plans": plan_data,
        "updates_in_period": _updates_in_period(action_ids, period),
        "slipped": _slipped_deadlines(action_ids, period),
    }


def _slipped_deadlines(action_ids: list[int], period: PackPeriod) -> list[dict[str, Any]]:
    """Actions whose due date was moved later within the period, from the due-date ledger
    (approvals, managers' changes, reverts and bulk imports alike)."""
    slipped = [
        {
            "action_id": move.action_id,
            "from": move.old_due_date.isoformat(),
            "to": move.new_due_date.isoformat(),
            "changed_on": timezone.localdate(move.made_at).isoformat(),
        }
        for move in due_dates.moves_between(action_ids, period.start, period.end)
        if move.old_due_date and move.new_due_date and move.new_due_date > move.old_due_date
    ]
    return sorted(slipped, key=lambda s: (s["changed_on"], s["action_id"]))


def _updates_in_period(action_ids: list[int], period: PackPeriod) -> list[dict[str, Any]]:
    updates = (
        ProgressUpdate.objects.filter(action_id__in=action_ids, date__range=(period.start, period.end))
        .select_related("author")
        .order_by("date", "pk")
    )
    return [
        {
            "action_id": u.action_id,
            "date": _date(u.date),
            "date_label": u.date_label,
            "text": u.text,
            "author": u.author.get_full_name() if u.author else "",
            "rag_label": u.get_rag_display() if u.rag else "",
        }
        for u in updates
    ]


def gather_indicators(board: Board, period: PackPeriod, as_of: datetime.date) -> list[dict[str, Any]]:
    """Indicators the board or its partnership owns, or linked to its plans' measures, with values to the period's end."""
    values = IndicatorValue.objects.filter(period_end__lte=period.end).order_by("period_start")
    indicators = (
        Indicator.objects.filter(
            Q(board=board)
            | Q(partnership_id=board.partnership_id)
            | Q(measures__objective__priority_area__plan__board=board)
        )
        .distinct()
        .order_by("code", "pk")
        .prefetch_related(Prefetch("values", queryset=values), "measures__objective")
    )
    return [
        {
            "id": indicator.pk,
            "code": indicator.code,
            "title": indicator.title,
            "unit": indicator.unit,
            "direction_label": indicator.get_good_direction_display(),
            "objectives": sorted({m.objective.number for m in indicator.measures.all()}),
            "values": [
                {
                    "label": v.period_label,
                    "start": v.period_start.isoformat(),
                    "end": v.period_end.isoformat(),
                    "value": _number(v.value),
                    "target": _number(v.target),
                    "note": v.note,
                }
                for v in indicator.values.all()
            ],
        }
        for indicator in indicators
    ]


def gather_reviews(board: Board, period: PackPeriod, as_of: datetime.date) -> list[dict[str, Any]]:
    """Reviews reported to the board, with every recommendation, and the recommendations
    the board owns in other reviews of its partnership; each with how far it is answered.
    Four queries: the reviews, the board's own recommendations, and coverage_for_reviews's two."""
    reviews = list(
        Review.objects.filter(Q(reports__board=board) | Q(recommendations__owner_board=board))
        .annotate(reported=Exists(ReviewReport.objects.filter(review=OuterRef("pk"), board=board)))
        .distinct()
        .order_by("-published", "-on_site_start", "title", "pk")
    )
    if not reviews:
        return []
    owned = set(
        Recommendation.objects.filter(owner_board=board, review__in=reviews).values_list("pk", flat=True)
    )
    coverage = coverage_for_reviews([review.pk for review in reviews], as_of)
    gathered = []
    for review in reviews:
        recommendations = [
            rec for rec in coverage[review.pk].recommendations if review.reported or rec.pk in owned
        ]
        if not recommendations:
            continue
        counted = [rec for rec in recommendations if rec.accepted]
        gathered.append(
            {
                "id": review.pk,
                "title": review.title,
                "kind_label": review.get_kind_display(),
                "dates_label": review.dates_label,
                "reported_to_board": review.reported,
                "counted": len(counted),
                "complete": sum(rec.complete for rec in counted),
                "fully_answered": sum(rec.fully_answered for rec in counted),
                "recommendations": [
                    {
                        "id": rec.pk,
                        "number": rec.number,
                        "text": rec.text,
                        "response_label": rec.response_label,
                        "owner": rec.owner,
                        "owner_board": rec.owner_board,
                        "illustrative": rec.illustrative,
                        "progress_label": rec.progress_label,
                        "not_implemented_reason": rec.not_implemented_reason,
                        "not_implemented_on": _date(rec.not_implemented_on),
                        "not_implemented_by": rec.not_implemented_by,
                        "not_implemented_illustrative": rec.not_implemented_illustrative,
                        "fully_answered": rec.fully_answered,
                        "flags": rec.flags,
                        "actions": [
                            {
                                "id": action.pk,
                                "description": action.description,
                                "board": action.board_short_name,
                                "lead": action.lead,
                                "due_date": _date(action.due_date),
                                "due_precision": action.due_precision,
                                "status_label": action.status_label,
                                "rag": action.rag,
                                "rag_label": action.rag_label,
                                "rating_illustrative": action.rating_illustrative,
                                "overdue": action.is_overdue,
                                "impact_verified": action.impact_verified,
                            }
                            for action in rec.actions
                        ],
                    }
                    for rec in recommendations
                ],
            }
        )
    return gathered


def gather_case_reviews(board: Board, period: PackPeriod, as_of: datetime.date) -> list[dict[str, Any]]:
    """The board's case reviews and inspections in progress on ``as_of`` with their clocks
    (reviews.in_progress). Only dates are stored: the section works out days left and
    breach from the pack's as-of date, so unchanged reviews give an unchanged snapshot."""
    return [
        {
            "id": item.review.pk,
            "title": item.review.title,
            "kind_label": item.review.get_kind_display(),
            "stage_label": item.review.get_stage_display() if item.review.is_case_review else "",
            "status_label": item.review.get_status_display(),
            "clocks": [
                {
                    "key": clock.key,
                    "name": clock.name,
                    "length_label": clock.rule.length_label,
                    "started_on": _date(clock.started_on),
                    "due": _date(clock.due),
                    "stopped_on": _date(clock.stopped_on),
                }
                for clock in item.clocks
            ],
        }
        for item in reviews_in_progress(board, as_of)
    ]


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _meeting_facts(meeting: Meeting) -> dict[str, Any]:
    return {
        "id": meeting.pk,
        "title": meeting.display_title,
        "starts_at": timezone.localtime(meeting.starts_at).isoformat(),
        "place": meeting.place,
        "illustrative_note": meeting.illustrative_note,
    }


def _report(report: BoardReport, agenda_position: int | None) -> dict[str, Any]:
    sections = report_sections(report, list(report.recommendations.all()))
    return {
        "id": report.pk,
        "title": report.title,
        "report_of": report.report_of,
        "agenda_position": agenda_position,
        "sections": [
            {
                "number": section.number,
                "heading": section.heading,
                "blocks": [
                    {"number": block.number, "text": block.text, "items": block.items}
                    for block in section.blocks
                ],
            }
            for section in sections
        ],
        "contact": {
            "name": report.contact_name,
            "role": report.contact_role,
            "phone": report.contact_phone,
            "email": report.contact_email,
        },
    }


def gather_meeting(board: Board, period: PackPeriod, as_of: datetime.date) -> dict[str, Any] | None:
    """For a meeting pack: the meeting, its agenda and the board reports presented to it
    (on an agenda item, or recorded against the meeting). None for a quarter's pack."""
    if period.kind != PeriodKind.MEETING or period.meeting_id is None:
        return None
    day = _day_start(period.end)
    meeting = (
        meetings_for_board(board, day, _day_start(period.end + datetime.timedelta(days=1)))
        .filter(pk=period.meeting_id)
        .first()
    )
    if meeting is None:  # deleted, or moved to another day since the period was chosen
        return None
    items = list(meeting.agenda_items.all())
    # The meeting is the board's, so every paper on its agenda is part of its pack.
    reports, on_agenda = [], set()
    for item in items:
        if item.report is not None and item.report.pk not in on_agenda:  # one paper may serve two items
            reports.append(_report(item.report, item.position))
            on_agenda.add(item.report.pk)
    others = (
        BoardReport.objects.filter(meeting=meeting)
        .exclude(pk__in=on_agenda)
        .prefetch_related("recommendations")
        .order_by("title", "pk")
    )
    reports.extend(_report(report, None) for report in others)
    return {
        **_meeting_facts(meeting),
        "ends_at": timezone.localtime(meeting.ends_at).isoformat() if meeting.ends_at else None,
        "agenda": [
            {
                "position": item.position,
                "title": item.title,
                "presenter": item.presenter,
                "report_title": item.report.title if item.report else "",
            }
            for item in items
        ],
        "reports": reports,
    }


# Before any board kept its meetings here: "every meeting up to" needs a lower bound.
EARLIEST_MEETING = datetime.datetime(1900, 1, 1, tzinfo=datetime.UTC)


def gather_earlier_meetings(board: Board, period: PackPeriod, as_of: datetime.date) -> dict[str, Any] | None:
    """The decisions of the board's previous meeting and the open actions arising from
    all its earlier meetings. "Earlier" means before the meeting the pack is for, or by
    the end of the quarter, and never after the day the snapshot is taken (a meeting
    not yet held has decided nothing). None when the board had no earlier meeting."""
    if period.kind == PeriodKind.MEETING:
        cutoff = _day_start(period.end)
    else:
        cutoff = _day_start(period.end + datetime.timedelta(days=1))
    cutoff = min(cutoff, _day_start(as_of + datetime.timedelta(days=1)))
    meetings = list(meetings_for_board(board, EARLIEST_MEETING, cutoff))
    if not meetings:
        return None
    previous = meetings[-1]
    open_actions = []
    for meeting in meetings:
        for item in meeting.agenda_items.all():
            for arising in item.actions_arising.all():
                action = arising.action
                # Open actions only, of plans in force: a draft's actions are in no pack.
                if action.status == Status.COMPLETE or not arising.action_in_force:
                    continue
                decision = next((d for d in item.decisions.all() if d.pk == arising.decision_id), None)
                open_actions.append(
                    {
                        "action_id": action.pk,
                        "description": action.description,
                        "lead": action.lead_display,
                        "due_date": _date(action.due_date),
                        "due_precision": action.due_precision,
                        "status_label": action.get_status_display(),
                        "rag": action.rag,
                        "rag_label": action.get_rag_display(),
                        "rating_illustrative": action.rating_illustrative,
                        "overdue": action.is_overdue(as_of),
                        "meeting_date": timezone.localdate(meeting.starts_at).isoformat(),
                        "item_position": item.position,
                        "item_title": item.title,
                        "decision": decision.text if decision else "",
                    }
                )
    return {
        "previous_meeting": {
            **_meeting_facts(previous),
            "decisions": [
                {
                    "item_position": item.position,
                    "item_title": item.title,
                    "kind": decision.kind,
                    "kind_label": decision.get_kind_display(),
                    "recommended_to": decision.recommended_to.short_name if decision.recommended_to else "",
                    "text": decision.text,
                }
                for item in previous.agenda_items.all()
                for decision in item.decisions.all()
            ],
        },
        "open_actions_arising": open_actions,
    }


def gather_governance(board: Board, period: PackPeriod, as_of: datetime.date) -> dict[str, Any] | None:
    """The governance diagram of the framework of cooperation the board is bound by: the
    adopted one that binds it with its managers' consent (the latest, if several). A
    version merely proposed, a draft, a superseded version, or a framework the board
    has not agreed to be bound by is not the board's governance. The SVG is kept in the
    snapshot, so a reprint shows the diagram as it was."""
    framework = Framework.objects.in_force_for(board).order_by("-created_at", "-pk").first()
    if framework is None:
        return None
    try:
        svg = governance_svg(framework)
    except DiagramError:
        svg = ""  # the section prints the diagram's text equivalent instead
    return {
        "id": framework.pk,
        "title": framework.title,
        "version": framework.version,
        "status_label": framework.get_status_display(),
        "svg": svg,
        "description": describe(framework),
        "legend": [[RelationshipKind(kind).label, style.legend] for kind, style in EDGE_STYLES.items()],
    }


GATHERERS: list[tuple[str, Gatherer]] = [
    ("plan", gather_plans),
    ("indicators", gather_indicators),
    ("reviews", gather_reviews),
    ("case_reviews", gather_case_reviews),
    ("meeting", gather_meeting),
    ("earlier_meetings", gather_earlier_meetings),
    ("governance", gather_governance),
]


def previous_pack(board: Board, period: PackPeriod, as_of: datetime.date) -> BoardPack | None:
    """The board's last issued pack before this one, of either kind (quarter or meeting).

    "Last" is by the position each pack shows (its as-of date), not by the end of its
    period: a meeting pack made in the middle of a quarter follows the quarter's pack
    made before it, though the quarter ends later. A pack for this same period is left
    out, so asking again with unchanged inputs still finds the stored pack instead of
    comparing itself with it and making a new one each time.
    """
    return (
        BoardPack.objects.issued()
        .filter(board=board)
        .exclude(period_kind=period.kind, period_start=period.start, period_end=period.end)
        .annotate(position=Cast(KT("snapshot__as_of"), output_field=DateField()))
        .filter(position__lte=as_of)
        .order_by("-position", "-finished_at", "-pk")
        .first()
    )


def gather_snapshot(
    board: Board, period: PackPeriod, as_of: datetime.date, as_if_approved: Iterable[int] = ()
) -> dict[str, Any]:
    snapshot: dict[str, Any] = {
        "format": SNAPSHOT_FORMAT,
        "as_of": as_of.isoformat(),
        "board": {
            "id": board.pk,
            "name": board.name,
            "short_name": board.short_name,
            "partnership": board.partnership.name,
            "kind_label": board.get_kind_display(),
        },
        "period": period.as_json(),
        "protective_marking": "OFFICIAL",
    }
    for key, gatherer in GATHERERS:
        if gatherer is gather_plans and as_if_approved:
            snapshot[key] = gather_plans(board, period, as_of, as_if_approved)
        else:
            snapshot[key] = gatherer(board, period, as_of)
    previous = previous_pack(board, period, as_of)
    snapshot["previous_pack"] = (
        {
            "id": previous.pk,
            "title": previous.title,
            "period_label": previous.period_label,
            "as_of": previous.snapshot.get("as_of"),
        }
        if previous
        else None
    )
    snapshot["changes"] = compute_changes(previous.snapshot, snapshot) if previous else None
    return snapshot


def canonical_json(data: Any) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def input_hash(snapshot: dict[str, Any]) -> str:
    inputs = {key: value for key, value in snapshot.items() if key not in VOLATILE_KEYS}
    return hashlib.sha256(canonical_json(inputs).encode()).hexdigest()


def all_actions(snapshot: dict[str, Any]) -> list[dict[str, Any]]:
    """Every action in the snapshot, in plan order, each with its priority area and objective."""
    found = []
    for plan in snapshot.get("plan", {}).get("plans", []):
        for area in plan["areas"]:
            for objective in area["objectives"]:
                for action in objective["actions"]:
                    found.append(
                        {**action, "area_number": area["number"], "objective_number": objective["number"]}
                    )
    return found
