from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The REST API (/api/v1/) and personal access tokens. It gathers from plans, reviews and
    performance like packs does; nothing imports it."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "api"
    verbose_name = "API"
