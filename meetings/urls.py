from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("", views.index, name="index"),
    path("boards/<slug:slug>/", views.board_meetings, name="board_meetings"),
    path("boards/<slug:slug>/new/", views.meeting_create, name="meeting_create"),
    path("boards/<slug:slug>/calendar.ics", views.calendar_feed, name="calendar"),
    path("boards/<slug:slug>/reports/new/", views.report_create, name="report_create"),
    path("calendar/<str:token>/meetings.ics", views.calendar_token_feed, name="calendar_token"),
    path("boards/<slug:slug>/calendar/new/", views.calendar_address_new, name="calendar_address_new"),
    path(
        "boards/<slug:slug>/calendar/revoke/", views.calendar_address_revoke, name="calendar_address_revoke"
    ),
    path("<int:pk>/", views.meeting_detail, name="meeting"),
    path("<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("<int:pk>/attendance/", views.attendance_edit, name="attendance_edit"),
    path("boards/<slug:slug>/attendance/", views.board_attendance, name="board_attendance"),
    path("<int:pk>/items/", views.agenda_item_add, name="agenda_item_add"),
    path("items/<int:pk>/decisions/", views.decision_add, name="decision_add"),
    path("items/<int:pk>/move/<str:direction>/", views.agenda_item_move, name="agenda_item_move"),
    path("items/<int:pk>/delete/", views.agenda_item_delete, name="agenda_item_delete"),
    path("decisions/<int:pk>/delete/", views.decision_delete, name="decision_delete"),
    path("items/<int:pk>/actions/new/", views.action_arising_create, name="action_arising_create"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/edit/", views.report_edit, name="report_edit"),
    path("reports/<int:pk>/report.pdf", views.report_pdf_view, name="report_pdf"),
]
