"""Amounts in euros the Estonian way: 1 234,50 €."""

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


def format_eur(value) -> str:
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(value).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
    sign = "-" if amount < 0 else ""
    whole, _, cents = f"{abs(amount):.2f}".partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return f"{sign}{'\u00a0'.join(groups)},{cents}\u00a0€"


@register.filter
def eur(value) -> str:
    return format_eur(value)
