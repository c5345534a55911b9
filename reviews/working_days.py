"""Working days in England and Wales: weekdays that are not bank holidays.

Bank holidays come from the ``holidays`` package (substitute days such as
"Boxing Day (observed)" and one-off holidays such as a coronation included), so the
statutory clocks (reviews.clocks) need no list of our own to keep up to date.
"""

from __future__ import annotations

import datetime
from functools import cache

import holidays

ONE_DAY = datetime.timedelta(days=1)


@cache
def _bank_holidays() -> holidays.HolidayBase:
    # England's calendar is England and Wales's: the two share every bank holiday
    # (Wales has no extra ones), unlike Scotland and Northern Ireland.
    return holidays.country_holidays("GB", subdiv="ENG")


def bank_holiday_name(day: datetime.date) -> str | None:
    """The bank holiday's name (e.g. "Easter Monday"), or None on any other day."""
    return _bank_holidays().get(day)


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays()


def add_working_days(start: datetime.date, count: int) -> datetime.date:
    """The ``count``-th working day after ``start`` (``start`` itself is day 0, whatever it is).

    "Within 5 working days of becoming aware" on a Friday means by the next Friday:
    ``add_working_days(friday, 5)``.
    """
    if count < 0:
        raise ValueError("count must not be negative")
    day = start
    while count:
        day += ONE_DAY
        if is_working_day(day):
            count -= 1
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after ``start`` up to and including ``end``; negative when ``end`` is
    earlier (the working days from ``end`` up to but not including ``start``)."""
    if end < start:
        return -working_days_between(end, start)
    count = 0
    day = start
    while day < end:
        day += ONE_DAY
        if is_working_day(day):
            count += 1
    return count
