"""A report built from factories says everything the law asks, each item under its own
heading, from this board's agreed data only."""

from __future__ import annotations

import datetime
import re
from html import unescape

import pytest
import time_machine
from django.template.loader import render_to_string

from annual_reports.assembly import ReportRefusedError, assemble_report, start_report
from annual_reports.models import AnnualReport, RecipientRole, ReportFramework
from annual_reports.rendering import print_html
from annual_reports.sections import display_sections
from boards.models import Board
from reviews.models import ReviewKind
from tests.annual_reports.factories import NOT_IMPLEMENTED_REASON, TODAY, YEAR, make_board_year
from tests.reviews.factories import FocusThemeFactory, ReviewFactory, ReviewReportFactory

pytestmark = pytest.mark.django_db

# Care Act 2014, Schedule 2, paragraph 4(1)(a)–(g), in the statute's order.
SCHEDULE_2_HEADINGS = [
    ("(a)", "What the board did to achieve its objective"),
    ("(b)", "What the board did to implement its strategic plan"),
    ("(c)", "What each member did to implement the strategy"),
    ("(d)", "Safeguarding adults reviews concluded in the year, and their findings"),
    ("(e)", "Safeguarding adults reviews ongoing at the end of the year"),
    ("(f)", "What the board did to implement the findings of its reviews"),
    ("(g)", "Findings the board decided not to implement, and why"),
]


def _sab(people) -> Board:
    people.board.kind = Board.Kind.SAFEGUARDING_ADULTS_BOARD
    people.board.save()
    return people.board


def _sections_html(report: AnnualReport) -> dict[str, str]:
    """Each section's rendered HTML, by its heading."""
    items = display_sections(report, list(report.sections.all()))
    return {
        item["section"].heading: render_to_string(
            "annual_reports/_section.html", {"item": item, "facts": report.facts, "report": report}
        )
        for item in items
    }


def _text(html: str) -> str:
    """The words a reader of a wide screen or the PDF sees (phone cards' column labels left out)."""
    html = re.sub(r'<span class="app-card-label[^"]*">[^<]*</span>', " ", html)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@time_machine.travel(TODAY.isoformat())
def test_a_sab_report_has_every_schedule_2_item_under_its_own_heading(people):
    board = _sab(people)
    year = make_board_year(board, people.other_board)
    report = assemble_report(board, YEAR, people.manager)

    assert report.framework == ReportFramework.CARE_ACT
    sections = list(report.sections.all())
    headings = [s.heading for s in sections]
    for paragraph, heading in SCHEDULE_2_HEADINGS:
        section = sections[headings.index(heading)]
        assert section.reference == f"Care Act 2014, Schedule 2, paragraph 4(1){paragraph}"
    # In the statute's order, then performance and meetings.
    assert headings[:7] == [h for _, h in SCHEDULE_2_HEADINGS]
    assert headings[7:] == ["Performance indicators", "Meetings held and attendance"]

    html = _sections_html(report)
    strategy = _text(html["What the board did to implement its strategic plan"])
    assert year.complete.description in strategy and year.red.description in strategy
    assert "1 of 2 actions complete (50%)" in strategy
    members = _text(html["What each member did to implement the strategy"])
    # Each agency with the actions it led and how often it was at the board's meetings.
    assert "Area Police 1 0 1 Represented at 2 of 3 meetings" in members
    assert "Borough Council 1 1 0 Represented at 3 of 3 meetings" in members
    assert "Area Police: actions led 1.1.2 Audit self-neglect cases across agencies: In progress" in members
    assert "Another area's council" not in members
    concluded = _text(html["Safeguarding adults reviews concluded in the year, and their findings"])
    assert year.concluded.title in concluded and year.concluded_finding.text in concluded
    assert year.ongoing.title not in concluded
    ongoing = _text(html["Safeguarding adults reviews ongoing at the end of the year"])
    assert year.ongoing.title in ongoing and year.concluded.title not in ongoing
    implemented = _text(html["What the board did to implement the findings of its reviews"])
    assert "Agree a self-neglect information sharing protocol." in implemented
    assert year.red.description in implemented
    not_implemented = _text(html["Findings the board decided not to implement, and why"])
    assert year.not_implemented_finding.text in not_implemented
    assert f"Not implemented, because: {NOT_IMPLEMENTED_REASON}" in not_implemented
    assert "(decided 12 January 2027, The board's meeting of 12 January 2027)" in not_implemented
    performance = html["Performance indicators"]
    assert "ASC1 Section 42 enquiries concluded in 28 days" in performance and "<svg" in performance
    meetings = _text(html["Meetings held and attendance"])
    assert meetings.count("Committee Room 1, Civic Centre") == 3
    # Attendance by agency: present, deputy, apologies, absent (two members each).
    assert "Area Police 4 0 2 0" in meetings and "Borough Council 6 0 0 0" in meetings

    # The statutory recipients are listed, none yet sent.
    assert [r.role for r in report.recipients.all()] == list(RecipientRole)
    assert not report.recipients.filter(sent_on__isnull=False).exists()


@time_machine.travel(TODAY.isoformat())
def test_no_draft_plan_and_nothing_of_another_board_is_in_the_report(people):
    board = _sab(people)
    year = make_board_year(board, people.other_board)
    report = assemble_report(board, YEAR, people.manager)
    report.status = AnnualReport.Status.APPROVED
    report.approved_at = report.started_at
    text = _text(print_html(report))
    assert year.complete.description in text
    for absent in (
        year.draft_action.description,
        "Draft plan 2027–2029",
        year.other_board_action.description,
        "Another board's plan",
        year.other_board_review.title,
        year.other_board_meeting_place,
    ):
        assert absent not in text, absent


@time_machine.travel(TODAY.isoformat())
def test_a_childrens_partnership_report_has_the_working_together_parts(people):
    year = make_board_year(people.board, people.other_board, case_kind=ReviewKind.LCSPR)
    theme = FocusThemeFactory(review=year.concluded, text="Neglect of under-fives")
    rapid = ReviewFactory(
        partnership=people.board.partnership,
        kind=ReviewKind.SERIOUS_INCIDENT,
        title="Serious incident: Child C",
        became_aware=datetime.date(2026, 6, 1),
        notified=datetime.date(2026, 6, 3),
        rapid_review_held=datetime.date(2026, 6, 20),
        on_site_start=None,
        on_site_end=None,
    )
    ReviewReportFactory(review=rapid, board=people.board)
    # A SAR of the same partnership is the adults board's to report, not the children's.
    sar = ReviewFactory(
        partnership=people.board.partnership, kind=ReviewKind.SAR, published=datetime.date(2026, 8, 1)
    )
    ReviewReportFactory(review=sar, board=people.board)
    report = assemble_report(people.board, YEAR, people.manager)
    assert report.framework == ReportFramework.WORKING_TOGETHER
    assert [s.heading for s in report.sections.all()] == [
        "Activity and effectiveness of the arrangements",
        "Independent scrutiny",
        "Local child safeguarding practice reviews and rapid reviews",
        "Learning and its impact",
        "Priorities for the next year",
        "Performance indicators",
        "Meetings held and attendance",
    ]
    html = _sections_html(report)
    reviews = _text(html["Local child safeguarding practice reviews and rapid reviews"])
    assert year.concluded.title in reviews and year.ongoing.title in reviews
    assert "Serious incident: Child C, held 20 June 2026" in reviews and sar.title not in reviews
    # Counts by kind, with the themes of those concluded.
    assert f"Local child safeguarding practice review (LCSPR) 0 1 1 {theme.text}" in reviews
    assert "Serious incident notification and rapid review 1 0 0" in reviews
    learning = _text(html["Learning and its impact"])
    assert (
        "Agree a self-neglect information sharing protocol." in learning and year.red.description in learning
    )
    assert "Making safeguarding personal" in _text(html["Priorities for the next year"])
    # Only a SAB sends its report to the Care Act's recipients.
    assert not report.recipients.exists()


@time_machine.travel(TODAY.isoformat())
def test_one_report_per_board_and_year_and_only_managers_start_it(people):
    start_report(people.board, YEAR, people.manager)
    with pytest.raises(ReportRefusedError, match="already has a report"):
        start_report(people.board, YEAR, people.manager)
    for user in (people.chair, people.member, people.executive, people.outsider):
        with pytest.raises(ReportRefusedError, match="managers"):
            start_report(people.board, YEAR.next, user)
    assert AnnualReport.objects.count() == 1
