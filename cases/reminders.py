"""Daily reminders of case tasks whose reminder date has come (beat)."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from cases.models import Task
from victimsupport.notify import notify


def send_task_reminders() -> int:
    today = timezone.localdate()
    sent = 0
    due = Task.objects.filter(done_at__isnull=True, reminded_at__isnull=True, remind_on__lte=today)
    for task_id in due.values_list("pk", flat=True)[:5000]:
        with transaction.atomic():
            # Claimed by a conditional update: a second run, or a second worker, sends nothing twice.
            if not Task.objects.filter(pk=task_id, reminded_at__isnull=True).update(reminded_at=timezone.now()):
                continue
            task = Task.objects.select_related("case", "assigned_to").get(pk=task_id)
            notify(
                [task.assigned_to],
                gettext_noop("Task due on %(due)s in case %(case)s."),
                params={"due": task.due_on.strftime("%d.%m.%Y"), "case": task.case.reference},
                link=reverse("cases:case", args=[task.case_id]),
                email=True,
            )
            sent += 1
    return sent
