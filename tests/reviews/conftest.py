"""A review of the `people` fixture's partnership, with an action in a plan of its board."""

import pytest

from tests.factories import ActionFactory, BusinessPlanFactory
from tests.reviews.factories import RecommendationFactory, ReviewFactory


@pytest.fixture
def review(people):
    return ReviewFactory(partnership=people.board.partnership, title="LGA diagnostic review")


@pytest.fixture
def plan(people):
    return BusinessPlanFactory(board=people.board, title="Improvement plan")


@pytest.fixture
def action(plan):
    return ActionFactory(objective__priority_area__plan=plan, description="Audit thirty-five case records")


@pytest.fixture
def recommendation(review):
    return RecommendationFactory(review=review, number=1, text="Improve the quality of case recording.")
