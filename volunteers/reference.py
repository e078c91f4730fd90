"""Reference data of the volunteers app: the known expense rules (DOMAIN.md), there after every migrate
and flush. An administrator adds later ones in the admin."""

from __future__ import annotations

from datetime import date

# The limit was 31.96 EUR and is 335 EUR since 11.09.2022; a rate went from 0.10 to 0.20, likely EUR per km
# (not confirmed). No call-minute rate is known: 0 until an administrator enters one.
EXPENSE_RULES = [
    (date(2019, 1, 1), "0.100", "31.96", "enne 11.09.2022"),
    (date(2022, 9, 11), "0.200", "335.00", "piirmäär 335 eurot alates 11.09.2022"),
]


def ensure_expense_rules(apps) -> None:
    ExpenseRule = apps.get_model("volunteers", "ExpenseRule")
    for effective_from, km_rate, limit, note in EXPENSE_RULES:
        ExpenseRule.objects.get_or_create(
            effective_from=effective_from,
            defaults={"km_rate": km_rate, "monthly_limit": limit, "due_day": 10, "note": note},
        )
