"""The board report PDF: council layout, every section heading in order, page numbers."""

import subprocess

import pytest

from meetings.pdf import report_pdf
from meetings.report_format import CONTACT_HEADING, SECTIONS, report_sections
from tests.meetings.factories import (
    AgendaItemFactory,
    BoardReportFactory,
    FullBoardReportFactory,
    MeetingFactory,
    ReportRecommendationFactory,
)

pytestmark = pytest.mark.django_db


def pdf_text(pdf: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def test_pdf_contains_every_section_heading_in_order(people):
    meeting = MeetingFactory(board=people.board)
    report = FullBoardReportFactory(board=people.board, meeting=meeting, title="Improvement Update")
    AgendaItemFactory(meeting=meeting, position=4, report=report)
    for position in (1, 2):
        ReportRecommendationFactory(
            report=report, position=position, text=f"Recommendation number {position}"
        )

    pdf = report_pdf(report)
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    headings = [f"{number}. {heading.upper()}" for number, (_, heading) in enumerate(SECTIONS, start=1)]
    headings.append(CONTACT_HEADING.upper())
    positions = [text.find(heading) for heading in headings]
    assert -1 not in positions, dict(zip(headings, positions, strict=True))
    assert positions == sorted(positions)
    assert "AGENDA ITEM 4" in text
    assert f"REPORT TO {people.board.name.upper()}" in text
    assert "IMPROVEMENT UPDATE" in text
    assert "4.1" in text and "Recommendation number 2" in text
    assert "2.2" in text and "Background paragraph two" in text
    assert "Page 1 of" in text
    assert "tracey.newcomb@example.org" in text


def test_empty_sections_are_left_out_and_the_rest_renumbered(people):
    report = BoardReportFactory(board=people.board, consultation="Partners.", background="")
    sections = report_sections(report)
    assert [(s.number, s.heading) for s in sections] == [(1, "Purpose of the report"), (2, "Consultation")]
    text = pdf_text(report_pdf(report))
    assert "2. CONSULTATION" in text
    assert "BACKGROUND" not in text


def test_bullets_become_a_list_and_paragraphs_are_numbered(people):
    report = BoardReportFactory(board=people.board, detail="Intro line\n- one\n- two\n\nSecond paragraph.")
    detail = next(s for s in report_sections(report) if s.field_name == "detail")
    assert [(b.number, b.text, b.items) for b in detail.blocks] == [
        ("2.1", "Intro line", []),
        ("", "", ["one", "two"]),
        ("2.2", "Second paragraph.", []),
    ]
