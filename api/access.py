"""What an API request may reach: the page access helpers, narrowed by the token's scope.

Every endpoint loads its object through the same helper as the page that shows it
(``plans.access``, ``reviews.access``, ``performance.access``): outsiders get 404 and
readers who try to write get 403, decided by the user's role on the board *now*. A token
then narrows that to its own boards (anything else answers 404, as to an outsider) and to
reading unless it was made to write (403 on a write, as to a reader).

The API shows what a board has agreed: plans in force only (``in_force()``), like every
reader outside a plan's own pages; a draft's or an archived plan's parts answer 404.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from boards.models import Board

from .models import ApiToken

READ_ONLY_TOKEN_MESSAGE = (
    "This token may only read. Make a token with read and write access to change things."
)


def token_of(request) -> ApiToken | None:
    token = getattr(request, "auth", None)
    return token if isinstance(token, ApiToken) else None


def scoped_board_ids(request) -> frozenset[int] | None:
    """The boards the token was made for (None: no token narrows the user's boards).
    One query per request, kept on the request."""
    token = token_of(request)
    if token is None:
        return None
    if not hasattr(request, "_api_board_ids"):
        request._api_board_ids = frozenset(token.boards.values_list("pk", flat=True))
    return request._api_board_ids


def scoped_boards(request) -> QuerySet[Board]:
    """Boards the user holds a role on now (``Board.objects.visible_to``, as the pages) and
    the token names."""
    boards = Board.objects.visible_to(request.user)
    token = token_of(request)
    if token is not None:
        boards = boards.filter(api_tokens=token)
    return boards


def require_board_in_scope(request, board_id: int) -> None:
    ids = scoped_board_ids(request)
    if ids is not None and board_id not in ids:
        raise Http404("Not found.")


def require_partnership_in_scope(request, partnership_id: int) -> None:
    """A partnership's review or indicator: reachable through any board of it the token names."""
    if token_of(request) is None:
        return
    if not scoped_boards(request).filter(partnership_id=partnership_id).exists():
        raise Http404("Not found.")


def require_write_scope(request) -> None:
    token = token_of(request)
    if token is not None and not token.can_write:
        raise PermissionDenied(READ_ONLY_TOKEN_MESSAGE)


def indicator_scope_q(request) -> Q:
    """Indicators owned by a scoped board or by the partnership of one."""
    boards = scoped_boards(request)
    return Q(board__in=boards) | Q(partnership__in=boards.values("partnership"))
