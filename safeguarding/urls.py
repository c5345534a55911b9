from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("healthz/", views.healthz, name="healthz"),
    path("plans/", include("plans.urls")),
    path("performance/", include("performance.urls")),
    path("packs/", include("packs.urls")),
    path("", include("boards.urls")),
]

handler403 = "safeguarding.views.permission_denied"
