"""Issue 19, point 1: the crisis services' field rules are reported in the same round as the form's
missing fields (an event starting in the future, a shift that ends before it starts), not after them."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from crisis import forms
from crisis.services import events as services
from tests.factories import region
from tests.formrules import assert_rule_beside_missing_field

NOW = timezone.localtime().replace(second=0, microsecond=0)
TOMORROW = (NOW + timedelta(days=1)).strftime("%Y-%m-%d %H:%M")
AN_HOUR_AGO = (NOW - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M")
TWO_HOURS_AGO = (NOW - timedelta(hours=2)).strftime("%Y-%m-%d %H:%M")


@pytest.fixture
def event(manager, specialist):
    return services.event_open(
        actor=manager,
        region=region("pohja"),
        title="Bussiõnnetus",
        place="Tallinn",
        started_at=NOW - timedelta(hours=3),
        lead_agency="Päästeamet",
        contact_point=specialist,
        notes="",
    )


CASES = [
    # form, its keyword arguments, data with a required field missing and a rule broken, the rule's field and words
    ("open", {"started_at": TOMORROW}, "started_at", "cannot start in the future"),
    ("edit", {"started_at": TOMORROW}, "started_at", "cannot start in the future"),
    ("roster", {"starts_at": AN_HOUR_AGO, "ends_at": TWO_HOURS_AGO}, "ends_at", "ends after it starts"),
    ("roster", {"starts_at": AN_HOUR_AGO, "ends_at": AN_HOUR_AGO}, "ends_at", "ends after it starts"),
]


def make_form(kind, data, manager, event):
    if kind == "open":
        return forms.EventOpenForm(data=data, user=manager)
    if kind == "edit":
        return forms.EventForm(data=data, region=event.region, instance=event)
    return forms.RosterForm(data=data, event=event)


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "data", "field", "words"), CASES)
def test_rule_reported_with_missing_fields(manager, event, kind, data, field, words):
    assert_rule_beside_missing_field(make_form(kind, data, manager, event), field, words)


@pytest.mark.django_db
def test_a_follow_up_in_the_past():
    yesterday = timezone.localdate() - timedelta(days=1)
    with translation.override("en"):
        form = forms.FollowUpForm(data={"follow_up_on": yesterday.isoformat()})
        assert not form.is_valid()
        assert "today or later" in form.errors["follow_up_on"][0]
    assert forms.FollowUpForm(data={"follow_up_on": timezone.localdate().isoformat()}).is_valid()
    assert forms.FollowUpForm(data={"follow_up_on": ""}).is_valid()


@pytest.mark.django_db
def test_a_shift_in_order_passes(event):
    form = forms.RosterForm(data={"starts_at": TWO_HOURS_AGO, "ends_at": AN_HOUR_AGO}, event=event)
    form.is_valid()
    assert "ends_at" not in form.errors and "starts_at" not in form.errors
