from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from boards.access import get_board_for_user

from .access import get_public_report, get_recipient_for_user, get_report_for_user, get_section_for_user
from .assembly import ReportRefusedError, start_report
from .editing import approve, record_sending, regather, save_section
from .forms import RecipientForm, SectionForm, StartReportForm
from .models import AnnualReport, AnnualReportRecipient
from .sections import display_sections


@login_required
@require_GET
def board_reports(request: HttpRequest, slug: str) -> HttpResponse:
    board, access = get_board_for_user(request.user, slug)
    form = StartReportForm(board=board, today=timezone.localdate()) if access.can_manage else None
    return _list_page(request, board, access, form)


def _list_page(request, board, access, form, status: int = 200) -> HttpResponse:
    reports = AnnualReport.objects.filter(board=board).select_related("approved_by").defer("facts")
    return render(
        request,
        "annual_reports/board_reports.html",
        {"board": board, "access": access, "reports": reports, "form": form},
        status=status,
    )


@login_required
@require_POST
def start(request: HttpRequest, slug: str) -> HttpResponse:
    board, access = get_board_for_user(request.user, slug)
    access.require_manage()
    form = StartReportForm(request.POST, board=board, today=timezone.localdate())
    if not form.is_valid():
        return _list_page(request, board, access, form, status=400)
    try:
        report = start_report(board, form.chosen_year, request.user)
    except ReportRefusedError as refusal:
        form.add_error("year", str(refusal))
        return _list_page(request, board, access, form, status=400)
    # The worker gathers the figures; the report page shows its progress.
    return redirect(report)


def _recipient_forms(report: AnnualReport, recipients, bound: dict[int, RecipientForm] | None = None) -> list:
    rows = []
    today = timezone.localdate()
    for recipient in recipients:
        form = (bound or {}).get(recipient.pk) or RecipientForm(
            prefix=f"recipient-{recipient.pk}", today=today, initial={"name": recipient.name}
        )
        form.helper = FormHelper()
        form.helper.form_action = reverse("annual_reports:recipient", args=[recipient.pk])
        form.helper.attrs = {"novalidate": ""}
        form.helper.layout = Layout(
            Field.text("name", label_size=Size.SMALL),
            Field("sent_on"),
            Button("record", "Record as sent", css_class="govuk-button--secondary"),
        )
        rows.append((recipient, form))
    return rows


def _report_page(request, report, access, bound_recipients=None, status: int = 200) -> HttpResponse:
    sections = list(report.sections.all())
    recipients = list(report.recipients.select_related("sent_by")) if report.has_statutory_recipients else []
    return render(
        request,
        "annual_reports/report_detail.html",
        {
            "report": report,
            "board": report.board,
            "access": access,
            "facts": report.facts,
            "items": display_sections(report, sections),
            "editable": access.can_manage and report.is_draft,
            "recipients": _recipient_forms(report, recipients, bound_recipients)
            if access.can_manage and report.is_approved
            else [(recipient, None) for recipient in recipients],
        },
        status=status,
    )


@login_required
@require_GET
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report, access = get_report_for_user(request.user, pk)
    return _report_page(request, report, access)


@login_required
@require_http_methods(["GET", "POST"])
def section_edit(request: HttpRequest, pk: int) -> HttpResponse:
    section, access = get_section_for_user(request.user, pk)
    access.require_manage()
    report = section.report
    if not report.is_draft:
        raise PermissionDenied("This report is approved: its sections can no longer change.")
    form = SectionForm(
        request.POST or None,
        heading=section.heading,
        initial={"body": section.body, "version": section.version},
    )
    conflict = ""
    if request.method == "POST" and form.is_valid():
        try:
            result = save_section(
                section.pk, request.user, form.cleaned_data["body"], form.cleaned_data["version"]
            )
        except ReportRefusedError as refusal:
            raise PermissionDenied(str(refusal)) from refusal
        if result.saved or not result.conflict_by:
            messages.success(
                request, f"“{section.heading}” is saved." if result.saved else "Nothing had changed."
            )
            return redirect(result.section)
        conflict = result.conflict_by
        section = result.section
        # Keep what they typed; the version moves on so that saving again overwrites knowingly.
        form = SectionForm(
            data={"body": form.cleaned_data["body"], "version": section.version}, heading=section.heading
        )
        form.is_valid()
    history = section.history.select_related("history_user")[:20]
    return render(
        request,
        "annual_reports/section_form.html",
        {
            "section": section,
            "report": report,
            "board": report.board,
            "form": form,
            "conflict": conflict,
            "latest_body": section.body if conflict else "",
            "history": history,
        },
        status=409 if conflict else (400 if form.errors else 200),
    )


@login_required
@require_POST
def approve_report(request: HttpRequest, pk: int) -> HttpResponse:
    report, access = get_report_for_user(request.user, pk)
    access.require_manage()
    try:
        approve(report.pk, request.user)
    except ReportRefusedError as refusal:
        messages.info(request, str(refusal))
        return redirect(report)
    messages.success(
        request, "The report is approved. Its public page is live; the PDF and Word files are being made."
    )
    return redirect(report)


@login_required
@require_POST
def gather_again(request: HttpRequest, pk: int) -> HttpResponse:
    report, access = get_report_for_user(request.user, pk)
    access.require_manage()
    try:
        regather(report.pk, request.user)
    except ReportRefusedError as refusal:
        messages.info(request, str(refusal))
    return redirect(report)


@login_required
@require_GET
def gather_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The figures' status partial; htmx polls it every 2 s while they are gathered, and
    reloads the page (HX-Refresh) once they are, so the sections appear."""
    report, access = get_report_for_user(request.user, pk)
    response = render(request, "annual_reports/_gathering.html", {"report": report, "access": access})
    if report.is_gathered and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_GET
def render_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The files' status partial; htmx polls it every 2 s until they are made."""
    report, _access = get_report_for_user(request.user, pk)
    return render(request, "annual_reports/_files.html", {"report": report})


@login_required
@require_POST
def recipient_record(request: HttpRequest, pk: int) -> HttpResponse:
    recipient, access = get_recipient_for_user(request.user, pk)
    access.require_manage()
    report = recipient.report
    form = RecipientForm(request.POST, prefix=f"recipient-{recipient.pk}", today=timezone.localdate())
    if not form.is_valid():
        report, access = get_report_for_user(request.user, report.pk)
        return _report_page(request, report, access, bound_recipients={recipient.pk: form}, status=400)
    try:
        record_sending(recipient.pk, request.user, form.cleaned_data["name"], form.cleaned_data["sent_on"])
    except ReportRefusedError as refusal:
        raise PermissionDenied(str(refusal)) from refusal
    messages.success(request, f"Recorded: sent to {recipient.get_role_display().lower()}.")
    return redirect(AnnualReportRecipient.objects.get(pk=recipient.pk))


# --- Public: readable signed out, approved reports only --------------------------------


@require_GET
def public_report(request: HttpRequest, board_slug: str, year: str) -> HttpResponse:
    report = get_public_report(board_slug, year)
    return render(
        request,
        "annual_reports/public.html",
        {
            "report": report,
            "facts": report.facts,
            "items": display_sections(report, list(report.sections.all())),
        },
    )


def _file_response(report: AnnualReport, field: str, content_type: str, extension: str) -> FileResponse:
    stored = getattr(report, field)
    if not report.files_ready or not stored:
        raise Http404("The file is not made yet.")
    try:
        handle = stored.open("rb")
    except FileNotFoundError as error:
        raise Http404("The file is missing.") from error
    return FileResponse(
        handle, as_attachment=True, filename=report.file_name(extension), content_type=content_type
    )


@require_GET
def public_pdf(request: HttpRequest, board_slug: str, year: str) -> FileResponse:
    return _file_response(get_public_report(board_slug, year), "pdf", "application/pdf", "pdf")


@require_GET
def public_docx(request: HttpRequest, board_slug: str, year: str) -> FileResponse:
    return _file_response(
        get_public_report(board_slug, year),
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
    )
