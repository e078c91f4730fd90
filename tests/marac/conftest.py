"""Actors and a network for the MARAC tests: a Põhja network with police and victim support, its
coordinator and a police partner; a Lõuna network with its own partner."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from marac.models import Agency, Membership, Network
from marac.selectors import current_questionnaire
from marac.services import assessments as assessment_services
from tests.factories import make_case, make_user
from victimsupport.models import County


@pytest.fixture
def coordinator(db):
    return make_user("coordinator", "pohja")


@pytest.fixture
def partner(db):
    return make_user("marac_partner", "pohja")


@pytest.fixture
def network(coordinator, partner):
    # Members since well before any meeting a test moves into the past: "an hour ago" is yesterday
    # just after midnight, and only members on the meeting's day can be present.
    since = timezone.localdate() - timedelta(days=60)
    network = Network.objects.create(name="Harju MARAC", county=County.objects.get(code="harju"))
    police = Agency.objects.create(network=network, kind="police", name="Põhja prefektuur")
    support = Agency.objects.create(network=network, kind="victim_support", name="Ohvriabi")
    Membership.objects.create(network=network, agency=support, user=coordinator, starts_on=since, is_coordinator=True)
    Membership.objects.create(network=network, agency=police, user=partner, starts_on=since, is_chair=True)
    return network


@pytest.fixture
def harju_case(specialist):
    return make_case(specialist, county_code="harju")


def assess(actor, case, *, yes: int = 0, questionnaire=None, **fields):
    """An assessment with the first `yes` questions answered yes, the rest no."""
    questionnaire = questionnaire or current_questionnaire()
    fields.setdefault("assessed_on", timezone.localdate())
    return assessment_services.assessment_create(
        actor=actor,
        case=case,
        questionnaire=questionnaire,
        answers={q.number: "yes" if q.number <= yes else "no" for q in questionnaire.questions.all()},
        **fields,
    )
