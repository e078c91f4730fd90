"""The invoice list and the aid applications' list run a fixed number of queries whatever the number of
rows (pinned here, as the case pages are in tests/cases/test_query_counts.py)."""

import pytest

from tests.factories import make_aid, make_case, make_invoice, make_referral
from tests.querycount import page_queries

pytestmark = pytest.mark.django_db

BUDGET = {"invoice-list": 7, "aid-applications": 8}  # raise one only with a reason in the commit message


queries = page_queries


def add_invoiced_aid(specialist, organiser, provider, number: int) -> None:
    case = make_case(specialist)
    referral = make_referral(specialist, make_aid(specialist, case)[2], provider)
    make_invoice(organiser, referral, number=f"Q-{number}")


@pytest.mark.parametrize("who", ["organiser", "manager"])
def test_the_invoice_and_aid_lists_do_not_grow_with_the_data(client, specialist, manager, organiser, provider, who):
    add_invoiced_aid(specialist, organiser, provider, 0)
    client.force_login(organiser if who == "organiser" else manager)
    pages = ["/referrals/invoices/", "/aid/"] if who == "manager" else ["/referrals/invoices/"]
    few = [queries(client, url) for url in pages]
    for number in range(1, 6):
        add_invoiced_aid(specialist, organiser, provider, number)
    many = [queries(client, url) for url in pages]
    assert many == few, (few, many)
    assert many[0] <= BUDGET["invoice-list"], many
    if who == "manager":
        assert many[1] <= BUDGET["aid-applications"], many
