"""The sections from the reviews, meetings and boards apps: review recommendations,
the agenda, actions arising and decisions, the governance diagram and board reports."""

import datetime
from unittest import mock

import pytest
import time_machine
from django.urls import reverse

from meetings.models import Meeting
from packs import generation
from packs.gather import gather_snapshot
from packs.generation import request_pack
from packs.models import BoardPack, PackStatus
from packs.periods import PeriodKind, board_meeting_periods, meeting_period
from packs.rendering import render_print_html
from packs.rendering import write_pdf as real_write_pdf
from packs.sections import build_sections
from reviews.models import Response
from tests.packs.conftest import TODAY
from tests.packs.factories import LONDON, make_board_business, make_pack_plan
from tests.packs.pdf import normalise, pdf_text

pytestmark = pytest.mark.django_db

NEW_SECTION_TITLES = [
    "Agenda",
    "Review recommendations and how far each is answered",
    "Actions arising and the previous meeting's decisions",
    "Appendix: governance diagram",
    "Appendix: board reports for the meeting",
]


def the_meeting_period(business):
    return next(
        p for p in board_meeting_periods(business.meeting.board, TODAY) if p.meeting_id == business.meeting.pk
    )


def test_a_meeting_pack_has_every_new_section_and_nothing_of_another_board(people):
    plan = make_pack_plan(people.board)
    business = make_board_business(people.board, plan)
    other = make_board_business(
        people.other_board, make_pack_plan(people.other_board, prefix="OTHER "), prefix="OTHER "
    )
    period = the_meeting_period(business)
    pack, created = request_pack(people.board, period, people.member, today=TODAY)
    assert created and pack.status == PackStatus.DONE, pack.error
    text = normalise(pdf_text(pack.pdf.path))
    for title in NEW_SECTION_TITLES:
        assert title in text, title
    # The cover names the meeting; the period runs from the day after the previous meeting.
    assert "Board meeting 3 November 2026" in text and "Tuesday 3 November 2026, 10:00" in text
    assert "16 September 2026 to 3 November 2026" in text
    assert "Strengthen the MASH" in text and "0 of 1 action complete" in text  # answered by the red action
    assert "Neglect strategy" in text and "Independent Chair" in text  # the agenda
    assert "Agreed the audit plan" in text  # the previous meeting's decision
    # In reading order: in layout order a wrapped cell interleaves with its neighbours, and
    # where it wraps depends on the widths of factory names (sequence numbers) in other cells.
    reading_order = normalise(pdf_text(pack.pdf.path, layout=False))
    open_actions = reading_order.split("Open actions arising from earlier meetings")[1].split(
        "Decisions of the previous"
    )[0]
    assert plan.green.description in open_actions and plan.complete.description not in open_actions
    assert "Relationships:" in text and "scrutinises" in text  # the diagram's legend and text equivalent
    reports = text.split("Appendix: board reports for the meeting")[-1]
    assert (
        "Annual report 2025/26" in reports
        and "Note the annual report" in reports
        and "Partners were consulted." in reports
    )
    assert "Green" in open_actions and "Red" in text  # RAG in words
    assert "OTHER" not in text
    for thing in (
        other.recommendation.text,
        other.decision.text,
        other.agenda_item.title,
        other.report.title,
    ):
        assert thing not in text


def test_the_governance_diagram_is_embedded_as_svg(people, fake_renderer):
    business = make_board_business(people.board, make_pack_plan(people.board))
    pack, _ = request_pack(people.board, the_meeting_period(business), people.member, today=TODAY)
    html = render_print_html(
        pack.period, pack.snapshot, build_sections(pack.board, pack.period, pack.snapshot)
    )
    diagram = html.split('id="appendix-governance"')[1].split("</section>")[0]
    assert "<svg" in diagram and 'role="img"' in diagram and "&lt;svg" not in diagram
    assert f"Governance diagram: {business.framework.title}" in diagram


def test_sections_are_left_out_when_the_board_has_no_reviews_meetings_or_framework(people, q2, fake_renderer):
    make_pack_plan(people.board)
    make_board_business(
        people.other_board, make_pack_plan(people.other_board, prefix="OTHER "), prefix="OTHER "
    )
    pack, _ = request_pack(people.board, q2, people.member, today=TODAY)
    snapshot = pack.snapshot
    assert snapshot["reviews"] == [] and snapshot["meeting"] is None
    assert snapshot["earlier_meetings"] is None and snapshot["governance"] is None
    sections = build_sections(pack.board, pack.period, snapshot)
    keys = [s.key for s in sections]
    for key in (
        "agenda",
        "review-recommendations",
        "meeting-actions",
        "appendix-governance",
        "appendix-reports",
    ):
        assert key not in keys
    contents = next(s for s in sections if s.key == "contents").context["entries"]
    assert [k for k, _ in contents] == [s.key for s in sections if s.in_contents]


def test_a_quarter_pack_has_the_boards_meetings_but_no_agenda(people, q2, fake_renderer):
    """Q2 ends 30 September: the 15 September meeting is the previous one; the November one is not yet held."""
    plan = make_pack_plan(people.board)
    make_board_business(people.board, plan)
    pack, _ = request_pack(people.board, q2, people.member, today=TODAY)
    keys = [s.key for s in build_sections(pack.board, pack.period, pack.snapshot)]
    assert "agenda" not in keys and "appendix-reports" not in keys
    assert keys.index("due-next-quarter") < keys.index("review-recommendations") < keys.index("performance")
    assert keys.index("performance") < keys.index("meeting-actions") < keys.index("what-changed")
    assert keys[-2:] == ["appendix-plan", "appendix-governance"]
    earlier = pack.snapshot["earlier_meetings"]
    assert earlier["previous_meeting"]["starts_at"].startswith("2026-09-15")
    assert [a["action_id"] for a in earlier["open_actions_arising"]] == [plan.green.pk]


def test_a_meeting_period_starts_after_the_previous_meeting_or_at_the_quarter_start():
    first = meeting_period(7, datetime.date(2027, 3, 14), None)
    assert (first.start, first.end, first.label) == (
        datetime.date(2027, 1, 1),
        datetime.date(2027, 3, 14),
        "Board meeting 14 March 2027",
    )
    assert first.kind == PeriodKind.MEETING and first.meeting_id == 7
    assert meeting_period(8, datetime.date(2027, 3, 14), datetime.date(2027, 1, 20)).start == datetime.date(
        2027, 1, 21
    )
    same_day = meeting_period(9, datetime.date(2027, 3, 14), datetime.date(2027, 3, 14))
    assert same_day.start == same_day.end == datetime.date(2027, 3, 14)


@pytest.fixture
def today():
    with time_machine.travel(datetime.datetime(2026, 10, 20, 9, tzinfo=datetime.UTC), tick=False):
        yield


def test_a_meeting_pack_is_requested_through_the_form(client, people, fake_renderer, today):
    business = make_board_business(people.board, make_pack_plan(people.board))
    client.force_login(people.member)
    page = client.get(reverse("packs:list", args=[people.board.slug])).text
    assert f'<option value="{business.meeting.pk}">Board meeting 3 November 2026' in page
    response = client.post(
        reverse("packs:request", args=[people.board.slug]), {"meeting": business.meeting.pk}
    )
    pack = BoardPack.objects.get()
    assert response.status_code == 302 and response.url == pack.get_absolute_url()
    assert pack.period_kind == PeriodKind.MEETING and pack.period_label == "Board meeting 3 November 2026"
    assert (pack.period_start, pack.period_end) == (datetime.date(2026, 9, 16), datetime.date(2026, 11, 3))
    assert pack.snapshot["meeting"]["id"] == business.meeting.pk


def test_another_boards_meeting_is_refused_with_a_form_error(client, people, today):
    other = Meeting.objects.create(
        board=people.other_board,
        starts_at=datetime.datetime(2026, 11, 5, 10, tzinfo=LONDON),
        place="Elsewhere",
    )
    client.force_login(people.member)
    url = reverse("packs:request", args=[people.board.slug])
    for tampered in (other.pk, "not-a-number", 10**12):
        response = client.post(url, {"meeting": tampered})
        assert response.status_code == 400 and "Choose one of the meetings listed" in response.text, tampered
    assert client.post(url, {}).status_code == 400
    assert not BoardPack.objects.exists()


def test_a_changed_decision_or_recommendation_response_makes_a_new_pack(people, fake_renderer):
    business = make_board_business(people.board, make_pack_plan(people.board))
    period = the_meeting_period(business)
    first, _ = request_pack(people.board, period, people.member, today=TODAY)
    with mock.patch.object(generation, "write_pdf") as renderer:
        again, created = request_pack(people.board, period, people.member, today=TODAY)
    renderer.assert_not_called()
    assert not created and again.pk == first.pk

    business.decision.text = "Agreed the audit plan, with changes"
    business.decision.save()
    fake_renderer.side_effect = real_write_pdf
    second, created = request_pack(people.board, period, people.member, today=TODAY)
    assert created and second.input_hash != first.input_hash
    assert "Agreed the audit plan, with changes" in normalise(pdf_text(second.pdf.path))

    business.recommendation.response = Response.NOT_ACCEPTED
    business.recommendation.save()
    third, created = request_pack(people.board, period, people.member, today=TODAY)
    assert created and third.input_hash not in (first.input_hash, second.input_hash)
    rec = third.snapshot["reviews"][0]["recommendations"][0]
    assert rec["response_label"] == "Not accepted" and rec["progress_label"] == "Not accepted"


def test_gathering_the_new_sections_runs_a_fixed_number_of_queries(people, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    plan = make_pack_plan(people.board)
    business = make_board_business(people.board, plan)
    period = the_meeting_period(business)
    with CaptureQueriesContext(connection) as small:
        gather_snapshot(people.board, period, TODAY)
    more = make_pack_plan(people.board, prefix="More ")
    make_board_business(people.board, more, prefix="More ")  # a second review, framework and meetings
    for position in range(3, 8):
        item = business.meeting.agenda_items.create(position=position, title=f"Item {position}")
        item.decisions.create(kind="noted", text="Noted.")
    with django_assert_num_queries(len(small)):
        snapshot = gather_snapshot(people.board, period, TODAY)
    assert len(snapshot["reviews"]) == 2 and len(snapshot["meeting"]["agenda"]) == 7


def test_the_preview_shows_the_new_sections_from_the_snapshot(client, people, fake_renderer, today):
    business = make_board_business(people.board, make_pack_plan(people.board))
    pack, _ = request_pack(people.board, the_meeting_period(business), people.member, today=TODAY)
    business.recommendation.text = "Changed after the pack was made"
    business.recommendation.save()
    client.force_login(people.member)
    page = client.get(reverse("packs:preview", args=[pack.pk])).text
    for title in NEW_SECTION_TITLES:
        assert title.replace("'", "&#x27;") in page, title
    assert "Strengthen the MASH" in page and "Changed after the pack" not in page
    assert 'role="img"' in page and "Annual report 2025/26" in page
