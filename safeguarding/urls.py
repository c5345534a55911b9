from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from . import metrics_view, views

urlpatterns = [
    path("accounts/", include("accounts.urls")),
    # Staff sign in through the site's own page (throttling, two-factor), never the admin's.
    path("admin/login/", RedirectView.as_view(pattern_name="login", query_string=True)),
    path("admin/", admin.site.urls),
    path("healthz/", views.healthz, name="healthz"),
    path("metrics", metrics_view.metrics, name="metrics"),
    # Pages name their icon; this answers browsers and pages (the admin) that ask by the old name.
    path("favicon.ico", RedirectView.as_view(url=static("images/favicon.svg"), permanent=True)),
    path("plans/", include("plans.urls")),
    path("meetings/", include("meetings.urls")),
    path("reviews/", include("reviews.urls")),
    path("notifications/", include("notifications.urls")),
    path("performance/", include("performance.urls")),
    path("packs/", include("packs.urls")),
    path("frameworks/", include("frameworks.urls")),
    path("annual-reports/", include("annual_reports.urls")),
    path("api/", include("api.urls")),
    path("", include("accounts.board_urls")),
    path("", include("boards.urls")),
]

handler403 = "safeguarding.views.permission_denied"
handler500 = "safeguarding.views.server_error"
