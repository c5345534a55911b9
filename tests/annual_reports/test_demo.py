"""The demo's two reports: the SSAB's Care Act report (approved by the demo loader, saying so,
everything the seeds do not state marked Illustrative) and the SSCB's partnership report (a
draft written from the seed plan); loading twice changes nothing."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.management import call_command

from annual_reports.demo import DEMO_REPORT_APPROVAL, SSAB_NOTE, SSCB_NOTE
from annual_reports.models import AnnualReport, AnnualReportSection, RenderStatus, ReportFramework
from annual_reports.sections import display_sections
from reviews.models import Finding, NotImplementedDecision, Recommendation, Review
from tests.once import rolled_back_afterwards

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 23, 9, 0)


class TestTheLoadedDemo:
    """These tests share one load_demo (tests/once.py): each runs in a savepoint inside the
    class's transaction, rolled back after it."""

    @pytest.fixture(scope="class")
    @classmethod
    def loaded_demo(cls, django_db_setup, django_db_blocker):
        sent = []
        with rolled_back_afterwards(django_db_blocker), pytest.MonkeyPatch.context() as patch:
            patch.setattr("annual_reports.publishing.dispatch", lambda report: sent.append(report.pk))
            with django_db_blocker.unblock(), time_machine.travel(NOW, tick=False):
                call_command("load_demo", verbosity=0)
            yield sent

    @pytest.fixture
    def demo(self, loaded_demo, monkeypatch):
        """The reports load_demo sent to the worker, and any a test's own load sends after."""
        sent = list(loaded_demo)
        monkeypatch.setattr("annual_reports.publishing.dispatch", lambda report: sent.append(report.pk))
        return sent

    def test_the_ssab_has_an_approved_care_act_report_labelled_illustrative(self, demo):
        report = AnnualReport.objects.get(board__slug="sunderland-ssab")
        assert report.framework == ReportFramework.CARE_ACT
        assert (report.period_start, report.period_end) == (
            datetime.date(2025, 4, 1),
            datetime.date(2026, 3, 31),
        )
        assert (
            report.is_approved and report.approved_by is None and report.approval_note == DEMO_REPORT_APPROVAL
        )
        assert report.illustrative_note == SSAB_NOTE
        # Its files are the worker's job, queued after load_demo's transaction.
        assert report.render_status == RenderStatus.QUEUED and demo == [report.pk]
        facts = report.facts
        assert [r["title"] for r in facts["reviews"]["concluded"]] == [
            "Illustrative: Safeguarding adults review, Adult A"
        ]
        assert [r["title"] for r in facts["reviews"]["ongoing"]] == [
            "Illustrative: Safeguarding adults review, Adult B"
        ]
        assert [d["illustrative"] for d in facts["not_implemented"]] == [True]
        assert facts["totals"]["total"] == 4 and facts["totals"]["illustrative"]
        # Everything invented is marked so: the plan, the findings, recommendation and decision.
        ssab_reviews = Review.objects.filter(reports__board=report.board)
        assert all(review.title.startswith("Illustrative:") for review in ssab_reviews)
        assert not Finding.objects.filter(review__in=ssab_reviews, illustrative=False).exists()
        assert not Recommendation.objects.filter(review__in=ssab_reviews, illustrative=False).exists()
        assert not NotImplementedDecision.objects.filter(review__in=ssab_reviews, illustrative=False).exists()
        assert all(p["title"].startswith("Illustrative:") and p["illustrative_note"] for p in facts["plans"])
        # The public page says so too.
        items = display_sections(report, list(report.sections.all()))
        assert len(items) == 9

    def test_the_sscb_has_a_draft_partnership_report_from_the_seed_plan(self, demo):
        report = AnnualReport.objects.get(board__slug="sunderland-sscb")
        assert report.framework == ReportFramework.WORKING_TOGETHER and report.is_draft
        assert (report.period_start, report.period_end) == (
            datetime.date(2025, 10, 1),
            datetime.date(2026, 9, 30),
        )
        assert report.illustrative_note == SSCB_NOTE
        [plan] = report.facts["plans"]
        assert plan["title"] == "Sunderland Safeguarding Children Board Business Plan"
        assert report.facts["totals"]["total"] == 45
        assert report.facts["indicators"]["illustrative"]

    def test_loading_the_demo_twice_changes_no_report(self, demo, client):
        before = (
            AnnualReport.objects.count(),
            AnnualReport.history.count(),
            AnnualReportSection.history.count(),
            Review.history.count(),
            Finding.history.count(),
        )
        with time_machine.travel(NOW, tick=False):
            call_command("load_demo", verbosity=0)
        after = (
            AnnualReport.objects.count(),
            AnnualReport.history.count(),
            AnnualReportSection.history.count(),
            Review.history.count(),
            Finding.history.count(),
        )
        assert after == before
