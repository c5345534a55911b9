from django.urls import path

from . import views

app_name = "transfer"

urlpatterns = [
    path("boards/<slug:slug>/import/", views.upload_new_plan, name="upload_new_plan"),
    path("<int:pk>/import/", views.upload_into_plan, name="upload_into_plan"),
    path("<int:pk>/export.<str:fmt>", views.export, name="export"),
    path("<int:pk>/export.<str:fmt>/making/", views.export_status, name="export_status"),
    path("<int:pk>/export.<str:fmt>/making/progress/", views.export_progress, name="export_progress"),
    path("imports/<uuid:pk>/mapping/", views.mapping, name="mapping"),
    path("imports/<uuid:pk>/preview/", views.preview, name="preview"),
    path("imports/<uuid:pk>/rows/", views.overrides, name="overrides"),
    path("imports/<uuid:pk>/start/", views.start, name="start"),
    path("imports/<uuid:pk>/", views.job_detail, name="job"),
    path("imports/<uuid:pk>/progress/", views.job_progress, name="progress"),
]
