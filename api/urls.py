from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import feed, token_views, views

app_name = "api"

urlpatterns = [
    # Version 1 of the API: a breaking change gets v2/ beside it.
    path("v1/boards/", views.BoardList.as_view(), name="boards"),
    path("v1/boards/<slug:slug>/feed.json", feed.BoardFeed.as_view(), name="feed_json"),
    path("v1/boards/<slug:slug>/feed.csv", feed.BoardFeedCSV.as_view(), name="feed_csv"),
    path("v1/plans/", views.PlanList.as_view(), name="plans"),
    path("v1/plans/<int:pk>/", views.PlanDetail.as_view(), name="plan"),
    path("v1/priority-areas/", views.PriorityAreaList.as_view(), name="priority_areas"),
    path("v1/priority-areas/<int:pk>/", views.PriorityAreaDetail.as_view(), name="priority_area"),
    path("v1/objectives/", views.ObjectiveList.as_view(), name="objectives"),
    path("v1/objectives/<int:pk>/", views.ObjectiveDetail.as_view(), name="objective"),
    path("v1/actions/", views.ActionList.as_view(), name="actions"),
    path("v1/actions/<int:pk>/", views.ActionDetail.as_view(), name="action"),
    path("v1/actions/<int:pk>/progress-updates/", views.ProgressUpdates.as_view(), name="progress_updates"),
    path("v1/actions/<int:pk>/status/", views.ActionStatus.as_view(), name="action_status"),
    path("v1/actions/<int:pk>/due-date-changes/", views.DueDateChanges.as_view(), name="due_date_changes"),
    path("v1/indicators/", views.IndicatorList.as_view(), name="indicators"),
    path("v1/indicators/<int:pk>/", views.IndicatorDetail.as_view(), name="indicator"),
    path("v1/reviews/", views.ReviewList.as_view(), name="reviews"),
    path("v1/reviews/<int:pk>/", views.ReviewDetail.as_view(), name="review"),
    path("v1/schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "v1/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/swagger_ui.html"),
        name="docs",
    ),
    re_path(r"^v1/", views.not_found),
    # Personal access tokens: pages of the site (signed in with the session), not the API.
    path("tokens/", token_views.token_list, name="tokens"),
    path("tokens/new/", token_views.token_create, name="token_create"),
    path("tokens/<int:pk>/revoke/", token_views.token_revoke, name="token_revoke"),
]
