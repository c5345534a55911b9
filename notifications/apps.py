from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notifications"
    verbose_name = "Reminders and notifications"

    def ready(self) -> None:
        from plans.extensions import register_page_state

        from . import framework_consent, unread  # noqa: F401  (connect their receivers)

        # The header's unread badge: a kept plan page frame is drawn for one count.
        register_page_state(unread.page_state)
