"""Who may see and change indicators.

A board's indicators are read by its members and changed by its managers; a
partnership's indicators are read by members of any of its boards and changed by
the managers of any of them. Ownership is part of the query: outsiders get 404.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404

from boards.models import Membership, Role

from .models import Indicator


@dataclass(frozen=True)
class IndicatorAccess:
    can_manage: bool

    def require_manage(self) -> None:
        if not self.can_manage:
            raise PermissionDenied("Only a manager of the owning board may change this indicator.")


def visible_indicators(user):
    if not user.is_authenticated:
        return Indicator.objects.none()
    memberships = Membership.objects.filter(user=user)
    return Indicator.objects.filter(
        Q(board__in=memberships.values("board")) | Q(partnership__in=memberships.values("board__partnership"))
    )


def get_indicator_for_user(user, pk: int) -> tuple[Indicator, IndicatorAccess]:
    indicator = get_object_or_404(
        visible_indicators(user).select_related("board__partnership", "partnership"), pk=pk
    )
    managed = Membership.objects.filter(user=user, role=Role.MANAGER)
    if indicator.board_id:
        managed = managed.filter(board_id=indicator.board_id)
    else:
        managed = managed.filter(board__partnership_id=indicator.partnership_id)
    return indicator, IndicatorAccess(can_manage=managed.exists())
