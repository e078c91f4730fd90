"""The signed-in user comes from the cache (victimsupport.usercache), and every change of what it holds
reaches the next request: roles, regions, the account being closed, a second factor added."""

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import login_verified, make_user, region
from victimsupport.models import Role
from victimsupport.services import user_set_roles_and_regions
from victimsupport.usercache import _keys, load_user

pytestmark = pytest.mark.django_db


def cached(user):
    return cache.get(_keys(user.pk)[0])


def test_a_request_fills_the_cache_and_the_next_one_queries_no_user(client, django_assert_num_queries):
    user = make_user(Role.SPECIALIST, "pohja")
    client.force_login(user)
    assert client.get("/").status_code == 200
    assert cached(user) is not None
    with django_assert_num_queries(0):
        again = load_user(user.pk)
    assert again.roles == {Role.SPECIALIST} and again.region_ids == {region("pohja").pk}
    assert again.has_device is False


def test_roles_and_regions_changed_reach_the_next_request(client):
    user = make_user(Role.SPECIALIST, "pohja")
    client.force_login(user)
    client.get("/")
    user_set_roles_and_regions(user, roles=[Role.REGIONAL_MANAGER], regions=[region("louna")])
    assert cached(user) is None
    fresh = load_user(user.pk)
    assert fresh.roles == {Role.REGIONAL_MANAGER} and fresh.region_ids == {region("louna").pk}


def test_a_group_emptied_from_its_side_forgets_its_members():
    user = make_user(Role.SPECIALIST, "pohja")
    load_user(user.pk)
    group = Group.objects.get(name=Role.SPECIALIST)
    group.user_set.remove(user)
    assert cached(user) is None
    assert load_user(user.pk).roles == frozenset()
    group.user_set.add(user)
    load_user(user.pk)
    group.user_set.clear()
    assert cached(user) is None
    load_user(user.pk)
    region("pohja").users.clear()
    assert load_user(user.pk).region_ids == frozenset()


def test_a_closed_account_is_signed_out_at_its_next_request(client):
    user = make_user(Role.SPECIALIST, "pohja")
    client.force_login(user)
    assert client.get("/").status_code == 200
    user.is_active = False
    user.save()
    response = client.get("/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_second_factor_added_elsewhere_is_asked_for_at_the_next_request(client):
    user = make_user(Role.SPECIALIST, "pohja")
    client.force_login(user)
    assert client.get("/").status_code == 200
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("otp-verify"))


def test_a_copy_read_before_a_commit_is_not_used_after_it(django_capture_on_commit_callbacks):
    """A request reads the row (and the user's generation) before the writer commits, and stores its copy
    after the commit: the copy is of a generation that is no longer the user's."""
    user = make_user(Role.SPECIALIST, "pohja")
    key, generation_key = _keys(user.pk)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        user.is_active = False
        user.save()
        read_under = cache.get(generation_key)  # the other request's read, before the commit
        cache.set(key, (read_under, "a copy stored before the commit"))
    assert cached(user) is None
    cache.set(key, (read_under, "a copy stored after the commit"))
    fresh = load_user(user.pk)
    assert not isinstance(fresh, str) and fresh.is_active is False


def test_a_password_changed_elsewhere_signs_this_session_out(client):
    user = make_user(Role.SPECIALIST, "pohja")
    client.force_login(user)
    assert client.get("/").status_code == 200
    user.set_password("Uus-salasõna-2026")
    user.save()
    response = client.get("/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_removed_second_factor_is_no_longer_asked_for(client):
    user = make_user(Role.SPECIALIST, "pohja")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client.force_login(user)
    assert client.get("/").status_code == 302  # asked for
    device.delete()
    assert client.get("/").status_code == 200


def test_a_verified_session_finds_its_second_factor_in_the_cached_user(client):
    user = make_user(Role.SPECIALIST, "pohja")
    login_verified(client, user)
    assert client.get("/").status_code == 200
    with CaptureQueriesContext(connection) as context:
        assert client.get("/").status_code == 200
    assert not [query for query in context.captured_queries if "otp_totp_totpdevice" in query["sql"]]
    assert client.session.get("otp_device_id")  # still verified
    TOTPDevice.objects.filter(user=user).get().delete()
    client.get("/")
    assert "otp_device_id" not in client.session  # the second factor given is gone: no longer verified


def test_a_request_carries_the_user_itself_not_a_lazy_proxy(client):
    # victimsupport.middleware.OTPMiddleware sets it at once: a page reads it hundreds of times.
    from django.contrib.auth.models import AnonymousUser

    from victimsupport.models import User

    anonymous = client.get("/login/").wsgi_request.user
    assert type(anonymous) is AnonymousUser and not anonymous.is_verified()
    user = make_user(Role.SPECIALIST, "pohja")
    client.force_login(user)
    signed_in = client.get("/").wsgi_request.user
    assert type(signed_in) is User and signed_in.pk == user.pk and signed_in.roles == {Role.SPECIALIST}
    assert signed_in.otp_device is None and not signed_in.is_verified()
