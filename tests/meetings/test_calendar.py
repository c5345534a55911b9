"""The iCalendar feed (RFC 5545): parses, has the board's meetings, stable UIDs, signed links."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from icalendar import Calendar

from meetings.models import MeetingFeedToken
from tests.factories import MembershipFactory
from tests.meetings.factories import AgendaItemFactory, BoardReportFactory, MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def meetings(people):
    first = MeetingFactory(board=people.board, place="Room 1, Civic Centre; Sunderland")
    AgendaItemFactory(meeting=first, position=1, title="Framework of cooperation")
    second = MeetingFactory(board=people.board)
    MeetingFactory(board=people.other_board)  # not in this board's feed
    return [first, second]


def parse(response) -> Calendar:
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


@time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_feed_parses_and_has_the_boards_meetings(client, people, meetings):
    client.force_login(people.member)
    calendar = parse(client.get(reverse("meetings:calendar", args=[people.board.slug])))
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 2
    first = events[0]
    assert str(first["UID"]) == f"{meetings[0].uid}@safeguarding-board-planner"
    assert first.decoded("DTSTART") == meetings[0].starts_at
    assert first.decoded("DTSTART").tzinfo is not None
    assert first.decoded("DTSTAMP") == datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC)
    assert str(first["LOCATION"]) == "Room 1, Civic Centre; Sunderland"
    assert "1. Framework of cooperation" in str(first["DESCRIPTION"])
    raw = client.get(reverse("meetings:calendar", args=[people.board.slug])).content.decode()
    assert "LOCATION:Room 1\\, Civic Centre\\; Sunderland" in raw  # RFC 5545 escaping
    assert "\r\n" in raw


def test_uid_is_stable_when_the_meeting_moves(client, people, meetings):
    client.force_login(people.member)
    before = parse(client.get(reverse("meetings:calendar", args=[people.board.slug])))
    meetings[0].starts_at += datetime.timedelta(days=1)
    meetings[0].save()
    after = parse(client.get(reverse("meetings:calendar", args=[people.board.slug])))
    assert [str(e["UID"]) for e in before.walk("VEVENT")] == [str(e["UID"]) for e in after.walk("VEVENT")]


def test_outsider_and_anonymous_get_no_feed(client, people, meetings):
    url = reverse("meetings:calendar", args=[people.board.slug])
    assert client.get(url).status_code == 302
    client.force_login(people.outsider)
    assert client.get(url).status_code == 404


def new_address(client, user, board) -> str:
    """Make an address through the page, as a member would; return its token."""
    client.force_login(user)
    assert client.post(reverse("meetings:calendar_address_new", args=[board.slug])).status_code == 302
    page = client.get(reverse("meetings:board_meetings", args=[board.slug])).text
    url = re.search(r'id="feed-url" type="text" readonly value="([^"]+)"', page).group(1)
    client.logout()
    return url.rsplit("/calendar/", 1)[1].split("/")[0]


def test_the_address_works_without_signing_in_while_the_user_is_a_member(client, people, meetings):
    token = new_address(client, people.member, people.board)
    url = reverse("meetings:calendar_token", args=[token])
    assert len(list(parse(client.get(url)).walk("VEVENT"))) == 2
    people.member.memberships.all().delete()
    assert client.get(url).status_code == 404


def test_the_address_is_shown_once_and_only_its_hash_is_stored(client, people, meetings):
    token = new_address(client, people.member, people.board)
    feed = MeetingFeedToken.objects.get()
    assert token not in feed.token_hash and len(feed.token_hash) == 64
    client.force_login(people.member)
    page = client.get(reverse("meetings:board_meetings", args=[people.board.slug])).text
    assert token not in page and "You made a calendar address for this board" in page


def test_turning_the_address_off_or_making_a_new_one_stops_the_old_one(client, people, meetings):
    first = new_address(client, people.member, people.board)
    second = new_address(client, people.member, people.board)
    assert client.get(reverse("meetings:calendar_token", args=[first])).status_code == 404
    assert client.get(reverse("meetings:calendar_token", args=[second])).status_code == 200
    client.force_login(people.member)
    client.post(reverse("meetings:calendar_address_revoke", args=[people.board.slug]))
    client.logout()
    assert client.get(reverse("meetings:calendar_token", args=[second])).status_code == 404


def test_addresses_are_per_board_and_per_user(client, people, meetings):
    MembershipFactory(user=people.member, board=people.other_board)
    sscb = new_address(client, people.member, people.board)
    lscb = new_address(client, people.member, people.other_board)
    chair = new_address(client, people.chair, people.board)
    client.force_login(people.member)
    client.post(reverse("meetings:calendar_address_revoke", args=[people.other_board.slug]))
    client.logout()
    assert client.get(reverse("meetings:calendar_token", args=[lscb])).status_code == 404
    assert client.get(reverse("meetings:calendar_token", args=[sscb])).status_code == 200
    assert client.get(reverse("meetings:calendar_token", args=[chair])).status_code == 200


def test_forged_addresses_and_outsiders_are_refused(client, people, meetings):
    assert client.get(reverse("meetings:calendar_token", args=["not-a-token"])).status_code == 404
    client.force_login(people.outsider)
    assert client.post(reverse("meetings:calendar_address_new", args=[people.board.slug])).status_code == 404
    assert client.get(reverse("meetings:calendar_address_new", args=[people.board.slug])).status_code == 405
    assert not MeetingFeedToken.objects.exists()


def test_meetings_for_board_loads_a_period_in_fixed_queries(people, django_assert_num_queries):
    """For board packs: decisions and reports come prefetched, not one query per item."""
    from meetings.queries import meetings_for_board

    for _ in range(3):
        meeting = MeetingFactory(board=people.board)
        for position in (1, 2):
            AgendaItemFactory(
                meeting=meeting, position=position, report=BoardReportFactory(board=people.board)
            )
    start = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
    # meetings, agenda items with their reports, recommendations, decisions, actions arising
    with django_assert_num_queries(5):
        meetings = list(meetings_for_board(people.board, start, start.replace(year=2100)))
        assert [len(m.agenda_items.all()) for m in meetings] == [2, 2, 2]
        assert all(list(i.decisions.all()) == [] for m in meetings for i in m.agenda_items.all())
