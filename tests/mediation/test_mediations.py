"""Mediation: a case from a prosecutor with both parties, the mediator appointed (staff or a mediator
volunteer, who then sees only their own mediations), meetings, the agreement and its obligations, the
outcome, a new offence in the watch period, reminders once, and the report without contact details."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cases.models import Person, SafeContact
from mediation import deadlines, selectors
from mediation.letters import register_report
from mediation.models import Mediation, Obligation
from mediation.services import mediations as services
from tests.factories import make_case, make_user, region
from tests.volunteers.test_assignments import make_volunteer
from victimsupport.concurrency import ConcurrentEdit
from victimsupport.models import AccessLogEntry, Notification
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def party(first, last, code="", **fields):
    return {
        "first_name": first,
        "last_name": last,
        "personal_code": code,
        "birth_date": fields.pop("birth_date", date(1990, 1, 1) if not code else None),
        "language": "et",
        "phone": fields.pop("phone", ""),
        "email": fields.pop("email", ""),
    }


def contact(**allowed):
    return {"phone_allowed": False, "sms_allowed": False, "email_allowed": False, "safe_times": "", **allowed}


def receive(actor, *, victim=None, offender=None, region_code="pohja", **fields):
    values = {
        "received_on": TODAY,
        "referred_by": "prosecutor",
        "referring_body": "Põhja Ringkonnaprokuratuur",
        "proceedings_number": "26230100123",
        "offence": "Kehaline väärkohtlemine (KarS § 121)",
        "victim_consent_on": TODAY,
        "offender_consent_on": TODAY,
    }
    return services.mediation_receive(
        actor=actor,
        region=region(region_code),
        parties={
            "victim": victim or party("Maria", "Kask", phone="+372 5555 1111", email="maria@example.invalid"),
            "offender": offender or party("Jüri", "Tamm", phone="+372 5555 2222"),
        },
        contacts={
            "victim": contact(phone_allowed=True, email_allowed=True, safe_times="tööpäeviti 9-12"),
            "offender": contact(phone_allowed=True),
        },
        **(values | fields),
    )


@pytest.fixture
def coordinator(db):
    return make_user("coordinator", "pohja")


@pytest.fixture
def mediator(coordinator):
    return make_volunteer(coordinator, last_name="Lepitaja", email="lepitaja@example.invalid", kinds=["mediator"]).user


@pytest.fixture
def mediation(specialist):
    return receive(specialist)


def appointed(manager, mediation, mediator):
    return services.mediator_appoint(actor=manager, mediation=mediation, mediator=mediator)


def agreed(actor, mediation, *, due=None):
    services.meeting_record(
        actor=actor, mediation=mediation, held_on=TODAY, victim_attended=True, offender_attended=True, notes=""
    )
    services.agreement_record(
        actor=actor,
        mediation=mediation,
        agreement_on=TODAY,
        party="offender",
        what="Maksab kannatanule 300 eurot",
        due_on=due or TODAY + timedelta(days=60),
    )
    return Mediation.objects.get(pk=mediation.pk)


class TestReceiving:
    def test_both_parties_with_their_rules(self, specialist, mediation):
        assert mediation.reference == f"L-{mediation.pk}" and mediation.is_received
        assert SafeContact.objects.get(person=mediation.victim).email_allowed
        assert not SafeContact.objects.get(person=mediation.offender).email_allowed
        # The region's staff hold both records (they may contact them); nobody else does.
        other = make_user("specialist", "louna")
        assert Person.objects.restrict(specialist, "contact").filter(pk=mediation.offender_id).exists()
        assert not Person.objects.restrict(other).filter(pk__in=[mediation.victim_id, mediation.offender_id]).exists()

    def test_every_problem_at_once_and_nothing_saved(self, specialist):
        with pytest.raises(ValidationError) as error:
            receive(
                specialist,
                victim=party("", "Kask"),
                offender=party("Jüri", ""),
                received_on=TODAY + timedelta(days=1),
                proceedings_number="",
            )
        fields = set(error.value.message_dict)
        assert {"victim_first_name", "offender_last_name", "received_on", "proceedings_number"} <= fields
        assert not Mediation.objects.exists() and not Person.objects.filter(last_name="Kask").exists()

    def test_a_person_on_record_is_used_as_recorded(self, specialist, colleague):
        known = make_case(specialist).client  # the victim of a case the specialist is responsible for
        rules = SafeContact.objects.filter(person=known).values_list("version", flat=True).first()
        with pytest.raises(ValidationError) as error:  # a wrong code, of someone else: refused
            receive(specialist, victim=party("Maria", "Kask", code=known.personal_code))
        assert "victim_personal_code" in error.value.message_dict
        mediation = receive(specialist, victim=party(known.first_name, known.last_name, code=known.personal_code))
        assert mediation.victim == known and not mediation.victim_recorded_here and mediation.offender_recorded_here
        # Their rules stay as they were (none are invented, none overwritten) ...
        assert SafeContact.objects.filter(person=known).values_list("version", flat=True).first() == rules
        # ... and a mediation never widens who may change them: a colleague still only sees them.
        assert not Person.objects.restrict(colleague, "change").filter(pk=known.pk).exists()
        assert Person.objects.restrict(colleague, "change").filter(pk=mediation.offender_id).exists()

    def test_a_person_the_actor_may_not_change_is_not_revealed(self, specialist, colleague):
        elsewhere = make_case(make_user("specialist", "louna"), region_code="louna").client
        seen_only = make_case(specialist).client  # the colleague sees the region's clients, changes none
        for person in (elsewhere, seen_only):
            with pytest.raises(ValidationError) as error:
                receive(colleague, offender=party(person.first_name, person.last_name, code=person.personal_code))
            assert error.value.message_dict["offender_personal_code"] == [
                "This personal code cannot be used here: ask the regional manager to add the person."
            ]

    def test_the_victim_and_the_offender_are_two_people(self, specialist):
        known = make_case(specialist).client
        with pytest.raises(ValidationError) as error:
            receive(
                specialist,
                victim=party("A", "B", code=known.personal_code),
                offender=party("A", "B", code=known.personal_code),
            )
        assert "offender_personal_code" in error.value.message_dict

    def test_only_casework_staff_of_the_region(self, mediator):
        with pytest.raises(PermissionDenied):
            receive(make_user("specialist", "louna"))
        with pytest.raises(PermissionDenied):
            receive(mediator)


class TestMediator:
    def test_a_mediator_volunteer_sees_only_their_own(self, specialist, manager, mediation, mediator, coordinator):
        other = receive(specialist, victim=party("Liis", "Lepp"), offender=party("Peeter", "Paju"))
        appointed(manager, mediation, mediator)
        assert list(Mediation.objects.restrict(mediator)) == [mediation]
        assert not Mediation.objects.restrict(mediator, "assign").exists()
        assert other in Mediation.objects.restrict(specialist)
        marac_volunteer = make_volunteer(coordinator, last_name="Marac", email="m@example.invalid").user
        assert not Mediation.objects.restrict(marac_volunteer).exists()
        notice = Notification.objects.get(user=mediator)
        assert notice.params["mediation"] == mediation.reference

    def test_who_may_be_appointed(self, manager, mediation, coordinator):
        marac_volunteer = make_volunteer(coordinator, last_name="Marac", email="m@example.invalid").user
        for wrong in (marac_volunteer, make_user("specialist", "louna")):
            with pytest.raises(ValidationError) as error:
                services.mediator_appoint(actor=manager, mediation=mediation, mediator=wrong)
            assert "mediator" in error.value.message_dict
        staff = make_user("specialist", "pohja")
        assert appointed(manager, mediation, staff).mediator == staff

    def test_a_mediator_does_not_appoint_nor_rewrite_the_referral(self, manager, mediation, mediator):
        appointed(manager, mediation, mediator)
        with pytest.raises(PermissionDenied):
            services.mediator_appoint(actor=mediator, mediation=mediation, mediator=mediator)
        mediation.refresh_from_db()
        with pytest.raises(PermissionDenied):
            services.mediation_update(
                actor=mediator,
                mediation=mediation,
                expected_version=mediation.version,
                **{name: getattr(mediation, name) for name in services.MEDIATION_FIELDS}
                | {"received_on": TODAY - timedelta(days=30)},
            )

    def test_a_mediator_who_may_no_longer_mediate_loses_the_mediation(self, manager, mediation, mediator):
        appointed(manager, mediation, mediator)
        volunteer = mediator.volunteer
        for change in ({"status": "paused"}, {"kinds": ["marac"]}, {"region": region("louna")}):
            Volunteer.objects.filter(pk=volunteer.pk).update(**change)
            assert not Mediation.objects.restrict(mediator).exists(), change
            Volunteer.objects.filter(pk=volunteer.pk).update(
                status="active", kinds=["mediator"], region=region("pohja")
            )
            assert Mediation.objects.restrict(mediator).exists()

    def test_a_replaced_mediator_loses_it_and_the_first_appointment_counts(self, manager, mediation, mediator):
        first = appointed(manager, mediation, mediator)
        staff = make_user("specialist", "pohja")
        replaced = services.mediator_appoint(
            actor=manager, mediation=first, mediator=staff, appointed_on=TODAY, expected_version=first.version
        )
        assert replaced.mediator == staff and replaced.appointed_on == first.appointed_on
        assert not Mediation.objects.restrict(mediator).exists()
        assert Notification.objects.filter(user=mediator, message__contains="Another mediator").exists()
        with pytest.raises(ConcurrentEdit):  # a manager who saw the page before the change
            services.mediator_appoint(
                actor=manager, mediation=replaced, mediator=mediator, expected_version=first.version
            )

    def test_the_mediator_sees_the_contacts_the_rules_allow_and_no_address(self, manager, mediation, mediator):
        appointed(manager, mediation, mediator)
        victim = selectors.allowed_contact(mediation.victim)
        assert [(d.channel, d.destination) for d in victim["channels"]] == [
            ("phone", ["+372 5555 1111"]),
            ("email", ["maria@example.invalid"]),
            ("in_person", []),
        ]
        assert victim["safe_times"] == "tööpäeviti 9-12"
        offender = selectors.allowed_contact(mediation.offender)
        assert [d.channel for d in offender["channels"]] == ["phone", "in_person"]


class TestAgreement:
    def test_from_the_meeting_to_a_fulfilled_agreement(self, specialist, manager, mediation, mediator):
        appointed(manager, mediation, mediator)
        with pytest.raises(ValidationError) as error:  # no meeting both attended yet
            services.agreement_record(
                actor=mediator, mediation=mediation, agreement_on=TODAY, party="offender", what="x", due_on=TODAY
            )
        assert "agreement_on" in error.value.message_dict
        mediation = agreed(mediator, mediation)
        assert mediation.is_follow_up
        services.obligation_add(
            actor=mediator, mediation=mediation, party="offender", what="Vabandab kirjalikult", due_on=TODAY
        )
        with pytest.raises(ValidationError) as error:
            services.mediation_close(actor=mediator, mediation=mediation, outcome="fulfilled")
        assert "outcome" in error.value.message_dict
        for obligation in mediation.obligations.all():
            services.obligation_settle(actor=mediator, obligation=obligation, status="fulfilled", settled_on=TODAY)
        with pytest.raises(ValidationError):
            services.mediation_close(actor=mediator, mediation=mediation, outcome="breached")
        closed = services.mediation_close(actor=mediator, mediation=mediation, outcome="fulfilled")
        assert closed.is_closed and closed.outcome == "fulfilled"

    def test_the_dates_follow_the_mediation(self, manager, mediation, mediator):
        Mediation.objects.filter(pk=mediation.pk).update(received_on=TODAY - timedelta(days=10))
        appointed(manager, Mediation.objects.get(pk=mediation.pk), mediator)
        with pytest.raises(ValidationError) as error:
            services.meeting_record(
                actor=mediator,
                mediation=mediation,
                held_on=TODAY - timedelta(days=5),  # before the appointment (today)
                victim_attended=True,
                offender_attended=True,
                notes="",
            )
        assert "held_on" in error.value.message_dict
        services.meeting_record(
            actor=mediator, mediation=mediation, held_on=TODAY, victim_attended=True, offender_attended=True, notes=""
        )
        with pytest.raises(ValidationError) as error:
            services.agreement_record(
                actor=mediator,
                mediation=mediation,
                agreement_on=TODAY - timedelta(days=1),  # before the meeting of both parties
                party="offender",
                what="x",
                due_on=TODAY,
            )
        assert TODAY.strftime("%d.%m.%Y") in str(error.value)

    def test_an_obligation_is_due_within_six_months(self, manager, mediation, mediator):
        appointed(manager, mediation, mediator)
        latest = deadlines.latest_obligation_due(TODAY)
        with pytest.raises(ValidationError) as error:
            agreed(mediator, mediation, due=latest + timedelta(days=1))
        assert latest.strftime("%d.%m.%Y") in str(error.value)
        assert Mediation.objects.get(pk=mediation.pk).agreement_on is None
        assert not Obligation.objects.exists()
        agreed(mediator, mediation, due=latest)

    def test_a_breach_needs_a_note_and_tells_the_managers(self, manager, mediation, mediator):
        appointed(manager, mediation, mediator)
        mediation = agreed(mediator, mediation)
        obligation = mediation.obligations.get()
        with pytest.raises(ValidationError) as error:
            services.obligation_settle(actor=mediator, obligation=obligation, status="breached", settled_on=TODAY)
        assert "note" in error.value.message_dict
        services.obligation_settle(
            actor=mediator, obligation=obligation, status="breached", settled_on=TODAY, note="Ei maksnud"
        )
        assert Notification.objects.filter(user=manager, params__mediation=mediation.reference).exists()
        closed = services.mediation_close(actor=mediator, mediation=mediation, outcome="breached")
        assert closed.outcome == "breached"

    def test_a_new_offence_within_the_watch(self, manager, mediation, mediator):
        appointed(manager, mediation, mediator)
        mediation = agreed(mediator, mediation, due=TODAY + timedelta(days=10))
        watched = deadlines.watched_until(TODAY + timedelta(days=10))
        for outside in (TODAY - timedelta(days=1), watched + timedelta(days=1)):
            with pytest.raises(ValidationError):
                services.new_offence_record(actor=mediator, mediation=mediation, offence_on=outside)
        recorded = services.new_offence_record(actor=mediator, mediation=mediation, offence_on=TODAY)
        assert recorded.new_offence_on == TODAY
        assert Notification.objects.filter(user=manager, message__contains="new offence").count() == 1
        with pytest.raises(ValidationError):  # recorded once; a second is not written over it
            services.new_offence_record(actor=mediator, mediation=recorded, offence_on=TODAY)

    def test_without_agreement(self, manager, mediation, mediator):
        appointed(manager, mediation, mediator)
        with pytest.raises(ValidationError):
            services.mediation_close(actor=mediator, mediation=mediation, outcome="fulfilled")
        closed = services.mediation_close(actor=mediator, mediation=mediation, outcome="withdrawn")
        assert closed.outcome == "withdrawn"
        with pytest.raises(ValidationError):
            services.meeting_record(
                actor=mediator, mediation=closed, held_on=TODAY, victim_attended=True, offender_attended=False, notes=""
            )


class TestRemindersAndReport:
    def test_each_reminder_once(self, specialist, manager, mediation, mediator):
        late = deadlines.appointment_due(TODAY) + timedelta(days=1)
        assert services.send_reminders(late) == 1
        assert services.send_reminders(late) == 0
        assert Notification.objects.filter(user=manager, message__contains="has no mediator").count() == 1
        appointed(manager, mediation, mediator)
        due = deadlines.first_meeting_due(TODAY)
        assert services.send_reminders(due) == 1 and services.send_reminders(due) == 0
        assert Notification.objects.filter(user=mediator, message__contains="first meeting").exists()
        mediation = agreed(mediator, mediation, due=TODAY + timedelta(days=5))
        assert services.send_reminders(TODAY + timedelta(days=6)) == 1
        assert services.send_reminders(TODAY + timedelta(days=6)) == 0

    def test_the_report_names_the_parties_never_their_contacts(self, manager, mediation, mediator):
        from pypdf import PdfReader

        appointed(manager, mediation, mediator)
        mediation = agreed(mediator, mediation)
        with pytest.raises(ValidationError):
            services.report_request(
                actor=manager,
                mediation=Mediation.objects.create(
                    region=mediation.region,
                    received_on=TODAY,
                    referred_by="court",
                    referring_body="Harju Maakohus",
                    proceedings_number="1",
                    offence="x",
                    victim=mediation.victim,
                    offender=mediation.offender,
                    created_by=manager,
                ),
            )
        job = services.report_request(actor=mediator, mediation=mediation)
        assert services.report_request(actor=mediator, mediation=mediation) == job  # a double click: one job
        document = register_report(mediation, mediator)
        text = "".join(page.extract_text() for page in PdfReader(document.file.open("rb")).pages)
        assert "Maria Kask" in text and "Jüri Tamm" in text and "300 eurot" in text
        for secret in ("5555", "maria@example.invalid", "tööpäeviti"):
            assert secret not in text
        assert document.number.startswith("9-18/") and Mediation.objects.get(pk=mediation.pk).report == document
        assert document.restriction_basis == "AvTS § 35 lg 1 p 1 ja p 12"
        again = register_report(Mediation.objects.get(pk=mediation.pk), manager)
        assert again.supersedes == document and again.responsible == manager

    def test_a_report_without_a_mediator_says_so(self, specialist, mediation):
        from pypdf import PdfReader

        closed = services.mediation_close(actor=specialist, mediation=mediation, outcome="withdrawn")
        text = "".join(
            page.extract_text() for page in PdfReader(register_report(closed, specialist).file.open("rb")).pages
        )
        assert "Lepitajat ei määratud" in text and "Lepitajaks määrati" not in text


class TestPages:
    def test_the_mediator_works_from_the_page_and_every_view_is_logged(self, client, manager, mediation, mediator):
        appointed(manager, mediation, mediator)
        client.force_login(mediator)
        assert client.get("/mediation/").status_code == 200
        page = client.get(f"/mediation/{mediation.pk}/").content.decode()
        assert "+372 5555 1111" in page and "Appoint" not in page
        entry = AccessLogEntry.objects.get(user=mediator, object_id=mediation.pk)
        assert set(entry.person_ids) == {mediation.victim_id, mediation.offender_id}
        assert entry.restricted  # from criminal proceedings: never shown to a party as who read their data
        response = client.post(
            f"/mediation/{mediation.pk}/meetings/new/",
            {"held_on": TODAY.strftime("%d.%m.%Y"), "victim_attended": "on", "notes": "Esimene kohtumine"},
        )
        assert response.status_code == 302 and mediation.meetings.count() == 1
        rejected = client.post(f"/mediation/{mediation.pk}/meetings/new/", {"held_on": "32.13.2026", "notes": "Alles"})
        assert rejected.status_code == 400 and "Alles" in rejected.content.decode()

    def test_receiving_from_the_page(self, client, specialist):
        client.force_login(specialist)
        assert client.get("/mediation/new/").status_code == 200
        data = {
            "region": region("pohja").pk,
            "received_on": TODAY.strftime("%d.%m.%Y"),
            "referred_by": "court",
            "referring_body": "Harju Maakohus",
            "proceedings_number": "1-26-555",
            "offence": "Ähvardamine",
            "victim_first_name": "Анна",
            "victim_last_name": "Иванова",
            "victim_birth_date": "01.02.1980",
            "victim_language": "ru",
            "victim_phone_allowed": "on",
            "victim_phone": "+372 5000 0000",
            "offender_first_name": "Karl",
            "offender_last_name": "",
            "offender_language": "et",
        }
        rejected = client.post("/mediation/new/", data)
        assert rejected.status_code == 400 and "Иванова" in rejected.content.decode()
        assert not Mediation.objects.exists()
        response = client.post(
            "/mediation/new/", data | {"offender_last_name": "Kuusk", "offender_birth_date": "03.04.1975"}
        )
        assert response.status_code == 302
        mediation = Mediation.objects.get()
        assert mediation.victim.last_name == "Иванова" and mediation.offender.last_name == "Kuusk"
