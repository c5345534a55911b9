"""Coverage rules: which recommendations are flagged, complete, fully answered."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plans.models import Status
from reviews.models import Response
from reviews.traceability import FLAG_ALL_OVERDUE, FLAG_NO_ACTION, coverage_for_reviews, review_coverage
from tests.factories import ActionFactory, BusinessPlanFactory, ProgressUpdateFactory
from tests.reviews.factories import (
    ImpactEvidenceFactory,
    RecommendationActionFactory,
    RecommendationFactory,
    ReviewFactory,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 23)
PAST = datetime.date(2026, 10, 31)
FUTURE = datetime.date(2027, 3, 31)


@pytest.fixture
def make_action(people):
    plan = BusinessPlanFactory(board=people.board)

    def make(status=Status.IN_PROGRESS, due=FUTURE, verified=False):
        action = ActionFactory(
            objective__priority_area__plan=plan,
            status=status,
            due_date=due,
            completed_on=PAST if status == Status.COMPLETE else None,
        )
        if verified:
            ImpactEvidenceFactory(action=action, verified=True)
        return action

    return make


def _link(recommendation, *actions):
    for action in actions:
        RecommendationActionFactory(recommendation=recommendation, action=action)


def test_recommendation_with_no_action_is_flagged(review):
    RecommendationFactory(review=review, number=1)
    rec = review_coverage(review.pk, TODAY).recommendations[0]
    assert rec.flags == [FLAG_NO_ACTION]
    assert rec.has_no_action and not rec.complete and not rec.fully_answered
    assert rec.progress_label == "No action"


def test_partly_done_recommendation_is_neither_flagged_nor_complete(review, make_action):
    rec = RecommendationFactory(review=review, number=1)
    _link(rec, make_action(Status.COMPLETE, verified=True), make_action(Status.IN_PROGRESS, due=FUTURE))
    coverage = review_coverage(review.pk, TODAY)
    result = coverage.recommendations[0]
    assert result.flags == []
    assert not result.complete
    assert result.progress_label == "1 of 2 actions complete"
    assert coverage.percent_complete == 0
    assert coverage.percent_fully_answered == 0


def test_all_done_and_verified_recommendation_is_fully_answered(review, make_action):
    rec = RecommendationFactory(review=review, number=1)
    _link(
        rec,
        make_action(Status.COMPLETE, due=PAST, verified=True),
        make_action(Status.COMPLETE, verified=True),
    )
    coverage = review_coverage(review.pk, TODAY)
    result = coverage.recommendations[0]
    assert result.complete and result.fully_answered
    assert result.flags == []  # complete actions past their due date are not overdue
    assert coverage.percent_complete == 100
    assert coverage.percent_fully_answered == 100


def test_all_overdue_recommendation_is_flagged(review, make_action):
    rec = RecommendationFactory(review=review, number=1)
    _link(rec, make_action(Status.IN_PROGRESS, due=PAST), make_action(Status.NOT_STARTED, due=PAST))
    result = review_coverage(review.pk, TODAY).recommendations[0]
    assert result.flags == [FLAG_ALL_OVERDUE]
    assert all(action.is_overdue for action in result.actions)


def test_one_overdue_action_of_two_is_not_all_overdue(review, make_action):
    rec = RecommendationFactory(review=review, number=1)
    _link(rec, make_action(Status.IN_PROGRESS, due=PAST), make_action(Status.IN_PROGRESS, due=FUTURE))
    assert review_coverage(review.pk, TODAY).recommendations[0].flags == []


def test_done_but_impact_unverified_counts_as_complete_not_fully_answered(review, make_action):
    rec = RecommendationFactory(review=review, number=1)
    done = make_action(Status.COMPLETE)
    ImpactEvidenceFactory(action=done, verified=False)  # recorded, not yet checked
    _link(rec, done)
    coverage = review_coverage(review.pk, TODAY)
    result = coverage.recommendations[0]
    assert result.complete and not result.fully_answered
    assert result.progress_label == "Complete, impact not verified"
    assert (coverage.percent_complete, coverage.percent_fully_answered) == (100, 0)


def test_review_figures_over_a_mix(review, make_action):
    no_action = RecommendationFactory(review=review, number=1)
    complete_unverified = RecommendationFactory(review=review, number=2)
    answered = RecommendationFactory(review=review, number=3)
    rejected = RecommendationFactory(review=review, number=4, response=Response.NOT_ACCEPTED)
    _link(complete_unverified, make_action(Status.COMPLETE))
    _link(answered, make_action(Status.COMPLETE, verified=True))
    coverage = review_coverage(review.pk, TODAY)
    # Rejected recommendations are listed but not counted nor flagged.
    assert coverage.total == 4
    assert [rec.pk for rec in coverage.recommendations if rec.flags] == [no_action.pk]
    assert rejected.pk in [rec.pk for rec in coverage.recommendations]
    assert coverage.percent_complete == round(100 * 2 / 3)
    assert coverage.percent_fully_answered == round(100 * 1 / 3)


def test_review_without_recommendations_has_no_percentages(review):
    coverage = review_coverage(review.pk, TODAY)
    assert coverage.total == 0
    assert coverage.percent_complete is None and coverage.percent_fully_answered is None


def test_linked_action_carries_rag_and_latest_progress(review, make_action):
    rec = RecommendationFactory(review=review, number=1)
    action = make_action(Status.IN_PROGRESS)
    ProgressUpdateFactory(action=action, date=datetime.date(2026, 6, 30), text="Older note")
    ProgressUpdateFactory(action=action, date=datetime.date(2026, 9, 30), text="Latest note")
    _link(rec, action)
    linked = review_coverage(review.pk, TODAY).recommendations[0].actions[0]
    assert linked.latest_progress_text == "Latest note"
    assert linked.latest_progress_date == datetime.date(2026, 9, 30)
    assert linked.rag == action.rag and linked.rag_label
    assert linked.url == action.get_absolute_url()


@pytest.mark.parametrize("count", [1, 5])
def test_coverage_costs_two_queries_whatever_the_counts(people, make_action, count):
    """Prevents an N+1 per recommendation (its actions) and per action (progress, evidence)."""
    reviews = [ReviewFactory(partnership=people.board.partnership) for _ in range(2)]
    for review in reviews:
        for number in range(1, count + 1):
            rec = RecommendationFactory(review=review, number=number)
            action = make_action(Status.COMPLETE, verified=True)
            ProgressUpdateFactory(action=action)
            _link(rec, action, make_action())
    with CaptureQueriesContext(connection) as queries:
        coverage = coverage_for_reviews([review.pk for review in reviews], TODAY)
        assert sum(c.total for c in coverage.values()) == 2 * count
    assert len(queries) == 2
