"""The statistics filter: a period of whole months and an area."""

from __future__ import annotations

import re
from datetime import date

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from reporting.periods import Period, add_months
from victimsupport.forms import StyledForm
from victimsupport.models import County, Region

MAX_RANGE_MONTHS = 60
PERIOD_KINDS = [("month", _("month")), ("quarter", _("quarter")), ("year", _("year")), ("range", _("months from–to"))]


class MonthField(forms.CharField):
    """A month typed as mm.yyyy (or as a browser's month picker sends it, yyyy-mm)."""

    @staticmethod
    def widget_for(periods: str) -> forms.TextInput:
        return forms.TextInput(attrs={"type": "month", "placeholder": "mm.yyyy", "data-periods": periods})

    default_error_messages = {"invalid": _("Enter a month as mm.yyyy, for example 03.2026.")}

    def to_python(self, value):
        value = super().to_python(value).strip()
        if not value:
            return None
        match = re.fullmatch(r"(\d{1,2})[./](\d{4})", value) or re.fullmatch(r"(\d{4})-(\d{1,2})", value)
        if not match:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        first, second = match.groups()
        year, month = (int(second), int(first)) if len(first) <= 2 else (int(first), int(second))
        if not (1 <= month <= 12 and 2003 <= year <= 2100):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return date(year, month, 1)

    def prepare_value(self, value):
        # The month picker wants yyyy-mm; a typed value is shown back as it was typed.
        return f"{value:%Y-%m}" if isinstance(value, date) else value


def _month_choices():
    return [(number, formats.date_format(date(2000, number, 1), "F").capitalize()) for number in range(1, 13)]


class StatisticsFilterForm(StyledForm):
    period = forms.ChoiceField(label=pgettext_lazy("statistics", "Period"), choices=PERIOD_KINDS, initial="year")
    year = forms.IntegerField(
        label=_("Year"),
        min_value=2003,
        max_value=2100,
        required=False,
        widget=forms.NumberInput(attrs={"data-periods": "month quarter year"}),
    )
    month = forms.TypedChoiceField(
        label=_("Month"),
        coerce=int,
        required=False,
        choices=_month_choices,
        widget=forms.Select(attrs={"data-periods": "month"}),
    )
    quarter = forms.TypedChoiceField(
        label=_("Quarter"),
        coerce=int,
        required=False,
        choices=[(n, f"{n}.") for n in range(1, 5)],
        widget=forms.Select(attrs={"data-periods": "quarter"}),
    )
    first = MonthField(label=_("From month"), required=False, widget=MonthField.widget_for("range"))
    last = MonthField(label=_("To month"), required=False, widget=MonthField.widget_for("range"))
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.order_by("name"), required=False, empty_label=_("All of Estonia")
    )
    county = forms.ModelChoiceField(
        label=_("County"), queryset=County.objects.order_by("name"), required=False, empty_label=_("All counties")
    )

    def clean(self):
        data = super().clean()
        kind = data.get("period") or "year"
        year = data.get("year") or timezone.localdate().year
        errors = {}
        if kind == "month" and not data.get("month"):
            errors["month"] = _("Choose the month.")
        if kind == "quarter" and not data.get("quarter"):
            errors["quarter"] = _("Choose the quarter.")
        if kind == "range":
            first, last = data.get("first"), data.get("last")
            if not first and "first" not in self.errors:
                errors["first"] = _("Enter the first month.")
            if not last and "last" not in self.errors:
                errors["last"] = _("Enter the last month.")
            if first and last and last < first:
                errors["last"] = _("The last month is before the first.")
            elif first and last and add_months(first, MAX_RANGE_MONTHS) <= last:
                errors["last"] = _("A range can be at most %(months)s months.") % {"months": MAX_RANGE_MONTHS}
        county, region = data.get("county"), data.get("region")
        if county and region and county.region_id != region.pk:
            errors["county"] = _("The county is not in the chosen region.")
        if errors:
            raise forms.ValidationError(errors)
        data["period_value"] = Period.of(
            kind, year, data.get("month") or data.get("quarter"), data.get("first"), data.get("last")
        )
        return data
