from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from safeguarding.request_types import AuthenticatedHttpRequest

from .access import get_board_for_user
from .models import Board, Membership, Partnership


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The signed-in user's boards, grouped by partnership."""
    boards = Board.objects.visible_to(request.user).prefetch_related(
        Prefetch(
            "memberships", queryset=Membership.objects.filter(user=request.user), to_attr="my_memberships"
        )
    )
    partnerships = (
        Partnership.objects.filter(boards__in=boards)
        .distinct()
        .prefetch_related(Prefetch("boards", queryset=boards, to_attr="my_boards"))
    )
    return render(request, "boards/home.html", {"partnerships": partnerships})


@login_required
def board_detail(request: HttpRequest, slug: str) -> HttpResponse:
    board, access = get_board_for_user(request.user, slug)
    sub_committees = board.sub_committees.select_related("chair")
    memberships = board.memberships.select_related("user", "agency")
    # Counts come from plans in force only: a draft's actions are not the board's yet.
    plans = board.plans.select_related("revision_of").with_action_counts(timezone.localdate())
    return render(
        request,
        "boards/board_detail.html",
        {
            "board": board,
            "access": access,
            "sub_committees": sub_committees,
            "memberships": memberships,
            "plans": plans,
        },
    )
