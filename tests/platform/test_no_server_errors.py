"""No address answers 5xx to a bad query string or form value: every URL pattern of the project, as each
role that may use it, with hostile values for every parameter its forms and filters read and the common
ones (paging, sorting, ids, ...), by GET and, where the page takes a form, by POST."""

from __future__ import annotations

from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
from django.contrib import admin
from django.http import QueryDict
from django.test import Client
from django.urls import reverse
from django.utils.datastructures import MultiValueDict

from cases.models import Case
from cases.sealing import sealed_session_key
from tests.factories import make_passkey, make_user
from tests.permissions.matrix import MATRIX, ROLES
from tests.permissions.scenario import jobs_for, make_role_users, matrix_url, scenario
from tests.permissions.test_matrix import project_patterns

pytestmark = pytest.mark.django_db

# Each parameter gets each of these once, in a different company each time (one request per value).
HOSTILE = [
    "abc",
    "-1",
    "99999999999999999999",
    "1.5",
    "\x00",  # sent as %00
    "x" * 10_000,
    "'; drop table cases_case; --",
    "Привет, мир",
]
# Each parameter the page reads also gets these on its own (a form made invalid by another value would
# hide what the value does): a number past the database's integers, and one str.isdigit() takes and int()
# does not.
ALONE = ["99999999999999999999", "²"]
PROBE = "_probe"
# Names never sent hostile: the CSRF token (a bad one is refused before any view runs).
SKIPPED = {"csrfmiddlewaretoken"}
# Parameters sent to every page besides the names of its own forms' fields.
COMMON = [
    "page",
    "sort",
    "after",
    "before",
    "q",
    "status",
    "decision",
    "anonymous",
    "region",
    "county",
    "year",
    "format",
    "next",
    "id",
    "pk",
    "kind",
    "scope",
]


class _FieldNames(HTMLParser):
    """The names of the inputs, selects and text areas of a page's forms."""

    def __init__(self):
        super().__init__()
        self.names: list[str] = []

    def handle_starttag(self, tag, attrs):
        name = dict(attrs).get("name")
        if tag in {"input", "select", "textarea"} and name and name not in self.names:
            self.names.append(name)


def field_names(response) -> list[str]:
    if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
        return []
    parser = _FieldNames()
    parser.feed(response.content.decode(errors="replace"))
    return parser.names


def rotated(names: list[str], shift: int) -> dict[str, str]:
    """The hostile values spread over the names; over len(HOSTILE) shifts each name takes each value once."""
    return {name: HOSTILE[(index + shift) % len(HOSTILE)] for index, name in enumerate(names)}


def shifts(seen: Counter, names: tuple) -> list[int]:
    """Every value the first time a set of names is met; three for each later page with the same names."""
    times, seen[names] = seen[names], seen[names] + 1
    return list(range(len(HOSTILE))) if times == 0 else [(3 * times + i) % len(HOSTILE) for i in range(3)]


def users_of(row) -> list[str]:
    """The roles that may use the page: those not refused (403/404/405) and not sent to the login."""
    roles = []
    for role in ROLES:
        status = row.expected(role)[0]
        if role == "anonymous":
            if status != 302 or row is MATRIX["set_language"]:
                roles.append(role)
        elif status not in {403, 404, 405}:
            roles.append(role)
    return roles


def accepts_post(pattern) -> bool:
    view_class = getattr(pattern.callback, "view_class", None)
    return view_class is None or hasattr(view_class, "post")


@contextmanager
def names_read():
    """The parameter names a request reads (from GET or POST), by watching the query dictionaries."""
    read: set[str] = set()
    originals = {name: getattr(MultiValueDict, name) for name in ("get", "getlist", "__getitem__", "__contains__")}

    def watch(method):
        def watched(self, key, *args, **kwargs):
            if isinstance(self, QueryDict):
                read.add(key)
            return method(self, key, *args, **kwargs)

        return watched

    for name, method in originals.items():
        setattr(MultiValueDict, name, watch(method))
    try:
        yield read
    finally:
        for name, method in originals.items():
            setattr(MultiValueDict, name, method)


@dataclass
class Names:
    """What a page takes: its forms' field names, and the names its view reads from GET and from POST."""

    form: list[str] = field(default_factory=list)
    get: list[str] = field(default_factory=list)
    post: list[str] = field(default_factory=list)

    @property
    def posted(self) -> list[str]:
        return list(dict.fromkeys([*self.form, *self.post]))


class Sweep:
    def __init__(self, client: Client, url: str, role: str, *, post: bool):
        self.client, self.url, self.role, self.accepts_post = client, url, role, post
        self.failures: list[str] = []
        self.count = 0

    def send(self, method: str, data: dict, query: dict | None = None):
        url = f"{self.url}?{urlencode(query)}" if query else self.url
        response = getattr(self.client, method)(url, data)
        self.count += 1
        if response.status_code >= 500:
            shown = {
                key: value[:20] + ("…" if len(value) > 20 else "") for key, value in {**(query or {}), **data}.items()
            }
            error = ""
            if getattr(response, "exc_info", None):
                error = f" {response.exc_info[0].__name__}: {str(response.exc_info[1])[:200]}"
            self.failures.append(f"{response.status_code} {method.upper()} {self.url} as {self.role} {shown}{error}")
        return response

    def forms(self, data: dict | None = None) -> tuple[int, list[str]]:
        response = self.send("get", data or {})
        return response.status_code, [name for name in field_names(response) if name not in SKIPPED]

    def explore(self, names: Names) -> None:
        """The page's forms, and what its view reads (one harmless parameter makes `request.GET or None`
        forms bound, so their fields are read too)."""
        with names_read() as read:
            names.form = list(dict.fromkeys([*self.forms({PROBE: "1"})[1], *names.form]))
        names.get = sorted(read - SKIPPED - {PROBE})
        if self.accepts_post:
            with names_read() as read:
                self.send("post", {PROBE: "1"})
            names.post = sorted(read - SKIPPED - {PROBE})

    def rounds(self, names: Names, get_shifts, post_shifts) -> None:
        """Hostile values for every name at once, spread so that over all shifts each takes each value."""
        every = list(dict.fromkeys([*names.form, *names.get, *COMMON]))
        for shift in get_shifts:
            self.send("get", rotated(every, shift))
        if self.accepts_post and (names.posted or names.get):
            for shift in post_shifts:
                self.send("post", rotated(names.posted, shift), query=rotated(names.get, shift))

    def alone(self, names: Names) -> None:
        """Each name the view reads from the address on its own, so that no other bad value hides what this
        one does. (A form posted with one value and nothing else is refused for the missing ones, so POST
        gets the rounds only.)"""
        for name in names.get:
            for value in ALONE:
                self.send("get", {name: value})


@pytest.fixture
def role_users():
    return make_role_users()


def test_no_address_answers_a_server_error(role_users):
    objects = scenario(role_users)
    stranger = make_user("analyst")
    patterns = dict(project_patterns())
    jobs, passkeys, clients = {}, {}, {}
    for role in ROLES:
        owner = stranger if role == "anonymous" else role_users[role]
        jobs[role] = jobs_for(owner, stranger)["in"]
        passkeys[role] = make_passkey(owner, confirmed=False)
        clients[role] = Client(raise_request_exception=False)
    failures, count, seen = [], 0, Counter()
    for name, row in MATRIX.items():
        sweeps = []
        for role in users_of(row):
            client = clients[role]
            if role != "anonymous" and "_auth_user_id" not in client.session:
                client.force_login(role_users[role])  # again after the logout page
            objects["in"]["job"], objects["in"]["passkey"] = jobs[role], passkeys[role]
            sweeps.append(Sweep(client, matrix_url(name, row, objects, "in"), role, post=accepts_post(patterns[name])))
        # The first role finds what the page reads; the others open the page (with hostile values where it
        # reads any) and add the forms only they see; the first role then sends every value, the others a
        # POST round each where the page is theirs.
        names = Names()
        sweeps[0].explore(names)
        others = []
        for number, sweep in enumerate(sweeps[1:], start=1):
            status, fields = sweep.forms(rotated(names.get, number) if names.get else None)
            names.form = list(dict.fromkeys([*names.form, *fields]))
            others.append((number, sweep, status))
        # Names nobody read while exploring change nothing (the middleware and templates read through the
        # same dictionaries): without any, one GET round. A page with the same names as one already swept
        # (the same form or filter) gets three rounds, with values the earlier ones had fewer of.
        get_shifts = shifts(seen, ("get", *names.get)) if names.get else [0]
        sweeps[0].rounds(names, get_shifts, shifts(seen, ("post", *names.posted)))
        sweeps[0].alone(names)
        for number, sweep, status in others:
            if status == 200:
                sweep.rounds(names, [], [number])
        for sweep in sweeps:
            failures += sweep.failures
            count += sweep.count
    assert count > 500
    assert not failures, "\n".join(failures)


def test_the_admin_takes_hostile_query_strings():
    client = Client(raise_request_exception=False)
    client.force_login(make_user("administrator", is_staff=True))
    failures = []
    names = Names(get=["q", "o", "p", "e", "all", "id__exact", "_changelist_filters"])
    for number, model in enumerate(admin.site._registry):
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        sweep = Sweep(client, url, "administrator", post=False)
        sweep.rounds(names, [(3 * number + i) % len(HOSTILE) for i in range(3)], [])
        failures += sweep.failures
    assert not failures, "\n".join(failures)


# --- the 500s the sweep found, one by one ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        (" " * 40, "This field is required."),
        ("x" * 10_000, "State the reason in at most 500 characters."),
        ("Vaja näha", "State why you need to open this case, in a sentence."),  # the service wants a sentence
    ],
)
def test_a_sealed_case_opened_with_a_refused_reason_shows_the_form(client, colleague, manager, case, reason, message):
    from cases.services import cases as case_services
    from victimsupport.models import AccessLogEntry, Notification

    case_services.case_set_sealed(actor=manager, case=case, sealed=True, reason="Klient on politseinik")
    Notification.objects.all().delete()
    client.force_login(colleague)
    client.cookies["django_language"] = "en"
    response = client.post(f"/cases/{case.pk}/open-sealed/", {"reason": reason, "next": f"/cases/{case.pk}/"})
    assert response.status_code == 400
    assert "cases/sealed_gate.html" in [template.name for template in response.templates]
    assert response.context["form"].errors["reason"] == [message]
    assert not AccessLogEntry.objects.filter(action="open_sealed").exists()
    assert not Notification.objects.exists()
    assert client.session.get(sealed_session_key(case.pk)) is None


@pytest.mark.parametrize(
    "value",
    [
        "abc",
        "anonymous:abc",
        "anonymous:²",
        "crisis:-1",
        "anonymous:99999999999999999999",
        "anonymous:1.5",
        "\x00",
        "nosuch:1",
        "anonymous:1",
        "crisis:1",
    ],
)
def test_intake_ignores_a_source_that_is_not_one(client, specialist, value):
    client.force_login(specialist)
    response = client.get("/cases/new/", {"source": value})
    assert response.status_code == 200
    assert response.context["source"] == ""
    assert client.post("/cases/new/", {"source": value}).status_code in {200, 400}  # the empty form again
    assert not Case.objects.exists()


def test_a_login_with_an_overlong_username_is_refused_like_a_wrong_one(client):
    from axes.models import AccessAttempt

    client.cookies["django_language"] = "en"
    response = client.post("/login/", {"username": "x" * 10_000, "password": "Test-parool-2026!"})
    assert response.status_code == 200
    assert "Wrong username or password." in response.content.decode()
    assert not AccessAttempt.objects.filter(username__startswith="xxx").exists()


def test_a_sample_letter_in_an_unknown_language_is_refused():
    from victimsupport.models import Job

    client = Client()
    client.force_login(make_user("administrator", is_staff=True))
    client.cookies["django_language"] = "en"
    for language in ("\x00", "xx", "x" * 10_000):
        response = client.post("/tools/sample-letter/", {"language": language})
        assert response.status_code == 400
        assert "Choose a language from the list." in response.content.decode()
    assert not Job.objects.exists()
