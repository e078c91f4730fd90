"""The demo data: every role in two regions, generated people with valid codes, safe to run again."""

import pytest
from django.core.management import call_command
from stdnum.ee import ik

from cases.models import Case, Person
from victimsupport.management.demo import DEMO_PASSWORD
from victimsupport.models import Role, User


@pytest.mark.django_db
def test_seed_demo_twice_creates_everything_once():
    call_command("seed_demo")
    counts = (User.objects.count(), Case.objects.count(), Person.objects.count())
    call_command("seed_demo")
    assert (User.objects.count(), Case.objects.count(), Person.objects.count()) == counts
    for role in Role.values:
        assert User.objects.filter(groups__name=role).exists(), role
    for code in ("pohja", "louna"):
        assert User.objects.filter(regions__code=code, groups__name="specialist").exists()
        assert User.objects.filter(regions__code=code, groups__name="regional_manager").exists()
    assert User.objects.get(username="spets.pohja").check_password(DEMO_PASSWORD)
    codes = [person.personal_code for person in Person.objects.all()] + [
        user.personal_code for user in User.objects.all()
    ]
    assert codes and all(ik.is_valid(code) for code in codes if code)
