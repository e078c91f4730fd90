"""Periods of whole months: a month, a quarter, a year or a range, and the same period a year earlier."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import pgettext


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def month_name(month: date) -> str:
    """ "märts 2026" / "March 2026": the month in words, never an ISO month."""
    return formats.date_format(month, "YEAR_MONTH_FORMAT")


@dataclass(frozen=True)
class Period:
    kind: str  # month, quarter, year, range
    first: date  # first month (its first day)
    last: date  # last month (its first day)

    @classmethod
    def of(cls, kind: str, year: int, number: int | None = None, first=None, last=None) -> Period:
        if kind == "month":
            month = date(year, number, 1)
            return cls(kind, month, month)
        if kind == "quarter":
            start = date(year, 3 * number - 2, 1)
            return cls(kind, start, add_months(start, 2))
        if kind == "range":
            return cls(kind, first, last)
        return cls("year", date(year, 1, 1), date(year, 12, 1))

    @property
    def end(self) -> date:
        """The first day after the period."""
        return add_months(self.last, 1)

    def months(self) -> list[date]:
        months, month = [], self.first
        while month <= self.last:
            months.append(month)
            month = add_months(month, 1)
        return months

    def year_earlier(self) -> Period:
        return Period(self.kind, add_months(self.first, -12), add_months(self.last, -12))

    def __str__(self) -> str:
        if self.kind == "year":
            return str(self.first.year)
        if self.kind == "quarter":
            return pgettext("period", "Q%(quarter)s %(year)s") % {
                "quarter": (self.first.month + 2) // 3,
                "year": self.first.year,
            }
        if self.first == self.last:
            return month_name(self.first)
        return _("%(first)s to %(last)s") % {"first": month_name(self.first), "last": month_name(self.last)}
