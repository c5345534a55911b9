"""A year of a board's work built from factories, with the data a report must leave out
beside it: a draft plan's action, another board's plan, meeting and review."""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal

from annual_reports.gather import Year, twelve_months_from
from boards.models import Agency, AgencyKind, Board, Membership
from meetings.models import AttendanceStatus
from plans.models import Action, BusinessPlan, Rag, Status
from reviews.models import Finding, NotImplementedDecision, Review, ReviewKind, ReviewStatus
from tests.factories import (
    ActionFactory,
    AgencyFactory,
    BusinessPlanFactory,
    ObjectiveFactory,
    PriorityAreaFactory,
)
from tests.meetings.factories import AttendanceFactory, MeetingFactory
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
SAR_KIND = ReviewKind.SAR
NOT_IMPLEMENTED_REASON = "The national procedures already require it; a local protocol would duplicate them."


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
    not_implemented_finding: Finding
    ongoing: Review
    council: Agency
    police: Agency
    other_board_review: Review
    other_board_meeting_place: str


def make_board_year(board: Board, other_board: Board, case_kind: str = SAR_KIND) -> BoardYear:
    council = AgencyFactory(
        partnership=board.partnership, name="Borough Council", kind=AgencyKind.LOCAL_AUTHORITY
    )
    police = AgencyFactory(partnership=board.partnership, name="Area Police", kind=AgencyKind.POLICE)
    AgencyFactory(partnership=other_board.partnership, name="Another area's council")
    members = list(Membership.objects.filter(board=board).select_related("user").order_by("pk"))
    for membership, agency in zip(members, [council, police, council, police], strict=False):
        membership.agency = agency
        membership.save()
    plan = BusinessPlanFactory(board=board, title="Strategic Plan 2026–2028")
    area = PriorityAreaFactory(plan=plan, number=1, title="Making safeguarding personal")
    # Position pinned: the objective is 1.1 whatever other tests' factories numbered before.
    objective = ObjectiveFactory(priority_area=area, position=1)
    complete = ActionFactory(
        objective=objective,
        description="Publish the multi-agency safeguarding procedures",
        status=Status.COMPLETE,
        rag=Rag.BLUE,
        completed_on=datetime.date(2026, 11, 30),
        lead_agency=council,
    )
    red = ActionFactory(
        objective=objective,
        description="Audit self-neglect cases across agencies",
        status=Status.IN_PROGRESS,
        rag=Rag.RED,
        due_date=datetime.date(2026, 12, 31),
        lead_agency=police,
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
        kind=case_kind,
        title="Safeguarding adults review: Adult A" if case_kind == SAR_KIND else "Practice review: Child A",
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
    not_implemented_finding = FindingFactory(
        review=concluded, text="A single assessment tool would suit every agency."
    )
    NotImplementedDecision.objects.create(
        review=concluded,
        finding=not_implemented_finding,
        reason=NOT_IMPLEMENTED_REASON,
        decided_on=datetime.date(2027, 1, 12),
        decided_by="The board's meeting of 12 January 2027",
    )
    ongoing = ReviewFactory(
        partnership=board.partnership,
        kind=case_kind,
        title="Safeguarding adults review: Adult B" if case_kind == SAR_KIND else "Practice review: Child B",
        on_site_start=datetime.date(2027, 1, 20),
        on_site_end=None,
        published=None,
        status=ReviewStatus.UNDER_WAY,
        decision_to_review=datetime.date(2027, 1, 20),
        stage="under_way",
    )
    ReviewReportFactory(review=ongoing, board=board)
    other_board_review = ReviewFactory(
        partnership=other_board.partnership,
        kind=case_kind,
        title="Another partnership's review",
        on_site_start=datetime.date(2026, 5, 1),
        on_site_end=None,
        published=datetime.date(2026, 9, 1),
    )
    ReviewReportFactory(review=other_board_review, board=other_board)

    for month in (5, 9, 1):
        year = 2026 if month > 3 else 2027
        meeting = MeetingFactory(board=board, starts_at=datetime.datetime(year, month, 12, 14, tzinfo=LONDON))
        for membership in members:
            # The police sent apologies to the January meeting; everyone else came every time.
            status = (
                AttendanceStatus.APOLOGIES
                if membership.agency == police and month == 1
                else AttendanceStatus.PRESENT
            )
            AttendanceFactory(meeting=meeting, user=membership.user, agency=membership.agency, status=status)
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
        not_implemented_finding=not_implemented_finding,
        ongoing=ongoing,
        council=council,
        police=police,
        other_board_review=other_board_review,
        other_board_meeting_place="Another town hall",
    )
