"""Celery tasks of the import (see plans/transfer/jobs.py): read an uploaded file, write a
previewed import, purge old jobs; and the helpers that queue them once the request commits."""

from __future__ import annotations

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from plans.models import ImportJob

from . import jobs


@shared_task(name="plans.transfer.read_import_file")
def read_import_file(job_id: str) -> str:
    job = jobs.read(job_id)
    return job.state if job is not None else "gone"


def queue_read(job: ImportJob) -> None:
    """Read the job's file in the worker once the upload's transaction has committed."""
    transaction.on_commit(lambda: read_import_file.delay(str(job.pk)))


@shared_task(bind=True, name="plans.transfer.run_import_job")
def run_import_job(self, job_id: str) -> str:
    def report(done: int, total: int) -> None:
        self.update_state(state="PROGRESS", meta={"done": done, "total": total})

    job = jobs.run(job_id, on_progress=report)
    return job.state


def queue_write(job: ImportJob) -> None:
    """Queue the write of a previewed job, once: a second click finds it already queued."""
    task_id = jobs.claim_write(job)
    if task_id is not None:
        transaction.on_commit(lambda: run_import_job.apply_async(args=[str(job.pk)], task_id=task_id))


@shared_task(name="plans.transfer.purge_import_jobs")
def purge_import_jobs() -> int:
    """Daily (beat): delete import jobs older than IMPORT_JOB_RETENTION_DAYS."""
    return jobs.purge(timezone.now())
