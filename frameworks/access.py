"""Who may see and change a framework of cooperation.

Members of a board the framework binds, once that board has consented, may read
it; the managers of a board whose consent it asks may read it too, to decide;
everyone else gets 404. A board's managers consent for that board, record its
decision and alone change its governance section (its function, statutory basis,
responsibilities, and whether it stays bound). Managers of any consenting bound
board may edit the framework's joint parts while it is a draft, propose it, and
start a new version: the framework is shared work, and each board then decides
for itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from boards.models import Membership, Role

from .models import Consent, Framework, FrameworkBoard


@dataclass(frozen=True)
class FrameworkAccess:
    roles: dict[int, str]  # board id → the user's role there, for the consenting bound boards only
    awaiting: frozenset[int] = frozenset()  # boards the user manages whose consent the framework asks

    @property
    def can_read(self) -> bool:
        return bool(self.roles) or bool(self.awaiting)

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

    def can_consent_for(self, board_id: int) -> bool:
        return board_id in self.awaiting

    def may_unbind(self, binding: FrameworkBoard, bound_in_force: set[int]) -> bool:
        """A bound board leaves a draft only by its own managers. A request that is still
        waiting may be withdrawn by any editor, unless the board is bound by the version
        in force, which adopting this draft would end for it."""
        if binding.is_consented or binding.board_id in bound_in_force:
            return self.can_decide_for(binding.board_id)
        return self.can_edit


def framework_access(user, framework: Framework) -> FrameworkAccess:
    if not user.is_authenticated:
        return FrameworkAccess(roles={})
    roles: dict[int, str] = {}
    awaiting: set[int] = set()
    rows = Membership.objects.filter(user=user, board__framework_roles__framework=framework).values_list(
        "board_id", "role", "board__framework_roles__consent"
    )
    for board_id, role, consent in rows:
        if consent == Consent.GIVEN:
            roles[board_id] = role
        elif role == Role.MANAGER:
            awaiting.add(board_id)
    return FrameworkAccess(roles=roles, awaiting=frozenset(awaiting))


def get_framework_for_user(user, pk: int) -> tuple[Framework, FrameworkAccess]:
    """Load a framework the user may read, or answer 404."""
    framework = get_object_or_404(
        Framework.objects.visible_to(user).select_related("partnership", "supersedes"), pk=pk
    )
    return framework, framework_access(user, framework)
