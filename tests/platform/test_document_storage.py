"""Stored documents on S3-compatible object storage (django-storages), against moto's S3 server, a real
process speaking the S3 protocol: letters are written there and read back through the application, the
nightly check reads them there, a name in use is never overwritten, and storage out of reach is a
storage error (tried again, then failed visibly, nothing registered) and a 503 page, never a 500."""

from __future__ import annotations

import hashlib
import logging
import uuid
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from cases.services import aid as aid_services
from tests.conftest import stop_process
from tests.factories import login_verified, make_application, make_case, make_decision, make_user
from tests.faults import free_port, start_s3_server
from victimsupport.models import Job, Notification, RegisteredDocument
from victimsupport.models.jobs import JobStatus
from victimsupport.register import documents_check_integrity
from victimsupport.storage import document_storage

pytestmark = [pytest.mark.django_db, pytest.mark.drill]


@pytest.fixture(scope="module")
def s3_server():
    server = start_s3_server()
    yield server
    stop_process(server)


def use_s3(settings, monkeypatch, env: dict[str, str]) -> str:
    """Point the default storage at the S3 server, under a prefix of this test's own."""
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    for name, value in {**env, "DOCUMENTS_S3_PREFIX": prefix}.items():
        monkeypatch.setenv(name, value)
    settings.STORAGES = {**settings.STORAGES, "default": document_storage(settings.DOCUMENTS_ROOT)}
    return prefix


def test_the_file_system_is_the_default(settings, monkeypatch):
    monkeypatch.delenv("DOCUMENTS_S3_BUCKET", raising=False)
    storage = document_storage(Path("/srv/documents"))
    assert storage == {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": "/srv/documents", "base_url": None},
    }
    assert settings.STORAGES["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"


def test_letters_live_in_the_bucket_and_are_read_back_through_the_application(
    eager_celery, django_capture_on_commit_callbacks, client, settings, monkeypatch, s3_server, specialist
):
    prefix = use_s3(settings, monkeypatch, s3_server.env)
    decision = make_decision(specialist, make_application(specialist, make_case(specialist)))
    with django_capture_on_commit_callbacks(execute=True):
        aid_services.decision_issue(actor=specialist, decision=decision)
    decision.refresh_from_db()
    letter = decision.letter
    assert letter is not None and letter.file.name.startswith("register/")
    stored = s3_server.client.get_object(Bucket=s3_server.bucket, Key=f"{prefix}/{letter.file.name}")["Body"].read()
    assert stored.startswith(b"%PDF") and hashlib.sha256(stored).hexdigest() == letter.sha256
    assert not (Path(settings.DOCUMENTS_ROOT) / letter.file.name).exists()  # not on this node's disk

    login_verified(client, specialist)
    response = client.get(reverse("cases:aid-decision-letter", args=[decision.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == stored

    assert default_storage.connection.meta.client.meta.config.connect_timeout == 3  # a page waits seconds, not minutes

    # A name in use is never written over: the registered letter stays as it was.
    other = default_storage.save(letter.file.name, ContentFile(b"something else"))
    assert other != letter.file.name
    assert letter.verify_checksum()


def test_the_nightly_check_reads_the_bucket(settings, monkeypatch, s3_server, specialist):
    from victimsupport.models import RegisterSeries
    from victimsupport.register import register_document

    administrator = make_user("administrator")
    prefix = use_s3(settings, monkeypatch, s3_server.env)
    series = RegisterSeries.objects.order_by("pk").first()
    documents = [
        register_document(
            title=f"Kiri {n}",
            doc_type="letter",
            responsible=specialist,
            content=f"%PDF-1.7 {n}".encode(),
            content_type="application/octet-stream",
            series=series,
        )
        for n in range(3)
    ]
    assert documents_check_integrity() == []
    s3_server.client.put_object(
        Bucket=s3_server.bucket, Key=f"{prefix}/{documents[0].file.name}", Body=b"changed afterwards"
    )
    s3_server.client.delete_object(Bucket=s3_server.bucket, Key=f"{prefix}/{documents[2].file.name}")
    assert documents_check_integrity() == [documents[0].number, documents[2].number]
    assert not Notification.objects.filter(message__startswith="The document check stopped").exists()

    # The storage out of reach is not every document lost: the check stops and says so.
    Notification.objects.all().delete()
    use_s3(settings, monkeypatch, {**s3_server.env, "DOCUMENTS_S3_ENDPOINT_URL": f"http://127.0.0.1:{free_port()}"})
    assert documents_check_integrity() == []
    notices = Notification.objects.filter(user=administrator)
    assert [n.message for n in notices] == [
        "The document check stopped: the document storage could not be reached (%(error)s). "
        "It runs again next night; manage.py check_documents runs it now."
    ]
    assert notices[0].params == {"error": "EndpointConnectionError"}


def test_storage_out_of_reach_fails_the_letter_visibly_and_the_page_asks_to_try_again(
    eager_celery, django_capture_on_commit_callbacks, client, settings, monkeypatch, s3_server, specialist, caplog
):
    from victimsupport.jobs import STORAGE_FAILED

    caplog.set_level(logging.INFO, logger="celery.app.trace")
    use_s3(settings, monkeypatch, {**s3_server.env, "DOCUMENTS_S3_ENDPOINT_URL": f"http://127.0.0.1:{free_port()}"})
    decision = make_decision(specialist, make_application(specialist, make_case(specialist)))
    with django_capture_on_commit_callbacks(execute=True):
        aid_services.decision_issue(actor=specialist, decision=decision)
    job = Job.objects.get(kind="decision_letter")
    assert (job.status, job.message) == (JobStatus.FAILED, STORAGE_FAILED)
    assert caplog.text.count("Retry in") == settings.JOB_MAX_RETRIES  # tried again before giving up
    assert not RegisteredDocument.objects.filter(doc_type="aid_decision").exists()

    # Storage gone while a page reads a stored document: 503 "try again in a moment", never a trace.
    use_s3(settings, monkeypatch, s3_server.env)
    decision = make_decision(specialist, make_application(specialist, make_case(specialist)))
    with django_capture_on_commit_callbacks(execute=True):
        aid_services.decision_issue(actor=specialist, decision=decision)
    use_s3(settings, monkeypatch, {**s3_server.env, "DOCUMENTS_S3_ENDPOINT_URL": f"http://127.0.0.1:{free_port()}"})
    login_verified(client, specialist)
    client.raise_request_exception = False
    response = client.get(reverse("cases:aid-decision-letter", args=[decision.pk]))
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert "Dokumendihoidla ei ole hetkeks kättesaadav" in response.content.decode()
