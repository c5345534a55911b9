"""What the API returns and accepts. Read serializers are plain and flat; the write
serializers describe the request bodies, and the rules are checked by the plans app's own
forms and domain functions (``api.writes``), exactly as on the pages."""

from __future__ import annotations

import datetime

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from boards.models import Board, Role
from performance.models import Indicator, IndicatorValue, is_illustrative
from plans.forms import PROGRESS_MAX, REASON_MAX
from plans.models import (
    Action,
    BusinessPlan,
    DueDateChange,
    Objective,
    PriorityArea,
    ProgressUpdate,
    Rag,
    Status,
)
from reviews.models import Review

# Query-parameter and path ids are database ids: anything past a bigint is simply not found.
MAX_ID = 2**63 - 1


def _name(user) -> str | None:
    if user is None:
        return None
    return user.get_full_name() or user.get_username()


class BoardSerializer(serializers.ModelSerializer):
    partnership = serializers.CharField(source="partnership.name")
    role = serializers.ChoiceField(
        choices=Role.choices, source="my_role", help_text="Your role on the board."
    )

    class Meta:
        model = Board
        fields = ["slug", "name", "short_name", "kind", "partnership", "role"]


class PlanSerializer(serializers.ModelSerializer):
    board = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    web_url = serializers.CharField(source="get_absolute_url")
    dates_moved_note = serializers.CharField(
        help_text="Demo data only: the plan's dates were moved forward from the source's."
    )

    class Meta:
        model = BusinessPlan
        fields = [
            "id",
            "board",
            "title",
            "period_start",
            "period_end",
            "status",
            "revision_number",
            "approved_at",
            "version",
            "illustrative_note",
            "dates_moved_note",
            "web_url",
        ]


class PriorityAreaSerializer(serializers.ModelSerializer):
    class Meta:
        model = PriorityArea
        fields = ["id", "plan", "number", "title", "wider_plan_link", "lead", "version"]


class MeasureSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    description = serializers.CharField()
    indicator_code = serializers.CharField()
    action = serializers.IntegerField(
        source="action_id", allow_null=True, help_text="Set when the measure is for one action only."
    )


class EvidenceSerializer(serializers.Serializer):
    text = serializers.CharField()
    actions = serializers.ListField(
        child=serializers.IntegerField(),
        source="action_ids",
        help_text="The actions this evidence is for; empty means the whole objective.",
    )


class ObjectiveSerializer(serializers.ModelSerializer):
    plan = serializers.IntegerField(source="priority_area.plan_id")
    evidence = EvidenceSerializer(many=True, source="evidence_sources.all")
    measures = MeasureSerializer(many=True, source="measures.all")

    class Meta:
        model = Objective
        fields = ["id", "plan", "priority_area", "number", "description", "evidence", "measures", "version"]


class LatestProgressSerializer(serializers.Serializer):
    date = serializers.DateField(allow_null=True, source="latest_progress_date")
    date_label = serializers.CharField(source="latest_progress_label")
    text = serializers.CharField(source="latest_progress_text")


class ActionSerializer(serializers.ModelSerializer):
    reference = serializers.SerializerMethodField(help_text="The plan exports' stable reference, A-<id>.")
    plan = serializers.IntegerField(source="objective.priority_area.plan_id")
    priority_area = serializers.IntegerField(source="objective.priority_area_id")
    lead = serializers.CharField(source="lead_display")
    lead_sub_committee = serializers.CharField(
        source="lead_sub_committee.name", allow_null=True, default=None
    )
    responsible = serializers.SerializerMethodField()
    timescale = serializers.CharField()
    original_due_date = serializers.DateField(
        source="first_due_date",
        allow_null=True,
        help_text="The first due date the action had (from its due-date ledger); the due date if it never moved.",
    )
    overdue = serializers.SerializerMethodField()
    latest_progress = serializers.SerializerMethodField()
    web_url = serializers.CharField(source="get_absolute_url")

    class Meta:
        model = Action
        fields = [
            "id",
            "reference",
            "plan",
            "priority_area",
            "objective",
            "number",
            "description",
            "lead",
            "lead_sub_committee",
            "responsible",
            "due_date",
            "due_precision",
            "timescale",
            "original_due_date",
            "recurrence",
            "status",
            "rag",
            "completed_on",
            "overdue",
            "rating_illustrative",
            "latest_progress",
            "version",
            "web_url",
        ]

    def get_reference(self, action: Action) -> str:
        return f"A-{action.pk}"

    def get_responsible(self, action: Action) -> str | None:
        return _name(action.responsible)

    def get_overdue(self, action: Action) -> bool:
        return action.is_overdue(self.context.get("today") or timezone.localdate())

    @extend_schema_field(LatestProgressSerializer(allow_null=True))
    def get_latest_progress(self, action: Action) -> dict | None:
        if getattr(action, "latest_progress_text", None) is None:
            return None
        return LatestProgressSerializer(action).data


class ProgressUpdateSerializer(serializers.ModelSerializer):
    date_label = serializers.CharField()
    author = serializers.SerializerMethodField()

    class Meta:
        model = ProgressUpdate
        fields = ["id", "date", "date_precision", "date_label", "text", "rag", "author", "created_at"]

    def get_author(self, note: ProgressUpdate) -> str | None:
        return _name(note.author)


class DueDateChangeSerializer(serializers.ModelSerializer):
    reason = serializers.CharField(source="stated_reason")
    made_by = serializers.SerializerMethodField()
    waiting_for_decision = serializers.BooleanField(
        source="is_open_request", help_text="A request no manager has decided yet."
    )

    class Meta:
        model = DueDateChange
        fields = [
            "id",
            "kind",
            "old_due_date",
            "new_due_date",
            "reason",
            "made_by",
            "made_at",
            "request",
            "reverses",
            "waiting_for_decision",
        ]

    def get_made_by(self, change: DueDateChange) -> str | None:
        return _name(change.made_by)


class ActionDetailSerializer(ActionSerializer):
    progress_updates = ProgressUpdateSerializer(many=True, source="progress_updates.all")
    due_date_changes = DueDateChangeSerializer(
        many=True, source="due_date_changes.all", help_text="The due-date ledger, oldest first."
    )

    class Meta(ActionSerializer.Meta):
        fields = [*ActionSerializer.Meta.fields, "progress_updates", "due_date_changes"]


class IndicatorValueSerializer(serializers.ModelSerializer):
    value = serializers.DecimalField(max_digits=12, decimal_places=2, coerce_to_string=False)
    target = serializers.DecimalField(
        max_digits=12, decimal_places=2, coerce_to_string=False, allow_null=True
    )
    illustrative = serializers.SerializerMethodField(help_text="An invented figure (the demo's).")

    class Meta:
        model = IndicatorValue
        fields = [
            "id",
            "period_start",
            "period_end",
            "period_label",
            "value",
            "target",
            "note",
            "illustrative",
        ]

    def get_illustrative(self, value: IndicatorValue) -> bool:
        return is_illustrative(value.note)


class IndicatorSerializer(serializers.ModelSerializer):
    board = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    partnership = serializers.CharField(source="partnership.name", allow_null=True, default=None)
    owner = serializers.CharField(source="owner_label")
    values = IndicatorValueSerializer(many=True, source="values.all")
    web_url = serializers.CharField(source="get_absolute_url")

    class Meta:
        model = Indicator
        fields = [
            "id",
            "code",
            "title",
            "unit",
            "good_direction",
            "owner",
            "board",
            "partnership",
            "values",
            "web_url",
        ]


class LinkedActionSerializer(serializers.Serializer):
    action = serializers.IntegerField(
        allow_null=True, help_text="The action's id, when it is on a board your token reaches; else null."
    )
    description = serializers.CharField()
    board = serializers.CharField(source="board_short_name")
    plan_title = serializers.CharField()
    lead = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    rag = serializers.ChoiceField(choices=Rag.choices, allow_blank=True)
    due_date = serializers.DateField(allow_null=True)
    timescale = serializers.CharField()
    is_complete = serializers.BooleanField()
    is_overdue = serializers.BooleanField()
    impact_verified = serializers.BooleanField()
    latest_progress_text = serializers.CharField(allow_null=True)
    latest_progress_date = serializers.DateField(allow_null=True)
    rating_illustrative = serializers.BooleanField()


class RecommendationSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    number = serializers.IntegerField()
    text = serializers.CharField()
    response = serializers.CharField(allow_blank=True)
    owner = serializers.CharField(allow_blank=True)
    owner_board = serializers.CharField(allow_blank=True)
    illustrative = serializers.BooleanField(help_text="The source does not give this recommendation's words.")
    accepted = serializers.BooleanField()
    complete = serializers.BooleanField()
    fully_answered = serializers.BooleanField()
    flags = serializers.ListField(child=serializers.CharField())
    progress_label = serializers.CharField()
    actions = serializers.SerializerMethodField()

    @extend_schema_field(LinkedActionSerializer(many=True))
    def get_actions(self, coverage) -> list[dict]:
        reachable = self.context["reachable_board_ids"]
        rows = []
        for linked in coverage.actions:
            data = LinkedActionSerializer(linked).data
            data["action"] = linked.pk if linked.board_pk in reachable else None
            rows.append(data)
        return rows


class CoverageSerializer(serializers.Serializer):
    total = serializers.IntegerField(help_text="Recommendations, accepted or not.")
    complete_count = serializers.IntegerField()
    answered_count = serializers.IntegerField(help_text="Complete, with every action's impact verified.")
    flagged_count = serializers.IntegerField(help_text="No action, or every action overdue.")
    percent_complete = serializers.IntegerField(allow_null=True)
    percent_fully_answered = serializers.IntegerField(allow_null=True)


class ReviewSerializer(serializers.ModelSerializer):
    partnership = serializers.CharField(source="partnership.name")
    coverage = serializers.SerializerMethodField()
    web_url = serializers.CharField(source="get_absolute_url")

    class Meta:
        model = Review
        fields = [
            "id",
            "partnership",
            "kind",
            "title",
            "on_site_start",
            "on_site_end",
            "dates_note",
            "published",
            "status",
            "overall_judgement",
            "intervention",
            "coverage",
            "web_url",
        ]

    @extend_schema_field(CoverageSerializer)
    def get_coverage(self, review: Review) -> dict:
        return CoverageSerializer(self.context["coverage"][review.pk]).data


class ReviewDetailSerializer(ReviewSerializer):
    recommendations = serializers.SerializerMethodField()

    class Meta(ReviewSerializer.Meta):
        fields = [*ReviewSerializer.Meta.fields, "recommendations"]

    @extend_schema_field(RecommendationSerializer(many=True))
    def get_recommendations(self, review: Review) -> list[dict]:
        coverage = self.context["coverage"][review.pk]
        return RecommendationSerializer(coverage.recommendations, many=True, context=self.context).data


# --- Writes ----------------------------------------------------------------------


class ProgressCreateSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=PROGRESS_MAX, help_text="The progress update.")
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    rag = serializers.ChoiceField(choices=Rag.choices, required=False, allow_blank=True)
    based_on_version = serializers.IntegerField(
        min_value=1,
        max_value=2**31 - 1,
        required=False,
        help_text="The action's version you read; required when you also set status or RAG.",
    )

    def validate(self, data: dict) -> dict:
        if ("status" in data or "rag" in data) and "based_on_version" not in data:
            raise serializers.ValidationError(
                {"based_on_version": "Give the version you read when you change status or RAG."}
            )
        return data


class StatusUpdateSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices)
    rag = serializers.ChoiceField(
        choices=Rag.choices,
        allow_blank=True,
        help_text="Blue is for complete actions only; complete is blue.",
    )
    based_on_version = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    text = serializers.CharField(max_length=PROGRESS_MAX, required=False, allow_blank=True)


class DueDateRequestCreateSerializer(serializers.Serializer):
    new_due_date = serializers.DateField(help_text="For a month timescale, any day of the month.")
    reason = serializers.CharField(max_length=REASON_MAX)
    confirm_outside_period = serializers.BooleanField(
        default=False, help_text="Needed when the new date is outside the plan's period."
    )

    def validate_new_due_date(self, value: datetime.date) -> datetime.date:
        if not 1900 <= value.year <= 2999:
            raise serializers.ValidationError("Due date must be a real date")
        return value


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    changes = serializers.ListField(child=serializers.CharField())
    current_version = serializers.IntegerField()


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
