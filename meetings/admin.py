from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    ActionArising,
    AgendaItem,
    Attendance,
    BoardReport,
    Decision,
    Meeting,
    ReportRecommendation,
)


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ["board", "starts_at", "place"]
    list_filter = ["board"]
    inlines = [AgendaItemInline]


class RecommendationInline(admin.TabularInline):
    model = ReportRecommendation
    extra = 0


@admin.register(BoardReport)
class BoardReportAdmin(SimpleHistoryAdmin):
    list_display = ["title", "board", "meeting"]
    list_filter = ["board"]
    search_fields = ["title"]
    inlines = [RecommendationInline]


@admin.register(Decision)
class DecisionAdmin(SimpleHistoryAdmin):
    list_display = ["agenda_item", "kind", "recommended_to"]


@admin.register(ActionArising)
class ActionArisingAdmin(SimpleHistoryAdmin):
    list_display = ["action", "agenda_item"]


@admin.register(Attendance)
class AttendanceAdmin(SimpleHistoryAdmin):
    list_display = ["meeting", "member_name", "agency", "status", "deputy_name", "illustrative"]
    list_filter = ["status", "meeting__board"]
    raw_id_fields = ["meeting", "user", "agency", "recorded_by"]
