from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Agency, Board, Membership, Partnership, SubCommittee


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
    list_display = ["user", "board", "role", "job_title", "agency"]
    list_filter = ["board", "role"]
    search_fields = ["user__username", "user__email", "user__last_name"]
    autocomplete_fields = ["user"]


@admin.register(Agency)
class AgencyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "partnership", "kind", "illustrative"]
    list_filter = ["partnership", "kind"]
    search_fields = ["name"]
