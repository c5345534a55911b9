from django.apps import AppConfig


class AnnualReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "annual_reports"
    verbose_name = "Annual reports"

    def ready(self) -> None:
        from plans.extensions import demo_loaded

        from . import demo

        # Connected after reviews, meetings and performance (INSTALLED_APPS order): the demo
        # reports are assembled from their demo data.
        demo_loaded.connect(demo.load_demo_reports, dispatch_uid="annual_reports.demo")
