"""Two users editing the same case or person: the second is told, sees the other's values, and nothing is
overwritten silently."""

import pytest

from cases.models import Case, Person

pytestmark = pytest.mark.django_db


def case_form(case, **changes):
    data = {
        "version": case.version,
        "county": case.county_id,
        "opened_on": case.opened_on.strftime("%d.%m.%Y"),
        "referral_source": case.referral_source,
        "incident_type": case.incident_type,
        "risk_level": case.risk_level,
        "summary": case.summary,
    }
    data.update(changes)
    return data


def test_a_concurrent_case_edit_is_refused_with_the_other_users_values(client, specialist, manager, case):
    stale = case_form(case, summary="Minu kokkuvõte")
    client.force_login(manager)
    assert client.post(f"/cases/{case.pk}/edit/", case_form(case, risk_level="high")).status_code == 302
    client.force_login(specialist)
    response = client.post(f"/cases/{case.pk}/edit/", stale)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Minu kokkuvõte" in html  # what I typed is kept
    assert response.context["conflict"]
    stored = Case.objects.get(pk=case.pk)
    assert stored.risk_level == "high" and stored.summary == ""  # the first save stands
    # Saving again from the refreshed form (new version) works.
    retry = case_form(stored, summary="Minu kokkuvõte")
    assert client.post(f"/cases/{case.pk}/edit/", retry).status_code == 302
    assert Case.objects.get(pk=case.pk).summary == "Minu kokkuvõte"


def test_a_concurrent_person_edit_is_refused(client, specialist, manager, case):
    person = case.client

    def data(**changes):
        base = {
            "version": person.version,
            "first_name": person.first_name,
            "last_name": person.last_name,
            "personal_code": person.personal_code,
            "language": "et",
        }
        base.update(changes)
        return base

    stale = data(phone="+372 5000 0001")
    client.force_login(manager)
    assert client.post(f"/persons/{person.pk}/edit/", data(phone="+372 5999 9999")).status_code == 302
    client.force_login(specialist)
    response = client.post(f"/persons/{person.pk}/edit/", stale)
    assert response.status_code == 409
    assert Person.objects.get(pk=person.pk).phone == "+372 5999 9999"
