from django.urls import include, path

from . import views

app_name = "plans"

urlpatterns = [
    path("<int:pk>/", views.plan_detail, name="plan"),
    path("actions/<int:pk>/", views.action_detail, name="action"),
    path("", include("plans.transfer.urls")),
]
