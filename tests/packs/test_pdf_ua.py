"""The board pack PDF is accessible (PDF/UA-1): issue 13, point 10.

A meeting pack has every section (agenda, charts, tables, the governance diagram, board
reports), so one render covers them all; the checks share it, as a render takes seconds. The structure checks are tests/pdf_ua.py's,
shared with the other PDFs the product makes; this file asserts what is particular to
packs: the running header and footer, the cover, the contents page and the marking.
"""

import re
import subprocess

import pytest

from packs.generation import request_pack
from packs.models import PackStatus
from tests.packs.conftest import TODAY
from tests.packs.factories import make_board_business, make_pack_plan
from tests.packs.test_sections import the_meeting_period
from tests.pdf_ua import assert_accessible_pdf

pytestmark = pytest.mark.django_db


def test_the_meeting_pack_pdf_is_accessible(people):
    business = make_board_business(people.board, make_pack_plan(people.board))
    pack, _ = request_pack(people.board, the_meeting_period(business), people.member, today=TODAY)
    assert pack.status == PackStatus.DONE, pack.error
    report = assert_accessible_pdf(pack.pdf.path)
    passes_the_structure_checks_and_pdfua(pack, report)
    has_running_headers_and_footers_as_artifacts_and_none_on_the_cover(pack, report)
    has_the_marking_as_one_word_on_the_cover(pack, report)
    has_contents_links_that_say_where_they_go_and_hold_only_the_section_name(report)
    links_to_its_annex_which_is_accessible_too(pack, report)


def passes_the_structure_checks_and_pdfua(meeting_pack, report):
    # pdfua's one check that cannot run on a WeasyPrint PDF (see tests/pdf_ua.py); our
    # walk checks empty headings instead. Any other skipped check is worth knowing about.
    assert set(report.pdfua_skipped) <= {"UA-14-001"}, report.pdfua_skipped
    assert len(report.content_text) == meeting_pack.pages


def has_running_headers_and_footers_as_artifacts_and_none_on_the_cover(meeting_pack, report):
    board, period = meeting_pack.snapshot["board"]["name"], meeting_pack.period_label
    pages = meeting_pack.pages
    assert report.header_text[0] == ""  # the cover
    for number in range(1, pages + 1):
        footer = report.footer_text[number - 1]
        assert footer == f"Position as at 20 October 2026 OFFICIAL Page {number} of {pages}", footer
        if number > 1:
            assert report.header_text[number - 1] == f"{board} OFFICIAL {period}"
    everything_tagged = " ".join(report.content_text)
    assert not re.search(r"Page \d+ of \d+", everything_tagged)
    assert "Position as at 20 October 2026" not in " ".join(report.content_text[1:])


def has_the_marking_as_one_word_on_the_cover(meeting_pack, report):
    assert report.content_text[0].startswith("OFFICIAL ")  # the cover's marking, tagged content
    cover = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", meeting_pack.pdf.path, "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert cover.split()[0] == "OFFICIAL" and "O FFIC" not in cover


def has_contents_links_that_say_where_they_go_and_hold_only_the_section_name(report):
    contents = [link for link in report.links if not link["target"].startswith(("http", "mailto"))]
    assert len(contents) >= 10
    for link in contents:
        words = link["words"]
        page = int(link["description"].rsplit(", page ", 1)[1])
        assert link["description"] == f"{words}, page {page}"  # the link's words, then its page
        assert "." not in words.replace("Appendix:", "")  # the leader dots are outside the link
        assert page > 2 and words in report.content_text[page - 1], (words, page)  # the section is there
    entry = report.content_text[1]  # the contents page: name, leader, page number
    assert re.search(r"Agenda(\s*\.)+\s*3\b", entry), entry


def links_to_its_annex_which_is_accessible_too(meeting_pack, report):
    """The full plan is a separate PDF made beside the pack; the pack says where it is and
    links to it, and the annex passes the same checks and links back."""
    from django.conf import settings
    from django.urls import reverse

    annex_url = settings.SITE_URL + reverse("packs:annex", args=[meeting_pack.pk])
    [link] = [link for link in report.links if link["target"] == annex_url]
    assert link["words"] == "Download the annex: the full business plan", link
    assert meeting_pack.has_annex and meeting_pack.annex_pages
    annex = assert_accessible_pdf(meeting_pack.annex_pdf.path)
    assert set(annex.pdfua_skipped) <= {"UA-14-001"}, annex.pdfua_skipped
    assert len(annex.content_text) == meeting_pack.annex_pages
    assert (
        annex.content_text[0].startswith("OFFICIAL ") and "Annex to the board pack" in annex.content_text[0]
    )
    assert "Audit the red action" in " ".join(annex.content_text)  # the full plan is in it
    pages = meeting_pack.annex_pages
    for number in range(1, pages + 1):
        assert annex.footer_text[number - 1].endswith(f"OFFICIAL Page {number} of {pages}")
    pack_url = settings.SITE_URL + meeting_pack.get_absolute_url()
    assert any(link["target"] == pack_url for link in annex.links)
