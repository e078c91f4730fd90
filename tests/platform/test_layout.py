"""The layout every page shares: templates/base.html's two blocks inside victimsupport/jinja2/layout.html."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.messages import constants
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.cache import SessionStore
from django.template import engines
from django.test import RequestFactory, override_settings
from django.utils import translation
from django.utils.safestring import mark_safe

from tests.factories import make_user
from victimsupport import jinja

pytestmark = pytest.mark.django_db

HOSTILE = "<script>alert(1)</script> Шмидт"
PAGE = (
    '{% extends "base.html" %}{% block title %}Juhtum &amp; {{ name }}{% endblock %}'
    "{% block content %}<p>{{ name }}</p>{% endblock %}"
)


def page(user, path="/cases/", **context):
    request = RequestFactory().get(path)
    request.user, request.session = user, SessionStore()
    request._messages = FallbackStorage(request)
    for level, text in context.pop("messages", []):
        request._messages.add(level, text)
    return engines["django"].from_string(PAGE).render({"name": HOSTILE, **context}, request), request


def test_a_page_has_its_title_content_and_the_users_navigation(specialist):
    with translation.override("et"):
        html, _request = page(specialist)
    assert html.startswith('<!DOCTYPE html>\n<html lang="et">')
    assert "<title>Juhtum &amp; &lt;script&gt;alert(1)&lt;/script&gt; Шмидт · Ohvriabi</title>" in html
    assert "<p>&lt;script&gt;alert(1)&lt;/script&gt; Шмидт</p>" in html and "<script>alert" not in html
    assert re.search(r'<a href="/cases/" aria-current="page">Juhtumid</a>', html)
    assert "Siiri Spetsialist" in html and 'value="/cases/"' in html  # the user menu, the language switch's return
    assert 'lang="en">English</button>' in html


def test_the_page_masks_its_csrf_token_once_and_the_token_is_accepted(client, specialist):
    client.force_login(specialist)
    html = client.get("/cases/").content.decode()
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    header = re.search(r'"X-CSRFToken": "([^"]+)"', html).group(1)
    layout_tokens = tokens[:2]  # the header's language switch and logout form; the page's own forms come after
    assert len(set(layout_tokens)) == 1 and header == layout_tokens[0] and len(header) == 64
    client.handler.enforce_csrf_checks = True
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/cases/", "csrfmiddlewaretoken": header})
    assert response.status_code == 302 and response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_messages_are_escaped_and_shown_once(specialist):
    html, _request = page(
        specialist,
        messages=[(constants.SUCCESS, HOSTILE), (constants.INFO, mark_safe("<b>Kinnitatud</b>"))],
    )
    assert '<p class="message message--success">&lt;script&gt;alert(1)&lt;/script&gt; Шмидт</p>' in html
    assert '<p class="message message--info"><b>Kinnitatud</b></p>' in html  # marked safe by the code: kept
    assert html.count('class="message ') == 2


def test_rendered_without_a_request_the_layout_still_has_its_language(specialist):
    with translation.override("en"):
        html = engines["django"].from_string(PAGE).render({"name": "x"})
    assert html.startswith('<!DOCTYPE html>\n<html lang="en">') and 'lang="et">Eesti keeles</button>' in html


def test_signed_out_the_layout_has_no_navigation(db):
    from django.contrib.auth.models import AnonymousUser

    html, _request = page(AnonymousUser(), path="/")
    assert 'id="main-nav"' not in html and "user-menu" not in html and "<p>&lt;script&gt;" in html


def test_navigation_entries_follow_the_roles_and_the_language():
    manager, volunteer = make_user("regional_manager", "pohja"), make_user("volunteer", "pohja")
    with translation.override("en"):
        manager_html, _ = page(manager)
        volunteer_html, _ = page(volunteer, path="/volunteers/my/")
    with translation.override("et"):
        manager_et, _ = page(manager)
    assert ">Volunteers</a>" in manager_html and ">My clients</a>" not in manager_html
    assert ">My clients</a>" in volunteer_html and ">Cases</a>" not in volunteer_html
    assert ">Vabatahtlikud</a>" in manager_et and ">Volunteers</a>" not in manager_et


def test_static_addresses_follow_a_changed_setting():
    assert jinja.static("css/app.css").startswith(settings.STATIC_URL)
    with override_settings(STATIC_URL="/elsewhere/"):
        assert jinja.static("css/app.css").startswith("/elsewhere/")
    assert not jinja.static("css/app.css").startswith("/elsewhere/")
