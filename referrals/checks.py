"""The checks of an invoice line, each a finding with a message at the line. The checker decides:
accept, reduce or reject (with a reason)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _

from cases.selectors import remaining
from referrals.models import Invoice, InvoiceLine
from referrals.models.invoices import InvoiceStatus, LineStatus
from referrals.models.providers import tariff_on
from referrals.selectors import held_by

CENT = Decimal("0.01")

FINDINGS = {
    "outside_validity": _("The session is outside the referral's validity."),
    "after_invoice_date": _("The session is dated after the invoice: it had not taken place when it was billed."),
    "specialist_not_at_provider": _("The specialist does not work for this provider."),
    "not_qualified": _("The specialist is not qualified for this service on the session date."),
    "service_not_referred": _("The service is not the one referred."),
    "no_tariff": _("The contract has no tariff for this service on the session date."),
    "rate_above_tariff": _("The rate is above the contract tariff valid on the session date."),
    "amount_mismatch": _("The amount is not the rate times the duration."),
    "duplicate_session": _("This session (person, specialist, date and time) is billed already."),
    "over_cap": _("The invoice goes beyond what is left of the person's aid."),
    "over_referral": _(
        "The invoice goes beyond what is left of the referral (the scope the provider was ordered): reduce the "
        "session to what is left or reject it, or extend the referral first."
    ),
}

# Invoices whose approved total the referral has paid (or will pay).
DRAWN_STATUSES = (InvoiceStatus.APPROVED, InvoiceStatus.SENT_FOR_PAYMENT, InvoiceStatus.PAID)


def line_cost(rate: Decimal, minutes: int) -> Decimal:
    return (rate * Decimal(minutes) / Decimal(60)).quantize(CENT, rounding=ROUND_HALF_UP)


def check_line(line: InvoiceLine) -> list[str]:
    """The findings of one line (without the cap, which is about the whole invoice)."""
    invoice, referral = line.invoice, line.invoice.referral
    findings = []
    if not (referral.valid_from <= line.session_date <= referral.valid_until):
        findings.append("outside_validity")
    if line.session_date > invoice.invoice_date:
        findings.append("after_invoice_date")
    if line.specialist.provider_id != invoice.provider_id:
        findings.append("specialist_not_at_provider")
    if not line.specialist.qualified_for(line.service, line.session_date):
        findings.append("not_qualified")
    if line.service != referral.service:
        findings.append("service_not_referred")
    tariff = tariff_on(invoice.provider, line.service, line.session_date)
    if tariff is None:
        findings.append("no_tariff")
    elif line.rate > tariff.hourly_rate:
        findings.append("rate_above_tariff")
    if line.amount != line_cost(line.rate, line.duration_minutes):
        findings.append("amount_mismatch")
    duplicates = (
        InvoiceLine.objects.filter(
            person=line.person_id,
            specialist=line.specialist_id,
            session_date=line.session_date,
            start_time=line.start_time,
        )
        .exclude(status=LineStatus.REJECTED)
        .exclude(invoice__status=InvoiceStatus.REJECTED)
    )
    if line.pk:
        duplicates = duplicates.exclude(pk=line.pk)
    if duplicates.exists():
        findings.append("duplicate_session")
    return findings


@dataclass(frozen=True)
class Room:
    """What an invoice may still draw: `referral`, what is left of the referral's amount; `minutes`, of its
    hours (None: the referral has no hours scope); `aid`, of the person's aid."""

    referral: Decimal
    minutes: int | None
    aid: Decimal


def counted_minutes(lines) -> int:
    """The minutes of decided lines that are paid (not rejected, not reduced to nothing)."""
    return sum(
        line.duration_minutes
        for line in lines
        if line.status in (LineStatus.ACCEPTED, LineStatus.REDUCED) and (line.accepted_amount or 0) > 0
    )


def room_for(invoice: Invoice) -> Room:
    """The referral's scope (what the provider was ordered and told in the referral letter, with its recorded
    extensions) less what its other approved invoices have drawn, and never more than is left of the aid
    (the decision's free remainder plus what the referral holds). Read under the entitlement lock when
    approving, so it cannot change meanwhile."""
    referral = invoice.referral
    drawn = Invoice.objects.filter(referral=referral, status__in=DRAWN_STATUSES).exclude(pk=invoice.pk)
    used = drawn.aggregate(total=Sum("approved_total"))["total"] or Decimal("0.00")
    left = max(referral.amount - used, Decimal("0.00")).quantize(CENT)
    minutes = None
    if referral.hours is not None:
        used_minutes = (
            InvoiceLine.objects.filter(invoice__in=drawn, status__in=(LineStatus.ACCEPTED, LineStatus.REDUCED))
            .filter(Q(accepted_amount__gt=0))
            .aggregate(total=Sum("duration_minutes"))["total"]
            or 0
        )
        minutes = max(int(referral.hours * 60) - used_minutes, 0)
    aid = remaining(referral.entitlement) + held_by(referral) if referral.entitlement.is_active else Decimal("0.00")
    return Room(referral=left, minutes=minutes, aid=aid)


def run_checks(invoice: Invoice) -> None:
    """Check every line again and store the findings. In date order: the sessions that go past what is left
    of the referral (amount or hours) and past what is left of the aid."""
    room = room_for(invoice)
    running, minutes = Decimal("0.00"), 0
    for line in invoice.lines.select_related("specialist", "invoice__referral", "invoice__provider").order_by(
        "session_date", "start_time", "id"
    ):
        findings = check_line(line)
        if line.status != LineStatus.REJECTED:
            running += line.accepted_amount if line.accepted_amount is not None else line.amount
            minutes += line.duration_minutes if line.accepted_amount != 0 else 0
            if running > room.referral or (room.minutes is not None and minutes > room.minutes):
                findings.append("over_referral")
            if running > room.aid:
                findings.append("over_cap")
        if findings != line.findings:
            line.findings = findings
            line.save(update_fields=["findings"])


def finding_messages(codes: list[str]) -> list[str]:
    return [str(FINDINGS.get(code, code)) for code in codes]
