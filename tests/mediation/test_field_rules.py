"""Issue 19, point 1: the mediation services' field rules are reported in the same round as the form's
missing fields (a date in the future, a day outside the mediation's dates, a breach without a note), not
after the missing fields are filled in."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from mediation import forms
from mediation.models import Mediation
from tests.factories import make_user, region
from tests.formrules import assert_rule_beside_missing_field
from tests.mediation import test_mediations as flows

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
TOMORROW = (TODAY + timedelta(days=1)).isoformat()
YESTERDAY = (TODAY - timedelta(days=1)).isoformat()
CODE = "37605030299"


def days_ago(days: int):
    return TODAY - timedelta(days=days)


def stored():
    """The mediation an edit form starts from: appointed five days ago, agreed two days ago."""
    return Mediation(received_on=days_ago(10), appointed_on=days_ago(5), agreement_on=days_ago(2), version=1)


def unappointed():
    return Mediation(region=region("pohja"), received_on=days_ago(3))


def arguments(kind, specialist) -> dict:
    if kind == "user":
        return {"user": specialist}
    if kind == "instance":
        return {"instance": stored()}
    if kind == "mediation":
        return {"mediation": unappointed()}
    if kind == "agreed":  # a form on the mediation's page, given its mediation (appointed and agreed)
        return {"mediation": stored()}
    return {}


CASES = [
    # form, its arguments, data with a required field missing and a rule broken, the rule's field and words
    (forms.MediationReceiveForm, "user", {"received_on": TOMORROW}, "received_on", "future"),
    (
        forms.MediationReceiveForm,
        "user",
        {"victim_personal_code": CODE, "offender_personal_code": CODE},
        "offender_personal_code",
        "two people",
    ),
    (forms.MediationForm, "instance", {"victim_consent_on": TOMORROW}, "victim_consent_on", "future"),
    (forms.MediationForm, "instance", {"received_on": days_ago(3)}, "received_on", "after the appointment"),
    (forms.MediationForm, "instance", {"offender_consent_on": YESTERDAY}, "offender_consent_on", "keep the date"),
    (forms.AppointForm, "mediation", {"appointed_on": days_ago(4)}, "appointed_on", "between the receipt"),
    (forms.AppointForm, "mediation", {"appointed_on": TOMORROW}, "appointed_on", "between the receipt"),
    (forms.AgreementForm, None, {"agreement_on": TOMORROW}, "agreement_on", "future"),
    (forms.AgreementForm, None, {"agreement_on": YESTERDAY, "due_on": days_ago(2)}, "due_on", "before the agreement"),
    (
        forms.AgreementForm,
        None,
        {"agreement_on": YESTERDAY, "due_on": TODAY + timedelta(days=200)},
        "due_on",
        "six months",
    ),
    (forms.SettleForm, None, {"settled_on": TOMORROW}, "settled_on", "future"),
    (forms.SettleForm, "agreed", {"settled_on": days_ago(3)}, "settled_on", "before the agreement"),
    (forms.ObligationForm, "agreed", {"due_on": days_ago(3)}, "due_on", "before the agreement"),
    (forms.SettleForm, None, {"status": "breached", "note": ""}, "note", "not done"),
]


@pytest.mark.parametrize(("form_class", "kwarg", "data", "field", "words"), CASES)
def test_rule_reported_with_missing_fields(specialist, form_class, kwarg, data, field, words):
    data = {name: str(value) for name, value in data.items()}
    assert_rule_beside_missing_field(form_class(data=data, **arguments(kwarg, specialist)), field, words)


@pytest.mark.parametrize(
    ("form_class", "field"), [(forms.MeetingForm, "held_on"), (forms.NewOffenceForm, "offence_on")]
)
def test_a_day_in_the_future_on_a_one_date_form(form_class, field):
    with translation.override("en"):
        form = form_class(data={field: TOMORROW})
        assert not form.is_valid()
        assert "future" in form.errors[field][0]
    assert field not in form_class(data={field: TODAY.isoformat()}).errors


def test_a_later_appointment_keeps_the_first_day():
    """Once appointed, the day typed is not used (the first appointment's stays), so not judged."""
    mediation = unappointed()
    mediation.appointed_on = days_ago(2)
    form = forms.AppointForm(data={"appointed_on": days_ago(30).isoformat()}, mediation=mediation)
    assert not form.is_valid()
    assert "appointed_on" not in form.errors


def test_a_meeting_before_the_appointment_on_the_mediation_s_form():
    with translation.override("en"):
        form = forms.MeetingForm(data={"held_on": days_ago(6).isoformat()}, mediation=stored())
        assert not form.is_valid()
        assert "before the mediator was appointed" in form.errors["held_on"][0]
    assert forms.MeetingForm(data={"held_on": days_ago(4).isoformat()}, mediation=stored()).is_valid()


def test_the_meeting_page_judges_the_day_against_the_appointment(client, specialist, manager):
    mediation = flows.receive(specialist)
    mediator = flows.make_volunteer(make_user("coordinator", "pohja"), last_name="Lepitaja", kinds=["mediator"]).user
    flows.appointed(manager, mediation, mediator)  # today
    client.force_login(mediator)
    too_long = "x" * 4001  # refused by the form itself: the service is not reached
    response = client.post(
        f"/mediation/{mediation.pk}/meetings/new/", {"held_on": days_ago(1).strftime("%d.%m.%Y"), "notes": too_long}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "at most 4000 characters" in page and "before the mediator was appointed" in page
    assert not mediation.meetings.exists()
