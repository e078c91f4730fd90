"""'Who accessed this person's data' and its exports, with restricted (P) events left out for the person."""

import csv
import io
import json

import pytest

from cases.services import cases as case_services
from tests.factories import make_person
from victimsupport.audit import AccessAction, log_access

pytestmark = pytest.mark.django_db


def test_the_report_page_lists_who_read_the_data(client, specialist, colleague, case):
    client.force_login(colleague)
    client.get(f"/cases/{case.pk}/")
    client.force_login(specialist)
    response = client.get(f"/persons/{case.client_id}/access-report/")
    assert response.status_code == 200
    names = {event.user_name for event in response.context["events"]}
    assert str(colleague) in names


def test_csv_for_the_person_leaves_out_events_from_criminal_proceedings(client, specialist, case):
    log_access(specialist, AccessAction.VIEW, obj=case, persons=[case.client_id])
    log_access(
        specialist,
        AccessAction.DOWNLOAD,
        object_type="cases.attachment",
        object_id=1,
        persons=[case.client_id],
        restricted=True,
    )
    client.force_login(specialist)
    response = client.get(f"/persons/{case.client_id}/access-report/", {"format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    actions = [row[2] for row in rows[1:]]
    assert actions and not any("dokument" in action.lower() or "document" in action.lower() for action in actions)


def test_an_alleged_perpetrator_is_never_shown_that_victim_support_looked(client, specialist, case):
    abuser = make_person(specialist, first_name="Peeter", female=False)
    case_services.case_add_party(actor=specialist, case=case, person=abuser, role="alleged_perpetrator")
    client.force_login(specialist)
    client.get(f"/persons/{abuser.pk}/")
    page = client.get(f"/persons/{abuser.pk}/access-report/")
    assert page.context["events"] and all(event.visibility == "P" for event in page.context["events"])
    exported = client.get(f"/persons/{abuser.pk}/access-report/", {"format": "csv"}).content.decode("utf-8-sig")
    assert len(exported.strip().splitlines()) == 1  # the header only
    pdf = client.get(f"/persons/{abuser.pk}/access-report/", {"format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf"


def test_the_data_tracker_export_has_its_fields(client, specialist, case):
    client.force_login(specialist)
    client.get(f"/cases/{case.pk}/")
    specialist.personal_code = "37605030299"
    specialist.save()
    records = json.loads(client.get(f"/persons/{case.client_id}/access-report/", {"format": "datatracker"}).content)
    record = records[-1]
    assert set(record) == {
        "personcode",
        "logtime",
        "action",
        "actioncode",
        "sender",
        "sendercode",
        "receiver",
        "receivercode",
        "restrictions",
        "usercode",
    }
    assert record["personcode"] == f"EE{case.client.personal_code}"
    assert record["restrictions"] in {"A", "P"}


def test_the_report_is_for_those_who_may_change_the_person(client, colleague, case):
    client.force_login(colleague)
    assert client.get(f"/persons/{case.client_id}/access-report/").status_code == 403
