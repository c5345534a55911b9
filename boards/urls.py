from django.urls import path

from . import framework_views, manage_views, views

app_name = "boards"

urlpatterns = [
    path("", views.home, name="home"),
    path("boards/<slug:slug>/", views.board_detail, name="board"),
    path("frameworks/", framework_views.framework_list, name="frameworks"),
    path("frameworks/new/", framework_views.framework_create, name="framework_create"),
    path("frameworks/<int:pk>/", framework_views.framework_detail, name="framework"),
    path("frameworks/<int:pk>/boards/", framework_views.add_framework_board, name="framework_board_add"),
    path(
        "frameworks/<int:pk>/responsibilities/",
        framework_views.add_responsibility,
        name="framework_responsibility_add",
    ),
    path(
        "frameworks/<int:pk>/shared-functions/",
        framework_views.add_shared_function,
        name="framework_shared_add",
    ),
    path(
        "frameworks/<int:pk>/<slug:part>/<int:part_pk>/remove/",
        framework_views.remove_from_draft,
        name="framework_part_remove",
    ),
    path("frameworks/<int:pk>/diagram.svg", framework_views.framework_diagram, name="framework_diagram"),
    path("frameworks/<int:pk>/framework.pdf", framework_views.framework_pdf_view, name="framework_pdf"),
    path("frameworks/<int:pk>/edit/", framework_views.edit_framework, name="framework_edit"),
    path("frameworks/<int:pk>/adoptions/", framework_views.record_adoption, name="framework_adopt"),
    path("frameworks/<int:pk>/propose/", framework_views.propose_framework, name="framework_propose"),
    path("frameworks/<int:pk>/new-version/", framework_views.new_version, name="framework_new_version"),
    path(
        "frameworks/<int:pk>/relationships/",
        framework_views.add_relationship,
        name="framework_relationship_add",
    ),
    path(
        "frameworks/<int:pk>/relationships/<int:relationship_pk>/delete/",
        framework_views.delete_relationship,
        name="framework_relationship_delete",
    ),
    # Board administration (managers only); invitations are in accounts/board_urls.py.
    path("boards/<slug:slug>/members/<int:pk>/", manage_views.member_edit, name="member_edit"),
    path("boards/<slug:slug>/members/<int:pk>/remove/", manage_views.member_remove, name="member_remove"),
    path("boards/<slug:slug>/sub-committees/new/", manage_views.sub_committee_edit, name="sub_committee_new"),
    path(
        "boards/<slug:slug>/sub-committees/<int:pk>/",
        manage_views.sub_committee_edit,
        name="sub_committee_edit",
    ),
]
