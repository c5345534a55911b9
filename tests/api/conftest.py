"""The API's world: the plans of ``tests.plans.conftest`` on both boards of ``people``, an
indicator per board and one for the first board's partnership, and a review per partnership
whose recommendation the chair's action answers; tokens made as the token page makes them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
import time_machine
from django.test import Client

from api.models import ApiToken, TokenAccess
from api.throttling import PerTokenRateThrottle
from performance.models import Indicator
from reviews.models import Review
from tests.factories import EvidenceSourceFactory
from tests.performance.factories import IndicatorFactory, IndicatorValueFactory
from tests.plans.conftest import BoardPlan, make_board_plan
from tests.reviews.factories import RecommendationActionFactory, RecommendationFactory, ReviewFactory


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0), tick=False):
        yield


@pytest.fixture(autouse=True)
def generous_rate_limit(monkeypatch):
    """Counts are in memory, fresh per test (tests/conftest.py); the limit is raised so the
    matrix and schemathesis are never throttled (test_feed_and_throttling sets its own)."""
    monkeypatch.setattr(PerTokenRateThrottle, "THROTTLE_RATES", {"token": "1000/min"})


@dataclass
class BoardWorld:
    plan: BoardPlan
    indicator: Indicator
    review: Review


def make_world(board, chair=None, partnership_indicator: bool = False) -> BoardWorld:
    board_plan = make_board_plan(board, chair=chair)
    evidence = EvidenceSourceFactory(objective=board_plan.objective, text="Serious case review")
    evidence.actions.add(board_plan.led)
    indicator = IndicatorFactory(
        board=board, code="NI64", title="Child protection plans lasting 2 years or more"
    )
    IndicatorValueFactory(indicator=indicator)
    if partnership_indicator:
        shared = IndicatorFactory(
            board=None, partnership=board.partnership, code="NI32", title="Repeat incidents"
        )
        IndicatorValueFactory(indicator=shared)
    review = ReviewFactory(partnership=board.partnership, title=f"{board.short_name} peer review")
    recommendation = RecommendationFactory(review=review, number=1, text="Establish a user group")
    RecommendationActionFactory(recommendation=recommendation, action=board_plan.led)
    RecommendationFactory(review=review, number=2, text="Strengthen the strategic fora")
    return BoardWorld(plan=board_plan, indicator=indicator, review=review)


@pytest.fixture
def own_world(people) -> BoardWorld:
    return make_world(people.board, chair=people.chair, partnership_indicator=True)


@pytest.fixture
def other_world(people) -> BoardWorld:
    return make_world(people.other_board)


def make_token(user, boards, access: str = TokenAccess.WRITE, days: int = 30) -> str:
    _, secret = ApiToken.issue(
        user, name="Test token", boards=list(boards), access=access, lifetime=datetime.timedelta(days=days)
    )
    return secret


def api_client(secret: str | None) -> Client:
    if secret is None:
        return Client()
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
