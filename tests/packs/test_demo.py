"""The demo in a board pack says what the seeds do not (issue 13, points 12–16)."""

import datetime

import pytest
import time_machine
from django.core.management import call_command

from boards.models import Board
from packs.gather import gather_snapshot
from packs.periods import quarter_containing
from packs.rendering import render_print_html
from packs.sections import build_sections

pytestmark = pytest.mark.django_db


@time_machine.travel(datetime.datetime(2026, 11, 29, 9, 0), tick=False)
def test_the_pack_shows_row_measures_undated_notes_illustrative_ratings_and_the_notice():
    call_command("load_demo")
    board = Board.objects.get(slug="sunderland-sscb")
    period = quarter_containing(datetime.date(2026, 11, 29))
    snapshot = gather_snapshot(board, period, datetime.date(2026, 11, 29))
    objective = next(
        o for a in snapshot["plan"]["plans"][0]["areas"] for o in a["objectives"] if o["number"] == "9.1"
    )
    assert objective["rows_tied"]
    assert [a["row_measures"] for a in objective["actions"]][:2] == [
        ["Lay members in place", "Community group engagement at Board and sub-committee level"],
        ["Safeguarding campaign launched across Sunderland"],
    ]
    html = render_print_html(period, snapshot, build_sections(board, period, snapshot))
    assert "moved forward by 15 years from the 2011–2013 original" in html
    assert "rag--illustrative" in html
    assert "date not recorded:</span> Meeting held between Children" in html
    # The summary's counts say they count ratings the source does not state (all 45).
    summary = html[html.index('id="plan-summary"') : html.index('id="exceptions"')]
    caption = summary[summary.index("<caption") : summary.index("</caption>")]
    assert "Illustrative" in caption and "45 of the ratings counted" in caption
    # 6.1: the Nursery Z rows (actions 5–6) have no measure; the Child X rows have theirs.
    six_one = next(
        o for a in snapshot["plan"]["plans"][0]["areas"] for o in a["objectives"] if o["number"] == "6.1"
    )
    no_cases = ["No cases meet the criteria for a Serious Case Review"]
    assert [a["row_measures"] for a in six_one["actions"]] == [no_cases] * 4 + [[], []]
