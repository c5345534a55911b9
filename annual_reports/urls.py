from django.urls import path

from . import views

app_name = "annual_reports"

urlpatterns = [
    path("boards/<slug:slug>/", views.board_reports, name="board_reports"),
    path("boards/<slug:slug>/start/", views.start, name="start"),
    path("<int:pk>/", views.report_detail, name="report"),
    path("<int:pk>/approve/", views.approve_report, name="approve"),
    path("<int:pk>/gathering/", views.gather_status, name="gathering"),
    path("<int:pk>/gather-again/", views.gather_again, name="gather_again"),
    path("<int:pk>/files/", views.render_status, name="files"),
    path("sections/<int:pk>/edit/", views.section_edit, name="section_edit"),
    path("recipients/<int:pk>/", views.recipient_record, name="recipient"),
    # The stable public address of an approved report, readable signed out.
    path("published/<slug:board_slug>/<slug:year>/", views.public_report, name="public"),
    path("published/<slug:board_slug>/<slug:year>/report.pdf", views.public_pdf, name="public_pdf"),
    path("published/<slug:board_slug>/<slug:year>/report.docx", views.public_docx, name="public_docx"),
]
