"""Generated demo people: Estonian names and valid personal codes, never real people."""

from __future__ import annotations

import random
from datetime import date

from faker import Faker
from stdnum.ee import ik

DEMO_PASSWORD = "Ohvriabi-demo-2026"

# Generated people only: Faker's Estonian locale, seeded for repeatable demo data.
_faker = Faker("et_EE")


def faker(seed: int) -> Faker:
    _faker.seed_instance(seed)
    return _faker


def personal_code(rng: random.Random, *, birth: date, female: bool) -> str:
    """A valid isikukood for the birth date and sex (check digit computed by python-stdnum)."""
    century = (birth.year - 1800) // 100  # 0: 1800s, 1: 1900s, 2: 2000s
    first = 1 + century * 2 + (1 if female else 0)
    for _ in range(1000):
        serial = rng.randint(0, 999)
        body = f"{first}{birth:%y%m%d}{serial:03d}"
        code = body + ik.calc_check_digit(body)
        if ik.is_valid(code):
            return code
    raise RuntimeError("could not make a personal code")
