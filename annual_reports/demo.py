"""Demo annual reports, loaded by ``load_demo`` (plans.extensions.demo_loaded), after the
reviews, meetings and performance demos whose data they are assembled from.

- The Sunderland SSCB's partnership report (Working Together 2023) for the twelve months to
  the demo plan's progress date: written from the seed plan and the demo's indicators. It is
  left as a draft, so the demo shows editing and approving.
- The Sunderland SSAB's Care Act report for the financial year before. The seeds say nothing
  of the SSAB's own plan, reviews, meetings or agencies (they name the board only as a party
  to the framework of cooperation and to the SSCB's "Think family" work). To show a Care Act
  report, the demo invents a small strategic plan, one safeguarding adults review concluded in
  the year and one under way, and one decision not to implement a finding, every one of them
  marked Illustrative on screen and in print. The report comes in approved by the demo loader
  (saying so), so its public page and files can be seen.

Idempotent: a report already there for the year is left as it is (it may have been edited).
"""

from __future__ import annotations

import datetime
from typing import Any, TypeVar

from django.db import models
from django.utils import timezone

from boards.models import Board, Partnership
from plans.models import Action, BusinessPlan, DuePrecision, Objective, PriorityArea, Rag, Status
from reviews.models import (
    CaseReviewStage,
    Finding,
    NotImplementedDecision,
    Recommendation,
    RecommendationAction,
    Review,
    ReviewKind,
    ReviewReport,
    ReviewStatus,
)

from .assembly import assemble_report
from .gather import twelve_months_from
from .models import AnnualReport, RenderStatus, ReportStatus

SSCB_NOTE = (
    "Written by the demo from the Sunderland SSCB Business Plan seed: its statuses and ratings are the "
    "demo's reading of the plan's progress notes, and the performance figures are illustrative. The seeds "
    "record no attendance, rapid review or practice review in these twelve months, so none is shown."
)
SSAB_NOTE = (
    "The seeds say nothing of the Sunderland SSAB's own plan, reviews, meetings or partner agencies. To show "
    "a Care Act report the demo invented a small strategic plan, a safeguarding adults review concluded in "
    "the year and one under way, and a decision not to implement a finding: each is marked Illustrative. "
    "The report was approved by the demo loader, not by the board; no sending to the recipients is recorded."
)
SSAB_PLAN_NOTE = (
    "Illustrative: the seeds contain no plan of the SSAB. This plan, its actions, statuses and ratings were "
    "invented by the demo to show the board's annual report."
)
DEMO_REPORT_APPROVAL = "The demo loader approved it, not the board."


# Every model written here has one manager, ``objects``, so it is the default manager.
ModelT = TypeVar("ModelT", bound=models.Model)


def _upsert(model: type[ModelT], lookup: dict[str, Any], values: dict[str, Any]) -> ModelT:
    """Get-or-create by natural key, saving only when a field differs (a rerun writes nothing)."""
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        if isinstance(obj, Action):
            obj.written_by_demo = True  # keeps Action.rating_illustrative
        obj.save()
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        if isinstance(obj, Action):
            obj.written_by_demo = True
        obj.save()
    return obj


def load_demo_reports(sender, *, today: datetime.date, year_shift: int, **kwargs) -> None:
    sunderland = Partnership.objects.filter(name="Sunderland").first()
    if sunderland is None:
        return
    boards = {board.short_name: board for board in Board.objects.filter(partnership=sunderland)}
    # The seed plan's progress is as at 30 September 2011, moved forward by year_shift years.
    progress_year = 2011 + year_shift
    sscb_year = twelve_months_from(datetime.date(progress_year - 1, 10, 1))
    ssab_year = twelve_months_from(datetime.date(progress_year - 1, 4, 1))
    if "SSAB" in boards:
        _load_ssab_year(sunderland, boards["SSAB"], progress_year - 1)
        report = AnnualReport.objects.filter(board=boards["SSAB"], period_start=ssab_year.start).first()
        if report is None:
            report = assemble_report(boards["SSAB"], ssab_year, None, illustrative_note=SSAB_NOTE)
            _approve_as_demo(report)
    if (
        "SSCB" in boards
        and not AnnualReport.objects.filter(board=boards["SSCB"], period_start=sscb_year.start).exists()
    ):
        assemble_report(boards["SSCB"], sscb_year, None, illustrative_note=SSCB_NOTE)


def _approve_as_demo(report: AnnualReport) -> None:
    from .publishing import dispatch

    report.status = ReportStatus.APPROVED
    report.approved_at = timezone.now()
    report.approval_note = DEMO_REPORT_APPROVAL
    report.render_status = RenderStatus.QUEUED
    report.render_message = "Waiting for a worker."
    report.save()
    # Made by the worker once load_demo's transaction commits (or by the beat sweep later).
    dispatch(report)


def _load_ssab_year(partnership: Partnership, ssab: Board, first_year: int) -> None:
    """The SSAB's illustrative plan and reviews for the financial year starting April first_year."""

    def day(year_offset: int, month: int, day_of_month: int) -> datetime.date:
        return datetime.date(first_year + year_offset, month, day_of_month)

    plan = _upsert(
        BusinessPlan,
        {"board": ssab, "title": "Illustrative: SSAB Strategic Plan", "revision_number": 1},
        {
            "period_start": day(0, 4, 1),
            "period_end": day(2, 3, 31),
            "status": BusinessPlan.Status.APPROVED,
            "approved_at": timezone.make_aware(datetime.datetime(first_year, 4, 1, 9)),
            "approval_note": "Approved by the demo loader: the plan is illustrative.",
            "illustrative_note": SSAB_PLAN_NOTE,
        },
    )
    personal = _upsert(
        PriorityArea, {"plan": plan, "number": 1}, {"title": "Illustrative: Making safeguarding personal"}
    )
    think_family = _upsert(PriorityArea, {"plan": plan, "number": 2}, {"title": "Illustrative: Think family"})
    outcomes = _upsert(
        Objective,
        {"priority_area": personal, "number": "1.1"},
        {"position": 1, "description": "Illustrative: adults at risk are asked what they want to happen"},
    )
    families = _upsert(
        Objective,
        {"priority_area": think_family, "number": "2.1"},
        {
            "position": 1,
            # The seed's SSCB plan names this work: "Establish workshops to progress a 'Think
            # family' approach to safeguarding adults work" (SSCB Independent Chair).
            "description": "Illustrative: work with the SSCB on its “Think family” workshops",
        },
    )
    actions = [
        (outcomes, 1, "Illustrative: audit safeguarding enquiries for the outcomes the person wanted", day(0, 12, 31), Status.COMPLETE, Rag.BLUE),
        (outcomes, 2, "Illustrative: agree a self-neglect protocol with partner agencies", day(1, 3, 31), Status.IN_PROGRESS, Rag.AMBER),
        (families, 1, "Illustrative: take part in the SSCB's Think family workshops", day(0, 10, 31), Status.COMPLETE, Rag.BLUE),
        (families, 2, "Illustrative: brief adult services staff on the Think family approach", day(0, 9, 30), Status.IN_PROGRESS, Rag.RED),
    ]  # fmt: skip
    written = {}
    for objective, position, description, due, status, rag in actions:
        written[description] = _upsert(
            Action,
            {"objective": objective, "position": position},
            {
                "description": description,
                "lead_role": "Illustrative: SSAB Business Manager",
                "due_date": due,
                "due_precision": DuePrecision.MONTH,
                "timescale_text": f"{due:%B %Y}",
                "status": status,
                "rag": rag,
                "rating_illustrative": True,
                "completed_on": None,
            },
        )

    adult_a = _upsert(
        Review,
        {"partnership": partnership, "title": "Illustrative: Safeguarding adults review, Adult A"},
        {
            "kind": ReviewKind.SAR,
            "status": ReviewStatus.REPORTED,
            "stage": CaseReviewStage.PUBLISHED,
            "decision_to_review": day(0, 1, 15) - datetime.timedelta(days=365),
            "report_received": day(0, 10, 20),
            "published": day(0, 11, 18),
            "summary": "Illustrative: the seeds record no safeguarding adults review. This one was invented "
            "to show how the annual report reports a review, its findings and what was done about them.",
            "source": "Illustrative: not from a seed document.",
        },
    )
    _upsert(ReviewReport, {"review": adult_a, "board": ssab}, {"reported_on": day(0, 12, 9)})
    shared = _upsert(
        Finding,
        {"review": adult_a, "position": 1},
        {
            "kind": Finding.Kind.AREA_FOR_IMPROVEMENT,
            "text": "Agencies did not share their concerns about Adult A's self-neglect early enough.",
            "illustrative": True,
        },
    )
    tool = _upsert(
        Finding,
        {"review": adult_a, "position": 2},
        {
            "kind": Finding.Kind.AREA_FOR_IMPROVEMENT,
            "text": "Each agency could keep its own risk assessment tool for self-neglect.",
            "illustrative": True,
        },
    )
    recommendation = _upsert(
        Recommendation,
        {"review": adult_a, "number": 1},
        {
            "text": "Agree a multi-agency self-neglect protocol that says when and how to share concerns.",
            "finding": shared,
            "illustrative": True,
        },
    )
    _upsert(
        RecommendationAction,
        {
            "recommendation": recommendation,
            "action": written["Illustrative: agree a self-neglect protocol with partner agencies"],
        },
        {},
    )
    _upsert(
        NotImplementedDecision,
        {"finding": tool},
        {
            "review": adult_a,
            "reason": "Illustrative: the partners already share one assessment tool; separate tools would "
            "split the record the review asked agencies to share.",
            "decided_on": day(1, 1, 13),
            "decided_by": "Illustrative: the SSAB's meeting in January",
            "illustrative": True,
        },
    )
    adult_b = _upsert(
        Review,
        {"partnership": partnership, "title": "Illustrative: Safeguarding adults review, Adult B"},
        {
            "kind": ReviewKind.SAR,
            "status": ReviewStatus.UNDER_WAY,
            "stage": CaseReviewStage.UNDER_WAY,
            "decision_to_review": day(1, 2, 10),
            "summary": "Illustrative: invented to show a review still under way at the year's end.",
            "source": "Illustrative: not from a seed document.",
        },
    )
    _upsert(ReviewReport, {"review": adult_b, "board": ssab}, {})
