"""Several nodes (issue 18): two web processes (gunicorn, DEBUG off) and two Celery workers on one
database and one Redis, the documents on S3-compatible storage (moto's S3 server), each process with a
document folder of its own that must stay empty. One user's browser goes to either web process, as
behind a load balancer. Sessions, edit locks, login lockouts and register numbers must hold across them."""

from __future__ import annotations

import hashlib
import re
import threading
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings

from cases.models import AidDecision, Case
from cases.services import aid as aid_services
from tests.conftest import _test_database_url, start_celery_worker, stop_process, wait_for
from tests.factories import PASSWORD, make_application, make_case, make_decision, make_user
from tests.faults import Browser, accept_password_at_servers, form_fields, start_s3_server, start_web_server
from victimsupport.models import Job, RegisteredDocument
from victimsupport.models.jobs import JobStatus

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.drill]

LETTERS = 24


def test_two_web_processes_and_two_workers_share_sessions_locks_and_register_numbers(specialist, tmp_path):
    s3 = start_s3_server()
    database_url = _test_database_url()
    processes = []
    try:
        folders = {name: tmp_path / name for name in ("web-a", "web-b", "worker-1", "worker-2")}
        for folder in folders.values():
            folder.mkdir()
        web_a, web_b = (
            start_web_server(
                database_url,
                workers=1,
                log_name=f"gunicorn-{name}.log",
                documents_root=str(folders[name]),
                extra_env=s3.env,
            )
            for name in ("web-a", "web-b")
        )
        processes += [web_a, web_b]
        for name, flush in (("worker-1", True), ("worker-2", False)):
            processes.append(
                start_celery_worker(
                    database_url,
                    name=name,
                    flush=flush,
                    log_name=f"celery-{name}.log",
                    documents_root=str(folders[name]),
                    extra_env=s3.env,
                )
            )
        worker_1, worker_2 = processes[2:]

        # Sessions: logged in through A, the same browser is logged in at B; logged out at B, out at A too.
        case = make_case(specialist)
        accept_password_at_servers(specialist, PASSWORD)
        browser = Browser()
        status, headers, _body = browser.log_in(web_a.url, specialist.username, PASSWORD)
        assert status == 302 and "/login" not in headers["Location"]
        status, _headers, page = browser.get(f"{web_b.url}/cases/{case.pk}/")
        assert status == 200 and case.client.full_name in page

        # Edit locks: the same case edited at once through A and through B from the same version. One
        # edit is saved; the other is refused with the conflict panel (409), nothing overwritten.
        second = Browser()
        second.log_in(web_b.url, specialist.username, PASSWORD)
        edit = f"/cases/{case.pk}/edit/"
        forms = []
        for user_agent, server in ((browser, web_a), (second, web_b)):
            status, _headers, page = user_agent.get(server.url + edit)
            assert status == 200
            forms.append(form_fields(page))
        assert forms[0]["version"] == forms[1]["version"] == str(case.version)
        answers = {}
        details = {"a": "Saadetud politseist (A)", "b": "Saadetud politseist (B)"}

        def save(key, user_agent, server, fields):
            answers[key] = user_agent.post(server.url + edit, {**fields, "referral_source_detail": details[key]})[0]

        threads = [
            threading.Thread(target=save, args=("a", browser, web_a, forms[0])),
            threading.Thread(target=save, args=("b", second, web_b, forms[1])),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert sorted(answers.values()) == [302, 409], answers
        saved = next(key for key, status in answers.items() if status == 302)
        case.refresh_from_db()
        assert (case.version, case.referral_source_detail) == (int(forms[0]["version"]) + 1, details[saved])

        # Login lockout counts failures at every node: wrong passwords alternately at A and B lock the
        # account, and then the right password is refused at either.
        target = make_user("specialist", "pohja")
        accept_password_at_servers(target, PASSWORD)
        guesser = Browser()
        for attempt in range(settings.AXES_FAILURE_LIMIT):
            server = (web_a, web_b)[attempt % 2]
            guesser.log_in(server.url, target.username, "vale-parool")
        assert guesser.log_in(web_a.url, target.username, PASSWORD)[0] == 429
        assert guesser.log_in(web_b.url, target.username, PASSWORD)[0] == 429

        # Register numbers: letters of decisions issued at once, made by both workers on the shared store.
        for _ in range(LETTERS):
            decision = make_decision(specialist, make_application(specialist, make_case(specialist)))
            aid_services.decision_issue(actor=specialist, decision=decision)
        jobs = Job.objects.filter(kind="decision_letter")
        wait_for(lambda: jobs.filter(status=JobStatus.DONE).count() == LETTERS, timeout=240, interval=0.5)
        made_by = {
            name: set(
                re.findall(r"render_decision_letter\[([0-9a-f-]+)\] succeeded", Path(worker.log.name).read_text())
            )
            for name, worker in (("worker-1", worker_1), ("worker-2", worker_2))
        }
        assert made_by["worker-1"] and made_by["worker-2"], made_by  # both took part

        # Each letter, made by either worker, is read whole through either web process.
        for task_ids in made_by.values():
            job = jobs.get(claimed_by=sorted(task_ids)[0])
            decision = AidDecision.objects.get(pk=job.target_id)
            for server in (web_a, web_b):
                status, _headers, body = browser.get_bytes(f"{server.url}/aid/decisions/{decision.pk}/letter/")
                assert status == 200 and hashlib.sha256(body).hexdigest() == decision.letter.sha256

        # Logged out at B: the session is gone at A too.
        status, _headers, _body = browser.post(f"{web_b.url}/logout/", {})
        assert status == 302
        status, headers, _body = browser.get(f"{web_a.url}/cases/{case.pk}/")
        assert status == 302 and "/login/" in headers["Location"]
        keys = {item["Key"] for item in s3.client.list_objects_v2(Bucket=s3.bucket)["Contents"]}
    finally:
        for process in processes:
            stop_process(process)
        stop_process(s3)

    letters = RegisteredDocument.objects.filter(doc_type="aid_decision")
    assert letters.count() == LETTERS
    per_decision = Counter(AidDecision.objects.filter(status="issued").values_list("letter_id", flat=True))
    assert len(per_decision) == LETTERS and None not in per_decision and set(per_decision.values()) == {1}
    running_numbers = sorted(letters.values_list("matter__running_number", flat=True))
    assert running_numbers == list(range(running_numbers[0], running_numbers[0] + LETTERS))  # no gaps, no doubles
    assert len(set(letters.values_list("number", flat=True))) == LETTERS
    # Every file is in the bucket; no node wrote one to its own disk.
    assert {letter.file.name for letter in letters} <= keys
    assert not [path for folder in folders.values() for path in folder.rglob("*") if path.is_file()]
    assert Case.objects.get(pk=case.pk).version == int(forms[0]["version"]) + 1
