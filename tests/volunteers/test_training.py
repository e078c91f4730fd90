"""Trainings: events with attendance, hours approved by the coordinator, a certificate of attendance made
as a PDF by the letter machinery."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.factories import make_user
from tests.platform.test_letters import pdf_text
from tests.volunteers.test_assignments import make_volunteer
from victimsupport.models import Job, Region
from volunteers.models import TrainingAttendance
from volunteers.services import training as training_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(db):
    return make_user("coordinator", "pohja", first_name="Kadri", last_name="Koordinaator")


def add(actor, attendees, **extra):
    fields = {
        "kind": "further",
        "topic": "Lähisuhtevägivalla riskihindamine",
        "held_on": timezone.localdate(),
        "hours": Decimal("6"),
        "trainer": "Tiit Koolitaja",
        "region": Region.objects.get(code="pohja"),
    }
    fields.update(extra)
    return training_services.training_add(actor=actor, attendees=attendees, **fields)


def test_the_coordinator_records_a_training_and_approves_the_hours(coordinator, manager):
    volunteer = make_volunteer(coordinator)
    with pytest.raises(PermissionDenied):
        add(manager, [volunteer])
    training = add(coordinator, [volunteer])
    assert training_services.approved_hours(volunteer) == 0
    assert training_services.training_hours_approve(actor=coordinator, training=training) == 1
    assert training_services.approved_hours(volunteer) == Decimal("6")
    with pytest.raises(ValidationError):
        training_services.training_hours_approve(actor=coordinator, training=training)


def test_a_training_needs_attendees_and_a_past_date(coordinator):
    volunteer = make_volunteer(coordinator)
    with pytest.raises(ValidationError):
        add(coordinator, [])
    with pytest.raises(ValidationError):
        add(coordinator, [volunteer], held_on=timezone.localdate().replace(year=timezone.localdate().year + 1))


def test_the_certificate_is_a_pdf_with_the_name_and_hours_once_approved(coordinator, eager_celery, client):
    volunteer = make_volunteer(coordinator, first_name="Õnne")
    training = add(coordinator, [volunteer])
    attendance = TrainingAttendance.objects.get(training=training)
    with pytest.raises(ValidationError):
        training_services.certificate_request(actor=coordinator, attendance=attendance)
    training_services.training_hours_approve(actor=coordinator, training=training)
    attendance.refresh_from_db()
    assert training_services.certificate_pdf(attendance)[:4] == b"%PDF"
    text = pdf_text(training_services.certificate_pdf(attendance))
    assert "Õnne" in text and "riskihindamine" in text and "6" in text
    client.force_login(coordinator)
    response = client.post(f"/volunteers/attendances/{attendance.pk}/certificate/")
    job = Job.objects.get(kind="training_certificate")
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"


def test_the_pages(client, coordinator, manager):
    volunteer = make_volunteer(coordinator)
    client.force_login(coordinator)
    assert client.get("/volunteers/trainings/new/").status_code == 200
    response = client.post(
        "/volunteers/trainings/new/",
        {
            "kind": "base",
            "topic": "Baaskoolitus",
            "held_on": timezone.localdate().strftime("%d.%m.%Y"),
            "hours": "16,5",
            "trainer": "",
            "region": "",
            "attendees": [volunteer.pk],
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    training = TrainingAttendance.objects.get().training
    assert training.hours == Decimal("16.5")
    assert client.post(f"/volunteers/trainings/{training.pk}/approve/").status_code == 302
    page = client.get(f"/volunteers/{volunteer.pk}/")
    assert "16,5" in page.content.decode() or "16.5" in page.content.decode()
    client.force_login(manager)
    assert client.get("/volunteers/trainings/").status_code == 200
    assert client.get(f"/volunteers/trainings/{training.pk}/").status_code == 200  # a national training
