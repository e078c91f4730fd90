"""Evidence for a claim: requests for information as registered letters with a reply deadline and a
reminder, and the expert doctor's opinion, seen by the doctor with only what the opinion needs."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfReader

from compensation.letters import make_request_letter
from compensation.models import ExpertOpinion, InformationRequest
from compensation.services import claims as claim_services
from compensation.services import evidence as services
from tests.compensation.test_claims import add_item, open_claim
from tests.factories import make_user
from victimsupport.jobs import job_run
from victimsupport.models import AccessLogEntry, Job, Notification

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def claim(specialist, case):
    claim = open_claim(specialist, case)
    add_item(specialist, claim, claimed="1000.00")
    return claim


@pytest.fixture
def doctor(db):
    return make_user("expert_doctor", first_name="Ekspert", last_name="Arst")


def send(actor, claim):
    return services.request_send(
        actor=actor,
        claim=claim,
        recipient_kind="health_insurance",
        recipient_name="Tervisekassa",
        recipient_address="Lastekodu 48\n10144 Tallinn",
        question="Milliseid ravikulusid on hüvitatud?",
    )


class TestRequests:
    def test_a_registered_letter_with_a_reply_deadline(self, specialist, claim, settings):
        settings.COMPENSATION_REPLY_DAYS = 15
        request = send(specialist, claim)
        assert request.reply_due_on == TODAY + timedelta(days=15)
        job = Job.objects.get(kind="compensation_request_letter", target_id=request.pk)
        job_run(job.pk, make_request_letter)
        job_run(job.pk, make_request_letter)  # a second run makes nothing more
        request.refresh_from_db()
        document = request.letter
        assert document.number.startswith("9-17/") and document.reply_due == request.reply_due_on
        assert document.party == "Tervisekassa"
        with document.file.open("rb") as handle:
            text = PdfReader(io.BytesIO(handle.read())).pages[0].extract_text()
        for element in ("Milliseid ravikulusid", request.reply_due_on.strftime("%d.%m.%Y"), document.number, "10144"):
            assert element in text, element
        assert InformationRequest.objects.get().letter == document

    def test_an_overdue_reply_is_reminded_once(self, specialist, claim):
        request = send(specialist, claim)
        InformationRequest.objects.filter(pk=request.pk).update(
            sent_on=TODAY - timedelta(days=40), reply_due_on=TODAY - timedelta(days=10)
        )
        assert services.send_request_reminders() == 1
        assert services.send_request_reminders() == 0
        notice = Notification.objects.get(user=specialist, message__contains="reply to request")
        assert request.reference in str(notice.params)

    def test_the_reply_is_recorded(self, client, specialist, claim):
        request = send(specialist, claim)
        with pytest.raises(ValidationError):
            services.request_answer(
                actor=specialist,
                request=request,
                expected_version=request.version,
                reply_received_on=TODAY - timedelta(days=3),
                reply_summary="",
            )
        request.refresh_from_db()
        client.force_login(specialist)
        response = client.post(
            f"/compensation/requests/{request.pk}/answer/",
            {"version": request.version, "reply_received_on": TODAY.strftime("%d.%m.%Y"), "reply_summary": "Ei ole."},
        )
        assert response.status_code == 302
        request.refresh_from_db()
        assert request.is_answered and request.reply_summary == "Ei ole."
        assert services.send_request_reminders(TODAY + timedelta(days=90)) == 0


class TestExpertOpinion:
    def ask(self, specialist, claim, doctor):
        shared = claim_services.document_add(
            actor=specialist, claim=claim, title="Epikriis", upload=SimpleUploadedFile("e.pdf", b"%PDF-1.4 epikriis")
        )
        private = claim_services.document_add(
            actor=specialist, claim=claim, title="Pangaväljavõte", upload=SimpleUploadedFile("p.pdf", b"%PDF-1.4 pank")
        )
        opinion = services.opinion_ask(
            actor=specialist,
            claim=claim,
            doctor=doctor,
            question="Kas tervisekahju on põhjustatud kuriteost?",
            documents=[shared],
            due_on=TODAY + timedelta(days=30),
        )
        return opinion, shared, private

    def test_the_doctor_sees_only_what_the_opinion_needs(self, client, specialist, claim, doctor):
        opinion, shared, private = self.ask(specialist, claim, doctor)
        assert Notification.objects.filter(user=doctor).exists()
        client.force_login(doctor)
        assert opinion.claim.claimant.full_name in client.get("/compensation/opinions/").content.decode()
        html = client.get(f"/compensation/opinions/{opinion.pk}/").content.decode()
        assert "Kas tervisekahju" in html and "Epikriis" in html and claim.crime.description in html
        for hidden in ("Pangaväljavõte", claim.iban, "1 000,00", claim.crime.proceedings_number):
            assert hidden not in html, hidden
        assert client.get(f"/compensation/opinions/{opinion.pk}/documents/{shared.pk}/").status_code == 200
        assert client.get(f"/compensation/opinions/{opinion.pk}/documents/{private.pk}/").status_code == 404
        assert client.get(f"/compensation/claims/{claim.pk}/").status_code == 403
        assert client.get(f"/compensation/documents/{private.pk}/").status_code == 403
        assert AccessLogEntry.objects.filter(user=doctor, object_type="compensation.expertopinion").exists()

    def test_another_doctor_sees_nothing(self, client, specialist, claim, doctor):
        opinion, shared, _private = self.ask(specialist, claim, doctor)
        client.force_login(make_user("expert_doctor"))
        assert client.get(f"/compensation/opinions/{opinion.pk}/").status_code == 404
        assert client.get(f"/compensation/opinions/{opinion.pk}/documents/{shared.pk}/").status_code == 404

    def test_only_the_doctor_asked_gives_it_and_it_then_stands(self, client, specialist, claim, doctor):
        opinion, shared, _private = self.ask(specialist, claim, doctor)
        fields = {"crime_link": "yes", "health_damage": "disorder", "disorder_months": 6, "statement": "Seos on."}
        with pytest.raises(PermissionDenied):
            services.opinion_give(actor=specialist, opinion=opinion, expected_version=opinion.version, **fields)
        client.force_login(doctor)
        rejected = client.post(
            f"/compensation/opinions/{opinion.pk}/",
            {"version": opinion.version, "crime_link": "yes", "health_damage": "disorder", "statement": "Seos on."},
        )
        assert rejected.status_code == 400 and "Seos on." in rejected.content.decode()
        response = client.post(
            f"/compensation/opinions/{opinion.pk}/",
            {"version": opinion.version, **fields},
        )
        assert response.status_code == 302
        opinion.refresh_from_db()
        assert opinion.is_given and opinion.disorder_months == 6
        assert Notification.objects.filter(user=specialist, message__contains="expert opinion").exists()
        with pytest.raises(ValidationError):
            services.opinion_give(actor=doctor, opinion=opinion, expected_version=opinion.version, **fields)
        # Once given, the doctor's reading of the documents ends; the claim's handlers keep them.
        assert client.get(f"/compensation/opinions/{opinion.pk}/documents/{shared.pk}/").status_code == 404
        client.force_login(specialist)
        assert (
            "the health damage was caused by the crime"
            in client.get(f"/compensation/claims/{claim.pk}/").content.decode()
        )
        assert client.get(f"/compensation/opinions/{opinion.pk}/documents/{shared.pk}/").status_code == 200

    def test_only_doctors_and_documents_of_the_claim(self, specialist, claim, case):
        other = open_claim(specialist, case, proceedings_number="x")
        foreign = claim_services.document_add(
            actor=specialist, claim=other, title="Võõras", upload=SimpleUploadedFile("v.pdf", b"%PDF-1.4 v")
        )
        with pytest.raises(ValidationError) as error:
            services.opinion_ask(
                actor=specialist, claim=claim, doctor=specialist, question="?", documents=[foreign], due_on=TODAY
            )
        assert {"doctor", "documents"} <= set(error.value.message_dict)
        assert not ExpertOpinion.objects.exists()
