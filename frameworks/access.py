"""Who may see and change a framework of cooperation.

Members of any board the framework binds may read it; outsiders get 404. A
board's managers record that board's decision. Managers of any bound board may
edit the framework's content while it is a draft, propose it, and start a new
version: the framework is shared work, and each board then decides for itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from boards.models import Membership, Role

from .models import Framework


@dataclass(frozen=True)
class FrameworkAccess:
    roles: dict[int, str]  # board id → the user's role there, for the bound boards only

    @property
    def can_read(self) -> bool:
        return bool(self.roles)

    @property
    def managed_board_ids(self) -> set[int]:
        return {board_id for board_id, role in self.roles.items() if role == Role.MANAGER}

    @property
    def can_edit(self) -> bool:
        return bool(self.managed_board_ids)

    def require_edit(self) -> None:
        if not self.can_edit:
            raise PermissionDenied("Only managers of a board bound by the framework may do this.")

    def can_decide_for(self, board_id: int) -> bool:
        return board_id in self.managed_board_ids


def framework_access(user, framework: Framework) -> FrameworkAccess:
    if not user.is_authenticated:
        return FrameworkAccess(roles={})
    roles = dict(
        Membership.objects.filter(user=user, board__framework_roles__framework=framework).values_list(
            "board_id", "role"
        )
    )
    return FrameworkAccess(roles=roles)


def get_framework_for_user(user, pk: int) -> tuple[Framework, FrameworkAccess]:
    """Load a framework the user may read, or answer 404."""
    framework = get_object_or_404(
        Framework.objects.visible_to(user).select_related("partnership", "supersedes"), pk=pk
    )
    return framework, framework_access(user, framework)
