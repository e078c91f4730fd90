"""Reference data of the aid procedure: caps known so far (valid from 1 January of their year), decision
kind settings and the procedure settings. Created by a migration and made sure of after every migrate or
flush. Idempotent: what an administrator changed stays."""

from datetime import date

CAPS = [(2023, "725.00"), (2024, "820.00"), (2025, "886.00")]

# The legal basis is data an administrator keeps per decision kind (admin: "Decision kind settings").
LEGAL_BASIS_ET = (
    "Ohvriabi seadus (traumast taastumist toetav vaimse tervise abi); sotsiaalseadustiku üldosa seadus; "
    "haldusmenetluse seadus"
)
LEGAL_BASIS_EN = (
    "Victim Support Act (trauma-recovery mental-health aid); General Part of the Social Code Act; "
    "Administrative Procedure Act"
)
KINDS = [  # kind, whether a regional manager must approve
    ("grant", False),
    ("partial", True),
    ("refusal", True),
    ("amendment", True),
    ("revocation", True),
]


def ensure_aid_reference_data(apps) -> None:
    DecisionKindSetting = apps.get_model("cases", "DecisionKindSetting")
    AidPolicy = apps.get_model("cases", "AidPolicy")
    try:
        AidCap = apps.get_model("cases", "AidCap")
    except LookupError:  # migration 0002 runs this while the cap was still one amount per year
        AidCapYear = apps.get_model("cases", "AidCapYear")
        for year, amount in CAPS:
            AidCapYear.objects.get_or_create(year=year, defaults={"amount": amount, "note": "minimum monthly wage"})
    else:
        for year, amount in CAPS:
            AidCap.objects.get_or_create(
                valid_from=date(year, 1, 1), defaults={"amount": amount, "note": "minimum monthly wage"}
            )
    for kind, approval in KINDS:
        DecisionKindSetting.objects.get_or_create(
            kind=kind,
            defaults={
                "approval_required": approval,
                "legal_basis": LEGAL_BASIS_ET,
                "legal_basis_en": LEGAL_BASIS_EN,
            },
        )
    if not AidPolicy.objects.exists():
        AidPolicy.objects.create(decision_working_days=10, due_soon_working_days=3)
