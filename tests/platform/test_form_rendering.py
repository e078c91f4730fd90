"""The form renderer writes Django's widget templates out in Python (victimsupport.forms.WIDGET_RENDERERS):
the markup must be byte for byte what the templates give, escaping included."""

from __future__ import annotations

import pytest
from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from victimsupport.forms import WIDGET_RENDERERS, DateInput, FormRenderer, ListSelect, MoneyInput

HOSTILE = '"><script>alert(1)</script>&amp; Õie Шмидт'


class EveryWidget(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Name"), widget=forms.TextInput(attrs={"placeholder": HOSTILE, "autofocus": True})
    )
    search = forms.CharField(widget=forms.TextInput(attrs={"type": "search", "disabled": False}))
    number = forms.IntegerField()
    decimal = forms.DecimalField()
    email = forms.EmailField()
    url = forms.URLField()
    password = forms.CharField(widget=forms.PasswordInput(render_value=True))
    hidden = forms.CharField(widget=forms.HiddenInput)
    date = forms.DateField(widget=DateInput())
    datetime = forms.DateTimeField()
    time = forms.TimeField()
    money = forms.DecimalField(widget=MoneyInput())
    flag = forms.BooleanField(required=False)
    choice = forms.ChoiceField(choices=[("", "—"), ("a", HOSTILE), (0, mark_safe("<b>safe</b>")), (1, 1234.5)])
    grouped = forms.ChoiceField(choices=[(HOSTILE, [("x", "X"), ("y", "Y")]), ("z", "Z")])
    many = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B"), ("c", "C")])
    maybe = forms.NullBooleanField()
    notes = forms.CharField(widget=forms.Textarea)
    empty_notes = forms.CharField(widget=forms.Textarea, required=False)


BOUND = {
    "text": HOSTILE,
    "search": "a&b",
    "number": "0",
    "decimal": "1,5",
    "email": "x@example.ee",
    "url": "https://example.ee/?a=1&b=2",
    "password": HOSTILE,
    "hidden": mark_safe("<i>kept as given</i>"),
    "date": "31.12.2026",
    "datetime": "not a date",
    "time": "12:00",
    "money": "1 234,50",
    "flag": "on",
    "choice": "a",
    "grouped": "y",
    "many": ["a", "c"],
    "maybe": "true",
    "notes": HOSTILE + "\nline two",
    "empty_notes": "",
}


def rendered(form: forms.Form, renderer) -> dict[str, str]:
    """Each field's widget, rendered by `renderer` with the attributes the form gives it."""
    return {
        name: form[name].field.widget.render(
            form[name].html_name,
            form[name].value(),
            attrs=form[name].build_widget_attrs({"id": form[name].auto_id}),
            renderer=renderer,
        )
        for name in form.fields
    }


def by_templates(form: forms.Form) -> dict[str, str]:
    return rendered(form, TemplatesSetting())


def by_renderer(form: forms.Form) -> dict[str, str]:
    return rendered(form, FormRenderer())


@pytest.mark.parametrize("data", [None, BOUND], ids=["unbound", "bound"])
def test_every_widget_renders_as_the_templates_do(data):
    form = EveryWidget(data)
    expected, got = by_templates(form), by_renderer(form)
    assert set(expected) == set(EveryWidget.base_fields)
    for name in expected:
        assert got[name] == expected[name], name
    # The fast path was taken for each (the templates were not asked), and it escaped.
    assert {form[name].field.widget.template_name for name in form.fields} <= set(WIDGET_RENDERERS)
    if data:
        assert "<script>" not in "".join(got.values())
        assert "&lt;script&gt;" in got["text"] and "&lt;script&gt;" in got["notes"]
        assert "<b>safe</b>" in got["choice"]  # marked safe: kept, as the template keeps it
        assert "selected" in got["grouped"] and "<optgroup" in got["grouped"]


def test_other_widgets_still_render_through_their_templates():
    class Other(forms.Form):
        pick = forms.ChoiceField(choices=[("a", HOSTILE)], widget=forms.RadioSelect)
        ticks = forms.MultipleChoiceField(choices=[("a", "A")], widget=forms.CheckboxSelectMultiple)

    form = Other({"pick": "a", "ticks": ["a"]})
    for name in form.fields:
        assert form[name].field.widget.template_name not in WIDGET_RENDERERS
        assert by_renderer(form)[name] == by_templates(form)[name]
    assert "&lt;script&gt;" in str(form["pick"])


LIST_CHOICES = [
    ("", gettext_lazy("any")),
    (None, "none"),
    (7, HOSTILE),
    ("7", "seven again"),
    (12, mark_safe("<b>x</b>")),
]


class Lists(forms.Form):
    """The same choices as a ListSelect and as Django's Select."""

    fast = forms.TypedChoiceField(choices=LIST_CHOICES, coerce=int, required=False, widget=ListSelect)
    plain = forms.TypedChoiceField(choices=LIST_CHOICES, coerce=int, required=False)
    fast_groups = forms.ChoiceField(choices=[(HOSTILE, [("x", "X")]), ("z", "Z")], widget=ListSelect)
    plain_groups = forms.ChoiceField(choices=[(HOSTILE, [("x", "X")]), ("z", "Z")])
    numbers = forms.ChoiceField(choices=[(1, 1234.5)], widget=ListSelect)  # no lazy text: only the language differs


@pytest.mark.parametrize("language", ["et", "en"])
@pytest.mark.parametrize("value", [None, "", "7", "12", "x", "nothing"])
def test_a_list_select_writes_what_select_writes(language, value):
    """Its options are written once per list and language; the page marks its chosen one (only the first
    of two options with the same value, as Select), in the user's language, escaped."""
    data = None if value is None else {"fast": value, "plain": value, "fast_groups": value, "plain_groups": value}
    with translation.override(language):
        for _ in range(2):  # written, then taken from the store
            form = Lists(data)
            expected, got = by_templates(form), by_renderer(form)
            assert got["fast"] == expected["plain"].replace("plain", "fast")
            assert got["fast_groups"] == expected["plain_groups"].replace("plain_groups", "fast_groups")
    assert "<script>" not in got["fast"] and "<b>x</b>" in got["fast"]
    assert got["fast"].count(" selected") == (0 if value in ("x", "nothing") else 1)
    assert ("kõik" in got["fast"]) == (language == "et")
    assert ("1234,5" in got["numbers"]) == (language == "et")  # a number as the language writes it


def test_a_list_select_keeps_a_safe_label_apart_from_the_same_text_unmarked():
    class Safe(forms.Form):
        pick = forms.ChoiceField(choices=[(1, mark_safe("<b>x</b>"))], widget=ListSelect)

    class Plain(forms.Form):
        pick = forms.ChoiceField(choices=[(1, "<b>x</b>")], widget=ListSelect)

    class LazySafe(forms.Form):
        pick = forms.ChoiceField(choices=[(1, mark_safe(gettext_lazy("<b>x</b>")))], widget=ListSelect)  # noqa: S308

    class OtherValues(forms.Form):
        pick = forms.ChoiceField(choices=[(True, "<b>x</b>")], widget=ListSelect)

    for _ in range(2):  # whichever is written first
        assert "<b>x</b>" in str(Safe()["pick"]) and "<b>x</b>" in str(LazySafe()["pick"])
        assert "<b>" not in str(Plain()["pick"]) and "&lt;b&gt;x&lt;/b&gt;" in str(Plain()["pick"])
        assert 'value="True"' in str(OtherValues()["pick"]) and 'value="1"' in str(Plain()["pick"])


def test_cached_options_are_refused_for_a_guarded_model():
    from django.core.exceptions import ImproperlyConfigured

    from cases.models import Case
    from victimsupport.forms import COUNTIES, CachedModelChoiceField

    with pytest.raises(ImproperlyConfigured):
        CachedModelChoiceField(Case.objects.all(), rows=COUNTIES)


class EveryGroup(forms.Form):
    """A field group of every shape field.html writes: required or not, help, errors, a checkbox, a text
    area, a fieldset (radio buttons, tick boxes), a label marked safe, a hostile label and help."""

    text = forms.CharField(label=HOSTILE, help_text=HOSTILE, max_length=3)
    optional = forms.CharField(label=gettext_lazy("Name"), required=False)
    flag = forms.BooleanField(label=gettext_lazy("Only with overdue tasks"), required=False, help_text="<b>h</b>")
    must_tick = forms.BooleanField(label="Tick")
    notes = forms.CharField(widget=forms.Textarea, label=mark_safe("<i>safe</i>"))
    pick = forms.ChoiceField(choices=[("a", HOSTILE)], widget=forms.RadioSelect)
    ticks = forms.MultipleChoiceField(choices=[("a", "A")], widget=forms.CheckboxSelectMultiple, required=False)
    county = forms.ChoiceField(choices=[("", "—"), ("1", "Harju")], widget=ListSelect, required=False)
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)
    unlabelled_name = forms.IntegerField(label=None, min_value=5)

    def clean(self):
        raise forms.ValidationError(HOSTILE)


@pytest.mark.parametrize("language", ["et", "en"])
@pytest.mark.parametrize(
    "data",
    [None, {"text": HOSTILE, "flag": "on", "pick": "b", "unlabelled_name": "1", "hidden": "x"}],
    ids=["unbound", "with errors"],
)
@pytest.mark.parametrize("auto_id", ["id_%s", False])
def test_a_field_group_is_written_as_the_template_writes_it(language, data, auto_id, monkeypatch):
    from django.template import engines

    from victimsupport import forms as project_forms
    from victimsupport.forms import field_group

    template = engines["jinja2"].get_template(FormRenderer.field_template_name)
    written = []
    monkeypatch.setattr(project_forms, "field_group", lambda field: written.append(field.name) or field_group(field))
    with translation.override(language):
        form = EveryGroup(data, auto_id=auto_id)
        for name in form.fields:
            expected = template.render({"field": form[name]})
            assert field_group(form[name]) == expected, name
            assert form[name].as_field_group() == expected, name
    assert written == list(form.fields)  # the renderer wrote each group itself, not through the template
    if data:
        assert form.errors["text"] and form["unlabelled_name"].errors
        html = "".join(form[name].as_field_group() for name in form.fields)
        assert "<script>" not in html and 'class="errorlist"' in html and "<i>safe</i>" in html


@pytest.mark.django_db
def test_a_cached_list_is_read_once_per_form_and_anew_for_the_next():
    """A select over a cached list asks the cache once per form (not once for its empty choice and again
    for its options); the next form reads again and shows a county added in between."""
    from unittest import mock

    from victimsupport.forms import COUNTIES, CachedModelChoiceField
    from victimsupport.models import County, Region

    class Filter(forms.Form):
        county = CachedModelChoiceField(County.objects.all(), rows=COUNTIES, required=False)

    str(Filter()["county"])  # fills the cache
    with mock.patch.object(COUNTIES, "get", wraps=COUNTIES.get) as reads:
        first = Filter()
        html = str(first["county"])
        assert reads.call_count == 1 and "Uus maakond" not in html
        County.objects.create(code="uus", name="Uus maakond", region=Region.objects.first())
        assert "Uus maakond" not in str(first["county"])  # the same form: the rows it read
        assert "Uus maakond" in str(Filter()["county"]) and reads.call_count == 2
