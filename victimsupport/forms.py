"""Form rendering shared by every app: labels, help and errors next to each field."""

from django import forms
from django.forms.renderers import TemplatesSetting


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
