"""Writes from reviews into an archived plan (#15): links are refused, evidence of impact
is still recorded (impact is often shown after a plan has closed)."""

import pytest
from django.urls import reverse

from plans.models import PlanStatus
from reviews.models import ImpactEvidence, RecommendationAction
from tests.reviews.factories import RecommendationFactory

pytestmark = pytest.mark.django_db


def archive(plan) -> None:
    plan.status = PlanStatus.ARCHIVED
    plan.save()


def test_an_archived_plans_actions_are_not_offered_and_cannot_be_linked(
    client, people, recommendation, action, plan
):
    archive(plan)
    client.force_login(people.manager)
    url = reverse("reviews:recommendation_link", args=[recommendation.pk])
    assert action.description not in client.get(url).text
    response = client.post(url, {"action": action.pk})
    assert response.status_code == 400
    assert not RecommendationAction.objects.exists()


def test_a_plan_archived_after_the_form_was_shown_is_refused_inside_the_transaction(
    recommendation, action, plan, people
):
    from django.core.exceptions import ValidationError

    from reviews.linking import ARCHIVED_LINK_MESSAGE, link_action

    archive(plan)  # between the form's check and the write
    with pytest.raises(ValidationError) as refused:
        link_action(recommendation, action.pk, people.manager)
    assert refused.value.message_dict == {"action": [ARCHIVED_LINK_MESSAGE]}
    assert not RecommendationAction.objects.exists()


def test_an_archived_plans_links_are_kept_as_its_record(client, people, recommendation, action, plan):
    RecommendationAction.objects.create(
        recommendation=recommendation, action=action, linked_by=people.manager
    )
    archive(plan)
    client.force_login(people.manager)
    response = client.post(reverse("reviews:recommendation_unlink", args=[recommendation.pk, action.pk]))
    assert response.status_code == 403
    assert "archived, so its links are kept" in response.text
    assert RecommendationAction.objects.count() == 1


def test_evidence_of_impact_is_still_recorded_for_an_archived_plans_action(client, people, action, plan):
    archive(plan)
    client.force_login(people.manager)
    response = client.post(
        reverse("reviews:evidence_create", args=[action.pk]),
        {
            "text": "Re-audit a year after the plan closed.",
            "date_0": "1",
            "date_1": "10",
            "date_2": "2026",
            "link": "https://example.org/audit.pdf",
        },
    )
    assert response.status_code == 302
    assert ImpactEvidence.objects.get().action == action
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ARCHIVED


def test_linking_to_an_open_plan_still_works(client, people, action):
    recommendation = RecommendationFactory(review__partnership=people.board.partnership, number=2)
    client.force_login(people.manager)
    response = client.post(
        reverse("reviews:recommendation_link", args=[recommendation.pk]), {"action": action.pk}
    )
    assert response.status_code == 302 and RecommendationAction.objects.count() == 1
