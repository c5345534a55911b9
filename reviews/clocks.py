"""The statutory clocks that case reviews and inspections run to.

Each clock starts on one of a review's dates and stops on another:

| clock | kinds | starts | stops | length |
|---|---|---|---|---|
| Notification to the national panel | serious incident, LCSPR | became aware | notified | 5 working days |
| Rapid review | serious incident, LCSPR | notified | rapid review held | 15 working days |
| LCSPR publication | LCSPR | decision to review | published | 6 months |
| Ofsted action plan | Ofsted | report received | action plan sent | 70 working days |

Lengths are settings (safeguarding.settings, CASE_REVIEW_*). Working days are England
and Wales working days (reviews.working_days). A clock is *breached* when it stopped
after its due date, or has not stopped and today is past its due date. Reminders about
clocks (notifications) and the board pack's section read ``running_clocks``.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings

from .models import CaseReviewStage, Review, ReviewKind, ReviewStatus
from .working_days import add_working_days, working_days_between


def add_months(start: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later; the month's last day when it is shorter (31 Aug + 6 → 28/29 Feb)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class ClockRule:
    key: str
    name: str
    kinds: frozenset[str]
    starts: str
    stops: str
    # Working days (or months, when ``in_months``) from the start date, read from settings.
    length: Callable[[], int]
    in_months: bool = False
    # Reminded once as "due soon" when this many working days or fewer are left.
    warn_working_days: int = 2

    @property
    def length_label(self) -> str:
        length = self.length()
        if self.in_months:
            return f"{length} month{'s' if length != 1 else ''}"
        return f"{length} working day{'s' if length != 1 else ''}"

    def due(self, start: datetime.date) -> datetime.date:
        if self.in_months:
            return add_months(start, self.length())
        return add_working_days(start, self.length())


CHILD_CASE_REVIEWS = frozenset({ReviewKind.SERIOUS_INCIDENT, ReviewKind.LCSPR})

RULES: tuple[ClockRule, ...] = (
    ClockRule(
        key="notification",
        name="Notification to the national panel",
        kinds=CHILD_CASE_REVIEWS,
        starts="became_aware",
        stops="notified",
        length=lambda: settings.CASE_REVIEW_NOTIFY_WORKING_DAYS,
        warn_working_days=2,
    ),
    ClockRule(
        key="rapid_review",
        name="Rapid review",
        kinds=CHILD_CASE_REVIEWS,
        starts="notified",
        stops="rapid_review_held",
        length=lambda: settings.CASE_REVIEW_RAPID_REVIEW_WORKING_DAYS,
        warn_working_days=5,
    ),
    ClockRule(
        key="lcspr_publication",
        name="LCSPR publication",
        kinds=frozenset({ReviewKind.LCSPR}),
        starts="decision_to_review",
        stops="published",
        length=lambda: settings.LCSPR_PUBLISH_MONTHS,
        in_months=True,
        warn_working_days=20,
    ),
    ClockRule(
        key="ofsted_action_plan",
        name="Ofsted action plan",
        kinds=frozenset({ReviewKind.OFSTED}),
        starts="report_received",
        stops="action_plan_sent",
        length=lambda: settings.OFSTED_ACTION_PLAN_WORKING_DAYS,
        warn_working_days=10,
    ),
)
RULES_BY_KEY = {rule.key: rule for rule in RULES}


class ClockState:
    MET = "Met"
    MET_LATE = "Met late"
    BREACHED = "Breached"
    DUE_SOON = "Due soon"
    RUNNING = "Running"


STATE_TAG_CLASSES = {
    ClockState.MET: "govuk-tag--green",
    ClockState.MET_LATE: "govuk-tag--orange",
    ClockState.BREACHED: "govuk-tag--red",
    ClockState.DUE_SOON: "govuk-tag--yellow",
    ClockState.RUNNING: "govuk-tag--blue",
}


@dataclass(frozen=True)
class Clock:
    """One clock of one review, as it stands on ``today``."""

    review: Review
    rule: ClockRule
    started_on: datetime.date
    due: datetime.date
    stopped_on: datetime.date | None
    today: datetime.date

    @property
    def key(self) -> str:
        return self.rule.key

    @property
    def name(self) -> str:
        return self.rule.name

    @property
    def running(self) -> bool:
        return self.stopped_on is None

    @property
    def working_days_left(self) -> int:
        """Working days from today to the due date: 0 on the day, negative once past it."""
        return working_days_between(self.today, self.due)

    @property
    def days_left(self) -> int:
        """Calendar days from today to the due date (negative once past it)."""
        return (self.due - self.today).days

    @property
    def breached(self) -> bool:
        return is_breached(self.due, self.stopped_on, self.today)

    @property
    def due_soon(self) -> bool:
        return self.state == ClockState.DUE_SOON

    @property
    def state(self) -> str:
        return clock_state(self.due, self.stopped_on, self.today, self.rule.warn_working_days)

    @property
    def state_tag_class(self) -> str:
        return STATE_TAG_CLASSES[self.state]

    @property
    def left_label(self) -> str:
        """Days left in words, as the page and the pack show them."""
        return left_label(self.due, self.stopped_on, self.today)


def is_breached(due: datetime.date, stopped_on: datetime.date | None, today: datetime.date) -> bool:
    if stopped_on is not None:
        return stopped_on > due
    return today > due


def clock_state(
    due: datetime.date, stopped_on: datetime.date | None, today: datetime.date, warn_working_days: int
) -> str:
    """Met, met late, breached, due soon (within ``warn_working_days``) or running on ``today``.

    Plain dates in, so a board pack works a clock out from its snapshot as the page does."""
    if stopped_on is not None:
        return ClockState.MET_LATE if stopped_on > due else ClockState.MET
    if today > due:
        return ClockState.BREACHED
    if working_days_between(today, due) <= warn_working_days:
        return ClockState.DUE_SOON
    return ClockState.RUNNING


def left_label(due: datetime.date, stopped_on: datetime.date | None, today: datetime.date) -> str:
    if stopped_on is not None:
        late = working_days_between(due, stopped_on)
        return f"Stopped {stopped_on.day} {stopped_on:%B %Y}" + (
            f", {late} working day{'s' if late != 1 else ''} late" if late > 0 else ""
        )
    left = working_days_between(today, due)
    if left == 0:
        return "Due today"
    if left > 0:
        return f"{left} working day{'s' if left != 1 else ''} left"
    return f"{-left} working day{'s' if left != -1 else ''} overdue"


def clocks_of(review: Review, today: datetime.date) -> list[Clock]:
    """The review's clocks that have started (their start date is recorded)."""
    found = []
    for rule in RULES:
        if review.kind not in rule.kinds:
            continue
        started = getattr(review, rule.starts)
        if started is None:
            continue
        found.append(
            Clock(
                review=review,
                rule=rule,
                started_on=started,
                due=rule.due(started),
                stopped_on=getattr(review, rule.stops),
                today=today,
            )
        )
    return found


CLOCK_KINDS = sorted({kind for rule in RULES for kind in rule.kinds})


def is_in_progress(review: Review) -> bool:
    """Not closed, not published, and not decided against: still work to do."""
    return review.status != ReviewStatus.CLOSED and review.stage not in (
        CaseReviewStage.CLOSED,
        CaseReviewStage.PUBLISHED,
        CaseReviewStage.NO_FURTHER_REVIEW,
    )


def running_clocks(reviews: Iterable[Review], today: datetime.date) -> list[Clock]:
    """Clocks still running (not stopped) on reviews still in progress, soonest due first."""
    clocks = [
        clock
        for review in reviews
        if is_in_progress(review)
        for clock in clocks_of(review, today)
        if clock.running
    ]
    return sorted(clocks, key=lambda clock: (clock.due, clock.review.title, clock.key))
