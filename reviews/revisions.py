"""When a plan is revised, the draft copies of its actions answer the same
recommendations, with the same impact evidence, as the actions they copy: so when the
revision is approved (and the old version archived) the reviews' coverage carries on.

A receiver of plans.extensions.plan_revision_started, inside start_revision's transaction.
"""

from __future__ import annotations

from simple_history.utils import bulk_create_with_history

from plans.models import BusinessPlan

from .models import ImpactEvidence, RecommendationAction


def copy_review_links(
    sender, previous: BusinessPlan, revision: BusinessPlan, action_map: dict[int, int], **kwargs
) -> None:
    links = RecommendationAction.objects.filter(action_id__in=action_map).order_by("pk")
    bulk_create_with_history(
        [
            RecommendationAction(
                recommendation_id=link.recommendation_id,
                action_id=action_map[link.action_id],
                linked_by_id=link.linked_by_id,
            )
            for link in links
        ],
        RecommendationAction,
        default_change_reason="Copied with the plan's revision",
    )
    evidence = ImpactEvidence.objects.filter(action_id__in=action_map).order_by("pk")
    bulk_create_with_history(
        [
            ImpactEvidence(
                action_id=action_map[item.action_id],
                text=item.text,
                date=item.date,
                link=item.link,
                indicator_reference=item.indicator_reference,
                recorded_by_id=item.recorded_by_id,
                verified=item.verified,
                verified_on=item.verified_on,
            )
            for item in evidence
        ],
        ImpactEvidence,
        default_change_reason="Copied with the plan's revision",
    )
