"""The approved report's PDF is accessible (the pack's PDF/UA-1 checks) and its Word file has
the same headings and tables; both are made by make_files, the worker's job."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
import time_machine
from docx import Document

from annual_reports.assembly import assemble_report
from annual_reports.editing import approve
from annual_reports.models import AnnualReport, RenderStatus
from annual_reports.publishing import make_files
from boards.models import Board
from tests.annual_reports.factories import TODAY, YEAR, make_board_year
from tests.annual_reports.test_assembly import SCHEDULE_2_HEADINGS
from tests.pdf_ua import assert_accessible_pdf

pytestmark = pytest.mark.django_db
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def approved_sab_report(people, settings, tmp_path, monkeypatch) -> AnnualReport:
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr("annual_reports.publishing.dispatch", lambda report: None)
    people.board.kind = Board.Kind.SAFEGUARDING_ADULTS_BOARD
    people.board.save()
    make_board_year(people.board, people.other_board)
    with time_machine.travel(TODAY.isoformat()):
        report = assemble_report(people.board, YEAR, people.manager)
        approve(report.pk, people.manager)
        make_files(report.pk)
    report.refresh_from_db()
    return report


def test_the_pdf_passes_the_packs_pdf_ua_checks(approved_sab_report):
    report = approved_sab_report
    assert report.render_status == RenderStatus.DONE, report.render_error
    checked = assert_accessible_pdf(report.pdf.path)
    assert set(checked.pdfua_skipped) <= {"UA-14-001"}, checked.pdfua_skipped
    assert len(checked.content_text) == report.pdf_pages
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(report.pdf.path, ARTIFACTS / "annual-report-sab.pdf")  # to look at its pages
    text = " ".join(" ".join(page.split()) for page in checked.content_text)
    for _, heading in SCHEDULE_2_HEADINGS:
        assert heading in text
    # Running header and page numbers are artifacts, not content; none on the cover.
    assert not checked.header_text[0]
    assert f"Page 2 of {report.pdf_pages}" in checked.footer_text[1]
    assert "Annual report 2026/27" in checked.header_text[2]
    # The contents page's links say where they go.
    described = [link["description"] for link in checked.links]
    assert any(d.startswith("What the board did to achieve its objective, page ") for d in described), (
        described
    )


def test_the_word_file_has_the_report_s_headings_and_tables(approved_sab_report):
    report = approved_sab_report
    document = Document(io.BytesIO(report.docx.read()))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    for _, heading in SCHEDULE_2_HEADINGS:
        assert any(h.endswith(heading) for h in headings), heading
    assert document.core_properties.title == report.title
    tables_text = [" ".join(cell.text for row in t.rows for cell in row.cells) for t in document.tables]
    assert any("Audit self-neglect cases across agencies" in t for t in tables_text)
    # Screen-only words (phone card labels, links to edit) are left out.
    assert not any("Edit the text" in p.text for p in document.paragraphs)


def test_make_files_is_idempotent(approved_sab_report):
    report = approved_sab_report
    name = report.pdf.name
    make_files(report.pk)  # a redelivered task
    report.refresh_from_db()
    assert report.pdf.name == name and report.render_attempts == 1
