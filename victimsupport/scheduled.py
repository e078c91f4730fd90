"""The daily and weekly work of the beat schedule (reminders, the nightly statistics and document check,
purges): each run is recorded as it starts and ends, and the sweeper sends again a run the broker lost
(restarted without its data) or beat missed (down at the time: sent once it is back) within minutes, not at
the next day's run. Such a task must be idempotent (a reminder claimed by a conditional update of its row,
statistics recomputed) or claim its day (`claim_today`), so a run sent twice does nothing twice."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from celery import current_app
from celery.schedules import crontab
from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone

from victimsupport.jobs import LOST_AFTER, broker_queue_lengths
from victimsupport.models import ScheduledRun

logger = logging.getLogger(__name__)

# A worker's clock a little behind beat's: a run started this close before its time counts for that time.
CLOCK_SLACK = timedelta(minutes=1)


def scheduled_tasks() -> dict[str, crontab]:
    """Task name → its time in the beat schedule, for the entries at set times (not the every-minute ones)."""
    return {
        entry["task"]: entry["schedule"]
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if isinstance(entry["schedule"], crontab)
    }


def _record(task_name: str, field: str) -> None:
    if task_name not in scheduled_tasks():
        return
    try:
        ScheduledRun.objects.update_or_create(name=task_name, defaults={field: timezone.now()})
    except DatabaseError:  # the run itself goes on; at worst the sweeper sends it once more
        logger.warning("scheduled run %s: could not record %s", task_name, field, exc_info=True)


def run_started(sender=None, **kwargs) -> None:
    """Celery's task_prerun."""
    _record(getattr(sender, "name", ""), "started_at")


def run_done(sender=None, **kwargs) -> None:
    """Celery's task_success."""
    _record(getattr(sender, "name", ""), "done_at")


def due_after(schedule: crontab, moment: datetime) -> datetime:
    """The schedule's first time after `moment` (whatever the clock says now). Celery answers with the time
    remaining from its own now, read a moment later than ours: the schedule's times are whole minutes, so
    the nearest second is exact."""
    due = timezone.now() + schedule.remaining_estimate(moment)
    return (due + timedelta(microseconds=500_000)).replace(microsecond=0)


def scheduled_requeue_missed(
    *, queue_lengths: Callable[[], int] | None = None, now: datetime | None = None
) -> list[str]:
    """Send again each scheduled task whose time passed LOST_AFTER ago with no run started since, while the
    broker's queues are empty: the broker lost it, or beat was down at that time (sent once it is back). A
    run that started and failed is not sent again (it is logged; a run that failed half-way would remind
    twice); its next time is. A task seen for the first time counts as done now."""
    if (queue_lengths or broker_queue_lengths)():
        return []
    now = now or timezone.now()
    runs = {run.name: run for run in ScheduledRun.objects.all()}
    sent = []
    for name, schedule in scheduled_tasks().items():
        run = runs.get(name)
        if run is None:
            ScheduledRun.objects.get_or_create(name=name, defaults={"done_at": now})
            continue
        last = max((moment for moment in (run.started_at, run.done_at) if moment is not None), default=now)
        due = due_after(schedule, last + CLOCK_SLACK)
        if due > now - LOST_AFTER:
            continue
        if run.sent_at is not None and run.sent_at > now - LOST_AFTER:
            continue  # sent a moment ago, on its way
        current_app.send_task(name)
        ScheduledRun.objects.filter(pk=run.pk).update(sent_at=now)
        logger.warning("scheduled run %s due at %s was not done: sent again", name, due.isoformat())
        sent.append(name)
    return sent


def claim_today(task_name: str) -> bool:
    """For a scheduled task that is not idempotent by itself (a digest, reminders without a mark per row):
    True for the first run of the local day, False for any later one (beat's copy and the sweeper's both
    turning up)."""
    today = timezone.localdate()
    ScheduledRun.objects.get_or_create(name=task_name)
    return bool(ScheduledRun.objects.filter(name=task_name).exclude(claimed_on=today).update(claimed_on=today))
