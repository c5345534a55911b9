from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reviews"
    verbose_name = "Reviews and inspections"

    def ready(self) -> None:
        from plans.extensions import (
            demo_loaded,
            plan_revision_started,
            register_action_panel,
            register_plan_page_annotations,
            register_plan_panel,
        )

        from .demo import load_reviews_demo
        from .panels import action_recommendations_panel, plan_monitoring_panel, plan_page_annotations
        from .revisions import copy_review_links

        register_plan_page_annotations(plan_page_annotations)
        register_plan_panel(plan_monitoring_panel)
        register_action_panel(action_recommendations_panel)
        demo_loaded.connect(load_reviews_demo, dispatch_uid="reviews.demo")
        plan_revision_started.connect(copy_review_links, dispatch_uid="reviews.revisions")
