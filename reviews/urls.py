from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    path("", views.index, name="index"),
    path("partnerships/<slug:slug>/", views.partnership_reviews, name="partnership"),
    path("partnerships/<slug:slug>/new/", views.review_create, name="review_create"),
    path("<int:pk>/", views.review_detail, name="review"),
    path("<int:pk>/edit/", views.review_edit, name="review_edit"),
    path("<int:pk>/recommendations/new/", views.recommendation_create, name="recommendation_create"),
    path("<int:pk>/<slug:part>/add/", views.review_part_add, name="review_part_add"),
    path("<int:pk>/<slug:part>/<int:item_pk>/remove/", views.review_part_remove, name="review_part_remove"),
    path("boards/<slug:slug>/in-progress/", views.board_in_progress, name="board_in_progress"),
    path(
        "<int:pk>/<slug:subject>/<int:item_pk>/not-implemented/",
        views.not_implemented_record,
        name="not_implemented_record",
    ),
    path(
        "not-implemented/<int:pk>/withdraw/", views.not_implemented_withdraw, name="not_implemented_withdraw"
    ),
    path("<int:pk>/improvement-plan/", views.improvement_plan_create, name="improvement_plan_create"),
    path("recommendations/<int:pk>/edit/", views.recommendation_edit, name="recommendation_edit"),
    path("recommendations/<int:pk>/link/", views.recommendation_link, name="recommendation_link"),
    path(
        "recommendations/<int:pk>/actions/<int:action_pk>/unlink/",
        views.recommendation_unlink,
        name="recommendation_unlink",
    ),
    path("actions/<int:action_pk>/evidence/", views.evidence_create, name="evidence_create"),
    path("evidence/<int:pk>/verify/", views.evidence_verify, name="evidence_verify"),
    path("plans/<int:plan_pk>/monitoring/", views.monitoring, name="monitoring"),
    path(
        "plans/<int:plan_pk>/monitoring/<int:pk>/remove/", views.monitoring_remove, name="monitoring_remove"
    ),
]
