"""The decision letter (every element HMS requires, Estonian letters intact), registration, delivery through
allowed channels only, and the pages."""

import io
from decimal import Decimal

import pytest
from django.utils import timezone
from pypdf import PdfReader

from cases.aidletters import _register_letter, render_decision_letter_job
from cases.models import AidDecision
from cases.services import aid as aid_services
from tests.conftest import wait_for
from tests.factories import make_application, make_case, make_decision, make_person, make_user, set_rules
from victimsupport.jobs import job_create
from victimsupport.models import AccessLogEntry, Job, RegisteredDocument

pytestmark = pytest.mark.django_db


def pdf_text(document) -> str:
    with document.file.open("rb") as handle:
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)


def issued(actor, case, **fields):
    return aid_services.decision_issue(
        actor=actor, decision=make_decision(actor, make_application(actor, case), **fields)
    )


def approved(actor, manager, case, **fields):
    decision = make_decision(actor, make_application(actor, case), **fields)
    aid_services.decision_submit(actor=actor, decision=decision)
    return aid_services.decision_approve(actor=manager, decision=decision)


@pytest.fixture
def client_person(specialist):
    person = make_person(specialist, first_name="Õnnela", last_name="Šmõžüäö")
    person.street, person.house, person.settlement, person.postal_code = "Jõe tn", "5", "Tartu", "50109"
    person.save()
    return person


def test_the_grant_letter_has_every_element_of_an_administrative_act(specialist, client_person):
    specialist.position = "ohvriabitöötaja"
    specialist.save()
    case = make_case(specialist, client=client_person)
    set_rules(specialist, person=client_person, letter_allowed=True)
    decision = issued(specialist, case, amount_cap=Decimal("886.00"), facts="Taotleja pöördus pärast vägivalda.")
    document = _register_letter(decision, specialist)
    text = pdf_text(document)
    assert document.number.startswith("9-13/") and document.number.endswith("-1")
    for element in (
        "Sotsiaalkindlustusamet",
        "70001975",  # issuer
        timezone.localdate().strftime("%d.%m.%Y"),
        document.number,  # date and number
        "Õnnela Šmõžüäö",
        "Jõe tn 5",  # addressee (the address the rules allow)
        "Õiguslik alus",
        "Ohvriabi seadus",  # legal basis
        "Asjaolud",
        "Põhjendused",  # facts and reasoning
        "Otsus",
        "886,00",
        "psühholoogiline nõustamine",  # resolution: cap, service
        "Vaidlustamine",
        "30 päeva",
        "§ 75",
        "halduskohtule",
        "§ 46",  # how and by when to contest
        "kinnitatud digitaalselt asutuse e-templiga",
        specialist.get_full_name(),
        "ohvriabitöötaja",  # signer
    ):
        assert element in text, element
    for letter in "õäöüšž":
        assert letter in text.lower(), letter
    assert document.verify_checksum()


def test_the_refusal_letter_states_its_reasons(specialist, manager, client_person):
    case = make_case(specialist, client=client_person, incident_type="property")
    reasons = "Kriminaalmenetlust ei ole alustatud ja vara vastane süütegu ei anna õigust abile."
    decision = approved(specialist, manager, case, kind="refusal", reasoning=reasons)
    application = decision.application
    application.basis = "criminal_proceedings"
    text = pdf_text(_register_letter(decision, manager))
    assert "rahuldamata" in text and "Põhjendused" in text
    assert "Kriminaalmenetlust ei ole alustatud" in text
    assert manager.get_full_name() in text  # the approver signs
    assert "Vaidlustamine" in text
    for letter in "õäöüšž":
        assert letter in text.lower(), letter


def test_the_home_address_is_never_printed_when_the_rules_forbid_it(specialist, client_person):
    case = make_case(specialist, client=client_person)
    set_rules(
        specialist,
        person=client_person,
        letter_allowed=True,
        never_write_home=True,
        letter_address="Postkast 77\n10001 Tallinn",
    )
    text = pdf_text(_register_letter(issued(specialist, case), specialist))
    assert "Jõe tn" not in text and "Postkast 77" in text


def test_a_letter_in_english_for_an_english_speaker(specialist):
    person = make_person(specialist, first_name="John", last_name="Smith", language="en")
    case = make_case(specialist, client=person)
    decision = issued(specialist, case)
    text = pdf_text(_register_letter(decision, specialist))
    assert "DECISION" in text and "How to contest" in text and "sealed digitally" in text
    assert AidDecision.objects.get(pk=decision.pk).letter_language == "en"


def test_generating_twice_gives_one_document(specialist, case):
    decision = issued(specialist, case)
    for _ in range(2):
        job = job_create(kind="decision_letter", created_by=specialist, target=decision)
        render_decision_letter_job(job.pk)
        assert Job.objects.get(pk=job.pk).status == "done"
    assert RegisteredDocument.objects.count() == 1
    amendment = make_decision(
        specialist, decision.application, kind="amendment", amends=decision, amount_cap=Decimal("600.00")
    )
    aid_services.decision_submit(actor=specialist, decision=amendment)
    amendment = aid_services.decision_approve(actor=make_user("regional_manager", "pohja"), decision=amendment)
    document = _register_letter(amendment, specialist)
    first = AidDecision.objects.get(pk=decision.pk).letter
    assert document.matter_id == first.matter_id and document.number.endswith("-2")


class TestDelivery:
    def test_email_only_when_the_rules_allow_it(
        self, client, specialist, case, mailoutbox, eager_celery, django_capture_on_commit_callbacks
    ):
        decision = issued(specialist, case)
        _register_letter(decision, specialist)
        client.force_login(specialist)
        response = client.post(f"/aid/decisions/{decision.pk}/deliver/", {"channel": "email"})
        assert response.status_code == 302
        assert AidDecision.objects.get(pk=decision.pk).delivered_on is None  # no rules: refused
        case.client.email = "mari@example.invalid"
        case.client.save()
        set_rules(specialist, person=case.client, email_allowed=True)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(f"/aid/decisions/{decision.pk}/deliver/", {"channel": "email"})
        decision.refresh_from_db()
        assert decision.delivery_channel == "email" and decision.delivered_on == timezone.localdate()
        assert len(mailoutbox) == 1 and mailoutbox[0].to == ["mari@example.invalid"]
        assert mailoutbox[0].attachments[0][2] == "application/pdf"

    def test_without_an_allowed_channel_the_page_says_so_and_records_pickup(self, client, specialist, case):
        decision = issued(specialist, case)
        _register_letter(decision, specialist)
        client.force_login(specialist)
        response = client.get(f"/aid/decisions/{decision.pk}/")
        assert not response.context["any_channel"]
        client.post(f"/aid/decisions/{decision.pk}/deliver/", {"channel": "pickup"})
        assert AidDecision.objects.get(pk=decision.pk).delivery_channel == "pickup"

    def test_post_is_refused_when_letters_must_not_go_home(self, specialist, case):
        from django.core.exceptions import ValidationError

        decision = issued(specialist, case)
        _register_letter(decision, specialist)
        set_rules(specialist, person=case.client, letter_allowed=False, email_allowed=True, never_write_home=True)
        with pytest.raises(ValidationError):
            aid_services.decision_deliver(actor=specialist, decision=decision, channel="letter")


class TestPages:
    def test_bad_input_on_the_draft_page_changes_nothing(self, client, specialist, case):
        application = make_application(specialist, case)
        client.force_login(specialist)
        response = client.post(
            f"/aid/applications/{application.pk}/decisions/new/",
            {
                "kind": "grant",
                "amount_cap": "5000,00",
                "valid_from": "01.06.2026",
                "valid_until": "01.05.2026",
                "service_type": "counselling",
                "reasoning": "x",
            },
        )
        assert response.status_code == 400
        errors = response.context["form"].errors
        assert "amount_cap" in errors and "valid_until" in errors
        assert 'value="5000,00"' in response.content.decode()
        assert not AidDecision.objects.exists()

    def test_a_grant_through_the_pages(self, client, specialist, case):
        from datetime import date

        from cases.models import AidCap

        AidCap.objects.get_or_create(
            valid_from=date(timezone.localdate().year, 1, 1), defaults={"amount": "886.00", "note": "test"}
        )
        client.force_login(specialist)
        response = client.post(
            f"/cases/{case.pk}/aid/new/",
            {
                "applicant": case.client_id,
                "applicant_role": "victim",
                "basis": "domestic_violence",
                "received_on": timezone.localdate().strftime("%d.%m.%Y"),
                "what_happened": "Vägivald kodus",
                "symptoms": "Unetus",
                "urgency": "soon",
                "language_wish": "et",
                "service_wished": "counselling",
            },
        )
        assert response.status_code == 302, response.content.decode()[-2000:]
        application = case.aid_applications.get()
        response = client.post(
            f"/aid/applications/{application.pk}/decisions/new/",
            {
                "kind": "grant",
                "amount_cap": "886,00",
                "valid_from": timezone.localdate().strftime("%d.%m.%Y"),
                "valid_until": (timezone.localdate().replace(year=timezone.localdate().year + 1)).strftime("%d.%m.%Y"),
                "service_type": "counselling",
                "reasoning": "Vajadus on olemas.",
            },
        )
        assert response.status_code == 302, response.context["form"].errors
        decision = AidDecision.objects.get()
        assert decision.amount_cap == Decimal("886.00")
        assert client.get(f"/cases/{case.pk}/").status_code == 200

    def test_another_regions_specialist_gets_404_for_the_decision_and_its_letter(
        self, client, specialist, outsider, case
    ):
        decision = issued(specialist, case)
        _register_letter(decision, specialist)
        client.force_login(outsider)
        assert client.get(f"/aid/decisions/{decision.pk}/").status_code == 404
        assert client.get(f"/aid/decisions/{decision.pk}/letter/").status_code == 404
        assert client.get(f"/aid/applications/{decision.application_id}/").status_code == 404


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_renders_the_decision_letter_while_the_page_shows_progress(client, celery_worker_process):
    specialist = make_user("specialist", "pohja", first_name="Siiri", last_name="Spetsialist")
    case = make_case(specialist)
    decision = make_decision(specialist, make_application(specialist, case))
    client.force_login(specialist)
    response = client.post(f"/aid/decisions/{decision.pk}/issue/")
    assert response.status_code == 302
    page = client.get(f"/aid/decisions/{decision.pk}/").content.decode()
    assert "<progress" in page or "9-13/" in page
    # The letter commits before the job is marked done: wait for both.
    decision = wait_for(
        lambda: (
            Job.objects.filter(kind="decision_letter", status="done").exists()
            and AidDecision.objects.filter(pk=decision.pk, letter__isnull=False).first()
        ),
        timeout=90,
    )
    job = Job.objects.get(kind="decision_letter")
    assert job.status == "done" and job.result_document_id == decision.letter_id
    assert "Põhjendused" in pdf_text(decision.letter)
    download = client.get(f"/aid/decisions/{decision.pk}/letter/")
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    history_user = decision.letter.history.first().history_user
    assert history_user == specialist  # the worker acted as the user who issued it


def test_a_partial_grant_says_so_in_its_title_and_resolution(specialist, manager, client_person):
    case = make_case(specialist, client=client_person)
    application = make_application(specialist, case)
    application.service_wished = "psychotherapy"
    application.save(update_fields=["service_wished"])
    decision = make_decision(specialist, application, kind="partial", amount_cap=Decimal("400.00"))
    aid_services.decision_submit(actor=specialist, decision=decision)
    decision = aid_services.decision_approve(actor=manager, decision=decision)
    text = " ".join(pdf_text(_register_letter(decision, manager)).split())
    assert "taotluse osalise rahuldamise kohta" in text
    assert "Rahuldada taotlus osaliselt ja määrata" in text
    assert "Muus osas jätta taotlus rahuldamata (taotletud teenus: psühhoteraapia)" in text


def test_a_draft_can_be_read_as_its_letter_before_approval_and_nothing_is_registered(client, specialist, case):
    decision = make_decision(specialist, make_application(specialist, case), amount_cap=Decimal("886.00"))
    client.force_login(specialist)
    page = client.get(f"/aid/decisions/{decision.pk}/").content.decode()
    assert f'href="/aid/decisions/{decision.pk}/preview/"' in page
    response = client.get(f"/aid/decisions/{decision.pk}/preview/")
    assert response["Content-Type"] == "application/pdf" and response["Content-Disposition"].startswith("inline")
    text = " ".join(PdfReader(io.BytesIO(response.content)).pages[0].extract_text().split())
    assert "EELNÕU" in text and "886,00" in text and "Otsus" in text
    assert not RegisteredDocument.objects.exists()  # a preview is no letter: no number, no register entry
    assert AccessLogEntry.objects.filter(object_type="cases.aiddecision", object_id=decision.pk).exists()
    issued = aid_services.decision_issue(actor=specialist, decision=decision)
    assert client.get(f"/aid/decisions/{issued.pk}/preview/").status_code == 404  # the letter itself now
