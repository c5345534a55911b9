"""Working days in England and Wales: weekends and bank holidays (from the holidays package)."""

import datetime

import pytest

from reviews.working_days import add_working_days, bank_holiday_name, is_working_day, working_days_between

D = datetime.date


def test_bank_holidays_are_england_and_wales_ones_with_substitute_days():
    assert bank_holiday_name(D(2026, 12, 25)) == "Christmas Day"
    # Boxing Day 2026 is a Saturday: the bank holiday is the Monday after.
    assert "Boxing Day" in bank_holiday_name(D(2026, 12, 28))
    assert bank_holiday_name(D(2027, 3, 26)) == "Good Friday"
    assert bank_holiday_name(D(2027, 3, 29)) == "Easter Monday"
    assert bank_holiday_name(D(2027, 5, 3)) is not None  # the early May bank holiday
    # Scotland's 2 January and St Andrew's Day are not holidays in England and Wales.
    assert bank_holiday_name(D(2027, 1, 2)) is None
    assert is_working_day(D(2026, 11, 30))
    assert not is_working_day(D(2026, 11, 28))  # a Saturday


@pytest.mark.parametrize(
    ("start", "count", "expected"),
    [
        # Friday + 5 working days = the next Friday: the weekend does not count.
        (D(2026, 11, 27), 5, D(2026, 12, 4)),
        # Across Christmas 2026: 25 (Fri), 26–27 (weekend) and 28 (Boxing Day, observed) skipped.
        (D(2026, 12, 22), 5, D(2026, 12, 31)),
        # Across Easter 2027: Good Friday 26 March and Easter Monday 29 March skipped.
        (D(2027, 3, 25), 5, D(2027, 4, 5)),
        # Across the early May bank holiday, Monday 3 May 2027.
        (D(2027, 4, 28), 5, D(2027, 5, 6)),
        # A start on a Sunday: the first working day is Monday.
        (D(2026, 11, 29), 1, D(2026, 11, 30)),
        (D(2026, 11, 29), 0, D(2026, 11, 29)),
    ],
)
def test_add_working_days(start, count, expected):
    assert add_working_days(start, count) == expected


def test_working_days_between_is_the_inverse_of_adding_them():
    for start in (D(2026, 12, 18), D(2027, 3, 24), D(2027, 4, 30)):
        for count in range(0, 30):
            end = add_working_days(start, count)
            assert working_days_between(start, end) == count
    # Backwards: the working days from the later date back to the earlier one.
    assert working_days_between(D(2026, 12, 31), D(2026, 12, 22)) == -5


def test_a_negative_count_is_refused():
    with pytest.raises(ValueError):
        add_working_days(D(2026, 1, 5), -1)
