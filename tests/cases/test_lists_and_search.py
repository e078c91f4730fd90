"""Case lists with filters, sorting and paging; person search by name and code; the person's cases."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from cases.services import work as work_services
from tests.factories import make_case, make_person
from victimsupport.models import AccessLogEntry

pytestmark = pytest.mark.django_db


def refs(response):
    return [case.pk for case in response.context["page"].items]


def test_my_cases_and_the_regions_cases(client, specialist, colleague, outsider):
    mine = make_case(specialist)
    theirs = make_case(colleague)
    make_case(outsider, region_code="louna")
    client.force_login(specialist)
    assert set(refs(client.get("/cases/", {"scope": "mine"}))) == {mine.pk}
    assert set(refs(client.get("/cases/", {"scope": "region"}))) == {mine.pk, theirs.pk}
    assert set(refs(client.get("/cases/", {"scope": "all"}))) == {mine.pk, theirs.pk}


def test_a_specialist_starts_from_their_own_cases_and_a_manager_from_all(client, specialist, colleague, manager):
    mine = make_case(specialist)
    theirs = make_case(colleague)
    client.force_login(specialist)
    response = client.get("/cases/")
    assert refs(response) == [mine.pk]
    assert 'value="mine" selected' in response.content.decode()  # the list says what it shows
    assert refs(client.get("/cases/", {"page": 1})) == [mine.pk]  # and keeps to it from page to page
    # A colleague chosen by name shows their cases, not "mine and theirs" (which is none).
    assert refs(client.get("/cases/", {"responsible": colleague.pk})) == [theirs.pk]
    client.force_login(manager)
    assert set(refs(client.get("/cases/"))) == {mine.pk, theirs.pk}


def test_filters(client, specialist, colleague):
    today = timezone.localdate()
    old = make_case(specialist, opened_on=today - timedelta(days=60), incident_type="property")
    new = make_case(colleague, opened_on=today - timedelta(days=2))
    work_services.task_add(
        actor=specialist, case=old, title="x", assigned_to=specialist, due_on=today - timedelta(days=1)
    )
    client.force_login(specialist)
    assert refs(client.get("/cases/", {"incident_type": "property"})) == [old.pk]
    assert refs(client.get("/cases/", {"responsible": colleague.pk})) == [new.pk]
    assert refs(client.get("/cases/", {"overdue": "on"})) == [old.pk]
    span = {"opened_from": (today - timedelta(days=10)).strftime("%d.%m.%Y"), "opened_to": today.strftime("%d.%m.%Y")}
    assert refs(client.get("/cases/", {**span, "scope": "all"})) == [new.pk]
    assert refs(client.get("/cases/", {"status": "closed"})) == []
    assert set(refs(client.get("/cases/", {"county": old.county_id, "scope": "all"}))) == {old.pk, new.pk}


def test_a_bad_filter_says_so_and_shows_all(client, specialist, case):
    client.force_login(specialist)
    response = client.get("/cases/", {"opened_from": "40.40.2026"})
    assert response.status_code == 200 and "opened_from" in response.context["form"].errors


def test_sorting_and_paging(client, specialist):
    today = timezone.localdate()
    cases = [
        make_case(
            specialist,
            opened_on=today - timedelta(days=index),
            client=make_person(specialist, last_name=f"Nimi{index:02d}"),
        )
        for index in range(30)
    ]
    client.force_login(specialist)
    first = client.get("/cases/")
    assert refs(first) == [case.pk for case in cases[:25]] and first.context["page"].has_next
    assert refs(client.get("/cases/", {"page": 2})) == [case.pk for case in cases[25:]]
    by_name = refs(client.get("/cases/", {"sort": "-client"}))
    assert by_name[0] == cases[29].pk
    assert refs(client.get("/cases/", {"sort": "nonsense"}))[0] == cases[0].pk
    assert client.get("/cases/", {"page": "x"}).status_code == 200


def test_listing_is_logged_with_the_persons_shown(client, specialist, case):
    client.force_login(specialist)
    client.get("/cases/")
    entry = AccessLogEntry.objects.get(action="list")
    assert entry.person_ids == [case.client_id]


def test_search_by_name_forgives_diacritics_and_typos(client, specialist):
    make_case(specialist, client=make_person(specialist, first_name="Õie", last_name="Šmidt-Jõgi"))
    other = make_case(specialist, client=make_person(specialist, first_name="Jüri", last_name="Tamm")).client
    client.force_login(specialist)
    for query in ("Õie Šmidt", "oie smidt", "Oie Shmidt", "Smidt-Jogi", "šmit"):
        results = client.post("/persons/search/", {"query": query}).context["results"]
        assert [person.first_name for person in results][:1] == ["Õie"], query
    assert other not in client.post("/persons/search/", {"query": "Õie"}).context["results"]


def test_search_by_personal_code_goes_by_post_and_never_in_the_address(client, specialist, outsider):
    person = make_case(specialist, client=make_person(specialist, personal_code="37605030299")).client
    make_case(outsider, region_code="louna", client=make_person(outsider, personal_code="49403136515"))
    client.force_login(specialist)
    response = client.post("/persons/search/", {"query": "376 0503 0299"})
    assert response.context["results"] == [person]
    assert client.post("/persons/search/", {"query": "49403136515"}).context["results"] == []  # out of scope
    assert all("37605030299" not in entry.path for entry in AccessLogEntry.objects.filter(action="search"))
    bad = client.post("/persons/search/", {"query": "37605030290"})
    assert bad.status_code == 400 and "query" in bad.context["form"].errors
    assert client.get("/persons/search/", {"query": "37605030299"}).context.get("results") is None


def test_the_persons_page_lists_the_cases_the_user_may_see(client, specialist, outsider):
    person = make_person(specialist, personal_code="37605030299")
    mine = make_case(specialist, client=person)
    theirs = make_case(outsider, region_code="louna", client=make_person(outsider, first_name="X"))
    from cases.services import cases as case_services

    case_services.case_add_party(actor=outsider, case=theirs, person=person, role="witness")
    client.force_login(specialist)
    response = client.get(f"/persons/{person.pk}/")
    assert [case.pk for case in response.context["cases"]] == [mine.pk]


def test_search_by_name_shows_the_names_holding_every_word_and_offers_those_spelled_alike(client, specialist):
    exact = make_case(specialist, client=make_person(specialist, first_name="Maie", last_name="Šmidt")).client
    alike = make_case(specialist, client=make_person(specialist, first_name="Maie", last_name="Schmidt")).client
    client.force_login(specialist)
    response = client.post("/persons/search/", {"query": "maie smidt"})
    assert response.context["results"] == [exact]
    assert "Näita ka sarnase kirjapildiga nimesid" in response.content.decode()
    response = client.post("/persons/search/", {"query": "maie smidt", "similar": "on"})
    assert response.context["results"] == [exact, alike]  # the closest first
    assert "Näita ka sarnase kirjapildiga nimesid" not in response.content.decode()
    # A name holding no word as typed goes to the names spelled alike at once, without asking.
    response = client.post("/persons/search/", {"query": "maie shmidt"})
    assert set(response.context["results"]) == {exact, alike}
    assert "Näita ka sarnase kirjapildiga nimesid" not in response.content.decode()
    # The words may come in any order.
    assert client.post("/persons/search/", {"query": "Šmidt Maie"}).context["results"][0] == exact


def search(client, typed: str, **filters):
    """The search box: typed by POST, the list at the address the answer leads to."""
    response = client.post("/cases/search/", {"query": typed})
    assert response.status_code == 302
    return client.get(response["Location"] + "".join(f"&{key}={value}" for key, value in filters.items()))


def test_the_case_list_finds_a_case_by_number_name_or_personal_code(client, specialist, colleague):
    mari = make_case(specialist, client=make_person(specialist, first_name="Mari", last_name="Õunapuu"))
    jaan = make_case(colleague, client=make_person(colleague, first_name="Jaan", last_name="Tamm"))
    client.force_login(specialist)
    for typed in (f"J-{jaan.pk}", f"j{jaan.pk}", str(jaan.pk)):
        assert refs(search(client, typed)) == [jaan.pk], typed
    assert refs(search(client, "ounapuu mari")) == [mari.pk]  # any order, without õ
    assert refs(search(client, mari.client.personal_code)) == [mari.pk]
    assert refs(search(client, "Mari Tamm")) == []  # every word must match
    assert refs(search(client, "tamm", scope="mine")) == []  # with the other filters


def test_no_name_or_personal_code_is_ever_in_the_lists_address(client, specialist):
    case = make_case(specialist, client=make_person(specialist, first_name="Mari", last_name="Õunapuu"))
    client.force_login(specialist)
    for typed in ("Õunapuu", case.client.personal_code):
        response = client.post("/cases/search/", {"query": typed})
        location = response["Location"]
        assert typed not in location and "unapuu" not in location and location.startswith("/cases/?search=")
        page = client.get(location)
        assert refs(page) == [case.pk]
        html = page.content.decode()
        # The sort and page links carry the token, not the text typed.
        assert "query=" not in html and f"search={location.split('=')[1]}" in html


def test_a_search_token_is_the_sessions_own(client, specialist, colleague):
    make_case(specialist, client=make_person(specialist, first_name="Mari", last_name="Õunapuu"))
    client.force_login(specialist)
    location = client.post("/cases/search/", {"query": "Õunapuu"})["Location"]
    client.force_login(colleague)  # another session: the token means nothing there, the plain list shows
    response = client.get(location)
    assert response.context["searched"] == "" and refs(response) == refs(client.get("/cases/", {"scope": "mine"}))
    assert len(refs(client.get(location + "&scope=all"))) == 1


def test_a_name_does_not_find_the_client_of_a_sealed_case_but_the_number_does(client, specialist, colleague):
    sealed = make_case(colleague, client=make_person(colleague, first_name="Salme", last_name="Peidus"))
    sealed.sealed = True
    sealed.save(update_fields=["sealed"])
    client.force_login(specialist)
    assert refs(search(client, "Peidus")) == []
    assert refs(search(client, sealed.client.personal_code)) == []
    assert refs(search(client, f"J-{sealed.pk}")) == [sealed.pk]


def test_a_too_short_search_says_so(client, specialist, case):
    client.force_login(specialist)
    response = client.post("/cases/search/", {"query": "M"}, follow=True)
    assert "Type at least two letters or digits." in response.content.decode() or "vähemalt kaks" in (
        response.content.decode()
    )


def test_a_person_search_shows_the_client_of_a_sealed_case_without_name_or_birth_date(client, specialist, colleague):
    hidden = make_person(colleague, first_name="Salme", last_name="Peidus", birth=date(1980, 5, 17))
    sealed = make_case(colleague, client=hidden)
    sealed.sealed = True
    sealed.save(update_fields=["sealed"])
    shown = make_person(specialist, first_name="Мария", last_name="Peidus-Иванова", birth=date(1975, 1, 2))
    make_case(specialist, client=shown)
    client.force_login(specialist)
    html = client.post("/persons/search/", {"query": hidden.personal_code}).content.decode()
    assert "Piiratud juurdepääsuga juhtumi klient" in html and f"/persons/{hidden.pk}/" in html
    assert "Salme" not in html and "17.05.1980" not in html
    html = client.post("/persons/search/", {"query": "Peidus-Иванова"}).content.decode()
    assert "Мария Peidus-Иванова" in html and "02.01.1975" in html and f'href="/persons/{shown.pk}/"' in html
