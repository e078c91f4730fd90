"""Issue 19, point 1: the MARAC services' field rules are reported in the same round as the form's missing
fields (a reversed period, a date in the future or the past, a deadline beyond two years), not after the
missing fields are filled in."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from marac import forms
from marac.models import Action, AgendaItem, MaracCase, Meeting, Network
from marac.selectors import current_questionnaire
from tests.formrules import assert_rule_beside_missing_field

TODAY = timezone.localdate()
TOMORROW = (TODAY + timedelta(days=1)).isoformat()
YESTERDAY = (TODAY - timedelta(days=1)).isoformat()
LONG_AGO = (TODAY - timedelta(days=20)).isoformat()
IN_THREE_YEARS = (TODAY + timedelta(days=3 * 366)).isoformat()


def assessment(network):
    return {"questionnaire": current_questionnaire()}


def referral(network):
    return {"networks": Network.objects.none()}


def member(network):
    return {"network": network}


def item(network, days_ahead: int = 0):
    starts_at = timezone.make_aware(datetime.combine(TODAY + timedelta(days=days_ahead), time(10)))
    return {"item": AgendaItem(meeting=Meeting(network=network, starts_at=starts_at))}


def item_next_week(network):
    return item(network, days_ahead=7)


def action(network):
    """An action agreed ten days ago, outside a meeting."""
    referral = MaracCase(network=network, legal_basis="consent")
    agreed = timezone.now() - timedelta(days=10)
    return {"instance": Action(referral=referral, description="Helistada", due_on=TODAY, created_at=agreed)}


def nothing(network):
    return {}


CASES = [
    # form, its keyword arguments, data with a required field missing and a rule broken, the rule's field and words
    (forms.AssessmentForm, assessment, {"assessed_on": TOMORROW}, "assessed_on", "future"),
    (
        forms.AssessmentForm,
        assessment,
        {"assessed_on": YESTERDAY, "judgement_level": "high", "judgement_reason": "  "},
        "judgement_reason",
        "reason for the professional judgement",
    ),
    (
        forms.AssessmentForm,
        assessment,
        {"assessed_on": YESTERDAY, "judgement_reason": "Ähvardas relvaga."},
        "judgement_level",
        "Choose the level",
    ),
    (forms.ReferralForm, referral, {"legal_basis": "other", "legal_basis_note": ""}, "legal_basis_note", "Name the"),
    (forms.MemberForm, member, {"starts_on": TODAY.isoformat(), "ends_on": YESTERDAY}, "ends_on", "before the start"),
    (forms.ScheduleForm, nothing, {"first_on": YESTERDAY}, "first_on", "cannot be in the past"),
    (forms.ScheduleForm, nothing, {"first_on": IN_THREE_YEARS}, "first_on", "two years ahead"),
    (forms.MeetingForm, nothing, {"on": YESTERDAY, "at": "10:00"}, "on", "moved into the past"),
    (forms.MeetingForm, nothing, {"on": TODAY.isoformat(), "at": "00:00"}, "at", "moved into the past"),
    (forms.MeetingForm, nothing, {"on": IN_THREE_YEARS, "at": "10:00"}, "on", "two years ahead"),
    (forms.ActionForm, item, {"due_on": IN_THREE_YEARS}, "due_on", "within two years"),
    (forms.ActionForm, item_next_week, {"due_on": TOMORROW}, "due_on", "before the meeting"),
    (forms.ActionPlanForm, action, {"due_on": IN_THREE_YEARS}, "due_on", "within two years"),
    (forms.ActionUpdateForm, action, {"status": "done", "outcome": "Tehtud"}, "completed_on", "Give the date"),
    (forms.ActionUpdateForm, action, {"status": "done", "completed_on": TOMORROW}, "completed_on", "future"),
    (forms.ActionUpdateForm, action, {"status": "done", "completed_on": TOMORROW}, "outcome", "Say what was done"),
    (forms.ActionUpdateForm, action, {"status": "done", "completed_on": LONG_AGO}, "completed_on", "was agreed"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("form_class", "kwargs", "data", "field", "words"), CASES)
def test_rule_reported_with_missing_fields(network, form_class, kwargs, data, field, words):
    assert_rule_beside_missing_field(form_class(data=data, **kwargs(network)), field, words)


@pytest.mark.django_db
def test_the_rules_let_good_values_pass(network):
    form = forms.ActionUpdateForm(
        data={"status": "done", "completed_on": YESTERDAY, "outcome": "Tehtud", "version": 1}, **action(network)
    )
    assert form.is_valid(), form.errors
    form = forms.ScheduleForm(data={"first_on": TOMORROW, "at": "10:00", "count": 3})
    assert form.is_valid(), form.errors
    form = forms.MemberForm(data={"starts_on": YESTERDAY, "ends_on": TODAY.isoformat()}, network=network)
    form.is_valid()
    assert "ends_on" not in form.errors
