"""The permission mechanism: restrict(), grants through services, 404/403, the re-check after a write."""

import random

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from guardian.shortcuts import get_objects_for_user

from cases.models import Case, CaseGroupObjectPermission, CaseUserObjectPermission, Person
from cases.services import cases as case_services
from tests.factories import make_case, make_user, region
from victimsupport.models import County
from victimsupport.permissions import is_permitted
from victimsupport.permissions.grants import grants_of, set_object_grants

pytestmark = pytest.mark.django_db


def test_restrict_returns_only_cases_in_scope(specialist, colleague, outsider, case, other_case):
    assert list(Case.objects.restrict(specialist, "view")) == [case]
    assert list(Case.objects.restrict(colleague, "view")) == [case]  # same region's staff group
    assert list(Case.objects.restrict(outsider, "view")) == [other_case]


def test_change_is_for_the_responsible_and_managers_only(specialist, colleague, manager, case):
    assert is_permitted(specialist, case, "change")
    assert not is_permitted(colleague, case, "change")
    assert is_permitted(manager, case, "change") and is_permitted(manager, case, "assign")
    assert not is_permitted(specialist, case, "assign")


def test_global_permissions_and_superuser_open_nothing(case):
    boss = make_user("administrator", is_superuser=True, is_staff=True)
    boss.user_permissions.add(Permission.objects.get(codename="view_case"))
    assert not Case.objects.restrict(boss, "view").exists()
    assert not Person.objects.restrict(boss, "view").exists()


def test_inactive_and_anonymous_users_see_nothing(specialist, case):
    from django.contrib.auth.models import AnonymousUser

    assert not Case.objects.restrict(AnonymousUser(), "view").exists()
    specialist.is_active = False
    specialist.save()
    assert not Case.objects.restrict(specialist, "view").exists()


def test_grants_live_in_the_direct_foreign_key_tables(specialist, case):
    assert CaseGroupObjectPermission.objects.filter(content_object=case).exists()
    assert CaseUserObjectPermission.objects.filter(content_object=case, user=specialist).exists()
    from guardian.models import GroupObjectPermission, UserObjectPermission

    assert not UserObjectPermission.objects.exists()
    assert not GroupObjectPermission.objects.exists()


def test_restrict_agrees_with_guardian_without_global_permissions(specialist):
    """restrict() is guardian's get_objects_for_user(accept_global_perms=False) written as EXISTS."""
    rng = random.Random(3)
    users = [make_user("specialist", code) for code in ("pohja", "louna", "ida")]
    manager = make_user("regional_manager", "pohja")
    cases = [make_case(manager, responsible=None) for _ in range(6)]
    for case in cases:
        chosen = rng.sample(users, rng.randint(0, 3))
        set_object_grants(case, users={user: {rng.choice(["view", "change"])} for user in chosen})
    for user in [*users, specialist]:
        for action in ("view", "change"):
            ours = set(Case.objects.restrict(user, action).values_list("pk", flat=True))
            theirs = set(
                get_objects_for_user(
                    user, f"cases.{action}_case", Case, accept_global_perms=False, with_superuser=False
                ).values_list("pk", flat=True)
            )
            assert ours == theirs


def test_set_object_grants_replaces_exactly(specialist, colleague, case):
    set_object_grants(case, users={colleague: {"view"}})
    assert grants_of(case)["users"] == {colleague.pk: {"view"}}
    set_object_grants(case, users={})
    assert grants_of(case)["users"] == {}


def test_the_recheck_after_a_write_rolls_back(specialist):
    """A specialist of Põhja cannot open a case in Lõuna: it would be out of their reach at once."""
    lõuna = region("louna")
    with pytest.raises(PermissionDenied):
        make_case(specialist, region_code="louna", responsible=None)
    assert not Case.objects.filter(region=lõuna).exists()


def test_transfer_removes_access_at_once(specialist, manager, outsider, case):
    louna = region("louna")
    case_services.case_transfer(
        actor=manager, case=case, region=louna, county=County.objects.filter(region=louna).first()
    )
    assert not Case.objects.restrict(specialist, "view").filter(pk=case.pk).exists()
    assert not Case.objects.restrict(manager, "view").filter(pk=case.pk).exists()
    assert Case.objects.restrict(outsider, "view").filter(pk=case.pk).exists()
    # and the client goes with the case
    assert not Person.objects.restrict(specialist, "view").filter(pk=case.client_id).exists()
    assert Person.objects.restrict(outsider, "view").filter(pk=case.client_id).exists()


def test_reassignment_moves_change_rights(specialist, colleague, manager, case):
    case_services.case_assign(actor=manager, case=case, responsible=colleague)
    assert is_permitted(colleague, case, "change")
    assert not is_permitted(specialist, case, "change")
    assert is_permitted(specialist, case, "view")  # still region staff


def test_role_and_region_changes_follow_into_groups(specialist, case):
    from victimsupport.services import user_set_roles_and_regions

    user_set_roles_and_regions(specialist, roles=["analyst"], regions=[region("pohja")])
    assert not Case.objects.restrict(specialist, "view").exists()


@pytest.mark.parametrize("path", ["/cases/{pk}/", "/cases/{pk}/edit/"])
def test_out_of_scope_is_404(client, outsider, case, path):
    client.force_login(outsider)
    assert client.get(path.format(pk=case.pk)).status_code == 404


def test_visible_but_not_changeable_is_403(client, colleague, case):
    client.force_login(colleague)
    assert client.get(f"/cases/{case.pk}/").status_code == 200
    assert client.get(f"/cases/{case.pk}/edit/").status_code == 403
    assert client.post(f"/cases/{case.pk}/notes/new/", {"text": "x"}).status_code == 403
