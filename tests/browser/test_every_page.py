"""Every page of every role, in a browser, with hostile data: at 390 px (a phone) and 1366 px (a laptop)
nothing scrolls sideways, the navigation is one row on the laptop and folded behind a button on the
phone, no stored code (domestic_violence) is shown instead of its words, and axe-core finds no serious or
critical problem.

The pages are the permission matrix's: each GET pattern a role is allowed to open, with the matrix's
objects in scope. Free text in those objects is then made hostile: a 10,000-character word, a name in
Cyrillic, so that a page which lets such text widen it fails here."""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, models, transaction
from django.test import Client

from tests.browser.helpers import serious_accessibility_problems
from tests.factories import make_passkey, make_user
from tests.permissions.matrix import MATRIX, ROLES
from tests.permissions.scenario import jobs_for, log_in_as, make_role_users, matrix_url, scenario

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

# Free text as people type it. Structured values (numbers, codes, IBANs, e-mail addresses) keep their form.
HOSTILE_FIELDS = {
    "first_name", "last_name", "name", "title", "notes", "note", "text", "summary", "description", "reason",
    "facts", "reasoning", "tasks", "topic", "place", "who", "contact", "address", "street", "settlement",
    "municipality", "aim", "aims", "method", "what", "outcome", "question", "statement", "motivation",
    "incident_place", "closure_note", "consent_scope", "trip_from", "trip_to", "channel_notes",
    "letter_address", "code_word", "safe_times", "symptoms", "what_happened", "offence", "referring_body",
    "lead_agency", "trainer_name", "trainer", "meeting_place", "position", "return_comment",
    "rejection_reason", "response_note", "decisions", "risks", "shared_info", "original_name",
    "recipient_name", "reply_summary", "delivery_note", "audience", "published_title", "published_summary",
    "comment", "incident_note", "judgement_reason", "other_sources_note", "stopped_reason", "conflicts",
    "detail", "referred_to", "legal_basis_note", "sealed_reason", "referral_source_detail",
}  # fmt: skip
APPS = {"cases", "referrals", "volunteers", "marac", "reporting", "compensation", "mediation", "crisis", "prevention"}
# Reference data and the scenario's rows that other rows are looked up by: names stay, their pages are
# still visited with everything around them hostile.
KEEP = {"Region", "County", "Survey", "SurveyQuestion", "Questionnaire", "Question", "AnswerOption"}
WORD = "Ж" * 10_000
# Pages axe-core also checks on a phone (with the menu opened), for every role that has them.
PHONE_AXE = {"home", "cases:case-list", "cases:case", "referrals:invoice-list", "volunteers:my-clients"}


# The document's width, the innermost element that reaches past the window's right edge, and the boxes
# that scroll sideways.
MEASURE = """() => {
  const inner = window.innerWidth;
  const name = (element) => element.tagName.toLowerCase() + "." + String(element.className).split(" ").join(".");
  const all = [...document.body.querySelectorAll("*")];
  const past = all.filter((element) => element.getBoundingClientRect().right > inner + 1);
  // A box of its own that scrolls sideways (a table too wide for a phone) is as bad as the page doing so.
  const scrolls = all.filter((element) =>
    ["auto", "scroll"].includes(getComputedStyle(element).overflowX) && element.scrollWidth > element.clientWidth + 1
  ).map(name);
  // The navigation: on how many rows its entries stand, and whether it is folded behind its button.
  const entries = [...document.querySelectorAll("#main-nav-list > li")].filter((entry) => entry.offsetParent);
  const list = document.getElementById("main-nav-list");
  const toggle = document.querySelector(".nav-toggle:not([hidden])");
  return {
    navRows: new Set(entries.map((entry) => entry.getBoundingClientRect().top)).size,
    navFolded: !!list && getComputedStyle(list).display === "none" && !!toggle,
    hasNav: !!list,
    text: document.querySelector("main") ? document.querySelector("main").innerText : "",
    width: document.documentElement.scrollWidth,
    heading: !!document.querySelector("h1"),
    culprit: past.length ? name(past[past.length - 1]) : "",
    scrolls,
  };
}"""


def stored_codes() -> re.Pattern:
    """Choice values that are codes, not words (domestic_violence, lost_income): a page shows their labels."""
    codes = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            choices = getattr(field, "choices", None) or getattr(getattr(field, "base_field", None), "choices", None)
            codes |= {value for value, _label in choices or () if isinstance(value, str) and "_" in value}
    return re.compile(r"\b(" + "|".join(sorted(codes)) + r")\b")


def hostile(max_length: int | None) -> str:
    """A Cyrillic name and one word as long as the column takes (10,000 characters where it has no limit)."""
    value = "Юлия Ёжикова " + WORD
    return value[: max_length or len(value)]


def make_hostile() -> list[str]:
    """Every free-text column of every row the scenario made, hostile. Rows a trigger keeps unchanged
    (issued letters, risk assessments) keep their text. Returns the columns changed, for the report."""
    changed = []
    for model in apps.get_models():
        if model._meta.app_label not in APPS | {"victimsupport"} or model.__name__ in KEEP:
            continue
        if model.__name__.startswith("Historical") or model._meta.proxy:
            continue
        fields = [
            field
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField)
            and not field.choices
            and field.name in HOSTILE_FIELDS
            and not field.unique
        ]
        if model.__name__ == "User":
            fields = [field for field in fields if field.name in {"first_name", "last_name", "position"}]
        if not fields:
            continue
        try:
            with transaction.atomic():
                model._base_manager.update(**{field.name: hostile(field.max_length) for field in fields})
        except DatabaseError:
            continue  # a row that never changes
        changed += [f"{model.__name__}.{field.name}" for field in fields]
    return changed


def html_pages(role: str, user, objects: dict) -> list[tuple[str, str]]:
    """(pattern name, URL) of every page the matrix lets `role` open in scope that answers with HTML."""
    client = Client()
    if role != "anonymous":
        log_in_as(client, role, user)
    pages = []
    for name, row in MATRIX.items():
        if row.method != "get" or row.expected(role)[0] != 200:
            continue
        url = matrix_url(name, row, objects, "in")
        response = client.get(url)
        assert response.status_code == 200, (role, name, response.status_code)
        if response["Content-Type"].startswith("text/html"):
            pages.append((name, url))
    return pages, client.cookies.get(settings.SESSION_COOKIE_NAME)


def test_no_page_scrolls_sideways_or_has_serious_accessibility_problems(browser, live_server):
    users = make_role_users()
    objects = scenario(users)
    changed = make_hostile()
    assert {"Person.first_name", "Note.text", "Provider.name", "Task.title"} <= set(changed), changed
    stranger = make_user("analyst")
    codes = stored_codes()
    wide, problems, checked = [], [], set()
    managers_phone = set()  # the pages the regional manager saw at 390 px
    visits = 0
    # The colleague and the former partner see subsets of the specialist's and the partner's pages.
    for role in [role for role in ROLES if role not in {"colleague", "former_partner"}]:
        user = users.get(role, stranger)
        jobs = jobs_for(user, stranger)
        objects["in"]["job"], objects["out"]["job"] = jobs["in"], jobs["out"]
        objects["in"]["passkey"] = make_passkey(user, confirmed=False)
        pages, cookie = html_pages(role, user, objects)
        for width in (390, 1366):
            # On the laptop each page once (the first role that may open it) and every role's start page.
            # On the phone every role's pages, but the specialist's only where they are not the manager's (the
            # same page, whose manager shows a few more buttons) and the start page.
            if width == 1366:
                visiting = [(name, url) for name, url in pages if name not in checked or name == "home"]
            elif role == "specialist":
                visiting = [(name, url) for name, url in pages if name not in managers_phone or name == "home"]
            else:
                visiting = pages
            if width == 390 and role == "regional_manager":
                managers_phone = {name for name, _ in pages}
            context = browser.new_context(viewport={"width": width, "height": 900}, locale="et-EE")
            if cookie is not None:
                context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
            page = context.new_page()
            for name, url in visiting:
                page.goto(f"{live_server.url}{url}")
                visits += 1
                measured = page.evaluate(MEASURE)
                if measured["width"] > width:
                    wide.append(
                        f"{role:18} {width:4} {name}: {measured['width']} px wide at {measured['culprit']} ({url})"
                    )
                if measured["scrolls"]:
                    wide.append(f"{role:18} {width:4} {name}: scrolls sideways in {measured['scrolls']} ({url})")
                if measured["hasNav"] and width == 1366 and measured["navRows"] != 1:
                    problems.append(f"{role:18} {width:4} {name}: the navigation takes {measured['navRows']} rows")
                if measured["hasNav"] and width == 390 and not measured["navFolded"]:
                    problems.append(f"{role:18} {width:4} {name}: the navigation is not folded behind its button")
                if width == 1366 and (shown := codes.findall(measured["text"])):
                    problems.append(f"{role:18} {name}: codes shown as text: {sorted(set(shown))}")
                if not measured["heading"]:
                    problems.append(f"{role:18} {width:4} {name}: no heading ({url})")
                if width == 1366 and name not in checked:
                    checked.add(name)
                    problems += [f"{role:18} {name}: {problem}" for problem in serious_accessibility_problems(page)]
                elif width == 390 and name in PHONE_AXE:  # the phone's own forms: cards, the menu opened
                    if page.locator(".nav-toggle:not([hidden])").count():
                        page.click(".nav-toggle")
                    problems += [f"{role:18} 390 {name}: {p}" for p in serious_accessibility_problems(page)]
            context.close()
    assert visits > 500, visits
    assert not wide + problems, f"{len(wide)} pages scroll sideways:\n" + "\n".join(wide + problems)
