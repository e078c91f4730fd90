"""Intake of a person and a case through the page: what is saved, and bad input that saves nothing."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from cases.models import Case, Person, SafeContact
from cases.services import cases as case_services
from tests.factories import make_case, make_person, set_rules
from tests.faults import form_fields

pytestmark = pytest.mark.django_db


def intake_data(specialist, **overrides):
    county = specialist.regions.first().counties.order_by("name").first()
    data = {
        "person-first_name": "Õie",
        "person-last_name": "Šmidt",
        "person-personal_code": "49403136515",
        "person-language": "et",
        "person-county": county.pk,
        "person-phone": "+372 5123 4567",
        "safe-phone_allowed": "on",
        "safe-in_person_allowed": "on",
        "safe-never_write_home": "on",
        "safe-safe_times": "9-16",
        "case-region": county.region_id,
        "case-county": county.pk,
        "case-responsible": specialist.pk,
        "case-opened_on": timezone.localdate().strftime("%d.%m.%Y"),
        "case-referral_source": "self",
        "case-incident_type": "domestic_violence",
        "case-risk_level": "high",
        "case-incident_date": (timezone.localdate() - timedelta(days=2)).strftime("%d.%m.%Y"),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_intake_creates_person_rules_and_case(client, specialist):
    client.force_login(specialist)
    response = client.post("/cases/new/", intake_data(specialist))
    assert response.status_code == 302, response.content.decode()[-3000:]
    case = Case.objects.get()
    assert response["Location"] == f"/cases/{case.pk}/"
    assert case.client.full_name == "Õie Šmidt" and case.client.sex == "F"
    assert case.responsible == specialist and case.risk_level == "high"
    rules = SafeContact.objects.get(person=case.client)
    assert rules.never_write_home and rules.phone_allowed and not rules.letter_allowed
    assert case.events.filter(kind="opened").exists()


@pytest.mark.parametrize(
    ("field", "value", "error_field"),
    [
        ("person-personal_code", "49403136510", "personal_code"),  # wrong check digit
        ("person-personal_code", "49413136515", "personal_code"),  # month 13
        ("case-incident_date", "01.01.2099", "incident_date"),
        ("case-opened_on", "31.02.2026", "opened_on"),
        ("case-referral_source", "police", "consent_at"),  # forwarded without a recorded consent
        ("case-proceedings_kind", "criminal", "proceedings_number"),
    ],
)
def test_bad_input_is_shown_at_the_field_and_saves_nothing(client, specialist, field, value, error_field):
    client.force_login(specialist)
    response = client.post("/cases/new/", intake_data(specialist, **{field: value}))
    assert response.status_code == 200
    forms = [response.context[name] for name in ("person_form", "safe_form", "case_form")]
    assert any(error_field in form.errors for form in forms if form is not None), [f.errors for f in forms]
    html = response.content.decode()
    assert "Palun parandage" in html or "Please correct" in html
    assert 'value="Õie"' in html  # what was typed is kept
    assert not Case.objects.exists() and not Person.objects.exists()


def test_a_forwarded_case_with_consent_is_accepted(client, specialist):
    client.force_login(specialist)
    data = intake_data(
        specialist,
        **{
            "case-referral_source": "police",
            "case-consent_given_by": "konstaabel Kask",
            "case-consent_at": (timezone.localtime() - timedelta(hours=3)).strftime("%d.%m.%Y %H:%M"),
            "case-consent_scope": "nimi, telefon",
        },
    )
    assert client.post("/cases/new/", data).status_code == 302
    assert Case.objects.get().consent_given_by == "konstaabel Kask"


def test_a_duplicate_is_shown_and_the_user_chooses(client, specialist):
    existing = make_case(specialist).client
    client.force_login(specialist)
    data = intake_data(specialist, **{"person-personal_code": existing.personal_code})
    response = client.post("/cases/new/", data)
    assert response.status_code == 200 and response.context["duplicates"] == [existing]
    assert Case.objects.count() == 1
    response = client.post("/cases/new/", {**data, "use_person": str(existing.pk)})
    assert response.status_code == 302
    assert Case.objects.filter(client=existing).count() == 2 and Person.objects.count() == 1


def test_a_duplicate_out_of_scope_is_not_revealed(client, specialist, outsider):
    hidden = make_case(outsider, region_code="louna").client
    client.force_login(specialist)
    data = intake_data(specialist, **{"person-personal_code": hidden.personal_code})
    response = client.post("/cases/new/", data)
    assert response.status_code == 302  # no warning: the other region's person stays unknown
    response = client.post("/cases/new/", {**data, "use_person": str(hidden.pk)})
    # Now the user sees the person they recorded with that code, never the other region's.
    assert response.status_code == 200 and hidden not in response.context["duplicates"]
    assert not Case.objects.filter(client=hidden).exclude(region__code="louna").exists()


def test_a_visible_person_with_the_same_code_is_never_recorded_twice(client, specialist, case):
    client.force_login(specialist)
    data = intake_data(specialist, **{"person-personal_code": case.client.personal_code})
    response = client.post("/cases/new/", {**data, "use_person": "new"})
    assert response.status_code == 200 and response.context["code_match"]
    assert Person.objects.count() == 1


def julia_janes(specialist):
    """A client recorded without a personal code."""
    person = make_person(
        specialist, first_name="Julia", last_name="Jänes", personal_code="", birth_date=date(1958, 9, 22)
    )
    return make_case(specialist, client=person).client


def test_a_duplicate_by_name_ignores_diacritics(client, specialist):
    existing = julia_janes(specialist)
    client.force_login(specialist)
    data = intake_data(
        specialist,
        **{
            "person-first_name": "Julia",
            "person-last_name": "Janes",
            "person-personal_code": "",
            "person-birth_date": "22.09.1958",
        },
    )
    response = client.post("/cases/new/", data)
    assert response.status_code == 200 and response.context["duplicates"] == [existing]


def test_a_new_case_for_a_known_person(client, specialist, case):
    client.force_login(specialist)
    data = {key: value for key, value in intake_data(specialist).items() if not key.startswith("person-")}
    response = client.post(f"/persons/{case.client_id}/cases/new/", data)
    assert response.status_code == 302
    assert Case.objects.filter(client=case.client).count() == 2


def test_every_error_is_reported_in_one_round_and_listed_as_a_link(client, specialist):
    """A missing name, a wrong personal code, a date in the future and a forwarded case without consent:
    all four at once (not the cross-field ones after the required ones), each a link to its field."""
    client.force_login(specialist)
    data = intake_data(
        specialist,
        **{
            "person-first_name": "",
            "person-personal_code": "49403136510",
            "case-incident_date": "01.01.2099",
            "case-referral_source": "police",
        },
    )
    response = client.post("/cases/new/", data)
    assert response.status_code == 200
    html = response.content.decode()
    summary = html[html.index('id="form-errors"') : html.index("</div>", html.index('id="form-errors"'))]
    for anchor in ("id_person-first_name", "id_person-personal_code", "id_case-incident_date", "id_case-consent_at"):
        assert f'href="#{anchor}"' in summary, anchor
        assert f'id="{anchor}"' in html, anchor  # the link leads to a field on the page
    assert summary.count("<li>") == 5  # the consent's two fields: when, and who forwarded the data
    assert not Case.objects.exists() and not Person.objects.exists()


@pytest.mark.parametrize("typed", ["01.11.2026", "1.11.2026", "01.11.26", "2026-11-01"])
def test_a_date_is_read_the_same_however_it_is_typed(client, specialist, typed):
    """dd.mm.yyyy, without leading zeros, with a two-digit year, or ISO as the browser's picker gives it."""
    client.force_login(specialist)
    response = client.post("/cases/new/", intake_data(specialist, **{"case-incident_date": typed}))
    assert response.status_code == 302
    assert Case.objects.get().incident_date == date(2026, 11, 1)


@pytest.mark.parametrize("typed", ["11/01/2026", "2026.11.01", "01.13.2026", "32.10.2026"])
def test_a_date_in_another_form_is_refused_not_guessed(client, specialist, typed):
    client.force_login(specialist)
    response = client.post("/cases/new/", intake_data(specialist, **{"case-incident_date": typed}))
    assert response.status_code == 200
    assert "incident_date" in response.context["case_form"].errors
    assert not Case.objects.exists()


# --- the intake in steps, as a browser sends it ---------------------------------------------------------


def step(client, url, page, go="next", **typed):
    """Post the page's form as a browser would: what it holds (hidden fields too), with `typed` over it."""
    data = {**form_fields(page.content.decode()), **typed, "go": go}
    return client.post(url, {key: value for key, value in data.items() if value is not None})


def typed(specialist, part):
    return {key: value for key, value in intake_data(specialist).items() if key.startswith(f"{part}-")}


def test_the_intake_goes_in_steps_and_keeps_what_was_typed(client, specialist):
    client.force_login(specialist)
    page = client.get("/cases/new/")
    assert page.context["step"] == "code" and page.context["visible"] == ["code"]
    assert 'name="person-first_name"' not in page.content.decode()

    page = step(client, "/cases/new/", page, **{"lookup-personal_code": "4940 3136 515"})
    assert page.context["step"] == "person"
    assert 'name="person-personal_code" value="49403136515"' in page.content.decode()  # looked up, carried on

    person = {**typed(specialist, "person"), "person-first_name": "Ольга"}
    page = step(client, "/cases/new/", page, **person)
    assert page.context["step"] == "safe"
    page = step(client, "/cases/new/", page, go="back")
    assert page.context["step"] == "person" and 'value="Ольга"' in page.content.decode()
    page = step(client, "/cases/new/", page)
    page = step(client, "/cases/new/", page, **typed(specialist, "safe"))
    assert page.context["step"] == "case" and page.context["is_last"]
    assert page.context["case_form"]["county"].value() == int(person["person-county"])  # the person's county
    answers = page.content.decode().split('id="answers-title"')[1].split("</section>")[0]  # checked before opening
    assert "Ольга" in answers and "9-16" in answers and "Telefonikõned lubatud" in answers and "domestic" not in answers
    # Back twice and forward again: every step's answers are still there, none of them saved yet.
    page = step(client, "/cases/new/", step(client, "/cases/new/", page, go="back"), go="back")
    assert page.context["step"] == "person" and not Person.objects.exists()
    page = step(client, "/cases/new/", step(client, "/cases/new/", page))
    assert page.context["step"] == "case" and 'id="form-errors"' not in page.content.decode()  # not judged yet

    response = step(client, "/cases/new/", page, go="finish", **typed(specialist, "case"))
    assert response.status_code == 302, response.context and response.context["case_form"].errors
    case = Case.objects.get()
    assert case.client.first_name == "Ольга" and case.client.personal_code == "49403136515"
    assert case.risk_level == "high" and SafeContact.objects.get(person=case.client).never_write_home


def test_a_step_is_checked_before_the_next_one_opens(client, specialist):
    client.force_login(specialist)
    page = client.get("/cases/new/")
    page = step(client, "/cases/new/", page, **{"lookup-personal_code": "49403136510"})  # wrong check digit
    assert page.context["step"] == "code" and 'href="#id_lookup-personal_code"' in page.content.decode()
    page = step(client, "/cases/new/", page, **{"lookup-personal_code": ""})  # a person without a code
    assert page.context["step"] == "person"
    page = step(client, "/cases/new/", page, **{**typed(specialist, "person"), "person-first_name": ""})
    html = page.content.decode()
    assert page.context["step"] == "person" and 'href="#id_person-first_name"' in html
    assert not Person.objects.exists()


def test_a_recorded_personal_code_leads_to_that_persons_intake_with_their_rules_and_open_cases(
    client, specialist, case
):
    person = case.client
    set_rules(specialist, person, code_word="Sinilill", phone_allowed=True)
    client.force_login(specialist)
    page = step(client, "/cases/new/", client.get("/cases/new/"), **{"lookup-personal_code": person.personal_code})
    assert page.context["step"] == "code" and page.context["duplicates"] == [person] and page.context["lookup"]
    response = step(client, "/cases/new/", page)  # the person found is chosen
    assert response["Location"] == f"/persons/{person.pk}/cases/new/"
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.context["step"] == "case" and page.context["steps"] == [("case", "Juhtum")]
    assert f'href="/cases/{case.pk}/"' in html and case.reference in html  # the open case, linked
    assert "Sinilill" in html and 'name="safe-' not in html  # the recorded rules, shown and not asked again
    response = step(client, response["Location"], page, **typed(specialist, "case"))
    assert response.status_code == 302 and Case.objects.filter(client=person).count() == 2
    assert SafeContact.objects.get(person=person).code_word == "Sinilill"


def test_the_lookup_never_reveals_a_person_out_of_scope(client, specialist, outsider):
    hidden = make_case(outsider, region_code="louna").client
    client.force_login(specialist)
    page = step(client, "/cases/new/", client.get("/cases/new/"), **{"lookup-personal_code": hidden.personal_code})
    assert page.context["step"] == "person" and not page.context.get("duplicates")


def test_the_last_step_checks_every_step_again(client, specialist):
    """A last step posted without the earlier steps' answers (an old page, a forged post) opens nothing:
    the missing step is shown to be filled in."""
    client.force_login(specialist)
    data = {**typed(specialist, "case"), "step": "case", "seen": "case", "go": "finish"}
    page = client.post("/cases/new/", data)
    assert page.status_code == 200 and page.context["step"] == "person"
    assert "A step was not filled in" in page.content.decode() or "Üks samm on täitmata" in page.content.decode()
    assert 'name="case-risk_level" value="high"' in page.content.decode()  # the case step is kept
    assert not Case.objects.exists()


def test_a_case_step_typed_before_the_person_turned_out_to_be_recorded_goes_with_them(client, specialist, case):
    client.force_login(specialist)
    page = step(client, "/cases/new/", client.get("/cases/new/"))
    page = step(client, "/cases/new/", page, **typed(specialist, "person"))
    page = step(client, "/cases/new/", page, **typed(specialist, "safe"))
    page = step(client, "/cases/new/", page, go="back", **{**typed(specialist, "case"), "case-summary": "Kõne öösel"})
    page = step(client, "/cases/new/", step(client, "/cases/new/", page, go="back"), go="back")
    assert page.context["step"] == "code" and page.context["code_form"]["personal_code"].value() == "49403136515"
    # The code was another's: the person is recorded after all.
    found = step(client, "/cases/new/", page, **{"lookup-personal_code": case.client.personal_code})
    response = step(client, "/cases/new/", found)
    assert response["Location"] == f"/persons/{case.client_id}/cases/new/"
    assert "Kõne öösel" not in response["Location"]
    page = client.get(response["Location"])
    assert page.context["case_form"]["summary"].value() == "Kõne öösel"


def test_a_choice_no_longer_offered_chooses_nobody(client, specialist):
    existing = julia_janes(specialist)
    client.force_login(specialist)
    person = {**typed(specialist, "person"), "person-first_name": "Julia", "person-last_name": "Jänes"}
    person |= {"person-personal_code": "", "person-birth_date": "22.09.1958"}
    page = step(client, "/cases/new/", step(client, "/cases/new/", client.get("/cases/new/")), **person)
    assert page.context["duplicates"] == [existing]
    # The name was mistyped: corrected, the person offered before is no longer among those of that name.
    page = step(client, "/cases/new/", page, **{"person-last_name": "Jänesmäe", "use_person": str(existing.pk)})
    assert page.status_code == 200 and page.context["step"] == "safe"


def test_a_sealed_clients_intake_asks_for_the_reason_first(client, manager, specialist):
    sealed = make_case(specialist)
    case_services.case_set_sealed(actor=manager, case=sealed, sealed=True, reason="Klient on politseinik")
    client.force_login(manager)
    found = step(
        client, "/cases/new/", client.get("/cases/new/"), **{"lookup-personal_code": sealed.client.personal_code}
    )
    assert found.context["lookup"] and sealed.client.last_name not in found.content.decode()
    response = step(client, "/cases/new/", found)
    page = client.get(response["Location"], follow=True)
    html = page.content.decode()
    assert sealed.client.last_name not in html and sealed.client.first_name not in html
    assert 'name="reason"' in html and "case_form" not in page.context  # the sealed case's reason page
