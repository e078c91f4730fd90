"""Every URL pattern of the project, with every role, with an object in and out of scope."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.factories import make_passkey, make_user
from tests.permissions.matrix import ADMIN_ALLOWED_FOR_ADMINISTRATOR, ADMIN_ROW, MATRIX, ROLES
from tests.permissions.scenario import jobs_for, log_in_as, make_role_users, matrix_url, scenario

pytestmark = pytest.mark.django_db


def url_patterns(resolver=None, namespace: str = ""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from url_patterns(pattern, inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name or ""
            yield (f"{namespace}:{name}" if namespace else name), pattern


def project_patterns():
    return [(name, pattern) for name, pattern in url_patterns() if not name.startswith("admin:")]


def test_every_pattern_has_a_row_in_the_matrix():
    names = [name for name, _ in project_patterns()]
    assert all(names), "every URL pattern needs a name"
    missing = sorted(set(names) - set(MATRIX))
    stale = sorted(set(MATRIX) - set(names))
    assert not missing, f"URL patterns without a row in tests/permissions/matrix.py: {missing}"
    assert not stale, f"rows for URL patterns that no longer exist: {stale}"
    for name, row in MATRIX.items():
        for role in ROLES:
            assert row.expected(role), f"{name} has no expectation for {role}"


@pytest.fixture
def role_users():
    return make_role_users()


def test_every_role_gets_what_the_matrix_says(role_users):
    objects = scenario(role_users)
    stranger = make_user("analyst")
    failures = []
    for role in ROLES:
        client = Client()
        owner = stranger
        if role != "anonymous":
            owner = role_users[role]
            log_in_as(client, role, owner)
        jobs = jobs_for(owner, stranger)
        objects["in"]["job"], objects["out"]["job"] = jobs["in"], jobs["out"]
        objects["in"]["passkey"] = make_passkey(owner, confirmed=False)
        objects["out"]["passkey"] = make_passkey(stranger, confirmed=False)
        for name, row in MATRIX.items():
            expected = row.expected(role)
            for scope, want in zip(("in", "out"), expected, strict=True):
                url = matrix_url(name, row, objects, scope)
                response = getattr(client, row.method)(url)
                if response.status_code != want:
                    failures.append(
                        f"{role:18} {row.method.upper()} {name} ({scope} scope): "
                        f"got {response.status_code}, expected {want}"
                    )
                if role == "anonymous" and want == 302 and name not in {"set_language"}:
                    assert response["Location"].startswith("/login/"), (name, response["Location"])
                if not row.kwargs:
                    break  # no object: in and out of scope are the same request
    assert not failures, "\n".join(failures)


def admin_urls():
    """The admin's index, app pages and each registered model's pages (with a real object)."""
    urls = [reverse("admin:index")]
    for model, _model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        urls.append(reverse("admin:app_list", kwargs={"app_label": model._meta.app_label}))
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        urls.append(reverse("admin:{}_{}_add".format(*info)))
        obj = model._default_manager.first()
        if obj is not None:
            for page in ("change", "history", "delete"):
                urls.append(reverse(f"admin:{info[0]}_{info[1]}_{page}", args=[obj.pk]))
    return sorted(set(urls))


def test_the_admin_is_for_administrators_only(role_users):
    scenario(role_users)
    urls = admin_urls()
    assert len(urls) > 10
    failures = []
    for role in ROLES:
        client = Client()
        if role != "anonymous":
            log_in_as(client, role, role_users[role])
        for url in urls:
            status = client.get(url).status_code
            if role == "administrator":
                if status not in ADMIN_ALLOWED_FOR_ADMINISTRATOR:
                    failures.append(f"administrator GET {url}: {status}")
            elif status != ADMIN_ROW.expected(role)[0]:
                failures.append(f"{role} GET {url}: {status}")
    assert not failures, "\n".join(failures)


def test_admin_has_no_page_for_cases_or_persons():
    """Administrators do not read cases through the admin: only reference data of the cases app is there."""
    registered = {model._meta.label_lower for model in admin.site._registry}
    allowed = {"cases.aidcap", "cases.decisionkindsetting", "cases.aidpolicy"}
    assert {label for label in registered if label.startswith("cases.")} == allowed
    assert {label for label in registered if label.startswith("compensation.")} == {"compensation.compensationrules"}
    assert {label for label in registered if label.startswith("referrals.")} == {
        "referrals.billingpolicy",
        "referrals.yearlybudget",
    }
