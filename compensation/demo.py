"""Demo compensation claims: one being handled (losses, a request to the police, an expert doctor asked)
and one granted with monthly payments, its letter made and the first payment approved."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from cases.models import Case
from compensation import selectors
from compensation.letters import _register_letter, _register_request
from compensation.models import Claim
from compensation.services import claims as claim_services
from compensation.services import decisions as decision_services
from compensation.services import evidence as evidence_services
from compensation.services import payments as payment_services
from victimsupport.history import acting_as
from victimsupport.models import Role, User


def seed(stdout) -> None:
    if Claim.objects.exists():
        stdout.write("compensation: demo claims exist already, nothing to do")
        return
    cases = list(
        Case.objects.filter(region__code="pohja", status="open", sealed=False, responsible__isnull=False)
        .select_related("responsible", "client", "region")
        .order_by("-pk")[:2]
    )
    manager = User.objects.filter(regions__code="pohja", groups__name=Role.REGIONAL_MANAGER).first()
    doctor = User.objects.filter(groups__name=Role.EXPERT_DOCTOR).first()
    if len(cases) < 2 or manager is None or doctor is None:
        return
    today = timezone.localdate()
    for index, case in enumerate(cases):
        specialist = case.responsible
        with acting_as(specialist), transaction.atomic():
            claim = claim_services.claim_open(
                actor=specialist,
                case=case,
                crime_fields={
                    "victim": case.client,
                    "occurred_on": today - timedelta(days=120 + 40 * index),
                    "in_estonia": True,
                    "place": "Tallinn",
                    "description": "Rünnak trepikojas, mille tagajärjel kannatanu sai raskeid vigastusi.",
                    "reported_on": today - timedelta(days=119 + 40 * index),
                    "proceedings_number": f"2523020{index:04d}",
                    "late_report_reason": "",
                    "health_damage": "serious",
                    "disorder_months": None,
                },
                claimant=case.client,
                claimant_role="victim",
                relation="",
                received_on=today - timedelta(days=30 - 10 * index),
                iban="EE382200221020145685",
                notes="",
            )
            for kind, description, amount, other in (
                ("treatment", "Taastusravi arved", "1480.00", "300.00"),
                ("aids", "Prillid ja purunenud telefon", "420.00", "0"),
                ("lost_income", "Saamata jäänud töötasu 3 kuud", "2700.00", "900.00"),
                ("non_pecuniary", "Valu ja kannatused", "5000.00", "0"),
            ):
                claim_services.item_add(
                    actor=specialist,
                    claim=claim,
                    kind=kind,
                    description=description,
                    period_from=None,
                    period_until=None,
                    amount_claimed=Decimal(amount),
                    amount_accepted=None if index == 0 else Decimal(amount),
                    other_sources=Decimal(other),
                    other_sources_note="Tervisekassa" if other != "0" else "",
                )
            if index == 0:
                request = evidence_services.request_send(
                    actor=specialist,
                    claim=claim,
                    recipient_kind="police",
                    recipient_name="Põhja prefektuur",
                    recipient_address="Tööstuse 52\n10416 Tallinn",
                    question="Palume kinnitada kriminaalmenetluse alustamine ja kannatanu vigastuste kirjeldus.",
                )
                _register_request(request, specialist)
                evidence_services.opinion_ask(
                    actor=specialist,
                    claim=claim,
                    doctor=doctor,
                    question="Kas kirjeldatud tervisekahju on põhjustatud kuriteost ja kui raske see on?",
                    documents=[],
                    due_on=today + timedelta(days=21),
                )
                continue
            calculation = selectors.claim_calculation(claim)
            monthly = Decimal("200.00")
            months = int(min(calculation.proposed, Decimal("2400")) // monthly) - 4
            decision = decision_services.decision_draft(
                actor=specialist,
                claim=claim,
                kind="partial",
                one_off_amount=calculation.proposed - monthly * months - Decimal("100.00"),
                monthly_amount=monthly,
                monthly_from=decision_services.add_months(today.replace(day=1), 1),
                monthly_months=months,
                facts="Taotleja esitas ravi- ja sissetulekukadu tõendavad dokumendid.",
                reasoning="Kahju on tõendatud. Valu ja kannatusi ei hüvitata. Osa kuludest hüvitas Tervisekassa.",
            )
            decision_services.decision_submit(actor=specialist, decision=decision)
        with acting_as(manager), transaction.atomic():
            decision = decision_services.decision_approve(actor=manager, decision=decision)
            _register_letter(decision, manager)
            payment_services.instalments_approve(actor=manager, decision=decision)
    stdout.write("compensation: demo claims created")
