"""Celery tasks of the import (see plans/transfer/jobs.py): read an uploaded file, write a
previewed import, purge old jobs; and the helpers that queue them once the request commits."""

from __future__ import annotations

import datetime
import functools

from celery import shared_task
from django.db.models import Q
from django.utils import timezone

from plans.models import ImportJob
from safeguarding.queueing import send_after_commit, send_now

from . import export_jobs, jobs

READ_TASK = "plans.transfer.read_import_file"
PREVIEW_TASK = "plans.transfer.prepare_import_preview"
WRITE_TASK = "plans.transfer.run_import_job"
# A job is left this long for its own after-commit send before the sweep steps in.
SEND_GRACE = datetime.timedelta(minutes=1)


@shared_task(name=READ_TASK)
def read_import_file(job_id: str) -> str:
    job = jobs.read(job_id)
    return job.state if job is not None else "gone"


@shared_task(name=PREVIEW_TASK)
def prepare_import_preview(job_id: str) -> str:
    job = jobs.prepare(job_id)
    return job.state if job is not None else "gone"


def queue_preview(job: ImportJob) -> None:
    """Make the job's preview in the worker (see jobs.request_preview); with Redis down the
    job stays "preparing", unsent, and send_unsent_imports sends it later."""
    send_after_commit(PREVIEW_TASK, [str(job.pk)], on_sent=lambda: mark_sent(job.pk))


def queue_read(job: ImportJob) -> None:
    """Read the job's file in the worker once the upload's transaction has committed. With
    Redis down the job stays "reading", unsent, and send_unsent_imports sends it later."""
    send_after_commit(READ_TASK, [str(job.pk)], on_sent=lambda: mark_sent(job.pk))


@shared_task(bind=True, name=WRITE_TASK)
def run_import_job(self, job_id: str) -> str:
    def report(done: int, total: int) -> None:
        self.update_state(state="PROGRESS", meta={"done": done, "total": total})

    job = jobs.run(job_id, on_progress=report)
    return job.state


def queue_write(job: ImportJob) -> None:
    """Queue the write of a previewed job, once: a second click finds it already queued."""
    task_id = jobs.claim_write(job)
    if task_id is not None:
        send_after_commit(WRITE_TASK, [str(job.pk)], on_sent=lambda: mark_sent(job.pk), task_id=task_id)


def mark_sent(job_id) -> None:
    ImportJob.objects.filter(pk=job_id).update(sent_to_worker_at=timezone.now())


def send_unsent_imports(now: datetime.datetime | None = None) -> int:
    """Send the reads and writes whose message never reached Redis (it was down).
    Only never-sent jobs: a write sent twice could run twice."""
    now = now or timezone.now()
    unsent = ImportJob.objects.filter(
        Q(state=ImportJob.State.READING) | Q(state=ImportJob.State.QUEUED),
        sent_to_worker_at__isnull=True,
        created_at__lt=now - SEND_GRACE,
    ).values_list("pk", "state", "task_id")
    sent = 0
    # A preview is asked for long after the upload: its grace runs from the asking.
    rows = list(unsent) + list(
        ImportJob.objects.filter(
            state=ImportJob.State.PREPARING,
            sent_to_worker_at__isnull=True,
            work_requested_at__lt=now - SEND_GRACE,
        ).values_list("pk", "state", "task_id")
    )
    tasks: dict[str, str] = {ImportJob.State.QUEUED: WRITE_TASK, ImportJob.State.PREPARING: PREVIEW_TASK}
    for pk, state, task_id in rows:
        options = {"task_id": task_id} if state == ImportJob.State.QUEUED and task_id else {}
        task = tasks.get(state, READ_TASK)
        if not send_now(task, [str(pk)], on_sent=functools.partial(mark_sent, pk), **options):
            break  # Redis is still down: the next sweep tries again
        sent += 1
    return sent


@shared_task(name="plans.transfer.send_unsent", ignore_result=True)
def send_unsent() -> int:
    """Every minute (beat): see send_unsent_imports."""
    return send_unsent_imports()


@shared_task(name="plans.transfer.purge_import_jobs")
def purge_import_jobs() -> int:
    """Daily (beat): delete import jobs older than IMPORT_JOB_RETENTION_DAYS."""
    return jobs.purge(timezone.now())


@shared_task(name=export_jobs.EXPORT_TASK, acks_late=True, reject_on_worker_lost=True)
def build_export(plan_id: int, fmt: str) -> str:
    """Make a large plan's export file and keep it in the shared cache (idempotent)."""
    return export_jobs.build_export(plan_id, fmt)
