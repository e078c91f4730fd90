"""Keyset paging: "next" and "previous" continue after the row last shown, whatever the sort, so a
deep page costs what the second does; nothing but a row id goes into the address."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from cases.models import Case
from tests.factories import make_case, make_person, make_user
from victimsupport.paging import paginate, seek_keys

NEXT = re.compile(r'<a href="\?([^"]*)" rel="next">')
PREVIOUS = re.compile(r'<a href="\?([^"]*)" rel="prev">')
CASE_LINK = re.compile(r'<td class="nowrap" data-label="[^"]*"><a href="/cases/(\d+)/">')


@pytest.fixture
def many_cases(specialist, colleague, manager):
    names = ["Tamm", "Saar", "Mägi", "Kask", "Sepp", "Ilves", "Kukk"]
    today = timezone.localdate()
    for index in range(57):
        client = make_person(specialist, last_name=names[index % len(names)], first_name=f"Eesnimi{index % 4}")
        make_case(
            specialist if index % 3 else manager,  # only a manager makes someone else responsible
            client=client,
            opened_on=today - timedelta(days=index % 6),  # many ties: the id decides
            responsible=specialist if index % 3 else colleague,
        )
    return Case.objects.filter(region__code="pohja")


def walk(client, start: str, link=NEXT) -> tuple[list[int], list[str]]:
    """Follow the pager's links from `start` to the end: the case ids in order, and the addresses."""
    seen, addresses, address = [], [], start
    for _ in range(20):
        response = client.get(f"/cases/?{address}")
        assert response.status_code == 200
        page = response.content.decode()
        seen += [int(number) for number in CASE_LINK.findall(page)]
        addresses.append(address)
        found = link.search(page)
        if not found:
            break
        address = html.unescape(found.group(1))
    return seen, addresses


@pytest.mark.parametrize(
    ("sort", "ordering"),
    [
        ("", ("-opened_on", "-id")),
        ("client", ("sealed", "client__last_name", "client__first_name", "id")),
        ("-client", ("sealed", "-client__last_name", "-client__first_name", "-id")),
        ("status", ("status", "-opened_on", "-id")),
        ("-county", ("-county__name", "-opened_on", "-id")),
    ],
)
def test_next_links_walk_every_case_once_in_order(client, manager, specialist, many_cases, sort, ordering):
    client.force_login(manager)  # a specialist starts from their own cases
    expected = list(many_cases.order_by(*ordering).values_list("pk", flat=True))
    seen, addresses = walk(client, f"sort={sort}" if sort else "")
    assert seen == expected
    assert len(addresses) == 3  # 25 + 25 + 7
    # Later pages continue after a row id; the sort stays, and no name or date is in the address.
    assert all(re.fullmatch(r"(sort=-?\w+&)?page=\d+&after=\d+", address) for address in addresses[1:])


def test_previous_links_walk_back_to_the_first_page(client, manager, specialist, many_cases):
    client.force_login(manager)  # a specialist starts from their own cases
    forward, addresses = walk(client, "")
    backward, back_addresses = walk(client, addresses[-1], link=PREVIOUS)
    pages = [forward[0:25], forward[25:50], forward[50:]]
    assert backward == pages[2] + pages[1] + pages[0]
    assert back_addresses[-1] == ""  # the first page is the plain list again
    response = client.get(f"/cases/?{back_addresses[1]}")
    assert "Read 26–50" in response.content.decode()  # Estonian for "Rows 26 to 50"


def test_sort_on_a_column_that_may_be_empty_pages_by_number(client, manager, specialist, colleague, many_cases):
    Case.objects.filter(pk=many_cases.order_by("pk").first().pk).update(responsible=None)
    client.force_login(manager)  # a specialist starts from their own cases
    seen, addresses = walk(client, "sort=responsible")
    assert sorted(seen) == sorted(many_cases.values_list("pk", flat=True))
    assert len(seen) == len(set(seen))
    assert addresses[1:] == ["sort=responsible&page=2", "sort=responsible&page=3"]


def test_a_row_the_user_may_not_see_gives_nothing_away(client, manager, specialist, many_cases):
    outsider = make_user("specialist", "louna")
    hidden = make_case(outsider, region_code="louna", opened_on=timezone.localdate() - timedelta(days=2))
    client.force_login(manager)  # a specialist starts from their own cases
    by_number = client.get("/cases/?page=2").content.decode()
    with_hidden_cursor = client.get(f"/cases/?page=2&after={hidden.pk}").content.decode()
    assert CASE_LINK.findall(with_hidden_cursor) == CASE_LINK.findall(by_number)
    for nonsense in ("abc", "-5", "99999999999999999999999", ""):
        response = client.get(f"/cases/?page=2&after={nonsense}&before={nonsense}")
        assert response.status_code == 200
        assert CASE_LINK.findall(response.content.decode()) == CASE_LINK.findall(by_number)


def test_seek_keys_only_for_orderings_without_empty_values(db):
    cases = Case.objects.all()
    assert seek_keys(cases.order_by("-opened_on", "-id")) == [("opened_on", True), ("id", True)]
    assert seek_keys(cases.order_by("client__last_name", "pk")) == [("client__last_name", False), ("pk", False)]
    assert seek_keys(cases.order_by("responsible__last_name", "id")) is None  # responsible may be empty
    assert seek_keys(cases.order_by("closed_on", "id")) is None  # may be empty
    assert seek_keys(cases.order_by("-opened_on")) is None  # not unique: no place to continue from
    assert seek_keys(cases.order_by("client", "id")) is None  # a relation sorts by its own ordering


def test_a_bare_page_number_still_works(specialist, many_cases):
    ordered = Case.objects.order_by("-opened_on", "-id")
    page = paginate(ordered, "3")
    assert [case.pk for case in page.items] == list(ordered.values_list("pk", flat=True)[50:75])
    assert page.number == 3 and page.has_previous and not page.has_next
    assert page.previous_query == f"page=2&before={page.items[0].pk}"
