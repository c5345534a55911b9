import datetime
import zoneinfo
from dataclasses import dataclass

from frameworks.models import FrameworkStatus
from plans.models import Rag, Status
from tests.factories import ActionFactory, MeasureFactory, ObjectiveFactory, ProgressUpdateFactory
from tests.performance.factories import IndicatorFactory, IndicatorValueFactory

LONDON = zoneinfo.ZoneInfo("Europe/London")


@dataclass
class PackPlan:
    """A small plan with one action of each kind the pack reports on."""

    red: object
    overdue: object
    green: object
    complete: object
    due_next_quarter: object
    indicator: object


def make_pack_plan(board, *, prefix: str = "") -> PackPlan:
    objective = ObjectiveFactory(
        priority_area__plan__board=board,
        priority_area__plan__period_start=datetime.date(2026, 4, 1),
        priority_area__plan__period_end=datetime.date(2028, 3, 31),
    )
    red = ActionFactory(
        objective=objective,
        description=f"{prefix}Audit the red action",
        rag=Rag.RED,
        status=Status.IN_PROGRESS,
    )
    overdue = ActionFactory(
        objective=objective,
        description=f"{prefix}Finish the overdue training",
        rag=Rag.GREEN,
        status=Status.IN_PROGRESS,
        due_date=datetime.date(2026, 8, 31),
    )
    green = ActionFactory(
        objective=objective, description=f"{prefix}Keep the green action going", rag=Rag.GREEN
    )
    complete = ActionFactory(
        objective=objective,
        description=f"{prefix}Publish the finished leaflet",
        rag=Rag.BLUE,
        status=Status.COMPLETE,
        completed_on=datetime.date(2026, 7, 15),
    )
    due_next = ActionFactory(
        objective=objective,
        description=f"{prefix}Report due next quarter",
        rag=Rag.AMBER,
        due_date=datetime.date(2026, 11, 30),
    )
    ProgressUpdateFactory(
        action=red, date=datetime.date(2026, 8, 10), text=f"{prefix}Auditors delayed by staffing"
    )
    ProgressUpdateFactory(
        action=green, date=datetime.date(2026, 3, 1), text=f"{prefix}An update before the period"
    )
    measure = MeasureFactory(
        objective=objective, description="Fewer repeat plans (NI65)", indicator_code="NI65"
    )
    indicator = IndicatorFactory(board=board, code=f"{prefix}NI65", title="Repeat child protection plans")
    indicator.measures.add(measure)
    IndicatorValueFactory(indicator=indicator, value=15, target=13, period_label="Q1 2026/27")
    IndicatorValueFactory(
        indicator=indicator,
        value=14,
        target=13,
        period_label="Q2 2026/27",
        period_start=datetime.date(2026, 7, 1),
        period_end=datetime.date(2026, 9, 30),
    )
    return PackPlan(red, overdue, green, complete, due_next, indicator)


@dataclass
class BoardBusiness:
    """What a board has beside its plan: a review, meetings with their papers, and a framework."""

    recommendation: object
    earlier_meeting: object
    decision: object
    open_arising: object
    done_arising: object
    meeting: object
    agenda_item: object
    report: object
    framework: object


def make_board_business(board, plan: PackPlan, *, prefix: str = "") -> BoardBusiness:
    """Reviews, meetings and governance for a board made by make_pack_plan (texts kept short,
    so pdftotext's layout mode keeps each on one line of its table cell)."""
    from meetings.models import ActionArising, DecisionKind
    from tests.frameworks.factories import FrameworkBoardFactory, RelationshipFactory, framework_binding
    from tests.meetings.factories import (
        AgendaItemFactory,
        DecisionFactory,
        FullBoardReportFactory,
        MeetingFactory,
        ReportRecommendationFactory,
    )
    from tests.reviews.factories import (
        CaseReviewFactory,
        RecommendationActionFactory,
        RecommendationFactory,
        ReviewReportFactory,
    )

    review = ReviewReportFactory(board=board, review__partnership=board.partnership).review
    # A case review on its clocks: notified a day late (aware Thursday 1 October, due the
    # 8th), its rapid review due Friday 30 October.
    case_review = CaseReviewFactory(
        partnership=board.partnership,
        title=f"{prefix}Child P",
        became_aware=datetime.date(2026, 10, 1),
        notified=datetime.date(2026, 10, 9),
        stage="notified",
    )
    ReviewReportFactory(board=board, review=case_review)
    recommendation = RecommendationFactory(review=review, number=1, text=f"{prefix}Strengthen the MASH")
    RecommendationActionFactory(recommendation=recommendation, action=plan.red)

    earlier = MeetingFactory(board=board, starts_at=datetime.datetime(2026, 9, 15, 14, tzinfo=LONDON))
    earlier_item = AgendaItemFactory(meeting=earlier, position=1, title=f"{prefix}Audit findings")
    decision = DecisionFactory(
        agenda_item=earlier_item, kind=DecisionKind.AGREED, text=f"{prefix}Agreed the audit plan"
    )
    open_arising = ActionArising.objects.create(
        agenda_item=earlier_item, decision=decision, action=plan.green
    )
    done_arising = ActionArising.objects.create(agenda_item=earlier_item, action=plan.complete)

    meeting = MeetingFactory(
        board=board,
        starts_at=datetime.datetime(2026, 11, 3, 10, tzinfo=LONDON),
        title=f"{prefix}Board meeting",
    )
    report = FullBoardReportFactory(board=board, meeting=meeting, title=f"{prefix}Annual report 2025/26")
    ReportRecommendationFactory(report=report, position=1, text=f"{prefix}Note the annual report")
    agenda_item = AgendaItemFactory(
        meeting=meeting, position=1, title=f"{prefix}Neglect strategy", presenter="Independent Chair"
    )
    AgendaItemFactory(meeting=meeting, position=2, title=f"{prefix}Annual report", report=report)

    framework = framework_binding(board, status=FrameworkStatus.ADOPTED, title=f"{prefix}Framework")
    partner = FrameworkBoardFactory(framework=framework, position=2).board
    RelationshipFactory(framework=framework, from_board=board, to_board=partner)
    return BoardBusiness(
        recommendation, earlier, decision, open_arising, done_arising, meeting, agenda_item, report, framework
    )
