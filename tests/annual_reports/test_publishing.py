"""Approval hands the files to the worker after commit, never rendering in the request;
with Redis down the report waits, queued, for the beat sweep; a failed render says so;
assembling costs a fixed number of queries whatever the year's size."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from kombu.exceptions import OperationalError

from annual_reports import publishing
from annual_reports.assembly import start_report
from annual_reports.editing import approve
from annual_reports.gather import gather_facts
from annual_reports.models import RenderStatus
from annual_reports.tasks import make_report_files
from boards.models import Board
from tests.annual_reports.factories import TODAY, YEAR, make_board_year
from tests.factories import ActionFactory
from tests.meetings.factories import MeetingFactory
from tests.reviews.factories import FindingFactory, ReviewFactory, ReviewReportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(people):
    make_board_year(people.board, people.other_board)
    with time_machine.travel(TODAY.isoformat()):
        return start_report(people.board, YEAR, people.manager)


def test_the_queued_task_name_is_the_workers_task():
    assert make_report_files.name == publishing.MAKE_FILES_TASK


def test_approval_queues_the_files_after_commit_and_renders_nothing_in_the_request(
    people, report, django_capture_on_commit_callbacks
):
    with (
        mock.patch("safeguarding.queueing.current_app") as celery_app,
        mock.patch("annual_reports.rendering.render_pdf") as render_pdf,
        django_capture_on_commit_callbacks(execute=True),
    ):
        approve(report.pk, people.manager)
    celery_app.send_task.assert_called_once_with(
        publishing.MAKE_FILES_TASK, args=[report.pk], ignore_result=True
    )
    render_pdf.assert_not_called()
    report.refresh_from_db()
    assert report.render_status == RenderStatus.QUEUED and report.sent_to_worker_at is not None


def test_with_redis_down_the_report_waits_and_the_sweep_sends_it(
    people, report, django_capture_on_commit_callbacks
):
    with (
        mock.patch("safeguarding.queueing.current_app") as celery_app,
        django_capture_on_commit_callbacks(execute=True),
    ):
        celery_app.send_task.side_effect = OperationalError("Redis is down")
        approve(report.pk, people.manager)
    report.refresh_from_db()
    assert report.is_approved and report.render_status == RenderStatus.QUEUED
    assert report.sent_to_worker_at is None
    later = timezone.now() + datetime.timedelta(minutes=2)
    with mock.patch("safeguarding.queueing.current_app") as celery_app:
        assert publishing.send_unsent_reports(now=later) == [report.pk]
    celery_app.send_task.assert_called_once()
    report.refresh_from_db()
    assert report.sent_to_worker_at is not None
    # Sent now: the next sweep leaves it alone.
    with mock.patch("safeguarding.queueing.current_app") as celery_app:
        assert publishing.send_unsent_reports(now=later) == []


def test_a_failed_render_is_recorded(people, report, monkeypatch):
    monkeypatch.setattr(publishing, "dispatch", lambda report: None)
    approve(report.pk, people.manager)
    with (
        mock.patch("annual_reports.rendering.render_pdf", side_effect=RuntimeError("Pango exploded")),
        pytest.raises(RuntimeError),
    ):
        publishing.make_files(report.pk)
    report.refresh_from_db()
    assert report.render_status == RenderStatus.FAILED and "Pango exploded" in report.render_error
    assert not report.pdf and not report.files_ready


def test_a_report_that_keeps_killing_its_worker_is_failed_after_three_tries(people, report, monkeypatch):
    monkeypatch.setattr(publishing, "dispatch", lambda report: None)
    approve(report.pk, people.manager)
    type(report).objects.filter(pk=report.pk).update(
        render_status=RenderStatus.RENDERING, render_attempts=publishing.MAX_ATTEMPTS
    )
    publishing.make_files(report.pk)
    report.refresh_from_db()
    assert report.render_status == RenderStatus.FAILED and "3 times" in report.render_error


def test_gathering_costs_a_fixed_number_of_queries_whatever_the_year_s_size(people):
    """No query per action, meeting, review or agency: the bench's 1,000-action board costs the same."""
    people.board.kind = Board.Kind.SAFEGUARDING_ADULTS_BOARD
    people.board.save()
    year = make_board_year(people.board, people.other_board)
    with CaptureQueriesContext(connection) as small:
        gather_facts(people.board, YEAR)
    for n in range(10):
        ActionFactory(objective=year.red.objective, lead_agency=year.council)
        MeetingFactory(
            board=people.board, starts_at=timezone.make_aware(datetime.datetime(2026, 6, 1 + n, 10))
        )
        review = ReviewFactory(
            partnership=people.board.partnership,
            kind=year.concluded.kind,
            published=datetime.date(2026, 7, 1 + n),
            on_site_start=None,
            on_site_end=None,
        )
        ReviewReportFactory(review=review, board=people.board)
        FindingFactory(review=review)
    with CaptureQueriesContext(connection) as large:
        facts = gather_facts(people.board, YEAR)
    assert len(facts["reviews"]["concluded"]) == 11 and len(facts["meetings"]) == 13
    assert len(large) == len(small), [q["sql"][:120] for q in large.captured_queries]
