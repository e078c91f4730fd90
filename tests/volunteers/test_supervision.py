"""Supervision (contacts private to the supervisor and the coordinator, group sessions, the start page
reminder), the weekly digest of quiet volunteers, and the figures for coordinators, managers and the
volunteer themself."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.factories import make_case, make_user
from tests.volunteers.test_assignments import make_volunteer
from victimsupport.models import Notification, Region
from volunteers.models import Assignment, SupervisionContact
from volunteers.selectors import activity_overview, inactive_volunteers, supervisor_overview, year_summary
from volunteers.services import assignments as assignment_services
from volunteers.services import supervision

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(db):
    return make_user("coordinator", "pohja")


@pytest.fixture
def volunteer(coordinator, specialist):
    return make_volunteer(coordinator, supervisor=specialist)


def contact(actor, volunteer, days_ago=0, notes="Arutasime piire."):
    return supervision.supervision_contact_add(
        actor=actor,
        volunteer=volunteer,
        happened_on=timezone.localdate() - timedelta(days=days_ago),
        form="phone",
        duration_minutes=30,
        notes=notes,
    )


def test_contact_notes_are_read_only_by_the_supervisor_and_the_coordinator(
    client, volunteer, specialist, coordinator, manager, colleague
):
    contact(specialist, volunteer, notes="Väsimus, soovitan puhkust")
    assert SupervisionContact.objects.restrict(specialist).count() == 1
    assert SupervisionContact.objects.restrict(coordinator).count() == 1
    assert SupervisionContact.objects.restrict(manager).count() == 0
    client.force_login(manager)
    page = client.get(f"/volunteers/{volunteer.pk}/")
    assert page.status_code == 200 and "Väsimus" not in page.content.decode()
    client.force_login(specialist)
    assert "Väsimus" in client.get(f"/volunteers/{volunteer.pk}/").content.decode()
    with pytest.raises(PermissionDenied):
        contact(colleague, volunteer)
    client.force_login(manager)
    assert client.get(f"/volunteers/{volunteer.pk}/supervision/new/").status_code == 403


def test_the_supervisor_records_a_contact_from_the_form(client, volunteer, specialist):
    client.force_login(specialist)
    assert client.get(f"/volunteers/{volunteer.pk}/supervision/new/").status_code == 200
    future = (timezone.localdate() + timedelta(days=2)).strftime("%d.%m.%Y")
    refused = client.post(
        f"/volunteers/{volunteer.pk}/supervision/new/",
        {"happened_on": future, "form": "phone", "duration_minutes": "20", "notes": "x"},
    )
    assert refused.status_code == 400 and not SupervisionContact.objects.exists()
    today = timezone.localdate().strftime("%d.%m.%Y")
    response = client.post(
        f"/volunteers/{volunteer.pk}/supervision/new/",
        {"happened_on": today, "form": "in_person", "duration_minutes": "45", "notes": ""},
    )
    assert response.status_code == 302 and SupervisionContact.objects.count() == 1


def test_the_start_page_shows_volunteers_without_supervision_for_the_set_period(
    client, volunteer, specialist, settings
):
    settings.VOLUNTEER_SUPERVISION_DAYS = 30
    assert [row[0] for row in supervisor_overview(specialist)["unsupervised"]] == [volunteer]
    client.force_login(specialist)
    assert volunteer.full_name in client.get("/").content.decode()
    contact(specialist, volunteer, days_ago=40)
    assert [row[0] for row in supervisor_overview(specialist)["unsupervised"]] == [volunteer]
    supervision.group_session_add(
        actor=specialist,
        region=Region.objects.get(code="pohja"),
        attendees=[volunteer],
        kind="covision",
        held_on=timezone.localdate() - timedelta(days=3),
        topic="Piirid",
        duration_minutes=90,
    )
    assert supervisor_overview(specialist)["unsupervised"] == []
    assert volunteer.full_name not in client.get("/").content.decode()


def test_a_group_session_takes_only_volunteers_the_leader_sees_and_their_region(specialist, volunteer, coordinator):
    other_region = make_volunteer(coordinator, email="louna@example.invalid", last_name="Lõuna", region_code="louna")
    with pytest.raises(ValidationError):
        supervision.group_session_add(
            actor=specialist,
            region=Region.objects.get(code="pohja"),
            attendees=[volunteer, other_region],
            kind="group",
            held_on=timezone.localdate(),
            topic="x",
            duration_minutes=60,
        )
    with pytest.raises(ValidationError):
        supervision.group_session_add(
            actor=specialist,
            region=Region.objects.get(code="louna"),
            attendees=[volunteer],
            kind="group",
            held_on=timezone.localdate(),
            topic="x",
            duration_minutes=60,
        )


def _quiet_assignment(manager, specialist, volunteer, *, days_ago=40):
    case = make_case(specialist)
    today = timezone.localdate()
    return assignment_services.assignment_create(
        actor=manager,
        case=case,
        volunteer=volunteer,
        starts_on=today - timedelta(days=days_ago),
        ends_on=today + timedelta(days=30),
        tasks="Tugi",
    )


def test_the_weekly_digest_names_assigned_volunteers_with_no_recent_activity(manager, specialist, volunteer, settings):
    settings.VOLUNTEER_INACTIVE_DAYS = 30
    assignment = _quiet_assignment(manager, specialist, volunteer)
    assert list(inactive_volunteers()) == [volunteer]
    assert supervision.inactive_digest() == 1
    note = Notification.objects.get(user=specialist, message__contains="no activity")
    assert volunteer.full_name in note.params["names"]
    assignment_services.activity_add(
        actor=volunteer.user,
        assignment=assignment,
        happened_on=timezone.localdate(),
        duration_minutes=30,
        kind="call",
        trip_from="",
        trip_to="",
        km=Decimal("0"),
        call_minutes=30,
        note="",
    )
    assert list(inactive_volunteers()) == []


def test_the_figures_by_volunteer_region_and_month_and_the_volunteers_own_year(
    client, manager, specialist, volunteer, coordinator
):
    assignment = _quiet_assignment(manager, specialist, volunteer, days_ago=5)
    for km in ("10.0", "5.5"):
        assignment_services.activity_add(
            actor=volunteer.user,
            assignment=assignment,
            happened_on=timezone.localdate(),
            duration_minutes=90,
            kind="meeting",
            trip_from="A",
            trip_to="B",
            km=Decimal(km),
            call_minutes=0,
            note="",
        )
    year = timezone.localdate().year
    figures = activity_overview(coordinator, year=year)
    row = figures["per_volunteer"][0]
    assert (row["activities"], row["hours"], row["km"]) == (2, 3.0, Decimal("15.5"))
    assert figures["cases"] == 1 and figures["volunteers_per_case"] == 1
    assert figures["average_days"] == (assignment.ends_on - assignment.starts_on).days + 1
    assert activity_overview(make_user("regional_manager", "louna"), year=year)["per_volunteer"] == []
    client.force_login(coordinator)
    page = client.get("/volunteers/overview/", {"year": "abc", "region": "999999999999"})
    assert page.status_code == 200
    months = year_summary(volunteer, year)
    assert sum(row["activities"] for row in months) == 2
    client.force_login(volunteer.user)
    assert client.get("/volunteers/my/year/").status_code == 200
    assert client.get("/volunteers/my/year/", {"year": "99999999999999999999"}).status_code == 200
    assert Assignment.objects.count() == 1
