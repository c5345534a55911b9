from django.urls import path

from . import manage_views, views

app_name = "boards"

urlpatterns = [
    path("", views.home, name="home"),
    path("boards/<slug:slug>/", views.board_detail, name="board"),
    # Board administration (managers only).
    path("boards/<slug:slug>/members/<int:pk>/", manage_views.member_edit, name="member_edit"),
    path("boards/<slug:slug>/members/<int:pk>/remove/", manage_views.member_remove, name="member_remove"),
    path("boards/<slug:slug>/sub-committees/new/", manage_views.sub_committee_edit, name="sub_committee_new"),
    path(
        "boards/<slug:slug>/sub-committees/<int:pk>/",
        manage_views.sub_committee_edit,
        name="sub_committee_edit",
    ),
    path("boards/<slug:slug>/invitations/", manage_views.invitation_list, name="invitations"),
    path(
        "boards/<slug:slug>/invitations/<int:pk>/resend/",
        manage_views.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "boards/<slug:slug>/invitations/<int:pk>/revoke/",
        manage_views.invitation_revoke,
        name="invitation_revoke",
    ),
]
