"""Daily reminders of case tasks whose reminder date has come (beat)."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from cases.models import AidApplication, AidPolicy, Task
from cases.models.aid import ApplicationStatus
from victimsupport.dates import add_working_days
from victimsupport.models import User
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
            task = Task.objects.select_related("case__region", "assigned_to").get(pk=task_id)
            # An unassigned task (after a transfer) reminds the region's managers.
            recipients = (
                [task.assigned_to]
                if task.assigned_to is not None
                else list(User.objects.filter(groups=task.case.region.managers_group, is_active=True))
            )
            notify(
                recipients,
                gettext_noop("Task due on %(due)s in case %(case)s."),
                params={"due": task.due_on.strftime("%d.%m.%Y"), "case": task.case.reference},
                link=reverse("cases:case", args=[task.case_id]),
                email=True,
            )
            sent += 1
    return sent


def send_aid_deadline_reminders() -> int:
    """Open applications whose decision is due soon or overdue: the responsible specialist is told
    (and, when overdue, the region's managers), once a day."""

    today = timezone.localdate()
    horizon = add_working_days(today, AidPolicy.current().due_soon_working_days)
    sent = 0
    due = AidApplication.objects.filter(status=ApplicationStatus.OPEN, decision_due_on__lte=horizon).exclude(
        reminded_on=today
    )
    for application_id in due.values_list("pk", flat=True)[:5000]:
        with transaction.atomic():
            if (
                not AidApplication.objects.filter(pk=application_id)
                .exclude(reminded_on=today)
                .update(reminded_on=today)
            ):
                continue
            application = AidApplication.objects.select_related("case__region", "case__responsible").get(
                pk=application_id
            )
            case = application.case
            overdue = application.decision_due_on < today
            params = {
                "application": application.reference,
                "case": case.reference,
                "due": application.decision_due_on.strftime("%d.%m.%Y"),
            }
            link = reverse("cases:aid-application", args=[application.pk])
            if case.responsible is not None:
                message = (
                    gettext_noop(
                        "The decision on application %(application)s (case %(case)s) is overdue: it was due on %(due)s."
                    )
                    if overdue
                    else gettext_noop("The decision on application %(application)s (case %(case)s) is due on %(due)s.")
                )
                notify([case.responsible], message, params=params, link=link, email=True)
            if overdue:
                managers = User.objects.filter(groups=case.region.managers_group, is_active=True)
                notify(
                    managers,
                    gettext_noop(
                        "The decision on application %(application)s (case %(case)s) is overdue: it was due on %(due)s."
                    ),
                    params=params,
                    link=link,
                    email=True,
                )
            sent += 1
    return sent
