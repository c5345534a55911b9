from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "meetings"
    verbose_name = "Board meetings and reports"

    def ready(self) -> None:
        from plans.extensions import demo_loaded, register_action_panel

        from . import demo, panels

        register_action_panel(panels.action_arising_panel)
        # dispatch_uid: ready() can run twice in tests; connect once.
        demo_loaded.connect(demo.load_meetings_demo, dispatch_uid="meetings.demo")
