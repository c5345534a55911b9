from django.urls import include, path

from . import approval_views, structure_views, views

app_name = "plans"

urlpatterns = [
    path("<int:pk>/", views.plan_detail, name="plan"),
    path("boards/<slug:slug>/new/", structure_views.plan_create, name="plan_create"),
    path("<int:pk>/arrange/", structure_views.arrange, name="arrange"),
    path("<int:pk>/archive/", structure_views.archive, name="archive"),
    path("<int:pk>/restore/", structure_views.restore, name="restore"),
    path("<int:pk>/approve/", approval_views.approve_plan, name="approve"),
    path("<int:pk>/revise/", approval_views.revise_plan, name="revise"),
    path("<int:pk>/priority-areas/new/", structure_views.priority_area_create, name="priority_area_create"),
    path(
        "priority-areas/<int:pk>/objectives/new/", structure_views.objective_create, name="objective_create"
    ),
    path("objectives/<int:pk>/measures/new/", structure_views.measure_create, name="measure_create"),
    path("<slug:kind>/<int:pk>/move/", structure_views.move_part, name="move"),
    path("<slug:kind>/<int:pk>/remove/", structure_views.remove_part, name="remove"),
    path("actions/<int:pk>/", views.action_detail, name="action"),
    path("", include("plans.transfer.urls")),
    path("my-actions/", views.my_actions, name="my_actions"),
    path("actions/<int:pk>/update/", views.action_update, name="action_update"),
    path("actions/<int:pk>/edit/", views.action_edit, name="action_edit"),
    path("objectives/<int:objective_pk>/actions/new/", views.action_create, name="action_create"),
    path("actions/<int:pk>/due-date/", views.due_date_request, name="due_date_request"),
    path("due-date-changes/<int:pk>/decide/", views.due_date_decide, name="due_date_decide"),
    path("<slug:kind>/<int:pk>/edit/", views.object_edit, name="edit"),
    path("<slug:kind>/<int:pk>/history/", views.history, name="history"),
    path("<slug:kind>/<int:pk>/history/revert/", views.history_revert, name="history_revert"),
]
