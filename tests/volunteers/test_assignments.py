"""Assignments of volunteers to cases: the conflict check, the client card and nothing more, the grant
ending with the assignment, and the volunteer's activity log."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cases.models import Case
from tests.factories import make_case, make_user, set_rules
from victimsupport.models import County, Notification
from victimsupport.permissions.grants import grants_of
from volunteers.models import ActivityEntry, Assignment, BackgroundCheck, Volunteer, VolunteerStatus
from volunteers.services import assignments as assignment_services
from volunteers.services import recruitment

pytestmark = pytest.mark.django_db

PIPELINE = (
    VolunteerStatus.INTERVIEWED,
    VolunteerStatus.CHECKED,
    VolunteerStatus.TRAINED,
    VolunteerStatus.SIGNED,
    VolunteerStatus.ACTIVE,
)


@pytest.fixture
def coordinator(db):
    return make_user("coordinator", "pohja")


def make_volunteer(coordinator, *, last_name="Tugi", email="tugi@example.invalid", region_code="pohja", **extra):
    county = County.objects.filter(region__code=region_code).order_by("code").first()
    volunteer = recruitment.volunteer_apply(
        county=county,
        first_name="Tiina",
        last_name=last_name,
        email=email,
        phone="",
        languages=["et"],
        kinds=["marac"],
        motivation="",
    )
    for status in PIPELINE:
        volunteer.refresh_from_db()
        recruitment.volunteer_step(
            actor=coordinator,
            volunteer=volunteer,
            expected_version=volunteer.version,
            status=status,
            happened_on=timezone.localdate() - timedelta(days=30),
            background_check=BackgroundCheck.CLEAR if status == VolunteerStatus.CHECKED else "",
        )
    recruitment.volunteer_user_create(actor=coordinator, volunteer=volunteer)
    if extra:
        Volunteer.objects.filter(pk=volunteer.pk).update(**extra)
    return Volunteer.objects.select_related("user").get(pk=volunteer.pk)


def assign(manager, case, volunteer, *, days=30, **extra) -> Assignment:
    today = timezone.localdate()
    return assignment_services.assignment_create(
        actor=manager,
        case=case,
        volunteer=volunteer,
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=days),
        tasks="Saata politseisse ja kohtusse",
        **extra,
    )


@pytest.fixture
def world(specialist, manager, coordinator):
    case = make_case(specialist)
    set_rules(specialist, case.client, phone_allowed=True, safe_times="E–R 10–12", code_word="päikeselill")
    volunteer = make_volunteer(coordinator)
    return {"case": case, "volunteer": volunteer, "assignment": assign(manager, case, volunteer)}


def log(volunteer, assignment, **fields) -> ActivityEntry:
    data = {
        "happened_on": timezone.localdate(),
        "duration_minutes": 90,
        "kind": "accompaniment",
        "trip_from": "Tallinn",
        "trip_to": "Rapla",
        "km": Decimal("54.5"),
        "call_minutes": 0,
        "note": "Saatsin kohtusse.",
    }
    data.update(fields)
    return assignment_services.activity_add(actor=volunteer.user, assignment=assignment, **data)


# --- conflicts ---


def test_the_conflict_check_finds_a_declared_conflict_a_surname_and_an_address(specialist, manager, coordinator):
    case = make_case(specialist)
    client = case.client
    Case.objects.filter(pk=case.pk)  # the client's address:
    type(client).objects.filter(pk=client.pk).update(street="Pärnu mnt", house="10")
    client.refresh_from_db()
    volunteer = make_volunteer(
        coordinator,
        last_name=client.last_name,
        conflicts=f"Tunnen perekonda {client.last_name}",
        address="pärnu mnt 10, Tallinn",
    )
    codes = {finding.code for finding in assignment_services.assignment_conflicts(volunteer, case)}
    assert codes == {"declared", "surname", "address"}
    with pytest.raises(ValidationError) as refused:
        assign(manager, case, volunteer)
    assert "conflicts_seen" in refused.value.message_dict
    assert not Assignment.objects.exists()
    assignment = assign(manager, case, volunteer, conflicts_seen=True)
    assert {finding["code"] for finding in assignment.conflict_findings} == codes


def test_the_conflict_check_looks_at_the_alleged_perpetrator_too(specialist, manager, coordinator):
    from cases.services import intake

    case = make_case(specialist)
    intake.case_party_intake(
        actor=specialist,
        case=case,
        person=None,
        person_fields={"first_name": "Ants", "last_name": "Vägivald", "birth_date": date(1980, 1, 1)},
        role="alleged_perpetrator",
        note="",
        relation="",
    )
    volunteer = make_volunteer(coordinator, last_name="Vägivald")
    findings = assignment_services.assignment_conflicts(volunteer, case)
    assert [finding.code for finding in findings] == ["surname"]


def test_only_a_manager_of_the_case_assigns_and_only_an_active_volunteer_with_an_account(
    specialist, manager, coordinator, outsider
):
    case = make_case(specialist)
    volunteer = make_volunteer(coordinator)
    with pytest.raises(PermissionDenied):
        assign(specialist, case, volunteer)
    other_manager = make_user("regional_manager", "louna")
    with pytest.raises(PermissionDenied):
        assign(other_manager, case, volunteer)
    Volunteer.objects.filter(pk=volunteer.pk).update(status=VolunteerStatus.PAUSED)
    volunteer.refresh_from_db()
    with pytest.raises(ValidationError):
        assign(manager, case, volunteer)


# --- what the volunteer sees ---


def test_the_volunteer_sees_the_client_card_and_nothing_of_the_case(client, world):
    volunteer, assignment, case = world["volunteer"], world["assignment"], world["case"]
    client.force_login(volunteer.user)
    card = client.get(f"/volunteers/my/clients/{assignment.pk}/")
    assert card.status_code == 200
    page = card.content.decode()
    assert assignment.client_code in page and case.client.first_name in page
    assert "päikeselill" in page and "E–R 10–12" in page
    assert case.client.last_name not in page and case.client.personal_code not in page
    assert case.reference not in page
    # Never the case, its person or its documents.
    assert client.get(f"/cases/{case.pk}/").status_code in (403, 404)
    assert client.get(f"/persons/{case.client_id}/").status_code in (403, 404)
    assert client.get(f"/volunteers/cases/{case.pk}/").status_code in (403, 404)
    my = client.get("/volunteers/my/")
    assert my.status_code == 200 and assignment.client_code in my.content.decode()


def test_the_address_only_when_the_tasks_need_it_and_never_a_confidential_one(client, specialist, manager, coordinator):
    case = make_case(specialist)
    type(case.client).objects.filter(pk=case.client.pk).update(street="Männi", house="7")
    volunteer = make_volunteer(coordinator)
    without = assign(manager, case, volunteer)
    with_address = assign(manager, case, volunteer, address_needed=True)
    client.force_login(volunteer.user)
    assert "Männi 7" not in client.get(f"/volunteers/my/clients/{without.pk}/").content.decode()
    assert "Männi 7" in client.get(f"/volunteers/my/clients/{with_address.pk}/").content.decode()
    set_rules(specialist, case.client, confidential_address=True)
    assert "Männi 7" not in client.get(f"/volunteers/my/clients/{with_address.pk}/").content.decode()


def test_another_volunteer_gets_404_for_the_card_and_the_entries(client, world, coordinator):
    entry = log(world["volunteer"], world["assignment"])
    other = make_volunteer(coordinator, email="teine@example.invalid", last_name="Teine")
    client.force_login(other.user)
    assert client.get(f"/volunteers/my/clients/{world['assignment'].pk}/").status_code == 404
    assert client.get(f"/volunteers/my/activities/{entry.pk}/edit/").status_code == 404
    assert client.post(f"/volunteers/my/activities/{entry.pk}/delete/").status_code == 404
    month = client.get("/volunteers/my/month/")
    assert "Saatsin kohtusse" not in month.content.decode()
    with pytest.raises(PermissionDenied):
        log(other, world["assignment"])


# --- the grant ends with the assignment ---


def test_the_grant_is_written_on_assigning_and_removed_by_the_beat_after_the_last_day(world):
    volunteer, assignment = world["volunteer"], world["assignment"]
    assert grants_of(assignment)["users"] == {volunteer.user_id: {"view"}}
    assert set(Assignment.objects.restrict(volunteer.user)) == {assignment}
    entry = log(volunteer, assignment)
    last_day = assignment.ends_on
    assert assignment_services.assignments_expire(today=last_day) == 0  # still the last day
    assert assignment_services.assignments_expire(today=last_day + timedelta(days=1)) == 1
    assert grants_of(assignment)["users"] == {}
    assert not Assignment.objects.restrict(volunteer.user).exists()
    # The entries stay: the volunteer's own, and on the case for the specialist.
    assert ActivityEntry.objects.restrict(volunteer.user).filter(pk=entry.pk).exists()


def test_the_beat_task_is_scheduled_daily():
    from django.conf import settings

    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "volunteers.expire_assignments" in names


def test_ending_early_removes_the_access_at_once(world, manager):
    assignment = world["assignment"]
    yesterday = timezone.localdate() - timedelta(days=1)
    assignment_services.assignment_end(
        actor=manager, assignment=assignment, expected_version=assignment.version, ended_on=yesterday
    )
    assert not Assignment.objects.restrict(world["volunteer"].user).exists()
    with pytest.raises(ValidationError):
        log(world["volunteer"], Assignment.objects.get(pk=assignment.pk), happened_on=yesterday)


def test_the_specialist_sees_the_volunteers_notes_on_the_case(client, world, specialist):
    log(world["volunteer"], world["assignment"], note="Klient soovib kohtus tugiisikut.")
    client.force_login(specialist)
    page = client.get(f"/volunteers/cases/{world['case'].pk}/")
    assert page.status_code == 200
    assert "Klient soovib kohtus tugiisikut." in page.content.decode()


# --- the activity log ---


def test_an_activity_with_a_trip_is_logged_from_the_phone_form(client, world):
    volunteer, assignment = world["volunteer"], world["assignment"]
    client.force_login(volunteer.user)
    assert client.get(f"/volunteers/my/activities/new/?assignment={assignment.pk}").status_code == 200
    today = timezone.localdate()
    response = client.post(
        "/volunteers/my/activities/new/",
        {
            "assignment": assignment.pk,
            "happened_on": today.strftime("%d.%m.%Y"),
            "duration_minutes": "120",
            "kind": "accompaniment",
            "trip_from": "Tallinn",
            "trip_to": "Rapla",
            "km": "54,5",
            "call_minutes": "0",
            "note": "",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    entry = ActivityEntry.objects.get()
    assert (entry.km, entry.duration_minutes) == (Decimal("54.5"), 120)
    month = client.get(response["Location"])
    assert "54,5" in month.content.decode() or "54.5" in month.content.decode()


def test_a_trip_without_its_ends_or_a_future_day_is_refused_and_nothing_saved(client, world):
    volunteer, assignment = world["volunteer"], world["assignment"]
    with pytest.raises(ValidationError) as refused:
        log(volunteer, assignment, trip_from="", trip_to="")
    assert "trip_from" in refused.value.message_dict
    with pytest.raises(ValidationError) as future:
        log(volunteer, assignment, happened_on=timezone.localdate() + timedelta(days=1))
    assert "happened_on" in future.value.message_dict
    with pytest.raises(ValidationError):
        log(volunteer, assignment, happened_on=assignment.starts_on - timedelta(days=1))
    with pytest.raises(ValidationError):
        log(volunteer, assignment, kind="call", km=Decimal("0"), call_minutes=200, duration_minutes=30)
    assert not ActivityEntry.objects.exists()


def test_entries_stay_editable_with_history(client, world):
    volunteer = world["volunteer"]
    entry = log(volunteer, world["assignment"])
    client.force_login(volunteer.user)
    assert client.get(f"/volunteers/my/activities/{entry.pk}/edit/").status_code == 200
    response = client.post(
        f"/volunteers/my/activities/{entry.pk}/edit/",
        {
            "happened_on": entry.happened_on.strftime("%d.%m.%Y"),
            "duration_minutes": "60",
            "kind": "meeting",
            "trip_from": "",
            "trip_to": "",
            "km": "0",
            "call_minutes": "0",
            "note": "Parandatud",
            "version": entry.version,
        },
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.kind, entry.km, entry.note) == ("meeting", Decimal("0"), "Parandatud")
    assert entry.history.count() == 2
    stale = client.post(
        f"/volunteers/my/activities/{entry.pk}/edit/",
        {
            "happened_on": entry.happened_on.strftime("%d.%m.%Y"),
            "duration_minutes": "61",
            "kind": "meeting",
            "km": "0",
            "call_minutes": "0",
            "version": 1,
        },
    )
    assert stale.status_code == 409


def test_my_month_sums_the_entries_and_survives_a_bad_month(client, world):
    volunteer, assignment = world["volunteer"], world["assignment"]
    log(volunteer, assignment)
    log(volunteer, assignment, kind="call", trip_from="", trip_to="", km=Decimal("0"), call_minutes=20)
    client.force_login(volunteer.user)
    page = client.get("/volunteers/my/month/")
    totals = page.context["totals"]
    assert (totals["count"], totals["km"], totals["call_minutes"]) == (2, Decimal("54.5"), 20)
    for bad in ("abc", "2026-13", "99999-1", "-"):
        assert client.get("/volunteers/my/month/", {"month": bad}).status_code == 200


def test_the_coordinator_assigns_by_case_number_without_seeing_the_case(client, specialist, coordinator):
    case = make_case(specialist)
    volunteer = make_volunteer(coordinator, email="koord@example.invalid")
    today = timezone.localdate()
    fields = {"starts_on": today, "ends_on": today + timedelta(days=30), "tasks": "Tugi kohtus"}
    south = make_case(make_user("specialist", "louna"), region_code="louna")
    for reference in ("J-99999999", south.reference, "abc", "J-"):
        with pytest.raises(ValidationError) as refused:
            assignment_services.assignment_create(
                actor=coordinator, volunteer=volunteer, case_reference=reference, **fields
            )
        assert list(refused.value.message_dict) == ["case_reference"]
    client.force_login(coordinator)
    assert client.get(f"/volunteers/{volunteer.pk}/assign/").status_code == 200
    response = client.post(
        f"/volunteers/{volunteer.pk}/assign/",
        {
            "case_reference": case.reference,
            "starts_on": today.strftime("%d.%m.%Y"),
            "ends_on": (today + timedelta(days=30)).strftime("%d.%m.%Y"),
            "tasks": "Tugi kohtus",
        },
    )
    assert response.status_code == 302
    assignment = Assignment.objects.get()
    assert assignment.case == case and assignment.created_by == coordinator
    assert Notification.objects.filter(user=specialist, params__code=assignment.client_code).exists()
    # The coordinator still does not see the case.
    assert client.get(f"/cases/{case.pk}/").status_code == 403  # the role has no case pages
