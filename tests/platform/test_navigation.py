"""The main navigation: each role's entries, the rarely used ones under "More"."""

import pytest
from django.test import RequestFactory
from django.utils.translation import override

from tests.factories import make_user
from victimsupport.context_processors import shell

pytestmark = pytest.mark.django_db


def bar(user, path="/"):
    request = RequestFactory().get(path)
    request.user = user
    with override("en"):
        context = shell(request)
        main = [str(item["label"]) for item in context["nav_items"] if not item["more"]]
        more = [str(item["label"]) for item in context["nav_more"]]
    return main, more, context["nav_more_current"]


def test_a_role_sees_its_daily_pages_in_the_bar_and_the_rest_under_more():
    main, more, _current = bar(make_user("regional_manager", "pohja"))
    assert main[:2] == ["Start", "Cases"] and "MARAC" in main and "Volunteers" in main
    assert {"New case", "Access log", "Invoices", "Mediation"} <= set(more)
    main, more, _current = bar(make_user("specialist", "pohja"))
    assert "New case" in main and "Providers" in more
    main, more, _current = bar(make_user("service_organiser", "pohja"))
    assert {"Invoices", "Payments", "Providers"} <= set(main) and {"Budget", "Prevention"} <= set(more)


def test_an_entry_stays_in_the_bar_for_a_role_that_uses_it_daily():
    """A manager who is also the region's service organiser has the invoices in the bar."""
    user = make_user("regional_manager", "pohja")
    user.groups.add(*make_user("service_organiser", "pohja").groups.all())
    user.__dict__.pop("roles", None)  # read again
    main, more, _current = bar(user)
    assert "Invoices" in main and "Invoices" not in more


def test_more_is_marked_when_the_page_is_one_of_its_entries():
    assert bar(make_user("regional_manager", "pohja"), "/access-log/")[2] is True
    assert bar(make_user("regional_manager", "pohja"), "/cases/")[2] is False
