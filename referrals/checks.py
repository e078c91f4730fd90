"""The checks of an invoice line, each a finding with a message at the line. The checker decides:
accept, reduce or reject (with a reason)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from referrals.models import Invoice, InvoiceLine
from referrals.models.invoices import InvoiceStatus, LineStatus
from referrals.models.providers import tariff_on

CENT = Decimal("0.01")

FINDINGS = {
    "outside_validity": _("The session is outside the referral's validity."),
    "specialist_not_at_provider": _("The specialist does not work for this provider."),
    "not_qualified": _("The specialist is not qualified for this service on the session date."),
    "service_not_referred": _("The service is not the one referred."),
    "no_tariff": _("The contract has no tariff for this service on the session date."),
    "rate_above_tariff": _("The rate is above the contract tariff valid on the session date."),
    "amount_mismatch": _("The amount is not the rate times the duration."),
    "duplicate_session": _("This session (person, specialist, date and time) is billed already."),
    "over_cap": _("The invoice goes beyond what is left of the person's aid."),
}


def line_cost(rate: Decimal, minutes: int) -> Decimal:
    return (rate * Decimal(minutes) / Decimal(60)).quantize(CENT, rounding=ROUND_HALF_UP)


def check_line(line: InvoiceLine) -> list[str]:
    """The findings of one line (without the cap, which is about the whole invoice)."""
    invoice, referral = line.invoice, line.invoice.referral
    findings = []
    if not (referral.valid_from <= line.session_date <= referral.valid_until):
        findings.append("outside_validity")
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


def available_for(invoice: Invoice) -> Decimal:
    """What this invoice may still draw: the referral's unused part within what is left of the aid."""
    from cases.services.aid import remaining
    from referrals.services.referrals import held_by

    referral = invoice.referral
    held = held_by(referral)
    return remaining(referral.entitlement) + held if referral.entitlement.is_active else Decimal("0.00")


def run_checks(invoice: Invoice) -> None:
    """Check every line again and store the findings (the cap in date order: the sessions that go past it)."""
    budget = available_for(invoice)
    running = Decimal("0.00")
    for line in invoice.lines.select_related("specialist", "invoice__referral", "invoice__provider").order_by(
        "session_date", "start_time", "id"
    ):
        findings = check_line(line)
        if line.status != LineStatus.REJECTED:
            running += line.accepted_amount if line.accepted_amount is not None else line.amount
            if running > budget:
                findings.append("over_cap")
        if findings != line.findings:
            line.findings = findings
            line.save(update_fields=["findings"])


def finding_messages(codes: list[str]) -> list[str]:
    return [str(FINDINGS.get(code, code)) for code in codes]
