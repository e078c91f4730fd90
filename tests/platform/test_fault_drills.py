"""Fault drills with real processes and real signals (issue 18). The first: a worker's pool process is
killed with SIGKILL in the middle of a batch of decision letters. The broker hands the task out again at
once, while its job still says "running"; the job runner must take it over, and every decision must end
with exactly one registered letter, register numbers without gaps or doubles, and every job done."""

import os
import signal
import time
from collections import Counter

import psutil
import pytest

from cases.models import AidDecision
from cases.services import aid as aid_services
from tests.conftest import _test_database_url, start_celery_worker, stop_celery_worker, wait_for
from tests.factories import make_application, make_case, make_decision
from victimsupport.models import Job, RegisteredDocument
from victimsupport.models.jobs import JobStatus

pytestmark = pytest.mark.django_db(transaction=True)

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
    """The broker restarts without its data while five letters wait: the sweeper sends their tasks again
    (twice, as two beat runs before a worker comes would); each letter is made once."""
    from django.conf import settings
    from django.utils import timezone

    from victimsupport.celery import app
    from victimsupport.jobs import LOST_AFTER, broker_queue_lengths, jobs_requeue_lost

    decisions = []
    for _ in range(5):
        decision = make_decision(specialist, make_application(specialist, make_case(specialist)))
        decisions.append(aid_services.decision_issue(actor=specialist, decision=decision))
    jobs = Job.objects.filter(kind="decision_letter")
    assert broker_queue_lengths() == 5
    assert jobs_requeue_lost() == []  # waiting in the broker: nothing to send again
    app.connection_for_write().default_channel.client.flushdb()  # the broker lost everything
    assert broker_queue_lengths() == 0
    assert jobs_requeue_lost() == []  # not yet: a job may simply be on its way
    jobs.update(created_at=timezone.now() - LOST_AFTER - LOST_AFTER)
    assert sorted(jobs_requeue_lost()) == sorted(jobs.values_list("pk", flat=True))
    assert jobs_requeue_lost(queue_lengths=lambda: 0)  # a second sweep before any worker: sent twice
    assert broker_queue_lengths() == 10

    worker = start_celery_worker(_test_database_url(), log_name="celery-drill-broker.log", flush=False)
    try:
        wait_for(lambda: not jobs.exclude(status=JobStatus.DONE).exists(), timeout=120, interval=0.5)
        wait_for(lambda: broker_queue_lengths() == 0, timeout=60)
    finally:
        stop_celery_worker(worker)
    assert RegisteredDocument.objects.filter(doc_type="aid_decision").count() == 5
    # Beat runs the sweeper every minute: lost work is sent again within LOST_AFTER plus a minute.
    assert settings.CELERY_BEAT_SCHEDULE["jobs-requeue-lost"]["schedule"] <= 60
    for decision in decisions:
        decision.refresh_from_db()
        assert decision.letter_id is not None
