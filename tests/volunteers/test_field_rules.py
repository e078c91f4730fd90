"""Issue 19, point 1: a service's field rules are reported in the same round as the form's missing fields
(a reversed period, a date in the future), not after the missing fields are filled in."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from tests.formrules import assert_rule_beside_missing_field
from volunteers import forms
from volunteers.models import Volunteer

TODAY = timezone.localdate()
TOMORROW = (TODAY + timedelta(days=1)).isoformat()
YESTERDAY = (TODAY - timedelta(days=1)).isoformat()


def volunteer():
    return Volunteer(first_name="Мария", last_name="Иванова", version=1, status="interviewed")


CASES = [
    # form, keyword arguments, data with a required field missing and a rule broken, the rule's field and words
    (forms.AssignmentForm, {}, {"starts_on": TODAY.isoformat(), "ends_on": YESTERDAY}, "ends_on", "before the start"),
    (forms.AssignmentForm, {}, {"starts_on": "2020-01-01", "ends_on": YESTERDAY}, "ends_on", "already have ended"),
    (forms.StepForm, {"volunteer": volunteer}, {"status": "checked", "happened_on": TOMORROW}, "happened_on", "future"),
    (
        forms.StepForm,
        {"volunteer": volunteer},
        {"status": "checked", "happened_on": YESTERDAY},
        "background_check",
        "background check",
    ),
    (forms.SupervisionContactForm, {}, {"happened_on": TOMORROW}, "happened_on", "future"),
    (forms.GroupSessionForm, {}, {"held_on": TOMORROW}, "held_on", "future"),
    (forms.TrainingForm, {}, {"held_on": TOMORROW}, "held_on", "future"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("form_class", "kwargs", "data", "field", "words"), CASES)
def test_rule_reported_with_missing_fields(form_class, kwargs, data, field, words):
    form = form_class(data=data, **{key: make() for key, make in kwargs.items()})
    assert_rule_beside_missing_field(form, field, words)


@pytest.mark.django_db
def test_payment_date_in_the_past():
    with translation.override("en"):
        form = forms.ExpensePaymentForm(data={"execution_date": YESTERDAY})
        assert not form.is_valid()
        assert "in the past" in form.errors["execution_date"][0]
    assert forms.ExpensePaymentForm(data={"execution_date": TODAY.isoformat()}).is_valid()


@pytest.mark.django_db
def test_a_valid_period_passes_the_rules():
    form = forms.AssignmentForm(data={"starts_on": YESTERDAY, "ends_on": TOMORROW})
    form.is_valid()
    assert "ends_on" not in form.errors
