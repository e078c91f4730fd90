"""The claims list and the claim page run a fixed number of queries whatever the number of rows."""

from decimal import Decimal

import pytest

from tests.compensation.test_claims import add_item, open_claim
from tests.factories import make_case
from tests.querycount import page_queries

pytestmark = pytest.mark.django_db

BUDGET = {"claim-list": 10, "claim-detail": 20}  # raise one only with a reason in the commit message


queries = page_queries


def test_the_claims_list_and_a_claim_do_not_grow_with_the_data(client, specialist):
    claim = open_claim(specialist, make_case(specialist))
    add_item(specialist, claim)
    client.force_login(specialist)
    few = (queries(client, "/compensation/"), queries(client, f"/compensation/claims/{claim.pk}/"))
    for number in range(6):
        other = open_claim(specialist, make_case(specialist), proceedings_number=f"P-{number}")
        add_item(specialist, other, claimed=str(Decimal("100") + number))
        add_item(specialist, claim, kind="aids", claimed="10.00")
    many = (queries(client, "/compensation/"), queries(client, f"/compensation/claims/{claim.pk}/"))
    assert many == few, (few, many)
    assert many[0] <= BUDGET["claim-list"] and many[1] <= BUDGET["claim-detail"], many
