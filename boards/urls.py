from django.urls import path

from . import views

app_name = "boards"

urlpatterns = [
    path("", views.home, name="home"),
    path("boards/<slug:slug>/", views.board_detail, name="board"),
]
