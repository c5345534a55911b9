"""Gather what a board did in one year into plain JSON facts: the figures and lists the
report's sections are written from.

Everything comes through the one rule for what a board agreed (``Action.objects.in_force()``
and ``in_force_q``): a draft plan's actions are never in a report. Only this board's data,
and its partnership's reviews that report to it or whose recommendations it owns.
A fixed number of queries, whatever the size of the plans (bench/yearly_report.py).
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone

from boards.models import Agency, Board, BoardKind
from meetings.attendance import attendance_by_agency
from meetings.models import Meeting
from performance.models import Indicator, IndicatorValue, is_illustrative
from plans import due_dates
from plans.models import Action, BusinessPlan, Objective, PriorityArea, Rag, Status, in_force_q
from reviews.models import (
    CASE_REVIEW_KINDS,
    CaseReviewStage,
    Finding,
    NotImplementedDecision,
    Recommendation,
    Review,
    ReviewKind,
    ReviewReport,
    ReviewStatus,
)
from reviews.traceability import coverage_for_reviews

FACTS_FORMAT = 1

# The case reviews each kind of board arranges and reports on: a SAB its safeguarding adults
# reviews (Care Act s.44); children's boards and partnerships rapid reviews, LCSPRs and the
# serious case reviews before them. Every other review (inspections, peer reviews, audits)
# is independent scrutiny of the board's work.
CHILDREN_CASE_REVIEW_KINDS = frozenset(
    {ReviewKind.SERIOUS_INCIDENT, ReviewKind.LCSPR, ReviewKind.CASE_REVIEW}
)
# Stages at which a review is over without a report: not ongoing at the year's end.
ENDED_WITHOUT_REPORT = {CaseReviewStage.NO_FURTHER_REVIEW, CaseReviewStage.CLOSED}


def case_review_kinds_for(board: Board) -> frozenset[str]:
    if board.kind == BoardKind.SAFEGUARDING_ADULTS_BOARD:
        return frozenset({ReviewKind.SAR})
    if board.kind in (BoardKind.SAFEGUARDING_CHILDREN_BOARD, BoardKind.SAFEGUARDING_CHILDREN_PARTNERSHIP):
        return CHILDREN_CASE_REVIEW_KINDS
    return CASE_REVIEW_KINDS


RAG_ORDER = [Rag.RED, Rag.AMBER, Rag.GREEN, Rag.BLUE, Rag.NOT_RATED]


@dataclass(frozen=True)
class Year:
    start: datetime.date
    end: datetime.date

    @property
    def next(self) -> Year:
        start = self.end + datetime.timedelta(days=1)
        return Year(start, _add_months(start, 12) - datetime.timedelta(days=1))


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    return day.replace(year=day.year + month // 12, month=month % 12 + 1)


def twelve_months_from(start: datetime.date) -> Year:
    return Year(start, _add_months(start, 12) - datetime.timedelta(days=1))


def _date(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def _number(value) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def gather_facts(board: Board, year: Year) -> dict[str, Any]:
    plans = gather_plans(board, year)
    reviews = gather_reviews(board, year)
    attendance = gather_attendance(board, year)
    return {
        "format": FACTS_FORMAT,
        "gathered_on": timezone.localdate().isoformat(),
        "board": {
            "name": board.name,
            "short_name": board.short_name,
            "kind_label": board.get_kind_display(),
            "partnership": board.partnership.name,
            "statutory_basis": board.statutory_basis,
            "independent_chair": board.independent_chair.get_full_name() if board.independent_chair else "",
        },
        "period": {"start": year.start.isoformat(), "end": year.end.isoformat()},
        **plans,
        "next_year": gather_next_year(board, year),
        "meetings": gather_meetings(board, year),
        "attendance": attendance,
        "agencies": gather_agencies(board, plans["lead_agencies"], attendance),
        "reviews": reviews,
        "case_review_counts": _case_review_counts(reviews),
        "not_implemented": gather_not_implemented(board, year, reviews),
        "indicators": gather_indicators(board, year),
    }


def gather_plans(board: Board, year: Year) -> dict[str, Any]:
    """The board's plans in force that overlap the year, every action with its status, RAG
    and slippage; the totals; and what each lead did (by the lead the plan names)."""
    plans = list(
        BusinessPlan.objects.filter(in_force_q(), board=board)
        .filter(period_start__lte=year.end, period_end__gte=year.start)
        .order_by("period_start", "pk")
        .prefetch_related(
            Prefetch(
                "priority_areas",
                queryset=PriorityArea.objects.prefetch_related(
                    Prefetch(
                        "objectives",
                        queryset=Objective.objects.prefetch_related(
                            Prefetch(
                                "actions",
                                queryset=Action.objects.with_latest_progress().select_related(
                                    "lead_sub_committee", "lead_agency"
                                ),
                            )
                        ),
                    )
                ),
            )
        )
    )
    actions_by_id: dict[int, dict[str, Any]] = {}
    plan_facts = []
    for plan in plans:
        areas = []
        for area in plan.priority_areas.all():
            area_actions = []
            for objective in area.objectives.all():
                for position, action in enumerate(objective.actions.all(), start=1):
                    fact = {
                        "id": action.pk,
                        "ref": f"{objective.number}.{position}",
                        "description": action.description,
                        "lead": action.lead_display,
                        "sub_committee": action.lead_sub_committee.name if action.lead_sub_committee else "",
                        "agency_id": action.lead_agency_id,
                        "status": action.status,
                        "status_label": action.get_status_display(),
                        "rag": action.rag,
                        "rag_label": action.get_rag_display(),
                        "rating_illustrative": action.rating_illustrative,
                        "due_date": _date(action.due_date),
                        "timescale": action.timescale,
                        "completed_on": _date(action.completed_on),
                        "complete": action.status == Status.COMPLETE,
                        "overdue_at_year_end": action.status != Status.COMPLETE
                        and action.due_date is not None
                        and action.due_date < year.end,
                        "latest_progress": action.latest_progress_text or "",
                        "latest_progress_label": action.latest_progress_label
                        if action.latest_progress_text
                        else "",
                    }
                    area_actions.append(fact)
                    actions_by_id[action.pk] = fact
            areas.append(
                {
                    "number": area.number,
                    "title": area.title,
                    "actions": area_actions,
                    **_counts(area_actions),
                }
            )
        plan_facts.append(
            {
                "id": plan.pk,
                "title": plan.title,
                "period_label": plan.period_label,
                "illustrative_note": plan.illustrative_note,
                "dates_moved_note": plan.dates_moved_note,
                "areas": areas,
            }
        )
    all_actions = list(actions_by_id.values())
    return {
        "plans": plan_facts,
        "totals": _counts(all_actions),
        "slipped": _slipped(actions_by_id, year),
        "leads": _by_lead(all_actions),
        # Not shown as such: gather_agencies turns it into each agency's actions.
        "lead_agencies": {
            str(agency_id): [a for a in all_actions if a["agency_id"] == agency_id]
            for agency_id in {a["agency_id"] for a in all_actions if a["agency_id"]}
        },
    }


def _counts(actions: list[dict[str, Any]]) -> dict[str, Any]:
    total = len(actions)
    complete = sum(a["complete"] for a in actions)
    by_rag = Counter(a["rag"] for a in actions)
    return {
        "total": total,
        "complete": complete,
        "percent_complete": round(100 * complete / total) if total else None,
        "overdue": sum(a["overdue_at_year_end"] for a in actions),
        "rag": [
            {"rag": rag.value, "label": rag.label, "count": by_rag.get(rag.value, 0)}
            for rag in RAG_ORDER
            if by_rag.get(rag.value, 0)
        ],
        "illustrative": any(a["rating_illustrative"] for a in actions),
    }


def _slipped(actions_by_id: dict[int, dict[str, Any]], year: Year) -> list[dict[str, Any]]:
    """Due dates moved later during the year, from the due-date ledger (plans.due_dates)."""
    slipped = []
    for move in due_dates.moves_between(list(actions_by_id), year.start, year.end):
        if move.old_due_date and move.new_due_date and move.new_due_date > move.old_due_date:
            action = actions_by_id[move.action_id]
            slipped.append(
                {
                    "ref": action["ref"],
                    "description": action["description"],
                    "lead": action["lead"],
                    "from": move.old_due_date.isoformat(),
                    "to": move.new_due_date.isoformat(),
                    "changed_on": timezone.localdate(move.made_at).isoformat(),
                }
            )
    return sorted(slipped, key=lambda s: (s["changed_on"], s["ref"]))


def _by_lead(actions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What each lead (as the plan names them, or their sub-committee) did with their actions."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for action in actions:
        groups[action["sub_committee"] or action["lead"] or "No lead named"].append(action)
    return [
        {
            "name": name,
            "refs": [a["ref"] for a in group],
            **{k: v for k, v in _counts(group).items() if k in ("total", "complete", "overdue")},
        }
        for name, group in sorted(groups.items(), key=lambda item: item[0].lower())
    ]


def gather_next_year(board: Board, year: Year) -> list[dict[str, Any]]:
    """Priorities for the next year: the priority areas of plans in force that run into it,
    with how many of their actions are still open."""
    following = year.next
    open_actions = Action.objects.in_force().open()
    areas = (
        PriorityArea.objects.filter(in_force_q("plan__"), plan__board=board)
        .filter(plan__period_start__lte=following.end, plan__period_end__gte=following.start)
        .select_related("plan")
        .annotate(
            has_open=Exists(open_actions.filter(objective__priority_area=OuterRef("pk"))),
        )
        .order_by("plan__period_start", "plan_id", "number")
    )
    return [
        {
            "plan": area.plan.title,
            "number": area.number,
            "title": area.title,
            "has_open_actions": area.has_open,
        }
        for area in areas
    ]


def gather_meetings(board: Board, year: Year) -> list[dict[str, Any]]:
    start = timezone.make_aware(datetime.datetime.combine(year.start, datetime.time.min))
    end = timezone.make_aware(
        datetime.datetime.combine(year.end + datetime.timedelta(days=1), datetime.time.min)
    )
    meetings = Meeting.objects.filter(board=board, starts_at__gte=start, starts_at__lt=end).order_by(
        "starts_at"
    )
    return [
        {
            "id": meeting.pk,
            "title": meeting.display_title,
            "date": timezone.localtime(meeting.starts_at).date().isoformat(),
            "place": meeting.place,
            "illustrative_note": meeting.illustrative_note,
        }
        for meeting in meetings.select_related("board")
    ]


def gather_attendance(board: Board, year: Year) -> list[dict[str, Any]]:
    """Attendance at the board's meetings in the year, by agency (meetings.attendance)."""
    summary = attendance_by_agency(board, year.start, year.end)
    return [
        {
            "agency_id": row.agency_id,
            "agency": row.agency_name,
            "illustrative": row.illustrative,
            "present": row.present,
            "deputy": row.deputy,
            "apologies": row.apologies,
            "absent": row.absent,
            "meetings_expected": row.meetings_expected,
            "meetings_represented": row.meetings_represented,
            "percent_represented": row.percent_represented,
        }
        for row in summary.agencies
    ]


def gather_agencies(
    board: Board, lead_agencies: dict[str, list[dict[str, Any]]], attendance: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """What each partner agency did: the plan's actions it led and its attendance at the
    board's meetings. Agencies the board's members sit for, that led actions or attended."""
    attended = {row["agency_id"]: row for row in attendance if row["agency_id"]}
    agencies = Agency.objects.filter(partnership_id=board.partnership_id).filter(
        Q(memberships__board=board) | Q(pk__in=[int(pk) for pk in lead_agencies]) | Q(pk__in=list(attended))
    )
    facts = []
    for agency in agencies.distinct().order_by("name"):
        actions = lead_agencies.get(str(agency.pk), [])
        seen = attended.get(agency.pk)
        facts.append(
            {
                "id": agency.pk,
                "name": agency.name,
                "kind_label": agency.get_kind_display(),
                "illustrative": agency.illustrative or bool(seen and seen["illustrative"]),
                "actions": [
                    {"ref": a["ref"], "description": a["description"], "status_label": a["status_label"]}
                    for a in actions
                ],
                "total": len(actions),
                "complete": sum(a["complete"] for a in actions),
                "overdue": sum(a["overdue_at_year_end"] for a in actions),
                "attendance_label": (
                    f"Represented at {seen['meetings_represented']} of {seen['meetings_expected']} meetings"
                    if seen
                    else "Not recorded"
                ),
            }
        )
    return facts


def _concluded_on(review: Review) -> datetime.date | None:
    """When a case review concluded: its publication, or the final report if not published."""
    return review.published or review.report_received


def gather_reviews(board: Board, year: Year) -> dict[str, Any]:
    """The partnership's reviews that report to this board or whose recommendations it owns:
    case reviews concluded in the year (with findings and what was done about them), those
    still going at its end, and the other reviews and inspections of the year (independent
    scrutiny). Recommendations answered only by actions of plans in force."""
    reviews = list(
        Review.objects.filter(Q(reports__board=board) | Q(recommendations__owner_board=board))
        .filter(partnership_id=board.partnership_id)
        .annotate(reported=Exists(ReviewReport.objects.filter(review=OuterRef("pk"), board=board)))
        .prefetch_related(
            Prefetch("findings", queryset=Finding.objects.select_related("theme")),
            "focus_themes",
        )
        .distinct()
        .order_by("published", "on_site_start", "title", "pk")
    )
    coverage = coverage_for_reviews([review.pk for review in reviews], year.end)
    owned_by_board = set(
        Recommendation.objects.filter(review__in=reviews, owner_board=board).values_list("pk", flat=True)
    )
    case_kinds = case_review_kinds_for(board)
    concluded, ongoing, implementing, scrutiny, rapid_reviews = [], [], [], [], []
    for review in reviews:
        recommendations = [
            rec for rec in coverage[review.pk].recommendations if review.reported or rec.pk in owned_by_board
        ]
        fact = {
            "id": review.pk,
            "title": review.title,
            "kind_label": review.get_kind_display(),
            # "Not recorded" says nothing of a case review, whose dates are below.
            "dates_label": review.dates_label if review.on_site_start or review.dates_note else "",
            "published": _date(review.published),
            "summary": review.summary,
            "judgement": review.get_overall_judgement_display() if review.overall_judgement else "",
            "kind": review.kind,
            "stage_label": review.get_stage_display() if review.stage else "",
            "rapid_review_held": _date(review.rapid_review_held),
            "decision_to_review": _date(review.decision_to_review),
            "themes": [theme.text for theme in review.focus_themes.all()],
            "findings": [
                {
                    "id": finding.pk,
                    "kind_label": finding.get_kind_display(),
                    "text": finding.text,
                    "theme": finding.theme.text if finding.theme else "",
                    "illustrative": finding.illustrative,
                }
                for finding in review.findings.all()
            ],
            "recommendations": [
                {
                    "id": rec.pk,
                    "number": rec.number,
                    "text": rec.text,
                    "illustrative": rec.illustrative,
                    "response_label": rec.response_label,
                    "progress_label": rec.progress_label,
                    "actions": [
                        {
                            "description": action.description,
                            "board": action.board_short_name,
                            "lead": action.lead,
                            "status_label": action.status_label,
                            "rag": action.rag,
                            "rag_label": action.rag_label,
                            "rating_illustrative": action.rating_illustrative,
                            "impact_verified": action.impact_verified,
                        }
                        for action in rec.actions
                    ],
                }
                for rec in recommendations
            ],
        }
        concluded_on = _concluded_on(review)
        if review.kind in case_kinds:
            if review.kind == ReviewKind.SERIOUS_INCIDENT:
                # A notification and rapid review: counted when its rapid review was held in the year.
                if review.rapid_review_held and year.start <= review.rapid_review_held <= year.end:
                    rapid_reviews.append(fact)
            elif concluded_on and year.start <= concluded_on <= year.end:
                concluded.append(fact)
            elif _ongoing_at(review, year.end):
                ongoing.append(fact)
            if concluded_on and concluded_on <= year.end and fact["recommendations"]:
                # Concluded in this year or before: what was done this year to implement it.
                implementing.append(fact)
        elif review.kind not in CASE_REVIEW_KINDS and _in_year(review, year):
            scrutiny.append(fact)
    return {
        "concluded": concluded,
        "ongoing": ongoing,
        "implementing": implementing,
        "scrutiny": scrutiny,
        "rapid_reviews": rapid_reviews,
    }


def _case_review_counts(reviews: dict[str, Any]) -> list[dict[str, Any]]:
    """How many of each kind of case review concluded in the year and were ongoing at its end,
    and how many rapid reviews were held, with the themes of those concluded."""
    counts: dict[str, dict[str, Any]] = {}
    for key in ("concluded", "ongoing", "rapid_reviews"):
        for review in reviews[key]:
            row = counts.setdefault(
                review["kind"],
                {
                    "label": review["kind_label"],
                    "concluded": 0,
                    "ongoing": 0,
                    "rapid_reviews": 0,
                    "themes": [],
                },
            )
            row[key] += 1
            if key != "ongoing":
                row["themes"] += [t for t in review["themes"] if t not in row["themes"]]
    return list(counts.values())


def gather_not_implemented(board: Board, year: Year, reviews: dict[str, Any]) -> list[dict[str, Any]]:
    """Decisions taken in the year not to implement a recommendation or finding of the board's
    case reviews, each with its reason (Care Act 2014 Sch. 2 para 4(1)(g))."""
    review_titles = {
        review["id"]: review["title"]
        for key in ("concluded", "ongoing", "implementing", "rapid_reviews")
        for review in reviews[key]
    }
    decisions = (
        NotImplementedDecision.objects.filter(review_id__in=list(review_titles))
        .filter(decided_on__range=(year.start, year.end))
        .select_related("recommendation", "finding")
        .order_by("decided_on", "pk")
    )
    return [
        {
            "review": review_titles[decision.review_id],
            "subject": f"Recommendation {decision.recommendation.number}"
            if decision.recommendation is not None
            else "Finding",
            "finding": decision.subject.text,
            "reason": decision.reason,
            "decided_on": decision.decided_on.isoformat(),
            "decided_by": decision.decided_by,
            "illustrative": decision.illustrative,
        }
        for decision in decisions
    ]


def _in_year(review: Review, year: Year) -> bool:
    day = review.published or review.on_site_end or review.on_site_start
    return day is not None and year.start <= day <= year.end


def _ongoing_at(review: Review, day: datetime.date) -> bool:
    """Started by ``day`` (any of its dates says so) and not concluded or ended by then."""
    concluded_on = _concluded_on(review)
    if concluded_on and concluded_on <= day:
        return False
    if review.stage in ENDED_WITHOUT_REPORT:
        return False
    started = [
        d
        for d in (review.decision_to_review, review.notified, review.became_aware, review.on_site_start)
        if d is not None
    ]
    if started:
        return min(started) <= day
    return review.status in (ReviewStatus.UNDER_WAY, ReviewStatus.PLANNED)


def gather_indicators(board: Board, year: Year) -> dict[str, Any]:
    """Indicators the board or its partnership owns, or linked to its plans' measures, with
    every value up to the year's end (the trend), and whether any value is illustrative."""
    values = IndicatorValue.objects.filter(period_end__lte=year.end).order_by("period_start")
    indicators = (
        Indicator.objects.filter(
            Q(board=board)
            | Q(partnership_id=board.partnership_id)
            | Q(measures__objective__priority_area__plan__board=board)
        )
        .distinct()
        .order_by("code", "pk")
        .prefetch_related(Prefetch("values", queryset=values))
    )
    facts: list[dict[str, Any]] = [
        {
            "id": indicator.pk,
            "code": indicator.code,
            "title": indicator.title,
            "unit": indicator.unit,
            "direction_label": indicator.get_good_direction_display(),
            "values": [
                {
                    "label": v.period_label,
                    "value": _number(v.value),
                    "target": _number(v.target),
                    "illustrative": is_illustrative(v.note),
                }
                for v in indicator.values.all()
            ],
        }
        for indicator in indicators
    ]
    return {"items": facts, "illustrative": any(v["illustrative"] for i in facts for v in i["values"])}
