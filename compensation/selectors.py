"""Reads of compensation: the claims list, a crime's claims with their calculation, the figures in force."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Q, QuerySet, Sum

from cases.models.persons import normalize_name
from compensation.calculation import Calculation, Figures, ItemInput, calculate, share_crime_cap
from compensation.models import (
    Claim,
    ClaimStatus,
    CompensationDecision,
    CompensationDecisionStatus,
    CompensationRules,
    Crime,
    Instalment,
    InstalmentStatus,
)
from victimsupport.models import User

CLAIM_SORTS = {
    "received": ("received_on", "id"),
    "-received": ("-received_on", "-id"),
    "crime": ("crime__occurred_on", "id"),
    "-crime": ("-crime__occurred_on", "-id"),
}


def claim_list(
    user: User, *, q: str = "", status: str = "", region=None, mine: bool = False, sort: str = "-received"
) -> QuerySet[Claim]:
    claims = Claim.objects.restrict(user).select_related("claimant", "crime__region", "handler", "case")
    if q:
        q = q.strip()
        reference = q.upper().removeprefix("H-")
        condition = Q(crime__proceedings_number__iexact=q) | Q(claimant__search_name__contains=normalize_name(q))
        if reference.isascii() and reference.isdigit() and len(reference) < 18:
            condition |= Q(pk=int(reference))
        claims = claims.filter(condition)
    if status:
        claims = claims.filter(status=status)
    if region is not None:
        claims = claims.filter(crime__region=region)
    if mine:
        claims = claims.filter(handler=user)
    return claims.order_by(*CLAIM_SORTS.get(sort, CLAIM_SORTS["-received"]))


def rules_for(crime: Crime) -> CompensationRules | None:
    return CompensationRules.in_force(crime.occurred_on)


def figures(rules: CompensationRules) -> Figures:
    return Figures(rate_percent=rules.rate_percent, crime_cap=rules.crime_cap, funeral_cap=rules.funeral_cap)


def item_inputs(claim: Claim) -> list[ItemInput]:
    return [
        ItemInput(
            kind=item.kind,
            claimed=item.amount_claimed,
            accepted=item.amount_accepted,
            other_sources=item.other_sources,
            key=item,
        )
        for item in claim.items.all()
    ]


def crime_claims(crime: Crime) -> list[Claim]:
    """Every claim of the crime but the withdrawn: they share one cap. Claims follow their crime's scope,
    so whoever sees one claim may see the others."""
    return list(
        crime.claims.exclude(status=ClaimStatus.WITHDRAWN)
        .select_related("claimant")
        .prefetch_related("items")
        .order_by("received_on", "id")
    )


def ledger(crime: Crime) -> dict[int, Decimal]:
    """The crime's ledger per claim: what the issued decisions grant, less the payments stopped (by an
    event, or replaced by an amendment). The crime's cap holds for its total."""
    rows = (
        Instalment.objects.filter(decision__claim__crime=crime, decision__status=CompensationDecisionStatus.ISSUED)
        .exclude(status=InstalmentStatus.STOPPED)
        .values_list("decision__claim_id")
        .annotate(total=Sum("amount"))
    )
    return dict(rows)


def granted_for_crime(crime: Crime, *, exclude_claim: Claim | None = None) -> Decimal:
    """The ledger's total (without one claim's part)."""
    total = sum(
        (amount for claim_id, amount in ledger(crime).items() if exclude_claim is None or claim_id != exclude_claim.pk),
        Decimal("0"),
    )
    return total.quantize(Decimal("0.01"))


def paid_on_claim(claim: Claim) -> Decimal:
    """What the claim's issued decisions have paid (sent to the bank): an amendment replaces the rest."""
    total = Instalment.objects.filter(
        decision__claim=claim, decision__status=CompensationDecisionStatus.ISSUED, status=InstalmentStatus.SENT
    ).aggregate(total=Sum("amount"))["total"]
    return (total or Decimal("0")).quantize(Decimal("0.01"))


def decision_in_force(claim: Claim) -> CompensationDecision | None:
    """The claim's last issued decision: the first, or the amendment no other amends."""
    return (
        claim.decisions.filter(status=CompensationDecisionStatus.ISSUED)
        .exclude(amendments__status=CompensationDecisionStatus.ISSUED)
        .first()
    )


def claim_calculation(claim: Claim) -> Calculation | None:
    """The calculation of one claim, among its crime's (they share the caps)."""
    rules = rules_for(claim.crime)
    if rules is None:
        return None
    calculations = crime_calculations(claim.crime, rules)
    return next((calc for other, calc in calculations.items() if other.pk == claim.pk), None)


def crime_calculations(crime: Crime, rules: CompensationRules) -> dict[Claim, Calculation]:
    """The calculation of each claim of the crime, in the order they came: the funeral cap and the
    crime's cap are shared. What the decided claims hold in the ledger stays; so does, for the others,
    what a claim reopened to amend its decision holds until the amendment is issued. New claims share
    the rest; a reopened claim may have up to what the others leave (what it was paid included), as
    the decision's checks allow."""
    calculations, funeral_used = {}, Decimal("0")
    held = ledger(crime)
    decided_before = set(
        CompensationDecision.objects.filter(claim__crime=crime, status=CompensationDecisionStatus.ISSUED).values_list(
            "claim_id", flat=True
        )
    )
    for claim in crime_claims(crime):
        calculation = calculate(item_inputs(claim), figures(rules), funeral_used=funeral_used)
        funeral_used += calculation.funeral_counted
        calculations[claim] = calculation
    reopened = {claim for claim in calculations if claim.is_open and claim.pk in decided_before}
    fixed = {
        claim.pk: held.get(claim.pk, Decimal("0")) for claim in calculations if not claim.is_open or claim in reopened
    }
    for claim, calculation in calculations.items():
        if not claim.is_open:
            calculation.proposed = fixed[claim.pk]
    share_crime_cap({c: calc for c, calc in calculations.items() if c.is_open and c not in reopened}, fixed)
    for claim in reopened:
        calculation = calculations[claim]
        others = sum((amount for pk, amount in fixed.items() if pk != claim.pk), Decimal("0"))
        calculation.granted_to_others = others
        calculation.proposed = max(Decimal("0"), min(calculation.at_rate, calculation.crime_cap - others))
        calculation.held_by_crime_cap = calculation.proposed < calculation.at_rate
    return calculations
