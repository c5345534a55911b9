from django.urls import path

from . import views

app_name = "packs"

urlpatterns = [
    path("boards/<slug:slug>/", views.pack_list, name="list"),
    path("boards/<slug:slug>/request/", views.request_board_pack, name="request"),
    path(
        "boards/<slug:slug>/preview-as-if-approved/<int:plan_pk>/",
        views.preview_as_if_approved,
        name="preview_as_if_approved",
    ),
    path("<int:pk>/", views.pack_detail, name="pack"),
    path("<int:pk>/status/", views.pack_status, name="status"),
    path("<int:pk>/preview/", views.pack_preview, name="preview"),
    path("<int:pk>/download/", views.pack_download, name="download"),
    path("<int:pk>/annex/", views.annex_download, name="annex"),
]
