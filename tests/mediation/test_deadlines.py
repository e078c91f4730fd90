"""The deadlines of a mediation, across weekends and Estonian public holidays."""

from datetime import date

import pytest

from mediation import deadlines
from mediation.deadlines import Deadline


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (date(2026, 12, 1), date(2026, 12, 8)),  # Tuesday: five working days, one weekend
        (date(2026, 12, 22), date(2026, 12, 31)),  # 24, 25 and 26 December are holidays
        (date(2027, 6, 21), date(2027, 6, 30)),  # Victory Day and Midsummer Day (23, 24 June)
        (date(2027, 2, 19), date(2027, 3, 1)),  # Independence Day (24 February) on a Wednesday
    ],
)
def test_a_mediator_is_appointed_within_five_working_days(received, due):
    assert deadlines.appointment_due(received) == due


@pytest.mark.parametrize(
    ("appointed", "due"),
    [
        (date(2027, 3, 15), date(2027, 4, 15)),  # a month later, a Thursday
        (date(2027, 5, 24), date(2027, 6, 25)),  # 24 June is Midsummer Day: the next working day
        (date(2027, 1, 31), date(2027, 3, 1)),  # 28 February is a Sunday: Monday 1 March
        (date(2026, 11, 24), date(2026, 12, 28)),  # 24 December is a holiday, 25-27 too
    ],
)
def test_the_first_meeting_is_due_a_month_after_the_appointment_on_a_working_day(appointed, due):
    assert deadlines.first_meeting_due(appointed) == due


def test_obligations_within_six_months_and_a_watch_of_six_more():
    assert deadlines.latest_obligation_due(date(2027, 8, 31)) == date(2028, 2, 29)
    assert deadlines.watched_until(date(2028, 2, 29)) == date(2028, 8, 29)


def test_a_deadline_says_whether_it_was_met():
    deadline = Deadline("x", date(2027, 3, 1), None)
    assert deadline.state(date(2027, 3, 1)) == "open"
    assert deadline.state(date(2027, 3, 2)) == "overdue"
    assert Deadline("x", date(2027, 3, 1), date(2027, 3, 1)).state(date(2027, 4, 1)) == "ok"
    assert Deadline("x", date(2027, 3, 1), date(2027, 3, 2)).state(date(2027, 4, 1)) == "late"
