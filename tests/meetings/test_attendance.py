"""Attendance by agency over a year (meetings.attendance)."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from meetings.attendance import NO_AGENCY, attendance_by_agency, financial_year_of
from meetings.models import AttendanceStatus
from tests.factories import AgencyFactory, BoardFactory, UserFactory
from tests.meetings.factories import LONDON, AttendanceFactory, MeetingFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def meeting_on(board, day, hour=14):
    return MeetingFactory(
        board=board, starts_at=datetime.datetime(day.year, day.month, day.day, hour, tzinfo=LONDON)
    )


def test_attendance_by_agency_over_a_year(django_assert_num_queries):
    board = BoardFactory()
    council = AgencyFactory(partnership=board.partnership, name="Sunderland City Council")
    police = AgencyFactory(partnership=board.partnership, name="Northumbria Police", kind="police")
    chief, inspector, nurse = UserFactory(), UserFactory(), UserFactory()
    first = meeting_on(board, D(2026, 4, 1), hour=0)  # midnight on the first day counts
    second = meeting_on(board, D(2026, 9, 10))
    third = meeting_on(board, D(2027, 3, 31), hour=23)  # late on the last day counts
    outside = meeting_on(board, D(2027, 4, 1))
    meeting_on(board, D(2026, 6, 1))  # held, attendance not taken
    other_board_meeting = meeting_on(BoardFactory(partnership=board.partnership), D(2026, 9, 10))

    AttendanceFactory(meeting=first, user=chief, agency=council, status=AttendanceStatus.PRESENT)
    AttendanceFactory(meeting=second, user=chief, agency=council, status=AttendanceStatus.APOLOGIES)
    AttendanceFactory(
        meeting=third,
        user=chief,
        agency=council,
        status=AttendanceStatus.DEPUTY,
        deputy_name="Deputy Director",
    )
    AttendanceFactory(meeting=first, user=inspector, agency=police, status=AttendanceStatus.ABSENT)
    AttendanceFactory(meeting=second, user=inspector, agency=police, status=AttendanceStatus.PRESENT)
    AttendanceFactory(meeting=second, user=nurse, agency=None, status=AttendanceStatus.PRESENT)
    AttendanceFactory(meeting=outside, user=chief, agency=council, status=AttendanceStatus.ABSENT)
    AttendanceFactory(meeting=other_board_meeting, user=chief, agency=council, status=AttendanceStatus.ABSENT)

    with django_assert_num_queries(2):
        summary = attendance_by_agency(board, D(2026, 4, 1), D(2027, 3, 31))
    assert (summary.meetings_held, summary.meetings_with_attendance) == (4, 3)
    rows = {row.agency_name: row for row in summary.agencies}
    assert [row.agency_name for row in summary.agencies] == [
        "Northumbria Police",
        "Sunderland City Council",
        NO_AGENCY,
    ]
    council_row = rows["Sunderland City Council"]
    assert (council_row.present, council_row.deputy, council_row.apologies, council_row.absent) == (
        1,
        1,
        1,
        0,
    )
    assert (council_row.meetings_expected, council_row.meetings_represented) == (3, 2)
    assert council_row.percent_represented == 67
    police_row = rows["Northumbria Police"]
    assert (police_row.meetings_expected, police_row.meetings_represented, police_row.absent) == (2, 1, 1)
    assert rows[NO_AGENCY].percent_represented == 100


def test_two_members_of_one_agency_at_one_meeting_count_it_once():
    board = BoardFactory()
    council = AgencyFactory(partnership=board.partnership)
    meeting = meeting_on(board, D(2026, 5, 5))
    AttendanceFactory(meeting=meeting, agency=council, status=AttendanceStatus.PRESENT)
    AttendanceFactory(meeting=meeting, agency=council, status=AttendanceStatus.APOLOGIES)
    (row,) = attendance_by_agency(board, D(2026, 4, 1), D(2027, 3, 31)).agencies
    assert (row.meetings_expected, row.meetings_represented, row.present, row.apologies) == (1, 1, 1, 1)


def test_attendance_constraints():
    attendance = AttendanceFactory(status=AttendanceStatus.PRESENT)
    with pytest.raises(IntegrityError), transaction.atomic():
        AttendanceFactory(meeting=attendance.meeting, user=attendance.user)
    with pytest.raises(IntegrityError), transaction.atomic():
        AttendanceFactory(status=AttendanceStatus.PRESENT, deputy_name="Someone else")
    with pytest.raises(IntegrityError), transaction.atomic():
        AttendanceFactory(status="late")


def test_financial_year_of():
    assert financial_year_of(D(2027, 3, 31)) == (D(2026, 4, 1), D(2027, 3, 31))
    assert financial_year_of(D(2027, 4, 1)) == (D(2027, 4, 1), D(2028, 3, 31))
