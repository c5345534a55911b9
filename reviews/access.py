"""Who may see and change reviews.

A review belongs to a partnership, and usually reports to several of its boards.
- Anyone with a role on any board of the partnership reads its reviews.
- Managers of any board of the partnership edit them: recommendations are often
  answered by actions in another board's plan (the SSCB manager links actions of
  the Improvement Board's plan), so limiting edits to the boards a review reports
  to would leave most recommendations with nobody able to link them.
- Everyone else gets 404: a review's existence is not revealed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from boards.models import Board, Membership, Partnership, Role
from plans.models import Action

from .models import ImpactEvidence, Recommendation, Review


@dataclass(frozen=True)
class PartnershipAccess:
    roles: frozenset[str]
    visible_board_pks: frozenset[int]

    @property
    def can_read(self) -> bool:
        return bool(self.roles)

    @property
    def can_manage(self) -> bool:
        return Role.MANAGER in self.roles

    def require_manage(self) -> None:
        if not self.can_manage:
            raise PermissionDenied("Only managers of the partnership's boards may do this.")


def partnership_access(user, partnership_pk: int) -> PartnershipAccess:
    """The user's roles on the partnership's boards, in one query."""
    if not user.is_authenticated:
        return PartnershipAccess(frozenset(), frozenset())
    rows = list(
        Membership.objects.filter(user=user, board__partnership_id=partnership_pk).values_list(
            "role", "board_id"
        )
    )
    return PartnershipAccess(frozenset(role for role, _ in rows), frozenset(board for _, board in rows))


def visible_partnerships(user):
    return Partnership.objects.filter(boards__in=Board.objects.visible_to(user)).distinct()


def get_partnership_for_user(user, slug: str) -> tuple[Partnership, PartnershipAccess]:
    partnership = get_object_or_404(visible_partnerships(user), slug=slug)
    return partnership, partnership_access(user, partnership.pk)


def get_review_for_user(user, pk: int) -> tuple[Review, PartnershipAccess]:
    review = get_object_or_404(Review.objects.visible_to(user).select_related("partnership"), pk=pk)
    return review, partnership_access(user, review.partnership_id)


def get_recommendation_for_user(user, pk: int) -> tuple[Recommendation, PartnershipAccess]:
    recommendation = get_object_or_404(
        Recommendation.objects.select_related("review__partnership", "owner_board"),
        pk=pk,
        review__in=Review.objects.visible_to(user),
    )
    return recommendation, partnership_access(user, recommendation.review.partnership_id)


def get_action_in_partnership(user, pk: int) -> tuple[Action, PartnershipAccess]:
    """An action of any plan of a partnership the user belongs to (for impact evidence)."""
    action = get_object_or_404(
        Action.objects.select_related("objective__priority_area__plan__board__partnership"),
        pk=pk,
        objective__priority_area__plan__board__partnership__in=visible_partnerships(user),
    )
    return action, partnership_access(user, action.objective.priority_area.plan.board.partnership_id)


def get_evidence_for_user(user, pk: int) -> tuple[ImpactEvidence, PartnershipAccess]:
    evidence = get_object_or_404(
        ImpactEvidence.objects.select_related("action__objective__priority_area__plan__board"),
        pk=pk,
        action__objective__priority_area__plan__board__partnership__in=visible_partnerships(user),
    )
    return evidence, partnership_access(
        user, evidence.action.objective.priority_area.plan.board.partnership_id
    )
