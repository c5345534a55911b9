"""Recording attendance, and attendance by agency per board, for each role."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from meetings.models import Attendance, AttendanceStatus
from tests.factories import AgencyFactory
from tests.meetings.factories import LONDON, AttendanceFactory, MeetingFactory

pytestmark = pytest.mark.django_db
READERS = ["chair", "member", "executive"]


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0), tick=False):
        yield


@pytest.fixture
def meeting(people):
    return MeetingFactory(board=people.board, starts_at=datetime.datetime(2026, 11, 3, 14, tzinfo=LONDON))


def test_a_manager_records_attendance_with_each_members_agency(client, people, meeting):
    council = AgencyFactory(partnership=people.board.partnership, name="Sunderland City Council")
    police = AgencyFactory(partnership=people.board.partnership, name="Northumbria Police", kind="police")
    people.member.memberships.filter(board=people.board).update(agency=council)
    people.chair.memberships.filter(board=people.board).update(agency=police)
    url = reverse("meetings:attendance_edit", args=[meeting.pk])
    client.force_login(people.manager)
    page = client.get(url).content.decode()
    assert "Sunderland City Council" in page and "Northumbria Police" in page
    data = {
        f"status-{people.member.pk}": "present",
        f"status-{people.chair.pk}": "deputy",
        f"deputy-{people.chair.pk}": "",
        f"status-{people.executive.pk}": "apologies",
    }
    # A deputy with no name: the form is kept with the choices made, nothing written.
    response = client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 400 and "Enter the name of" in page and "There is a problem" in page
    assert (
        f'id="status-{people.member.pk}-present" name="status-{people.member.pk}" type="radio" value="present" checked'
        in page
    )
    assert not Attendance.objects.exists()
    data[f"deputy-{people.chair.pk}"] = "Detective Superintendent (deputy)"
    assert client.post(url, data).status_code == 302
    rows = {row.user: row for row in Attendance.objects.all()}
    assert (rows[people.member].status, rows[people.member].agency) == ("present", council)
    assert (rows[people.chair].status, rows[people.chair].deputy_name, rows[people.chair].agency) == (
        "deputy",
        "Detective Superintendent (deputy)",
        police,
    )
    assert people.manager not in rows  # left as "Not recorded"
    # The agency stays with the meeting's record when the member moves agency.
    people.member.memberships.filter(board=people.board).update(agency=police)
    client.post(url, data)
    assert Attendance.objects.get(user=people.member).agency == council
    # Back to "Not recorded" removes the row.
    client.post(url, {**data, f"status-{people.executive.pk}": ""})
    assert not Attendance.objects.filter(user=people.executive).exists()
    detail = client.get(meeting.get_absolute_url()).content.decode()
    assert "Sent a deputy: Detective Superintendent (deputy)" in detail


def test_attendance_edit_refuses_readers_outsiders_and_anonymous(client, people, meeting):
    url = reverse("meetings:attendance_edit", args=[meeting.pk])
    assert client.get(url).status_code == 302
    for role in READERS:
        client.force_login(getattr(people, role))
        assert client.get(url).status_code == 403
        assert client.post(url, {f"status-{people.member.pk}": "present"}).status_code == 403
    client.force_login(people.outsider)
    assert client.get(url).status_code == 404
    assert not Attendance.objects.exists()


def test_board_attendance_by_agency_for_each_reader(client, people, meeting, django_assert_num_queries):
    council = AgencyFactory(partnership=people.board.partnership, name="Sunderland City Council")
    AttendanceFactory(meeting=meeting, user=people.member, agency=council, status=AttendanceStatus.PRESENT)
    AttendanceFactory(meeting=meeting, user=people.chair, agency=council, status=AttendanceStatus.APOLOGIES)
    url = reverse("meetings:board_attendance", args=[people.board.slug])
    assert client.get(url).status_code == 302
    client.force_login(people.outsider)
    assert client.get(url).status_code == 404
    for role in ["manager", *READERS]:
        client.force_login(getattr(people, role))
        # Session, user, board, role, two attendance queries, the base page's reads.
        with django_assert_num_queries(9):
            response = client.get(url)
        page = response.content.decode()
        assert response.status_code == 200
        assert "Sunderland City Council" in page and "1 of 1 (100%)" in page
        assert "1 April 2026 to 31 March 2027" in page
    for day in range(4, 10):  # more meetings and rows: the same queries
        other = MeetingFactory(
            board=people.board, starts_at=datetime.datetime(2026, 11, day, 14, tzinfo=LONDON)
        )
        AttendanceFactory(meeting=other, user=people.member, agency=council)
    # The same less the session's save (its idle expiry was pushed back a moment ago).
    with django_assert_num_queries(6):
        assert client.get(url).status_code == 200
    earlier = client.get(url + "?year=2025").content.decode()
    assert "No attendance recorded in this year." in earlier
    assert client.get(url + "?year=nonsense").status_code == 200
