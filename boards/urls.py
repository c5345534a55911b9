from django.urls import path

from . import agency_views, manage_views, views

app_name = "boards"

urlpatterns = [
    path("", views.home, name="home"),
    path("boards/<slug:slug>/", views.board_detail, name="board"),
    # Board administration (managers only); invitations are in accounts/board_urls.py.
    path("boards/<slug:slug>/agencies/", agency_views.agencies, name="agencies"),
    path("boards/<slug:slug>/agencies/<int:pk>/", agency_views.agency_edit, name="agency_edit"),
    path("boards/<slug:slug>/members/<int:pk>/", manage_views.member_edit, name="member_edit"),
    path("boards/<slug:slug>/members/<int:pk>/remove/", manage_views.member_remove, name="member_remove"),
    path("boards/<slug:slug>/sub-committees/new/", manage_views.sub_committee_edit, name="sub_committee_new"),
    path(
        "boards/<slug:slug>/sub-committees/<int:pk>/",
        manage_views.sub_committee_edit,
        name="sub_committee_edit",
    ),
]
