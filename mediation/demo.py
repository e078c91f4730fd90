"""Demo mediations in Põhja: one waiting for a mediator, and one agreed whose mediator is the demo
volunteer (made a mediator too), with a meeting and two obligations."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from mediation.models import Mediation
from mediation.services import mediations as services
from victimsupport.history import acting_as
from victimsupport.models import Region, Role, User
from volunteers.models import Volunteer


def _party(first: str, last: str, phone: str, birth: date) -> dict:
    return {
        "first_name": first,
        "last_name": last,
        "personal_code": "",
        "birth_date": birth,
        "language": "et",
        "phone": phone,
        "email": "",
    }


RULES = {"phone_allowed": True, "sms_allowed": True, "email_allowed": False, "safe_times": "tööpäeviti 10-16"}


def seed(stdout) -> None:
    if Mediation.objects.exists():
        stdout.write("mediation: demo mediations exist already, nothing to do")
        return
    region = Region.objects.filter(code="pohja").first()
    specialist = User.objects.filter(username="spets.pohja").first()
    manager = User.objects.filter(regions__code="pohja", groups__name=Role.REGIONAL_MANAGER).first()
    volunteer = Volunteer.objects.filter(user__username="vabatahtlik.pohja").first()
    if region is None or specialist is None or manager is None:
        return
    today = timezone.localdate()
    with acting_as(specialist), transaction.atomic():
        services.mediation_receive(
            actor=specialist,
            region=region,
            parties={
                "victim": _party("Kadri", "Lõhmus", "+372 5301 1111", date(1988, 4, 2)),
                "offender": _party("Rasmus", "Kivi", "+372 5301 2222", date(1990, 9, 9)),
            },
            contacts={"victim": RULES, "offender": RULES},
            received_on=today - timedelta(days=2),
            referred_by="prosecutor",
            referring_body="Põhja Ringkonnaprokuratuur",
            proceedings_number="26230100777",
            offence="Kehaline väärkohtlemine (KarS § 121) naabritevahelises tülis.",
            victim_consent_on=today - timedelta(days=2),
            offender_consent_on=None,
        )
        agreed = services.mediation_receive(
            actor=specialist,
            region=region,
            parties={
                "victim": _party("Helle", "Saar", "+372 5302 1111", date(1975, 1, 20)),
                "offender": _party("Marko", "Pihl", "+372 5302 2222", date(2001, 6, 30)),
            },
            contacts={"victim": RULES, "offender": RULES},
            received_on=today - timedelta(days=40),
            referred_by="prosecutor",
            referring_body="Põhja Ringkonnaprokuratuur",
            proceedings_number="26230100555",
            offence="Asja rikkumine (KarS § 203): lõhutud autoaken.",
            victim_consent_on=today - timedelta(days=38),
            offender_consent_on=today - timedelta(days=37),
        )
    if volunteer is not None and "mediator" not in volunteer.kinds:
        Volunteer.objects.filter(pk=volunteer.pk).update(kinds=[*volunteer.kinds, "mediator"])
    mediator = volunteer.user if volunteer is not None and volunteer.status == "active" else specialist
    with acting_as(manager), transaction.atomic():
        services.mediator_appoint(
            actor=manager, mediation=agreed, mediator=mediator, appointed_on=today - timedelta(days=37)
        )
    with acting_as(mediator), transaction.atomic():
        services.meeting_record(
            actor=mediator,
            mediation=agreed,
            held_on=today - timedelta(days=20),
            victim_attended=True,
            offender_attended=True,
            notes="Pooled kohtusid ohvriabi ruumides; kokkulepe allkirjastati.",
        )
        services.agreement_record(
            actor=mediator,
            mediation=agreed,
            agreement_on=today - timedelta(days=20),
            party="offender",
            what="Hüvitab kannatanule autoakna 240 eurot",
            due_on=today + timedelta(days=40),
        )
        services.obligation_add(
            actor=mediator,
            mediation=agreed,
            party="offender",
            what="Vabandab kirjalikult",
            due_on=today - timedelta(days=5),
        )
    stdout.write("mediation: two demo mediations")
