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

from annual_reports import gathering, publishing
from annual_reports.assembly import ReportRefusedError, assemble_report, start_report
from annual_reports.editing import approve
from annual_reports.gather import gather_facts
from annual_reports.models import AnnualReport, GatherStatus, RenderStatus
from annual_reports.tasks import gather_report_figures, make_report_files, send_unsent
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
        return assemble_report(people.board, YEAR, people.manager)


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


def test_the_queued_gathering_task_name_is_the_workers_task():
    assert gather_report_figures.name == gathering.GATHER_TASK


def test_starting_queues_the_gathering_after_commit_and_gathers_nothing_in_the_request(
    people, django_capture_on_commit_callbacks
):
    make_board_year(people.board, people.other_board)
    with (
        time_machine.travel(TODAY.isoformat()),
        mock.patch("safeguarding.queueing.current_app") as celery_app,
        mock.patch("annual_reports.gathering.gather_facts") as gather,
        django_capture_on_commit_callbacks(execute=True),
    ):
        report = start_report(people.board, YEAR, people.manager)
    celery_app.send_task.assert_called_once_with(gathering.GATHER_TASK, args=[report.pk], ignore_result=True)
    gather.assert_not_called()
    report.refresh_from_db()
    assert report.gather_status == GatherStatus.GATHERING and report.gather_sent_at is not None
    assert report.facts == {} and not report.sections.exists()
    # The worker's task writes the figures and the sections; a redelivery changes nothing.
    with time_machine.travel(TODAY.isoformat()):
        gathering.gather_report(report.pk)
        gathering.gather_report(report.pk)
    report.refresh_from_db()
    assert report.gather_status == GatherStatus.DONE and report.gather_attempts == 1
    assert report.facts["totals"]["total"] > 0 and report.sections.count() == 7


def test_with_redis_down_a_started_report_stays_gathering_and_the_beat_sweep_sends_it(
    people, django_capture_on_commit_callbacks
):
    with (
        time_machine.travel(TODAY.isoformat()),
        mock.patch("safeguarding.queueing.current_app") as celery_app,
        django_capture_on_commit_callbacks(execute=True),
    ):
        celery_app.send_task.side_effect = OperationalError("Redis is down")
        report = start_report(people.board, YEAR, people.manager)
    report.refresh_from_db()
    assert report.gather_status == GatherStatus.GATHERING and report.gather_sent_at is None
    # Within the grace minute the sweep leaves it (its own after-commit send may be on its way).
    assert gathering.send_unsent_gatherings(now=report.gather_queued_at) == []
    later = report.gather_queued_at + datetime.timedelta(minutes=2)
    with (
        time_machine.travel(later),
        mock.patch("safeguarding.queueing.current_app") as celery_app,
    ):
        send_unsent()  # the beat task sweeps gatherings as well as files
    celery_app.send_task.assert_called_once_with(gathering.GATHER_TASK, args=[report.pk], ignore_result=True)
    report.refresh_from_db()
    assert report.gather_sent_at is not None
    with mock.patch("safeguarding.queueing.current_app"):
        assert gathering.send_unsent_gatherings(now=later) == []


def test_a_failed_gathering_is_recorded_and_a_report_not_gathered_cannot_be_approved(people):
    with time_machine.travel(TODAY.isoformat()):
        report = start_report(people.board, YEAR, people.manager)
    with (
        mock.patch("annual_reports.gathering.gather_facts", side_effect=RuntimeError("database gone")),
        pytest.raises(RuntimeError),
    ):
        gathering.gather_report(report.pk)
    report.refresh_from_db()
    assert report.gather_status == GatherStatus.FAILED and "database gone" in report.gather_error
    assert report.gather_message == gathering.FAILED_MESSAGE and not report.sections.exists()
    with pytest.raises(ReportRefusedError, match="not gathered"):
        approve(report.pk, people.manager)


def test_a_gathering_that_keeps_killing_its_worker_is_failed_after_three_tries(people):
    with time_machine.travel(TODAY.isoformat()):
        report = start_report(people.board, YEAR, people.manager)
    AnnualReport.objects.filter(pk=report.pk).update(gather_attempts=gathering.MAX_ATTEMPTS)
    gathering.gather_report(report.pk)
    report.refresh_from_db()
    assert report.gather_status == GatherStatus.FAILED and "3 times" in report.gather_error


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
