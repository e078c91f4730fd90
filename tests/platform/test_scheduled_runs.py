"""The beat schedule's daily and weekly work (reminders, statistics, the document check) is not lost with
the broker: each run is recorded, and a run whose time has passed without one is sent again by the
sweeper within minutes (issue 18, item 2)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from cases.models import Task
from tests.conftest import _test_database_url, start_celery_worker, stop_celery_worker, wait_for
from tests.factories import make_case
from victimsupport.celery import app
from victimsupport.jobs import LOST_AFTER, broker_queue_lengths
from victimsupport.models import Notification, ScheduledRun
from victimsupport.scheduled import due_after, scheduled_requeue_missed, scheduled_tasks

REMINDERS = "cases.remind_due_tasks"


def baseline(now, **overrides) -> None:
    """Every scheduled task done just now, except those given (task name → fields)."""
    for name in scheduled_tasks():
        ScheduledRun.objects.update_or_create(name=name, defaults={"done_at": now, **overrides.get(name, {})})


@pytest.mark.django_db
def test_every_set_time_of_the_beat_schedule_is_watched_and_none_of_the_every_minute_ones():
    names = scheduled_tasks()
    assert {REMINDERS, "reporting.compute_nightly", "victimsupport.check_documents"} <= set(names)
    assert "victimsupport.heartbeat" not in names and "victimsupport.requeue_lost_jobs" not in names
    # The sweeper itself runs every minute from beat, beside the jobs' sweep.
    assert settings.CELERY_BEAT_SCHEDULE["jobs-requeue-lost"]["schedule"] <= 60


@pytest.mark.django_db
def test_a_task_seen_for_the_first_time_counts_as_done_now():
    assert scheduled_requeue_missed(queue_lengths=lambda: 0) == []
    assert ScheduledRun.objects.count() == len(scheduled_tasks())
    assert scheduled_requeue_missed(queue_lengths=lambda: 0) == []


@pytest.mark.django_db
def test_what_is_running_waiting_or_just_sent_is_not_sent_again(monkeypatch):
    sent = []
    monkeypatch.setattr(app, "send_task", lambda name, *a, **k: sent.append(name))
    now = timezone.now()
    two_days_ago = now - timedelta(days=2)
    due = due_after(scheduled_tasks()[REMINDERS], two_days_ago)
    assert two_days_ago < due <= now - timedelta(hours=23)

    baseline(now, **{REMINDERS: {"done_at": two_days_ago, "started_at": now - timedelta(minutes=1)}})
    assert scheduled_requeue_missed(queue_lengths=lambda: 0) == []  # running since a minute
    assert scheduled_requeue_missed(queue_lengths=lambda: 3) == []  # messages waiting: nothing was lost
    ScheduledRun.objects.filter(name=REMINDERS).update(started_at=None)
    assert scheduled_requeue_missed(queue_lengths=lambda: 3) == []
    assert scheduled_requeue_missed(queue_lengths=lambda: 0) == [REMINDERS]
    assert scheduled_requeue_missed(queue_lengths=lambda: 0) == []  # just sent, on its way
    ScheduledRun.objects.filter(name=REMINDERS).update(sent_at=now - LOST_AFTER - timedelta(seconds=1))
    assert scheduled_requeue_missed(queue_lengths=lambda: 0) == [REMINDERS]  # that one was lost too
    # Started after its time and never finished, long ago: it failed (logged) or its worker was lost (the
    # broker delivers it again). Not sent again here: a run that failed half-way would remind twice.
    ScheduledRun.objects.filter(name=REMINDERS).update(sent_at=None, started_at=due + timedelta(seconds=5))
    assert scheduled_requeue_missed(queue_lengths=lambda: 0) == []
    assert sent == [REMINDERS, REMINDERS]


@pytest.mark.drill
@pytest.mark.django_db(transaction=True)
def test_the_morning_reminders_the_broker_lost_are_sent_again_and_done_once(specialist):
    """Beat sent the 07:00 reminders, and the broker restarted without its data before a worker took
    them: the sweeper sends the run again, a worker does it, each reminder goes out once, and the run is
    recorded, so the next sweeps send nothing."""
    case = make_case(specialist)
    task = Task.objects.create(
        case=case,
        title="Helista tagasi",
        due_on=timezone.localdate(),
        remind_on=timezone.localdate(),
        assigned_to=specialist,
        created_by=specialist,
    )
    now = timezone.now()
    baseline(now, **{REMINDERS: {"done_at": now - timedelta(days=2)}})
    app.connection_for_write().default_channel.client.flushdb()  # the broker lost the morning's message
    assert scheduled_requeue_missed() == [REMINDERS]
    assert broker_queue_lengths() == 1
    worker = start_celery_worker(_test_database_url(), log_name="celery-drill-scheduled.log", flush=False)
    try:
        wait_for(lambda: ScheduledRun.objects.get(name=REMINDERS).done_at > now, timeout=60, interval=0.5)
        assert scheduled_requeue_missed() == []
        first_done = ScheduledRun.objects.get(name=REMINDERS).done_at
        app.send_task(REMINDERS)  # beat's own copy turning up after all: nothing is sent twice
        wait_for(lambda: ScheduledRun.objects.get(name=REMINDERS).done_at > first_done, timeout=60, interval=0.5)
    finally:
        stop_celery_worker(worker)
    task.refresh_from_db()
    assert task.reminded_at is not None
    assert Notification.objects.filter(user=specialist, params__case=case.reference).count() == 1


@pytest.mark.django_db
def test_beats_every_minute_sweep_sends_the_missed_run(monkeypatch):
    from victimsupport.tasks import requeue_lost_jobs

    sent = []
    monkeypatch.setattr(app, "send_task", lambda name, *a, **k: sent.append(name))
    monkeypatch.setattr("victimsupport.scheduled.broker_queue_lengths", lambda: 0)
    monkeypatch.setattr("victimsupport.jobs.broker_queue_lengths", lambda: 0)
    now = timezone.now()
    baseline(now, **{"reporting.compute_nightly": {"done_at": now - timedelta(days=2)}})
    requeue_lost_jobs()
    assert sent == ["reporting.compute_nightly"]
