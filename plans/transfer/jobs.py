"""The life of an import: upload → read (worker) → mapping → preview → write (worker) → done.

The upload view only keeps the file's bytes (an ImportFile) and queues the read; the Celery
worker reads the file in a child process with memory and time limits (sandbox.py), keeps the
text of its tables on the job and forgets the file. The browser polls the job page (htmx)
meanwhile. The write runs in the worker too and reports its progress through Celery's result
backend (Redis). The job row's state changes outside the import's transaction, so a failed
import leaves the job marked "failed" with its message and nothing else written.

These are plain functions with no Celery in them: tasks.py runs and queues them, so this
module never imports tasks.py (no import cycle).
"""

from __future__ import annotations

import datetime
import json
import logging
import uuid
from collections.abc import Callable
from pathlib import PurePath

from celery.result import AsyncResult
from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from plans.models import ImportFile, ImportJob
from safeguarding.metrics import IMPORT_ROWS

from .files import FileRefusedError
from .importer import ImportConflictError, write_draft
from .mapping import guess_mapping
from .preview import build_draft
from .sandbox import read_in_child

logger = logging.getLogger(__name__)

# What the user may say about a source row on the preview (an override).
HEADING = "heading"
SKIP = "skip"
OVERRIDES = {HEADING, SKIP}


def receive(
    *,
    data: bytes,
    file_name: str,
    board,
    user,
    plan=None,
    new_plan: dict | None = None,
    progress_as_of: datetime.date,
) -> ImportJob:
    """Keep an uploaded file for the worker to read; nothing in it is parsed here."""
    with transaction.atomic():
        job = ImportJob.objects.create(
            board=board,
            plan=plan,
            created_by=user,
            file_name=file_name[:255],
            file_kind=PurePath(file_name).suffix.lower().lstrip(".")[:10],
            new_plan=new_plan or {},
            progress_as_of=progress_as_of,
            state=ImportJob.State.READING,
        )
        ImportFile.objects.create(job=job, data=data)
    return job


def read(job_id: str) -> ImportJob | None:
    """Read a received job's file (in the worker). Safe to run twice: only a job still
    "reading" is read, and the file is deleted once read or refused."""
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None or job.state != ImportJob.State.READING:
        return job
    stored = ImportFile.objects.filter(job=job).first()
    try:
        if stored is None:
            raise FileRefusedError("The uploaded file is no longer here. Upload it again.")
        extracted = read_in_child(
            job.file_name,
            bytes(stored.data),
            memory_mb=settings.IMPORT_READ_MEMORY_MB,
            seconds=settings.IMPORT_READ_SECONDS,
        )
    except FileRefusedError as refusal:
        extracted, message = None, str(refusal)
    # The file goes in the same commit as the job's new state: no one sees a read job with its file.
    with transaction.atomic():
        if extracted is None:
            ImportJob.objects.filter(pk=job.pk, state=ImportJob.State.READING).update(
                state=ImportJob.State.REFUSED, message=message, finished_at=timezone.now()
            )
        else:
            accept(job, extracted, only_if_reading=True)
        ImportFile.objects.filter(job=job).delete()
    job.refresh_from_db()
    return job


def accept(job: ImportJob, extracted: dict, *, only_if_reading: bool = False) -> None:
    """Keep the text of the file's tables and the guessed mapping; the job awaits its preview."""
    extracted = _without_nul(extracted)
    headings = [heading for table in extracted.get("tables", []) for heading in table["header"]]
    fields = {
        "extracted": extracted,
        "file_kind": extracted.get("kind", job.file_kind)[:10],
        "mapping": guess_mapping(headings),
        "state": ImportJob.State.PREVIEW,
    }
    jobs = ImportJob.objects.filter(pk=job.pk)
    if only_if_reading:
        jobs = jobs.filter(state=ImportJob.State.READING)
    jobs.update(**fields)
    for name, value in fields.items():
        setattr(job, name, value)


def _without_nul(extracted: dict) -> dict:
    """PostgreSQL refuses a NUL character anywhere in JSON: drop any a reader let through."""
    text = json.dumps(extracted)
    if "\\u0000" not in text:
        return extracted
    return json.loads(text.replace("\\u0000", ""))


def new_job(
    *, extracted: dict, file_name: str, board, user, plan=None, new_plan=None, progress_as_of
) -> ImportJob:
    """A job for tables already read (tests, benchmarks): it waits for its mapping at once."""
    job = ImportJob.objects.create(
        board=board,
        plan=plan,
        created_by=user,
        file_name=file_name[:255],
        file_kind=extracted["kind"],
        new_plan=new_plan or {},
        progress_as_of=progress_as_of,
        state=ImportJob.State.READING,
    )
    accept(job, extracted)
    return job


def request_preview(job: ImportJob, version: int | None = None) -> bool:
    """Keep the job's new mapping and overrides and ask for its preview to be made again (in
    the worker: a large file's preview takes seconds). False if the job is no longer waiting
    for its preview (started, being prepared, or - with ``version`` - previewed again since)."""
    waiting = ImportJob.objects.filter(pk=job.pk, state=ImportJob.State.PREVIEW)
    if version is not None:
        waiting = waiting.filter(draft__version=version)
    asked = waiting.update(
        mapping=job.mapping,
        overrides=job.overrides,
        state=ImportJob.State.PREPARING,
        work_requested_at=timezone.now(),
        sent_to_worker_at=None,
        message="",
    )
    job.refresh_from_db(fields=["state", "work_requested_at", "sent_to_worker_at", "message"])
    return bool(asked)


def prepare(job_id: str) -> ImportJob | None:
    """Make the preview of a job being prepared (in the worker). Safe to run twice."""
    job = ImportJob.objects.select_related("plan").filter(pk=job_id).first()
    if job is None or job.state != ImportJob.State.PREPARING:
        return job
    message = ""
    try:
        draft = _draft(job)
    except Exception:  # a reader bug must not leave the job "preparing" for ever
        logger.exception("Preview of import %s failed", job.pk)
        draft, message = None, "The preview could not be made. Check the columns and try again."
    ImportJob.objects.filter(
        pk=job.pk, state=ImportJob.State.PREPARING, work_requested_at=job.work_requested_at
    ).update(draft=draft, state=ImportJob.State.PREVIEW, message=message)
    job.refresh_from_db()
    return job


def preview(job: ImportJob) -> dict:
    """Build (and keep on the job) the draft for its mapping and overrides, here and now
    (tests and benchmarks; the pages ask the worker through request_preview)."""
    job.draft = _draft(job)
    job.save(update_fields=["mapping", "overrides", "draft"])
    return job.draft


def _draft(job: ImportJob) -> dict:
    draft = build_draft(
        job.extracted,
        job.mapping,
        plan=job.plan,
        progress_as_of=job.progress_as_of,
        period=period_of(job),
        overrides=job.overrides,
        board=job.board,
    )
    # The preview page posts back the version it showed, so a re-run from a stale page is refused.
    draft["version"] = (job.draft or {}).get("version", 0) + 1
    return draft


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


def set_overrides(job: ImportJob, choices: dict[str, str]) -> None:
    """Record what the user said of source rows ("heading", "skip", or "" to read it as written)."""
    overrides = dict(job.overrides or {})
    for where, choice in choices.items():
        if choice in OVERRIDES:
            overrides[where] = choice
        else:
            overrides.pop(where, None)
    job.overrides = overrides


def claim_write(job: ImportJob) -> str | None:
    """Move a previewed job to "queued" and return the task id to queue it under, or None
    when another request got there first (two clicks on "Import") or it is not previewed."""
    task_id = str(uuid.uuid4())
    claimed = ImportJob.objects.filter(pk=job.pk, state=ImportJob.State.PREVIEW).update(
        state=ImportJob.State.QUEUED, task_id=task_id, sent_to_worker_at=None
    )
    job.refresh_from_db()
    return task_id if claimed else None


def run(job_id: str, on_progress: Callable[[int, int], None] | None = None) -> ImportJob:
    """Write a queued job's draft. Safe to run twice (a redelivered task): a finished job is left alone."""
    job = ImportJob.objects.select_related("board", "plan", "created_by").get(pk=job_id)
    if job.state not in (ImportJob.State.QUEUED, ImportJob.State.RUNNING):
        return job
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.RUNNING)
    if job.draft is None:
        # Never queued without its previewed draft; fails as a broken draft does below.
        logger.error("Import %s has no draft to write", job.pk)
        return _finish(job, ImportJob.State.FAILED, "The import failed and nothing was imported. Try again.")
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
    IMPORT_ROWS.labels(kind="plan").inc((job.draft or {}).get("counts", {}).get("rows", 0))
    return _finish(job, ImportJob.State.DONE, "")


def _finish(job: ImportJob, state: str, message: str) -> ImportJob:
    job.state = state
    job.message = message
    job.finished_at = timezone.now()
    job.save(update_fields=["plan", "state", "message", "finished_at"])
    return job


def purge(now: datetime.datetime) -> int:
    """Delete import jobs (their cells, drafts and any unread file) older than the retention
    period; returns how many. Idempotent: two runs delete the same rows once."""
    cutoff = now - datetime.timedelta(days=settings.IMPORT_JOB_RETENTION_DAYS)
    # A write runs for minutes at most (the task time limit), never days: an old job is finished.
    _total, by_model = ImportJob.objects.filter(created_at__lt=cutoff).delete()
    return by_model.get(ImportJob._meta.label, 0)


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
