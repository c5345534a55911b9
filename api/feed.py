"""One flat table per board for Power BI's web connector (and Excel's "From Web").

``GET /api/v1/boards/<slug>/feed.csv`` or ``feed.json``, with the token in the
``Authorization: Bearer …`` header (Power BI: Get data → Web → Advanced → HTTP request
header parameters). One row per action of the board's plans in force: plan, priority area,
objective, the action, its lead, status, RAG, due date and first due date, overdue, and the
latest progress note. Not paginated: a BI tool wants the whole table, and the rows come from
one query (pinned in tests), whatever the size.
"""

from __future__ import annotations

import csv
import io

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from plans.models import Action
from plans.transfer.exporter import guard

from . import access
from .views import ERRORS

COLUMNS = [
    "board",
    "plan_id",
    "plan",
    "priority_area_number",
    "priority_area",
    "objective_number",
    "objective",
    "action_id",
    "reference",
    "action_number",
    "action",
    "lead",
    "lead_sub_committee",
    "responsible",
    "status",
    "rag",
    "rating_illustrative",
    "due_date",
    "original_due_date",
    "timescale",
    "overdue",
    "completed_on",
    "latest_progress_date",
    "latest_progress",
]


def feed_rows(board, today) -> list[dict]:
    actions = (
        Action.objects.in_force()
        .filter(objective__priority_area__plan__board=board)
        .with_latest_progress()
        .with_first_due_date()
        .select_related("objective__priority_area__plan", "lead_sub_committee", "responsible")
        .order_by(
            "objective__priority_area__plan_id",
            "objective__priority_area__number",
            "objective__position",
            "position",
        )
    )
    rows = []
    for action in actions:
        objective = action.objective
        area = objective.priority_area
        plan = area.plan
        responsible = action.responsible
        rows.append(
            {
                "board": board.short_name,
                "plan_id": plan.pk,
                "plan": plan.title,
                "priority_area_number": area.number,
                "priority_area": area.title,
                "objective_number": objective.number,
                "objective": objective.description,
                "action_id": action.pk,
                "reference": f"A-{action.pk}",
                "action_number": action.number,
                "action": action.description,
                "lead": action.lead_display,
                "lead_sub_committee": action.lead_sub_committee.name if action.lead_sub_committee else "",
                "responsible": (responsible.get_full_name() or responsible.get_username())
                if responsible
                else "",
                "status": action.status,
                "rag": action.rag,
                "rating_illustrative": action.rating_illustrative,
                "due_date": action.due_date.isoformat() if action.due_date else None,
                "original_due_date": action.first_due_date.isoformat() if action.first_due_date else None,
                "timescale": action.timescale,
                "overdue": action.is_overdue(today),
                "completed_on": action.completed_on.isoformat() if action.completed_on else None,
                "latest_progress_date": action.latest_progress_date.isoformat()
                if action.latest_progress_date
                else None,
                "latest_progress": action.latest_progress_text or "",
            }
        )
    return rows


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        out = io.StringIO()
        if isinstance(data, list):
            writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
            writer.writeheader()
            for row in data:
                # Cells that a spreadsheet would run as a formula get a leading quote, as the
                # plan's own CSV and Excel exports do (CSV injection).
                writer.writerow({k: guard(v) if isinstance(v, str) else v for k, v in row.items()})
        else:  # an error: {"detail": …}
            out.write(str(data.get("detail", "")) if isinstance(data, dict) else str(data))
        # A byte-order mark, so Excel reads UTF-8 (Power BI ignores it).
        return ("\ufeff" + out.getvalue()).encode("utf-8")


FEED_DESCRIPTION = (
    "One row per action of the board's plans in force, for Power BI's web connector: put the "
    "token in the Authorization header (Bearer …)."
)


class FeedRowSerializer(serializers.Serializer):
    """The feed's columns (for the schema; the rows are built by ``feed_rows``)."""

    board = serializers.CharField()
    plan_id = serializers.IntegerField()
    plan = serializers.CharField()
    priority_area_number = serializers.IntegerField()
    priority_area = serializers.CharField()
    objective_number = serializers.CharField()
    objective = serializers.CharField()
    action_id = serializers.IntegerField()
    reference = serializers.CharField()
    action_number = serializers.CharField()
    action = serializers.CharField()
    lead = serializers.CharField()
    lead_sub_committee = serializers.CharField()
    responsible = serializers.CharField()
    status = serializers.CharField()
    rag = serializers.CharField()
    rating_illustrative = serializers.BooleanField()
    due_date = serializers.DateField(allow_null=True)
    original_due_date = serializers.DateField(allow_null=True)
    timescale = serializers.CharField()
    overdue = serializers.BooleanField()
    completed_on = serializers.DateField(allow_null=True)
    latest_progress_date = serializers.DateField(allow_null=True)
    latest_progress = serializers.CharField()


class FirstRenderer(BaseContentNegotiation):
    """The feed's format is in its address: whatever Accept says (Power BI sends */*)."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class BoardFeed(APIView):
    renderer_classes = [JSONRenderer]
    content_negotiation_class = FirstRenderer

    @extend_schema(
        tags=["feeds"],
        description=FEED_DESCRIPTION,
        responses={200: FeedRowSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request, slug: str) -> Response:
        board = get_object_or_404(access.scoped_boards(request), slug=slug)
        response = Response(feed_rows(board, timezone.localdate()))
        response["Content-Disposition"] = (
            f'inline; filename="{board.slug}-actions.{self.renderer_classes[0].format}"'
        )
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if isinstance(response, Response) and response.status_code >= 400:
            # Errors are JSON ({"detail": …}) on both feeds, as everywhere in the API.
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = "application/json"
        return response


class BoardFeedCSV(BoardFeed):
    renderer_classes = [CSVRenderer]

    @extend_schema(
        tags=["feeds"],
        description=FEED_DESCRIPTION + " CSV, UTF-8 with a byte-order mark; one header row.",
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV"),
            # Errors are JSON on this feed too (BoardFeed.finalize_response).
            **{(code, "application/json"): answer for code, answer in ERRORS.items()},
        },
    )
    def get(self, request: Request, slug: str) -> Response:
        return super().get(request, slug)
