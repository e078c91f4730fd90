"""Stored codes are shown as words in the user's language (DESIGN: reference values never as codes)."""

import pytest
from django.urls import reverse

from tests.factories import make_provider, make_user

pytestmark = pytest.mark.django_db


def test_a_providers_languages_are_words_on_its_pages(client):
    provider = make_provider()
    client.force_login(make_user("service_organiser", "pohja"))
    for url in (reverse("referrals:provider-list"), reverse("referrals:provider", args=[provider.pk])):
        page = client.get(url).content.decode()
        assert "eesti keel, vene keel" in page, url
        assert "et, ru" not in page, url
