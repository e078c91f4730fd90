"""The MARAC case list's network filter offers the networks the user may see, read from the cache
(marac.selectors.NETWORKS_SEEN): kept per user and day, and read again after every change that alters it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from marac.models import Agency, Membership, Network
from marac.selectors import networks_seen
from tests.factories import region
from victimsupport.models import County, Role
from victimsupport.services import user_set_roles_and_regions

pytestmark = pytest.mark.django_db


def names(user) -> list[str]:
    return [name for _pk, name in networks_seen(user)]


def test_the_networks_a_user_may_see_come_from_the_cache_and_follow_every_change(
    coordinator, partner, network, monkeypatch, django_assert_num_queries
):
    assert names(partner) == names(coordinator) == ["Harju MARAC"]
    with django_assert_num_queries(0):
        assert names(partner) == ["Harju MARAC"]

    # A membership of another region's network: the partner sees it at once, the coordinator does not.
    south = Network.objects.create(name="Tartu MARAC", county=County.objects.get(code="tartu"))
    police = Agency.objects.create(network=south, kind="police", name="Lõuna prefektuur")
    membership = Membership.objects.create(network=south, agency=police, user=partner, starts_on=timezone.localdate())
    assert names(partner) == ["Harju MARAC", "Tartu MARAC"] and names(coordinator) == ["Harju MARAC"]

    # A membership ended (nothing else changed); a network renamed.
    membership.ends_on = timezone.localdate() - timedelta(days=1)
    membership.starts_on = membership.ends_on - timedelta(days=30)
    membership.save()
    assert names(partner) == ["Harju MARAC"]
    Membership.objects.create(network=south, agency=police, user=partner, starts_on=timezone.localdate())
    assert names(partner) == ["Harju MARAC", "Tartu MARAC"]
    Membership.objects.filter(network=south, user=partner).delete()
    network.name = "Harjumaa MARAC"
    network.save()
    assert names(partner) == ["Harjumaa MARAC"]

    # The coordinator moved to the south: its networks, and the north's one it is still a member of; with
    # the role taken away, only that membership's.
    user_set_roles_and_regions(coordinator, roles=[Role.COORDINATOR], regions=[region("louna")])
    assert names(coordinator) == ["Harjumaa MARAC", "Tartu MARAC"]
    user_set_roles_and_regions(coordinator, roles=[], regions=[region("louna")])
    assert names(coordinator) == ["Harjumaa MARAC"]

    # A membership that starts tomorrow is no choice today, and one tomorrow without any other change.
    tomorrow = timezone.localdate() + timedelta(days=1)
    Membership.objects.create(network=south, agency=police, user=partner, starts_on=tomorrow)
    assert names(partner) == ["Harjumaa MARAC"]
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    assert names(partner) == ["Harjumaa MARAC", "Tartu MARAC"]
