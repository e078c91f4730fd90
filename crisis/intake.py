"""A crisis registration as the start of a case intake (cases.intake_sources): the person's name and
contact as far as the registration has them, the case's incident the event."""

from __future__ import annotations

import re

from django.utils import timezone

from cases.choices import IncidentType, ReferralSource
from cases.intake_sources import IntakeSource
from crisis.models import Registration
from crisis.services.events import registration_became_case

PHONE = re.compile(r"^\+?[\d\s-]{6,}$")


def load(user, pk: int) -> Registration | None:
    """The registration, if the user may work on it (its link() refuses one that is closed)."""
    return Registration.objects.restrict(user, "change").select_related("event").filter(pk=pk).first()


def initial(registration: Registration) -> dict[str, dict]:
    event = registration.event
    words = registration.who.split()
    person: dict = {}
    # Only what reads as a name ("Mari Tamm"), never a description ("Mees sinises jopes", "Mari, ema").
    if 2 <= len(words) <= 3 and all(word[:1].isupper() and word.replace("-", "").isalpha() for word in words):
        person = {"first_name": " ".join(words[:-1]), "last_name": words[-1]}
    contact = registration.contact.strip()
    if "@" in contact:
        person["email"] = contact
    elif PHONE.match(contact):
        person["phone"] = contact
    return {
        "person": person,
        "case": {
            "region": event.region_id,
            "incident_type": IncidentType.CRISIS,
            "incident_date": timezone.localdate(event.started_at),
            "incident_place": event.place[:200],
            "referral_source": ReferralSource.SELF,  # we met the person at the scene: nobody forwarded them
            "referral_source_detail": event.title[:200],
        },
    }


def link(actor, registration: Registration, case) -> None:
    registration_became_case(actor=actor, registration=registration, case=case)


SOURCE = IntakeSource("crisis", load, initial, link)
