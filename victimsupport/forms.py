"""Form rendering shared by every app: labels, help and errors next to each field."""

import markupsafe
from django import forms
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.forms.renderers import TemplatesSetting
from django.utils import translation
from django.utils.choices import BaseChoiceIterator
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from victimsupport import jinja
from victimsupport.models import County, Region
from victimsupport.rowcache import CachedRows
from victimsupport.rules import field_errors

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


_e = conditional_escape  # what {{ value|stringformat:"s" }} does in a template


def _text(value) -> str:
    """What {{ value }} does: localised (a number or a date in the user's format), then escaped."""
    return conditional_escape(localize(value))


def _attrs(attrs: dict) -> str:
    # Django's widgets/attrs.html: True is a bare attribute, False leaves it out.
    return "".join(
        f" {_e(name)}" if value is True else f' {_e(name)}="{_e(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget: dict) -> str:
    value = "" if widget["value"] is None else f' value="{_e(widget["value"])}"'
    return f'<input type="{_e(widget["type"])}" name="{_e(widget["name"])}"{value}{_attrs(widget["attrs"])}>'


def _select(widget: dict) -> str:
    parts = [f'<select name="{_e(widget["name"])}"{_attrs(widget["attrs"])}>']
    if "options_html" in widget:  # ListSelect: the options written already
        return f"{parts[0]}{widget['options_html']}\n</select>"
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        parts += [
            f'\n  <option value="{_e(option["value"])}"{_attrs(option["attrs"])}>{_text(option["label"])}</option>\n'
            for option in options
        ]
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _textarea(widget: dict) -> str:
    value = _text(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{_e(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'


# Django's own widget templates, written out in Python: byte for byte what the templates give (with the
# same conditional escaping), without a template and its includes per field and per option (a long
# choice list's options were most of a filter form's render time). Other widget templates render as usual.
_INPUT_KINDS = ("input", "text", "number", "email", "url", "password", "hidden", "date", "datetime", "time")
WIDGET_RENDERERS = {
    **{f"django/forms/widgets/{kind}.html": _input for kind in (*_INPUT_KINDS, "search", "checkbox", "tel", "color")},
    "django/forms/widgets/select.html": _select,
    "django/forms/widgets/textarea.html": _textarea,
}


def field_group(field) -> str:
    """victimsupport/jinja2/forms/field.html written out in Python, byte for byte (the template stays the
    reference: tests/platform/test_form_rendering.py compares the two): a field group is rendered once per
    field of every form, and the template's render was most of a filter field's time."""
    esc = markupsafe.escape  # what {{ value }} does in a Jinja2 body
    kind = field.widget_type
    errors = field.errors
    classes = ' class="field' + (" field--error" if errors else "") + (" field--check" if kind == "checkbox" else "")
    parts = [classes + (' span-all">' if kind == "textarea" else '">')]
    label = esc(field.label)
    required = field.field.required
    if kind == "checkbox":
        parts.append(f'{esc(field)}<label for="{esc(field.id_for_label)}">{label}</label>')
    elif field.use_fieldset:
        star = ' <span class="required" aria-hidden="true">*</span>' if required else ""
        parts.append(f'<fieldset class="plain"><legend class="label">{label}{star}</legend>{esc(field)}</fieldset>')
    else:
        star = (
            f' <span class="required" aria-hidden="true">*</span><span class="visually-hidden">'
            f" ({jinja.gettext('required')})</span>"
            if required
            else ""
        )
        parts.append(f'<label for="{esc(field.id_for_label)}">{label}{star}</label>{esc(field)}')
    help_text = field.help_text
    parts.append(f'\n<p class="help" id="{esc(field.auto_id)}_helptext">{esc(help_text)}</p>' if help_text else "\n")
    if errors:
        items = "".join(f"<li>{esc(error)}</li>" for error in errors)
        parts.append(f'\n<ul class="errorlist" id="{esc(field.auto_id)}_error">{items}</ul>')
    else:
        parts.append("\n")
    return "<div" + parts[0] + "\n" + "".join(parts[1:]) + "\n</div>"


_written_options: dict[tuple, tuple[tuple[str, str, str], ...]] = {}


class ListSelect(forms.Select):
    """A select over a list of plain (value, label) choices that many pages show (a region's staff, the
    counties): each list's options are written once per process and language, and a page only marks its
    chosen one. Django builds a dict per option and the renderer escapes each label on every page; the
    HTML is the same as Select's (tests/platform/test_form_rendering.py holds it). It is written by the
    project's FormRenderer (FORM_RENDERER), which every form uses; Django's own select.html would find
    no options in its context."""

    def get_context(self, name, value, attrs):
        context = forms.Widget.get_context(self, name, value, attrs)  # all but ChoiceWidget's optgroups
        choices = self.choices if isinstance(self.choices, (list, tuple)) else list(self.choices)
        if any(isinstance(label, (list, tuple)) for _value, label in choices):  # groups: Select's own way
            context["widget"]["optgroups"] = self.optgroups(name, context["widget"]["value"], attrs)
            return context
        # Equal is not enough: 1 and True, a label marked safe (written as it is) and the same text unmarked
        # (escaped) are written differently, so each value and label is kept apart by its type and kind.
        key = (
            translation.get_language(),
            *((type(value), value, type(label), hasattr(label, "__html__"), label) for value, label in choices),
        )
        options = _written_options.get(key)
        if options is None:
            options = tuple(
                (str(value), f'\n  <option value="{_e(value)}"', f">{_text(label)}</option>\n")
                for value, label in ((("" if value is None else value), label) for value, label in choices)
            )
            if len(_written_options) > 256:  # a list that keeps changing does not grow the store
                _written_options.clear()
            _written_options[key] = options
        values = context["widget"]["value"]
        # As ChoiceWidget: only the first option with a chosen value is marked.
        chosen = next((index for index, (value, _start, _end) in enumerate(options) if value in values), None)
        context["widget"]["options_html"] = "".join(
            f"{start} selected{end}" if index == chosen else f"{start}{end}"
            for index, (_value, start, end) in enumerate(options)
        )
        return context


class CachedChoices(BaseChoiceIterator):
    """A cached list's (pk, label) rows after the field's empty choice, read when the field is rendered
    (a BaseChoiceIterator: Django keeps it lazy, so a form class defined at import asks nothing)."""

    def __init__(self, rows: CachedRows, empty_label):
        self.rows, self.empty_label = rows, empty_label
        self._read = None

    def __iter__(self):
        # Read once per form (the widget asks twice: whether the first choice is empty, then every option);
        # each form has its own copy, so a page never shows rows another request read.
        if self._read is None:
            self._read = self.rows.get()
        if self.empty_label is not None:
            yield ("", self.empty_label)
        yield from self._read

    def __copy__(self):
        return type(self)(self.rows, self.empty_label)

    def __deepcopy__(self, memo):
        return self.__copy__()


class CachedModelChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField over reference data (regions, counties) whose options come from the cache
    (`rows`, a CachedRows of (pk, label)) and are written by ListSelect: no query and no model instance
    per option. The chosen row is still read from `queryset` when the form is cleaned. Only for rows every
    user may see: a guarded model's choices are narrowed per user (restrict_form_fields), which cached
    options would ignore, so one is refused here."""

    widget = ListSelect

    def __init__(self, queryset, *, rows: CachedRows, **kwargs):
        if hasattr(queryset, "restrict") or kwargs.get("to_field_name"):
            raise ImproperlyConfigured("CachedModelChoiceField is for unguarded reference rows chosen by pk")
        self.rows = rows
        super().__init__(queryset, **kwargs)

    @property
    def choices(self):
        return CachedChoices(self.rows, self.empty_label)


# Reference lists that filters show (victimsupport.rowcache): a region's or county's name is its label.
REGIONS = CachedRows("regions", lambda: Region.objects.order_by("name").values_list("pk", "name"), depends_on=(Region,))
COUNTIES = CachedRows(
    "counties", lambda: County.objects.order_by("name").values_list("pk", "name"), depends_on=(County,)
)


class FormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"

    # Rendered by the Jinja2 engine (victimsupport/jinja2/): the field group, once per field of every form.
    jinja_templates = frozenset({field_template_name})

    def render(self, template_name, context, request=None):
        fast = WIDGET_RENDERERS.get(template_name)
        if fast is not None and request is None and "widget" in context:
            return mark_safe(fast(context["widget"]))  # noqa: S308 (every value passed through conditional_escape)
        if template_name == self.field_template_name and request is None and context.keys() == {"field"}:
            return mark_safe(field_group(context["field"]))  # noqa: S308 (every value passed through escape)
        if template_name in self.jinja_templates:
            return jinja.render(template_name, context, request)
        return super().render(template_name, context, request=request)


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
        for field in self.fields.values():
            if type(field.widget) is forms.DateInput:  # a model's date field: typed as dd.mm.yyyy, with the picker
                field.widget = DateInput(attrs=field.widget.attrs)


class CheckboxesField(forms.MultipleChoiceField):
    """A list of choices ticked as checkboxes (an ArrayField of choices: languages, kinds, services)."""

    widget = forms.CheckboxSelectMultiple


class FieldRulesMixin:
    """`field_rules`: the service's own rules over this form's values (see `field_errors`), run in the
    form's `clean()` so that a reversed period or a date in the future is reported in the same round as
    a missing field, not after it. The service runs the same rules again (`check_field_rules`)."""

    field_rules: tuple = ()

    def rule_values(self, data: dict) -> dict:
        """The values the rules judge: the form's, plus what an edit form knows from its object."""
        return data

    def clean(self):
        data = super().clean()
        values = {**self.rule_values(dict(data)), **dict.fromkeys(self.errors)}  # a refused field is not judged twice
        for field, message in field_errors(*self.field_rules, **values).items():
            if field not in self.errors:  # a field refused already ("Enter a valid date.") keeps that one error
                self.add_error(field if field in self.fields else None, message)
        return data


class StyledForm(FieldRulesMixin, RestrictedFieldsMixin, forms.Form):
    required_css_class = "required"


class StyledModelForm(FieldRulesMixin, RestrictedFieldsMixin, forms.ModelForm):
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
    """A text date field that takes dd.mm.yyyy typed (and an ISO date, read the same way). A type="date"
    field would refuse typing in the Estonian form on some browsers, so the browser's own date picker is
    offered beside it instead: static/js/app.js adds the button to every field with data-datepicker."""

    def __init__(self, attrs=None):
        super().__init__(
            attrs={
                "placeholder": "pp.kk.aaaa",
                "inputmode": "numeric",
                "autocomplete": "off",
                "data-datepicker": _("Choose the date from a calendar"),
                **(attrs or {}),
            },
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
