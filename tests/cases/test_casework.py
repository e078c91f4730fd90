"""Case work: contacts, notes, plan, tasks, documents, closing and reopening, and the timeline."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cases.models import Attachment, Contact, Note
from cases.selectors import TIMELINE_PAGE, case_timeline
from cases.services import cases as case_services
from cases.services import work as work_services
from tests.factories import make_user
from victimsupport.models import AccessLogEntry, Role

pytestmark = pytest.mark.django_db


def fmt(moment):
    return timezone.localtime(moment).strftime("%d.%m.%Y %H:%M")


def test_recording_a_contact(client, specialist, case):
    client.force_login(specialist)
    moment = timezone.now() - timedelta(hours=2)
    response = client.post(
        f"/cases/{case.pk}/contacts/new/",
        {
            "happened_at": fmt(moment),
            "duration_minutes": "45",
            "channel": "phone",
            "kind": "counselling",
            "summary": "Rääkisime turvaplaanist.",
        },
    )
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert contact.recorded_by == specialist and contact.duration_minutes == 45


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("happened_at", "01.01.2099 10:00"),
        ("duration_minutes", "0"),
        ("duration_minutes", "5000"),
        ("happened_at", "32.01.2026 10:00"),
        ("channel", "pigeon"),
    ],
)
def test_a_bad_contact_is_refused_at_the_field(client, specialist, case, field, value):
    client.force_login(specialist)
    data = {"happened_at": fmt(timezone.now()), "duration_minutes": "30", "channel": "phone", "kind": "counselling"}
    data[field] = value
    response = client.post(f"/cases/{case.pk}/contacts/new/", data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Contact.objects.exists()


def test_restricted_notes_are_read_only_by_author_responsible_and_managers(
    client, specialist, colleague, manager, case
):
    work_services.note_add(actor=specialist, case=case, text="Avatud märge")
    work_services.note_add(actor=specialist, case=case, text="Tundlik märge", restricted=True)
    for user, sees in ((specialist, True), (manager, True), (colleague, False)):
        client.force_login(user)
        html = client.get(f"/cases/{case.pk}/").content.decode()
        assert "Avatud märge" in html
        assert ("Tundlik märge" in html) is sees, user
    # A colleague's own restricted note: theirs to read, not another colleague's (the timeline's query is
    # compiled once per process and run with each user's id).
    second = make_user(Role.SPECIALIST, "pohja", first_name="Teine", last_name="Kolleeg")
    Note.objects.create(case=case, written_by=colleague, text="Kolleegi oma", restricted=True)  # when they helped
    for user, own in ((colleague, True), (second, False), (specialist, True)):
        client.force_login(user)
        assert ("Kolleegi oma" in client.get(f"/cases/{case.pk}/").content.decode()) is own, user


def test_overdue_tasks_show_on_the_start_pages(client, specialist, manager, case):
    work_services.task_add(
        actor=specialist,
        case=case,
        title="Helista kliendile",
        assigned_to=specialist,
        due_on=timezone.localdate() - timedelta(days=1),
    )
    client.force_login(specialist)
    html = client.get("/").content.decode()
    assert "Helista kliendile" in html
    # The case's name is part of its link, not only the reference.
    assert f'<a href="/cases/{case.pk}/">{case.reference} {case.client.full_name}</a>' in html
    client.force_login(manager)
    response = client.get("/")
    assert "Helista kliendile" in response.content.decode()
    team = response.context["panels"][0][1]["team"]
    row = next(row for row in team if row["user_id"] == specialist.pk)
    assert row == {"user_id": specialist.pk, "name": str(specialist), "open_cases": 1, "overdue_tasks": 1}
    assert f"?responsible={specialist.pk}&amp;status=open" in response.content.decode()


def test_a_task_reminder_is_sent_once(specialist, case, mailoutbox, django_capture_on_commit_callbacks, eager_celery):
    from cases.reminders import send_task_reminders

    work_services.task_add(
        actor=specialist,
        case=case,
        title="Saada kiri",
        assigned_to=specialist,
        due_on=timezone.localdate() + timedelta(days=1),
        remind_on=timezone.localdate(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert send_task_reminders() == 1
        assert send_task_reminders() == 0
    assert specialist.notifications.count() == 1
    assert len(mailoutbox) == 1 and case.client.last_name not in mailoutbox[0].body


def test_a_reminder_after_the_due_date_is_refused(specialist, case):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        work_services.task_add(
            actor=specialist,
            case=case,
            title="x",
            assigned_to=specialist,
            due_on=timezone.localdate(),
            remind_on=timezone.localdate() + timedelta(days=2),
        )
    assert "remind_on" in error.value.message_dict


def test_documents_are_checked_and_stored_with_a_restriction(client, specialist, case, settings):
    client.force_login(specialist)
    response = client.post(
        f"/cases/{case.pk}/documents/new/",
        {
            "title": "Politsei teatis",
            "from_proceedings": "on",
            "file": SimpleUploadedFile("teatis.pdf", b"%PDF-1.4 content", content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.from_proceedings and attachment.restriction_basis == "AvTS § 35 lg 1 p 1"
    download = client.get(f"/cases/{case.pk}/documents/{attachment.pk}/")
    assert b"".join(download.streaming_content) == b"%PDF-1.4 content"
    entry = AccessLogEntry.objects.get(action="download")
    assert entry.restricted  # from criminal proceedings: P for the Data Tracker


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("big.pdf", b"%PDF-" + b"x" * (2 * 1024 * 1024), "too large"),
        ("virus.exe", b"MZ\x90\x00", "not accepted"),
        ("fake.pdf", b"PK\x03\x04 not a pdf", "does not match"),
        ("empty.txt", b"", "empty"),
    ],
)
def test_a_bad_upload_is_refused_at_the_field(client, specialist, case, settings, name, content, message):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    client.force_login(specialist)
    settings.LANGUAGE_CODE = "en"
    client.cookies["django_language"] = "en"
    response = client.post(
        f"/cases/{case.pk}/documents/new/",
        {
            "title": "x",
            "file": SimpleUploadedFile(name, content),
        },
    )
    assert response.status_code == 400
    errors = " ".join(response.context["form"].errors.get("file", []))
    assert message in errors, errors
    assert not Attachment.objects.exists()


def test_closing_and_reopening(client, specialist, case):
    work_services.task_add(
        actor=specialist, case=case, title="x", assigned_to=specialist, due_on=timezone.localdate() - timedelta(days=3)
    )
    client.force_login(specialist)
    response = client.post(f"/cases/{case.pk}/close/", {"reason": "goals_met", "note": "Abi osutatud"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "closed" and case.closed_on == timezone.localdate()
    assert case.tasks.filter(done_at__isnull=True).exists()  # tasks stay as they were...
    client.force_login(specialist)
    assert "overdue" not in str(client.get("/").context["panels"])  # ...but are not overdue work while closed
    assert (
        client.post(
            f"/cases/{case.pk}/contacts/new/",
            {
                "happened_at": fmt(timezone.now()),
                "duration_minutes": "30",
                "channel": "phone",
                "kind": "counselling",
            },
        ).status_code
        == 400
    )  # no new work on a closed case
    assert client.post(f"/cases/{case.pk}/reopen/", {"reason": "Uus juhtum"}).status_code == 302
    case.refresh_from_db()
    assert case.status == "open" and case.closed_on is None
    kinds = [entry.item.kind for entry in case_timeline(specialist, case)[0] if entry.kind == "event"]
    assert kinds[:2] == ["reopened", "closed"]


def test_closing_needs_a_reason_and_not_a_date_before_opening(client, specialist, case):
    client.force_login(specialist)
    assert client.post(f"/cases/{case.pk}/close/", {"reason": ""}).status_code == 400
    before = (case.opened_on - timedelta(days=1)).strftime("%d.%m.%Y")
    response = client.post(f"/cases/{case.pk}/close/", {"reason": "other", "closed_on": before})
    assert response.status_code == 400 and "closed_on" in response.context["form"].errors
    case.refresh_from_db()
    assert case.status == "open"


def test_the_timeline_is_in_order_and_pages(specialist, case):
    start = timezone.now() - timedelta(days=90)
    for index in range(TIMELINE_PAGE + 5):
        work_services.contact_add(
            actor=specialist,
            case=case,
            happened_at=start + timedelta(hours=index),
            duration_minutes=30,
            channel="phone",
            kind="counselling",
        )
    note = work_services.note_add(actor=specialist, case=case, text="Viimane")
    first, more = case_timeline(specialist, case)
    assert more and len(first) == TIMELINE_PAGE
    assert first[0].item == note
    times = [entry.at for entry in first]
    assert times == sorted(times, reverse=True)
    second, more_again = case_timeline(specialist, case, page=2)
    assert not more_again and {entry.item.pk for entry in second if entry.kind == "contact"}.isdisjoint(
        {entry.item.pk for entry in first if entry.kind == "contact"}
    )


def test_the_timeline_fragment_for_htmx(client, specialist, case):
    client.force_login(specialist)
    response = client.get(f"/cases/{case.pk}/timeline/?page=1", headers={"HX-Request": "true"})
    assert response.status_code == 200 and b"<html" not in response.content
    assert b"<html" in client.get(f"/cases/{case.pk}/timeline/?page=1").content


def test_case_parties_and_the_alleged_perpetrator(client, specialist, case):
    client.force_login(specialist)
    response = client.post(
        f"/cases/{case.pk}/persons/new/",
        {
            "party-role": "alleged_perpetrator",
            "party-relation": "spouse_of",
            "person-first_name": "Peeter",
            "person-last_name": "Maasikas",
            "person-personal_code": "37605030299",
            "person-language": "et",
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert "Peeter Maasikas" in html
    party = case.parties.get(role="alleged_perpetrator")
    client.cookies["django_language"] = "en"
    html = client.get(f"/persons/{party.person_id}/").content.decode()
    assert "never contact" in html.lower() or "mitte kunagi" in html.lower()
    assert Note.objects.count() == 0


def test_case_services_refuse_a_second_close(specialist, case):
    from django.core.exceptions import ValidationError

    case_services.case_close(actor=specialist, case=case, reason="other")
    with pytest.raises(ValidationError):
        case_services.case_close(actor=specialist, case=case, reason="other")


def test_the_timeline_loads_only_the_kinds_on_its_page(specialist, case, django_assert_num_queries):
    # The newest page holds only notes: the UNION and the notes' query, not one query for each of six kinds.
    for index in range(TIMELINE_PAGE + 1):
        work_services.note_add(actor=specialist, case=case, text=f"Märge {index}")
    work_services.contact_add(
        actor=specialist,
        case=case,
        happened_at=timezone.now() - timedelta(days=30),
        duration_minutes=30,
        channel="phone",
        kind="counselling",
    )
    with django_assert_num_queries(2):
        entries, more = case_timeline(specialist, case, privileged=True)
    assert more and {entry.kind for entry in entries} == {"note"} and len(entries) == TIMELINE_PAGE
    with django_assert_num_queries(4):  # the older page: the last note, the contact, the case's opening
        older, _ = case_timeline(specialist, case, page=2, privileged=True)
    assert {entry.kind for entry in older} == {"note", "contact", "event"}


def test_only_the_first_pages_of_the_timeline_keep_their_compiled_query(specialist, case):
    from cases import selectors

    case_timeline(specialist, case, page=1, privileged=True)
    kept = len(selectors._timeline_unions)
    for page in (12, 500, 100000):  # a page number typed into the address must not grow every worker
        assert case_timeline(specialist, case, page=page, privileged=True) == ([], False)
    assert len(selectors._timeline_unions) == kept
