"""A board's reviews in progress: its case reviews and inspections still under way, each
with its statutory clocks (reviews.clocks). Read by the "Reviews in progress" page, the
board pack's section and the clock reminders (notifications)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from boards.models import Board

from .clocks import CLOCK_KINDS, Clock, clocks_of, is_in_progress
from .models import CASE_REVIEW_KINDS, CaseReviewStage, Review, ReviewReport, ReviewStatus


@dataclass(frozen=True)
class ReviewInProgress:
    review: Review
    clocks: list[Clock]

    @property
    def breached(self) -> list[Clock]:
        return [clock for clock in self.clocks if clock.running and clock.breached]


def reviews_for_board(board: Board) -> QuerySet[Review]:
    """Case reviews and clocked inspections of the board's partnership that report to this
    board, or to no board yet (a new notification is usually recorded before anyone says
    where it will report): one query, reports prefetched."""
    reports_here = ReviewReport.objects.filter(review=OuterRef("pk"), board=board)
    reports_anywhere = ReviewReport.objects.filter(review=OuterRef("pk"))
    kinds = sorted(set(CLOCK_KINDS) | set(CASE_REVIEW_KINDS))
    return (
        Review.objects.filter(partnership_id=board.partnership_id, kind__in=kinds)
        .filter(Q(Exists(reports_here)) | ~Q(Exists(reports_anywhere)))
        .order_by("title")
    )


# Stages at which a case review still has work to do.
ACTIVE_STAGES = frozenset(
    {
        CaseReviewStage.AWARE,
        CaseReviewStage.NOTIFIED,
        CaseReviewStage.RAPID_REVIEW_HELD,
        CaseReviewStage.UNDER_WAY,
        CaseReviewStage.REPORT_RECEIVED,
    }
)


def reviews_in_progress(board: Board, today: datetime.date) -> list[ReviewInProgress]:
    """The board's reviews still in progress with all their started clocks, the review
    whose next running clock is due soonest first (those without a running clock last).

    In progress: not closed, published or decided against, and either a clock still runs,
    the review is planned or under way, or its stage says there is work to do. A reported
    review with no stage and no running clock (an old SCR recorded for its recommendations)
    is not listed."""
    found = []
    for review in reviews_for_board(board):
        if not is_in_progress(review):
            continue
        clocks = clocks_of(review, today)
        active = (
            any(clock.running for clock in clocks)
            or review.status in (ReviewStatus.PLANNED, ReviewStatus.UNDER_WAY)
            or review.stage in ACTIVE_STAGES
        )
        if active:
            found.append(ReviewInProgress(review=review, clocks=clocks))

    def next_due(item: ReviewInProgress) -> tuple:
        running = [clock.due for clock in item.clocks if clock.running]
        return (not running, min(running) if running else datetime.date.max, item.review.title)

    return sorted(found, key=next_due)
