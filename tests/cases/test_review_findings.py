"""The outside review's findings on cases (issue 9): each test fails on the code as it was reviewed."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from cases import selectors
from cases.choices import Channel
from cases.contact import may_contact
from cases.models import Case, CaseParty, SafeContact, Task
from cases.services import cases as case_services
from cases.services import persons as person_services
from cases.services import work as work_services
from tests.cases.test_intake import intake_data
from tests.factories import make_case, make_person, make_user, region, set_rules
from victimsupport.models import AccessLogEntry, Notification
from victimsupport.permissions import is_permitted

pytestmark = pytest.mark.django_db

SAFE_RULES = {
    "letter_allowed": True,
    "never_write_home": True,
    "confidential_address": True,
    "letter_address": "Postkast 12\n10111 Tallinn",
    "code_word": "kannike",
    "phone_allowed": True,
}


# --- 1. intake never erases a recorded person's safe-contact rules ---


def _recorded_client(specialist):
    case = make_case(specialist)
    set_rules(specialist, case.client, **SAFE_RULES)
    return case.client


def _assert_rules_kept(person):
    rules = SafeContact.objects.get(person=person)
    assert rules.never_write_home and rules.confidential_address and rules.code_word == "kannike"
    assert rules.letter_address == "Postkast 12\n10111 Tallinn"
    letter = may_contact(person, Channel.LETTER)
    assert letter and letter.destination == ["Postkast 12", "10111 Tallinn"]


def test_choosing_a_recorded_person_at_intake_keeps_their_safe_contact_rules(client, specialist):
    person = _recorded_client(specialist)
    client.force_login(specialist)
    # The intake form's own safe-contact fields (typed for a "new" person) allow letters home.
    data = intake_data(
        specialist,
        **{"person-personal_code": person.personal_code, "safe-never_write_home": None, "safe-letter_allowed": "on"},
    )
    warning = client.post("/cases/new/", data)
    assert warning.status_code == 200 and warning.context["duplicates"] == [person]
    response = client.post("/cases/new/", {**data, "use_person": str(person.pk)})
    assert response.status_code == 302
    assert Case.objects.filter(client=person).count() == 2
    _assert_rules_kept(person)


def test_choosing_a_duplicate_by_name_keeps_the_rules(client, specialist):
    person = _recorded_client(specialist)
    client.force_login(specialist)
    data = intake_data(
        specialist,
        **{
            "person-first_name": person.first_name,
            "person-last_name": person.last_name,
            "person-personal_code": "",
            "person-birth_date": person.birth_date.strftime("%d.%m.%Y"),
            "safe-never_write_home": None,
            "safe-letter_allowed": "on",
            "safe-code_word": "",
        },
    )
    assert client.post("/cases/new/", data).context["duplicates"] == [person]
    assert client.post("/cases/new/", {**data, "use_person": str(person.pk)}).status_code == 302
    _assert_rules_kept(person)


def test_a_new_case_from_the_person_page_shows_the_rules_and_never_writes_them(client, specialist):
    person = _recorded_client(specialist)
    client.force_login(specialist)
    page = client.get(f"/persons/{person.pk}/cases/new/")
    assert page.context["safe_form"] is None and page.context["safe_contact"].code_word == "kannike"
    assert "kannike" in page.content.decode()
    data = {key: value for key, value in intake_data(specialist).items() if not key.startswith("person-")}
    data["safe-letter_allowed"] = "on"
    data.pop("safe-never_write_home")
    assert client.post(f"/persons/{person.pk}/cases/new/", data).status_code == 302
    _assert_rules_kept(person)


def test_safe_contact_rules_are_never_replaced_by_someone_who_did_not_see_them(specialist):
    person = _recorded_client(specialist)
    version = selectors.safe_contact_version(person)
    from victimsupport.concurrency import ConcurrentEdit

    with pytest.raises(ConcurrentEdit):
        person_services.safe_contact_set(actor=specialist, person=person, expected_version=0, letter_allowed=True)
    with pytest.raises(ConcurrentEdit):
        person_services.safe_contact_set(
            actor=specialist, person=person, expected_version=version - 1, never_write_home=False
        )
    _assert_rules_kept(person)


def test_a_stale_safe_contact_form_shows_the_conflict_and_saves_nothing(client, specialist, colleague):
    person = _recorded_client(specialist)
    client.force_login(specialist)
    form = client.get(f"/persons/{person.pk}/safe-contact/").context["form"]
    seen = form.initial["version"]
    set_rules(specialist, person, safe_times="õhtuti")  # someone else saves meanwhile
    response = client.post(
        f"/persons/{person.pk}/safe-contact/",
        {"version": seen, "letter_allowed": "on", "in_person_allowed": "on", "letter_address": "Kodu 1"},
    )
    assert response.status_code == 409 and response.context["conflict_message"]
    _assert_rules_kept(person)
    assert SafeContact.objects.get(person=person).safe_times == "õhtuti"


# --- 2. rights never widen through the duplicate path ---


def test_a_colleague_s_client_cannot_be_taken_over_at_intake(client, specialist, colleague):
    person = make_case(colleague).client  # the specialist sees it through the region, but may not change
    assert is_permitted(specialist, person, "view") and not is_permitted(specialist, person, "change")
    client.force_login(specialist)
    data = intake_data(specialist, **{"person-personal_code": person.personal_code})
    warning = client.post("/cases/new/", data)
    assert warning.context["duplicates"] == [person] and not warning.context["duplicates"][0].usable
    refused = client.post("/cases/new/", {**data, "use_person": str(person.pk)})
    assert refused.status_code == 200 and refused.context["duplicate_error"]
    assert Case.objects.filter(client=person).count() == 1
    assert not is_permitted(specialist, person, "change") and not is_permitted(specialist, person, "contact")
    # The service refuses it too, whoever calls it.
    with pytest.raises(PermissionDenied):
        make_case(specialist, client=person)


def test_adding_a_colleague_s_client_to_one_s_own_case_gives_no_change_or_contact(client, specialist, colleague):
    person = make_case(colleague).client
    own = make_case(specialist)
    client.force_login(specialist)
    response = client.post(
        f"/cases/{own.pk}/persons/new/",
        {
            "party-role": "witness",
            "person-first_name": person.first_name,
            "person-last_name": person.last_name,
            "person-personal_code": person.personal_code,
            "person-language": "et",
        },
    )
    assert response.status_code == 302
    party = CaseParty.objects.get(case=own, person=person)
    assert not party.recorded_here
    assert is_permitted(specialist, person, "view")
    assert not is_permitted(specialist, person, "change") and not is_permitted(specialist, person, "contact")
    # The colleague keeps their rights, and a new person recorded through a case is changed through it.
    assert is_permitted(colleague, person, "change")


def test_a_new_party_recorded_in_the_case_can_be_changed_through_it(specialist):
    case = make_case(specialist)
    relative = make_person(specialist, first_name="Peeter")
    case_services.case_add_party(actor=specialist, case=case, person=relative, role="family_member")
    assert CaseParty.objects.get(case=case, person=relative).recorded_here
    assert is_permitted(specialist, relative, "change") and is_permitted(specialist, relative, "contact")


# --- also decided: who may make someone else responsible at intake ---


def test_a_specialist_cannot_make_a_colleague_responsible_at_intake(client, specialist, colleague):
    client.force_login(specialist)
    response = client.post("/cases/new/", intake_data(specialist, **{"case-responsible": colleague.pk}))
    assert response.status_code == 200 and "responsible" in response.context["case_form"].errors
    assert not Case.objects.exists()
    assert list(response.context["case_form"].fields["responsible"].queryset) == [specialist]


def test_a_manager_assigns_at_intake_and_the_colleague_is_told(client, manager, colleague):
    client.force_login(manager)
    response = client.post("/cases/new/", intake_data(manager, **{"case-responsible": colleague.pk}))
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.responsible == colleague
    assert Notification.objects.filter(user=colleague, link=f"/cases/{case.pk}/").exists()


def test_a_case_left_unassigned_at_intake_is_announced_to_the_other_managers(client, specialist, manager):
    client.force_login(specialist)
    refused = client.post("/cases/new/", intake_data(specialist, **{"case-responsible": ""}))
    assert refused.status_code == 200 and "responsible" in refused.context["case_form"].errors
    other_manager = make_user("regional_manager", "pohja", first_name="Malle")
    client.force_login(manager)
    assert client.post("/cases/new/", intake_data(manager, **{"case-responsible": ""})).status_code == 302
    case = Case.objects.get()
    assert case.responsible is None
    assert Notification.objects.filter(user=other_manager, link=f"/cases/{case.pk}/").exists()


# --- also decided: open tasks go with a transferred case ---


def test_open_tasks_and_their_reminders_leave_the_old_region_on_transfer(specialist, manager):
    case = make_case(specialist)
    task = work_services.task_add(
        actor=specialist,
        case=case,
        title="Helista tagasi",
        due_on=timezone.localdate() + timedelta(days=3),
        assigned_to=specialist,
        remind_on=timezone.localdate(),
    )
    south_manager = make_user("regional_manager", "louna", first_name="Liis")
    louna = region("louna")
    case_services.case_transfer(
        actor=manager, case=case, region=louna, county=louna.counties.order_by("name").first(), reason="Kolis"
    )
    task.refresh_from_db()
    assert task.assigned_to is None
    from cases.reminders import send_task_reminders

    assert send_task_reminders() == 1
    assert Notification.objects.filter(user=south_manager, link=f"/cases/{case.pk}/").exists()
    assert not Notification.objects.filter(user=specialist, link=f"/cases/{case.pk}/").exists()
    assert Task.objects.filter(case=case, assigned_to=specialist).count() == 0


def test_the_duplicate_warning_is_logged(client, specialist):
    person = _recorded_client(specialist)
    client.force_login(specialist)
    before = AccessLogEntry.objects.count()
    client.post("/cases/new/", intake_data(specialist, **{"person-personal_code": person.personal_code}))
    entry = AccessLogEntry.objects.order_by("-id").first()
    assert AccessLogEntry.objects.count() > before and person.pk in entry.person_ids


# --- 3. a sealed case's names are shown nowhere until it is opened with a reason ---


@pytest.fixture
def sealed(manager, specialist):
    case = make_case(specialist)
    case_services.case_add_party(
        actor=specialist,
        case=case,
        person=make_person(specialist, first_name="Aino", last_name="Sugulane"),
        role="family_member",
    )
    return case_services.case_set_sealed(actor=manager, case=case, sealed=True, reason="Klient on politseinik")


def _open_sealed(client, case):
    response = client.post(
        f"/cases/{case.pk}/open-sealed/", {"reason": "Kliendi kõne, kolleeg puhkusel", "next": f"/cases/{case.pk}/"}
    )
    assert response.status_code == 302


def test_aid_lists_hide_a_sealed_applicant(client, specialist, colleague, manager, sealed):
    from tests.factories import make_application, make_decision

    application = make_application(specialist, sealed)
    make_decision(specialist, application, kind="refusal")
    from cases.services import aid as aid_services

    decision = application.decisions.get()
    aid_services.decision_submit(actor=specialist, decision=decision)
    name = sealed.client.full_name
    client.force_login(colleague)
    assert name not in client.get("/aid/?scope=region").content.decode()
    client.force_login(manager)
    html = client.get("/aid/approvals/").content.decode()
    assert decision.reference in html and name not in html
    _open_sealed(client, sealed)
    assert name in client.get("/aid/approvals/").content.decode()


def test_a_relative_s_page_does_not_name_the_sealed_client(client, colleague, sealed):
    relative = sealed.parties.exclude(person=sealed.client).get().person
    person_services.relation_add(
        actor=sealed.responsible, person=relative, related_person=sealed.client, kind="sibling_of"
    )
    client.force_login(colleague)
    response = client.get(f"/persons/{relative.pk}/")
    assert response.status_code == 200
    assert sealed.client.full_name not in response.content.decode()


def test_the_duplicate_warning_does_not_name_a_sealed_client(client, manager, sealed):
    client.force_login(manager)
    person = sealed.client
    data = intake_data(manager, **{"person-personal_code": person.personal_code})
    before = AccessLogEntry.objects.count()
    response = client.post("/cases/new/", data)
    html = response.content.decode()
    assert response.context["duplicates"] == [person]
    assert person.full_name not in html and person.birth_date.strftime("%d.%m.%Y") not in html.split("person-")[0]
    assert AccessLogEntry.objects.count() == before + 1


def test_start_pages_hide_free_text_task_titles_of_sealed_cases(client, specialist, manager, sealed):
    work_services.task_add(
        actor=specialist,
        case=sealed,
        title="Helista Maria Politseinikule",
        due_on=timezone.localdate() - timedelta(days=1),
        assigned_to=specialist,
    )
    Task.objects.filter(case=sealed).update(due_on=timezone.localdate() - timedelta(days=2))
    client.force_login(manager)
    html = client.get("/").content.decode()
    assert sealed.reference in html and "Helista Maria Politseinikule" not in html
    client.force_login(specialist)  # the responsible specialist sees their own task
    assert "Helista Maria Politseinikule" in client.get("/").content.decode()


# --- 10. the document register names no private person ---


def test_the_register_shows_a_reference_not_the_name(specialist, case):
    from tests.factories import make_aid

    _, _, issued = make_aid(specialist, case)
    letter = issued.letter
    assert case.client.full_name not in letter.party and case.client.last_name not in letter.party
    assert issued.application.reference in letter.party


def test_the_admin_register_list_shows_no_names(client, specialist, case):
    from tests.factories import make_aid

    _, _, issued = make_aid(specialist, case)
    admin = make_user("administrator", "pohja", username="admin-user", is_staff=True)
    client.force_login(admin)
    response = client.get("/admin/victimsupport/registereddocument/")
    assert response.status_code == 200
    html = response.content.decode()
    assert issued.letter.number in html and case.client.last_name not in html


# --- also decided: a manager's access log shows their own region's staff only ---


def test_a_manager_does_not_see_reads_by_other_regions_staff(client, manager, specialist, outsider):
    from victimsupport.audit import AccessAction, log_access

    both = make_user("specialist", "pohja", "louna", first_name="Kahe", last_name="Piirkonna")
    log_access(specialist, AccessAction.VIEW, object_type="cases.case", object_id=1)
    log_access(outsider, AccessAction.VIEW, object_type="cases.case", object_id=2)
    log_access(both, AccessAction.VIEW, object_type="cases.case", object_id=3)
    client.force_login(manager)
    entries = client.get("/access-log/").context["page"].items
    assert {entry.user_id for entry in entries} == {specialist.pk}


# --- 7. a letter is never posted to an address the rules no longer allow ---


def test_a_letter_rendered_before_the_rules_changed_is_not_posted_but_re_issued(client, specialist):
    from cases.aidletters import current_letter, render_decision_letter_job
    from cases.models import AidDecision
    from cases.services import aid as aid_services
    from tests.cases.test_aid_letters import issued, pdf_text
    from victimsupport.jobs import job_create
    from victimsupport.models import Job, RegisteredDocument

    person = make_person(specialist, first_name="Õnne", last_name="Kodune")
    person.street, person.house, person.settlement, person.postal_code = "Jõe tn", "5", "Tartu", "50109"
    person.save()
    case = make_case(specialist, client=person)
    set_rules(specialist, person, letter_allowed=True)  # letters home were allowed
    decision = issued(specialist, case)
    render_decision_letter_job(job_create(kind="decision_letter", created_by=specialist, target=decision).pk)
    first = AidDecision.objects.get(pk=decision.pk).letter
    assert "Jõe tn" in pdf_text(first) and first.addressed_to.startswith("Jõe tn")
    # Then the person asks never to be written to at home; a safe address is recorded.
    set_rules(specialist, person, letter_allowed=True, never_write_home=True, letter_address="Postkast 9\n50001 Tartu")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        aid_services.decision_deliver(actor=specialist, decision=decision, channel="letter")
    assert AidDecision.objects.get(pk=decision.pk).delivered_on is None
    client.force_login(specialist)
    page = client.get(f"/aid/decisions/{decision.pk}/")
    assert page.context["letter_stale"]
    # Re-issue: a new registered document that refers to the old one, to the allowed address.
    response = client.post(f"/aid/decisions/{decision.pk}/letter/")
    assert response.status_code == 302
    job = Job.objects.filter(kind="decision_letter").order_by("-id").first()
    render_decision_letter_job(job.pk)
    decision = AidDecision.objects.get(pk=decision.pk)
    new = current_letter(decision)
    assert new.pk != first.pk and new.supersedes_id == first.pk and decision.letter_id == first.pk
    text = pdf_text(new)
    assert "Postkast 9" in text and "Jõe tn" not in text and first.number in text
    assert RegisteredDocument.objects.get(pk=first.pk).sha256 == first.sha256  # the old one never changes
    aid_services.decision_deliver(actor=specialist, decision=decision, channel="letter")
    assert AidDecision.objects.get(pk=decision.pk).delivery_channel == "letter"
    # Run again, the job makes nothing more.
    render_decision_letter_job(job_create(kind="decision_letter", created_by=specialist, target=decision).pk)
    assert RegisteredDocument.objects.filter(matter=first.matter).count() == 2
    download = client.get(f"/aid/decisions/{decision.pk}/letter/")
    assert download.status_code == 200 and new.number.replace("/", "_") in download["Content-Disposition"]


def test_the_invoice_page_does_not_name_a_sealed_client_before_it_is_opened(client, specialist, manager):
    from tests.factories import make_aid, make_invoice, make_provider, make_referral

    case = make_case(specialist)
    _, _, issued = make_aid(specialist, case)
    organiser = make_user("service_organiser", "pohja", first_name="Olga")
    invoice = make_invoice(organiser, make_referral(specialist, issued, make_provider()))
    case_services.case_set_sealed(actor=manager, case=case, sealed=True, reason="Klient on politseinik")
    name = case.client.full_name
    client.force_login(manager)
    page = client.get(f"/referrals/invoices/{invoice.pk}/")
    assert page.status_code == 200 and name not in page.content.decode()
    _open_sealed(client, case)
    assert name in client.get(f"/referrals/invoices/{invoice.pk}/").content.decode()
