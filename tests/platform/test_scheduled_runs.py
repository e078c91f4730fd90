"""The beat schedule's daily and weekly work (reminders, statistics, the document check) is not lost with
the broker: each run is recorded, and a run whose time has passed without one is sent again by the
sweeper within minutes (issue 18, item 2)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from cases.models import Task
from tests.conftest import _test_database_url, start_celery_worker, stop_celery_worker, wait_for
from tests.factories import make_case
from victimsupport.celery import app
from victimsupport.jobs import LOST_AFTER, broker_queue_lengths
from victimsupport.models import Notification, ScheduledRun
from victimsupport.scheduled import claim_today, due_after, scheduled_requeue_missed, scheduled_tasks

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


def daily_times(schedule, now, count: int) -> list:
    """The schedule's last `count` times at or before `now`, oldest first."""
    times = [due_after(schedule, now - timedelta(days=count + 1))]
    while (following := due_after(schedule, times[-1] + timedelta(seconds=1))) <= now:
        times.append(following)
    return times[-count:]


@pytest.mark.django_db
def test_what_is_running_waiting_or_just_sent_is_not_sent_again(monkeypatch):
    sent = []
    monkeypatch.setattr(app, "send_task", lambda name, *a, **k: sent.append(name))
    # Yesterday at noon, whatever the time of the test: the 07:00 runs of the days before are due.
    now = timezone.make_aware(datetime.combine(timezone.localdate() - timedelta(days=1), time(12)))
    day_before, yesterday = daily_times(scheduled_tasks()[REMINDERS], now, 2)
    assert (timezone.localtime(yesterday).time(), yesterday.date() - day_before.date()) == (time(7), timedelta(days=1))

    def sweep(waiting: int = 0) -> list[str]:
        return scheduled_requeue_missed(queue_lengths=lambda: waiting, now=now)

    def run(**fields) -> None:
        ScheduledRun.objects.filter(name=REMINDERS).update(**{"started_at": None, "done_at": None, **fields})

    baseline(now, **{REMINDERS: {"done_at": day_before + timedelta(seconds=30)}})
    assert sweep(waiting=3) == []  # messages waiting: nothing was lost
    assert sweep() == [REMINDERS]  # yesterday's 07:00 run never came
    assert sweep() == []  # just sent, on its way
    ScheduledRun.objects.filter(name=REMINDERS).update(sent_at=now - LOST_AFTER - timedelta(seconds=1))
    assert sweep() == [REMINDERS]  # that one was lost too

    ScheduledRun.objects.filter(name=REMINDERS).update(sent_at=None)
    run(done_at=day_before + timedelta(seconds=30), started_at=now - timedelta(minutes=1))
    assert sweep() == []  # running since a minute
    run(started_at=yesterday + timedelta(seconds=5))
    assert sweep() == []  # started at its time and failed: logged, not sent again; its next time is
    run(started_at=yesterday - timedelta(milliseconds=5))
    assert sweep() == []  # a worker's clock a little behind beat's
    run(started_at=day_before + timedelta(seconds=5))
    assert sweep() == [REMINDERS]  # failed the day before, and yesterday's run was lost: sent again
    assert sent == [REMINDERS] * 3


@pytest.mark.django_db
def test_a_task_that_is_not_idempotent_runs_once_a_day(monkeypatch):
    from volunteers.services.expenses import remind_expense_reports
    from volunteers.services.supervision import send_inactive_digest

    runs = []
    monkeypatch.setattr("volunteers.services.supervision.inactive_digest", lambda: runs.append("digest") or 1)
    monkeypatch.setattr("volunteers.services.expenses.expense_reminders", lambda: runs.append("expenses") or 1)
    assert (send_inactive_digest(), send_inactive_digest()) == (1, 0)  # beat's copy and the sweeper's
    assert (remind_expense_reports(), remind_expense_reports()) == (1, 0)
    assert runs == ["digest", "expenses"]
    assert claim_today("volunteers.send_inactive_digest") is False
    ScheduledRun.objects.filter(name="volunteers.send_inactive_digest").update(
        claimed_on=timezone.localdate() - timedelta(days=7)
    )
    assert send_inactive_digest() == 1  # next week's


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
    monkeypatch.setattr("victimsupport.tasks.broker_queue_lengths", lambda: 0)
    now = timezone.now()
    baseline(now, **{"reporting.compute_nightly": {"done_at": now - timedelta(days=2)}})
    requeue_lost_jobs()
    assert sent == ["reporting.compute_nightly"]
