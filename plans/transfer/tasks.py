"""Celery task that writes an import (see plans/transfer/jobs.py)."""

from __future__ import annotations

from celery import shared_task


@shared_task(bind=True, name="plans.transfer.run_import_job")
def run_import_job(self, job_id: str) -> str:
    from .jobs import run

    def report(done: int, total: int) -> None:
        self.update_state(state="PROGRESS", meta={"done": done, "total": total})

    job = run(job_id, on_progress=report)
    return job.state
