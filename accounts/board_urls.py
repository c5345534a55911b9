"""A board's invitations, for its managers: under /boards/<slug>/, in the ``accounts`` namespace."""

from django.urls import path

from . import invitation_views

app_name = "accounts"

urlpatterns = [
    path("boards/<slug:slug>/invitations/", invitation_views.invitation_list, name="invitations"),
    path(
        "boards/<slug:slug>/invitations/<int:pk>/resend/",
        invitation_views.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "boards/<slug:slug>/invitations/<int:pk>/revoke/",
        invitation_views.invitation_revoke,
        name="invitation_revoke",
    ),
]
