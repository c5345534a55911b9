from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Board, Membership, Partnership, SubCommittee


@admin.register(Partnership)
class PartnershipAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class SubCommitteeInline(admin.TabularInline):
    model = SubCommittee
    extra = 0
    autocomplete_fields = ["chair"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Board)
class BoardAdmin(SimpleHistoryAdmin):
    list_display = ["name", "short_name", "partnership", "kind"]
    list_filter = ["partnership", "kind"]
    search_fields = ["name", "short_name"]
    prepopulated_fields = {"slug": ["short_name"]}
    autocomplete_fields = ["independent_chair"]
    inlines = [SubCommitteeInline, MembershipInline]


@admin.register(SubCommittee)
class SubCommitteeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "board", "chair"]
    list_filter = ["board"]
    search_fields = ["name"]
    autocomplete_fields = ["chair"]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "board", "role", "job_title"]
    list_filter = ["board", "role"]
    search_fields = ["user__username", "user__email", "user__last_name"]
    autocomplete_fields = ["user"]


# --- Frameworks of cooperation ------------------------------------------------
from .frameworks import (  # noqa: E402
    Adoption,
    Framework,
    FrameworkBoard,
    Relationship,
    Responsibility,
    SharedFunction,
)


class FrameworkBoardInline(admin.TabularInline):
    model = FrameworkBoard
    extra = 0


class RelationshipInline(admin.TabularInline):
    model = Relationship
    extra = 0


class SharedFunctionInline(admin.TabularInline):
    model = SharedFunction
    extra = 0


@admin.register(Framework)
class FrameworkAdmin(SimpleHistoryAdmin):
    list_display = ["title", "version", "partnership", "status"]
    list_filter = ["partnership", "status"]
    inlines = [FrameworkBoardInline, RelationshipInline, SharedFunctionInline]


class ResponsibilityInline(admin.TabularInline):
    model = Responsibility
    extra = 0


@admin.register(FrameworkBoard)
class FrameworkBoardAdmin(SimpleHistoryAdmin):
    list_display = ["framework", "board", "primary_function", "is_party"]
    inlines = [ResponsibilityInline]


@admin.register(Adoption)
class AdoptionAdmin(SimpleHistoryAdmin):
    list_display = ["framework", "board", "decision", "meeting_date", "recorded_by"]
    list_filter = ["decision"]
