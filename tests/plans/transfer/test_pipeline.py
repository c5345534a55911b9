"""The import's pipeline around the reading: rows re-read on the preview without a new
upload, a preview of bounded size for a big file, and old jobs purged by the beat task."""

from __future__ import annotations

import datetime
import random
import string
from unittest import mock

import pytest
import time_machine
from django.conf import settings as django_settings
from django.urls import reverse

from boards.models import Role
from plans.models import BusinessPlan, ImportFile, ImportJob
from plans.transfer import jobs, tasks
from plans.transfer.files import MAX_BYTES, MAX_ROWS, read_upload
from plans.transfer.views import _headings
from tests.factories import BusinessPlanFactory, MembershipFactory, UserFactory
from tests.plans.transfer.files import csv_bytes

ROWS = [
    ["", "1.1 Children are safe", "Audit", "Audit the plans", "Chair of QA", "Dec 2011", "", ""],
    # Two rows a person would not call actions: a section heading, and a note.
    ["", "", "", "Early help", "", "", "", ""],
    [
        "",
        "1.2 Families get help early",
        "",
        "Offer early help assessments",
        "Chair of EH",
        "Mar 2012",
        "",
        "",
    ],
    ["", "", "", "Note: figures to follow", "", "", "", ""],
]


def _actions(draft: dict) -> list[tuple[int, str, str]]:
    return [
        (area["number"], area["title"], action["description"])
        for area in draft["areas"]
        for objective in area["objectives"]
        for action in objective["actions"]
    ]


@pytest.fixture
def job(people) -> ImportJob:
    job = jobs.new_job(
        extracted=read_upload("plan.csv", csv_bytes(ROWS)).as_json(),
        file_name="plan.csv",
        board=people.board,
        user=people.manager,
        new_plan={"title": "Imported", "period_start": "2011-04-01", "period_end": "2013-03-31"},
        progress_as_of=datetime.date(2011, 9, 30),
    )
    jobs.preview(job)
    return job


def _post_rows(client, job: ImportJob, choices: dict[str, str], version: int | None = None):
    data = {"version": job.draft["version"] if version is None else version}
    for index, (where, choice) in enumerate(choices.items()):
        data |= {f"where_{index}": where, f"read_as_{index}": choice}
    return client.post(reverse("plans:transfer:overrides", args=[job.pk]), data)


def test_rows_marked_as_a_heading_or_not_an_action_are_read_again_without_a_new_upload(client, people, job):
    client.force_login(people.manager)
    # With no priority heading in the file, every row falls under one untitled area.
    assert (1, "Untitled priority area", "Early help") in _actions(job.draft)
    page = client.get(reverse("plans:transfer:preview", args=[job.pk])).content.decode()
    assert 'value="CSV, row 3"' in page and 'value="CSV, row 5"' in page  # a choice for each row
    extracted = job.extracted

    response = _post_rows(client, job, {"CSV, row 3": "heading", "CSV, row 5": "skip"})
    assert response["Location"] == reverse("plans:transfer:preview", args=[job.pk])
    job.refresh_from_db()
    assert job.overrides == {"CSV, row 3": "heading", "CSV, row 5": "skip"}
    assert job.extracted == extracted  # read from the stored text: the file is not needed
    assert _actions(job.draft) == [
        (1, "Untitled priority area", "Audit the plans"),
        (2, "Early help", "Offer early help assessments"),
    ]
    skipped = {row["where"]: (row["text"], row["reason"]) for row in job.draft["skipped"]}
    assert skipped["CSV, row 5"] == ("Note: figures to follow", "You marked this row as not an action.")
    assert skipped["CSV, row 3"] == (
        "Early help",
        "You marked this row as a heading: read as the heading of Priority Area 2.",
    )
    assert job.draft["version"] == 2
    page = client.get(reverse("plans:transfer:preview", args=[job.pk])).content.decode()
    assert "Rows not imported as actions" in page and "You marked this row as not an action." in page
    assert "Rows you told us how to read" in page and "Priority Area 2 – Early help" in page

    # Changing one's mind: the row is read as written again.
    _post_rows(client, job, {"CSV, row 5": "", "CSV, row 3": "heading"})
    job.refresh_from_db()
    assert job.overrides == {"CSV, row 3": "heading"}
    assert (2, "Early help", "Note: figures to follow") in _actions(job.draft)
    assert "CSV, row 5" not in {row["where"] for row in job.draft["skipped"]}


def test_a_stale_preview_page_changes_nothing(client, people, job):
    client.force_login(people.manager)
    _post_rows(client, job, {"CSV, row 5": "skip"})
    job.refresh_from_db()
    response = _post_rows(client, job, {"CSV, row 3": "heading"}, version=1)  # an older tab
    assert response["Location"] == reverse("plans:transfer:preview", args=[job.pk])
    job.refresh_from_db()
    assert job.overrides == {"CSV, row 5": "skip"} and job.draft["version"] == 2
    page = client.get(response["Location"]).content.decode()
    assert "the preview changed since you opened that page" in page


def test_a_row_not_in_the_file_is_refused(client, people, job):
    client.force_login(people.manager)
    _post_rows(client, job, {"Table 9, row 1": "skip"})
    job.refresh_from_db()
    assert job.overrides == {} and job.draft["version"] == 1


def test_a_started_import_cannot_be_re_read(client, people, job):
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.QUEUED)
    client.force_login(people.manager)
    response = _post_rows(client, job, {"CSV, row 5": "skip"})
    assert response["Location"] == job.get_absolute_url()
    job.refresh_from_db()
    assert job.overrides == {} and job.draft["version"] == 1


@pytest.mark.parametrize("role", ["chair", "member", "executive", "outsider", "other manager"])
def test_only_the_manager_who_uploaded_may_re_read_rows(client, people, job, role):
    if role == "other manager":
        user = UserFactory()
        MembershipFactory(user=user, board=people.board, role=Role.MANAGER)
    else:
        user = getattr(people, role)
    client.force_login(user)
    response = _post_rows(client, job, {"CSV, row 5": "skip"})
    assert response.status_code == (404 if role == "outsider" else 403)
    for name in ("preview", "mapping"):
        assert client.get(reverse(f"plans:transfer:{name}", args=[job.pk])).status_code == (
            404 if role == "outsider" else 403
        )
    job.refresh_from_db()
    assert job.overrides == {}


def test_re_reading_rows_is_post_only(client, people, job):
    client.force_login(people.manager)
    assert client.get(reverse("plans:transfer:overrides", args=[job.pk])).status_code == 405


def _big_csv() -> bytes:
    """Just under 20 MB and 5,000 rows: every action with long text, progress and measure."""
    words = random.Random(12).choices(string.ascii_lowercase + " ", k=4_000)
    text = "".join(words)
    rows = [
        [
            "",
            f"1.{n // 10 + 1} Objective {n // 10 + 1}" if n % 10 == 0 else "",
            text[:300],
            f"Action {n}: {text[:1_600]}",
            "Chair of Quality Assurance",
            "December 2011",
            f"30 June 2011: {text[:1_600]}",
            text[:300],
        ]
        for n in range(MAX_ROWS - 2)
    ]
    data = csv_bytes(rows)
    assert 18 * 1024 * 1024 < len(data) < MAX_BYTES
    return data


def test_a_20_mb_file_gives_preview_pages_of_bounded_size(client, people):
    data = _big_csv()
    job = jobs.new_job(
        extracted=read_upload("big.csv", data).as_json(),
        file_name="big.csv",
        board=people.board,
        user=people.manager,
        new_plan={"title": "Big", "period_start": "2011-04-01", "period_end": "2013-03-31"},
        progress_as_of=datetime.date(2011, 9, 30),
    )
    draft = jobs.preview(job)
    assert draft["counts"]["actions"] == MAX_ROWS - 2
    client.force_login(people.manager)
    url = reverse("plans:transfer:preview", args=[job.pk])
    first = client.get(url).content
    last = client.get(f"{url}?page=100").content
    # 50 actions a page with their text shortened: well under a twentieth of the file.
    assert len(first) < 512 * 1024, len(first)
    assert len(last) < 512 * 1024, len(last)
    page = first.decode()
    assert "Actions 1 to 50 of 4,998" in page or "Actions 1 to 50 of 4998" in page
    assert f"{url}?page=2" in page or "?page=2" in page
    assert "Action 4997:" in last.decode() and "Action 0:" not in last.decode()


def _job_at(when: datetime.datetime, people, **kwargs) -> ImportJob:
    with time_machine.travel(when, tick=False):
        return jobs.receive(
            data=b"Agreed action\nAudit\n",
            file_name="plan.csv",
            board=people.board,
            user=people.manager,
            progress_as_of=when.date(),
            **kwargs,
        )


def test_jobs_and_their_files_are_purged_after_the_retention_period(people, settings):
    settings.IMPORT_JOB_RETENTION_DAYS = 7
    start = datetime.datetime(2026, 11, 1, 9, 0, tzinfo=datetime.UTC)
    plan = BusinessPlanFactory(board=people.board)
    old = _job_at(start, people)
    old_done = _job_at(start + datetime.timedelta(hours=1), people, plan=plan)
    ImportJob.objects.filter(pk=old_done.pk).update(state=ImportJob.State.DONE)
    recent = _job_at(start + datetime.timedelta(days=3), people)
    assert ImportFile.objects.count() == 3

    with time_machine.travel(start + datetime.timedelta(days=7) - datetime.timedelta(seconds=1), tick=False):
        assert tasks.purge_import_jobs() == 0  # not yet seven days old
    with time_machine.travel(start + datetime.timedelta(days=7, hours=2), tick=False):
        assert tasks.purge_import_jobs() == 2
        assert tasks.purge_import_jobs() == 0  # a second run (two beats) deletes nothing more
    assert list(ImportJob.objects.all()) == [recent]
    assert list(ImportFile.objects.values_list("job_id", flat=True)) == [recent.pk]
    assert BusinessPlan.objects.filter(pk=plan.pk).exists()  # the imported plan stays
    assert old.pk not in set(ImportJob.objects.values_list("pk", flat=True))

    settings.IMPORT_JOB_RETENTION_DAYS = 1  # the period is a setting
    with time_machine.travel(start + datetime.timedelta(days=4, hours=1), tick=False):
        assert tasks.purge_import_jobs() == 1
    assert not ImportJob.objects.exists() and not ImportFile.objects.exists()


def test_the_purge_is_on_the_beat_schedule_daily():
    entry = django_settings.CELERY_BEAT_SCHEDULE["purge-import-jobs"]
    assert entry["task"] == tasks.purge_import_jobs.name
    assert entry["schedule"].hour == {3} and entry["schedule"].minute == {15}
    assert django_settings.IMPORT_JOB_RETENTION_DAYS == 7


def test_the_preview_is_made_by_the_worker_and_the_job_page_waits_for_it(client, people, job, monkeypatch):
    """A 20 MB file's preview takes seconds: the columns page only asks for it."""
    queued = []
    monkeypatch.setattr(tasks, "queue_preview", queued.append)  # the worker has not run yet
    client.force_login(people.manager)
    form = {f"column_{i}": job.mapping.get(key, "") for i, (key, _, _) in enumerate(_headings(job))}
    response = client.post(reverse("plans:transfer:mapping", args=[job.pk]), form)
    assert response["Location"] == reverse("plans:transfer:preview", args=[job.pk])
    job.refresh_from_db()
    assert queued == [job] and job.state == ImportJob.State.PREPARING
    response = client.get(reverse("plans:transfer:preview", args=[job.pk]), follow=True)
    assert response.redirect_chain == [(job.get_absolute_url(), 302)]
    page = response.content.decode()
    assert "Preparing the preview of plan.csv" in page and 'hx-trigger="every 1s"' in page
    # Re-reading rows meanwhile changes nothing.
    _post_rows(client, job, {"CSV, row 5": "skip"})
    job.refresh_from_db()
    assert job.overrides == {} and job.state == ImportJob.State.PREPARING

    assert tasks.prepare_import_preview.apply(args=[str(job.pk)]).get() == ImportJob.State.PREVIEW
    assert (
        tasks.prepare_import_preview.apply(args=[str(job.pk)]).get() == ImportJob.State.PREVIEW
    )  # twice: no-op
    job.refresh_from_db()
    assert job.draft["version"] == 2 and job.draft["counts"]["actions"] == 4
    progress = client.get(reverse("plans:transfer:progress", args=[job.pk]))
    assert progress["HX-Redirect"] == job.get_absolute_url()
    assert client.get(job.get_absolute_url())["Location"] == reverse("plans:transfer:preview", args=[job.pk])


def test_a_preview_asked_for_while_redis_is_down_is_sent_by_the_sweep(people, job):
    start = datetime.datetime.now(tz=datetime.UTC)
    with time_machine.travel(start, tick=False):
        assert jobs.request_preview(job)
    with mock.patch("safeguarding.queueing.current_app") as celery_app:
        assert (
            tasks.send_unsent_imports(start + datetime.timedelta(seconds=10)) == 0
        )  # its own send may be on its way
        assert tasks.send_unsent_imports(start + datetime.timedelta(minutes=2)) == 1
    celery_app.send_task.assert_called_once_with(tasks.PREVIEW_TASK, args=[str(job.pk)], ignore_result=True)
    job.refresh_from_db()
    assert job.sent_to_worker_at is not None
