"""The monthly expense report: built from the month's activity entries (never typed again), each trip at
the rate in force on its day, capped at the monthly limit in force at the month's end; submitted by the
volunteer, approved or returned by the supervisor, paid once through a pain.001 credit transfer."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from celery import shared_task
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from referrals.services.payments import Payee, credit_transfer_xml
from victimsupport.concurrency import versioned_edit
from victimsupport.exports import csv_bytes
from victimsupport.models import Role, User
from victimsupport.notify import notify
from victimsupport.rules import check_field_rules, not_past
from victimsupport.scheduled import claim_today
from victimsupport.security import security_event
from volunteers.models import (
    LOCKED_STATUSES,
    ActivityEntry,
    ExpensePayment,
    ExpenseReport,
    ExpenseRule,
    ReportStatus,
    Volunteer,
)

CENT = Decimal("0.01")
PAYMENT_RULES = (not_past("execution_date", gettext_lazy("The payment date cannot be in the past.")),)


def month_end(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def due_on(month: date) -> date:
    """The day a month's report is due: the rule's day of the next month (the rule in force at its end)."""
    return (month_end(month) + timedelta(days=1)).replace(day=rule_on(month_end(month)).due_day)


def rule_on(day: date) -> ExpenseRule:
    rule = ExpenseRule.objects.filter(effective_from__lte=day).order_by("-effective_from").first()
    if rule is None:
        raise ValidationError(
            _("No expense rates are in force on %(day)s: an administrator must enter them.")
            % {"day": day.strftime("%d.%m.%Y")}
        )
    return rule


@dataclass
class ReportLine:
    entry: ActivityEntry
    km_rate: Decimal
    call_minute_rate: Decimal
    travel: Decimal
    calls: Decimal


@dataclass
class ReportFigures:
    lines: list[ReportLine]
    km: Decimal
    call_minutes: int
    travel: Decimal
    calls: Decimal
    computed: Decimal
    limit: Decimal
    amount: Decimal
    due_on: date

    @property
    def capped(self) -> bool:
        return self.computed > self.amount


def month_entries(volunteer: Volunteer, month: date, base=None):
    """The volunteer's entries of the month, in order (`base`: a page's restrict()ed queryset)."""
    base = ActivityEntry.objects.all() if base is None else base
    return (
        base.filter(volunteer=volunteer, happened_on__gte=month, happened_on__lte=month_end(month))
        .select_related("assignment")
        .order_by("happened_on", "pk")
    )


def report_figures(volunteer: Volunteer, month: date, entries: list[ActivityEntry] | None = None) -> ReportFigures:
    """The month's sums: each trip and each call at the rate in force on its day; the total capped at the
    limit in force on the month's last day. `entries`: the month's entries if the caller has read them."""
    if entries is None:
        entries = list(month_entries(volunteer, month))
    lines = []
    for entry in entries:
        rule = rule_on(entry.happened_on)
        travel = (entry.km * rule.km_rate).quantize(CENT, ROUND_HALF_UP)
        calls = (entry.call_minutes * rule.call_minute_rate).quantize(CENT, ROUND_HALF_UP)
        lines.append(ReportLine(entry, rule.km_rate, rule.call_minute_rate, travel, calls))
    closing_rule = rule_on(month_end(month))
    travel = sum((line.travel for line in lines), Decimal("0.00"))
    calls = sum((line.calls for line in lines), Decimal("0.00"))
    computed = travel + calls
    limit = closing_rule.monthly_limit
    return ReportFigures(
        lines=lines,
        km=sum((entry.km for entry in entries), Decimal("0")),
        call_minutes=sum(entry.call_minutes for entry in entries),
        travel=travel,
        calls=calls,
        computed=computed,
        limit=limit,
        amount=min(computed, limit),
        due_on=due_on(month),
    )


def month_is_locked(volunteer_id: int, day: date) -> bool:
    """Entries stay editable until the month's report is submitted (and again once it is returned)."""
    return ExpenseReport.objects.filter(
        volunteer_id=volunteer_id, month=day.replace(day=1), status__in=LOCKED_STATUSES
    ).exists()


@transaction.atomic
def expense_report_submit(*, actor: User, month: date, confirmed: bool) -> ExpenseReport:
    """The volunteer submits a month that has ended, confirming the data is correct."""
    volunteer = Volunteer.objects.select_for_update().filter(user=actor).first()
    if volunteer is None:
        raise PermissionDenied
    month = month.replace(day=1)
    if month_end(month) >= timezone.localdate():
        raise ValidationError(_("A month can be submitted once it has ended."))
    if not confirmed:
        raise ValidationError({"confirmed": _("Confirm that the data is correct.")})
    report = ExpenseReport.objects.select_for_update().filter(volunteer=volunteer, month=month).first()
    if report is not None and report.status not in (ReportStatus.DRAFT, ReportStatus.RETURNED):
        raise ValidationError(_("This month has already been submitted."))
    figures = report_figures(volunteer, month)
    if not figures.lines:
        raise ValidationError(_("Nothing was logged in this month: there is nothing to submit."))
    if figures.amount > 0 and not volunteer.iban:
        raise ValidationError(_("Your bank account is not recorded yet: ask the coordinator to add it."))
    report = report or ExpenseReport(volunteer=volunteer, month=month)
    report.km, report.call_minutes = figures.km, figures.call_minutes
    report.travel_amount, report.call_amount = figures.travel, figures.calls
    report.computed_amount, report.limit, report.amount = figures.computed, figures.limit, figures.amount
    report.iban = volunteer.iban
    report.confirmed = True
    report.submitted_at = timezone.now()
    report.status = ReportStatus.SUBMITTED
    report.version += 1 if report.pk else 0
    report.full_clean()
    report.save()
    if volunteer.supervisor_id:
        notify(
            [volunteer.supervisor],
            gettext_noop("%(volunteer)s submitted the expense report for %(month)s."),
            params={"volunteer": volunteer.full_name, "month": month.strftime("%m.%Y")},
            link=f"/volunteers/reports/{report.pk}/",
        )
    return report


def _may_decide(actor: User, report: ExpenseReport) -> None:
    if not ExpenseReport.objects.restrict(actor, "approve").filter(pk=report.pk).exists():
        raise PermissionDenied
    volunteer = report.volunteer
    staff = actor.has_role(Role.COORDINATOR, Role.REGIONAL_MANAGER) or volunteer.supervisor_id == actor.pk
    if not staff or volunteer.user_id == actor.pk:
        raise PermissionDenied


@transaction.atomic
def expense_report_approve(*, actor: User, report: ExpenseReport, expected_version: int) -> ExpenseReport:
    _may_decide(actor, report)
    stored = versioned_edit(report, expected_version, {}, ())
    if not stored.is_submitted:
        raise ValidationError(_("Only a submitted report can be approved."))
    report.status, report.decided_by, report.decided_at = ReportStatus.APPROVED, actor, timezone.now()
    report.save()
    security_event("expense_report_approved", actor=actor, report=report.pk, amount=str(report.amount))
    return report


@transaction.atomic
def expense_report_return(*, actor: User, report: ExpenseReport, expected_version: int, comment: str) -> ExpenseReport:
    _may_decide(actor, report)
    stored = versioned_edit(report, expected_version, {}, ())
    if not stored.is_submitted:
        raise ValidationError(_("Only a submitted report can be returned."))
    if not comment.strip():
        raise ValidationError({"comment": _("Say what needs to change.")})
    report.status, report.decided_by, report.decided_at = ReportStatus.RETURNED, actor, timezone.now()
    report.return_comment = comment.strip()
    report.save()
    if report.volunteer.user_id:
        notify(
            [report.volunteer.user],
            gettext_noop("Your expense report for %(month)s was returned: %(comment)s"),
            params={"month": report.month.strftime("%m.%Y"), "comment": report.return_comment[:200]},
            link=f"/volunteers/my/month/?month={report.month:%Y-%m}",
            email=True,
        )
    return report


def payment_csv(reports: list[ExpenseReport]) -> bytes:
    header = ["volunteer", "iban", "month", "km", "call_minutes", "travel", "communication", "amount", "approved_by"]
    rows = (
        [
            report.volunteer.full_name,
            report.iban,
            report.month.strftime("%m.%Y"),
            report.km,
            report.call_minutes,
            report.travel_amount,
            report.call_amount,
            report.amount,
            report.decided_by.get_full_name() if report.decided_by else "",
        ]
        for report in reports
    )
    return csv_bytes(rows, header=header)


@transaction.atomic
def expense_payments_export(*, actor: User, execution_date: date | None = None) -> ExpensePayment:
    """Every approved report not yet paid, in one CSV and one pain.001 file; each report is paid once."""
    if not actor.has_role(Role.SERVICE_ORGANISER):
        raise PermissionDenied
    execution_date = execution_date or timezone.localdate()
    check_field_rules(*PAYMENT_RULES, execution_date=execution_date)
    reports = list(
        ExpenseReport.objects.restrict(actor, "pay")
        .select_for_update(of=("self",))
        .filter(status=ReportStatus.APPROVED, export__isnull=True, amount__gt=0)
        .select_related("volunteer", "decided_by")
        .order_by("volunteer__last_name", "month", "pk")
    )
    if not reports:
        raise ValidationError(_("No approved expense report waits for payment."))
    payees = [
        Payee(
            report.volunteer.full_name,
            report.iban,
            report.amount,
            f"Vabatahtliku kulud {report.month:%m.%Y}",
            f"VK{report.pk}",
        )
        for report in reports
    ]
    xml = credit_transfer_xml(payees, execution_date=execution_date)
    total = sum((report.amount for report in reports), Decimal("0.00"))
    payment = ExpensePayment(
        created_by=actor, execution_date=execution_date, total=total, xml_sha256=hashlib.sha256(xml).hexdigest()
    )
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    payment.csv_file.save(f"volunteer-expenses-{stamp}.csv", ContentFile(payment_csv(reports)), save=False)
    payment.xml_file.save(f"volunteer-expenses-{stamp}.xml", ContentFile(xml), save=False)
    payment.save()
    for report in reports:  # locked above: nobody pays them twice
        report.export, report.status = payment, ReportStatus.SENT_FOR_PAYMENT
        report.version += 1
        report.save(update_fields=["export", "status", "version"])
    security_event(
        "volunteer_expenses_exported", actor=actor, payment=payment.pk, reports=len(reports), total=str(total)
    )
    return payment


def expense_reminders(today: date | None = None) -> int:
    """Three days before the deadline: a reminder to each volunteer whose last month has entries and no
    submitted report; the day after it: overdue, to the volunteer and their supervisor."""
    today = today or timezone.localdate()
    month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    due = due_on(month)
    if today not in (due - timedelta(days=3), due + timedelta(days=1)):
        return 0
    overdue = today > due
    volunteers = (
        Volunteer.objects.filter(
            activities__happened_on__gte=month, activities__happened_on__lte=month_end(month), user__is_active=True
        )
        .exclude(expense_reports__month=month, expense_reports__status__in=LOCKED_STATUSES)
        .select_related("user", "supervisor")
        .distinct()
    )
    sent = 0
    for volunteer in volunteers:
        params = {
            "month": month.strftime("%m.%Y"),
            "due": due.strftime("%d.%m.%Y"),
            "volunteer": volunteer.full_name,
        }
        link = f"/volunteers/my/month/?month={month:%Y-%m}"
        if overdue:
            notify(
                [volunteer.user],
                gettext_noop("Your expense report for %(month)s is overdue (due %(due)s)."),
                params=params,
                link=link,
                email=True,
            )
            if volunteer.supervisor:
                notify(
                    [volunteer.supervisor],
                    gettext_noop("%(volunteer)s has not submitted the expense report for %(month)s (due %(due)s)."),
                    params=params,
                    email=True,
                )
        else:
            notify(
                [volunteer.user],
                gettext_noop("Please submit your expense report for %(month)s by %(due)s."),
                params=params,
                link=link,
                email=True,
            )
        sent += 1
    return sent


@shared_task(name="volunteers.remind_expense_reports", ignore_result=True)
def remind_expense_reports() -> int:
    if not claim_today(remind_expense_reports.name):  # a second copy the same day (beat's and the sweeper's)
        return 0
    return expense_reminders()
