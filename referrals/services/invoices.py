"""Invoices: entry (by hand or from a CSV file), checks, the checker's decisions, approval by a second
person, rejection, payment."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models.aid import ChargeKind, ServiceType
from cases.services.aid import entitlement_charge
from referrals.checks import CENT, run_checks
from referrals.models import BillingPolicy, Invoice, InvoiceLine, Provider, ProviderSpecialist, Referral
from referrals.models.invoices import InvoiceStatus, LineStatus
from referrals.services.referrals import held_by
from victimsupport.models import Role
from victimsupport.security import security_event

LINE_FIELDS = ["session_date", "start_time", "duration_minutes", "specialist", "service", "rate", "amount"]


def _organiser(actor) -> None:
    if not actor.has_role(Role.SERVICE_ORGANISER):
        raise PermissionDenied


def find_referral(number: str) -> Referral | None:
    """A referral by the number the provider quotes: the letter's register number or S-<id>."""
    number = (number or "").strip()
    if number.upper().startswith("S-") and number[2:].isdigit():
        return Referral.objects.filter(pk=int(number[2:])).first()
    return Referral.objects.filter(letter__number=number).first()


@transaction.atomic
def invoice_create(
    *,
    actor,
    referral: Referral,
    number: str,
    invoice_date: date,
    received_on: date | None = None,
    provider: Provider | None = None,
) -> Invoice:
    _organiser(actor)
    provider = provider or referral.provider
    received_on = received_on or timezone.localdate()
    errors: dict[str, str] = {}
    if referral.provider_id != provider.pk:
        errors["referral"] = _("The referral was made to another provider.")
    if invoice_date > timezone.localdate():
        errors["invoice_date"] = _("The date cannot be in the future.")
    if received_on > timezone.localdate():
        errors["received_on"] = _("The date cannot be in the future.")
    if Invoice.objects.filter(provider=provider, number=number.strip()).exists():
        errors["number"] = _("The provider has used this invoice number before.")
    if errors:
        raise ValidationError(errors)
    invoice = Invoice(
        provider=provider,
        referral=referral,
        number=number.strip(),
        invoice_date=invoice_date,
        received_on=received_on,
        due_on=received_on + timedelta(days=BillingPolicy.current().payment_days),
        entered_by=actor,
    )
    invoice.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            invoice.save()
    except IntegrityError as error:  # the same number entered at the same moment by someone else
        raise ValidationError({"number": _("The provider has used this invoice number before.")}) from error
    return invoice


def _editable(invoice: Invoice) -> None:
    if invoice.status != InvoiceStatus.RECEIVED:
        raise ValidationError(_("The invoice has been checked; its lines no longer change."))


@transaction.atomic
def line_add(*, actor, invoice: Invoice, **fields) -> InvoiceLine:
    _organiser(actor)
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    _editable(invoice)
    unknown = set(fields) - set(LINE_FIELDS)
    if unknown:
        raise TypeError(sorted(unknown))
    line = InvoiceLine(invoice=invoice, person=invoice.referral.entitlement.person, **fields)
    line.amount = Decimal(line.amount).quantize(CENT)
    line.rate = Decimal(line.rate).quantize(CENT)
    line.full_clean(validate_constraints=False)
    line.save()
    run_checks(invoice)
    return line


@transaction.atomic
def line_decide(
    *, actor, line: InvoiceLine, decision: str, accepted_amount: Decimal | None = None, reason: str = ""
) -> InvoiceLine:
    """The checker accepts, reduces or rejects a line. A reduction or rejection, and accepting a line with
    findings, needs a reason."""
    _organiser(actor)
    line = InvoiceLine.objects.select_for_update().select_related("invoice").get(pk=line.pk)
    _editable(line.invoice)
    errors: dict[str, str] = {}
    if decision == LineStatus.ACCEPTED:
        line.accepted_amount = line.amount
        if line.findings and not reason.strip():
            errors["reason"] = _("The line has findings: say why it is accepted anyway.")
    elif decision == LineStatus.REDUCED:
        if accepted_amount is None or accepted_amount < 0 or accepted_amount >= line.amount:
            errors["accepted_amount"] = _("A reduced amount is less than the amount claimed.")
        else:
            line.accepted_amount = Decimal(accepted_amount).quantize(CENT)
        if not reason.strip():
            errors["reason"] = _("Say why the line is reduced.")
    elif decision == LineStatus.REJECTED:
        line.accepted_amount = Decimal("0.00")
        if not reason.strip():
            errors["reason"] = _("Say why the line is rejected.")
    else:
        raise ValueError(decision)
    if errors:
        raise ValidationError(errors)
    line.status = decision
    line.reason = reason.strip()[:300]
    try:
        with transaction.atomic():
            line.save()
    except IntegrityError as error:  # the database holds: a session is paid once
        raise ValidationError(_("This session is accepted on another invoice already: reject it.")) from error
    run_checks(line.invoice)
    return line


@transaction.atomic
def invoice_mark_checked(*, actor, invoice: Invoice) -> Invoice:
    _organiser(actor)
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    _editable(invoice)
    if not invoice.lines.exists():
        raise ValidationError(_("The invoice has no lines."))
    if invoice.lines.filter(status=LineStatus.PENDING).exists():
        raise ValidationError(_("Decide every line first: accept, reduce or reject it."))
    invoice.status = InvoiceStatus.CHECKED
    invoice.checked_by, invoice.checked_at = actor, timezone.now()
    invoice.version += 1
    invoice.save()
    return invoice


@transaction.atomic
def invoice_approve(*, actor, invoice: Invoice) -> Invoice:
    """A second person approves (never the checker). The approved total is drawn from the person's aid under
    a lock on the entitlement: two invoices that together exceed the cap cannot both pass."""
    invoice = Invoice.objects.select_for_update(of=("self",)).select_related("referral__entitlement").get(pk=invoice.pk)
    if not Invoice.objects.restrict(actor, "approve").filter(pk=invoice.pk).exists():
        raise PermissionDenied
    if invoice.status != InvoiceStatus.CHECKED:
        raise ValidationError(_("Only a checked invoice can be approved."))
    if invoice.checked_by_id == actor.pk:
        raise ValidationError(_("Nobody approves what they checked: another person must approve this invoice."))
    total = invoice.lines.exclude(status=LineStatus.REJECTED).aggregate(total=Sum("accepted_amount"))["total"]
    total = (total or Decimal("0.00")).quantize(CENT)
    referral = invoice.referral
    if total > 0:
        entitlement = referral.entitlement
        # Lock the entitlement first, then move what the referral held over to the invoice.
        from cases.models import AidEntitlement

        AidEntitlement.objects.select_for_update().get(pk=entitlement.pk)
        release = min(total, held_by(referral))
        if release > 0:
            entitlement_charge(
                actor=actor, entitlement=entitlement, kind=ChargeKind.RELEASE, amount=release, source=referral
            )
        entitlement_charge(actor=actor, entitlement=entitlement, kind=ChargeKind.INVOICE, amount=total, source=invoice)
    invoice.status = InvoiceStatus.APPROVED
    invoice.approved_by, invoice.approved_at, invoice.approved_total = actor, timezone.now(), total
    invoice.version += 1
    invoice.save()
    security_event("invoice_approved", actor=actor, invoice=invoice.pk, total=str(total))
    return invoice


@transaction.atomic
def invoice_reject(*, actor, invoice: Invoice, reason: str) -> Invoice:
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if not Invoice.objects.restrict(actor, "approve").filter(pk=invoice.pk).exists():
        raise PermissionDenied
    if invoice.status not in (InvoiceStatus.RECEIVED, InvoiceStatus.CHECKED):
        raise ValidationError(_("Only an invoice not yet approved can be rejected."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the invoice is rejected.")})
    invoice.status = InvoiceStatus.REJECTED
    invoice.rejection_reason = reason.strip()
    invoice.version += 1
    invoice.save()
    security_event("invoice_rejected", actor=actor, invoice=invoice.pk)
    return invoice


@transaction.atomic
def invoice_mark_paid(*, actor, invoice: Invoice, paid_on: date) -> Invoice:
    _organiser(actor)
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.status != InvoiceStatus.SENT_FOR_PAYMENT:
        raise ValidationError(_("Only an invoice sent for payment can be marked paid."))
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": _("The date cannot be in the future.")})
    invoice.status, invoice.paid_on = InvoiceStatus.PAID, paid_on
    invoice.version += 1
    invoice.save()
    security_event("invoice_paid", actor=actor, invoice=invoice.pk)
    return invoice


# --- CSV import ---

CSV_COLUMNS = [
    "invoice_number",
    "invoice_date",
    "referral_number",
    "session_date",
    "start_time",
    "duration_minutes",
    "specialist_licence",
    "service",
    "rate",
    "amount",
]


@dataclass
class ImportResult:
    invoices: list
    errors: list  # (row number, message)


def _parse_decimal(text: str) -> Decimal:
    return Decimal(text.strip().replace("\u00a0", "").replace(" ", "").replace(",", "."))


def import_invoices(*, actor, provider: Provider, data: bytes) -> ImportResult:
    """Import invoices of one provider from CSV (documented in the README). Every row is read first; any row
    that cannot be read stops the import with a message per row, and nothing is saved."""
    _organiser(actor)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return ImportResult([], [(0, _("The file is not UTF-8 text."))])
    reader = csv.DictReader(io.StringIO(text), delimiter=";" if text.count(";") >= text.count(",") else ",")
    if not reader.fieldnames or set(CSV_COLUMNS) - {name.strip() for name in reader.fieldnames}:
        return ImportResult([], [(1, _("The columns must be: %(columns)s.") % {"columns": ";".join(CSV_COLUMNS)})])
    rows, errors = [], []
    for number, raw in enumerate(reader, start=2):
        row = {key.strip(): (value or "").strip() for key, value in raw.items() if key}
        try:
            referral = find_referral(row["referral_number"])
            if referral is None or referral.provider_id != provider.pk:
                raise ValueError(_("no referral %(number)s to this provider") % {"number": row["referral_number"]})
            specialist = ProviderSpecialist.objects.filter(
                provider=provider, licence_number=row["specialist_licence"]
            ).first()
            if specialist is None:
                raise ValueError(
                    _("no specialist with licence %(licence)s at this provider")
                    % {"licence": row["specialist_licence"]}
                )
            if row["service"] not in ServiceType.values:
                raise ValueError(_("the service must be counselling or psychotherapy"))
            if not row["invoice_number"]:
                raise ValueError(_("no invoice number"))
            parsed = {
                "invoice_number": row["invoice_number"],
                "invoice_date": datetime.strptime(row["invoice_date"], "%d.%m.%Y").date(),
                "referral": referral,
                "session_date": datetime.strptime(row["session_date"], "%d.%m.%Y").date(),
                "start_time": time.fromisoformat(row["start_time"]),
                "duration_minutes": int(row["duration_minutes"]),
                "specialist": specialist,
                "service": row["service"],
                "rate": _parse_decimal(row["rate"]),
                "amount": _parse_decimal(row["amount"]),
            }
            if not 1 <= parsed["duration_minutes"] <= 600:
                raise ValueError(_("the duration must be 1-600 minutes"))
            rows.append(parsed)
        except (ValueError, InvalidOperation, KeyError) as error:
            errors.append((number, str(error) or _("the row cannot be read")))
    if errors:
        return ImportResult([], errors)
    if not rows:
        return ImportResult([], [(2, _("The file has no rows."))])
    invoices = []
    try:
        with transaction.atomic():
            by_number: dict[str, Invoice] = {}
            for row in rows:
                invoice = by_number.get(row["invoice_number"])
                if invoice is None:
                    invoice = invoice_create(
                        actor=actor,
                        referral=row["referral"],
                        number=row["invoice_number"],
                        invoice_date=row["invoice_date"],
                        provider=provider,
                    )
                    by_number[row["invoice_number"]] = invoice
                    invoices.append(invoice)
                elif invoice.referral_id != row["referral"].pk:
                    raise ValidationError(_("Invoice %(number)s names two referrals.") % {"number": invoice.number})
                line_add(actor=actor, invoice=invoice, **{name: row[name] for name in LINE_FIELDS})
    except ValidationError as error:
        return ImportResult([], [(0, message) for message in error.messages])
    security_event("invoices_imported", actor=actor, provider=provider.pk, count=len(invoices))
    return ImportResult(invoices, [])
