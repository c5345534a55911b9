"""A real Celery worker writes a queued import, and the job page follows it to the end."""

from __future__ import annotations

import datetime
import time

import pytest

from plans.models import Action, BusinessPlan, ImportJob
from plans.transfer import jobs
from plans.transfer.files import read_upload
from tests.celery_worker import running_worker
from tests.plans.transfer.files import small_csv

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_a_real_worker_writes_the_import_and_reports_done(people):
    job = jobs.new_job(
        extracted=read_upload("plan.csv", small_csv()).as_json(),
        file_name="plan.csv",
        board=people.board,
        user=people.manager,
        new_plan={"title": "From CSV", "period_start": "2011-04-01", "period_end": "2013-03-31"},
        progress_as_of=datetime.date(2011, 9, 30),
    )
    jobs.preview(job)
    with running_worker():
        jobs.start(job)  # no transaction is open: the task is queued at once
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.state in (ImportJob.State.DONE, ImportJob.State.FAILED):
                break
            time.sleep(0.2)
    assert job.state == ImportJob.State.DONE, job.message
    plan = BusinessPlan.objects.get(title="From CSV")
    assert job.plan == plan
    actions = Action.objects.filter(objective__priority_area__plan=plan)
    assert sorted(actions.values_list("description", flat=True)) == ["Audit the plans", "Review the audit"]
    assert {a.history.get().history_user for a in actions} == {people.manager}
    assert jobs.progress(job) == (job.draft["counts"]["rows"], job.draft["counts"]["rows"])
