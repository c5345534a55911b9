"""The pack's "Case reviews and their statutory clocks" section, and decisions not to
implement in the review recommendations section."""

import datetime

import pytest

from packs.gather import gather_snapshot, input_hash
from packs.generation import request_pack
from packs.models import PackStatus
from packs.sections import build_sections
from tests.packs.conftest import TODAY
from tests.packs.factories import make_board_business, make_pack_plan
from tests.packs.pdf import normalise, pdf_text
from tests.packs.test_sections import the_meeting_period
from tests.reviews.factories import CaseReviewFactory, NotImplementedDecisionFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def test_the_meeting_pack_pdf_has_the_clocks_of_the_boards_case_reviews(people):
    business = make_board_business(people.board, make_pack_plan(people.board))
    make_board_business(
        people.other_board, make_pack_plan(people.other_board, prefix="OTHER "), prefix="OTHER "
    )
    NotImplementedDecisionFactory(
        recommendation=business.recommendation,
        review=business.recommendation.review,
        reason="The MASH was replaced by a new front door.",
        decided_on=D(2026, 10, 1),
    )
    pack, _ = request_pack(people.board, the_meeting_period(business), people.member, today=TODAY)
    assert pack.status == PackStatus.DONE, pack.error
    text = normalise(pdf_text(pack.pdf.path, layout=False))
    section = text.split("Case reviews and their statutory clocks")[-1].split("Performance measures")[0]
    # As of 20 October 2026: notified 9 October, a working day after the due 8 October;
    # the rapid review is due 30 October, 8 working days away.
    assert "Child P" in section and "OTHER" not in section
    assert (
        "Notification to the national panel" in section
        and "Stopped 9 October 2026, 1 working day late" in section
    )
    assert "Met late" in section
    assert "Rapid review" in section and "30 Oct 2026" in section and "8 working days left" in section
    assert "No running clock is breached." in section
    recommendations = text.split("Review recommendations and how far each is answered")[-1]
    assert "Not to be implemented" in recommendations
    assert "because: The MASH was replaced by a new front door." in recommendations


def test_the_section_works_out_days_left_from_the_packs_date_and_the_snapshot_keeps_only_dates(people, q2):
    review = CaseReviewFactory(
        partnership=people.board.partnership, title="Child Q", became_aware=D(2026, 12, 18)
    )
    first = gather_snapshot(people.board, q2, D(2026, 12, 21))
    later = gather_snapshot(people.board, q2, D(2026, 12, 30))
    assert first["case_reviews"] == later["case_reviews"]
    assert input_hash(first) == input_hash(later)  # unchanged reviews: the same pack
    (clock,) = first["case_reviews"][0]["clocks"]
    assert clock == {
        "key": "notification",
        "name": "Notification to the national panel",
        "length_label": "5 working days",
        "started_on": "2026-12-18",
        "due": "2026-12-29",
        "stopped_on": None,
    }
    for as_of, state, left in [
        (D(2026, 12, 21), "Running", "4 working days left"),
        (D(2026, 12, 24), "Due soon", "1 working day left"),
        (D(2026, 12, 30), "Breached", "1 working day overdue"),
    ]:
        snapshot = {**first, "as_of": as_of.isoformat()}
        (section,) = [s for s in build_sections(people.board, q2, snapshot) if s.key == "case-reviews"]
        (shown,) = section.context["reviews"]
        assert (shown["clocks"][0]["state"], shown["clocks"][0]["left"]) == (state, left), as_of
    assert shown["breached"] == ["Notification to the national panel"]
    review.notified = D(2026, 12, 22)
    review.save()
    assert (
        gather_snapshot(people.board, q2, D(2026, 12, 30))["case_reviews"][0]["clocks"][0]["stopped_on"]
        == "2026-12-22"
    )


def test_no_section_without_case_reviews_and_old_snapshots_still_render(people, q2):
    snapshot = gather_snapshot(people.board, q2, TODAY)
    assert snapshot["case_reviews"] == []
    assert "case-reviews" not in [s.key for s in build_sections(people.board, q2, snapshot)]
    del snapshot["case_reviews"]  # a pack made before the section existed
    assert "case-reviews" not in [s.key for s in build_sections(people.board, q2, snapshot)]
