"""The sections of a board pack, in order.

Each builder is a plain function ``(board, period, snapshot) -> SectionData | None``
that reads only the snapshot (never live data, so a reprint matches the
original) and returns None when the pack has nothing for it. The PDF and the
HTML preview render the same list with the same section templates.

Each section reads the snapshot key its gatherer in ``packs.gather.GATHERERS``
wrote: "plan", "indicators", "reviews", "meeting" (a meeting pack's meeting,
agenda and board reports), "earlier_meetings" and "governance".
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.safestring import mark_safe

from boards.models import Board
from performance.charts import Bar, ChartPoint, bar_chart_svg, line_chart_svg
from performance.models import is_illustrative
from plans.models import DuePrecision, note_date_label
from reviews.clocks import RULES_BY_KEY, STATE_TAG_CLASSES, ClockState, clock_state, left_label

from .gather import all_actions
from .periods import PackPeriod, next_quarter

RAG_ORDER = [
    ("red", "Red"),
    ("amber", "Amber"),
    ("green", "Green"),
    ("blue", "Blue (complete)"),
    ("", "Not rated"),
]
# The full plan: its own PDF, the annex, when the pack is printed (split_off_annex).
ANNEX_KEY = "appendix-plan"
RAG_FILLS = {"red": "#d4351c", "amber": "#f47738", "green": "#00703c", "blue": "#1d70b8", "": "#ffffff"}


@dataclass
class SectionData:
    key: str  # the HTML id; contents entries link to it
    title: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    landscape: bool = False
    in_contents: bool = True


SectionBuilder = Callable[[Board, PackPeriod, dict[str, Any]], SectionData | None]


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _due(action: dict[str, Any], field: str = "due_date") -> dict[str, Any]:
    """A snapshot action's ``field`` (due_date or original_due_date) as a date, and as the
    plan states it in ``<field>_label``: "Mar 2027" for a month timescale, as the plan page
    says "March 2027", never a day the plan did not give. Snapshots made before the
    precision was kept have none: their day, as they were printed."""
    value = _date(action.get(field))
    label = ""
    if value is not None:
        month_only = action.get("due_precision") == DuePrecision.MONTH
        label = f"{value:%b %Y}" if month_only else f"{value.day} {value:%b %Y}"
    return {field: value, f"{field.removesuffix('_date')}_label": label}


def _day(value: str) -> datetime.date:
    """A date the snapshot always holds (its as-of date, a clock's due date)."""
    return datetime.date.fromisoformat(value)


def _for_display(action: dict[str, Any]) -> dict[str, Any]:
    """A snapshot action with its dates as dates, for the templates' date filter."""
    latest = action.get("latest_progress")
    return {
        **action,
        **_due(action),
        **_due(action, "original_due_date"),
        "completed_on": _date(action["completed_on"]),
        "due_moved": action["original_due_date"] != action["due_date"],
        "latest_progress": {
            **latest,
            "date": _date(latest["date"]),
            # Snapshots from before undated notes have a date and no label.
            "date_label": latest.get("date_label") or note_date_label(_date(latest["date"])),
        }
        if latest
        else None,
    }


def _previous(snapshot: dict[str, Any]) -> dict[str, Any] | None:
    previous = snapshot.get("previous_pack")
    return {**previous, "as_of": _date(previous["as_of"])} if previous else None


def _meeting(meeting: dict[str, Any] | None) -> dict[str, Any] | None:
    """A snapshot meeting with its times as datetimes, for the date filter."""
    if not meeting:
        return None
    ends_at = meeting.get("ends_at")
    return {
        **meeting,
        "starts_at": datetime.datetime.fromisoformat(meeting["starts_at"]),
        "ends_at": datetime.datetime.fromisoformat(ends_at) if ends_at else None,
    }


def _has_plan(snapshot: dict[str, Any]) -> bool:
    return bool(snapshot.get("plan", {}).get("plans"))


def cover(board: Board, period: PackPeriod, snapshot: dict[str, Any]) -> SectionData:
    return SectionData(
        "cover",
        snapshot["board"]["name"],
        "packs/sections/cover.html",
        {
            "board": snapshot["board"],
            "period": period,
            "as_of": _date(snapshot["as_of"]),
            "marking": snapshot["protective_marking"],
            "plans": snapshot.get("plan", {}).get("plans", []),
            "previous_pack": _previous(snapshot),
            "meeting": _meeting(snapshot.get("meeting")),
        },
        in_contents=False,
    )


def contents(board: Board, period: PackPeriod, snapshot: dict[str, Any]) -> SectionData:
    # Entries are filled by build_sections once every other section is known.
    return SectionData(
        "contents", "Contents", "packs/sections/contents.html", {"entries": []}, in_contents=False
    )


def agenda(board: Board, period: PackPeriod, snapshot: dict[str, Any]) -> SectionData | None:
    meeting = _meeting(snapshot.get("meeting"))
    if not meeting or not meeting["agenda"]:
        return None
    return SectionData("agenda", "Agenda", "packs/sections/agenda.html", {"meeting": meeting})


def plan_summary(board: Board, period: PackPeriod, snapshot: dict[str, Any]) -> SectionData | None:
    if not _has_plan(snapshot):
        return None
    plans = []
    for plan in snapshot["plan"]["plans"]:
        areas = []
        for area in plan["areas"]:
            actions = [a for o in area["objectives"] for a in o["actions"]]
            counts = {rag: sum(1 for a in actions if a["rag"] == rag) for rag, _ in RAG_ORDER}
            complete = sum(1 for a in actions if a["status"] == "complete")
            areas.append(
                {
                    "number": area["number"],
                    "title": area["title"],
                    "total": len(actions),
                    "counts": [(label, counts[rag]) for rag, label in RAG_ORDER],
                    "complete": complete,
                    "percent_complete": round(100 * complete / len(actions)) if actions else 0,
                    # Counts of ratings the source does not state (demo data) say so.
                    "illustrative": sum(1 for a in actions if a.get("rating_illustrative")),
                    "chart": bar_chart_svg(
                        [Bar(label, counts[rag], RAG_FILLS[rag]) for rag, label in RAG_ORDER],
                        title=f"Actions by RAG rating, priority area {area['number']}",
                        chart_id=f"rag-{plan['id']}-{area['number']}",
                    ),
                }
            )
        plans.append(
            {
                "title": plan["title"],
                "period_label": plan["period_label"],
                "dates_moved_note": plan.get("dates_moved_note", ""),
                "illustrative_note": plan.get("illustrative_note", ""),
                "illustrative_counts": sum(area["illustrative"] for area in areas),
                "areas": areas,
            }
        )
    return SectionData(
        "plan-summary", "Business plan summary", "packs/sections/plan_summary.html", {"plans": plans}
    )


def exceptions(board: Board, period: PackPeriod, snapshot: dict[str, Any]) -> SectionData | None:
    if not _has_plan(snapshot):
        return None
    rows = [_for_display(a) for a in all_actions(snapshot) if a["rag"] == "red" or a["overdue"]]
    return SectionData(
        "exceptions",
        "Exception report: red and overdue actions",
        "packs/sections/exceptions.html",
        {"actions": rows, "as_of": _date(snapshot["as_of"])},
    )


def progress_in_period(board: Board, period: PackPeriod, snapshot: dict[str, Any]) -> SectionData | None:
    if not _has_plan(snapshot):
        return None
    actions = {a["id"]: a for a in all_actions(snapshot)}
    updates = [
        {**u, "date": _date(u["date"]), "action": actions[u["action_id"]]}
        for u in snapshot["plan"]["updates_in_period"]
        if u["action_id"] in actions
    ]
    slipped = [
        {
            **s,
            "from": _date(s["from"]),
            "to": _date(s["to"]),
            "changed_on": _date(s["changed_on"]),
            "action": actions[s["action_id"]],
        }
        for s in snapshot["plan"]["slipped"]
        if s["action_id"] in actions
    ]
    return SectionData(
        "progress",
        "Progress in the period",
        "packs/sections/progress.html",
        {"updates": updates, "slipped": slipped, "period": period},
    )


def due_next_quarter(board: Board, period: PackPeriod, snapshot: dict[str, Any]) -> SectionData | None:
    if not _has_plan(snapshot):
        return None
    following = next_quarter(period)
    rows = [
        _for_display(a)
        for a in all_actions(snapshot)
        if a["status"] != "complete"
        and (due := _date(a["due_date"])) is not None
        and following.start <= due <= following.end
    ]
    rows.sort(key=lambda a: (a["due_date"], a["ref"]))
    return SectionData(
        "due-next-quarter",
        "Actions due next quarter",
        "packs/sections/due_next.html",
        {"actions": rows, "quarter": following},
    )


def review_recommendations(board: Board, period: PackPeriod, snapshot: dict[str, Any]) -> SectionData | None:
    reviews = snapshot.get("reviews") or []
    if not reviews:
        return None
    shown = [
        {
            **review,
            "recommendations": [
                {
                    **rec,
                    "actions": [{**a, **_due(a)} for a in rec["actions"]],
                    "not_implemented_on": _date(rec.get("not_implemented_on")),
                }
                for rec in review["recommendations"]
            ],
        }
        for review in reviews
    ]
    return SectionData(
        "review-recommendations",
        "Review recommendations and how far each is answered",
        "packs/sections/review_recommendations.html",
        {
            "reviews": shown,
            "as_of": _date(snapshot["as_of"]),
            "illustrative": any(rec["illustrative"] for r in reviews for rec in r["recommendations"]),
        },
    )


def case_review_clocks(board: Board, period: PackPeriod, snapshot: dict[str, Any]) -> SectionData | None:
    """Case reviews in progress and their statutory clocks, as they stood on the pack's date."""
    reviews = snapshot.get("case_reviews") or []
    if not reviews:
        return None
    as_of = _day(snapshot["as_of"])
    shown = []
    for review in reviews:
        clocks = []
        for clock in review["clocks"]:
            due, stopped = _day(clock["due"]), _date(clock["stopped_on"])
            rule = RULES_BY_KEY.get(clock["key"])
            state = clock_state(due, stopped, as_of, rule.warn_working_days if rule else 0)
            clocks.append(
                {
                    **clock,
                    "started_on": _date(clock["started_on"]),
                    "due": due,
                    "stopped_on": stopped,
                    "state": state,
                    "state_class": STATE_TAG_CLASSES[state],
                    "left": left_label(due, stopped, as_of),
                }
            )
        breached = [clock["name"] for clock in clocks if clock["state"] == ClockState.BREACHED]
        shown.append({**review, "clocks": clocks, "breached": breached})
    return SectionData(
        "case-reviews",
        "Case reviews and their statutory clocks",
        "packs/sections/case_reviews.html",
        {"reviews": shown, "as_of": as_of, "breached": sum(len(r["breached"]) for r in shown)},
    )


def performance_measures(board: Board, period: PackPeriod, snapshot: dict[str, Any]) -> SectionData | None:
    indicators = snapshot.get("indicators") or []
    if not indicators:
        return None
    shown = []
    for indicator in indicators:
        values = [
            {**v, "value": Decimal(v["value"]), "target": Decimal(v["target"]) if v["target"] else None}
            for v in indicator["values"]
        ]
        chart = line_chart_svg(
            [ChartPoint(v["label"], v["value"], v["target"]) for v in values],
            title=f"{indicator['code']} {indicator['title']}",
            unit=indicator["unit"],
            chart_id=f"indicator-{indicator['id']}",
        )
        shown.append({**indicator, "values": values, "chart": chart})
    illustrative = any(is_illustrative(v["note"]) for i in indicators for v in i["values"])
    return SectionData(
        "performance",
        "Performance measures",
        "packs/sections/performance.html",
        {"indicators": shown, "illustrative": illustrative},
    )


def meeting_actions_and_decisions(
    board: Board, period: PackPeriod, snapshot: dict[str, Any]
) -> SectionData | None:
    earlier = snapshot.get("earlier_meetings")
    if not earlier:
        return None
    refs = {a["id"]: a["ref"] for a in all_actions(snapshot)}
    open_actions = [
        {
            **a,
            **_due(a),
            "meeting_date": _date(a["meeting_date"]),
            "ref": refs.get(a["action_id"], ""),
        }
        for a in earlier["open_actions_arising"]
    ]
    return SectionData(
        "meeting-actions",
        "Actions arising and the previous meeting's decisions",
        "packs/sections/meeting_actions.html",
        {
            "previous": _meeting(earlier["previous_meeting"]),
            "open_actions": open_actions,
            "as_of": _date(snapshot["as_of"]),
        },
    )


def what_changed(board: Board, period: PackPeriod, snapshot: dict[str, Any]) -> SectionData:
    changes = snapshot.get("changes")
    context: dict[str, Any] = {"previous": _previous(snapshot), "changes": None}
    if changes:
        context["changes"] = {
            **changes,
            "newly_completed": [
                {**a, "completed_on": _date(a["completed_on"])} for a in changes["newly_completed"]
            ],
            "newly_overdue": [{**a, **_due(a)} for a in changes["newly_overdue"]],
        }
    return SectionData(
        "what-changed", "What changed since the last pack", "packs/sections/what_changed.html", context
    )


def plan_appendix(board: Board, period: PackPeriod, snapshot: dict[str, Any]) -> SectionData | None:
    if not _has_plan(snapshot):
        return None
    plans = []
    for plan in snapshot["plan"]["plans"]:
        areas = []
        for area in plan["areas"]:
            objectives = [
                {**o, "actions": [_for_display(a) for a in o["actions"]], "rows": max(len(o["actions"]), 1)}
                for o in area["objectives"]
            ]
            areas.append({**area, "objectives": objectives})
        plans.append({**plan, "areas": areas})
    return SectionData(
        ANNEX_KEY,
        "Appendix: the full business plan",
        "packs/sections/plan_appendix.html",
        {"plans": plans},
        landscape=True,
    )


def governance_diagram(board: Board, period: PackPeriod, snapshot: dict[str, Any]) -> SectionData | None:
    governance = snapshot.get("governance")
    if not governance:
        return None
    # The SVG was made by frameworks.diagram.clean_svg (no scripts, styles, handlers or links)
    # and stored by the pack's own gatherer: it is our markup, not user input.
    svg = mark_safe(governance["svg"])
    return SectionData(
        "appendix-governance",
        "Appendix: governance diagram",
        "packs/sections/governance.html",
        {**governance, "svg": svg},
    )


def board_reports(board: Board, period: PackPeriod, snapshot: dict[str, Any]) -> SectionData | None:
    meeting = _meeting(snapshot.get("meeting"))
    if not meeting or not meeting["reports"]:
        return None
    return SectionData(
        "appendix-reports",
        "Appendix: board reports for the meeting",
        "packs/sections/board_reports.html",
        {"meeting": meeting, "reports": meeting["reports"]},
    )


# The pack, in order.
SECTION_BUILDERS: list[SectionBuilder] = [
    cover,
    contents,
    agenda,
    plan_summary,
    exceptions,
    progress_in_period,
    due_next_quarter,
    review_recommendations,
    case_review_clocks,
    performance_measures,
    meeting_actions_and_decisions,
    what_changed,
    plan_appendix,
    governance_diagram,
    board_reports,
]


def split_off_annex(
    sections: list[SectionData], annex_url: str
) -> tuple[list[SectionData], SectionData | None]:
    """The printed pack's sections, with the full plan replaced by a page that links to
    it, and the full plan itself (None when the pack has none), which is laid out as a
    separate PDF, the annex, at the same time as the pack. The HTML preview keeps the
    full plan inline: the browser has no 250-page layout to wait for."""
    appendix = next((s for s in sections if s.key == ANNEX_KEY), None)
    if appendix is None:
        return sections, None
    plans = appendix.context["plans"]
    objectives = [o for plan in plans for area in plan["areas"] for o in area["objectives"]]
    link = SectionData(
        ANNEX_KEY,
        appendix.title,
        "packs/sections/plan_annex_link.html",
        {
            "url": annex_url,
            "plans": plans,
            "objectives": len(objectives),
            "actions": sum(len(o["actions"]) for o in objectives),
            "actions_label": f"{sum(len(o['actions']) for o in objectives):,}",
        },
    )
    return [link if s is appendix else s for s in sections], appendix


def build_sections(board: Board, period: PackPeriod, snapshot: dict[str, Any]) -> list[SectionData]:
    sections = [s for builder in SECTION_BUILDERS if (s := builder(board, period, snapshot)) is not None]
    entries = [(s.key, s.title) for s in sections if s.in_contents]
    for section in sections:
        if section.key == "contents":
            section.context["entries"] = entries
    return sections
