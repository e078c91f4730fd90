"""Demo persons and cases (generated people, never real ones). Runs once; later runs change nothing."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from cases import selectors
from cases.aidletters import _register_letter
from cases.choices import (
    ContactChannel,
    ContactKind,
    IncidentType,
    Language,
    PartyRole,
    ProceedingsKind,
    ReferralSource,
    RelationKind,
    RiskLevel,
)
from cases.models import AidApplication, AidCap, Case
from cases.services import aid as aid_services
from cases.services import cases as case_services
from cases.services import persons as person_services
from cases.services import work as work_services
from victimsupport.history import acting_as
from victimsupport.management.demo import faker, personal_code
from victimsupport.models import County, Region, User

# County -> a few (settlement, postal code, streets) to make addresses look Estonian.
PLACES = {
    "harju": ("Tallinn", "10115", ["Narva mnt", "Pärnu mnt", "Tartu mnt", "Mustamäe tee", "Sõpruse pst"]),
    "rapla": ("Rapla", "79511", ["Tallinna mnt", "Viljandi mnt", "Koidu tn"]),
    "tartu": ("Tartu", "50090", ["Riia tn", "Jõe tn", "Raatuse tn", "Anne tn"]),
    "jogeva": ("Jõgeva", "48306", ["Suur tn", "Aia tn"]),
    "polva": ("Põlva", "63308", ["Kesk tn", "Jaama tn"]),
    "valga": ("Valga", "68203", ["Vabaduse tn", "Kungla tn"]),
    "voru": ("Võru", "65608", ["Jüri tn", "Tartu tn"]),
    "viljandi": ("Viljandi", "71020", ["Tallinna tn", "Posti tn"]),
}

DEMO_CASES_PER_REGION = 12


def seed(stdout) -> None:
    if Case.objects.exists():
        stdout.write("cases: demo cases exist already, nothing to do")
    else:
        _seed_cases(stdout)
    _seed_aid(stdout)


def _seed_cases(stdout) -> None:
    rng = random.Random(41)
    fake = faker(41)
    today = timezone.localdate()
    for region_code in ("pohja", "louna"):
        region = Region.objects.get(code=region_code)
        counties = [county for county in County.objects.filter(region=region) if county.code in PLACES]
        staff = list(User.objects.filter(regions=region, groups__name="specialist", is_active=True).order_by("pk"))
        manager = User.objects.filter(regions=region, groups__name="regional_manager").first()
        for index in range(DEMO_CASES_PER_REGION):
            specialist = staff[index % len(staff)]
            with acting_as(specialist):
                _demo_case(rng, fake, today, region, rng.choice(counties), specialist, manager, index)
    stdout.write(f"cases: {2 * DEMO_CASES_PER_REGION} demo cases created")


def _person(rng, fake, actor: User, county, *, female: bool, adult: bool = True, russian: bool = False):
    birth = date(rng.randint(1950, 2004) if adult else rng.randint(2010, 2020), rng.randint(1, 12), rng.randint(1, 28))
    settlement, postal, streets = PLACES[county.code]
    return person_services.person_create(
        actor=actor,
        first_name=fake.first_name_female() if female else fake.first_name_male(),
        last_name=fake.last_name(),
        personal_code=personal_code(rng, birth=birth, female=female),
        language=Language.RUSSIAN if russian else Language.ESTONIAN,
        phone=f"+372 5{rng.randint(100, 999)} {rng.randint(1000, 9999)}",
        email=f"demo{rng.randint(1000, 9999)}@example.invalid" if rng.random() < 0.6 else "",
        county=county,
        settlement=settlement,
        street=rng.choice(streets),
        house=str(rng.randint(1, 120)),
        apartment=str(rng.randint(1, 60)) if rng.random() < 0.6 else "",
        postal_code=postal,
    )


def _demo_case(rng, fake, today, region, county, specialist, manager, index) -> None:
    incident = rng.choice(
        [IncidentType.DOMESTIC_VIOLENCE] * 4
        + [IncidentType.SEXUAL_VIOLENCE, IncidentType.OTHER_VIOLENCE, IncidentType.PROPERTY, IncidentType.CRISIS]
    )
    client = _person(rng, fake, specialist, county, female=rng.random() < 0.8, russian=rng.random() < 0.25)
    opened = today - timedelta(days=rng.randint(3, 200))
    source = rng.choice(
        [ReferralSource.SELF, ReferralSource.POLICE, ReferralSource.POLICE, ReferralSource.LOCAL_GOVERNMENT]
    )
    consent = {}
    if source != ReferralSource.SELF:
        consent = {
            "referral_source_detail": "Politsei- ja Piirivalveamet"
            if source == ReferralSource.POLICE
            else "Linnavalitsus",
            "consent_given_by": "konstaabel " + fake.last_name()
            if source == ReferralSource.POLICE
            else "lastekaitsespetsialist",
            "consent_at": timezone.make_aware(datetime.combine(opened - timedelta(days=1), time(14, 30))),
            "consent_scope": "nimi, kontaktandmed, juhtumi liik",
        }
    proceedings = {}
    if source == ReferralSource.POLICE or incident == IncidentType.OTHER_VIOLENCE:
        proceedings = {
            "proceedings_kind": ProceedingsKind.CRIMINAL,
            "proceedings_number": f"2{today.year % 100}{rng.randint(230000000, 239999999)}",
            "proceedings_date": opened - timedelta(days=2),
        }
    case = case_services.case_open(
        actor=specialist,
        client=client,
        region=region,
        county=county,
        responsible=specialist,
        opened_on=opened,
        referral_source=source,
        incident_type=incident,
        incident_date=opened - timedelta(days=rng.randint(1, 10)),
        incident_place=PLACES[county.code][0],
        risk_level=rng.choice(list(RiskLevel.values)),
        summary="Pöördus nõustamiseks pärast perevägivalla juhtumit."
        if incident == IncidentType.DOMESTIC_VIOLENCE
        else "",
        **consent,
        **proceedings,
    )
    person_services.safe_contact_set(
        actor=specialist,
        person=client,
        expected_version=selectors.safe_contact_version(client),
        phone_allowed=True,
        sms_allowed=rng.random() < 0.7,
        email_allowed=bool(client.email),
        letter_allowed=rng.random() < 0.5,
        in_person_allowed=True,
        safe_times="tööpäeviti 9-16" if rng.random() < 0.5 else "",
        never_write_home=incident == IncidentType.DOMESTIC_VIOLENCE,
        letter_address=f"Postkast {rng.randint(10, 99)}\n{PLACES[county.code][1]} {PLACES[county.code][0]}"
        if incident == IncidentType.DOMESTIC_VIOLENCE
        else "",
        code_word="päikeselill" if rng.random() < 0.3 else "",
    )
    if incident == IncidentType.DOMESTIC_VIOLENCE:
        perpetrator = _person(rng, fake, specialist, county, female=False)
        case_services.case_add_party(
            actor=specialist, case=case, person=perpetrator, role=PartyRole.ALLEGED_PERPETRATOR
        )
        person_services.relation_add(
            actor=specialist, person=perpetrator, related_person=client, kind=RelationKind.SPOUSE_OF
        )
        if rng.random() < 0.5:
            child = _person(rng, fake, specialist, county, female=rng.random() < 0.5, adult=False)
            case_services.case_add_party(actor=specialist, case=case, person=child, role=PartyRole.FAMILY_MEMBER)
            person_services.relation_add(
                actor=specialist, person=child, related_person=client, kind=RelationKind.CHILD_OF
            )
    for contact_index in range(rng.randint(1, 5)):
        moment = timezone.make_aware(
            datetime.combine(opened + timedelta(days=contact_index * 7), time(10 + contact_index, 0))
        )
        if moment > timezone.now():
            break
        work_services.contact_add(
            actor=specialist,
            case=case,
            happened_at=moment,
            duration_minutes=rng.choice([20, 30, 45, 60]),
            channel=rng.choice(list(ContactChannel.values)[:3]),
            kind=ContactKind.FIRST_CONTACT if contact_index == 0 else ContactKind.COUNSELLING,
            summary="Arutasime turvalisusplaani ja edasisi samme." if contact_index else "Esmane pöördumine.",
        )
    work_services.note_add(
        actor=specialist,
        case=case,
        text="Klient soovib edaspidi suhelda ainult telefoni teel.",
        restricted=index % 4 == 0,
    )
    work_services.plan_item_add(actor=specialist, case=case, kind="need", text="Turvaline elukoht")
    work_services.plan_item_add(actor=specialist, case=case, kind="goal", text="Vaimse tervise abi taotlemine")
    work_services.task_add(
        actor=specialist,
        case=case,
        title="Helistada kliendile ja kokku leppida järgmine kohtumine",
        due_on=today + timedelta(days=rng.randint(-10, 14)),
        assigned_to=specialist,
    )
    if index % 5 == 4:
        case_services.case_close(actor=specialist, case=case, reason="goals_met", note="Abi osutatud.")
    if index == 7 and manager is not None:
        with acting_as(manager):
            case_services.case_set_sealed(
                actor=manager, case=case, sealed=True, reason="Klient töötab politseis (demo)."
            )


# 2026: 886 EUR until 31 March, 946 EUR from 1 April (agreed by the social partners; to be confirmed).
DEMO_CAPS = [(date(2026, 1, 1), "886.00"), (date(2026, 4, 1), "946.00")]


def _seed_aid(stdout) -> None:
    """Aid applications in the demo: one waiting for a decision, a partial grant waiting for approval and
    an issued grant with its letter."""
    from decimal import Decimal

    # Demo only: in production an administrator enters the minimum monthly wage with its start date.
    for valid_from, amount in DEMO_CAPS:
        AidCap.objects.get_or_create(
            valid_from=valid_from,
            defaults={"amount": Decimal(amount), "note": "demo value, to be confirmed against the regulation"},
        )
    if AidApplication.objects.exists():
        return
    today = timezone.localdate()
    basis_for = {"domestic_violence": "domestic_violence", "sexual_violence": "sexual_violence"}
    chosen = []
    for case in (
        Case.objects.filter(region__code="pohja", status="open", sealed=False, responsible__isnull=False)
        .select_related("responsible")
        .order_by("pk")
    ):
        basis = basis_for.get(case.incident_type) or ("criminal_proceedings" if case.proceedings_number else None)
        if basis:
            chosen.append((case, basis))
        if len(chosen) == 3:
            break
    if len(chosen) < 3:
        return
    applications = []
    for (case, basis), days in zip(chosen, (12, 6, 2), strict=True):
        with acting_as(case.responsible):
            applications.append(
                aid_services.application_create(
                    actor=case.responsible,
                    case=case,
                    applicant=case.client,
                    applicant_role="victim",
                    basis=basis,
                    received_on=today - timedelta(days=days),
                    what_happened="Vägivallajuhtum, korduvad intsidendid.",
                    symptoms="Unehäired, ärevus, raskused tööl keskendumisel.",
                    urgency="soon",
                    language_wish="et",
                    service_wished="counselling",
                )
            )
    first, second = applications[0], applications[1]
    with acting_as(first.case.responsible):
        grant = aid_services.decision_draft(
            actor=first.case.responsible,
            application=first,
            kind="grant",
            amount_cap=Decimal("886.00"),
            valid_from=today - timedelta(days=5),
            valid_until=today + timedelta(days=180),
            service_type="counselling",
            reasoning="Taotleja on vägivalla ohver ja vajab abi traumast taastumiseks.",
        )
        grant = aid_services.decision_issue(actor=first.case.responsible, decision=grant)
        _register_letter(grant, first.case.responsible)
    with acting_as(second.case.responsible):
        partial = aid_services.decision_draft(
            actor=second.case.responsible,
            application=second,
            kind="partial",
            amount_cap=Decimal("500.00"),
            valid_from=today,
            valid_until=today + timedelta(days=120),
            service_type="counselling",
            reasoning="Abivajadus on olemas, kuid soovitud psühhoteraapia asemel sobib nõustamine.",
        )
        aid_services.decision_submit(actor=second.case.responsible, decision=partial)
    stdout.write("cases: demo aid applications and decisions created")
