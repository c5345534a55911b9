"""Starting an improvement plan from a review."""

import datetime

import pytest

from plans.models import Action, BusinessPlan, EvidenceSource, Objective, PriorityArea
from reviews.improvement import UNTHEMED_AREA_TITLE, start_improvement_plan
from reviews.models import ImprovementPlan, RecommendationAction, Response
from tests.factories import BoardFactory
from tests.reviews.factories import FindingFactory, FocusThemeFactory, RecommendationFactory

pytestmark = pytest.mark.django_db


def _start(review, board, **kwargs):
    return start_improvement_plan(
        review,
        board=board,
        title=kwargs.get("title", "Improvement plan"),
        period_start=datetime.date(2026, 4, 1),
        period_end=kwargs.get("period_end", datetime.date(2027, 3, 31)),
        user=None,
    )


def test_themes_become_priority_areas_and_recommendations_objectives_with_linked_actions(people, review):
    practice = FocusThemeFactory(review=review, position=1, text="Effective practice")
    FocusThemeFactory(review=review, position=2, text="Vision, strategy and leadership")
    finding = FindingFactory(review=review, theme=practice)
    themed = RecommendationFactory(
        review=review, number=1, finding=finding, text="Audit case records", owner="Head of CSC"
    )
    unthemed = RecommendationFactory(review=review, number=2, text="Review the strategic fora")
    RecommendationFactory(review=review, number=3, response=Response.NOT_ACCEPTED)

    plan = _start(review, people.board)

    assert plan.status == BusinessPlan.Status.DRAFT
    assert ImprovementPlan.objects.filter(review=review, plan=plan).exists()
    areas = list(plan.priority_areas.values_list("number", "title"))
    assert areas == [
        (1, "Effective practice"),
        (2, "Vision, strategy and leadership"),
        (3, UNTHEMED_AREA_TITLE),
    ]
    objective = Objective.objects.get(priority_area__plan=plan, description="Audit case records")
    assert (objective.number, objective.priority_area.number) == ("1.1", 1)
    assert objective.evidence_sources.get().text == f"{review.title}, recommendation 1"
    assert themed.actions.get().objective == objective
    assert themed.actions.get().lead_role == "Head of CSC"
    assert unthemed.actions.get().objective.priority_area.title == UNTHEMED_AREA_TITLE
    # The rejected recommendation is not drafted.
    assert Objective.objects.filter(priority_area__plan=plan).count() == 2
    assert RecommendationAction.objects.filter(action__objective__priority_area__plan=plan).count() == 2


def test_a_review_without_themes_gets_one_area(people, review, recommendation):
    plan = _start(review, people.board)
    assert list(plan.priority_areas.values_list("title", flat=True)) == [UNTHEMED_AREA_TITLE]
    assert recommendation.actions.count() == 1


def test_nothing_is_written_when_the_plan_is_invalid(people, review, recommendation):
    with pytest.raises(Exception):  # noqa: B017 - the plan's own validation
        _start(review, people.board, period_end=datetime.date(2026, 1, 1))
    assert not BusinessPlan.objects.exists()
    assert (
        not PriorityArea.objects.exists()
        and not Action.objects.exists()
        and not EvidenceSource.objects.exists()
    )


def test_the_board_must_be_of_the_review_partnership(people, review, recommendation):
    with pytest.raises(ValueError):
        _start(review, BoardFactory())
    assert not BusinessPlan.objects.exists()
