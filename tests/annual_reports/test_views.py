"""Every view for each role: signed out, outsider (another board's manager), chair, member,
executive and manager; POST-only changes; query counts pinned; the public page."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.urls import reverse

from annual_reports import gathering
from annual_reports.assembly import assemble_report
from annual_reports.editing import save_section
from annual_reports.models import AnnualReport, AnnualReportRecipient, GatherStatus, RenderStatus
from boards.models import Board
from tests.annual_reports.factories import TODAY, YEAR, make_board_year

pytestmark = pytest.mark.django_db

READERS = ("chair", "member", "executive")
QUERIES_TO_START = 27


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2027, 5, 14, 12, 0), tick=False):
        yield


@pytest.fixture
def no_worker(monkeypatch):
    sent = []
    monkeypatch.setattr("annual_reports.publishing.dispatch", lambda report: sent.append(report.pk))
    return sent


@pytest.fixture
def report(people) -> AnnualReport:
    people.board.kind = Board.Kind.SAFEGUARDING_ADULTS_BOARD
    people.board.save()
    make_board_year(people.board, people.other_board)
    return assemble_report(people.board, YEAR, people.manager)


def _approve(report: AnnualReport, user, files: bool = False) -> None:
    report.status = AnnualReport.Status.APPROVED
    report.approved_at = report.started_at
    report.approved_by = user
    if files:
        report.pdf.save("r.pdf", ContentFile(b"%PDF-1.7 stand-in"), save=False)
        report.docx.save("r.docx", ContentFile(b"PK stand-in"), save=False)
        report.render_status = RenderStatus.DONE
        report.pdf_pages = 3
    report.save()


# --- The board's list and starting a report ---------------------------------------------


def test_board_reports_list_by_role(client, people, report):
    url = reverse("annual_reports:board_reports", args=[people.board.slug])
    assert client.get(url).status_code == 302  # signed out: to sign in
    client.force_login(people.outsider)
    assert client.get(url).status_code == 404
    for role in READERS:
        client.force_login(getattr(people, role))
        page = client.get(url)
        assert page.status_code == 200 and "Annual report" in page.text
        assert "Start the report" not in page.text
    client.force_login(people.manager)
    page = client.get(url)
    assert "Start the report" in page.text and "2026/27" in page.text


def test_board_reports_list_costs_a_fixed_number_of_queries(
    client, people, report, django_assert_num_queries
):
    """Reports are listed without their facts (a big JSON) and with their approver joined."""
    client.force_login(people.manager)
    url = reverse("annual_reports:board_reports", args=[people.board.slug])
    with django_assert_num_queries(8):
        client.get(url)
    report.pk = None
    report.period_start, report.slug = datetime.date(2025, 4, 1), "2025-26"
    report.save()
    # The same but the session's save: its idle expiry was pushed back a moment ago.
    with django_assert_num_queries(5):
        client.get(url)


def test_start_is_post_only_and_managers_only(client, people):
    url = reverse("annual_reports:start", args=[people.board.slug])
    data = {"year": "2026-04-01"}
    assert client.post(url, data).status_code == 302 and not AnnualReport.objects.exists()
    client.force_login(people.outsider)
    assert client.post(url, data).status_code == 404
    for role in READERS:
        client.force_login(getattr(people, role))
        assert client.post(url, data).status_code == 403
    client.force_login(people.manager)
    assert client.get(url).status_code == 405
    response = client.post(url, data)
    report = AnnualReport.objects.get()
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    assert report.period_start == datetime.date(2026, 4, 1) and report.period_end == datetime.date(
        2027, 3, 31
    )


def test_starting_assembles_nothing_in_the_request_and_costs_a_fixed_number_of_queries(
    client, people, monkeypatch, django_assert_num_queries
):
    """The figures are the worker's: the POST writes the row and its recipients and queues
    the gathering, in the same few queries however big the board's year is."""
    people.board.kind = Board.Kind.SAFEGUARDING_ADULTS_BOARD
    people.board.save()
    make_board_year(people.board, people.other_board)
    queued = []
    monkeypatch.setattr("annual_reports.assembly.dispatch_gathering", lambda report: queued.append(report.pk))

    def must_not_run(*args, **kwargs):
        raise AssertionError("the figures were gathered inside the web request")

    monkeypatch.setattr("annual_reports.gathering.gather_facts", must_not_run)
    client.force_login(people.manager)
    url = reverse("annual_reports:start", args=[people.board.slug])
    # Session, user, board, role; savepoints, the manager check and the year check; the row
    # and its history; the 5 Care Act recipients and theirs; the session's idle stamp. The
    # same for a year of 1,000 actions: nothing here reads the year's data.
    with django_assert_num_queries(QUERIES_TO_START):
        response = client.post(url, {"year": "2026-04-01"})
    report = AnnualReport.objects.get()
    assert response.status_code == 302 and queued == [report.pk]
    assert report.gather_status == GatherStatus.GATHERING and not report.sections.exists()
    assert report.recipients.count() == 5


def test_the_report_page_shows_the_gathering_then_the_sections(client, people, monkeypatch):
    people.board.kind = Board.Kind.SAFEGUARDING_ADULTS_BOARD
    people.board.save()
    make_board_year(people.board, people.other_board)
    monkeypatch.setattr("annual_reports.assembly.dispatch_gathering", lambda report: None)
    client.force_login(people.manager)
    client.post(reverse("annual_reports:start", args=[people.board.slug]), {"year": "2026-04-01"})
    report = AnnualReport.objects.get()
    page = client.get(report.get_absolute_url())
    partial_url = reverse("annual_reports:gathering", args=[report.pk])
    assert page.status_code == 200 and f'hx-get="{partial_url}"' in page.text
    assert "Gathering the figures" in page.text and "Approve and publish" not in page.text
    assert "Edit the text" not in page.text and "Gather the figures again" not in page.text
    partial = client.get(partial_url, headers={"HX-Request": "true"})
    assert "hx-get" in partial.text and "HX-Refresh" not in partial
    gathering.gather_report(report.pk)
    partial = client.get(partial_url, headers={"HX-Request": "true"})
    assert partial["HX-Refresh"] == "true" and "hx-get" not in partial.text
    page = client.get(report.get_absolute_url())
    assert f'hx-get="{partial_url}"' not in page.text
    assert page.text.count("Edit the text") == 9 and "Approve and publish this report" in page.text
    assert "The draft is written from the board" in page.text


def test_a_failed_gathering_is_shown_and_can_be_tried_again(client, people, monkeypatch):
    monkeypatch.setattr("annual_reports.assembly.dispatch_gathering", lambda report: None)
    client.force_login(people.manager)
    client.post(reverse("annual_reports:start", args=[people.board.slug]), {"year": "2026-04-01"})
    report = AnnualReport.objects.get()
    monkeypatch.setattr("annual_reports.gathering.gather_facts", mock_failure)
    with pytest.raises(RuntimeError):
        gathering.gather_report(report.pk)
    partial = client.get(
        reverse("annual_reports:gathering", args=[report.pk]), headers={"HX-Request": "true"}
    )
    assert "could not be gathered" in partial.text and 'role="alert"' in partial.text
    assert "hx-get" not in partial.text and "HX-Refresh" not in partial
    # The swapped-in error offers the retry to a manager, and only to a manager.
    assert "Gather the figures again" in partial.text
    client.force_login(people.member)
    partial = client.get(
        reverse("annual_reports:gathering", args=[report.pk]), headers={"HX-Request": "true"}
    )
    assert "could not be gathered" in partial.text and "Gather the figures again" not in partial.text
    client.force_login(people.manager)
    page = client.get(report.get_absolute_url())
    assert "could not be gathered" in page.text and "Gather the figures again" in page.text


def mock_failure(*args, **kwargs):
    raise RuntimeError("the database went away")


def test_gathering_partial_by_role(client, people, report):
    url = reverse("annual_reports:gathering", args=[report.pk])
    assert client.get(url).status_code == 302
    client.force_login(people.outsider)
    assert client.get(url).status_code == 404
    for role in (*READERS, "manager"):
        client.force_login(getattr(people, role))
        assert client.get(url).status_code == 200


def test_gather_again_by_role_keeps_edited_sections_and_says_which(client, people, report, monkeypatch):
    queued = []
    monkeypatch.setattr("annual_reports.editing.dispatch_gathering", lambda report: queued.append(report.pk))
    url = reverse("annual_reports:gather_again", args=[report.pk])
    assert client.post(url).status_code == 302
    client.force_login(people.outsider)
    assert client.post(url).status_code == 404
    for role in READERS:
        client.force_login(getattr(people, role))
        assert client.post(url).status_code == 403
    assert queued == []
    client.force_login(people.manager)
    assert client.get(url).status_code == 405
    objective = report.sections.get(key="objective")
    save_section(objective.pk, people.manager, "The manager's own words.", objective.version)
    strategy = report.sections.get(key="strategy")
    strategy.body = "Stale text from old figures."
    strategy.save()
    assert client.post(url).status_code == 302 and queued == [report.pk]
    report.refresh_from_db()
    assert report.gather_status == GatherStatus.GATHERING
    # Pressed again while gathering: nothing more is queued.
    client.post(url)
    assert queued == [report.pk]
    gathering.gather_report(report.pk)
    report.refresh_from_db()
    assert report.gather_status == GatherStatus.DONE
    assert report.sections.get(key="objective").body == "The manager's own words."
    assert report.sections.get(key="strategy").body != "Stale text from old figures."
    assert "What the board did to achieve its objective" in report.gather_message
    assert "What the board did to implement" not in report.gather_message
    assert "kept" in client.get(report.get_absolute_url()).text
    _approve(report, people.manager)
    client.post(url)
    assert queued == [report.pk]


def test_start_refuses_a_year_not_offered_and_a_second_report_keeping_the_form(client, people, report):
    client.force_login(people.manager)
    url = reverse("annual_reports:start", args=[people.board.slug])
    page = client.post(url, {"year": "2031-04-01"})
    assert page.status_code == 400 and "Choose one of the years listed" in page.text
    page = client.post(url, {"year": "2026-04-01"})
    assert page.status_code == 400 and "already has a report for this year" in page.text
    assert AnnualReport.objects.count() == 1


def test_a_sab_is_offered_financial_years_and_others_any_twelve_months(client, people, report):
    client.force_login(people.manager)
    page = client.get(reverse("annual_reports:board_reports", args=[people.board.slug]))
    assert "1 April 2026 to 31 March 2027" in page.text and "1 May 2026" not in page.text
    people.board.kind = Board.Kind.SAFEGUARDING_CHILDREN_PARTNERSHIP
    people.board.save()
    page = client.get(reverse("annual_reports:board_reports", args=[people.board.slug]))
    assert "1 May 2026 to 30 April 2027" in page.text


# --- The report page --------------------------------------------------------------------


def test_report_page_by_role(client, people, report):
    url = report.get_absolute_url()
    assert client.get(url).status_code == 302
    client.force_login(people.outsider)
    assert client.get(url).status_code == 404
    for role in READERS:
        client.force_login(getattr(people, role))
        page = client.get(url)
        assert page.status_code == 200 and "Draft" in page.text
        assert "Approve and publish" not in page.text and "Edit the text" not in page.text
    client.force_login(people.manager)
    page = client.get(url)
    assert "Approve and publish this report" in page.text and page.text.count("Edit the text") == 9


def test_report_page_costs_a_fixed_number_of_queries(client, people, report, django_assert_num_queries):
    """Sections are read in one query and drawn from the stored facts: no query per action,
    review or meeting, however many the year had."""
    client.force_login(people.member)
    # Session, user, report, role, sections, recipients; then the session's idle stamp (3).
    with django_assert_num_queries(9):
        client.get(report.get_absolute_url())


# --- Editing a section ------------------------------------------------------------------


def test_section_edit_by_role_and_versions_kept(client, people, report):
    section = report.sections.get(key="objective")
    url = reverse("annual_reports:section_edit", args=[section.pk])
    data = {"body": "The board met and did its work.\n\nA second paragraph.", "version": section.version}
    assert client.post(url, data).status_code == 302
    client.force_login(people.outsider)
    assert client.get(url).status_code == 404 and client.post(url, data).status_code == 404
    for role in READERS:
        client.force_login(getattr(people, role))
        assert client.get(url).status_code == 403 and client.post(url, data).status_code == 403
    client.force_login(people.manager)
    assert client.get(url).status_code == 200
    assert client.post(url, data).status_code == 302
    section.refresh_from_db()
    assert section.paragraphs == ["The board met and did its work.", "A second paragraph."]
    history = list(section.history.all())
    assert [h.history_type for h in history] == ["~", "+"]
    assert history[0].history_user == people.manager
    assert "A second paragraph." in client.get(report.get_absolute_url()).text


def test_a_save_over_someone_elses_keeps_both_and_writes_nothing(client, people, report):
    section = report.sections.get(key="objective")
    url = reverse("annual_reports:section_edit", args=[section.pk])
    client.force_login(people.manager)
    opened_version = section.version
    assert client.post(url, {"body": "First manager's text", "version": opened_version}).status_code == 302
    page = client.post(url, {"body": "Second manager's text", "version": opened_version})
    assert page.status_code == 409
    assert "saved this section while you were editing it" in page.text
    assert "Second manager&#x27;s text" in page.text and "First manager&#x27;s text" in page.text
    section.refresh_from_db()
    assert section.body == "First manager's text"


def test_an_approved_report_s_sections_cannot_change(client, people, report):
    _approve(report, people.manager)
    section = report.sections.get(key="objective")
    client.force_login(people.manager)
    url = reverse("annual_reports:section_edit", args=[section.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"body": "Late change", "version": section.version}).status_code == 403
    section.refresh_from_db()
    assert section.body != "Late change"


# --- Approval, files and recipients ------------------------------------------------------


def test_approve_by_role_post_only_and_queues_the_files(client, people, report, no_worker):
    url = reverse("annual_reports:approve", args=[report.pk])
    assert client.post(url).status_code == 302
    client.force_login(people.outsider)
    assert client.post(url).status_code == 404
    for role in READERS:
        client.force_login(getattr(people, role))
        assert client.post(url).status_code == 403
    client.force_login(people.manager)
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    report.refresh_from_db()
    assert report.is_approved and report.approved_by == people.manager
    assert report.render_status == RenderStatus.QUEUED and no_worker == [report.pk]
    # A second press does nothing more.
    client.post(url)
    assert no_worker == [report.pk]


def test_files_status_partial_by_role(client, people, report):
    _approve(report, people.manager, files=True)
    url = reverse("annual_reports:files", args=[report.pk])
    assert client.get(url).status_code == 302
    client.force_login(people.outsider)
    assert client.get(url).status_code == 404
    for role in (*READERS, "manager"):
        client.force_login(getattr(people, role))
        page = client.get(url)
        assert page.status_code == 200 and "PDF (3 pages)" in page.text and "hx-get" not in page.text


def test_recording_the_sending_by_role(client, people, report):
    _approve(report, people.manager)
    recipient = report.recipients.get(role=AnnualReportRecipient.Role.HEALTHWATCH)
    url = reverse("annual_reports:recipient", args=[recipient.pk])
    prefix = f"recipient-{recipient.pk}"
    data = {
        f"{prefix}-name": "Healthwatch Sunderland",
        f"{prefix}-sent_on_0": "10",
        f"{prefix}-sent_on_1": "5",
        f"{prefix}-sent_on_2": "2027",
    }
    assert client.post(url, data).status_code == 302
    client.force_login(people.outsider)
    assert client.post(url, data).status_code == 404
    for role in READERS:
        client.force_login(getattr(people, role))
        assert client.post(url, data).status_code == 403
    client.force_login(people.manager)
    assert client.get(url).status_code == 405
    assert client.post(url, data).status_code == 302
    recipient.refresh_from_db()
    assert recipient.name == "Healthwatch Sunderland" and recipient.sent_on == datetime.date(2027, 5, 10)
    assert recipient.sent_by == people.manager
    page = client.get(report.get_absolute_url())
    assert "Healthwatch Sunderland" in page.text and "10 May 2027" in page.text


def test_recording_the_sending_refuses_a_future_date_keeping_the_form(client, people, report):
    _approve(report, people.manager)
    recipient = report.recipients.get(role=AnnualReportRecipient.Role.LEADER)
    prefix = f"recipient-{recipient.pk}"
    client.force_login(people.manager)
    page = client.post(
        reverse("annual_reports:recipient", args=[recipient.pk]),
        {
            f"{prefix}-name": "Leader of the Council",
            f"{prefix}-sent_on_0": "1",
            f"{prefix}-sent_on_1": "6",
            f"{prefix}-sent_on_2": "2027",
        },
    )
    assert page.status_code == 400 and "Date sent must be today or in the past" in page.text
    assert "Leader of the Council" in page.text
    recipient.refresh_from_db()
    assert recipient.sent_on is None


def test_a_draft_cannot_be_recorded_as_sent(client, people, report):
    recipient = report.recipients.first()
    prefix = f"recipient-{recipient.pk}"
    client.force_login(people.manager)
    data = {
        f"{prefix}-name": "X",
        f"{prefix}-sent_on_0": "1",
        f"{prefix}-sent_on_1": "5",
        f"{prefix}-sent_on_2": "2027",
    }
    assert client.post(reverse("annual_reports:recipient", args=[recipient.pk]), data).status_code == 403


# --- The public page --------------------------------------------------------------------


def test_the_public_page_shows_only_an_approved_report_to_anyone(client, people, report):
    url = reverse("annual_reports:public", args=[people.board.slug, "2026-27"])
    assert client.get(url).status_code == 404  # a draft is not public
    _approve(report, people.manager, files=True)
    page = client.get(url)
    assert page.status_code == 200 and report.get_public_url() == url
    assert "Annual report 2026/27" in page.text
    assert "Audit self-neglect cases across agencies" in page.text
    # Nothing else of the board: no links into the signed-in service, no editing.
    assert (
        'href="/plans' not in page.text
        and 'href="/boards' not in page.text
        and "Edit the text" not in page.text
    )
    assert "Sign out" not in page.text
    assert client.get(url + "report.pdf").status_code == 200
    assert client.get(url + "report.docx")["Content-Type"].startswith("application/vnd.openxmlformats")
    client.force_login(people.outsider)
    assert client.get(url).status_code == 200  # the same for everyone
    assert (
        client.get(reverse("annual_reports:public", args=[people.board.slug, "2025-26"])).status_code == 404
    )


def test_the_public_files_wait_for_the_worker(client, people, report):
    _approve(report, people.manager)
    url = reverse("annual_reports:public_pdf", args=[people.board.slug, report.slug])
    assert client.get(url).status_code == 404


def test_the_public_page_costs_a_fixed_number_of_queries(client, people, report, django_assert_num_queries):
    _approve(report, people.manager, files=True)
    with django_assert_num_queries(2):
        client.get(report.get_public_url())


def test_today_is_frozen():
    assert datetime.date.today() == TODAY
