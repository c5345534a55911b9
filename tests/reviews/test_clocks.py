"""The statutory clocks, with frozen time, across weekends and bank holidays."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from reviews.clocks import ClockState, add_months, clocks_of, running_clocks
from reviews.models import CaseReviewStage, ReviewKind, ReviewStatus
from tests.reviews.factories import CaseReviewFactory, ReviewFactory

D = datetime.date
pytestmark = pytest.mark.django_db


def at(day: datetime.date):
    """Freeze the clock at 09:00 UK time on ``day``."""
    return time_machine.travel(datetime.datetime(day.year, day.month, day.day, 9, 0), tick=False)


def the_clock(review, key):
    return next(clock for clock in clocks_of(review, timezone.localdate()) if clock.key == key)


def test_notification_clock_over_christmas_states_day_by_day():
    # Aware Friday 18 December 2026: 5 working days are 21, 22, 23, 24 and 29 December
    # (Christmas Day, the weekend and Boxing Day observed on the 28th do not count).
    review = CaseReviewFactory(became_aware=D(2026, 12, 18))
    expected = {
        D(2026, 12, 21): (ClockState.RUNNING, 4, "4 working days left"),
        D(2026, 12, 23): (ClockState.DUE_SOON, 2, "2 working days left"),
        D(2026, 12, 25): (ClockState.DUE_SOON, 1, "1 working day left"),
        D(2026, 12, 29): (ClockState.DUE_SOON, 0, "Due today"),
        D(2026, 12, 30): (ClockState.BREACHED, -1, "1 working day overdue"),
        D(2027, 1, 4): (ClockState.BREACHED, -3, "3 working days overdue"),  # 1 January is a holiday
    }
    for day, (state, left, label) in expected.items():
        with at(day):
            clock = the_clock(review, "notification")
            assert clock.due == D(2026, 12, 29)
            assert (clock.state, clock.working_days_left, clock.left_label) == (state, left, label), day
            assert clock.breached is (state == ClockState.BREACHED)


def test_notification_met_on_time_and_met_late():
    with at(D(2027, 1, 20)):
        on_time = CaseReviewFactory(became_aware=D(2026, 12, 18), notified=D(2026, 12, 29))
        late = CaseReviewFactory(became_aware=D(2026, 12, 18), notified=D(2026, 12, 31))
        assert the_clock(on_time, "notification").state == ClockState.MET
        late_clock = the_clock(late, "notification")
        assert late_clock.state == ClockState.MET_LATE and late_clock.breached
        assert late_clock.left_label == "Stopped 31 December 2026, 2 working days late"


def test_rapid_review_clock_across_christmas_and_new_year():
    # Notified Friday 18 December 2026: 15 working days skip Christmas, Boxing Day (observed)
    # and New Year's Day: due Wednesday 13 January 2027.
    review = CaseReviewFactory(became_aware=D(2026, 12, 14), notified=D(2026, 12, 18))
    with at(D(2027, 1, 13)):
        clock = the_clock(review, "rapid_review")
        assert clock.due == D(2027, 1, 13) and not clock.breached and clock.left_label == "Due today"
    with at(D(2027, 1, 14)):
        assert the_clock(review, "rapid_review").breached


def test_rapid_review_clock_across_easter_and_early_may():
    # Notified Thursday 15 April 2027... no holiday until the early May bank holiday (3 May):
    # 16, 19–23, 26–30 April (11), 4, 5, 6, 7 May (15).
    review = CaseReviewFactory(became_aware=D(2027, 4, 12), notified=D(2027, 4, 15))
    with at(D(2027, 4, 20)):
        assert the_clock(review, "rapid_review").due == D(2027, 5, 7)
    # Across Easter: notified Wednesday 24 March 2027; Good Friday and Easter Monday skipped:
    # 25, 30, 31 March, 1, 2 April (5), 5–9 (10), 12–16 April (15).
    easter = CaseReviewFactory(became_aware=D(2027, 3, 22), notified=D(2027, 3, 24))
    with at(D(2027, 4, 1)):
        assert the_clock(easter, "rapid_review").due == D(2027, 4, 16)


def test_notification_clock_across_the_early_may_bank_holiday():
    review = CaseReviewFactory(became_aware=D(2027, 4, 28))
    with at(D(2027, 5, 4)):
        clock = the_clock(review, "notification")
        # 29, 30 April, (3 May holiday), 4, 5, 6 May.
        assert clock.due == D(2027, 5, 6) and clock.working_days_left == 2


def test_ofsted_action_plan_clock_is_70_working_days_across_easter_and_may():
    # Report received Monday 1 March 2027. Counting by hand with England and Wales's 2027
    # holidays (Good Friday 26 March, Easter Monday 29 March, 3 May, 31 May), independently
    # of the holidays package: the 70th working day after it.
    holidays_2027 = {D(2027, 3, 26), D(2027, 3, 29), D(2027, 5, 3), D(2027, 5, 31)}
    day, count = D(2027, 3, 1), 0
    while count < 70:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5 and day not in holidays_2027:
            count += 1
    assert day == D(2027, 6, 11)
    review = ReviewFactory(kind=ReviewKind.OFSTED, report_received=D(2027, 3, 1))
    with at(D(2027, 6, 11)):
        assert the_clock(review, "ofsted_action_plan").due == day
        assert not the_clock(review, "ofsted_action_plan").breached
    with at(D(2027, 6, 14)):  # the Monday after
        assert the_clock(review, "ofsted_action_plan").state == ClockState.BREACHED
    review.action_plan_sent = D(2027, 6, 9)
    with at(D(2027, 6, 14)):
        assert the_clock(review, "ofsted_action_plan").state == ClockState.MET


def test_lcspr_publication_is_six_months_after_the_decision_and_configurable(settings):
    review = CaseReviewFactory(
        became_aware=D(2026, 7, 1),
        notified=D(2026, 7, 3),
        rapid_review_held=D(2026, 7, 20),
        decision_to_review=D(2026, 8, 31),
        stage=CaseReviewStage.UNDER_WAY,
    )
    with at(D(2027, 2, 28)):
        clock = the_clock(review, "lcspr_publication")
        assert clock.due == D(2027, 2, 28) and not clock.breached
    with at(D(2027, 3, 1)):
        assert the_clock(review, "lcspr_publication").breached
    settings.LCSPR_PUBLISH_MONTHS = 9
    with at(D(2027, 3, 1)):
        clock = the_clock(review, "lcspr_publication")
        assert clock.due == D(2027, 5, 31) and not clock.breached
        assert clock.rule.length_label == "9 months"


def test_add_months_keeps_the_day_or_takes_the_months_last():
    assert add_months(D(2026, 8, 31), 6) == D(2027, 2, 28)
    assert add_months(D(2027, 8, 31), 6) == D(2028, 2, 29)
    assert add_months(D(2026, 10, 15), 6) == D(2027, 4, 15)


def test_which_clocks_each_kind_runs():
    dates = dict(
        became_aware=D(2026, 9, 1),
        notified=D(2026, 9, 2),
        rapid_review_held=D(2026, 9, 10),
        decision_to_review=D(2026, 9, 20),
        report_received=D(2026, 10, 1),
    )
    today = D(2026, 11, 2)
    kinds = {
        ReviewKind.SERIOUS_INCIDENT: ["notification", "rapid_review"],
        ReviewKind.LCSPR: ["notification", "rapid_review", "lcspr_publication"],
        ReviewKind.SAR: [],
        ReviewKind.DOMESTIC_HOMICIDE: [],
        ReviewKind.CASE_REVIEW: [],
    }
    for kind, keys in kinds.items():
        review = CaseReviewFactory(kind=kind, stage=CaseReviewStage.UNDER_WAY, **dates)
        assert [clock.key for clock in clocks_of(review, today)] == keys, kind
    ofsted = ReviewFactory(kind=ReviewKind.OFSTED, **dates)
    assert [clock.key for clock in clocks_of(ofsted, today)] == ["ofsted_action_plan"]
    # A clock starts only when its start date is recorded.
    assert clocks_of(CaseReviewFactory(became_aware=None), today) == []


def test_running_clocks_leave_out_stopped_clocks_and_finished_reviews():
    today = D(2026, 12, 1)
    running = CaseReviewFactory(title="Running", became_aware=D(2026, 11, 30))
    CaseReviewFactory(
        title="Notified",
        became_aware=D(2026, 11, 20),
        notified=D(2026, 11, 23),
        rapid_review_held=D(2026, 11, 30),
        stage=CaseReviewStage.RAPID_REVIEW_HELD,
    )
    CaseReviewFactory(title="Closed", became_aware=D(2026, 11, 20), status=ReviewStatus.CLOSED)
    CaseReviewFactory(
        title="No review", became_aware=D(2026, 11, 20), stage=CaseReviewStage.NO_FURTHER_REVIEW
    )
    from reviews.models import Review

    clocks = running_clocks(Review.objects.all(), today)
    assert [(clock.review, clock.key) for clock in clocks] == [(running, "notification")]
