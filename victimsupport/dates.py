"""The calendar of deadlines: months (the day kept, or the month's last) and Estonian working days
(weekends and public holidays skipped). Every app's deadlines are computed here."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from functools import lru_cache

import holidays


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier), or the month's last day when it is shorter."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


@lru_cache(maxsize=16)
def _holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("EE", years=year)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def add_working_days(start: date, days: int) -> date:
    """The day `days` working days after `start` (the start day itself does not count)."""
    day = start
    remaining = days
    while remaining > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def on_working_day(day: date) -> date:
    """A deadline falling on a weekend or a holiday moves to the next working day."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (negative when end is before start)."""
    if end < start:
        return -working_days_between(end, start)
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count
