from django.contrib import admin

from .models import CalendarFeedToken, Notification, NotificationPreference, SentClockReminder, SentReminder


@admin.register(SentReminder)
class SentReminderAdmin(admin.ModelAdmin):
    list_display = ["day", "kind", "recipient", "board", "action", "status", "attempts", "sent_at"]
    list_filter = ["kind", "status", "day"]
    raw_id_fields = ["recipient", "action", "board"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created", "user", "kind", "text", "read_at"]
    list_filter = ["kind"]
    raw_id_fields = ["user", "board"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "due_soon", "digest"]
    raw_id_fields = ["user"]


@admin.register(CalendarFeedToken)
class CalendarFeedTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "created", "revoked_at"]
    readonly_fields = ["token_hash"]
    raw_id_fields = ["user"]


@admin.register(SentClockReminder)
class SentClockReminderAdmin(admin.ModelAdmin):
    list_display = ["day", "kind", "recipient", "review", "clock", "due", "status", "attempts", "sent_at"]
    list_filter = ["kind", "status", "day"]
    raw_id_fields = ["recipient", "review", "board"]
