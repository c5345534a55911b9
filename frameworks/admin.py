from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
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
