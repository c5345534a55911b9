from django.apps import AppConfig


class AnnualReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "annual_reports"
    verbose_name = "Annual reports"
