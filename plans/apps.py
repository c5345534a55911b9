from django.apps import AppConfig


class PlansConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "plans"
    verbose_name = "Business plans"

    def ready(self) -> None:
        from . import content_version  # noqa: F401 (connects the signals that bump plans' content versions)
