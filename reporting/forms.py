"""The statistics filter: a period of whole months and an area."""

from __future__ import annotations

import re
from datetime import date

from django import forms
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.choices import Channel
from reporting.models import SURVEY_LANGUAGES, FeedbackService, QuestionKind, Survey
from reporting.periods import Period, add_months
from victimsupport.forms import COUNTIES, REGIONS, CachedModelChoiceField, ListSelect, StyledForm
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


# The months by name in the user's language (Django's own, as a date's "F" writes them), capitalised.
MONTH_CHOICES = [(number, capfirst(MONTHS[number])) for number in range(1, 13)]


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
        choices=MONTH_CHOICES,
        widget=ListSelect(attrs={"data-periods": "month"}),
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
    region = CachedModelChoiceField(
        Region.objects.order_by("name"),
        rows=REGIONS,
        label=_("Region"),
        required=False,
        empty_label=_("All of Estonia"),
    )
    county = CachedModelChoiceField(
        County.objects.order_by("name"), rows=COUNTIES, label=_("County"), required=False, empty_label=_("All counties")
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
        # Every field is sent whatever the period (the others are only hidden): take the period's own.
        number = {"month": data.get("month"), "quarter": data.get("quarter")}.get(kind)
        data["period_value"] = Period.of(kind, year, number, data.get("first"), data.get("last"))
        return data


class YearForm(StyledForm):
    year = forms.IntegerField(label=_("Year"), min_value=2003, max_value=2100)


class YearlyReportForm(StyledForm):
    year = forms.IntegerField(label=_("Year"), min_value=2003, max_value=2100)
    language = forms.ChoiceField(label=_("Language"), choices=[("et", _("Estonian")), ("en", _("English"))])


class FeedbackInviteForm(StyledForm):
    service = forms.ChoiceField(label=_("The service the feedback is about"), choices=FeedbackService.choices)
    channel = forms.ChoiceField(
        label=_("How the client gets the link"),
        choices=[("print", _("a printed slip with a QR code")), (Channel.EMAIL, _("by e-mail"))],
        initial="print",
        widget=forms.RadioSelect,
    )


TEXT_MAX_LENGTH = 2000

# The survey page's own words in the survey's three languages (the staff interface has two).
PAGE_TEXTS = {
    "et": {
        "intro": "Vastamine on anonüümne: teie vastuseid ei seota teie nime ega juhtumiga. See võtab paar minutit.",
        "send": "Saada vastused",
        "yes": "jah",
        "no": "ei",
        "scale_low": "1 – üldse mitte",
        "scale_high": "5 – väga",
        "required": "Palun vastake sellele küsimusele.",
        "errors": "Palun vaadake üle märgitud küsimused. Midagi ei saadetud.",
        "busy": "Sellest ühendusest on tulnud liiga palju vastuseid. Palun proovige tunni aja pärast uuesti.",
        "invalid": "See link on juba kasutatud või ei kehti enam. Täname, et soovisite tagasisidet anda.",
        "thanks": "Täname! Teie vastused on kätte saadud.",
        "title_invalid": "Link ei kehti",
        "title_thanks": "Aitäh",
    },
    "ru": {
        "intro": "Ответы анонимны: они не связываются с вашим именем или делом. Это займёт пару минут.",
        "send": "Отправить ответы",
        "yes": "да",
        "no": "нет",
        "scale_low": "1 – совсем нет",
        "scale_high": "5 – очень",
        "required": "Пожалуйста, ответьте на этот вопрос.",
        "errors": "Пожалуйста, проверьте отмеченные вопросы. Ничего не отправлено.",
        "busy": "С этого подключения пришло слишком много ответов. Пожалуйста, попробуйте через час.",
        "invalid": "Эта ссылка уже использована или больше не действует. Спасибо, что хотели оставить отзыв.",
        "thanks": "Спасибо! Ваши ответы получены.",
        "title_invalid": "Ссылка не действует",
        "title_thanks": "Спасибо",
    },
    "en": {
        "intro": "Your answers are anonymous: they are not linked to your name or your case. It takes a couple "
        "of minutes.",
        "send": "Send the answers",
        "yes": "yes",
        "no": "no",
        "scale_low": "1 – not at all",
        "scale_high": "5 – very much",
        "required": "Please answer this question.",
        "errors": "Please check the marked questions. Nothing was sent.",
        "busy": "Too many answers have come from this connection. Please try again in an hour.",
        "invalid": "This link has been used or is no longer valid. Thank you for wanting to give feedback.",
        "thanks": "Thank you! Your answers have been received.",
        "title_invalid": "The link is not valid",
        "title_thanks": "Thank you",
    },
}
LANGUAGE_NAMES = {"et": "eesti keeles", "ru": "по-русски", "en": "in English"}


def survey_language(value: str | None) -> str:
    return value if value in SURVEY_LANGUAGES else "et"


class SurveyForm(forms.Form):
    """The survey's questions as fields, in `language`."""

    def __init__(self, survey: Survey, language: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        texts = PAGE_TEXTS[language]
        self.questions = list(survey.questions.all())
        for question in self.questions:
            name = f"q{question.pk}"
            label = question.text(language)
            errors = {"required": texts["required"]}
            if question.kind == QuestionKind.SCALE:
                field = forms.TypedChoiceField(
                    label=label,
                    choices=[(n, str(n)) for n in range(1, 6)],
                    coerce=int,
                    widget=forms.RadioSelect(attrs={"class": "scale"}),
                    help_text=f"{texts['scale_low']} … {texts['scale_high']}",
                )
            elif question.kind == QuestionKind.YES_NO:
                field = forms.ChoiceField(
                    label=label, choices=[("yes", texts["yes"]), ("no", texts["no"])], widget=forms.RadioSelect
                )
            else:
                field = forms.CharField(
                    label=label, max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 4})
                )
            field.required = question.required
            field.error_messages.update(errors)
            self.fields[name] = field

    def answers(self) -> dict:
        return {question.pk: self.cleaned_data.get(f"q{question.pk}") for question in self.questions}
