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


def test_a_concurrent_case_edit_is_refused_and_merged_for_checking(client, specialist, manager, case):
    stale = case_form(case, summary="Minu kokkuvõte")
    client.force_login(manager)
    assert client.post(f"/cases/{case.pk}/edit/", case_form(case, risk_level="high")).status_code == 302
    client.force_login(specialist)
    response = client.post(f"/cases/{case.pk}/edit/", stale)
    assert response.status_code == 409
    stored = Case.objects.get(pk=case.pk)
    assert stored.risk_level == "high" and stored.summary == ""  # nothing of mine saved yet; theirs stands
    form = response.context["form"]
    assert form.initial["summary"] == "Minu kokkuvõte"  # what I typed is kept
    assert form.initial["risk_level"] == "high"  # what they changed (and I did not touch) is not undone
    assert form.initial["version"] == stored.version
    assert response.context["conflict"] == []  # we changed different fields
    retry = case_form(stored, summary="Minu kokkuvõte")
    assert client.post(f"/cases/{case.pk}/edit/", retry).status_code == 302
    saved = Case.objects.get(pk=case.pk)
    assert (saved.summary, saved.risk_level) == ("Minu kokkuvõte", "high")


def test_the_same_field_changed_by_both_is_a_conflict_shown_side_by_side(client, specialist, manager, case):
    stale = case_form(case, risk_level="medium")
    client.force_login(manager)
    client.post(f"/cases/{case.pk}/edit/", case_form(case, risk_level="high"))
    client.force_login(specialist)
    response = client.post(f"/cases/{case.pk}/edit/", stale)
    assert response.status_code == 409
    [(_label, mine, theirs)] = response.context["conflict"]
    assert (mine, str(theirs)) == ("medium", "kõrge")


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
