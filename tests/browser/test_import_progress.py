"""In a real browser (CSP on, no inline script), the import page follows a running import
to its end by htmx polling, without a reload."""

from __future__ import annotations

import datetime

import pytest

from plans.models import ImportJob
from plans.transfer import jobs
from plans.transfer.files import read_upload
from tests.factories import BusinessPlanFactory
from tests.plans.transfer.files import small_csv

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_job_page_polls_until_the_import_is_done(page, live_server, people):
    plan = BusinessPlanFactory(board=people.board, title="Plan under import")
    job = jobs.new_job(
        extracted=read_upload("plan.csv", small_csv()).as_json(),
        file_name="plan.csv",
        board=people.board,
        user=people.manager,
        plan=plan,
        progress_as_of=datetime.date(2011, 9, 30),
    )
    jobs.preview(job)
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.RUNNING)
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(people.manager.username)
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}{job.get_absolute_url()}")
    page.get_by_role("heading", name="Importing plan.csv").wait_for()
    assert page.get_by_role("status").inner_text().endswith("rows written (0%).")

    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.DONE, plan=plan)
    page.get_by_role("heading", name="Import complete").wait_for(timeout=15000)
    assert page.get_by_role("link", name="Go to Plan under import").is_visible()
    assert not [error for error in errors if "Content Security Policy" in error or "Refused" in error]


def test_the_job_page_follows_the_reading_then_opens_the_columns(page, live_server, people):
    """While the worker reads the file the job page polls; once read, htmx's HX-Redirect
    takes the browser on to the columns without a click."""
    plan = BusinessPlanFactory(board=people.board, title="Plan under import")
    job = jobs.receive(
        data=small_csv(),
        file_name="plan.csv",
        board=people.board,
        user=people.manager,
        plan=plan,
        progress_as_of=datetime.date(2011, 9, 30),
    )
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(people.manager.username)
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}{job.get_absolute_url()}")
    page.get_by_role("heading", name="Reading plan.csv").wait_for()
    assert page.get_by_role("status").inner_text() == "Reading the tables in the file…"

    jobs.accept(job, read_upload("plan.csv", small_csv()).as_json())  # as the worker does
    page.get_by_role("heading", name="Check the columns").wait_for(timeout=15000)
    assert page.url.endswith(f"/imports/{job.pk}/mapping/")
