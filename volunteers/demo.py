"""Demo volunteers: candidates at each step of the pipeline, active volunteers with a supervisor, and the
demo volunteer users linked to their records. Safe to run again (it adds nothing the second time)."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from cases.models import Case
from victimsupport.management.demo import faker
from victimsupport.models import County, User
from volunteers.models import Assignment, BackgroundCheck, Volunteer, VolunteerStatus, VolunteerStep
from volunteers.services import assignments as assignment_services
from volunteers.services import recruitment

PIPELINE = [
    VolunteerStatus.INTERVIEWED,
    VolunteerStatus.CHECKED,
    VolunteerStatus.TRAINED,
    VolunteerStatus.SIGNED,
    VolunteerStatus.ACTIVE,
]
# (region code, steps taken, linked demo user)
PEOPLE = [
    ("pohja", 5, "vabatahtlik.pohja"),
    ("pohja", 5, None),
    ("pohja", 3, None),
    ("pohja", 1, None),
    ("pohja", 0, None),
    ("louna", 5, "vabatahtlik.louna"),
    ("louna", 2, None),
    ("louna", 0, None),
]


def seed(*, stdout=None) -> None:
    if not Volunteer.objects.exists():
        _seed_volunteers(stdout)
    if not Assignment.objects.exists():
        _assign_demo_volunteers(timezone.localdate())


def _seed_volunteers(stdout) -> None:
    rng, fake = random.Random(11), faker(11)
    coordinator = {code: User.objects.get(username=f"koordinaator.{code}") for code in ("pohja", "louna")}
    supervisor = {code: User.objects.get(username=f"spets.{code}") for code in ("pohja", "louna")}
    today = timezone.localdate()
    for number, (code, steps, username) in enumerate(PEOPLE):
        user = User.objects.filter(username=username).first() if username else None
        county = rng.choice(list(County.objects.filter(region__code=code)))
        first = user.first_name if user else fake.first_name()
        last = user.last_name if user else fake.last_name()
        volunteer = recruitment.volunteer_apply(
            county=county,
            first_name=first,
            last_name=last,
            email=user.email if user else f"vabatahtlik{number}@demo.invalid",
            phone=f"+372 5{rng.randint(1000000, 9999999)}",
            languages=rng.choice([["et"], ["et", "ru"], ["ru", "en"]]),
            kinds=rng.choice([["marac"], ["marac", "crisis"], ["mediator"], ["counsellor"]]),
            motivation="Soovin aidata inimesi, kes on sattunud raskesse olukorda.",
        )
        actor = coordinator[code]
        day = today - timedelta(days=rng.randint(60, 120))
        applied_at = timezone.now() - (today - day)
        Volunteer.objects.filter(pk=volunteer.pk).update(applied_at=applied_at)
        VolunteerStep.objects.filter(volunteer=volunteer).update(happened_on=day)
        for status in PIPELINE[:steps]:
            day += timedelta(days=rng.randint(5, 15))
            volunteer.refresh_from_db()
            recruitment.volunteer_step(
                actor=actor,
                volunteer=volunteer,
                expected_version=volunteer.version,
                status=status,
                happened_on=min(day, today),
                background_check=BackgroundCheck.CLEAR if status == VolunteerStatus.CHECKED else "",
            )
        volunteer.refresh_from_db()
        Volunteer.objects.filter(pk=volunteer.pk).update(supervisor=supervisor[code], user=user)
    if stdout is not None:
        stdout.write(f"Demo volunteers: {len(PEOPLE)}")


def _assign_demo_volunteers(today) -> None:
    """Each demo volunteer user gets a client in their region, with a few activities logged."""
    for code in ("pohja", "louna"):
        volunteer = Volunteer.objects.filter(user__username=f"vabatahtlik.{code}").select_related("user").first()
        case = Case.objects.filter(region__code=code, status="open").order_by("pk").first()
        manager = User.objects.filter(username=f"juht.{code}").first()
        if volunteer is None or case is None or manager is None:
            continue
        assignment = assignment_services.assignment_create(
            actor=manager,
            case=case,
            volunteer=volunteer,
            starts_on=today - timedelta(days=20),
            ends_on=today + timedelta(days=160),
            tasks="Tugiisik kohtumenetluses: saatmine istungitele, toetavad kõned kord nädalas.",
            conflicts_seen=True,
        )
        for days_ago, kind, km, call_minutes in (
            (14, "accompaniment", "42.0", 0),
            (7, "call", "0", 25),
            (2, "meeting", "12.5", 0),
        ):
            assignment_services.activity_add(
                actor=volunteer.user,
                assignment=assignment,
                happened_on=today - timedelta(days=days_ago),
                duration_minutes=max(call_minutes, 60),
                kind=kind,
                trip_from="Kodu" if km != "0" else "",
                trip_to="Maakohus" if km != "0" else "",
                km=Decimal(km),
                call_minutes=call_minutes,
                note="",
            )
