"""A manager starts the SAB's annual report, edits a section and approves it; a real Celery
worker makes the files; the public page opens signed out, axe-clean at 1366 and 390 px, and
its PDF passes the pack's PDF/UA checks (tests/pdf_ua.py)."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
import time_machine

from annual_reports.models import AnnualReport, RenderStatus
from boards.models import Board
from tests.annual_reports.factories import make_board_year
from tests.annual_reports.test_assembly import SCHEDULE_2_HEADINGS
from tests.browser.axe import assert_no_axe_violations
from tests.celery_worker import running_worker
from tests.pdf_ua import assert_accessible_pdf

pytestmark = [pytest.mark.browser, pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
NEW_TEXT = "In 2026/27 the board met three times and agreed its self-neglect work with every partner."


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_start_edit_approve_and_read_the_public_report_signed_out(
    browser, live_server, people, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    ARTIFACTS.mkdir(exist_ok=True)
    people.board.kind = Board.Kind.SAFEGUARDING_ADULTS_BOARD
    people.board.save()
    year = make_board_year(people.board, people.other_board)

    # The report is of 2026/27, started in May 2027 (the server thread sees the same clock).
    with (
        time_machine.travel(datetime.datetime(2027, 5, 14, 9, 0, tzinfo=datetime.UTC), tick=True),
        running_worker(extra_env={"MEDIA_ROOT": str(tmp_path)}),
    ):
        page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("E-mail address or username").fill("manager-user")
        page.get_by_label("Password").fill("correct horse battery staple")
        page.get_by_role("button", name="Sign in").click()
        page.goto(f"{live_server.url}{people.board.get_absolute_url()}")
        page.get_by_role("link", name="Annual reports").click()
        assert_no_axe_violations(page)
        page.get_by_label("Year the report covers").select_option(label="1 April 2026 to 31 March 2027")
        page.get_by_role("button", name="Start the report").click()
        page.get_by_role("heading", name="Annual report 2026/27").wait_for()
        # The worker gathers the figures; the page polls and shows the sections when written.
        page.get_by_role("heading", name=SCHEDULE_2_HEADINGS[0][1]).wait_for(timeout=120_000)
        assert AnnualReport.objects.get().gather_attempts == 1
        for _, heading in SCHEDULE_2_HEADINGS:
            assert page.get_by_role("heading", name=heading).count() == 1
        assert_no_axe_violations(page)

        page.get_by_role(
            "link", name="Edit the text of “What the board did to achieve its objective”"
        ).click()
        assert_no_axe_violations(page)
        page.get_by_label("Text of “What the board did to achieve its objective”").fill(NEW_TEXT)
        page.get_by_role("button", name="Save the section").click()
        page.get_by_text("is saved").wait_for()
        assert page.get_by_text(NEW_TEXT).is_visible()

        page.get_by_role("button", name="Approve and publish this report").click()
        page.get_by_text("The report is approved").wait_for()
        # The worker makes the files; the page polls and offers them without a reload.
        page.get_by_role("link", name="PDF (").wait_for(timeout=120_000)
        assert_no_axe_violations(page)
        report = AnnualReport.objects.get()
        assert report.render_status == RenderStatus.DONE and report.render_attempts == 1
        public_url = f"{live_server.url}{report.get_public_url()}"

        for width in (1366, 390):
            signed_out = browser.new_context(viewport={"width": width, "height": 900}).new_page()
            signed_out.goto(public_url)
            signed_out.get_by_role("heading", name="Annual report 2026/27").wait_for()
            assert signed_out.get_by_text(NEW_TEXT).is_visible()
            assert signed_out.get_by_text(year.concluded_finding.text).is_visible()
            assert not signed_out.get_by_text(year.draft_action.description).count()
            assert not signed_out.get_by_role("button", name="Sign out").count()
            assert_no_axe_violations(signed_out)
            assert no_sideways_scroll(signed_out)
            signed_out.screenshot(path=str(ARTIFACTS / f"annual-report-public-{width}.png"), full_page=True)
            if width == 1366:
                with signed_out.expect_download() as download:
                    signed_out.get_by_role("link", name="PDF (").click()
                pdf = ARTIFACTS / "annual-report-public.pdf"
                download.value.save_as(pdf)
            signed_out.context.close()

    checked = assert_accessible_pdf(pdf)
    text = " ".join(" ".join(page.split()) for page in checked.content_text)
    assert NEW_TEXT in text and year.draft_action.description not in text
