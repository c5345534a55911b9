"""Import and export pages. Only managers of the board import (others 403, outsiders 404);
every member of the board may export."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.forms.utils import ErrorDict
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from boards.access import board_access, get_board_for_user
from boards.models import Board
from plans.access import get_plan_for_user, require_open
from plans.models import ImportJob
from safeguarding import heavy_renders

from . import export_jobs, jobs, tasks
from .exporter import EXPORTERS
from .files import MAX_BYTES
from .forms import MappingForm, NewPlanUploadForm, OverridesForm, UploadForm
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


def _job_for_uploader(request: HttpRequest, pk) -> ImportJob:
    """The steps between upload and import are the uploader's own: another manager of the
    board sees the job's progress page but cannot change its mapping or preview, or start it."""
    job = _job_for_manager(request, pk)
    if job.created_by_id != request.user.pk:
        raise PermissionDenied("This import was started by someone else.")
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


def _receive(form, **kwargs) -> HttpResponse:
    """Keep the file and queue its reading in the worker: nothing is parsed in the request,
    so a crafted file cannot hold a web worker. The job page follows the reading."""
    upload = form.cleaned_data["file"]
    job = jobs.receive(
        data=upload.read(),
        file_name=upload.name,
        progress_as_of=form.cleaned_data["progress_as_of"],
        **kwargs,
    )
    tasks.queue_read(job)
    return redirect(job)


@login_required
@require_http_methods(["GET", "POST"])
def upload_new_plan(request: HttpRequest, slug: str) -> HttpResponse:
    board, access = get_board_for_user(request.user, slug)
    access.require_manage()
    form = _bound(NewPlanUploadForm, request, board=board)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        return _receive(
            form,
            board=board,
            user=request.user,
            new_plan={
                "title": data["title"],
                "period_start": data["period_start"].isoformat(),
                "period_end": data["period_end"].isoformat(),
            },
        )
    return render(request, "plans/transfer/upload.html", {"form": form, "board": board, "plan": None})


@login_required
@require_http_methods(["GET", "POST"])
def upload_into_plan(request: HttpRequest, pk: int) -> HttpResponse:
    plan, access = get_plan_for_user(request.user, pk)
    access.require_manage()
    require_open(plan)
    form = _bound(UploadForm, request)
    if request.method == "POST" and form.is_valid():
        return _receive(form, board=plan.board, user=request.user, plan=plan)
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
    job = _job_for_uploader(request, pk)
    if job.state != ImportJob.State.PREVIEW:
        return redirect(job)
    form = MappingForm(request.POST or None, headings=_headings(job), mapping=job.mapping)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        job.mapping = form.mapping()
        problems = mapping_problems(job.mapping)
        if not problems:
            # A large file's preview takes seconds: the worker makes it, the job page waits.
            if jobs.request_preview(job):
                tasks.queue_preview(job)
            return redirect("plans:transfer:preview", pk=job.pk)
    return render(
        request,
        "plans/transfer/mapping.html",
        {"job": job, "form": form, "problems": problems, "board": job.board, "plan": job.plan},
    )


# The preview shows the draft a page of actions at a time, and at most this many problems and
# skipped rows, so a 20 MB file gives pages of a bounded size (the counts cover everything).
PREVIEW_ACTIONS_PER_PAGE = 50
PREVIEW_ISSUES_SHOWN = 100


def _draft_page(draft: dict, page_number) -> tuple:
    """One page of the draft: (page, areas) with each area holding only this page's actions.

    Each action is marked ``first_of_row`` when it is the first read from its source row: the
    preview asks "how should this row be read?" there, once per row.
    """
    entries: list[tuple[int, int | None, dict | None]] = []
    previous_where = None
    for area_index, area in enumerate(draft["areas"]):
        if not area["objectives"]:
            entries.append((area_index, None, None))
        for index_in_area, objective in enumerate(area["objectives"]):
            if not objective["actions"]:
                entries.append((area_index, index_in_area, None))
            for action in objective["actions"]:
                action = {
                    **action,
                    "first_of_row": action.get("where") != previous_where,
                    "form_index": len(entries),
                }
                previous_where = action.get("where")
                entries.append((area_index, index_in_area, action))
    page = Paginator(entries, PREVIEW_ACTIONS_PER_PAGE).get_page(page_number)
    areas: list[dict] = []
    for area_index, objective_index, action in page.object_list:
        if not areas or areas[-1]["index"] != area_index:
            area = draft["areas"][area_index]
            areas.append({**area, "index": area_index, "objectives": []})
        if objective_index is None:
            continue
        objectives = areas[-1]["objectives"]
        if not objectives or objectives[-1]["index"] != objective_index:
            objective = draft["areas"][area_index]["objectives"][objective_index]
            objectives.append({**objective, "index": objective_index, "actions": []})
        if action is not None:
            objectives[-1]["actions"].append(action)
    return page, areas


def _source_rows(job: ImportJob) -> set[str]:
    """Every source row of the file, as the draft names it ("Table 2, row 5")."""
    return {
        f"{table['source']}, row {row['line']}"
        for table in job.extracted.get("tables", [])
        for row in table["rows"]
    }


@login_required
@require_GET
def preview(request: HttpRequest, pk) -> HttpResponse:
    job = _job_for_uploader(request, pk)
    if job.state != ImportJob.State.PREVIEW:
        return redirect(job)  # being read or prepared (the job page waits), or started
    if job.draft is None:
        return redirect("plans:transfer:mapping", pk=job.pk)
    draft = job.draft
    page, areas = _draft_page(draft, request.GET.get("page"))
    errors = [issue for issue in draft["issues"] if issue["level"] == "error"]
    warnings = [issue for issue in draft["issues"] if issue["level"] == "warning"]
    issues = (errors + warnings)[:PREVIEW_ISSUES_SHOWN]
    skipped = draft.get("skipped", [])
    return render(
        request,
        "plans/transfer/preview.html",
        {
            "job": job,
            "draft": draft,
            "errors": errors[:PREVIEW_ISSUES_SHOWN],
            "errors_not_shown": max(len(errors) - PREVIEW_ISSUES_SHOWN, 0),
            "issues": issues,
            "issues_not_shown": len(draft["issues"]) - len(issues),
            "skipped": skipped[:PREVIEW_ISSUES_SHOWN],
            "skipped_not_shown": max(len(skipped) - PREVIEW_ISSUES_SHOWN, 0),
            "overrides": sorted(job.overrides.items()),
            "areas": areas,
            "page": page,
            "mapped": [(FIELD_LABELS[field], key) for key, field in job.mapping.items() if field],
            "board": job.board,
            "plan": job.plan,
        },
    )


@login_required
@require_POST
def overrides(request: HttpRequest, pk) -> HttpResponse:
    """Say how source rows should be read ("a heading", "not an action") and preview again,
    from the text already read: no new upload."""
    job = _job_for_uploader(request, pk)
    if job.state == ImportJob.State.PREPARING:
        messages.error(
            request,
            "Nothing was changed: the preview is being made again. Make your changes when it is ready.",
        )
        return redirect(job)
    if job.state != ImportJob.State.PREVIEW or job.draft is None:
        messages.error(request, "This import has already started, so its preview can no longer change.")
        return redirect(job)
    form = OverridesForm(request.POST, rows=_source_rows(job))
    preview_url = reverse_page("plans:transfer:preview", job, request.POST.get("page"))
    if not form.is_valid():
        messages.error(request, "Nothing was changed: " + " ".join(str(e) for e in form.non_field_errors()))
        return redirect(preview_url)
    if form.cleaned_data["version"] != job.draft.get("version"):
        # Another tab changed the columns or re-ran the preview since this page was shown.
        messages.error(
            request,
            "Nothing was changed: the preview changed since you opened that page. "
            "Check the preview below and make your changes again.",
        )
        return redirect("plans:transfer:preview", pk=job.pk)
    jobs.set_overrides(job, form.cleaned_data["choices"])
    # Two tabs re-running at once would each overwrite the other's overrides: only the one that
    # moves the job from this very preview version to "preparing" wins.
    if not jobs.request_preview(job, version=form.cleaned_data["version"]):
        messages.error(request, "Nothing was changed: the import changed while you were choosing.")
        return redirect(job)
    tasks.queue_preview(job)
    messages.success(request, "The preview is made again with your changes.")
    return redirect(preview_url)


def reverse_page(name: str, job: ImportJob, page) -> str:
    url = reverse(name, kwargs={"pk": job.pk})
    return f"{url}?page={int(page)}" if str(page or "").isdigit() else url


@login_required
@require_POST
def start(request: HttpRequest, pk) -> HttpResponse:
    job = _job_for_uploader(request, pk)
    if job.state == ImportJob.State.PREVIEW and (job.draft is None or job.draft["error_count"]):
        return redirect("plans:transfer:preview", pk=job.pk)
    tasks.queue_write(job)
    return redirect(job)


def _progress_context(job: ImportJob) -> dict:
    done, total = jobs.progress(job)
    return {
        "job": job,
        "done": done,
        "total": total,
        "percent": int(100 * done / total) if total else 0,
        "polling": job.state
        in (
            ImportJob.State.READING,
            ImportJob.State.PREPARING,
            ImportJob.State.QUEUED,
            ImportJob.State.RUNNING,
        ),
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
    """The progress panel alone, polled by htmx while the file is read and the import runs."""
    job = _job_for_manager(request, pk)
    if job.state == ImportJob.State.PREVIEW:
        # The file has been read: htmx takes the browser on to the job's next step.
        response = render(request, "plans/transfer/_progress.html", _progress_context(job))
        response["HX-Redirect"] = job.get_absolute_url()
        return response
    return render(request, "plans/transfer/_progress.html", _progress_context(job))


@login_required
@require_GET
@heavy_renders.heavy_endpoint
def export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The plan as a file (any member may export). Kept in the shared cache under the plan's
    content version; a large plan's file is made by the worker (``export_jobs``), a small
    one here under the user's rate limit and a shared slot (``safeguarding.heavy_renders``)."""
    plan, _access = get_plan_for_user(request.user, pk)
    if fmt not in EXPORTERS:
        raise Http404("Unknown export format.")
    build, content_type = EXPORTERS[fmt]
    name = slugify(f"{plan.board.short_name} {plan.title} {plan.period_start:%Y}") or "plan"
    disposition = f'attachment; filename="{name}.{fmt}"'
    key = export_jobs.export_key(plan, fmt)
    if not heavy_renders.has_file(key) and export_jobs.made_in_worker(plan):
        return redirect("plans:transfer:export_status", pk=plan.pk, fmt=fmt)
    return heavy_renders.serve_file(
        request,
        kind="plan-export",
        key=key,
        build=lambda: build(plan),
        content_type=content_type,
        disposition=disposition,
    )


def _export_context(plan, fmt: str) -> dict:
    """Whether the file is ready; if not, the worker's job for it (asked for once)."""
    ready = heavy_renders.has_file(export_jobs.export_key(plan, fmt))
    job = None if ready else export_jobs.job_state(plan, fmt) or export_jobs.request_export(plan, fmt)
    return {
        "plan": plan,
        "fmt": fmt,
        "label": export_jobs.LABELS[fmt],
        "ready": ready,
        "job": job,
        "unavailable": not ready and job is None,
        "polling": not ready and job is not None and job["state"] != "failed",
    }


@login_required
@require_GET
def export_status(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """A large plan's file is being made by the worker: this page follows it, then offers it."""
    plan, access = get_plan_for_user(request.user, pk)
    if fmt not in EXPORTERS:
        raise Http404("Unknown export format.")
    context = _export_context(plan, fmt) | {"access": access}
    return render(
        request, "plans/transfer/export.html", context, status=503 if context["unavailable"] else 200
    )


@login_required
@require_GET
def export_progress(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The progress panel alone, polled by htmx every 2 s."""
    plan, _access = get_plan_for_user(request.user, pk)
    if fmt not in EXPORTERS:
        raise Http404("Unknown export format.")
    return render(request, "plans/transfer/_export_progress.html", _export_context(plan, fmt))
