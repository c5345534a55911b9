from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Action,
    BusinessPlan,
    DueDateChange,
    EvidenceSource,
    Measure,
    Objective,
    PriorityArea,
    ProgressUpdate,
)


@admin.register(BusinessPlan)
class BusinessPlanAdmin(SimpleHistoryAdmin):
    list_display = ["title", "board", "period_start", "period_end", "status"]
    list_filter = ["status", "board"]
    search_fields = ["title"]


@admin.register(PriorityArea)
class PriorityAreaAdmin(SimpleHistoryAdmin):
    list_display = ["number", "title", "plan"]
    list_filter = ["plan"]
    search_fields = ["title"]


class EvidenceSourceInline(admin.TabularInline):
    model = EvidenceSource
    extra = 0


class MeasureInline(admin.TabularInline):
    model = Measure
    extra = 0


@admin.register(Objective)
class ObjectiveAdmin(SimpleHistoryAdmin):
    list_display = ["number", "description", "priority_area"]
    list_filter = ["priority_area__plan"]
    search_fields = ["number", "description"]
    inlines = [EvidenceSourceInline, MeasureInline]


class ProgressUpdateInline(admin.TabularInline):
    model = ProgressUpdate
    extra = 0
    autocomplete_fields = ["author"]


@admin.register(Action)
class ActionAdmin(SimpleHistoryAdmin):
    list_display = ["description", "lead_role", "due_date", "status", "rag"]
    list_filter = ["status", "rag", "objective__priority_area__plan"]
    search_fields = ["description", "lead_role"]
    list_select_related = ["objective"]
    autocomplete_fields = ["responsible", "lead_sub_committee"]
    inlines = [ProgressUpdateInline]


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(SimpleHistoryAdmin):
    list_display = ["action", "date", "author", "rag"]
    search_fields = ["text"]
    autocomplete_fields = ["author", "action"]


@admin.register(EvidenceSource)
class EvidenceSourceAdmin(SimpleHistoryAdmin):
    list_display = ["text", "objective"]
    search_fields = ["text"]


@admin.register(Measure)
class MeasureAdmin(SimpleHistoryAdmin):
    list_display = ["description", "indicator_code", "objective"]
    search_fields = ["description", "indicator_code"]


@admin.register(DueDateChange)
class DueDateChangeAdmin(SimpleHistoryAdmin):
    list_display = ["action", "old_due_date", "new_due_date", "status", "requested_by", "decided_by"]
    list_filter = ["status"]
    search_fields = ["reason", "action__description"]
    raw_id_fields = ["action", "requested_by", "decided_by"]
