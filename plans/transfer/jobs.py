"""The life of an import: upload → mapping → preview → write (in a Celery task) → done.

The write runs in the Celery worker so a large file never holds a web request; the browser
polls the job page (htmx) for progress, which the task reports through Celery's result
backend (Redis). The job row's state changes outside the import's transaction, so a failed
import leaves the job marked "failed" with its message and nothing else written.
"""

from __future__ import annotations

import datetime
import logging
import uuid
from collections.abc import Callable

from celery.result import AsyncResult
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from plans.models import ImportJob

from .importer import ImportConflictError, write_draft
from .mapping import guess_mapping
from .preview import build_draft

logger = logging.getLogger(__name__)


def new_job(
    *, extracted: dict, file_name: str, board, user, plan=None, new_plan=None, progress_as_of
) -> ImportJob:
    job = ImportJob(
        board=board,
        plan=plan,
        created_by=user,
        file_name=file_name[:255],
        file_kind=extracted["kind"],
        new_plan=new_plan or {},
        progress_as_of=progress_as_of,
        extracted=extracted,
    )
    headings = [heading for table in extracted["tables"] for heading in table["header"]]
    job.mapping = guess_mapping(headings)
    job.save()
    return job


def preview(job: ImportJob) -> dict:
    """Build (and keep on the job) the draft for the job's current mapping."""
    job.draft = build_draft(
        job.extracted, job.mapping, plan=job.plan, progress_as_of=job.progress_as_of, period=period_of(job)
    )
    job.save(update_fields=["mapping", "draft"])
    return job.draft


def period_of(job: ImportJob) -> tuple[datetime.date, datetime.date] | None:
    """The plan's period, which financial-year timescales ("Q3", "2024/25") are read against."""
    if job.plan is not None:
        return job.plan.period_start, job.plan.period_end
    try:
        return (
            datetime.date.fromisoformat(job.new_plan["period_start"]),
            datetime.date.fromisoformat(job.new_plan["period_end"]),
        )
    except (KeyError, TypeError, ValueError):
        return None


def start(job: ImportJob) -> None:
    """Queue the write. Only a previewed job without errors starts, and only once."""
    from .tasks import run_import_job

    # Two clicks on "Import" race to start the same job: only the one that moves it out of
    # "preview" queues the task.
    task_id = str(uuid.uuid4())
    started = ImportJob.objects.filter(pk=job.pk, state=ImportJob.State.PREVIEW).update(
        state=ImportJob.State.QUEUED, task_id=task_id
    )
    if not started:
        return
    job.refresh_from_db()
    transaction.on_commit(lambda: run_import_job.apply_async(args=[str(job.pk)], task_id=task_id))


def run(job_id: str, on_progress: Callable[[int, int], None] | None = None) -> ImportJob:
    """Write a queued job's draft. Safe to run twice (a redelivered task): a finished job is left alone."""
    job = ImportJob.objects.select_related("board", "plan", "created_by").get(pk=job_id)
    if job.state not in (ImportJob.State.QUEUED, ImportJob.State.RUNNING):
        return job
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.RUNNING)
    try:
        plan = write_draft(
            job.draft,
            user=job.created_by,
            board=job.board,
            plan=job.plan,
            new_plan=job.new_plan or None,
            on_progress=on_progress,
        )
    except ImportConflictError as error:
        return _finish(job, ImportJob.State.FAILED, str(error))
    except IntegrityError:
        logger.exception("Import %s broke a constraint", job.pk)
        return _finish(
            job,
            ImportJob.State.FAILED,
            "The import would have broken a rule of the plan (for example a plan with the same title and "
            "start date already exists). Nothing was imported.",
        )
    except (DatabaseError, ValueError, KeyError, TypeError):
        logger.exception("Import %s failed", job.pk)
        return _finish(job, ImportJob.State.FAILED, "The import failed and nothing was imported. Try again.")
    job.plan = plan
    return _finish(job, ImportJob.State.DONE, "")


def _finish(job: ImportJob, state: str, message: str) -> ImportJob:
    job.state = state
    job.message = message
    job.finished_at = timezone.now()
    job.save(update_fields=["plan", "state", "message", "finished_at"])
    return job


def progress(job: ImportJob) -> tuple[int, int]:
    """(rows written, rows to write) for a running job, from the task's reports."""
    total = max((job.draft or {}).get("counts", {}).get("rows", 0), 1)
    if job.state == ImportJob.State.DONE:
        return total, total
    if job.state != ImportJob.State.RUNNING or not job.task_id:
        return 0, total
    try:
        info = AsyncResult(job.task_id).info
    except Exception:  # the result backend is optional for progress: show 0 rather than fail
        return 0, total
    if isinstance(info, dict):
        return int(info.get("done", 0)), int(info.get("total", total))
    return 0, total
