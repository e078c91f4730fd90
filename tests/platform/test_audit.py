"""Change history with the acting user (requests and tasks) and the append-only access log."""

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from tests.factories import make_user
from victimsupport.audit import AccessAction, log_access
from victimsupport.models import AccessLogEntry

pytestmark = pytest.mark.django_db


def test_history_records_the_user_of_the_request(client, specialist, case):
    client.force_login(specialist)
    response = client.post(
        f"/cases/{case.pk}/edit/",
        {
            "version": case.version,
            "county": case.county_id,
            "opened_on": case.opened_on.strftime("%d.%m.%Y"),
            "referral_source": "self",
            "incident_type": "sexual_violence",
            "risk_level": "high",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    latest = case.history.first()
    assert latest.incident_type == "sexual_violence"
    assert latest.history_user == specialist


def test_history_records_the_actor_of_a_task(specialist):
    from victimsupport.tasks import deactivate_user

    administrator = make_user("administrator", is_staff=True)
    deactivate_user.apply(args=[specialist.pk], kwargs={"actor_id": administrator.pk}, throw=True)
    specialist.refresh_from_db()
    assert not specialist.is_active
    assert specialist.history.first().history_user == administrator


def test_access_log_refuses_update_and_delete_in_the_database(specialist):
    entry = log_access(specialist, AccessAction.VIEW, object_type="cases.case", object_id=1, persons=[1])
    for statement in (
        "UPDATE victimsupport_accesslogentry SET reason = 'changed' WHERE id = %s",
        "DELETE FROM victimsupport_accesslogentry WHERE id = %s",
        "DELETE FROM victimsupport_accesslogentry WHERE id = -%s",  # even when no row matches
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [entry.pk])
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLogEntry.objects.filter(pk=entry.pk).delete()
    assert AccessLogEntry.objects.get(pk=entry.pk).reason == ""


def test_the_refusal_holds_for_a_superuser_connection(specialist):
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        assert cursor.fetchone()[0] is True  # the development connection is a superuser's
    log_access(specialist, AccessAction.VIEW, object_type="x")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM victimsupport_accesslogentry")


def test_reading_a_case_is_logged(client, specialist, case):
    client.force_login(specialist)
    client.get(f"/cases/{case.pk}/")
    entry = AccessLogEntry.objects.filter(object_type="cases.case", object_id=case.pk, action="view").get()
    assert entry.user == specialist
    assert case.client_id in entry.person_ids
    assert entry.ip == "127.0.0.1"


def test_access_log_page_for_managers_and_administrators(client, specialist, manager, outsider, case):
    log_access(specialist, AccessAction.VIEW, obj=case, persons=[case.client_id])
    log_access(outsider, AccessAction.VIEW, object_type="cases.case", object_id=999)
    client.force_login(manager)
    response = client.get("/access-log/")
    assert response.status_code == 200
    rows = response.context["page"].items
    assert {row.user_id for row in rows} == {specialist.pk}  # only the manager's regions' users
    client.force_login(make_user("administrator", is_staff=True))
    rows = client.get("/access-log/").context["page"].items
    assert {specialist.pk, outsider.pk} <= {row.user_id for row in rows}
    client.force_login(specialist)
    assert client.get("/access-log/").status_code == 403


def test_access_log_filter_rejects_a_backwards_range(client, manager):
    client.force_login(manager)
    response = client.get("/access-log/", {"date_from": "10.11.2026", "date_to": "01.11.2026"})
    assert response.status_code == 200
    assert "date_to" in response.context["form"].errors


def test_the_access_log_groups_by_user_and_object_and_links_the_case(client, specialist, colleague, manager, case):
    for _ in range(3):
        log_access(specialist, AccessAction.VIEW, obj=case, persons=[case.client_id])
    log_access(colleague, AccessAction.VIEW, obj=case, persons=[case.client_id])
    client.force_login(manager)
    response = client.get("/access-log/", {"grouped": "on"})
    rows = {(row["name"], row["object_id"]): row["times"] for row in response.context["page"].items}
    assert rows == {(specialist.get_full_name(), case.pk): 3, (colleague.get_full_name(), case.pk): 1}
    assert f'<a href="/cases/{case.pk}/">J-{case.pk}</a>' in response.content.decode()
    # The manager's scope holds in the grouped view too: what an outsider read is not there.
    log_access(make_user("specialist", "louna"), AccessAction.VIEW, obj=case)
    assert len(client.get("/access-log/", {"grouped": "on"}).context["page"].items) == 2


def test_the_access_log_downloads_what_the_filter_shows(client, specialist, colleague, manager, case, caplog):
    log_access(specialist, AccessAction.VIEW, obj=case, persons=[case.client_id], reason="=HYPERLINK(1)")
    log_access(colleague, AccessAction.VIEW, obj=case)
    client.force_login(manager)
    with caplog.at_level("INFO", logger="victimsupport.security"):
        response = client.get("/access-log/", {"user": specialist.last_name, "format": "csv"})
    assert '"event": "access_log_exported"' in caplog.text  # taking the log away is itself on record
    assert response["Content-Disposition"].startswith('attachment; filename="juurdepaasulogi-')
    text = response.content.decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert len(lines) == 2 and specialist.get_full_name() in lines[1] and colleague.get_full_name() not in text
    assert "'=HYPERLINK(1)" in lines[1]  # a formula is neutralised
    grouped = client.get("/access-log/", {"grouped": "on", "format": "xlsx"})
    assert grouped["Content-Type"].startswith("application/vnd.openxmlformats")
    page = client.get("/access-log/", {"user": specialist.last_name}).content.decode()
    assert f"user={specialist.last_name}&amp;format=csv" in page  # the download keeps the filter
