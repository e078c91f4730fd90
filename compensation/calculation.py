"""The compensation calculation, line by line so a reviewer can follow it. Pure: figures in, figures out.

Per item, in this order: the amount accepted (the amount claimed while the evidence is unchecked), minus
what other sources already paid (never below zero), the item cap (funeral costs together at most the
funeral cap), then the rate (80%). The claim's total is then held to its share of the crime's cap: the
victim and all dependants of one crime share it. What decisions already granted stays; what is left is
shared by the open claims in proportion to their totals (rounded down to the cent, so the shares never
add up to more than the cap).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from compensation.models import NOT_COMPENSATED, LossKind
from victimsupport.templatetags.money import format_eur

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def money(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Figures:
    """The rules a claim is judged by (CompensationRules in force on the day of the crime)."""

    rate_percent: Decimal
    crime_cap: Decimal
    funeral_cap: Decimal


@dataclass(frozen=True)
class ItemInput:
    kind: str
    claimed: Decimal
    accepted: Decimal | None = None
    other_sources: Decimal = ZERO
    key: object = None  # the item, for the page


@dataclass
class Line:
    item: ItemInput
    counted: Decimal  # accepted, or claimed while unchecked
    after_other_sources: Decimal
    after_cap: Decimal
    compensated: Decimal
    notes: list[str] = field(default_factory=list)


@dataclass
class Calculation:
    lines: list[Line]
    rate_percent: Decimal
    loss: Decimal  # what is counted, before anything is taken off
    other_sources: Decimal
    at_rate: Decimal  # the sum of the lines
    crime_cap: Decimal
    unchecked: int  # items whose evidence is not checked yet
    funeral_counted: Decimal = ZERO  # what this claim counted of the funeral cap
    # Set by share_crime_cap (alone: the whole cap is this claim's).
    granted_to_others: Decimal = ZERO
    others_wanted: Decimal = ZERO
    proposed: Decimal = ZERO
    held_by_crime_cap: bool = False

    @property
    def cap_left(self) -> Decimal:
        return max(ZERO, self.crime_cap - self.granted_to_others)


def calculate(items: Iterable[ItemInput], figures: Figures, *, funeral_used: Decimal = ZERO) -> Calculation:
    """One claim's lines. `funeral_used`: what the crime's earlier claims already counted of the funeral
    cap (one funeral, whoever paid for it)."""
    rate = Decimal(figures.rate_percent) / 100
    funeral_left = max(ZERO, money(figures.funeral_cap) - money(funeral_used))
    lines: list[Line] = []
    for item in items:
        notes: list[str] = []
        counted = money(item.claimed if item.accepted is None else item.accepted)
        if item.accepted is None:
            notes.append(_("not checked yet: the amount claimed is counted"))
        after_other = max(ZERO, counted - money(item.other_sources))
        if item.other_sources:
            notes.append(_("minus %(amount)s already paid by others") % {"amount": format_eur(item.other_sources)})
        after_cap = after_other
        if item.kind in NOT_COMPENSATED:
            after_cap = ZERO
            notes.append(_("not compensated by law"))
        elif item.kind == LossKind.FUNERAL:
            after_cap = min(after_other, funeral_left)
            if after_cap < after_other:
                notes.append(
                    _("funeral costs are compensated up to %(cap)s") % {"cap": format_eur(figures.funeral_cap)}
                )
            funeral_left -= after_cap
        compensated = money(after_cap * rate)
        lines.append(Line(item, counted, after_other, after_cap, compensated, notes))
    at_rate = sum((line.compensated for line in lines), ZERO)
    calculation = Calculation(
        lines=lines,
        rate_percent=Decimal(figures.rate_percent),
        loss=sum((line.counted for line in lines), ZERO),
        other_sources=sum((money(line.item.other_sources) for line in lines), ZERO),
        at_rate=at_rate,
        crime_cap=money(figures.crime_cap),
        unchecked=sum(1 for line in lines if line.item.accepted is None),
        funeral_counted=sum((line.after_cap for line in lines if line.item.kind == LossKind.FUNERAL), ZERO),
    )
    share_crime_cap({None: calculation}, {})
    return calculation


def share_crime_cap(open_claims: dict, granted: dict) -> None:
    """Set `proposed` on the calculations of a crime's open claims (key: claim): `granted` maps the
    decided claims to what their decisions granted, which stays; the rest of the cap is shared by the open
    claims in proportion to their totals, rounded down to the cent."""
    if not open_claims:
        return
    cap = next(iter(open_claims.values())).crime_cap
    fixed = sum((money(amount) for amount in granted.values()), ZERO)
    left = max(ZERO, cap - fixed)
    wanted = sum((calc.at_rate for calc in open_claims.values()), ZERO)
    for calc in open_claims.values():
        calc.granted_to_others = fixed
        calc.others_wanted = wanted - calc.at_rate
        if wanted <= left:
            calc.proposed = calc.at_rate
        else:
            calc.proposed = (left * calc.at_rate / wanted).quantize(CENT, rounding=ROUND_DOWN)
        calc.held_by_crime_cap = calc.proposed < calc.at_rate
