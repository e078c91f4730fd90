"""MARAC lists and pages run a number of SQL queries that does not grow with the data."""

from datetime import time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from marac.services import actions as action_services
from marac.services import meetings as meeting_services
from marac.services import referrals as referral_services
from tests.factories import login_verified, make_case
from tests.marac.conftest import assess
from tests.querycount import page_queries

pytestmark = pytest.mark.django_db


queries = page_queries


def grow(specialist, coordinator, partner, network, meeting, size: int) -> None:
    police = network.agencies.get(kind="police")
    for _ in range(size):
        case = make_case(specialist, county_code="harju")
        referral = referral_services.maraccase_refer(
            actor=specialist, assessment=assess(specialist, case, yes=20), network=network, legal_basis="oas_10"
        )
        item = meeting_services.agenda_add(actor=coordinator, meeting=meeting, referral=referral)
        for _ in range(2):
            action_services.action_add(
                actor=coordinator,
                item=item,
                agency=police,
                owner=partner,
                description="Tegevus",
                due_on=meeting.held_on,
            )


@pytest.mark.parametrize("who", ["coordinator", "partner"])
def test_marac_pages_do_not_grow_with_the_data(client, specialist, coordinator, partner, network, who):
    meeting = meeting_services.meetings_schedule(
        actor=coordinator, network=network, first_on=timezone.localdate() + timedelta(days=1), at=time(9), count=1
    )[0]
    login_verified(client, {"coordinator": coordinator, "partner": partner}[who])
    grow(specialist, coordinator, partner, network, meeting, 1)
    first = meeting.items.first().referral
    urls = [
        reverse("marac:case-list"),
        reverse("marac:meeting", args=[meeting.pk]),
        reverse("marac:case", args=[first.pk]),
        reverse("marac:my-actions") if who == "partner" else reverse("marac:network", args=[network.pk]),
        reverse("home"),
    ]
    small = [queries(client, url) for url in urls]
    grow(specialist, coordinator, partner, network, meeting, 4)
    assert [queries(client, url) for url in urls] == small
