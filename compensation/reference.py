"""Reference data of compensation: the known rules (DOMAIN.md, SKA's public pages), there after every
migrate and flush. An administrator enters later (or earlier) rules in the admin."""

from __future__ import annotations

from datetime import date

# One row of the figures known today. Older texts say 6 months for a health disorder; the funeral cap is
# 448 EUR on SKA's page, other texts say one minimum monthly wage: both to be confirmed, kept as data.
RULES = [
    {
        "valid_from": date(2000, 1, 1),
        "rate_percent": "80.00",
        "crime_cap": "9590.00",
        "funeral_cap": "448.00",
        "report_days": 15,
        "claim_years": 3,
        "disorder_months": 4,
        "note": "SKA ja e-Justice avalikud lehed 2026; matusekulude piirmäär (448 € või alampalk) kinnitamata",
    }
]


def ensure_rules(apps) -> None:
    Rules = apps.get_model("compensation", "CompensationRules")
    for row in RULES:
        Rules.objects.get_or_create(valid_from=row["valid_from"], defaults=row)
