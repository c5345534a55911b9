"""Celery tasks of the import (see plans/transfer/jobs.py): read an uploaded file, write a
previewed import, purge old jobs; and the helpers that queue them once the request commits."""

from __future__ import annotations

import logging

from celery import shared_task
from django.utils import timezone

from plans.models import ImportJob
from safeguarding.queueing import BROKER_ERRORS, send_after_commit, send_now

from . import jobs

logger = logging.getLogger(__name__)

READ_TASK = "plans.transfer.read_import_file"
PREVIEW_TASK = "plans.transfer.prepare_import_preview"
TASK_FOR_STATE = {ImportJob.State.READING: READ_TASK, ImportJob.State.PREPARING: PREVIEW_TASK}


@shared_task(name=READ_TASK)
def read_import_file(job_id: str) -> str:
    job = jobs.read(job_id)
    return job.state if job is not None else "gone"


@shared_task(name=PREVIEW_TASK)
def prepare_import_preview(job_id: str) -> str:
    job = jobs.prepare(job_id)
    return job.state if job is not None else "gone"


def queue_read(job: ImportJob) -> None:
    """Read the job's file in the worker once the upload's transaction has committed. With
    Redis down the upload still succeeds: the job waits, unsent, for send_unsent_imports."""
    send_after_commit(READ_TASK, [str(job.pk)], on_sent=lambda: jobs.mark_sent(job.pk))


def queue_preview(job: ImportJob) -> None:
    """Make the job's preview in the worker (see jobs.request_preview); as queue_read."""
    send_after_commit(PREVIEW_TASK, [str(job.pk)], on_sent=lambda: jobs.mark_sent(job.pk))


@shared_task(name="plans.transfer.send_unsent_imports", ignore_result=True)
def send_unsent_imports() -> int:
    """Every minute (beat): send the reads and previews the worker never got because Redis was down."""
    sent = 0
    for job_id, state in jobs.unsent_work(timezone.now()):
        if not send_now(TASK_FOR_STATE[state], [str(job_id)], on_sent=lambda pk=job_id: jobs.mark_sent(pk)):
            break  # Redis is still down: the next sweep tries again
        sent += 1
    return sent


@shared_task(bind=True, name="plans.transfer.run_import_job")
def run_import_job(self, job_id: str) -> str:
    def report(done: int, total: int) -> None:
        self.update_state(state="PROGRESS", meta={"done": done, "total": total})

    job = jobs.run(job_id, on_progress=report)
    return job.state


def queue_write(job: ImportJob) -> bool:
    """Queue the write of a previewed job, once: a second click finds it already queued.

    Sent at once (the view holds no transaction), under the task id the progress bar
    follows. If Redis is unreachable the job goes back to its preview and False is returned,
    so the user can try again: a write is never left queued with nobody to run it.
    """
    task_id = jobs.claim_write(job)
    if task_id is None:
        return True
    try:
        run_import_job.apply_async(args=[str(job.pk)], task_id=task_id)
    except BROKER_ERRORS as exc:
        logger.warning("broker unreachable, import %s not started: %s", job.pk, exc)
        jobs.unclaim_write(job)
        return False
    return True


@shared_task(name="plans.transfer.purge_import_jobs")
def purge_import_jobs() -> int:
    """Daily (beat): delete import jobs older than IMPORT_JOB_RETENTION_DAYS."""
    return jobs.purge(timezone.now())
