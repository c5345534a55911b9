"""Who may do what on a board.

Every view calls one of these first. Ownership is part of the query, so an
outsider gets 404 (the board's existence is not revealed) and a reader who
tries to write gets 403.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import Board, Membership, Role

security_log = logging.getLogger("safeguarding.security")


@dataclass(frozen=True)
class BoardAccess:
    """What one user may do on one board."""

    role: str | None
    # Set for an object that nobody may change whatever their role (an archived plan).
    read_only: bool = False

    @property
    def can_read(self) -> bool:
        return self.role is not None

    @property
    def can_manage(self) -> bool:
        return self.role == Role.MANAGER

    @property
    def can_edit(self) -> bool:
        """Manage, and the object is not read-only: what templates ask before offering an edit."""
        return self.can_manage and not self.read_only

    @property
    def is_chair(self) -> bool:
        return self.role == Role.CHAIR

    def require_manage(self) -> None:
        if not self.can_manage:
            raise PermissionDenied("Only the board's managers may do this.")


def board_access(user, board: Board) -> BoardAccess:
    if not user.is_authenticated:
        return BoardAccess(role=None)
    role = Membership.objects.filter(user=user, board=board).values_list("role", flat=True).first()
    return BoardAccess(role=role)


def get_board_for_user(user, slug: str) -> tuple[Board, BoardAccess]:
    """Load a board the user may read, or answer 404 (and log the refusal)."""
    try:
        board = get_object_or_404(
            Board.objects.visible_to(user).select_related("partnership", "independent_chair"), slug=slug
        )
    except Http404:
        security_log.warning("not-found board=%s user=%s", slug, user.get_username() or "-")
        raise
    return board, board_access(user, board)


def get_board_for_manager(user, slug: str) -> Board:
    """Load a board the user manages: outsiders get 404, other members 403."""
    board, access = get_board_for_user(user, slug)
    access.require_manage()
    return board
