"""A demo crisis event in Põhja, under way: a fire in an apartment building, a helper on the roster and
a few people registered, one seen."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from crisis.models import CrisisEvent
from crisis.services import events as services
from victimsupport.history import acting_as
from victimsupport.models import Region, Role, User


def seed(stdout) -> None:
    if CrisisEvent.objects.exists():
        stdout.write("crisis: a demo event exists already, nothing to do")
        return
    region = Region.objects.filter(code="pohja").first()
    manager = User.objects.filter(regions__code="pohja", groups__name=Role.REGIONAL_MANAGER).first()
    specialist = User.objects.filter(username="spets.pohja").first()
    if region is None or manager is None or specialist is None:
        return
    now = timezone.now()
    with acting_as(manager), transaction.atomic():
        event = services.event_open(
            actor=manager,
            region=region,
            title="Tulekahju kortermajas",
            place="Tallinn, Lasnamäe, Punane tn",
            started_at=now - timedelta(hours=3),
            lead_agency="Päästeamet",
            contact_point=specialist,
            notes="Elanikud on evakueeritud lähedal asuvasse kooli.",
        )
    with acting_as(specialist), transaction.atomic():
        people = [
            ("Aino Kask", "+372 5123 4567", "affected", ["first_aid", "shelter"]),
            ("Mees sinises jopes, umbes 50", "", "witness", ["information"]),
            ("Nadežda Ivanova", "", "relative", ["information", "first_aid"]),
        ]
        for who, contact, category, needs in people:
            registration = services.registration_add(
                actor=specialist, event=event, who=who, contact=contact, category=category, needs=needs
            )
        services.first_aid_log(actor=specialist, registration=registration, note="Rahunes, õde tuleb järele.")
    stdout.write("crisis: a demo event with three people registered")
