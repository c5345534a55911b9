"""Board packs in the Django admin, read-only: a pack is what the board was given.

The inputs fingerprint (a sha256 of the pack's snapshot) lives here for the service
team, who use it to tell whether two packs were made from the same inputs; it means
nothing to board members, so the pack pages do not show it.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from .models import BoardPack

# Every field the admin shows a pack with, all read-only.
PACK_FIELDS = (
    "title",
    "board",
    "period_kind",
    "period_label",
    "period_start",
    "period_end",
    "status",
    "progress_message",
    "error",
    "requested_by",
    "created_at",
    "sent_to_worker_at",
    "attempts",
    "finished_at",
    "pages",
    "pdf",
    "has_annex",
    "annex_attempts",
    "annex_pages",
    "annex_pdf",
    "parts_progress",
    "input_hash",
)


@admin.register(BoardPack)
class BoardPackAdmin(admin.ModelAdmin):
    list_display = ["title", "board", "period_kind", "status", "pages", "created_at", "short_fingerprint"]
    list_filter = ["status", "period_kind", "board"]
    search_fields = ["title", "input_hash"]
    list_select_related = ["board"]
    # The snapshot can run to megabytes for a large plan: it is left out of the page.
    fields = PACK_FIELDS
    readonly_fields = PACK_FIELDS

    @admin.display(description="Inputs fingerprint", ordering="input_hash")
    def short_fingerprint(self, pack: BoardPack) -> str:
        return pack.input_hash[:16]

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).defer("snapshot")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # packs are made from a board's pack page, from a snapshot

    def has_change_permission(self, request: HttpRequest, obj: BoardPack | None = None) -> bool:
        return False  # an issued pack is never edited: it is what the board saw
