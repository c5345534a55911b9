from django.apps import AppConfig


class FrameworksConfig(AppConfig):
    """Frameworks of cooperation between boards, their governance diagram and each board's consent.

    Sits above ``boards``: it imports boards, boards never imports it.
    """

    default_auto_field = "django.db.models.BigAutoField"
    name = "frameworks"
    verbose_name = "Frameworks of cooperation"
