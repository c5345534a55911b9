"""Query counts of the list endpoints and feeds, pinned, and the same with ten times the rows:
each list is a fixed number of queries whatever its length (no query per row)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.api.conftest import api_client, make_token
from tests.factories import (
    ActionFactory,
    BusinessPlanFactory,
    EvidenceSourceFactory,
    MeasureFactory,
    ObjectiveFactory,
    PriorityAreaFactory,
    ProgressUpdateFactory,
)
from tests.performance.factories import IndicatorFactory, IndicatorValueFactory
from tests.plans.factories import DueDateChangeFactory
from tests.reviews.factories import RecommendationActionFactory, RecommendationFactory, ReviewFactory

pytestmark = pytest.mark.django_db

# Each request: the token and its user (1); the count of the page (1); the page's rows (1);
# plus what each list prefetches. last_used_at was written by a warm-up request (it is
# written at most once a minute), so no UPDATE is counted.
EXPECTED = {
    # the user's role is a subquery of the rows' query
    "boards": 3,
    "plans": 3,
    "priority_areas": 3,
    # + evidence, the actions each is for, measures
    "objectives": 6,
    # latest progress and first due date are subqueries of the rows' query
    "actions": 3,
    # + values
    "indicators": 4,
    # + coverage (recommendations, their linked actions) + the boards the token reaches
    "reviews": 6,
}
FEEDS = {"feed_json": 3, "feed_csv": 3}


def grow(people, world, times: int = 10) -> None:
    """Ten times the rows on the first board: plans with a priority area, an objective with
    evidence and a measure, an action with a note and a ledger entry; indicators with values;
    reviews with a recommendation the action answers."""
    for n in range(times):
        plan = BusinessPlanFactory(board=people.board)
        objective = ObjectiveFactory(priority_area=PriorityAreaFactory(plan=plan, number=1), number="1.1")
        MeasureFactory(objective=objective)
        action = ActionFactory(objective=objective, lead_sub_committee=world.plan.led.lead_sub_committee)
        EvidenceSourceFactory(objective=objective).actions.add(action)
        ProgressUpdateFactory(action=action)
        DueDateChangeFactory(action=action)
        indicator = IndicatorFactory(board=people.board, code=f"L{n}")
        IndicatorValueFactory(indicator=indicator)
        review = ReviewFactory(partnership=people.board.partnership)
        recommendation = RecommendationFactory(review=review, number=1)
        RecommendationActionFactory(recommendation=recommendation, action=action)


def _count(client, address: str) -> tuple[int, object]:
    client.get(address)  # warm-up: last_used_at
    with CaptureQueriesContext(connection) as queries:
        response = client.get(address)
    assert response.status_code == 200
    return len(queries), response


@pytest.mark.parametrize("name", list(EXPECTED))
def test_list_query_counts_are_fixed(people, own_world, other_world, name):
    """Prevents the N+1 of a query per row (latest progress, first due date, values, coverage)."""
    client = api_client(make_token(people.manager, [people.board]))
    address = reverse(f"api:{name}") + "?page_size=500"
    small, first = _count(client, address)
    assert small == EXPECTED[name], small
    grow(people, own_world)
    large, second = _count(client, address)
    assert large == EXPECTED[name], large
    if name != "boards":
        assert second.json()["count"] > first.json()["count"]


@pytest.mark.parametrize("name", list(FEEDS))
def test_feed_query_counts_are_fixed(people, own_world, name):
    client = api_client(make_token(people.member, [people.board]))
    address = reverse(f"api:{name}", args=[people.board.slug])
    small, _ = _count(client, address)
    assert small == FEEDS[name]
    grow(people, own_world)
    large, _ = _count(client, address)
    assert large == FEEDS[name]


# The token (1), the page helper's load and role (1-2), the token's boards (1), then the
# object with its parts: objective (+ reload with evidence, their actions, measures), action
# (+ the row with latest progress and first due date, notes, ledger), indicator (+ managers,
# values), review (+ partnership roles, coverage's two queries, the boards the token reaches).
DETAILS = {
    "plan": 3,
    "priority_area": 4,
    "objective": 8,
    "action": 7,
    "indicator": 6,
    "review": 7,
}


@pytest.mark.parametrize("name", list(DETAILS))
def test_detail_query_counts_are_fixed(people, own_world, name):
    """Each detail page is loaded through its page helper, checked against the token's boards,
    and read with its parts prefetched: a fixed count, whatever the number of notes, ledger
    entries, values or recommendations."""
    objects = {
        "plan": own_world.plan.plan,
        "priority_area": own_world.plan.area,
        "objective": own_world.plan.objective,
        "action": own_world.plan.led,
        "indicator": own_world.indicator,
        "review": own_world.review,
    }
    client = api_client(make_token(people.manager, [people.board]))
    address = reverse(f"api:{name}", args=[objects[name].pk])
    small, _ = _count(client, address)
    grow(people, own_world)
    for n in range(5):
        ProgressUpdateFactory(action=own_world.plan.led)
        DueDateChangeFactory(action=own_world.plan.led)
        IndicatorValueFactory(
            indicator=own_world.indicator, period_start=f"20{10 + n}-01-01", period_end=f"20{10 + n}-03-31"
        )
        RecommendationActionFactory(
            recommendation=RecommendationFactory(review=own_world.review), action=own_world.plan.unled
        )
    large, _ = _count(client, address)
    assert (small, large) == (DETAILS[name], DETAILS[name])
