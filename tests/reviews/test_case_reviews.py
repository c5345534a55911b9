"""Case review kinds, their clock dates and stage; decisions not to implement."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from reviews.models import CaseReviewStage, ReviewKind
from tests.reviews.factories import (
    CaseReviewFactory,
    FindingFactory,
    NotImplementedDecisionFactory,
    RecommendationFactory,
    ReviewFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date


def test_only_case_reviews_have_a_stage():
    for kind in (ReviewKind.SERIOUS_INCIDENT, ReviewKind.LCSPR, ReviewKind.SAR, ReviewKind.DOMESTIC_HOMICIDE):
        assert CaseReviewFactory(kind=kind).is_case_review
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewFactory(kind=ReviewKind.OFSTED, stage=CaseReviewStage.AWARE)


def test_clock_dates_must_run_forwards():
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseReviewFactory(became_aware=D(2026, 11, 5), notified=D(2026, 11, 4))
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseReviewFactory(notified=D(2026, 11, 5), rapid_review_held=D(2026, 11, 4))
    review = CaseReviewFactory.build(
        partnership=ReviewFactory().partnership, became_aware=D(2026, 11, 5), notified=D(2026, 11, 4)
    )
    with pytest.raises(ValidationError) as error:
        review.full_clean()
    assert "notified" in error.value.message_dict


def test_a_stage_needs_its_date():
    review = CaseReviewFactory(stage=CaseReviewStage.PUBLISHED)
    with pytest.raises(ValidationError) as error:
        review.full_clean()
    assert "published" in error.value.message_dict
    review.published = D(2026, 11, 20)
    review.full_clean()


def test_a_decision_not_to_implement_names_one_recommendation_or_finding_with_a_reason():
    decision = NotImplementedDecisionFactory()
    assert decision.recommendation.not_implemented_decision == decision
    assert str(decision).startswith("Not implemented: Recommendation")
    finding = FindingFactory()
    on_finding = NotImplementedDecisionFactory(recommendation=None, finding=finding, review=finding.review)
    assert on_finding.subject == finding
    with pytest.raises(IntegrityError), transaction.atomic():
        NotImplementedDecisionFactory(reason="")
    with pytest.raises(IntegrityError), transaction.atomic():
        recommendation = RecommendationFactory()
        NotImplementedDecisionFactory(
            recommendation=recommendation, finding=FindingFactory(review=recommendation.review)
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        NotImplementedDecisionFactory(recommendation=decision.recommendation)  # one decision each
    other = NotImplementedDecisionFactory.build(
        recommendation=RecommendationFactory(), review=ReviewFactory()
    )
    with pytest.raises(ValidationError):
        other.full_clean()


def test_the_new_models_have_admin_pages(client):
    from django.urls import reverse

    from tests.factories import UserFactory

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    NotImplementedDecisionFactory()
    for name in (
        "boards_agency",
        "meetings_attendance",
        "reviews_notimplementeddecision",
        "notifications_sentclockreminder",
    ):
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200, name
