"""Form rendering shared by every app: labels, help and errors next to each field."""

from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_noop

# Django's own strings that its Estonian catalogue lacks; listed here so that ours translates them.
DJANGO_STRINGS = [gettext_noop("- Select an option -")]


class FormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


class DateInput(forms.DateInput):
    """A text date field that takes dd.mm.yyyy (the browser's date picker would force ISO)."""

    def __init__(self, attrs=None):
        super().__init__(
            attrs={"placeholder": "pp.kk.aaaa", "inputmode": "numeric", "autocomplete": "off", **(attrs or {})},
            format="%d.%m.%Y",
        )
