"""The error summary above a refused form: every error of every form, each a link to its field."""

from django import forms
from django.utils.translation import override

from victimsupport.forms import StyledForm
from victimsupport.templatetags.errorsummary import error_items


class Sample(StyledForm):
    name = forms.CharField(label="Name")
    kinds = forms.MultipleChoiceField(
        label="Kinds", choices=[("a", "A"), ("b", "B")], widget=forms.CheckboxSelectMultiple
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self):
        self.add_error(None, "The whole form is wrong.")


def test_items_link_to_fields_and_keep_form_wide_errors_as_text():
    form = Sample(data={"version": "x"})
    other = Sample(data={"other-name": "Mari", "other-kinds": ["a"], "other-version": "1"}, prefix="other")
    items = error_items(form, None, other)
    links = [item for item in items if "anchor" in item]
    assert [(item["anchor"], item["label"]) for item in links] == [("id_name", "Name"), ("id_kinds_0", "Kinds")]
    texts = [item["message"] for item in items if "anchor" not in item]
    # the form-wide errors of both forms, and the hidden field's error (it has no field to go to)
    assert texts.count("The whole form is wrong.") == 2 and len(texts) == 3
    assert error_items(Sample()) == []  # an unbound form has nothing to report


def test_a_choice_list_without_choices_is_named_not_linked():
    class Empty(StyledForm):
        members = forms.MultipleChoiceField(label="Members", choices=[], widget=forms.CheckboxSelectMultiple)

    with override("en"):
        assert error_items(Empty(data={})) == [{"label": "Members", "message": "This field is required."}]


def test_form_wide_errors_are_said_once_when_the_summary_shows_them():
    form = Sample(data={"name": "Mari", "kinds": ["a"], "version": "1"})
    assert "The whole form is wrong." in str(form)  # a form without the summary shows them itself
    error_items(form)
    assert "The whole form is wrong." not in str(form)  # with the summary, only the summary does
