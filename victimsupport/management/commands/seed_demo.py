"""Demo users for every role in two regions (and demo cases from the apps), safe to run again."""

from __future__ import annotations

import importlib
import random
from datetime import date

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from victimsupport.history import acting_as
from victimsupport.management.demo import DEMO_PASSWORD, faker, personal_code
from victimsupport.models import Region, Role, User
from victimsupport.services import user_set_roles_and_regions

# username, roles, region codes, superuser
DEMO_USERS = [
    ("admin", [Role.ADMINISTRATOR], [], True),
    ("juht.pohja", [Role.REGIONAL_MANAGER], ["pohja"], False),
    ("spets.pohja", [Role.SPECIALIST], ["pohja"], False),
    ("spets2.pohja", [Role.SPECIALIST], ["pohja"], False),
    ("juht.louna", [Role.REGIONAL_MANAGER], ["louna"], False),
    ("spets.louna", [Role.SPECIALIST], ["louna"], False),
    ("teenused", [Role.SERVICE_ORGANISER], ["pohja", "louna", "laane", "ida"], False),
    ("koordinaator.pohja", [Role.COORDINATOR], ["pohja"], False),
    ("koordinaator.louna", [Role.COORDINATOR], ["louna"], False),
    ("vabatahtlik.pohja", [Role.VOLUNTEER], ["pohja"], False),
    ("vabatahtlik.louna", [Role.VOLUNTEER], ["louna"], False),
    ("marac.pohja", [Role.MARAC_PARTNER], ["pohja"], False),
    ("marac.louna", [Role.MARAC_PARTNER], ["louna"], False),
    ("analyytik", [Role.ANALYST], [], False),
    ("arst", [Role.EXPERT_DOCTOR], [], False),
]

POSITIONS = {
    Role.ADMINISTRATOR: "süsteemiadministraator",
    Role.REGIONAL_MANAGER: "piirkonna juht",
    Role.SPECIALIST: "ohvriabitöötaja",
    Role.SERVICE_ORGANISER: "peaspetsialist (teenuste korraldus)",
    Role.COORDINATOR: "koordinaator",
    Role.VOLUNTEER: "vabatahtlik tugiisik",
    Role.MARAC_PARTNER: "MARAC-võrgustiku liige",
    Role.ANALYST: "analüütik",
    Role.EXPERT_DOCTOR: "ekspertarst",
}


class Command(BaseCommand):
    help = "Create the demo users (and the apps' demo data). Running it again changes nothing."

    def handle(self, *args, **options):
        with transaction.atomic():
            admin = self.seed_users()
            with acting_as(admin):
                for app_config in apps.get_app_configs():
                    try:
                        module = importlib.import_module(f"{app_config.name}.demo")
                    except ModuleNotFoundError as exc:
                        if exc.name != f"{app_config.name}.demo":
                            raise
                        continue
                    module.seed(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready. Demo users' password: {DEMO_PASSWORD}"))

    def seed_users(self) -> User:
        regions = {region.code: region for region in Region.objects.all()}
        rng = random.Random(2026)
        fake = faker(2026)
        admin = None
        for index, (username, roles, region_codes, superuser) in enumerate(DEMO_USERS):
            female = index % 3 != 1
            first = fake.first_name_female() if female else fake.first_name_male()
            last = fake.last_name()
            birth = date(rng.randint(1965, 1998), rng.randint(1, 12), rng.randint(1, 28))
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@demo.invalid",
                    "personal_code": personal_code(rng, birth=birth, female=female),
                    "position": POSITIONS[roles[0]],
                    "is_staff": Role.ADMINISTRATOR in roles,
                    "is_superuser": superuser,
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
                user_set_roles_and_regions(
                    user, roles=roles, regions=[regions[code] for code in region_codes], actor=None
                )
            if username == "admin":
                admin = user
        return admin
