"""The REST API, version 1 (/api/v1/).

Each endpoint loads through the page access helpers and the token's scope (``api.access``),
reads plans in force only, and pins its query count in tests (tests/api/test_queries.py).
"""

from __future__ import annotations

from django.db.models import OuterRef, Prefetch, Subquery
from django.http import Http404, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from boards.models import Membership
from performance.access import get_indicator_for_user, visible_indicators
from performance.models import Indicator
from plans import access as plan_access
from plans.models import (
    Action,
    BusinessPlan,
    DueDateChange,
    EvidenceSource,
    Objective,
    PlanStatus,
    PriorityArea,
    ProgressUpdate,
    Rag,
    Status,
)
from reviews.access import get_review_for_user
from reviews.models import Review
from reviews.traceability import coverage_for_reviews

from . import access, writes
from .serializers import (
    MAX_ID,
    ActionDetailSerializer,
    ActionSerializer,
    BoardSerializer,
    ConflictSerializer,
    DueDateChangeSerializer,
    DueDateRequestCreateSerializer,
    ErrorSerializer,
    IndicatorSerializer,
    ObjectiveSerializer,
    PlanSerializer,
    PriorityAreaSerializer,
    ProgressCreateSerializer,
    ProgressUpdateSerializer,
    ReviewDetailSerializer,
    ReviewSerializer,
    StatusUpdateSerializer,
)

ERRORS = {
    401: OpenApiResponse(ErrorSerializer, description="No token, or not a valid one."),
    403: OpenApiResponse(
        ErrorSerializer, description="Your role or your token's access does not allow this."
    ),
    404: OpenApiResponse(ErrorSerializer, description="Not found, or not on a board your token reaches."),
    429: OpenApiResponse(
        ErrorSerializer, description="Too many requests with this token: wait and try again."
    ),
}
# List endpoints refuse a query parameter of the wrong kind (400) and a page past the last (404).
LIST_ERRORS = {
    **ERRORS,
    400: OpenApiResponse(description="A query parameter was refused; its messages say why."),
}
WRITE_ERRORS = {
    **ERRORS,
    400: OpenApiResponse(description="The input was refused; each field's messages say why."),
    409: OpenApiResponse(ConflictSerializer, description="The action changed since the version you read."),
}


class Filters(serializers.Serializer):
    """Query parameters shared by the list endpoints (each uses those that apply)."""

    board = serializers.SlugField(required=False, help_text="A board's slug.")
    plan = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    priority_area = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    objective = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    rag = serializers.ChoiceField(choices=Rag.choices, required=False, allow_blank=True)
    overdue = serializers.BooleanField(required=False, allow_null=True, default=None)


def filters(request: Request, *names: str) -> dict:
    wanted = Filters(data={k: v for k, v in request.query_params.items() if k in names})
    wanted.is_valid(raise_exception=True)
    return wanted.validated_data


def _parameters(*names: str) -> list[OpenApiParameter]:
    fields = Filters().fields
    types = {"board": str, "status": str, "rag": str, "overdue": bool}
    return [
        OpenApiParameter(
            name,
            types.get(name, OpenApiTypes.INT64),
            description=fields[name].help_text or "",
            enum=[value for value, _ in fields[name].choices.items()] if name in ("status", "rag") else None,
        )
        for name in names
    ]


def in_force_plan(request, plan: BusinessPlan) -> BusinessPlan:
    """A draft or archived plan, or one outside the token's boards, is not there (404)."""
    access.require_board_in_scope(request, plan.board_id)
    if plan.status != PlanStatus.APPROVED:
        raise Http404("Not found.")
    return plan


# --- Boards ---------------------------------------------------------------------------


@extend_schema(tags=["boards"], responses={200: BoardSerializer(many=True), **LIST_ERRORS})
class BoardList(generics.ListAPIView):
    """The boards you hold a role on (and your token names), with your role."""

    serializer_class = BoardSerializer

    def get_queryset(self):
        role = Membership.objects.filter(user=self.request.user.pk, board=OuterRef("pk")).values("role")[:1]
        return (
            access.scoped_boards(self.request)
            .select_related("partnership")
            .annotate(my_role=Subquery(role))
            .order_by("partnership__name", "name")
        )


# --- Plans ----------------------------------------------------------------------------


@extend_schema(
    tags=["plans"], parameters=_parameters("board"), responses={200: PlanSerializer(many=True), **LIST_ERRORS}
)
class PlanList(generics.ListAPIView):
    """Plans in force (approved, not archived) of your boards. Drafts are not shown."""

    serializer_class = PlanSerializer

    def get_queryset(self):
        wanted = filters(self.request, "board")
        plans = BusinessPlan.objects.in_force().filter(board__in=access.scoped_boards(self.request))
        if "board" in wanted:
            plans = plans.filter(board__slug=wanted["board"])
        return plans.select_related("board").order_by("board__slug", "-period_start", "pk")


@extend_schema(tags=["plans"], responses={200: PlanSerializer, **ERRORS})
class PlanDetail(APIView):
    def get(self, request: Request, pk: int) -> Response:
        plan, _ = plan_access.get_plan_for_user(request.user, pk)
        return Response(PlanSerializer(in_force_plan(request, plan)).data)


def _actions_in_scope(request):
    return Action.objects.in_force().filter(
        objective__priority_area__plan__board__in=access.scoped_boards(request)
    )


@extend_schema(
    tags=["plans"],
    parameters=_parameters("plan"),
    responses={200: PriorityAreaSerializer(many=True), **LIST_ERRORS},
)
class PriorityAreaList(generics.ListAPIView):
    serializer_class = PriorityAreaSerializer

    def get_queryset(self):
        wanted = filters(self.request, "plan")
        areas = PriorityArea.objects.filter(
            plan__in=BusinessPlan.objects.in_force().filter(board__in=access.scoped_boards(self.request))
        )
        if "plan" in wanted:
            areas = areas.filter(plan_id=wanted["plan"])
        return areas.order_by("plan_id", "number")


@extend_schema(tags=["plans"], responses={200: PriorityAreaSerializer, **ERRORS})
class PriorityAreaDetail(APIView):
    def get(self, request: Request, pk: int) -> Response:
        area, _ = plan_access.get_priority_area_for_user(request.user, pk)
        in_force_plan(request, area.plan)
        return Response(PriorityAreaSerializer(area).data)


def _objectives():
    evidence = EvidenceSource.objects.prefetch_related("actions")
    return Objective.objects.select_related("priority_area").prefetch_related(
        Prefetch("evidence_sources", queryset=evidence), "measures"
    )


def _with_action_ids(objectives) -> None:
    for objective in objectives:
        for source in objective.evidence_sources.all():
            source.action_ids = [a.pk for a in source.actions.all()]


@extend_schema(
    tags=["plans"],
    parameters=_parameters("plan", "priority_area"),
    responses={200: ObjectiveSerializer(many=True), **LIST_ERRORS},
)
class ObjectiveList(generics.ListAPIView):
    serializer_class = ObjectiveSerializer

    def get_queryset(self):
        wanted = filters(self.request, "plan", "priority_area")
        objectives = (
            _objectives().in_force().filter(priority_area__plan__board__in=access.scoped_boards(self.request))
        )
        if "plan" in wanted:
            objectives = objectives.filter(priority_area__plan_id=wanted["plan"])
        if "priority_area" in wanted:
            objectives = objectives.filter(priority_area_id=wanted["priority_area"])
        return objectives.order_by("priority_area__plan_id", "priority_area__number", "position")

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        _with_action_ids(page)
        return page


@extend_schema(tags=["plans"], responses={200: ObjectiveSerializer, **ERRORS})
class ObjectiveDetail(APIView):
    def get(self, request: Request, pk: int) -> Response:
        objective, _ = plan_access.get_objective_for_user(request.user, pk)
        in_force_plan(request, objective.priority_area.plan)
        objective = _objectives().get(pk=objective.pk)
        _with_action_ids([objective])
        return Response(ObjectiveSerializer(objective).data)


# --- Actions --------------------------------------------------------------------------


def _action_rows(queryset):
    return (
        queryset.with_latest_progress()
        .with_first_due_date()
        .select_related("objective__priority_area", "lead_sub_committee", "responsible")
    )


@extend_schema(
    tags=["actions"],
    parameters=_parameters("board", "plan", "objective", "status", "rag", "overdue"),
    responses={200: ActionSerializer(many=True), **LIST_ERRORS},
)
class ActionList(generics.ListAPIView):
    """Actions of plans in force, with the latest progress note and the first due date."""

    serializer_class = ActionSerializer

    def get_queryset(self):
        wanted = filters(self.request, "board", "plan", "objective", "status", "rag", "overdue")
        actions = _actions_in_scope(self.request)
        if "board" in wanted:
            actions = actions.filter(objective__priority_area__plan__board__slug=wanted["board"])
        if "plan" in wanted:
            actions = actions.filter(objective__priority_area__plan_id=wanted["plan"])
        if "objective" in wanted:
            actions = actions.filter(objective_id=wanted["objective"])
        if "status" in wanted:
            actions = actions.filter(status=wanted["status"])
        if "rag" in wanted:
            actions = actions.filter(rag=wanted["rag"])
        today = timezone.localdate()
        if wanted.get("overdue") is True:
            actions = actions.overdue(today)
        elif wanted.get("overdue") is False:
            actions = actions.exclude(pk__in=Action.objects.overdue(today))
        return _action_rows(actions).order_by(
            "objective__priority_area__plan_id",
            "objective__priority_area__number",
            "objective__position",
            "position",
        )

    def get_serializer_context(self) -> dict:
        return {**super().get_serializer_context(), "today": timezone.localdate()}


def load_action(request: Request, pk: int) -> Action:
    """The action through the page helper (outsiders 404), in force and in the token's scope."""
    action, _ = plan_access.get_action_for_user(request.user, pk)
    in_force_plan(request, action.objective.priority_area.plan)
    return action


def load_action_to_update(request: Request, pk: int) -> Action:
    """As the action's update page: 404 for outsiders, 403 for a read-only token, and 403
    unless the user manages the board or leads the action (checked again on the locked row)."""
    action = load_action(request, pk)
    access.require_write_scope(request)
    plan_access.require(
        plan_access.can_update_action(request.user, action),
        "Only the action's lead or a manager may update it.",
    )
    return action


@extend_schema(tags=["actions"], responses={200: ActionDetailSerializer, **ERRORS})
class ActionDetail(APIView):
    """One action with every progress note and its due-date ledger."""

    def get(self, request: Request, pk: int) -> Response:
        load_action(request, pk)
        action = (
            _action_rows(Action.objects.filter(pk=pk))
            .prefetch_related(
                Prefetch("progress_updates", queryset=ProgressUpdate.objects.select_related("author")),
                Prefetch(
                    "due_date_changes",
                    queryset=DueDateChange.objects.select_related("made_by", "request", "decision").order_by(
                        "made_at", "pk"
                    ),
                ),
            )
            .get()
        )
        return Response(ActionDetailSerializer(action, context={"today": timezone.localdate()}).data)


def _action_response(pk: int, code: int = status.HTTP_200_OK) -> Response:
    action = _action_rows(Action.objects.filter(pk=pk)).get()
    return Response(ActionSerializer(action, context={"today": timezone.localdate()}).data, status=code)


class ProgressUpdates(APIView):
    @extend_schema(tags=["actions"], responses={200: ProgressUpdateSerializer(many=True), **ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        action = load_action(request, pk)
        notes = action.progress_updates.select_related("author")
        return Response(ProgressUpdateSerializer(notes, many=True).data)

    @extend_schema(
        tags=["actions"],
        request=ProgressCreateSerializer,
        responses={201: ProgressUpdateSerializer, **WRITE_ERRORS},
        description="Add a progress update (the action's lead or a board manager), optionally with a "
        "new status and RAG rating: then give based_on_version, the action's version you read.",
    )
    def post(self, request: Request, pk: int) -> Response:
        action = load_action_to_update(request, pk)
        body = ProgressCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        note = writes.quick_update(
            request.user,
            action,
            writes.StatusChange(
                text=data["text"],
                status=data.get("status", action.status),
                rag=data.get("rag", action.rag),
                based_on_version=data.get("based_on_version", action.version),
            ),
        )
        if note is None:  # the text is required, so the form has already refused an empty one
            raise serializers.ValidationError({"text": ["Enter a progress update"]})
        note = ProgressUpdate.objects.select_related("author").get(pk=note.pk)
        return Response(ProgressUpdateSerializer(note).data, status=status.HTTP_201_CREATED)


@extend_schema(
    tags=["actions"],
    request=StatusUpdateSerializer,
    responses={200: ActionSerializer, **WRITE_ERRORS},
    description="Set the status and RAG rating (complete is blue; blue is only for complete), with "
    "based_on_version. A change someone else made since is merged unless it clashes (409).",
)
class ActionStatus(APIView):
    def post(self, request: Request, pk: int) -> Response:
        action = load_action_to_update(request, pk)
        body = StatusUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        writes.quick_update(
            request.user,
            action,
            writes.StatusChange(data.get("text", ""), data["status"], data["rag"], data["based_on_version"]),
        )
        return _action_response(action.pk)


class DueDateChanges(APIView):
    @extend_schema(tags=["actions"], responses={200: DueDateChangeSerializer(many=True), **ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        action = load_action(request, pk)
        ledger = action.due_date_changes.select_related("made_by", "request", "decision").order_by(
            "made_at", "pk"
        )
        return Response(DueDateChangeSerializer(ledger, many=True).data)

    @extend_schema(
        tags=["actions"],
        request=DueDateRequestCreateSerializer,
        responses={201: DueDateChangeSerializer, **WRITE_ERRORS},
        description="Ask for a new due date (the action's lead): a manager decides on the action's page. "
        "A board manager's request is a change, applied at once. The original date is kept in the ledger.",
    )
    def post(self, request: Request, pk: int) -> Response:
        action = load_action_to_update(request, pk)
        body = DueDateRequestCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        is_manager = plan_access.can_manage_board(request.user, action.objective.priority_area.plan.board_id)
        entry = writes.request_due_date(
            request.user,
            action,
            data["new_due_date"],
            data["reason"],
            data["confirm_outside_period"],
            is_manager=is_manager,
        )
        entry = DueDateChange.objects.select_related("made_by", "request", "decision").get(pk=entry.pk)
        return Response(DueDateChangeSerializer(entry).data, status=status.HTTP_201_CREATED)


# --- Indicators -------------------------------------------------------------------------


def _indicators():
    return Indicator.objects.select_related("board", "partnership").prefetch_related("values")


@extend_schema(
    tags=["performance"],
    parameters=_parameters("board"),
    responses={200: IndicatorSerializer(many=True), **LIST_ERRORS},
)
class IndicatorList(generics.ListAPIView):
    """Indicators of your boards and of their partnerships, with their values."""

    serializer_class = IndicatorSerializer

    def get_queryset(self):
        wanted = filters(self.request, "board")
        indicators = _indicators().filter(
            pk__in=visible_indicators(self.request.user).filter(access.indicator_scope_q(self.request))
        )
        if "board" in wanted:
            board = access.scoped_boards(self.request).filter(slug=wanted["board"])
            indicators = indicators.filter(
                pk__in=Indicator.objects.filter(board__in=board)
            ) | indicators.filter(partnership__in=board.values("partnership"))
        return indicators.order_by("code", "pk")


@extend_schema(tags=["performance"], responses={200: IndicatorSerializer, **ERRORS})
class IndicatorDetail(APIView):
    def get(self, request: Request, pk: int) -> Response:
        indicator, _ = get_indicator_for_user(request.user, pk)
        if indicator.board_id:
            access.require_board_in_scope(request, indicator.board_id)
        else:
            # indicator_owned_by_partnership_or_board: without a board, a partnership owns it.
            assert indicator.partnership_id is not None
            access.require_partnership_in_scope(request, indicator.partnership_id)
        return Response(IndicatorSerializer(_indicators().get(pk=indicator.pk)).data)


# --- Reviews ----------------------------------------------------------------------------


def _reviews_in_scope(request):
    return Review.objects.visible_to(request.user).filter(
        partnership__in=access.scoped_boards(request).values("partnership")
    )


def _review_context(request: Request, reviews: list[Review]) -> dict:
    return {
        "coverage": coverage_for_reviews([r.pk for r in reviews], timezone.localdate()),
        "reachable_board_ids": set(access.scoped_boards(request).values_list("pk", flat=True)),
    }


@extend_schema(tags=["reviews"], responses={200: ReviewSerializer(many=True), **LIST_ERRORS})
class ReviewList(generics.ListAPIView):
    """Reviews and inspections of your boards' partnerships, with how far their
    recommendations are answered (``reviews.traceability``)."""

    serializer_class = ReviewSerializer

    def get_queryset(self):
        return (
            Review.objects.filter(pk__in=_reviews_in_scope(self.request))
            .select_related("partnership")
            .order_by("partnership__name", "-on_site_start", "title", "pk")
        )

    def list(self, request: Request, *args, **kwargs) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        context = {**self.get_serializer_context(), **_review_context(request, page)}
        return self.get_paginated_response(ReviewSerializer(page, many=True, context=context).data)


@extend_schema(tags=["reviews"], responses={200: ReviewDetailSerializer, **ERRORS})
class ReviewDetail(APIView):
    """A review with each recommendation, its flags and the plan actions that answer it. An
    action on a board your token does not reach is described, without its id."""

    def get(self, request: Request, pk: int) -> Response:
        review, _ = get_review_for_user(request.user, pk)
        access.require_partnership_in_scope(request, review.partnership_id)
        return Response(ReviewDetailSerializer(review, context=_review_context(request, [review])).data)


@csrf_exempt  # it changes nothing; a POST to a wrong address gets the same JSON 404
def not_found(request, *args, **kwargs):
    """Any other address under /api/v1/ (an id that is not a number, a slug with a space):
    the API's JSON 404, not the site's HTML page."""
    return JsonResponse({"detail": "Not found."}, status=404)
