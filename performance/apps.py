from django.apps import AppConfig


class PerformanceConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "performance"
    verbose_name = "Performance dataset"

    def ready(self) -> None:
        from plans.extensions import demo_loaded

        from . import demo

        demo_loaded.connect(demo.load_demo_indicators, dispatch_uid="performance.demo")
