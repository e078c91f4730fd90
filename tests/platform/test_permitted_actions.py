"""permitted_actions() answers as is_permitted() does, action by action, in one query; and the permission
ids restrict() compares with are read once per process, and again after a change."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Case
from tests.factories import make_application, make_case
from victimsupport.permissions import ids, is_permitted, permitted_actions

pytestmark = pytest.mark.django_db
ACTIONS = ("view", "change", "assign", "delete")


@pytest.mark.parametrize("who", ["specialist", "colleague", "manager", "outsider"])
def test_permitted_actions_answer_as_is_permitted_does(request, specialist, who):
    case = make_case(specialist)
    user = request.getfixturevalue(who)
    expected = {action for action in ACTIONS if is_permitted(user, case, action)}
    with CaptureQueriesContext(connection) as context:
        assert permitted_actions(user, case, *ACTIONS) == expected
    assert len(context) == 1
    if who == "outsider":
        assert expected == set()
    if who == "specialist":
        assert {"view", "change"} <= expected


@pytest.mark.parametrize("who", ["specialist", "manager", "outsider"])
def test_a_model_under_another_policy_is_asked_through_restrict(request, specialist, who):
    application = make_application(specialist, make_case(specialist))  # Follows("case")
    user = request.getfixturevalue(who)
    actions = ("view", "change", "assign")
    expected = {action for action in actions if is_permitted(user, application, action)}
    assert permitted_actions(user, application, *actions) == expected
    assert ("view" in expected) == (who != "outsider")


def test_an_inactive_user_holds_nothing(specialist):
    case = make_case(specialist)
    specialist.is_active = False
    assert permitted_actions(specialist, case, *ACTIONS) == frozenset()


def test_permission_ids_are_read_once_and_again_after_a_change(specialist, monkeypatch):
    case = make_case(specialist)
    is_permitted(specialist, case, "view")  # the map is read
    with CaptureQueriesContext(connection) as context:
        assert is_permitted(specialist, case, "view")
    assert len(context) == 1  # the grant check alone: no lookup of the permission
    assert ids.permission_pk("cases", "case", "view_case") == Permission.objects.get(codename="view_case").pk
    # A permission added (a migration in a running service) is found without a restart.
    added = Permission.objects.create(
        codename="archive_case", name="Can archive case", content_type=ContentType.objects.get_for_model(Case)
    )
    assert ids.permission_pk("cases", "case", "archive_case") == added.pk
    # An action without a permission is held by nobody.
    assert not is_permitted(specialist, case, "no_such_action")
    assert ids.permission_pk("cases", "case", "no_such_action_case") is None
    # Another process's change is seen within a minute: the map is read again when it is older.
    Permission.objects.filter(pk=added.pk).update(codename="archived_case")  # no signal here
    assert ids.permission_pk("cases", "case", "archive_case") == added.pk  # this process: not yet
    monkeypatch.setattr(ids, "_loaded_at", ids._loaded_at - ids.RELOAD_SECONDS - 1)
    assert ids.permission_pk("cases", "case", "archive_case") is None
    assert ids.permission_pk("cases", "case", "archived_case") == added.pk
