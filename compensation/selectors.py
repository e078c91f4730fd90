"""Reads of compensation: the claims list, a crime's claims with their calculation, the figures in force."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import F, Q, QuerySet

from cases.models.persons import normalize_name
from compensation.calculation import Calculation, Figures, ItemInput, calculate, share_crime_cap
from compensation.models import (
    Claim,
    ClaimStatus,
    CompensationDecision,
    CompensationDecisionStatus,
    CompensationRules,
    Crime,
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


def crime_calculations(crime: Crime, rules: CompensationRules) -> dict[Claim, Calculation]:
    """The calculation of each claim of the crime, in the order they came: the funeral cap and the
    crime's cap are shared. What issued decisions granted stays; the open claims share the rest."""
    calculations, funeral_used, granted = {}, Decimal("0"), {}
    issued = dict(
        CompensationDecision.objects.filter(claim__crime=crime, status=CompensationDecisionStatus.ISSUED)
        .annotate(granted=F("one_off_amount") + F("monthly_amount") * F("monthly_months"))
        .values_list("claim_id", "granted")
    )
    for claim in crime_claims(crime):
        calculation = calculate(item_inputs(claim), figures(rules), funeral_used=funeral_used)
        funeral_used += calculation.funeral_counted
        calculations[claim] = calculation
        if claim.pk in issued:
            granted[claim.pk] = issued[claim.pk]
            calculation.proposed = issued[claim.pk]
    share_crime_cap({claim: calc for claim, calc in calculations.items() if claim.is_open}, granted)
    return calculations
