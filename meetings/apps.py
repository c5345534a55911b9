from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "meetings"
    verbose_name = "Board meetings and reports"

    def ready(self) -> None:
        from plans.extensions import (
            demo_loaded,
            plan_approved,
            register_action_panel,
            register_approval_decision_choices,
            register_plan_page_annotations,
            register_plan_panel,
        )

        from . import demo, panels, plan_approval

        register_action_panel(panels.action_arising_panel)
        register_plan_panel(panels.plan_approval_panel)
        register_plan_page_annotations(panels.plan_page_annotations)
        register_approval_decision_choices(plan_approval.decision_choices)
        plan_approved.connect(plan_approval.record_approving_decision, dispatch_uid="meetings.plan_approval")
        # dispatch_uid: ready() can run twice in tests; connect once.
        demo_loaded.connect(demo.load_meetings_demo, dispatch_uid="meetings.demo")
