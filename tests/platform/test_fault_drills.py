"""Fault drills with real processes and real signals (issue 18). The first: a worker's pool process is
killed with SIGKILL in the middle of a batch of decision letters. The broker hands the task out again at
once, while its job still says "running"; the job runner must take it over, and every decision must end
with exactly one registered letter, register numbers without gaps or doubles, and every job done."""

import os
import signal
import time
from collections import Counter
from pathlib import Path

import psutil
import pytest

from cases.models import AidDecision
from cases.services import aid as aid_services
from tests.conftest import _test_database_url, start_celery_worker, stop_celery_worker, wait_for
from tests.factories import make_application, make_case, make_decision
from victimsupport.models import Job, RegisteredDocument
from victimsupport.models.jobs import JobStatus

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.drill]

LETTERS = 50


def test_a_pool_process_killed_while_rendering_loses_no_letter(specialist):
    worker = start_celery_worker(_test_database_url(), pool="prefork", log_name="celery-drill.log")
    try:
        for _ in range(LETTERS):
            case = make_case(specialist)
            decision = make_decision(specialist, make_application(specialist, case))
            aid_services.decision_issue(actor=specialist, decision=decision)  # enqueues its letter
        jobs = Job.objects.filter(kind="decision_letter")
        assert jobs.count() == LETTERS
        # Kill the pool process while it is rendering a letter (a job is running), after some are done.
        wait_for(lambda: jobs.filter(status=JobStatus.DONE).count() >= 5, timeout=120)
        running = wait_for(lambda: jobs.filter(status=JobStatus.RUNNING).first(), timeout=30, interval=0.01)
        children = psutil.Process(worker.pid).children()
        assert len(children) == 1
        os.kill(children[0].pid, signal.SIGKILL)
        killed_at = time.time()

        wait_for(lambda: not jobs.exclude(status=JobStatus.DONE).exists(), timeout=240, interval=0.5)
        assert time.time() - killed_at < 240
        running.refresh_from_db()
        assert running.status == JobStatus.DONE
    finally:
        stop_celery_worker(worker)

    letters = RegisteredDocument.objects.filter(doc_type="aid_decision")
    per_decision = Counter(AidDecision.objects.filter(status="issued").values_list("letter_id", flat=True))
    assert len(per_decision) == LETTERS and None not in per_decision
    assert letters.count() == LETTERS  # exactly one each: none lost, none made twice
    # Numbers: each matter's sequence 1..n, running numbers of the series without gaps or doubles.
    numbers = sorted(letters.values_list("matter__running_number", "sequence"))
    assert len(set(numbers)) == len(numbers)
    running_numbers = sorted({number for number, _sequence in numbers})
    assert running_numbers == list(range(running_numbers[0], running_numbers[0] + len(running_numbers)))
    assert all(sequence == 1 for _number, sequence in numbers)


def test_work_the_broker_lost_is_sent_again_and_done_once(specialist):
    """The broker restarts without its data while five letters and a statistics run wait: the sweeper
    sends their tasks again (twice, as two beat runs before a worker comes would); each is done once."""
    from django.conf import settings
    from django.utils import timezone

    from reporting.models import StatisticsRun
    from reporting.services import statistics_request
    from victimsupport.celery import app
    from victimsupport.jobs import LOST_AFTER, broker_queue_lengths, jobs_requeue_lost

    decisions = []
    for _ in range(5):
        decision = make_decision(specialist, make_application(specialist, make_case(specialist)))
        decisions.append(aid_services.decision_issue(actor=specialist, decision=decision))
    year = timezone.localdate().year
    statistics_request(actor=specialist, year=year)
    jobs = Job.objects.all()
    assert sorted(jobs.values_list("kind", flat=True)) == ["decision_letter"] * 5 + ["statistics"]
    assert broker_queue_lengths() == 6
    assert jobs_requeue_lost() == []  # waiting in the broker: nothing to send again
    app.connection_for_write().default_channel.client.flushdb()  # the broker lost everything
    assert broker_queue_lengths() == 0
    assert jobs_requeue_lost() == []  # not yet: a job may simply be on its way
    jobs.update(created_at=timezone.now() - LOST_AFTER - LOST_AFTER)
    assert sorted(jobs_requeue_lost()) == sorted(jobs.values_list("pk", flat=True))
    assert jobs_requeue_lost(queue_lengths=lambda: 0)  # a second sweep before any worker: sent twice
    assert broker_queue_lengths() == 12

    worker = start_celery_worker(_test_database_url(), log_name="celery-drill-broker.log", flush=False)
    try:
        wait_for(lambda: not jobs.exclude(status=JobStatus.DONE).exists(), timeout=120, interval=0.5)
        wait_for(lambda: broker_queue_lengths() == 0, timeout=60)
    finally:
        stop_celery_worker(worker)
    assert RegisteredDocument.objects.filter(doc_type="aid_decision").count() == 5
    assert StatisticsRun.objects.filter(year=year).count() == 1
    # Beat runs the sweeper every minute: lost work is sent again within LOST_AFTER plus a minute.
    assert settings.CELERY_BEAT_SCHEDULE["jobs-requeue-lost"]["schedule"] <= 60
    for decision in decisions:
        decision.refresh_from_db()
        assert decision.letter_id is not None


def test_the_nightly_check_finds_a_missing_or_changed_document(specialist):
    """Storage failing under the register: a file removed and a file changed are found, the
    administrators are told, and the command operators run says so."""
    from django.core.management import CommandError, call_command

    from tests.factories import make_user
    from victimsupport.models import Notification
    from victimsupport.register import documents_check_integrity, register_document, series_for

    administrator = make_user("administrator")
    documents = [
        register_document(
            title=f"Kiri {index}",
            doc_type="test",
            responsible=specialist,
            content=b"%PDF-1.4 " + bytes([65 + index]) * 100,
            filename="kiri.pdf",
            series=series_for("case_correspondence"),
        )
        for index in range(3)
    ]
    assert documents_check_integrity() == []
    assert not Notification.objects.exists()
    with open(documents[0].file.path, "ab") as handle:
        handle.write(b"changed")
    os.remove(documents[2].file.path)
    broken = documents_check_integrity()
    assert broken == [documents[0].number, documents[2].number]
    notice = Notification.objects.get(user=administrator)
    assert documents[0].number in notice.text and documents[2].number in notice.text
    with pytest.raises(CommandError, match="2 documents"):
        call_command("check_documents")


def test_a_storage_error_fails_the_letter_visibly_after_retries_and_registers_nothing(specialist, tmp_path):
    """The document store refuses every write (here: its folder lies under a regular file, which even
    root cannot write into): the letter is tried again with pauses, then its job fails with a message
    that says so; no register entry points at a missing or partial file. With the store back, asking
    again makes the letter."""
    from cases.services.aid import decision_letter_request
    from victimsupport.jobs import STORAGE_FAILED

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the document store should be")
    decision = make_decision(specialist, make_application(specialist, make_case(specialist)))
    worker = start_celery_worker(
        _test_database_url(),
        log_name="celery-drill-storage.log",
        documents_root=str(blocker / "documents"),
        # four tries again: pauses of at most 1 + 2 + 4 + 8 s (the default eight, with jitter, can take minutes)
        extra_env={"JOB_MAX_RETRIES": "4"},
    )
    try:
        decision = aid_services.decision_issue(actor=specialist, decision=decision)
        job = Job.objects.get(kind="decision_letter")
        wait_for(lambda: Job.objects.get(pk=job.pk).status == JobStatus.FAILED, timeout=180, interval=0.5)
    finally:
        stop_celery_worker(worker)
    job.refresh_from_db()
    assert job.message == STORAGE_FAILED
    log = Path(worker.log.name).read_text()
    assert log.count("Retry in") >= 3  # tried again before giving up
    assert not RegisteredDocument.objects.filter(doc_type="aid_decision").exists()
    decision.refresh_from_db()
    assert decision.letter_id is None

    worker = start_celery_worker(_test_database_url(), log_name="celery-drill-storage-back.log")
    try:
        again = decision_letter_request(actor=specialist, decision=decision)
        wait_for(lambda: Job.objects.get(pk=again.pk).status == JobStatus.DONE, timeout=60, interval=0.5)
    finally:
        stop_celery_worker(worker)
    decision.refresh_from_db()
    assert decision.letter.verify_checksum()


def test_pages_ask_to_try_again_while_the_database_restarts_and_everything_recovers(specialist):
    """PostgreSQL goes away (every connection dropped, new ones refused, as in a restart) while a web
    server with persistent connections and a worker run: pages answer 503 "try again in a moment" (no
    500, no trace), a letter asked for meanwhile waits, and with the database back both processes recover
    by themselves: pages answer again and the letter is made, once."""
    from django.conf import settings
    from django.test import Client

    from tests.faults import DatabaseProxy, fetch, start_web_server, stop_process

    database = settings.DATABASES["default"]
    proxy = DatabaseProxy(database["HOST"] or "127.0.0.1", int(database["PORT"] or 5432))
    through_proxy = _test_database_url().replace(f":{database['PORT'] or 5432}/", f":{proxy.port}/")
    assert str(proxy.port) in through_proxy
    client = Client()
    client.force_login(specialist)  # a session in the shared cache, valid in the web server too
    cookies = {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}
    case = make_case(specialist)
    web = start_web_server(through_proxy)
    worker = start_celery_worker(through_proxy, log_name="celery-drill-database.log")
    try:
        page = f"{web.url}/cases/{case.pk}/"
        for _ in range(4):  # every gunicorn worker holds a connection
            assert fetch(page, cookies=cookies)[0] == 200

        proxy.outage()
        for _ in range(6):
            status, headers, body = fetch(page, cookies=cookies)
            assert status == 503, body[:500]
            assert headers.get("Retry-After") == "30"
            assert "Proovige hetke pärast uuesti" in body and "Traceback" not in body
        status, _headers, body = fetch(f"{web.url}/heartbeat.json")
        assert status == 503 and '"DOWN"' in body
        decision = make_decision(specialist, make_application(specialist, case))
        aid_services.decision_issue(actor=specialist, decision=decision)  # the worker cannot reach the database
        job = Job.objects.get(kind="decision_letter")
        time.sleep(3)
        job.refresh_from_db()
        assert job.status != JobStatus.DONE

        proxy.restore()
        wait_for(lambda: fetch(page, cookies=cookies)[0] == 200, timeout=30)
        assert all(fetch(page, cookies=cookies)[0] == 200 for _ in range(6))  # every gunicorn worker recovered
        wait_for(lambda: Job.objects.filter(pk=job.pk, status=JobStatus.DONE).exists(), timeout=120, interval=0.5)
    finally:
        stop_celery_worker(worker)
        stop_process(web)
        proxy.close()
    decision.refresh_from_db()
    assert decision.letter_id is not None
    assert RegisteredDocument.objects.filter(doc_type="aid_decision").count() == 1


def test_only_the_task_that_claimed_a_running_job_may_take_it_over(specialist):
    """A job still "running" is taken over when its own task comes back (delivered again after its
    process died, or retried after a failure), never by another copy of it the sweeper sent meanwhile:
    that would run the job twice at the same time."""
    from victimsupport.jobs import job_claim

    job = Job.objects.create(kind="decision_letter", created_by=specialist, task_name="cases.render_decision_letter")
    assert job_claim(job.pk, task_id="first").claimed_by == "first"
    assert job_claim(job.pk, task_id="sweeper-copy") is None
    assert job_claim(job.pk, task_id="sweeper-copy", redelivered=True) is None
    assert job_claim(job.pk, task_id="first", redelivered=True) is not None
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING and job.claimed_by == "first"
