from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notifications"
    verbose_name = "Reminders and notifications"

    def ready(self) -> None:
        from . import framework_consent, unread  # noqa: F401  (connect their receivers)
