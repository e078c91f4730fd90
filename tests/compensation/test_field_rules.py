"""Issue 19, point 1: the compensation services' field rules are reported in the same round as the form's
missing fields (a date in the future, a report before the crime, amounts that do not add up), not after
the missing fields are filled in."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from compensation import forms
from compensation.models import CompensationDecision, ExpertOpinion, InformationRequest, LossItem
from tests.compensation.test_claims import open_claim
from tests.formrules import assert_rule_beside_missing_field

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
TOMORROW = (TODAY + timedelta(days=1)).isoformat()
YESTERDAY = (TODAY - timedelta(days=1)).isoformat()
DAYS_AGO = (TODAY - timedelta(days=5)).isoformat()


def claim_edit(world):
    return {"instance": world.claim(), "case": world.case}


def new_claim(world):
    return {"case": world.case, "user": world.specialist}


def recorded_crime(world):
    return world.claim().crime.pk


def client(world):
    return world.case.client_id


def reply(world):
    return {"instance": InformationRequest(sent_on=TODAY - timedelta(days=3), version=1)}


CASES = [
    # form, its arguments from the world, data with a required field missing and a rule broken (a value may be
    # a function of the world), the rule's field and words
    (forms.CrimeForm, lambda w: {}, {"occurred_on": TOMORROW}, "occurred_on", "future"),
    (forms.CrimeForm, lambda w: {}, {"occurred_on": YESTERDAY, "reported_on": DAYS_AGO}, "reported_on", "before it"),
    (forms.ClaimForm, claim_edit, {"claimant_role": "victim", "received_on": TOMORROW}, "received_on", "future"),
    (forms.ClaimForm, claim_edit, {"claimant": client, "claimant_role": "dependant"}, "claimant_role", "as the victim"),
    (forms.NewClaimForm, new_claim, {"occurred_on": TOMORROW}, "occurred_on", "future"),
    (
        forms.NewClaimForm,
        new_claim,
        {"crime": recorded_crime, "claimant": client, "claimant_role": "dependant"},
        "claimant_role",
        "as the victim",
    ),
    (forms.PersonClaimForm, lambda w: {"user": w.specialist}, {"reported_on": TOMORROW}, "reported_on", "future"),
    (
        forms.LossItemForm,
        lambda w: {},
        {"kind": "maintenance", "period_from": YESTERDAY, "period_until": DAYS_AGO},
        "period_until",
        "before the start",
    ),
    (forms.LossItemForm, lambda w: {}, {"amount_claimed": "100", "amount_accepted": "200"}, "amount_accepted", "More"),
    (forms.LossItemForm, lambda w: {}, {"amount_claimed": "100", "other_sources": "200"}, "other_sources", "by others"),
    (forms.DecisionForm, lambda w: {}, {"kind": "grant"}, "one_off_amount", "pays something"),
    (forms.DecisionForm, lambda w: {}, {"kind": "grant", "monthly_amount": "100"}, "monthly_months", "how many"),
    (forms.ReplyForm, reply, {"reply_received_on": TOMORROW}, "reply_received_on", "future"),
    (forms.ReplyForm, reply, {"reply_received_on": DAYS_AGO}, "reply_received_on", "before the request"),
    (forms.OpinionAskForm, lambda w: {"claim": w.claim()}, {"due_on": YESTERDAY}, "due_on", "in the past"),
    (
        forms.OpinionForm,
        lambda w: {"instance": ExpertOpinion(version=1)},
        {"health_damage": "disorder"},
        "disorder_months",
        "how long",
    ),
]


class World:
    def __init__(self, specialist, case):
        self.specialist, self.case, self._claim = specialist, case, None

    def claim(self):
        if self._claim is None:
            self._claim = open_claim(self.specialist, self.case)
        return self._claim


@pytest.mark.parametrize(("form_class", "kwargs", "data", "field", "words"), CASES)
def test_rule_reported_with_missing_fields(specialist, case, form_class, kwargs, data, field, words):
    world = World(specialist, case)
    data = {name: value(world) if callable(value) else value for name, value in data.items()}
    assert_rule_beside_missing_field(form_class(data=data, **kwargs(world)), field, words)


def test_a_recorded_crime_s_fields_are_not_judged(specialist, case):
    """With a crime already recorded, what the new crime's fields hold is not used, so not judged."""
    world = World(specialist, case)
    data = {"crime": recorded_crime(world), "occurred_on": TOMORROW}
    form = forms.NewClaimForm(data=data, **new_claim(world))
    assert not form.is_valid()
    assert "occurred_on" not in form.errors


def test_payment_date_in_the_past():
    with translation.override("en"):
        form = forms.PaymentFileForm(data={"execution_date": YESTERDAY})
        assert not form.is_valid()
        assert "in the past" in form.errors["execution_date"][0]
    assert forms.PaymentFileForm(data={"execution_date": TODAY.isoformat()}).is_valid()


def test_good_values_pass_the_rules():
    item = forms.LossItemForm(
        data={"kind": "maintenance", "period_from": DAYS_AGO, "period_until": YESTERDAY, "amount_claimed": "100"},
        instance=LossItem(),
    )
    item.is_valid()
    assert not {"period_until", "amount_accepted", "other_sources"} & set(item.errors)
    decision = forms.DecisionForm(data={"kind": "refusal"}, instance=CompensationDecision())
    decision.is_valid()
    assert "one_off_amount" not in decision.errors
