"""The sections of each kind of annual report, the text each starts with (written from the
gathered facts), and what each shows under its text.

A Safeguarding Adults Board's report has one section per item of the Care Act 2014,
Schedule 2, paragraph 4(1), each under its own heading; a children's partnership's the
parts Working Together to Safeguard Children 2023 asks of its yearly report; every report
ends with performance indicators and the meetings held.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from boards.models import BoardKind
from performance.charts import Bar, ChartPoint, bar_chart_svg, line_chart_svg

from .models import AnnualReport, AnnualReportSection, ReportFramework, year_label

CARE_ACT = "Care Act 2014, Schedule 2, paragraph 4(1)"
WORKING_TOGETHER = "Working Together to Safeguard Children 2023, chapter 2: the yearly report"

RAG_FILLS = {"red": "#d4351c", "amber": "#f47738", "green": "#00703c", "blue": "#1d70b8", "": "#ffffff"}


@dataclass(frozen=True)
class SectionSpec:
    key: str
    heading: str
    reference: str
    template: str
    write: Callable[[dict[str, Any]], str]


def _year(facts: dict[str, Any]) -> str:
    period = facts["period"]
    return year_label(
        datetime.date.fromisoformat(period["start"]), datetime.date.fromisoformat(period["end"])
    )


def _plan_titles(facts: dict[str, Any]) -> str:
    return "; ".join(f"{p['title']} ({p['period_label']})" for p in facts["plans"]) or "no plan in force"


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else (plural or word + 's')}"


def _met(meetings: list[dict[str, Any]]) -> str:
    if not meetings:
        return "No meeting of the board is recorded for the year."
    return f"The board met {_plural(len(meetings), 'time')} during the year."


def write_objective(facts: dict[str, Any]) -> str:
    totals, meetings = facts["totals"], facts["meetings"]
    text = [
        f"In {_year(facts)} the {facts['board']['name']} worked to help and protect adults in its area "
        "who have needs for care and support and are experiencing, or at risk of, abuse or neglect.",
        _met(meetings),
        f"It worked to {_plan_titles(facts)}.",
    ]
    if totals["total"]:
        text.append(
            f"By the end of the year {totals['complete']} of the plan's {_plural(totals['total'], 'action')} "
            f"{'was' if totals['complete'] == 1 else 'were'} complete ({totals['percent_complete']}%)."
        )
    return "\n\n".join(text)


def write_strategy(facts: dict[str, Any]) -> str:
    totals = facts["totals"]
    if not totals["total"]:
        return "The board had no strategic plan in force during the year."
    areas = [area for plan in facts["plans"] for area in plan["areas"]]
    text = [
        f"The board's plan for the year was {_plan_titles(facts)}, with {_plural(len(areas), 'priority', 'priorities')} "
        f"and {_plural(totals['total'], 'action')}.",
        f"{_plural(totals['complete'], 'action was', 'actions were')} complete at the year's end "
        f"({totals['percent_complete']}%)"
        + (
            f"; {totals['overdue']} {'was' if totals['overdue'] == 1 else 'were'} open past the due date."
            if totals["overdue"]
            else "."
        ),
    ]
    if facts["slipped"]:
        text.append(
            f"The due dates of {_plural(len(facts['slipped']), 'action')} were moved later during the year."
        )
    return "\n\n".join(text)


def write_members(facts: dict[str, Any]) -> str:
    if facts["agencies"]:
        return (
            f"{_plural(len(facts['agencies']), 'partner agency', 'partner agencies')} sat on the board during the "
            "year. The table below shows, for each, the actions of the plan it led, how many were complete at "
            "the year's end, and how often it was represented at the board's meetings."
        )
    if not facts["leads"]:
        return "No actions of the plan were led by a member during the year."
    return (
        "No partner agencies are recorded for the board, so the table below shows each lead as the plan "
        "names them, the actions they led and how many were complete at the year's end."
    )


def _review_titles(reviews: list[dict[str, Any]]) -> str:
    return "; ".join(r["title"] for r in reviews)


def write_case_reviews_concluded(facts: dict[str, Any]) -> str:
    concluded = facts["reviews"]["concluded"]
    if not concluded:
        return "No safeguarding adults review arranged by the board concluded during the year."
    return f"{_plural(len(concluded), 'review')} concluded during the year: {_review_titles(concluded)}."


def write_case_reviews_ongoing(facts: dict[str, Any]) -> str:
    ongoing = facts["reviews"]["ongoing"]
    if not ongoing:
        return "No review arranged by the board was ongoing at the end of the year."
    return f"{_plural(len(ongoing), 'review was', 'reviews were')} ongoing at the end of the year: {_review_titles(ongoing)}."


def write_implementation(facts: dict[str, Any]) -> str:
    implementing = facts["reviews"]["implementing"]
    recommendations = [rec for review in implementing for rec in review["recommendations"]]
    if not recommendations:
        return "No findings of the board's reviews were being implemented during the year."
    actions = [action for rec in recommendations for action in rec["actions"]]
    return (
        f"The board answered {_plural(len(recommendations), 'recommendation')} of its reviews with "
        f"{_plural(len(actions), 'action')} of its plans. Each is listed below with how far it had gone by the year's end."
    )


def write_not_implemented(facts: dict[str, Any]) -> str:
    decisions = facts["not_implemented"]
    if not decisions:
        return "The board did not decide during the year not to implement any finding of its reviews."
    return "During the year the board decided not to implement the findings below, for the reasons given."


def write_activity(facts: dict[str, Any]) -> str:
    text = [write_strategy(facts)]
    text.append(_met(facts["meetings"]))
    return "\n\n".join(text)


def write_scrutiny(facts: dict[str, Any]) -> str:
    chair = facts["board"]["independent_chair"]
    scrutiny = facts["reviews"]["scrutiny"]
    text = []
    if chair:
        text.append(f"The arrangements were scrutinised by the independent chair, {chair}.")
    if scrutiny:
        text.append(f"Reviews and inspections during the year: {_review_titles(scrutiny)}.")
    return "\n\n".join(text) or "No independent scrutiny is recorded for the year."


def write_case_reviews(facts: dict[str, Any]) -> str:
    reviews = facts["reviews"]
    held, concluded, ongoing = (len(reviews[k]) for k in ("rapid_reviews", "concluded", "ongoing"))
    if not (held or concluded or ongoing):
        return "No rapid review or practice review is recorded for the year."
    return (
        f"During the year the partners held {_plural(held, 'rapid review')}; "
        f"{_plural(concluded, 'practice review')} concluded and {ongoing} "
        f"{'was' if ongoing == 1 else 'were'} ongoing at the year's end."
    )


def write_learning(facts: dict[str, Any]) -> str:
    implementing = facts["reviews"]["implementing"]
    recommendations = [rec for review in implementing for rec in review["recommendations"]]
    if not recommendations:
        return "No learning from reviews was being put into practice during the year."
    verified = sum(1 for rec in recommendations if rec["progress_label"] == "Fully answered")
    return (
        f"{_plural(len(recommendations), 'recommendation')} from reviews "
        f"{'was' if len(recommendations) == 1 else 'were'} being put into practice; "
        f"for {verified} the impact has been checked and verified."
    )


def write_next_priorities(facts: dict[str, Any]) -> str:
    areas = facts["next_year"]
    if not areas:
        return "No plan in force runs into the next year yet."
    return "For the next year the priorities are:\n\n" + "\n".join(
        f"{area['number']}. {area['title']}" for area in areas
    )


def write_performance(facts: dict[str, Any]) -> str:
    items = facts["indicators"]["items"]
    if not items:
        return "No performance indicators are recorded for the board."
    return f"The board followed {_plural(len(items), 'performance indicator')}; each chart shows its trend to the year's end."


def write_meetings(facts: dict[str, Any]) -> str:
    return _met(facts["meetings"])


OBJECTIVE = SectionSpec(
    "objective", "What the board did to achieve its objective", f"{CARE_ACT}(a)", "objective", write_objective
)
STRATEGY = SectionSpec(
    "strategy",
    "What the board did to implement its strategic plan",
    f"{CARE_ACT}(b)",
    "strategy",
    write_strategy,
)
MEMBERS = SectionSpec(
    "members", "What each member did to implement the strategy", f"{CARE_ACT}(c)", "members", write_members
)
SARS_CONCLUDED = SectionSpec(
    "sars_concluded",
    "Safeguarding adults reviews concluded in the year, and their findings",
    f"{CARE_ACT}(d)",
    "reviews_concluded",
    write_case_reviews_concluded,
)
SARS_ONGOING = SectionSpec(
    "sars_ongoing",
    "Safeguarding adults reviews ongoing at the end of the year",
    f"{CARE_ACT}(e)",
    "reviews_ongoing",
    write_case_reviews_ongoing,
)
SARS_IMPLEMENTATION = SectionSpec(
    "sars_implementation",
    "What the board did to implement the findings of its reviews",
    f"{CARE_ACT}(f)",
    "implementation",
    write_implementation,
)
SARS_NOT_IMPLEMENTED = SectionSpec(
    "sars_not_implemented",
    "Findings the board decided not to implement, and why",
    f"{CARE_ACT}(g)",
    "not_implemented",
    write_not_implemented,
)
ACTIVITY = SectionSpec(
    "activity", "Activity and effectiveness of the arrangements", WORKING_TOGETHER, "strategy", write_activity
)
SCRUTINY = SectionSpec("scrutiny", "Independent scrutiny", WORKING_TOGETHER, "scrutiny", write_scrutiny)
CASE_REVIEWS = SectionSpec(
    "case_reviews",
    "Local child safeguarding practice reviews and rapid reviews",
    WORKING_TOGETHER,
    "case_reviews",
    write_case_reviews,
)
LEARNING = SectionSpec(
    "learning", "Learning and its impact", WORKING_TOGETHER, "implementation", write_learning
)
NEXT_PRIORITIES = SectionSpec(
    "next_priorities", "Priorities for the next year", "", "next_priorities", write_next_priorities
)
PLAN = SectionSpec("strategy", "What the board did to implement its plan", "", "strategy", write_strategy)
PERFORMANCE = SectionSpec("performance", "Performance indicators", "", "performance", write_performance)
MEETINGS = SectionSpec("meetings", "Meetings held and attendance", "", "meetings", write_meetings)

SECTIONS: dict[str, list[SectionSpec]] = {
    ReportFramework.CARE_ACT: [
        OBJECTIVE,
        STRATEGY,
        MEMBERS,
        SARS_CONCLUDED,
        SARS_ONGOING,
        SARS_IMPLEMENTATION,
        SARS_NOT_IMPLEMENTED,
        PERFORMANCE,
        MEETINGS,
    ],
    ReportFramework.WORKING_TOGETHER: [
        ACTIVITY,
        SCRUTINY,
        CASE_REVIEWS,
        LEARNING,
        NEXT_PRIORITIES,
        PERFORMANCE,
        MEETINGS,
    ],
    ReportFramework.GENERAL: [PLAN, NEXT_PRIORITIES, PERFORMANCE, MEETINGS],
}


def framework_for(board_kind: str) -> str:
    if board_kind == BoardKind.SAFEGUARDING_ADULTS_BOARD:
        return ReportFramework.CARE_ACT
    if board_kind in (BoardKind.SAFEGUARDING_CHILDREN_BOARD, BoardKind.SAFEGUARDING_CHILDREN_PARTNERSHIP):
        return ReportFramework.WORKING_TOGETHER
    return ReportFramework.GENERAL


def spec_for(report: AnnualReport, key: str) -> SectionSpec:
    return next(spec for spec in SECTIONS[report.framework] if spec.key == key)


def new_sections(report: AnnualReport) -> list[AnnualReportSection]:
    """The report's sections, each with the text written from its facts (not yet saved)."""
    return [
        AnnualReportSection(
            report=report,
            key=spec.key,
            position=position,
            heading=spec.heading,
            reference=spec.reference,
            body=spec.write(report.facts),
        )
        for position, spec in enumerate(SECTIONS[report.framework], start=1)
    ]


# --- What each section shows under its text -------------------------------------------


def display_sections(report: AnnualReport, sections: list[AnnualReportSection]) -> list[dict[str, Any]]:
    """Each section with the template of its figures and their context (charts drawn here,
    from the stored facts, so the page, the PDF and the public page show the same)."""
    facts = report.facts
    extra: dict[str, Callable[[], dict[str, Any]]] = {
        "strategy": lambda: {"plans": _plans_with_charts(facts)},
        "performance": lambda: {"indicators": _indicators_with_charts(facts)},
    }
    shown = []
    for number, section in enumerate(sections, start=1):
        template = spec_for(report, section.key).template
        context = extra[template]() if template in extra else {}
        shown.append(
            {
                "section": section,
                "number": number,
                "template": f"annual_reports/sections/{template}.html",
                **context,
            }
        )
    return shown


def _plans_with_charts(facts: dict[str, Any]) -> list[dict[str, Any]]:
    plans = []
    for plan in facts["plans"]:
        areas = []
        for area in plan["areas"]:
            chart = (
                bar_chart_svg(
                    [Bar(item["label"], item["count"], RAG_FILLS[item["rag"]]) for item in area["rag"]],
                    title=f"Actions by RAG rating at the year's end, priority {area['number']}",
                    chart_id=f"rag-{plan['id']}-{area['number']}",
                )
                if area["rag"]
                else ""
            )
            areas.append({**area, "chart": chart})
        plans.append({**plan, "areas": areas})
    return plans


def _indicators_with_charts(facts: dict[str, Any]) -> list[dict[str, Any]]:
    shown = []
    for indicator in facts["indicators"]["items"]:
        values = [
            {
                **v,
                "value": Decimal(v["value"]),
                "target": Decimal(v["target"]) if v["target"] is not None else None,
            }
            for v in indicator["values"]
        ]
        chart = line_chart_svg(
            [ChartPoint(v["label"], v["value"], v["target"]) for v in values],
            title=f"{indicator['code']} {indicator['title']}",
            unit=indicator["unit"],
            chart_id=f"indicator-{indicator['id']}",
        )
        shown.append({**indicator, "values": values, "chart": chart})
    return shown
