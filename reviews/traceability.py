"""Which recommendations are answered, and how far along each is.

Plain functions returning plain data, so the review page, board packs and
digests can all use them. Whatever the number of reviews, recommendations and
actions, the figures cost two queries: one for the recommendations, one for
their linked actions (annotated with the latest progress note and whether any
verified impact evidence exists).

Rules, as boards use the words:
- an action is *complete* when its status is Complete;
- a recommendation is *flagged* when it has no action, or when every one of its
  actions is overdue (open and past its due date);
- a recommendation is *complete* when it has at least one action and all of
  them are complete, and *fully answered* when, in addition, every action's
  impact is verified (it has verified impact evidence);
- a recommendation the owning board did not accept, or decided not to implement
  (a recorded decision with its reason), is listed but neither flagged nor counted
  in the percentages: there is nothing to answer;
- only actions of plans in force count (``Action.objects.in_force()``): an action in a
  draft plan answers nothing until a manager approves its plan.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Exists, F, OuterRef, Subquery

from plans.models import RAG_TAG_CLASSES, Action, ProgressUpdate, Rag, Status, note_date_label

from .models import ImpactEvidence, NotImplementedDecision, Recommendation, RecommendationAction, Response

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django_stubs_ext import WithAnnotations


class _LinkAnnotations(TypedDict):
    """What _links_queryset adds to each link: its action's latest progress, and whether
    verified evidence shows its impact."""

    latest_progress_text: str | None
    latest_progress_date: datetime.date | None
    latest_progress_precision: str | None
    impact_verified: bool


FLAG_NO_ACTION = "No action"
FLAG_ALL_OVERDUE = "All actions overdue"


@dataclass(frozen=True)
class LinkedAction:
    pk: int
    description: str
    plan_pk: int
    plan_title: str
    board_pk: int
    board_short_name: str
    lead: str
    status: str
    status_label: str
    rag: str
    rag_label: str
    rag_tag_class: str
    due_date: datetime.date | None
    due_precision: str  # plans.models.DuePrecision: a month timescale prints no day
    timescale: str
    is_complete: bool
    is_overdue: bool
    impact_verified: bool
    latest_progress_text: str | None
    latest_progress_date: datetime.date | None
    latest_progress_label: str
    rating_illustrative: bool
    url: str


@dataclass(frozen=True)
class RecommendationCoverage:
    pk: int
    number: int
    text: str
    response: str
    response_label: str
    owner: str
    owner_board: str
    illustrative: bool
    actions: list[LinkedAction]
    # A recorded decision not to implement it (reviews.models.NotImplementedDecision).
    not_implemented_reason: str = ""
    not_implemented_on: datetime.date | None = None
    not_implemented_by: str = ""
    not_implemented_illustrative: bool = False
    not_implemented_pk: int | None = None

    @property
    def not_implemented(self) -> bool:
        return self.not_implemented_on is not None

    @property
    def accepted(self) -> bool:
        """To be answered: accepted, and not decided against since."""
        return self.response != Response.NOT_ACCEPTED and not self.not_implemented

    @property
    def has_no_action(self) -> bool:
        return self.accepted and not self.actions

    @property
    def all_overdue(self) -> bool:
        return self.accepted and bool(self.actions) and all(action.is_overdue for action in self.actions)

    @property
    def complete(self) -> bool:
        return bool(self.actions) and all(action.is_complete for action in self.actions)

    @property
    def fully_answered(self) -> bool:
        return self.complete and all(action.impact_verified for action in self.actions)

    @property
    def flags(self) -> list[str]:
        if self.has_no_action:
            return [FLAG_NO_ACTION]
        if self.all_overdue:
            return [FLAG_ALL_OVERDUE]
        return []

    @property
    def progress_label(self) -> str:
        if self.not_implemented:
            return "Not to be implemented"
        if not self.accepted:
            return "Not accepted"
        if self.fully_answered:
            return "Fully answered"
        if self.complete:
            return "Complete, impact not verified"
        if not self.actions:
            return "No action"
        done = sum(action.is_complete for action in self.actions)
        total = len(self.actions)
        return f"{done} of {total} action{'s' if total != 1 else ''} complete"


def _percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


@dataclass(frozen=True)
class ReviewCoverage:
    review_pk: int
    recommendations: list[RecommendationCoverage] = field(default_factory=list)

    @property
    def counted(self) -> list[RecommendationCoverage]:
        return [rec for rec in self.recommendations if rec.accepted]

    @property
    def total(self) -> int:
        return len(self.recommendations)

    @property
    def complete_count(self) -> int:
        return sum(rec.complete for rec in self.counted)

    @property
    def answered_count(self) -> int:
        return sum(rec.fully_answered for rec in self.counted)

    @property
    def flagged_count(self) -> int:
        return sum(bool(rec.flags) for rec in self.recommendations)

    @property
    def no_action_count(self) -> int:
        return sum(rec.has_no_action for rec in self.recommendations)

    @property
    def all_overdue_count(self) -> int:
        return sum(rec.all_overdue for rec in self.recommendations)

    @property
    def percent_complete(self) -> int | None:
        """% of (accepted) recommendations whose linked actions are all complete."""
        return _percent(self.complete_count, len(self.counted))

    @property
    def percent_fully_answered(self) -> int | None:
        """% of (accepted) recommendations complete and with every action's impact verified."""
        return _percent(self.answered_count, len(self.counted))


def _linked_action(
    link: WithAnnotations[RecommendationAction, _LinkAnnotations], today: datetime.date
) -> LinkedAction:
    action = link.action
    plan = action.objective.priority_area.plan
    return LinkedAction(
        pk=action.pk,
        description=action.description,
        plan_pk=plan.pk,
        plan_title=plan.title,
        board_pk=plan.board_id,
        board_short_name=plan.board.short_name,
        lead=action.lead_display,
        status=action.status,
        status_label=action.get_status_display(),
        rag=action.rag,
        rag_label=action.get_rag_display(),
        rag_tag_class=RAG_TAG_CLASSES.get(Rag(action.rag), "govuk-tag--grey"),
        due_date=action.due_date,
        due_precision=action.due_precision,
        timescale=action.timescale,
        is_complete=action.status == Status.COMPLETE,
        is_overdue=action.is_overdue(today),
        impact_verified=link.impact_verified,
        latest_progress_text=link.latest_progress_text,
        latest_progress_date=link.latest_progress_date,
        latest_progress_label=note_date_label(
            link.latest_progress_date, link.latest_progress_precision or "day"
        ),
        rating_illustrative=action.rating_illustrative,
        url=action.get_absolute_url(),
    )


def _links_queryset() -> QuerySet[WithAnnotations[RecommendationAction, _LinkAnnotations]]:
    latest = ProgressUpdate.objects.filter(action=OuterRef("action_id")).order_by(
        F("date").desc(nulls_last=True), "-pk"
    )
    return (
        RecommendationAction.objects.filter(action__in=Action.objects.in_force())
        .select_related("action__objective__priority_area__plan__board")
        .annotate(
            latest_progress_text=Subquery(latest.values("text")[:1]),
            latest_progress_date=Subquery(latest.values("date")[:1]),
            latest_progress_precision=Subquery(latest.values("date_precision")[:1]),
            impact_verified=Exists(ImpactEvidence.objects.verified().filter(action=OuterRef("action_id"))),
        )
    )


def _not_implemented(rec: Recommendation) -> dict:
    try:
        decision = rec.not_implemented_decision
    except NotImplementedDecision.DoesNotExist:
        return {}
    return {
        "not_implemented_reason": decision.reason,
        "not_implemented_on": decision.decided_on,
        "not_implemented_by": decision.decided_by,
        "not_implemented_illustrative": decision.illustrative,
        "not_implemented_pk": decision.pk,
    }


def coverage_for_reviews(review_pks: Iterable[int], today: datetime.date) -> dict[int, ReviewCoverage]:
    """Coverage of each review, in two queries whatever the counts."""
    review_pks = list(review_pks)
    recommendations = list(
        Recommendation.objects.filter(review_id__in=review_pks)
        .select_related("owner_board", "not_implemented_decision")
        .order_by("review_id", "number")
    )
    links_by_recommendation: dict[int, list[WithAnnotations[RecommendationAction, _LinkAnnotations]]] = (
        defaultdict(list)
    )
    if recommendations:
        for link in _links_queryset().filter(recommendation__in=[rec.pk for rec in recommendations]):
            links_by_recommendation[link.recommendation_id].append(link)
    by_review: dict[int, list[RecommendationCoverage]] = {pk: [] for pk in review_pks}
    for rec in recommendations:
        by_review[rec.review_id].append(
            RecommendationCoverage(
                pk=rec.pk,
                number=rec.number,
                text=rec.text,
                response=rec.response,
                response_label=rec.get_response_display(),
                owner=rec.owner,
                owner_board=rec.owner_board.short_name if rec.owner_board else "",
                illustrative=rec.illustrative,
                actions=[_linked_action(link, today) for link in links_by_recommendation[rec.pk]],
                **_not_implemented(rec),
            )
        )
    return {pk: ReviewCoverage(review_pk=pk, recommendations=recs) for pk, recs in by_review.items()}


def review_coverage(review_pk: int, today: datetime.date) -> ReviewCoverage:
    return coverage_for_reviews([review_pk], today)[review_pk]
