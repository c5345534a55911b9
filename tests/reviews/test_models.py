"""Model rules: constraints and cross-partnership checks."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from reviews.linking import link_action
from reviews.models import Judgement, MonitoringBody, Recommendation, Review, ReviewKind
from tests.factories import ActionFactory, BoardFactory, BusinessPlanFactory
from tests.reviews.factories import (
    ImpactEvidenceFactory,
    RecommendationFactory,
    ReviewFactory,
)

pytestmark = pytest.mark.django_db


def test_only_ofsted_has_an_overall_judgement_in_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewFactory(kind=ReviewKind.LGA_PEER_REVIEW, overall_judgement=Judgement.GOOD)
    assert ReviewFactory(kind=ReviewKind.OFSTED, overall_judgement=Judgement.INADEQUATE).pk


def test_on_site_end_is_not_before_start():
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewFactory(on_site_start=datetime.date(2026, 3, 27), on_site_end=datetime.date(2026, 3, 25))


def test_recommendation_numbers_are_unique_per_review(review, recommendation):
    with pytest.raises(IntegrityError), transaction.atomic():
        RecommendationFactory(review=review, number=recommendation.number)
    assert RecommendationFactory(number=recommendation.number).pk  # another review


def test_owner_board_must_be_of_the_review_partnership(people, review):
    recommendation = Recommendation(review=review, number=1, text="x", owner_board=people.other_board)
    with pytest.raises(ValidationError) as error:
        recommendation.full_clean()
    assert "owner_board" in error.value.message_dict


def test_link_action_refuses_actions_of_another_partnership(people, recommendation):
    foreign = ActionFactory(objective__priority_area__plan__board=people.other_board)
    with pytest.raises(ValidationError):
        link_action(recommendation, foreign.pk, None)
    assert not recommendation.actions.exists()


def test_linking_twice_is_a_no_op(recommendation, action):
    link_action(recommendation, action.pk, None)
    link_action(recommendation, action.pk, None)
    assert recommendation.action_links.count() == 1


def test_verified_evidence_needs_a_date():
    with pytest.raises(IntegrityError), transaction.atomic():
        ImpactEvidenceFactory(verified=True, verified_on=None)


def test_monitoring_body_is_a_board_or_a_name_not_both(people):
    plan = BusinessPlanFactory(board=people.board)
    with pytest.raises(IntegrityError), transaction.atomic():
        MonitoringBody.objects.create(plan=plan, position=1, board=people.board, name="Cabinet")
    with pytest.raises(IntegrityError), transaction.atomic():
        MonitoringBody.objects.create(plan=plan, position=1)
    body = MonitoringBody(plan=plan, position=1, board=BoardFactory())
    with pytest.raises(ValidationError):
        body.full_clean()


def test_review_str_url_and_dates_label(review):
    assert str(review) == review.title
    assert review.get_absolute_url() == f"/reviews/{review.pk}/"
    assert review.dates_label == "25–27 March 2026"
    assert Review(dates_note="November 2014").dates_label == "November 2014"


def test_plans_and_boards_never_import_reviews():
    """Dependencies run one way: boards ← plans ← reviews."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = []
    for path in [*root.glob("plans/**/*.py"), *root.glob("boards/**/*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [
                f"{path.relative_to(root)}: {name}" for name in names if name.split(".")[0] == "reviews"
            ]
    assert offenders == []
