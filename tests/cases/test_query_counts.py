"""List and detail pages run a fixed number of SQL queries whatever the data size (pinned here)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.choices import PartyRole
from cases.services import cases as case_services
from cases.services import work as work_services
from tests.factories import make_application, make_case, make_person
from tests.querycount import counted_page

pytestmark = pytest.mark.django_db

# The pinned budgets: raise one only with a reason in the commit message.
BUDGET = {
    "case-list": 4,
    "case-detail": 12,  # and one query per kind of timeline entry shown
    "person-detail": 9,
    "person-search": 4,
    "start-specialist": 10,
    "start-manager": 10,
    "timeline-page": 6,  # and one query per kind of timeline entry shown
    "aid-list": 5,
}


def queries(client, method, url, data=None) -> int:
    """The page's queries; on a page with a timeline, without its one query per kind of entry shown (a
    page of notes alone loads only notes): the rest must not grow with the data."""
    count, response = counted_page(client, url, method=method, data=data)
    entries = (response.context or {}).get("entries") if response.context else None
    return count - len({entry.kind for entry in entries or ()})


def grow_case(specialist, case, size: int) -> None:
    # Each round's contact, note, task and plan item follow each other in time, so every page of the
    # timeline shows all four kinds (it loads one kind per query) with little data and with much.
    for index in range(size):
        work_services.contact_add(
            actor=specialist,
            case=case,
            happened_at=timezone.now(),
            duration_minutes=30,
            channel="phone",
            kind="counselling",
        )
        work_services.note_add(actor=specialist, case=case, text=f"märge {index}", restricted=index % 2 == 0)
        work_services.task_add(
            actor=specialist,
            case=case,
            title=f"ülesanne {index}",
            assigned_to=specialist,
            due_on=timezone.localdate() - timedelta(days=index % 3),
        )
        work_services.plan_item_add(actor=specialist, case=case, kind="goal", text=f"eesmärk {index}")
    for index in range(min(size, 3)):
        party = make_person(specialist, first_name=f"Pereliige{index}")
        case_services.case_add_party(actor=specialist, case=case, person=party, role=PartyRole.FAMILY_MEMBER)


@pytest.mark.parametrize("page", ["case-list", "case-detail", "person-detail", "person-search", "timeline-page"])
def test_queries_do_not_grow_with_the_data(client, specialist, page):
    case = make_case(specialist, client=make_person(specialist, last_name="Kask"))
    client.force_login(specialist)
    requests = {
        "case-list": ("get", "/cases/", None),
        "case-detail": ("get", f"/cases/{case.pk}/", None),
        "person-detail": ("get", f"/persons/{case.client_id}/", None),
        "person-search": ("post", "/persons/search/", {"query": "Kask"}),
        "timeline-page": ("get", f"/cases/{case.pk}/timeline/?page=2", None),
    }
    method, url, data = requests[page]
    grow_case(specialist, case, 15 if page == "timeline-page" else 2)  # a page 2 of the timeline
    small = queries(client, method, url, data)
    grow_case(specialist, case, 40)
    for _ in range(30):
        make_case(specialist, client=make_person(specialist, last_name="Kask"))
    large = queries(client, method, url, data)
    assert small == large, f"{page}: {small} queries with little data, {large} with more"
    assert large <= BUDGET[page], f"{page}: {large} queries, budget {BUDGET[page]}"


@pytest.mark.parametrize("who", ["specialist", "manager"])
def test_start_pages_run_a_fixed_number_of_queries(client, specialist, colleague, manager, who, monkeypatch):
    # The count pinned is the cold one: the manager's team figures are not kept between the requests.
    monkeypatch.setattr("cases.selectors.TEAM_WORKLOAD_SECONDS", 0)
    case = make_case(specialist)
    user = specialist if who == "specialist" else manager
    client.force_login(user)
    grow_case(specialist, case, 2)
    small = queries(client, "get", "/")
    for _ in range(10):
        grow_case(colleague, make_case(colleague), 2)
    grow_case(specialist, case, 10)
    large = queries(client, "get", "/")
    assert small == large
    assert large <= BUDGET[f"start-{who}"], large


def test_the_aid_list_reads_the_page_in_a_fixed_number_of_queries(client, specialist, colleague, manager):
    """One query for the page's applicants' sealing, not one per row; a sealed case's applicant stays hidden."""
    client.force_login(manager)
    make_application(specialist, make_case(specialist))
    small = queries(client, "get", "/aid/?scope=region")
    for actor in (specialist, colleague) * 8:
        make_application(actor, make_case(actor, client=make_person(actor, first_name="Ülle", last_name="Шмидт")))
    sealed = make_case(colleague, client=make_person(colleague, first_name="Salajane", last_name="Klient"))
    case_services.case_set_sealed(actor=manager, case=sealed, sealed=True, reason="Klient on politseinik")
    make_application(colleague, sealed)
    # Her application in an open case of her own: still not named, she is the client of a sealed case.
    make_application(colleague, make_case(colleague, client=sealed.client))
    large, response = counted_page(client, "/aid/?scope=region")
    assert small == large <= BUDGET["aid-list"], (small, large)
    html = response.content.decode()
    assert html.count("Ülle Шмидт") == 16 and "Salajane" not in html
    assert html.count("piiratud juurdepääsuga juhtumi klient") == 2
