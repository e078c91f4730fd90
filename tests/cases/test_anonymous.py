"""Anonymous contacts: no personal data, counted, and turned into a case when the person agrees."""

import pytest
from django.utils import timezone

from cases.models import AnonymousContact, Case

pytestmark = pytest.mark.django_db


def test_recording_an_anonymous_contact_and_turning_it_into_a_case(client, specialist):
    client.force_login(specialist)
    county = specialist.regions.first().counties.first()
    response = client.post(
        "/anonymous/new/",
        {
            "happened_at": timezone.localtime().strftime("%d.%m.%Y %H:%M"),
            "region": county.region_id,
            "county": county.pk,
            "age_group": "27-64",
            "sex": "F",
            "incident_type": "sexual_violence",
            "channel": "phone",
            "duration_minutes": "40",
            "topic": "nõustamine",
        },
    )
    assert response.status_code == 302
    contact = AnonymousContact.objects.get()
    assert contact.recorded_by == specialist
    response = client.post(f"/anonymous/{contact.pk}/case/")
    assert response["Location"] == f"/cases/new/?source=anonymous:{contact.pk}"
    # Through the intake's steps, the contact it starts from goes along and fills in the case step.
    from tests.cases.test_intake import step, typed

    page = step(client, "/cases/new/", client.get(response["Location"]))
    page = step(client, "/cases/new/", page, **typed(specialist, "person"))
    page = step(client, "/cases/new/", page, **typed(specialist, "safe"))
    assert page.context["step"] == "case" and page.context["case_form"]["incident_type"].value() == "sexual_violence"
    case_step = {key: value for key, value in typed(specialist, "case").items() if key != "case-incident_type"}
    assert step(client, "/cases/new/", page, go="finish", **case_step).status_code == 302
    contact.refresh_from_db()
    assert contact.converted_case == Case.objects.get()


def test_anonymous_contacts_are_seen_by_the_regions_casework_staff_only(client, specialist, outsider):
    client.force_login(specialist)
    county = specialist.regions.first().counties.first()
    client.post(
        "/anonymous/new/",
        {
            "happened_at": timezone.localtime().strftime("%d.%m.%Y %H:%M"),
            "region": county.region_id,
            "age_group": "unknown",
            "incident_type": "other",
            "channel": "phone",
            "duration_minutes": "10",
        },
    )
    assert len(client.get("/anonymous/").context["page"].items) == 1
    client.force_login(outsider)
    assert client.get("/anonymous/").context["page"].items == []
    response = client.post(
        "/anonymous/new/",
        {
            "happened_at": timezone.localtime().strftime("%d.%m.%Y %H:%M"),
            "region": county.region_id,
            "age_group": "unknown",
            "incident_type": "other",
            "channel": "phone",
            "duration_minutes": "10",
        },
    )
    assert response.status_code == 400 and "region" in response.context["form"].errors
