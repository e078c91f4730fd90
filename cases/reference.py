"""Reference data of the aid procedure: yearly caps known so far, decision kind settings and the
procedure settings. Created by a migration and made sure of after every migrate or flush. Idempotent:
what an administrator changed stays."""

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
    AidCapYear = apps.get_model("cases", "AidCapYear")
    DecisionKindSetting = apps.get_model("cases", "DecisionKindSetting")
    AidPolicy = apps.get_model("cases", "AidPolicy")
    for year, amount in CAPS:
        AidCapYear.objects.get_or_create(year=year, defaults={"amount": amount, "note": "minimum monthly wage"})
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
