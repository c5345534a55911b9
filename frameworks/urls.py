from django.urls import path

from . import views

app_name = "frameworks"

# The paths are those the pages had while they lived in the boards app, so links and bookmarks still work.
urlpatterns = [
    path("", views.framework_list, name="list"),
    path("new/", views.framework_create, name="create"),
    path("<int:pk>/", views.framework_detail, name="detail"),
    path("<int:pk>/boards/", views.add_framework_board, name="board_add"),
    path("<int:pk>/boards/<int:binding_pk>/consent/", views.consent_to_binding, name="consent"),
    path("<int:pk>/boards/<int:binding_pk>/decline/", views.decline_binding, name="decline"),
    path("<int:pk>/boards/<int:binding_pk>/edit/", views.edit_board_section, name="board_edit"),
    path("<int:pk>/responsibilities/", views.add_responsibility, name="responsibility_add"),
    path("<int:pk>/shared-functions/", views.add_shared_function, name="shared_add"),
    path("<int:pk>/<slug:part>/<int:part_pk>/remove/", views.remove_from_draft, name="part_remove"),
    path("<int:pk>/diagram.svg", views.framework_diagram, name="diagram"),
    path("<int:pk>/framework.pdf", views.framework_pdf_view, name="pdf"),
    path("<int:pk>/edit/", views.edit_framework, name="edit"),
    path("<int:pk>/adoptions/", views.record_adoption, name="adopt"),
    path("<int:pk>/propose/", views.propose_framework, name="propose"),
    path("<int:pk>/new-version/", views.new_version, name="new_version"),
    path("<int:pk>/relationships/", views.add_relationship, name="relationship_add"),
    path(
        "<int:pk>/relationships/<int:relationship_pk>/delete/",
        views.delete_relationship,
        name="relationship_delete",
    ),
]
