"""Import and export pages. Only managers of the board import (others 403, outsiders 404);
every member of the board may export."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.forms.utils import ErrorDict
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from boards.access import board_access, get_board_for_user
from boards.models import Board
from plans.access import get_plan_for_user, require_open
from plans.models import ImportJob

from . import jobs
from .exporter import EXPORTERS
from .files import MAX_BYTES, FileRefusedError, read_upload
from .forms import MappingForm, NewPlanUploadForm, UploadForm
from .mapping import FIELD_LABELS, mapping_problems
from .parsing import clean, normalise_heading


def _job_for_manager(request: HttpRequest, pk) -> ImportJob:
    job = get_object_or_404(
        ImportJob.objects.select_related("board", "plan", "created_by"),
        pk=pk,
        board__in=Board.objects.visible_to(request.user),
    )
    board_access(request.user, job.board).require_manage()
    return job


def _too_big(request: HttpRequest) -> bool:
    """Refuse an oversized upload from its declared length, before Django reads the body."""
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BYTES + 1024 * 1024
    except ValueError:
        return True


def _bound(form_class, request: HttpRequest, **kwargs):
    if request.method == "POST" and _too_big(request):
        # Not request.POST: reading it would first stream the whole upload to disk.
        form = form_class(data={}, **kwargs)
        form.cleaned_data = {}
        form._errors = ErrorDict({"file": form.error_class(["The file must be smaller than 20 MB."])})
        return form
    return form_class(request.POST or None, request.FILES or None, **kwargs)


def _read(form) -> dict | None:
    upload = form.cleaned_data["file"]
    try:
        return read_upload(upload.name, upload.read()).as_json()
    except FileRefusedError as refusal:
        form.add_error("file", str(refusal))
        return None


@login_required
@require_http_methods(["GET", "POST"])
def upload_new_plan(request: HttpRequest, slug: str) -> HttpResponse:
    board, access = get_board_for_user(request.user, slug)
    access.require_manage()
    form = _bound(NewPlanUploadForm, request, board=board)
    if request.method == "POST" and form.is_valid() and (extracted := _read(form)):
        data = form.cleaned_data
        job = jobs.new_job(
            extracted=extracted,
            file_name=data["file"].name,
            board=board,
            user=request.user,
            new_plan={
                "title": data["title"],
                "period_start": data["period_start"].isoformat(),
                "period_end": data["period_end"].isoformat(),
            },
            progress_as_of=data["progress_as_of"],
        )
        return redirect("plans:transfer:mapping", pk=job.pk)
    return render(request, "plans/transfer/upload.html", {"form": form, "board": board, "plan": None})


@login_required
@require_http_methods(["GET", "POST"])
def upload_into_plan(request: HttpRequest, pk: int) -> HttpResponse:
    plan, access = get_plan_for_user(request.user, pk)
    access.require_manage()
    require_open(plan)
    form = _bound(UploadForm, request)
    if request.method == "POST" and form.is_valid() and (extracted := _read(form)):
        job = jobs.new_job(
            extracted=extracted,
            file_name=form.cleaned_data["file"].name,
            board=plan.board,
            user=request.user,
            plan=plan,
            progress_as_of=form.cleaned_data["progress_as_of"],
        )
        return redirect("plans:transfer:mapping", pk=job.pk)
    return render(request, "plans/transfer/upload.html", {"form": form, "board": plan.board, "plan": plan})


def _headings(job: ImportJob) -> list[tuple[str, str, list[str]]]:
    """Each distinct column heading: (normalised key, as written, a few example values)."""
    found: dict[str, tuple[str, list[str]]] = {}
    for table in job.extracted.get("tables", []):
        for index, heading in enumerate(table["header"]):
            key = normalise_heading(heading)
            if not key:
                continue
            _label, samples = found.setdefault(key, (clean(heading), []))
            for row in table["rows"]:
                if len(samples) >= 2:
                    break
                value = clean(row["cells"][index]) if index < len(row["cells"]) else ""
                if value and value not in samples:
                    samples.append(value[:80] + ("…" if len(value) > 80 else ""))
    return [(key, label, samples) for key, (label, samples) in found.items()]


@login_required
@require_http_methods(["GET", "POST"])
def mapping(request: HttpRequest, pk) -> HttpResponse:
    job = _job_for_manager(request, pk)
    if job.state != ImportJob.State.PREVIEW:
        return redirect(job)
    form = MappingForm(request.POST or None, headings=_headings(job), mapping=job.mapping)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        job.mapping = form.mapping()
        problems = mapping_problems(job.mapping)
        if not problems:
            jobs.preview(job)
            return redirect("plans:transfer:preview", pk=job.pk)
    return render(
        request,
        "plans/transfer/mapping.html",
        {"job": job, "form": form, "problems": problems, "board": job.board, "plan": job.plan},
    )


@login_required
@require_GET
def preview(request: HttpRequest, pk) -> HttpResponse:
    job = _job_for_manager(request, pk)
    if job.state != ImportJob.State.PREVIEW:
        return redirect(job)
    if job.draft is None:
        return redirect("plans:transfer:mapping", pk=job.pk)
    draft = job.draft
    return render(
        request,
        "plans/transfer/preview.html",
        {
            "job": job,
            "draft": draft,
            "errors": [issue for issue in draft["issues"] if issue["level"] == "error"],
            "warnings": [issue for issue in draft["issues"] if issue["level"] == "warning"],
            "mapped": [(FIELD_LABELS[field], key) for key, field in job.mapping.items() if field],
            "board": job.board,
            "plan": job.plan,
        },
    )


@login_required
@require_POST
def start(request: HttpRequest, pk) -> HttpResponse:
    job = _job_for_manager(request, pk)
    if job.state == ImportJob.State.PREVIEW and (job.draft is None or job.draft["error_count"]):
        return redirect("plans:transfer:preview", pk=job.pk)
    jobs.start(job)
    return redirect(job)


def _progress_context(job: ImportJob) -> dict:
    done, total = jobs.progress(job)
    return {
        "job": job,
        "done": done,
        "total": total,
        "percent": int(100 * done / total) if total else 0,
        "polling": job.state in (ImportJob.State.QUEUED, ImportJob.State.RUNNING),
    }


@login_required
@require_GET
def job_detail(request: HttpRequest, pk) -> HttpResponse:
    job = _job_for_manager(request, pk)
    if job.state == ImportJob.State.PREVIEW:
        return redirect("plans:transfer:preview", pk=job.pk)
    context = _progress_context(job) | {"board": job.board, "plan": job.plan}
    return render(request, "plans/transfer/job.html", context)


@login_required
@require_GET
def job_progress(request: HttpRequest, pk) -> HttpResponse:
    """The progress panel alone, polled by htmx while the import runs."""
    job = _job_for_manager(request, pk)
    return render(request, "plans/transfer/_progress.html", _progress_context(job))


@login_required
@require_GET
def export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    plan, _access = get_plan_for_user(request.user, pk)  # any member may export
    if fmt not in EXPORTERS:
        raise Http404("Unknown export format.")
    build, content_type = EXPORTERS[fmt]
    response = HttpResponse(build(plan), content_type=content_type)
    name = slugify(f"{plan.board.short_name} {plan.title} {plan.period_start:%Y}") or "plan"
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
