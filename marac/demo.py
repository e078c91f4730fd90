"""Demo MARAC networks (18: one per county and three city networks), member agencies and members in the
two demo regions, and a case that went to MARAC by professional judgement, heard at a meeting with an
action plan. Safe to run again."""

from __future__ import annotations

from datetime import time, timedelta

from django.utils import timezone

from cases.models import Case
from marac.letters import make_referral_letters
from marac.models import Agency, CountyPopulation, MaracCase, Membership, Network
from marac.selectors import current_questionnaire
from marac.services import actions as action_services
from marac.services import assessments as assessment_services
from marac.services import meetings as meeting_services
from marac.services import referrals as referral_services
from victimsupport.history import acting_as
from victimsupport.jobs import job_run
from victimsupport.models import County, Job, User

CITY_NETWORKS = [
    ("harju", "Tallinna MARAC-i võrgustik"),
    ("ida-viru", "Narva MARAC-i võrgustik"),
    ("tartu", "Tartu linna MARAC-i võrgustik"),
]
# (county, agencies (kind, name), members (username, agency kind, chair, coordinator))
MEMBERS = {
    "harju": (
        [
            ("police", "Põhja prefektuur"),
            ("child_protection", "Harju valla lastekaitse"),
            ("womens_support", "Harjumaa naiste tugikeskus"),
            ("prosecutor", "Põhja ringkonnaprokuratuur"),
            ("victim_support", "Ohvriabi, Põhja"),
        ],
        [
            ("marac.pohja", "police", True, False),
            ("koordinaator.pohja", "victim_support", False, True),
            ("juht.pohja", "victim_support", False, False),
        ],
    ),
    "tartu": (
        [
            ("police", "Lõuna prefektuur"),
            ("local_government", "Tartu vald"),
            ("womens_support", "Tartumaa naiste tugikeskus"),
            ("victim_support", "Ohvriabi, Lõuna"),
        ],
        [("marac.louna", "police", True, False), ("juht.louna", "victim_support", False, True)],
    ),
}


# Rough adult women per county for the demo's "per 10,000" figure (not official statistics).
DEMO_POPULATION = {
    "harju": 260000,
    "tartu": 70000,
    "ida-viru": 55000,
    "parnu": 37000,
    "laane-viru": 26000,
    "viljandi": 20000,
    "rapla": 14000,
    "voru": 14000,
    "saare": 14000,
    "jogeva": 12000,
    "jarva": 12000,
    "valga": 11000,
    "polva": 11000,
    "laane": 8500,
    "hiiu": 3700,
}


def seed(*, stdout=None) -> None:
    if Network.objects.exists():
        if stdout:
            stdout.write("marac: demo networks exist already, nothing to do")
        return
    start = timezone.localdate() - timedelta(days=400)
    for county in County.objects.order_by("name"):
        Network.objects.create(name=f"{county.name} MARAC-i võrgustik", county=county, meeting_place=f"{county.name}")
    for county_code, name in CITY_NETWORKS:
        Network.objects.create(name=name, county=County.objects.get(code=county_code))
    for county_code, (agencies, members) in MEMBERS.items():
        network = Network.objects.filter(county__code=county_code).order_by("pk").first()
        by_kind = {kind: Agency.objects.create(network=network, kind=kind, name=name) for kind, name in agencies}
        for username, kind, chair, coordinator in members:
            user = User.objects.filter(username=username).first()
            if user is not None:
                Membership.objects.create(
                    network=network,
                    agency=by_kind[kind],
                    user=user,
                    starts_on=start,
                    is_chair=chair,
                    is_coordinator=coordinator,
                )
    year = timezone.localdate().year
    for county in County.objects.filter(code__in=DEMO_POPULATION):
        CountyPopulation.objects.get_or_create(
            county=county, year=year, defaults={"adult_women": DEMO_POPULATION[county.code], "source": "demo"}
        )
    _demo_case()
    if stdout:
        stdout.write(f"marac: {Network.objects.count()} networks, members in Harju and Tartu, one MARAC case")


def _demo_case() -> None:
    """A case assessed below the threshold, raised to high by judgement, referred and heard."""
    case = (
        Case.objects.filter(county__code="harju", status="open", incident_type="domestic_violence", sealed=False)
        .exclude(responsible=None)
        .order_by("pk")
        .first()
    )
    coordinator = User.objects.filter(username="koordinaator.pohja").first()
    partner = User.objects.filter(username="marac.pohja").first()
    questionnaire = current_questionnaire()
    if case is None or coordinator is None or questionnaire is None:
        return
    specialist = case.responsible
    network = Network.objects.filter(county__code="harju").order_by("pk").first()
    today = timezone.localdate()
    yes = {q.number for q in questionnaire.questions.all()[:11]}
    with acting_as(specialist):
        assessment = assessment_services.assessment_create(
            actor=specialist,
            case=case,
            questionnaire=questionnaire,
            answers={q.number: "yes" if q.number in yes else "no" for q in questionnaire.questions.all()},
            assessed_on=today - timedelta(days=20),
            police_callouts=1,
            judgement_level="high",
            judgement_reason=(
                "Ohver kirjeldab kägistamiskatset eelmisel nädalal; vägivallatseja on lahkuminekust teada saanud."
            ),
        )
        referral = referral_services.maraccase_refer(
            actor=specialist, assessment=assessment, network=network, legal_basis="oas_10"
        )
    job = Job.objects.filter(kind="marac_referral_letters", target_id=referral.pk).first()
    if job is not None:
        job_run(job.pk, make_referral_letters)
    with acting_as(coordinator):
        meeting = meeting_services.meetings_schedule(
            actor=coordinator, network=network, first_on=today + timedelta(days=3), at=time(10, 0), count=3
        )[0]
        item = meeting_services.agenda_add(
            actor=coordinator, meeting=meeting, referral=MaracCase.objects.get(pk=referral.pk)
        )
        police = Agency.objects.get(network=network, kind="police")
        action_services.action_add(
            actor=coordinator,
            item=item,
            agency=police,
            owner=partner,
            description="Kontrollida lähenemiskeelu taotlemise võimalust ja teavitada ohvrit.",
            due_on=today + timedelta(days=17),
        )
