"""load_demo brings in the frameworks, meetings and the seeds' three board reports, idempotently."""

import datetime

import pytest
import time_machine
from django.core.management import call_command

from boards.models import Board
from frameworks.models import Adoption, Framework, FrameworkStatus, Relationship, SharedFunction
from meetings.models import AgendaItem, BoardReport, Decision, Meeting, ReportRecommendation

pytestmark = pytest.mark.django_db


def counts():
    models = [
        Framework,
        Relationship,
        SharedFunction,
        Adoption,
        Meeting,
        AgendaItem,
        BoardReport,
        ReportRecommendation,
        Decision,
        Board,
    ]
    return {m.__name__: m.objects.count() for m in models} | {"report history": BoardReport.history.count()}


@time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0), tick=False)
def test_demo_loads_the_seeds_and_a_second_run_changes_nothing():
    call_command("load_demo")
    sunderland = Framework.objects.get(partnership__name="Sunderland")
    assert sunderland.status == FrameworkStatus.PROPOSED
    # The seed gives only the framework's three boards (Appendix 2 is not in it): no functions,
    # relationships or adoption decisions are made up.
    assert not sunderland.adoptions.exists()
    assert not sunderland.relationships.exists()
    bound = sunderland.framework_boards.order_by("position")
    assert [fb.board.short_name for fb in bound] == ["HWB", "SSCB", "SSAB"]
    assert {(fb.primary_function, fb.statutory_basis) for fb in bound} == {("", "")}
    assert not sunderland.framework_boards.filter(responsibilities__isnull=False).exists()
    peterborough = Framework.objects.get(partnership__name="Peterborough")
    pscb = peterborough.framework_boards.get(board__short_name="PSCB")
    assert pscb.primary_function == "scrutiny and advisory"
    assert (
        peterborough.framework_boards.get(board__short_name="CT").primary_function
        == "delivery and performance"
    )
    assert set(pscb.responsibilities.values_list("sub_group", flat=True)) == {
        "Policies and Procedures",
        "Serious Case Review Process",
        "Child Death Overview Panel",
        "Safeguarding Training",
    }
    assert set(peterborough.shared_functions.values_list("delivered_by", flat=True)) == {
        "Stay Safe Partnership"
    }
    assert peterborough.relationships.filter(
        kind="receives_annual_report", from_board__short_name="CT"
    ).exists()

    stockton = BoardReport.objects.get(board__slug="stockton-on-tees-hwb")
    assert stockton.meeting.starts_at.date() == datetime.date(2014, 5, 21)
    assert stockton.contact_email == "jane.humphreys@stockton.gov.uk"
    improvement = BoardReport.objects.get(title="Improvement Update")
    assert improvement.board.kind == Board.Kind.SCRUTINY_COMMITTEE
    assert improvement.recommendations.count() == 2
    peer = BoardReport.objects.get(board__slug="sunderland-hwb")
    assert peer.recommendations.count() == 3
    # No seed gives minutes: no decisions; each meeting says what of its date, time and place is invented.
    assert not Decision.objects.exists()
    assert "no date, time or place" in peer.meeting.illustrative_note
    assert "date but not its time or place" in stockton.meeting.illustrative_note
    assert Meeting.objects.filter(illustrative_note="").count() == 0

    before = counts()
    call_command("load_demo")
    assert counts() == before

    # Users move the demo framework on; loading the demo again leaves their work alone.
    sunderland.create_new_version()
    call_command("load_demo")
    sunderland.refresh_from_db()
    assert sunderland.status == FrameworkStatus.SUPERSEDED
    assert Framework.objects.get(supersedes=sunderland).status == FrameworkStatus.DRAFT


@time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0), tick=False)
def test_demo_meetings_say_what_is_illustrative_on_the_page_and_in_the_calendar(client):
    from django.contrib.auth import get_user_model

    from meetings.calendar import board_calendar

    call_command("load_demo")
    meeting = Meeting.objects.get(board__slug="sunderland-hwb")
    client.force_login(get_user_model().objects.get(username="executive"))
    page = client.get(meeting.get_absolute_url()).text
    assert page.count("Illustrative") == 1 and meeting.illustrative_note.replace("'", "&#x27;") in page
    feed = board_calendar(meeting.board, Meeting.objects.filter(board=meeting.board)).decode()
    assert "Illustrative: The source gives no date" in feed.replace("\r\n ", "")
