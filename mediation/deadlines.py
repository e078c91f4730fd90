"""The deadlines of a mediation (pure): a mediator within five working days of receipt, the first
meeting within a month of the appointment, obligations at most six months after the agreement, and a
new offence against the victim watched for six months after the last obligation's deadline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from victimsupport.dates import add_months, add_working_days, on_working_day

APPOINT_WORKING_DAYS = 5
FIRST_MEETING_MONTHS = 1
AGREEMENT_MONTHS = 6
WATCH_MONTHS = 6


def appointment_due(received_on: date) -> date:
    return add_working_days(received_on, APPOINT_WORKING_DAYS)


def first_meeting_due(appointed_on: date) -> date:
    return on_working_day(add_months(appointed_on, FIRST_MEETING_MONTHS))


def latest_obligation_due(agreement_on: date) -> date:
    return add_months(agreement_on, AGREEMENT_MONTHS)


def watched_until(last_due: date) -> date:
    return add_months(last_due, WATCH_MONTHS)


@dataclass(frozen=True)
class Deadline:
    label: str
    due_on: date
    met_on: date | None
    watch: bool = False  # a period watched, not a task due

    def state(self, today: date, *, closed: bool = False) -> str:
        if self.met_on is not None:
            return "ok" if self.met_on <= self.due_on else "late"
        if self.watch:
            return "watch" if today <= self.due_on else "ended"
        if closed:
            return "none"  # closed before it came: nothing is overdue
        return "overdue" if today > self.due_on else "open"
