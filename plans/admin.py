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
    # A due date moves through the app, which writes the due-date ledger (plans.due_dates).
    readonly_fields = ["due_date"]
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
class DueDateChangeAdmin(admin.ModelAdmin):
    """The due-date ledger is only ever added to, by the app (plans.due_dates): read-only here."""

    list_display = ["action", "kind", "old_due_date", "new_due_date", "made_by", "made_at"]
    list_filter = ["kind"]
    search_fields = ["reason", "action__description"]
    raw_id_fields = ["action", "made_by", "request", "reverses"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
