"""Import and export pages: who may use them, and the whole journey through them."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from plans.models import Action, BusinessPlan, ImportFile, ImportJob
from plans.transfer import jobs
from plans.transfer.files import read_upload
from tests.dates import date_input
from tests.factories import ActionFactory, BusinessPlanFactory, ObjectiveFactory, PriorityAreaFactory
from tests.plans.transfer.files import small_csv
from tests.plans.transfer.seed_docx import build_seed_docx

ROLES = ["manager", "chair", "member", "executive", "outsider"]


@pytest.fixture
def plan(people) -> BusinessPlan:
    plan = BusinessPlanFactory(board=people.board)
    ActionFactory(objective=ObjectiveFactory(priority_area=PriorityAreaFactory(plan=plan, number=1)))
    return plan


@pytest.fixture
def job(people, plan) -> ImportJob:
    extracted = read_upload("plan.csv", small_csv()).as_json()
    job = jobs.new_job(
        extracted=extracted,
        file_name="plan.csv",
        board=people.board,
        user=people.manager,
        plan=plan,
        progress_as_of=datetime.date(2011, 9, 30),
    )
    jobs.preview(job)
    return job


def expected(role: str, write: bool) -> int:
    if role == "outsider":
        return 404
    if write and role != "manager":
        return 403
    return 200


@pytest.mark.parametrize("role", ROLES)
def test_only_managers_may_open_the_import_pages(client, people, plan, job, role):
    client.force_login(getattr(people, role))
    urls = [
        reverse("plans:transfer:upload_new_plan", args=[people.board.slug]),
        reverse("plans:transfer:upload_into_plan", args=[plan.pk]),
        reverse("plans:transfer:mapping", args=[job.pk]),
        reverse("plans:transfer:preview", args=[job.pk]),
        reverse("plans:transfer:progress", args=[job.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == expected(role, write=True), url
    response = client.post(reverse("plans:transfer:start", args=[job.pk]))
    assert response.status_code == (302 if role == "manager" else expected(role, write=True))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("fmt", ["xlsx", "csv", "docx"])
def test_every_member_may_export(client, people, plan, role, fmt):
    client.force_login(getattr(people, role))
    response = client.get(reverse("plans:transfer:export", args=[plan.pk, fmt]))
    assert response.status_code == expected(role, write=False)
    if response.status_code == 200:
        assert response["Content-Disposition"].startswith("attachment;")
        assert response.content


def test_anonymous_visitors_are_sent_to_sign_in(client, people, plan, job):
    for url in (
        reverse("plans:transfer:upload_new_plan", args=[people.board.slug]),
        reverse("plans:transfer:export", args=[plan.pk, "csv"]),
        reverse("plans:transfer:preview", args=[job.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_starting_an_import_is_post_only(client, people, job):
    client.force_login(people.manager)
    assert client.get(reverse("plans:transfer:start", args=[job.pk])).status_code == 405


def test_an_unknown_export_format_is_404(client, people, plan):
    client.force_login(people.manager)
    assert client.get(reverse("plans:transfer:export", args=[plan.pk, "pdf"])).status_code == 404


def run_now(monkeypatch) -> None:
    """Stand in for the Celery worker: run the task in this process, as the worker would."""
    from plans.transfer import tasks

    monkeypatch.setattr(
        tasks,
        "send_after_commit",
        lambda name, args, on_sent=None, task_id=None: tasks.run_import_job.apply(args=args, task_id=task_id),
    )


def test_the_whole_journey_imports_the_seed_plan_from_word(
    client, people, monkeypatch, django_capture_on_commit_callbacks
):
    run_now(monkeypatch)
    client.force_login(people.manager)
    response = client.post(
        reverse("plans:transfer:upload_new_plan", args=[people.board.slug]),
        {
            "title": "SSCB Business Plan",
            **date_input("period_start", "2011-04-01"),
            **date_input("period_end", "2013-03-31"),
            **date_input("progress_as_of", "2011-09-30"),
            "file": SimpleUploadedFile("SSCB plan.docx", build_seed_docx()),
        },
    )
    job = ImportJob.objects.get()
    # The upload only keeps the file: the job page follows the worker reading it, then
    # sends the browser on to the columns.
    assert response["Location"] == job.get_absolute_url()
    job.refresh_from_db()
    assert job.state == ImportJob.State.PREVIEW and job.extracted["tables"]
    assert not ImportFile.objects.exists()  # the file is forgotten once read
    progress = client.get(reverse("plans:transfer:progress", args=[job.pk]))
    assert progress["HX-Redirect"] == job.get_absolute_url()
    response = client.get(job.get_absolute_url(), follow=True)
    assert response.redirect_chain[-1][0] == reverse("plans:transfer:mapping", args=[job.pk])

    page = response.content.decode()
    assert "What do we want to achieve?" in page and 'value="objective" selected' in page
    form = {
        f"column_{i}": field
        for i, field in enumerate(
            ["objective", "evidence", "action", "lead", "timescale", "progress", "measure"]
        )
    }
    response = client.post(reverse("plans:transfer:mapping", args=[job.pk]), form)
    assert response["Location"] == reverse("plans:transfer:preview", args=[job.pk])

    page = client.get(response["Location"]).content.decode()
    assert "Priority Area 2 – Tackle the impact of Domestic Abuse" in page
    assert "Implement the Violence Against Women and Girls (VAWG) Action Plan" in page
    assert BusinessPlan.objects.count() == 0  # the preview writes nothing

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("plans:transfer:start", args=[job.pk]))
    assert response["Location"] == job.get_absolute_url()
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE, job.message
    plan = BusinessPlan.objects.get()
    assert plan.title == "SSCB Business Plan" and plan.status == BusinessPlan.Status.DRAFT
    assert Action.objects.filter(objective__priority_area__plan=plan).count() == 45
    assert plan.history.get().history_user == people.manager

    page = client.get(job.get_absolute_url()).content.decode()
    assert "Import complete" in page and plan.get_absolute_url() in page
    assert "45 actions added, 39 progress notes" in page
    assert "hx-trigger" not in page  # finished: no more polling
    # A second click on "Import" does not import twice.
    client.post(reverse("plans:transfer:start", args=[job.pk]))
    assert BusinessPlan.objects.count() == 1


def test_a_running_import_polls_its_progress(client, people, job):
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.RUNNING)
    client.force_login(people.manager)
    page = client.get(reverse("plans:transfer:progress", args=[job.pk])).content.decode()
    assert 'hx-get="{}"'.format(reverse("plans:transfer:progress", args=[job.pk])) in page
    assert 'hx-trigger="every 1s"' in page
    assert "rows written" in page
    assert "<script" not in page


def test_the_mapping_must_name_the_action_column(client, people, job):
    client.force_login(people.manager)
    response = client.post(
        reverse("plans:transfer:mapping", args=[job.pk]), {"column_0": "", "column_1": "evidence"}
    )
    assert response.status_code == 200
    assert "Choose which column holds the agreed action." in response.content.decode()


def test_a_preview_with_errors_cannot_be_imported(client, people, plan, monkeypatch):
    run_now(monkeypatch)
    other_action = ActionFactory(
        objective=ObjectiveFactory(
            priority_area=PriorityAreaFactory(plan=BusinessPlanFactory(board=people.other_board))
        )
    )
    data = f"Reference,Agreed action,Status,Lead person,Timescale\nA-{other_action.pk},Steal it,Complete,x,Dec 2011\n".encode()
    client.force_login(people.manager)
    client.post(
        reverse("plans:transfer:upload_into_plan", args=[plan.pk]),
        {"file": SimpleUploadedFile("update.csv", data), **date_input("progress_as_of", "2011-09-30")},
    )
    job = ImportJob.objects.get()
    client.post(
        reverse("plans:transfer:mapping", args=[job.pk]),
        {f"column_{i}": f for i, f in enumerate(["reference", "action", "status", "lead", "timescale"])},
    )
    page = client.get(reverse("plans:transfer:preview", args=[job.pk])).content.decode()
    assert "is not an action of this plan" in page
    assert ">Import</button>" not in page
    client.post(reverse("plans:transfer:start", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == ImportJob.State.PREVIEW
    other_action.refresh_from_db()
    assert other_action.status == "not_started"


def test_the_user_maps_columns_whose_headings_are_not_recognised(client, people, plan):
    data = (
        b"Objective,What we will do,Owner,Deadline,Notes\n"
        b"1.2 Staff are skilled,Run competency tests,Chair of CWD,Dec 2026,Tests booked\n"
    )
    client.force_login(people.manager)
    client.post(
        reverse("plans:transfer:upload_into_plan", args=[plan.pk]),
        {"file": SimpleUploadedFile("odd.csv", data), **date_input("progress_as_of", "2026-10-31")},
    )
    job = ImportJob.objects.get()
    page = client.get(reverse("plans:transfer:mapping", args=[job.pk])).content.decode()
    # "Objective", "Owner" and "Deadline" are known by meaning; the rest are the user's to say.
    assert page.count(" selected>") == 5
    assert 'value="objective" selected' in page and 'value="lead" selected' in page
    assert 'value="timescale" selected' in page
    mapping = ["objective", "action", "lead", "timescale", "progress"]
    response = client.post(
        reverse("plans:transfer:mapping", args=[job.pk]), {f"column_{i}": f for i, f in enumerate(mapping)}
    )
    assert response.status_code == 302
    job.refresh_from_db()
    action = job.draft["areas"][0]["objectives"][0]["actions"][0]
    assert (action["description"], action["lead_role"], action["due"]) == (
        "Run competency tests",
        "Chair of CWD",
        "2026-12-31",
    )
    assert action["progress"][0]["text"] == "Tests booked"


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "docx"])
def test_export_loads_the_plan_in_a_fixed_number_of_queries(
    client, people, plan, fmt, django_assert_max_num_queries
):
    for number in (2, 3, 4):
        objective = ObjectiveFactory(priority_area=PriorityAreaFactory(plan=plan, number=number))
        for _ in range(3):
            ActionFactory(objective=objective)
    client.force_login(people.member)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("plans:transfer:export", args=[plan.pk, fmt]))
    assert response.status_code == 200


def test_a_failed_import_says_why_and_offers_to_start_again(client, people, plan, job):
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportJob.State.FAILED, message="The action A-1 was changed."
    )
    client.force_login(people.manager)
    page = client.get(reverse("plans:transfer:job", args=[job.pk])).content.decode()
    assert "The import failed: nothing was imported" in page
    assert "The action A-1 was changed." in page
    assert reverse("plans:transfer:upload_into_plan", args=[plan.pk]) in page
    assert "hx-trigger" not in page


@pytest.mark.parametrize("role", ["manager", "chair", "member", "executive"])
def test_the_board_and_plan_pages_link_to_import_for_managers_and_export_for_all(client, people, plan, role):
    client.force_login(getattr(people, role))
    board_page = client.get(people.board.get_absolute_url()).content.decode()
    plan_page = client.get(plan.get_absolute_url()).content.decode()
    import_links = (
        reverse("plans:transfer:upload_new_plan", args=[people.board.slug]) in board_page,
        reverse("plans:transfer:upload_into_plan", args=[plan.pk]) in plan_page,
    )
    assert import_links == ((True, True) if role == "manager" else (False, False))
    for fmt in ("xlsx", "csv", "docx"):
        assert reverse("plans:transfer:export", args=[plan.pk, fmt]) in plan_page


def test_the_upload_form_asks_for_dates_as_day_month_and_year(client, people):
    """Issue 14, point 6: no browser date picker; the Design System's messages."""
    client.force_login(people.manager)
    url = reverse("plans:transfer:upload_new_plan", args=[people.board.slug])
    page = client.get(url).content.decode()
    assert 'type="date"' not in page
    for name in ("period_start", "period_end", "progress_as_of"):
        assert f'name="{name}_0"' in page and f'name="{name}_2"' in page
    response = client.post(
        url,
        {
            "title": "SSCB Business Plan",
            **date_input("period_start", "2011-04-01"),
            "period_end_0": "31",
            "period_end_1": "3",
            "progress_as_of_0": "30",
            "progress_as_of_1": "Sept",
            "progress_as_of_2": "2011",
            "file": SimpleUploadedFile("plan.csv", b"Objective,Agreed action\n1.1,Audit\n"),
        },
    )
    text = response.content.decode()
    assert "End date of the plan must include a year" in text
    assert 'href="#id_period_end_2"' in text
    assert "Date of undated progress notes must" not in text  # "Sept" is a month
    assert not ImportJob.objects.exists()
