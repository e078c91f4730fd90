"""The daily and weekly work of the beat schedule (reminders, the nightly statistics and document check,
purges): each run is recorded as it starts and ends, and the sweeper sends again a run the broker lost
(restarted without its data) or beat missed (down at the time) within minutes, not at the next day's run.
These tasks are idempotent (a reminder is claimed by a conditional update of its row, statistics are
recomputed), so a run sent twice does nothing twice."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from celery import current_app
from celery.schedules import crontab
from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone

from victimsupport.jobs import LOST_AFTER, broker_queue_lengths
from victimsupport.models import ScheduledRun

logger = logging.getLogger(__name__)


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
    """The schedule's first time after `moment`."""
    return timezone.now() + schedule.remaining_estimate(timezone.localtime(moment))


def scheduled_requeue_missed(*, queue_lengths: Callable[[], int] | None = None) -> list[str]:
    """Send again each scheduled task whose time has passed (by LOST_AFTER) with no run started since, while
    the broker's queues are empty (the broker lost it, or beat was down). A task seen for the first time
    counts as done now."""
    if (queue_lengths or broker_queue_lengths)():
        return []
    now = timezone.now()
    runs = {run.name: run for run in ScheduledRun.objects.all()}
    sent = []
    for name, schedule in scheduled_tasks().items():
        run = runs.get(name)
        if run is None:
            ScheduledRun.objects.get_or_create(name=name, defaults={"done_at": now})
            continue
        due = due_after(schedule, run.done_at or now)
        if due > now - LOST_AFTER:
            continue
        if run.started_at is not None and run.started_at >= due:
            # Running, or failed: a failure is logged and not run again here (a reminder run that fails
            # half-way would remind twice), and a worker lost mid-run has its message delivered again.
            continue
        if run.sent_at is not None and run.sent_at > now - LOST_AFTER:
            continue  # sent a moment ago, on its way
        current_app.send_task(name)
        ScheduledRun.objects.filter(pk=run.pk).update(sent_at=now)
        logger.warning("scheduled run %s due at %s was not done: sent again", name, due.isoformat())
        sent.append(name)
    return sent
