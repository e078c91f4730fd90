"""Form rendering shared by every app: labels, help and errors next to each field."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

# Django's own strings that its Estonian catalogue lacks; listed here so that ours translates them.
# (Django's Estonian catalogue also addresses users informally; these are ours, in the formal voice.)
DJANGO_STRINGS = [
    gettext_noop("- Select an option -"),
    gettext_noop("This field is required."),
    gettext_noop("Enter a valid date."),
    gettext_noop("Enter a valid date/time."),
    gettext_noop("Enter a valid time."),
    gettext_noop("Enter a whole number."),
    gettext_noop("Enter a number."),
    gettext_noop("Enter a valid email address."),
    gettext_noop("Select a valid choice. %(value)s is not one of the available choices."),
    gettext_noop("Select a valid choice. That choice is not one of the available choices."),
    gettext_noop("Ensure this value is greater than or equal to %(limit_value)s."),
    gettext_noop("Ensure this value is less than or equal to %(limit_value)s."),
    gettext_noop("The submitted file is empty."),
    gettext_noop("No file was submitted. Check the encoding type on the form."),
]


class FormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


def restrict_form_fields(form, user, action: str = "view") -> None:
    """Narrow every choice field over a guarded model to what `user` may see (NetBox's
    restrict_form_fields). Services check again; this keeps out-of-scope rows off the page."""
    for field in form.fields.values():
        queryset = getattr(field, "queryset", None)
        if queryset is not None and hasattr(queryset, "restrict"):
            field.queryset = queryset.restrict(user, action)


class RestrictedFieldsMixin:
    """Forms take the acting `user` (keyword) and narrow their guarded choice fields in one call."""

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user is not None:
            restrict_form_fields(self, user)


class CheckboxesField(forms.MultipleChoiceField):
    """A list of choices ticked as checkboxes (an ArrayField of choices: languages, kinds, services)."""

    widget = forms.CheckboxSelectMultiple


class StyledForm(RestrictedFieldsMixin, forms.Form):
    required_css_class = "required"


class StyledModelForm(RestrictedFieldsMixin, forms.ModelForm):
    required_css_class = "required"


def model_fields(model, names, *, widgets: dict | None = None, prefix: str = "") -> dict[str, forms.Field]:
    """A model's form fields, for a form that gathers several models on one page (`prefix`: two records
    of one model, e.g. the two parties of a mediation)."""
    fields = forms.models.modelform_factory(model, fields=names, widgets=widgets).base_fields
    return {f"{prefix}{name}": field for name, field in fields.items()}


def apply_service_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError at the form's fields (or above the form)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            for item in errors:
                form.add_error(target, item)
    else:
        for message in error.messages:
            form.add_error(None, message)


def check_date_range(form, data: dict, start: str, end: str) -> None:
    """A period's end may not come before its start (the error goes on the end field)."""
    if data.get(start) and data.get(end) and data[end] < data[start]:
        form.add_error(end, _("The end date is before the start date."))


class VersionedForm(StyledModelForm):
    """Carries the version the user started editing from (concurrent edits are refused)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version


class DateInput(forms.DateInput):
    """A text date field that takes dd.mm.yyyy (the browser's date picker would force ISO)."""

    def __init__(self, attrs=None):
        super().__init__(
            attrs={"placeholder": "pp.kk.aaaa", "inputmode": "numeric", "autocomplete": "off", **(attrs or {})},
            format="%d.%m.%Y",
        )


class MoneyInput(forms.TextInput):
    """Amounts as typed in Estonia (1 234,50): a text field, since a number field refuses the comma."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})
        self.is_localized = True


class MoneyField(forms.DecimalField):
    """An amount as people type it: "1 234,50", "1 234,50 €" (spaces and the euro sign are dropped)."""

    def to_python(self, value):
        if isinstance(value, str):
            value = "".join(value.split()).replace("\u202f", "").removesuffix("€")
        return super().to_python(value)


def localize_money(form, *names: str) -> None:
    for name in names:
        field = form.fields[name]
        field.localize = True
        field.widget = MoneyInput()
        if type(field) is forms.DecimalField:  # a model form's field: same state, the typing rules above
            field.__class__ = MoneyField
