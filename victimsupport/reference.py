"""Reference data: roles as groups, the four regions and the 15 counties (DOMAIN.md), register series and
the administrator's model permissions for the platform's own models.

Created by a migration and made sure of again after every migrate or flush (post_migrate), so that
the reference data is there whatever the database went through. Idempotent."""

ROLES = [
    "administrator",
    "regional_manager",
    "specialist",
    "service_organiser",
    "coordinator",
    "volunteer",
    "marac_partner",
    "analyst",
    "expert_doctor",
]

REGIONS = {
    ("pohja", "Põhja"): [("harju", "Harju maakond"), ("rapla", "Rapla maakond")],
    ("louna", "Lõuna"): [
        ("tartu", "Tartu maakond"),
        ("jogeva", "Jõgeva maakond"),
        ("polva", "Põlva maakond"),
        ("valga", "Valga maakond"),
        ("voru", "Võru maakond"),
        ("viljandi", "Viljandi maakond"),
    ],
    ("laane", "Lääne"): [
        ("parnu", "Pärnu maakond"),
        ("laane", "Lääne maakond"),
        ("saare", "Saare maakond"),
        ("hiiu", "Hiiu maakond"),
    ],
    ("ida", "Ida"): [
        ("ida-viru", "Ida-Viru maakond"),
        ("laane-viru", "Lääne-Viru maakond"),
        ("jarva", "Järva maakond"),
    ],
}

SERIES = [
    ("9-13", "Traumast taastumist toetava vaimse tervise abi otsused", "aid_decision"),
    ("9-14", "Suunamiskirjad teenuseosutajatele", "referral"),
    ("9-1", "Ohvriabi juhtumite kirjavahetus", "case_correspondence"),
    ("9-15", "MARAC-i suunamised, päevakorrad ja protokollid", "marac"),
    ("9-16", "Ohvriabi statistika aastaaruanded", "yearly_report"),
    ("9-17", "Kuriteoohvri hüvitise taotlused, päringud ja otsused", "compensation"),
    ("9-18", "Lepitusmenetlused: lepitaja aruanded prokuratuurile ja kohtule", "mediation"),
]

ADMIN_PERMISSIONS = {
    "victimsupport": {
        "user": ["view", "add", "change"],
        "region": ["view", "add", "change"],
        "county": ["view", "add", "change"],
        "registerseries": ["view", "add", "change"],
        "registereddocument": ["view"],
        "usersession": ["view", "change"],
        "accesslogentry": ["view"],
        "job": ["view"],
    },
    "cases": {
        "aidcap": ["view", "add", "change"],
        "decisionkindsetting": ["view", "change"],
        "aidpolicy": ["view", "add", "change"],
    },
    "referrals": {"billingpolicy": ["view", "add", "change"], "yearlybudget": ["view", "add", "change", "delete"]},
    "volunteers": {"expenserule": ["view", "add", "change"]},
    "compensation": {"compensationrules": ["view", "add", "change"]},
    "reporting": {"survey": ["view", "add", "change"], "surveyquestion": ["view", "add", "change", "delete"]},
    "marac": {
        "questionnaire": ["view", "add", "change"],
        "question": ["view", "add", "change", "delete"],
        "answeroption": ["view", "add", "change", "delete"],
        "countypopulation": ["view", "add", "change"],
        "network": ["view", "add", "change"],
    },
    # Unlocking a locked-out user, and resetting a lost authenticator.
    "axes": {"accessattempt": ["view", "delete"], "accessfailurelog": ["view"], "accesslog": ["view"]},
    "otp_totp": {"totpdevice": ["view", "delete"]},
}


def ensure_reference_data(apps) -> None:
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Region = apps.get_model("victimsupport", "Region")
    County = apps.get_model("victimsupport", "County")
    RegisterSeries = apps.get_model("victimsupport", "RegisterSeries")

    for role in ROLES:
        Group.objects.get_or_create(name=role)
    for (code, name), counties in REGIONS.items():
        staff, _ = Group.objects.get_or_create(name=f"region:{code}:staff")
        managers, _ = Group.objects.get_or_create(name=f"region:{code}:managers")
        region, _ = Region.objects.get_or_create(
            code=code, defaults={"name": name, "staff_group": staff, "managers_group": managers}
        )
        for county_code, county_name in counties:
            County.objects.get_or_create(code=county_code, defaults={"name": county_name, "region": region})
    for code, title, purpose in SERIES:
        RegisterSeries.objects.get_or_create(code=code, defaults={"title": title, "purpose": purpose})

    administrator = Group.objects.get(name="administrator")
    for app_label, models in ADMIN_PERMISSIONS.items():
        for model, actions in models.items():
            for action in actions:
                # During migrate an app's permissions may not exist yet; post_migrate adds them.
                permission = Permission.objects.filter(
                    content_type__app_label=app_label, codename=f"{action}_{model}"
                ).first()
                if permission is not None:
                    administrator.permissions.add(permission)
