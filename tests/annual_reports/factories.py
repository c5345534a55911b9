"""A year of a board's work built from factories, with the data a report must leave out
beside it: a draft plan's action, another board's plan, meeting and review."""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal

from annual_reports.gather import Year, twelve_months_from
from boards.models import Board
from plans.models import Action, BusinessPlan, Rag, Status
from reviews.models import Finding, Review, ReviewKind, ReviewStatus
from tests.factories import (
    ActionFactory,
    BusinessPlanFactory,
    ObjectiveFactory,
    PriorityAreaFactory,
)
from tests.meetings.factories import MeetingFactory
from tests.performance.factories import IndicatorFactory, IndicatorValueFactory
from tests.reviews.factories import (
    FindingFactory,
    RecommendationActionFactory,
    RecommendationFactory,
    ReviewFactory,
    ReviewReportFactory,
)

LONDON = zoneinfo.ZoneInfo("Europe/London")
YEAR: Year = twelve_months_from(datetime.date(2026, 4, 1))  # 2026/27
TODAY = datetime.date(2027, 5, 14)
# A case review kind before the statutory kinds exist; SARs once they do.
SAR_KIND = getattr(ReviewKind, "SAR", ReviewKind.CASE_REVIEW)


@dataclass
class BoardYear:
    board: Board
    plan: BusinessPlan
    complete: Action
    red: Action
    draft_action: Action
    other_board_action: Action
    concluded: Review
    concluded_finding: Finding
    ongoing: Review
    other_board_review: Review
    other_board_meeting_place: str


def make_board_year(board: Board, other_board: Board) -> BoardYear:
    plan = BusinessPlanFactory(board=board, title="Strategic Plan 2026–2028")
    area = PriorityAreaFactory(plan=plan, number=1, title="Making safeguarding personal")
    objective = ObjectiveFactory(priority_area=area)
    complete = ActionFactory(
        objective=objective,
        description="Publish the multi-agency safeguarding procedures",
        status=Status.COMPLETE,
        rag=Rag.BLUE,
        completed_on=datetime.date(2026, 11, 30),
    )
    red = ActionFactory(
        objective=objective,
        description="Audit self-neglect cases across agencies",
        status=Status.IN_PROGRESS,
        rag=Rag.RED,
        due_date=datetime.date(2026, 12, 31),
    )
    draft = BusinessPlanFactory(board=board, title="Draft plan 2027–2029", status=BusinessPlan.Status.DRAFT)
    draft_action = ActionFactory(
        objective=ObjectiveFactory(priority_area=PriorityAreaFactory(plan=draft, number=1)),
        description="A draft idea nobody has agreed",
    )
    other_plan = BusinessPlanFactory(board=other_board, title="Another board's plan")
    other_board_action = ActionFactory(
        objective=ObjectiveFactory(priority_area=PriorityAreaFactory(plan=other_plan, number=1)),
        description="Another board's own action",
    )

    concluded = ReviewFactory(
        partnership=board.partnership,
        kind=SAR_KIND,
        title="Safeguarding adults review: Adult A",
        on_site_start=datetime.date(2026, 1, 10),
        on_site_end=None,
        published=datetime.date(2026, 10, 15),
        status=ReviewStatus.REPORTED,
        summary="The review looked at how agencies worked with Adult A.",
    )
    ReviewReportFactory(review=concluded, board=board)
    concluded_finding = FindingFactory(
        review=concluded, text="Agencies did not share information about self-neglect in time."
    )
    recommendation = RecommendationFactory(
        review=concluded, finding=concluded_finding, text="Agree a self-neglect information sharing protocol."
    )
    RecommendationActionFactory(recommendation=recommendation, action=red)
    ongoing = ReviewFactory(
        partnership=board.partnership,
        kind=SAR_KIND,
        title="Safeguarding adults review: Adult B",
        on_site_start=datetime.date(2027, 1, 20),
        on_site_end=None,
        published=None,
        status=ReviewStatus.UNDER_WAY,
    )
    ReviewReportFactory(review=ongoing, board=board)
    other_board_review = ReviewFactory(
        partnership=other_board.partnership,
        kind=SAR_KIND,
        title="Another partnership's review",
        on_site_start=datetime.date(2026, 5, 1),
        on_site_end=None,
        published=datetime.date(2026, 9, 1),
    )
    ReviewReportFactory(review=other_board_review, board=other_board)

    for month in (5, 9, 1):
        year = 2026 if month > 3 else 2027
        MeetingFactory(board=board, starts_at=datetime.datetime(year, month, 12, 14, tzinfo=LONDON))
    MeetingFactory(
        board=other_board,
        starts_at=datetime.datetime(2026, 6, 1, 10, tzinfo=LONDON),
        place="Another town hall",
    )

    indicator = IndicatorFactory(board=board, code="ASC1", title="Section 42 enquiries concluded in 28 days")
    for quarter, (start, end, value) in enumerate(
        [
            (datetime.date(2026, 4, 1), datetime.date(2026, 6, 30), "61"),
            (datetime.date(2026, 7, 1), datetime.date(2026, 9, 30), "66"),
            (datetime.date(2026, 10, 1), datetime.date(2026, 12, 31), "70"),
        ],
        start=1,
    ):
        IndicatorValueFactory(
            indicator=indicator,
            period_start=start,
            period_end=end,
            period_label=f"Q{quarter} 2026/27",
            value=Decimal(value),
            target=Decimal("75"),
        )
    return BoardYear(
        board=board,
        plan=plan,
        complete=complete,
        red=red,
        draft_action=draft_action,
        other_board_action=other_board_action,
        concluded=concluded,
        concluded_finding=concluded_finding,
        ongoing=ongoing,
        other_board_review=other_board_review,
        other_board_meeting_place="Another town hall",
    )
