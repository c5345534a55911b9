from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Finding,
    FocusTheme,
    ImpactEvidence,
    ImprovementPlan,
    MonitoringBody,
    NotImplementedDecision,
    Recommendation,
    RecommendationAction,
    Review,
    ReviewReport,
    ReviewTeamMember,
    SubJudgement,
    WorkStrand,
)


class ReviewReportInline(admin.TabularInline):
    model = ReviewReport
    extra = 0


class SubJudgementInline(admin.TabularInline):
    model = SubJudgement
    extra = 0


class TeamInline(admin.TabularInline):
    model = ReviewTeamMember
    extra = 0


class FocusThemeInline(admin.TabularInline):
    model = FocusTheme
    extra = 0


class WorkStrandInline(admin.TabularInline):
    model = WorkStrand
    extra = 0


class FindingInline(admin.TabularInline):
    model = Finding
    extra = 0


class ImprovementPlanInline(admin.TabularInline):
    model = ImprovementPlan
    extra = 0


@admin.register(Review)
class ReviewAdmin(SimpleHistoryAdmin):
    list_display = ["title", "partnership", "kind", "on_site_start", "overall_judgement", "status"]
    list_filter = ["partnership", "kind", "status", "overall_judgement"]
    search_fields = ["title"]
    inlines = [
        ReviewReportInline,
        SubJudgementInline,
        TeamInline,
        FocusThemeInline,
        WorkStrandInline,
        FindingInline,
        ImprovementPlanInline,
    ]


class RecommendationActionInline(admin.TabularInline):
    model = RecommendationAction
    extra = 0
    raw_id_fields = ["action"]
    readonly_fields = ["linked_by", "linked_at"]


@admin.register(Recommendation)
class RecommendationAdmin(SimpleHistoryAdmin):
    list_display = ["review", "number", "response", "owner_board", "illustrative"]
    list_filter = ["review__partnership", "response", "illustrative"]
    search_fields = ["text"]
    inlines = [RecommendationActionInline]


@admin.register(ImpactEvidence)
class ImpactEvidenceAdmin(SimpleHistoryAdmin):
    list_display = ["action", "date", "verified", "verified_on"]
    list_filter = ["verified"]
    raw_id_fields = ["action"]


@admin.register(MonitoringBody)
class MonitoringBodyAdmin(SimpleHistoryAdmin):
    list_display = ["plan", "position", "board", "name"]


@admin.register(NotImplementedDecision)
class NotImplementedDecisionAdmin(SimpleHistoryAdmin):
    list_display = ["review", "recommendation", "finding", "decided_on", "illustrative"]
    raw_id_fields = ["review", "recommendation", "finding", "recorded_by"]
