from django.urls import path

from . import views

app_name = "performance"

urlpatterns = [
    path("boards/<slug:slug>/", views.indicator_list, name="indicators"),
    path("boards/<slug:slug>/import/", views.import_values, name="import"),
    path("boards/<slug:slug>/import/confirm/", views.confirm_import, name="confirm_import"),
    path("indicators/<int:pk>/", views.indicator_detail, name="indicator"),
]
