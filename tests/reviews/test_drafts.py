"""Reviews and draft plans (issue 13): an action in a draft plan answers no recommendation
yet and is not offered in "Link an action"; a revision's copies carry the links and
impact evidence of the actions they copy, so coverage carries on once it is approved."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from plans.approval import approve, start_revision
from plans.models import Action, BusinessPlan, PlanStatus
from reviews.forms import LinkActionForm
from reviews.linking import link_action
from reviews.traceability import review_coverage
from tests.reviews.factories import ImpactEvidenceFactory, RecommendationActionFactory, RecommendationFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC), tick=False):
        yield


def make_draft(plan: BusinessPlan) -> None:
    BusinessPlan.objects.filter(pk=plan.pk).update(status=PlanStatus.DRAFT, approved_at=None)


def test_a_draft_s_action_answers_nothing_and_is_not_offered_for_linking(review, recommendation, action):
    RecommendationActionFactory(recommendation=recommendation, action=action)
    other = RecommendationFactory(review=review, number=2, text="Another recommendation.")
    assert [a.pk for a in review_coverage(review.pk, TODAY).recommendations[0].actions] == [action.pk]
    assert action in LinkActionForm(recommendation=other).fields["action"].queryset

    make_draft(action.objective.priority_area.plan)
    coverage = review_coverage(review.pk, TODAY).recommendations[0]
    assert coverage.actions == []
    assert coverage.flags  # "No action": the draft does not answer it yet
    assert action not in LinkActionForm(recommendation=other).fields["action"].queryset
    # Checked again under the lock, whatever the form was shown.
    with pytest.raises(ValidationError):
        link_action(other, action.pk, None)
    assert not other.action_links.exists()


def test_a_revision_s_copies_answer_the_same_recommendations_with_the_same_evidence(
    people, review, recommendation, action
):
    RecommendationActionFactory(recommendation=recommendation, action=action)
    ImpactEvidenceFactory(action=action, verified=True)
    plan = action.objective.priority_area.plan
    revision = start_revision(plan.pk, people.manager, lambda locked: True)
    copy = Action.objects.get(copied_from=action)
    assert copy.recommendation_links.get().recommendation == recommendation
    assert copy.impact_evidence.get().verified
    # Until the revision is approved, the coverage is version 1's.
    assert [a.pk for a in review_coverage(review.pk, TODAY).recommendations[0].actions] == [action.pk]
    approve(revision.pk, people.manager, lambda locked: True)
    answered = review_coverage(review.pk, TODAY).recommendations[0]
    assert [a.pk for a in answered.actions] == [copy.pk]
    assert answered.actions[0].impact_verified
