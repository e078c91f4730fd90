"""Crisis response: an event a regional manager opens at any hour, a roster of helpers (staff and crisis
volunteers), people registered with minimal data, first aid in one tap, the follow-up (a case through
the intake, a referral, closed), the live overview; seen only by the roster (while the event is open)
and the region's managers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cases.models import Case
from crisis import selectors
from crisis.models import CrisisEvent, Registration, RosterEntry
from crisis.services import events as services
from tests.factories import make_user, region
from tests.volunteers.test_assignments import make_volunteer
from victimsupport.models import AccessLogEntry, Notification
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db
NOW = timezone.now()


def open_event(manager, contact_point, region_code="pohja", **fields):
    values = {
        "title": "Bussiõnnetus",
        "place": "Tallinn, Pärnu mnt",
        "started_at": NOW - timedelta(hours=1),
        "lead_agency": "Päästeamet",
        "contact_point": contact_point,
        "notes": "",
    }
    return services.event_open(actor=manager, region=region(region_code), **(values | fields))


def register(actor, event, who="Mari Tamm", category="affected", **fields):
    return services.registration_add(
        actor=actor,
        event=event,
        who=who,
        category=category,
        contact=fields.get("contact", ""),
        needs=fields.get("needs", []),
    )


@pytest.fixture
def coordinator(db):
    return make_user("coordinator", "pohja")


@pytest.fixture
def event(manager, specialist):
    return open_event(manager, specialist)


class TestEvent:
    def test_a_manager_opens_it_at_any_hour_and_the_contact_point_is_on_the_roster(self, manager, specialist):
        night = timezone.localtime().replace(hour=3, minute=12) - timedelta(days=1)
        event = open_event(manager, specialist, started_at=night)
        assert event.is_open and event.reference == f"K-{event.pk}"
        assert RosterEntry.objects.filter(event=event, user=specialist).exists()

    def test_only_a_manager_of_the_region_with_its_staff_as_contact_point(self, manager, specialist, outsider):
        with pytest.raises(PermissionDenied):
            open_event(specialist, specialist)
        with pytest.raises(PermissionDenied):
            open_event(make_user("regional_manager", "louna"), specialist)
        with pytest.raises(ValidationError) as error:
            open_event(manager, outsider, started_at=NOW + timedelta(hours=2))
        assert {"contact_point", "started_at"} <= set(error.value.message_dict)
        assert not CrisisEvent.objects.exists()


class TestWhoSeesIt:
    def test_the_roster_and_the_regions_managers_only(self, manager, specialist, colleague, coordinator, event):
        person = register(specialist, event)
        assert CrisisEvent.objects.restrict(specialist).filter(pk=event.pk).exists()  # on the roster
        assert not CrisisEvent.objects.restrict(colleague).exists()  # staff of the region, not on the roster
        assert not Registration.objects.restrict(colleague).exists()
        assert not Registration.objects.restrict(make_user("regional_manager", "louna")).exists()
        assert Registration.objects.restrict(manager).get() == person
        volunteer = make_volunteer(coordinator, email="kriis@example.invalid", kinds=["crisis"]).user
        services.roster_add(actor=manager, event=event, user=volunteer, starts_at=NOW, ends_at=None)
        assert Registration.objects.restrict(volunteer, "change").get() == person
        assert Notification.objects.filter(user=volunteer, params__event=event.title).exists()
        services.event_close(actor=manager, event=event)
        assert not Registration.objects.restrict(volunteer).exists()  # the helpers' access ends
        assert not Registration.objects.restrict(specialist).exists()
        assert Registration.objects.restrict(manager).exists()  # the follow-ups stay with the managers

    def test_a_helper_who_may_no_longer_help_or_whose_shift_ended_loses_it(self, manager, event, coordinator):
        volunteer = make_volunteer(coordinator, email="kriis3@example.invalid", kinds=["crisis"])
        entry = services.roster_add(actor=manager, event=event, user=volunteer.user, starts_at=NOW, ends_at=None)
        assert CrisisEvent.objects.restrict(volunteer.user).exists()
        Volunteer.objects.filter(pk=volunteer.pk).update(status="paused")
        assert not CrisisEvent.objects.restrict(volunteer.user).exists()
        Volunteer.objects.filter(pk=volunteer.pk).update(status="active")
        services.roster_end(actor=manager, entry=entry)
        assert not CrisisEvent.objects.restrict(volunteer.user).exists()

    def test_closing_with_a_shift_that_has_not_started(self, manager, event):
        later = make_user("specialist", "pohja")
        services.roster_add(actor=manager, event=event, user=later, starts_at=NOW + timedelta(hours=5), ends_at=None)
        services.event_close(actor=manager, event=event)
        assert not RosterEntry.objects.filter(event=event, user=later).exists()
        assert not RosterEntry.objects.filter(event=event, ends_at__isnull=True).exists()

    def test_who_may_help(self, manager, event, coordinator, outsider):
        marac = make_volunteer(coordinator, email="marac@example.invalid").user
        for wrong in (marac, outsider):
            with pytest.raises(ValidationError) as error:
                services.roster_add(actor=manager, event=event, user=wrong, starts_at=NOW, ends_at=None)
            assert "user" in error.value.message_dict
        helper = make_user("specialist", "pohja")
        with pytest.raises(ValidationError):
            services.roster_add(actor=manager, event=event, user=helper, starts_at=NOW, ends_at=NOW)
        services.roster_add(actor=manager, event=event, user=helper, starts_at=NOW, ends_at=None)
        with pytest.raises(PermissionDenied):  # a helper does not manage the roster
            services.roster_add(
                actor=helper, event=event, user=make_user("specialist", "pohja"), starts_at=NOW, ends_at=None
            )


class TestRegistrations:
    def test_the_minimal_record_and_every_problem_at_once(self, specialist, event):
        with pytest.raises(ValidationError) as error:
            register(specialist, event, who=" ", category="")
        assert {"who", "category"} <= set(error.value.message_dict)
        person = register(specialist, event, who="Naine punases mantlis, umbes 40", needs=["first_aid", "shelter"])
        assert person.is_waiting and person.registered_by == specialist
        assert person.need_labels == ["psychological first aid", "a place to stay"]

    def test_first_aid_in_one_tap_then_the_follow_up(self, specialist, event):
        person = register(specialist, event)
        services.first_aid_log(actor=specialist, registration=person)
        person.refresh_from_db()
        assert person.is_seen and person.contacts.count() == 1
        with pytest.raises(ValidationError):
            services.follow_up_set(
                actor=specialist, registration=person, follow_up_on=timezone.localdate() - timedelta(days=1)
            )
        services.follow_up_set(actor=specialist, registration=person, follow_up_on=timezone.localdate())
        assert list(selectors.registrations(event, show="due")) == [person]
        with pytest.raises(ValidationError) as error:
            services.registration_refer(actor=specialist, registration=person, referred_to=" ")
        assert "referred_to" in error.value.message_dict
        referred = services.registration_refer(actor=specialist, registration=person, referred_to="KOV sotsiaaltöötaja")
        assert referred.is_closed and referred.outcome == "referred" and referred.follow_up_on is None
        with pytest.raises(ValidationError):
            services.first_aid_log(actor=specialist, registration=referred)

    def test_the_live_overview(self, specialist, event):
        waiting = register(specialist, event, who="A")
        seen = register(specialist, event, who="B", category="witness")
        closed = register(specialist, event, who="C", category="relative")
        services.first_aid_log(actor=specialist, registration=seen)
        services.registration_close(actor=specialist, registration=closed)
        figures = selectors.overview(event)
        assert (figures["registered"], figures["waiting"], figures["seen"], figures["closed"]) == (3, 1, 1, 1)
        assert figures["first_aid"] == 1
        assert [(str(label), n) for label, n in figures["by_category"]] == [
            ("directly affected", 1),
            ("relative", 1),
            ("witness", 1),
            ("responder", 0),
        ]
        assert selectors.registrations(event).first() == waiting  # waiting first

    def test_a_closed_event_takes_no_registrations(self, manager, specialist, event):
        services.event_close(actor=manager, event=event)
        with pytest.raises(PermissionDenied):
            register(specialist, event)
        with pytest.raises(ValidationError):
            register(manager, CrisisEvent.objects.get(pk=event.pk))


class TestPages:
    def test_register_from_a_phone_form_and_first_aid_from_the_list(self, client, specialist, event):
        client.force_login(specialist)
        assert client.get(f"/crisis/{event.pk}/register/").status_code == 200
        response = client.post(f"/crisis/{event.pk}/register/", {"who": "Jaan", "category": "affected", "again": "1"})
        assert response.status_code == 302 and response["Location"] == f"/crisis/{event.pk}/register/"
        rejected = client.post(f"/crisis/{event.pk}/register/", {"who": "Kaia", "contact": "+372 555"})
        assert rejected.status_code == 400 and "Kaia" in rejected.content.decode()
        person = Registration.objects.get()
        page = client.get(f"/crisis/{event.pk}/").content.decode()
        assert "Jaan" in page and f"/crisis/registrations/{person.pk}/first-aid/" in page
        entry = AccessLogEntry.objects.filter(user=specialist).latest("at")
        assert entry.object_type == "crisis.crisisevent" and entry.object_id == event.pk
        response = client.post(f"/crisis/registrations/{person.pk}/first-aid/", {"back": "event"})
        assert response["Location"] == f"/crisis/{event.pk}/"
        person.refresh_from_db()
        assert person.is_seen

    def test_a_registration_becomes_a_case_through_the_intake(self, client, specialist, colleague, event):
        person = register(specialist, event, who="Mari Tamm", contact="+372 5555 0000")
        client.force_login(specialist)
        response = client.post(f"/crisis/registrations/{person.pk}/case/")
        assert response["Location"] == f"/cases/new/?source=crisis:{person.pk}"
        page = client.get(response["Location"])
        forms = {part: page.context[f"{part}_form"] for part in ("person", "safe", "case")}
        assert forms["person"].initial["last_name"] == "Tamm" and forms["person"].initial["phone"] == "+372 5555 0000"
        # What the intake was filled in with is posted back as it is, with what only the person can tell.
        data = {f"{part}-{name}": value for part, form in forms.items() for name, value in form.initial.items()}
        data |= {
            "source": f"crisis:{person.pk}",
            "person-birth_date": "01.02.1980",
            "person-language": "et",
            "safe-phone_allowed": "on",
            "case-responsible": specialist.pk,
            "case-opened_on": timezone.localdate().strftime("%d.%m.%Y"),
            "case-risk_level": "standard",
            "case-county": event.region.counties.order_by("name").first().pk,  # the event has a place, no county
        }
        data = {key: (value.pk if hasattr(value, "pk") else value) for key, value in data.items() if value is not None}
        data = {
            key: (value.strftime("%d.%m.%Y") if hasattr(value, "strftime") else value) for key, value in data.items()
        }
        response = client.post("/cases/new/", data)
        assert response.status_code == 302, response.context["case_form"].errors
        person.refresh_from_db()
        case = Case.objects.get()
        assert person.is_closed and person.outcome == "case" and person.case == case
        assert case.incident_type == "crisis" and case.region == event.region and case.client.last_name == "Tamm"
        # Again (an old page, another helper): to the case, not a second one.
        assert client.post(f"/crisis/registrations/{person.pk}/case/")["Location"] == f"/cases/{case.pk}/"
        # Someone not on the roster cannot start an intake from it.
        client.force_login(colleague)
        warned = client.get(f"/cases/new/?source=crisis:{person.pk}", follow=True)
        assert "cannot be used" in warned.content.decode() and not warned.context["case_form"].initial.get(
            "incident_type"
        )

    def test_the_overview_refreshes_itself_for_ten_minutes_after_a_click(self, client, specialist, event):
        register(specialist, event)
        client.force_login(specialist)
        page = client.get(f"/crisis/{event.pk}/").content.decode()
        assert 'hx-get="?poll=1"' in page and 'hx-select="#live"' in page
        page = client.get(f"/crisis/{event.pk}/?poll=20").content.decode()
        assert "hx-get" not in page  # then it waits for a click

    def test_a_helper_who_is_not_staff_does_not_open_cases(self, client, manager, event, coordinator):
        volunteer = make_volunteer(coordinator, email="kriis2@example.invalid", kinds=["crisis"]).user
        services.roster_add(actor=manager, event=event, user=volunteer, starts_at=NOW, ends_at=None)
        person = register(volunteer, event)
        client.force_login(volunteer)
        assert client.get(f"/crisis/registrations/{person.pk}/").status_code == 200
        assert client.post(f"/crisis/registrations/{person.pk}/case/").status_code == 403
