"""The error summary above a refused form: every error of every form, each a link to its field."""

from django import forms

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
