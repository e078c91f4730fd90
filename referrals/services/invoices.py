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
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import AidEntitlement
from cases.models.aid import ChargeKind, ServiceType
from cases.services.aid import entitlement_charge
from referrals.checks import CENT, counted_minutes, room_for, run_checks
from referrals.models import BillingPolicy, Invoice, InvoiceLine, Provider, ProviderSpecialist, Referral
from referrals.models.invoices import InvoiceStatus, LineStatus, validate_invoice_number
from referrals.selectors import find_referral, held_by
from victimsupport.models import Role, User
from victimsupport.security import security_event
from victimsupport.templatetags.money import format_eur

LINE_FIELDS = ["session_date", "start_time", "duration_minutes", "specialist", "service", "rate", "amount"]


def _organiser(actor: User) -> None:
    if not actor.has_role(Role.SERVICE_ORGANISER):
        raise PermissionDenied


def no_such_referral() -> str:
    """The one answer for a referral that is unknown, out of the user's regions or another provider's: it
    tells nothing about which referrals exist or whose they are."""
    return _("No referral with this number for this provider.")


@transaction.atomic
def invoice_create(
    *,
    actor: User,
    number: str,
    invoice_date: date,
    referral: Referral | None = None,
    referral_number: str = "",
    received_on: date | None = None,
    provider: Provider | None = None,
) -> Invoice:
    """An invoice against `referral`, or against the referral the provider quotes by `referral_number`."""
    _organiser(actor)
    if referral is None:
        referral = find_referral(referral_number, actor=actor, provider=provider) if provider else None
        if referral is None:
            raise ValidationError({"referral_number": no_such_referral()})
    provider = provider or referral.provider
    received_on = received_on or timezone.localdate()
    number = (number or "").strip()
    errors: dict[str, str] = {}
    if not Referral.objects.restrict(actor, "invoice").filter(pk=referral.pk, provider=provider).exists():
        raise ValidationError({"referral": no_such_referral()})
    try:
        validate_invoice_number(number)
    except ValidationError as error:
        errors["number"] = error.messages[0]
    if invoice_date > timezone.localdate():
        errors["invoice_date"] = _("The date cannot be in the future.")
    if received_on > timezone.localdate():
        errors["received_on"] = _("The date cannot be in the future.")
    if "number" not in errors and Invoice.objects.filter(provider=provider, number=number).exists():
        errors["number"] = _("The provider has used this invoice number before.")
    if errors:
        raise ValidationError(errors)
    invoice = Invoice(
        provider=provider,
        referral=referral,
        number=number,
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


def _in_scope(actor: User, invoice: Invoice) -> None:
    """The service's own check: the invoice is one the actor handles (views fetch it through restrict()
    too, but a service never trusts its caller)."""
    if not Invoice.objects.restrict(actor, "change").filter(pk=invoice.pk).exists():
        raise PermissionDenied


MAX_MONEY = Decimal("9999999999.99")  # what the columns hold (12 digits, 2 of them decimals)


def _money(value, *, positive: bool = False) -> Decimal | None:
    """An amount with two decimals, or None when it is not one (not a number, negative, too large)."""
    try:
        value = Decimal(value)
        if not value.is_finite() or value < 0 or (positive and value == 0) or value > MAX_MONEY:
            return None
        return value.quantize(CENT)
    except (InvalidOperation, TypeError, ValueError):
        return None


@transaction.atomic
def line_add(*, actor: User, invoice: Invoice, **fields) -> InvoiceLine:
    _organiser(actor)
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    _editable(invoice)
    _in_scope(actor, invoice)
    unknown = set(fields) - set(LINE_FIELDS)
    if unknown:
        raise TypeError(sorted(unknown))
    line = InvoiceLine(invoice=invoice, person=invoice.referral.entitlement.person, **fields)
    errors: dict[str, str] = {}
    amount, rate = _money(line.amount), _money(line.rate, positive=True)
    if amount is None:
        errors["amount"] = _("Enter the amount in euros and cents (not negative).")
    if rate is None:
        errors["rate"] = _("Enter the hourly rate in euros and cents (more than zero).")
    if errors:
        raise ValidationError(errors)
    line.amount, line.rate = amount, rate
    line.full_clean(validate_constraints=False)
    line.save()
    run_checks(invoice)
    return line


@transaction.atomic
def line_decide(
    *,
    actor: User,
    line: InvoiceLine,
    decision: str,
    accepted_amount: Decimal | None = None,
    reason: str = "",
    recheck: bool = True,
) -> InvoiceLine:
    """The checker accepts, reduces or rejects a line. A reduction or rejection, and accepting a line with
    findings, needs a reason. `recheck=False`: the caller checks the invoice's lines again afterwards."""
    _organiser(actor)
    line = InvoiceLine.objects.select_for_update().select_related("invoice__referral__entitlement").get(pk=line.pk)
    _in_scope(actor, line.invoice)
    _editable(line.invoice)
    errors: dict[str, str] = {}
    if decision == LineStatus.ACCEPTED:
        line.accepted_amount = line.amount
        if line.findings and not reason.strip():
            errors["reason"] = _("The line has findings: say why it is accepted anyway.")
    elif decision == LineStatus.REDUCED:
        reduced = _money(accepted_amount) if accepted_amount is not None else None
        if reduced is None or reduced >= line.amount:
            errors["accepted_amount"] = _("A reduced amount is less than the amount claimed.")
        else:
            line.accepted_amount = reduced
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
    if decision != LineStatus.REJECTED and line.accepted_amount > 0:
        _within_referral(line)
    line.status = decision
    line.reason = reason.strip()[:300]
    line.decided_by, line.decided_at = actor, timezone.now()
    try:
        with transaction.atomic():
            line.save()
    except IntegrityError as error:  # the database holds: a session is paid once
        raise ValidationError(_("This session is accepted on another invoice already: reject it.")) from error
    if recheck:
        run_checks(line.invoice)
    return line


@transaction.atomic
def lines_accept_passed(*, actor: User, invoice: Invoice) -> tuple[int, int]:
    """Accept, in session order, every line still to be checked that passed every check. A line that stops
    fitting the referral's scope on the way stays for the checker to decide. Returns (accepted, left)."""
    _organiser(actor)
    _in_scope(actor, invoice)
    _editable(invoice)
    accepted = left = 0
    passed = invoice.lines.filter(status=LineStatus.PENDING, findings=[]).order_by("session_date", "start_time", "pk")
    for line in passed:
        try:
            with transaction.atomic():
                line_decide(actor=actor, line=line, decision=LineStatus.ACCEPTED, recheck=False)
        except ValidationError:
            left += 1
        else:
            accepted += 1
    if accepted:  # once at the end: a line accepted in full leaves the running totals, so the findings, as they were
        run_checks(invoice)
    return accepted, left


def _within_referral(line: InvoiceLine) -> None:
    """A line is paid only within what is left of the referral's scope, with the lines decided so far: what
    goes beyond is reduced to what is left (with a reason) or rejected, or the referral is extended first."""
    invoice = line.invoice
    room = room_for(invoice)
    others = [
        other
        for other in invoice.lines.exclude(pk=line.pk)
        if other.status in (LineStatus.ACCEPTED, LineStatus.REDUCED)
    ]
    left = room.referral - sum((other.accepted_amount for other in others), Decimal("0.00"))
    if line.accepted_amount > left:
        if left > 0:
            raise ValidationError(
                {
                    "accepted_amount": _(
                        "Only %(left)s of the referral is left for this session: reduce it to at most that "
                        "(with a reason), or extend the referral first."
                    )
                    % {"left": format_eur(left)}
                }
            )
        raise ValidationError(
            {
                "accepted_amount": _(
                    "Nothing is left of the referral for this session: reject it, or extend the referral first."
                )
            }
        )
    if room.minutes is not None and counted_minutes(others) + line.duration_minutes > room.minutes:
        raise ValidationError(
            _("The session goes beyond the hours of the referral: reject it, or extend the referral first.")
        )


@transaction.atomic
def invoice_mark_checked(*, actor: User, invoice: Invoice) -> Invoice:
    _organiser(actor)
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    _in_scope(actor, invoice)
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
def invoice_approve(*, actor: User, invoice: Invoice) -> Invoice:
    """A second person approves: never the checker nor anyone who decided a line. The approved total must
    fit in what is left of the referral (amount and hours) and is drawn from the person's aid, both measured
    under the lock on the entitlement: two invoices that together exceed the referral or the cap cannot
    both pass."""
    invoice = Invoice.objects.select_for_update(of=("self",)).get(pk=invoice.pk)
    if not Invoice.objects.restrict(actor, "approve").filter(pk=invoice.pk).exists():
        raise PermissionDenied
    if invoice.status != InvoiceStatus.CHECKED:
        raise ValidationError(_("Only a checked invoice can be approved."))
    if invoice.checked_by_id == actor.pk:
        raise ValidationError(_("Nobody approves what they checked: another person must approve this invoice."))
    lines = list(invoice.lines.all())
    if any(line.decided_by_id == actor.pk for line in lines):
        raise ValidationError(
            _("Nobody approves an invoice whose sessions they decided: another person must approve this invoice.")
        )
    total = sum((line.accepted_amount or 0 for line in lines if line.status != LineStatus.REJECTED), Decimal("0"))
    total = Decimal(total).quantize(CENT)
    if total > 0:
        # Lock the entitlement first (the aid ledger's lock), then read the referral as it is now: another
        # invoice or an extension of the referral may have committed while this one waited.
        referral = Referral.objects.select_related("entitlement").get(pk=invoice.referral_id)
        AidEntitlement.objects.select_for_update().get(pk=referral.entitlement_id)
        referral.refresh_from_db(fields=["amount", "hours"])
        invoice.referral = referral
        room = room_for(invoice)
        if total > room.referral:
            raise ValidationError(
                _(
                    "The invoice (%(total)s) goes beyond what is left of the referral (%(left)s): reduce or "
                    "reject the sessions beyond it, or extend the referral first."
                )
                % {"total": format_eur(total), "left": format_eur(room.referral)}
            )
        if room.minutes is not None and counted_minutes(lines) > room.minutes:
            raise ValidationError(
                _(
                    "The invoice goes beyond the hours of the referral: reject the sessions beyond them, or extend "
                    "the referral first."
                )
            )
        entitlement = referral.entitlement
        # Move what the referral holds over to the invoice; the rest comes from the free part of the aid.
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
def invoice_reject(*, actor: User, invoice: Invoice, reason: str) -> Invoice:
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
def invoice_mark_paid(*, actor: User, invoice: Invoice, paid_on: date) -> Invoice:
    _organiser(actor)
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    _in_scope(actor, invoice)
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


def _parse_decimal(text: str, column: str) -> Decimal:
    value = _money(text.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")) if text else None
    if value is None:
        raise ValueError(_("%(column)s is not an amount in euros and cents") % {"column": column})
    return value


def _parse_date(text: str, column: str) -> date:
    try:
        return datetime.strptime(text, "%d.%m.%Y").date()
    except ValueError:
        raise ValueError(_("%(column)s is not a date (dd.mm.yyyy)") % {"column": column}) from None


def _parse_time(text: str) -> time:
    for pattern in ("%H:%M", "%H:%M:%S"):
        try:
            return datetime.strptime(text, pattern).time()
        except ValueError:
            continue
    raise ValueError(_("start_time is not a time (hh:mm)"))


def _parse_row(row: dict, *, actor: User, provider: Provider) -> dict:
    referral = find_referral(row["referral_number"], actor=actor, provider=provider)
    if referral is None:  # unknown, out of the importer's regions or another provider's: the same words
        raise ValueError(_("no referral with this number for this provider"))
    specialist = ProviderSpecialist.objects.filter(provider=provider, licence_number=row["specialist_licence"]).first()
    if specialist is None:
        raise ValueError(
            _("no specialist with licence %(licence)s at this provider") % {"licence": row["specialist_licence"]}
        )
    if row["service"] not in ServiceType.values:
        raise ValueError(_("the service must be counselling or psychotherapy"))
    if not row["invoice_number"]:
        raise ValueError(_("no invoice number"))
    try:
        validate_invoice_number(row["invoice_number"])
    except ValidationError as error:
        raise ValueError(error.messages[0]) from None
    duration = row["duration_minutes"]
    if not (duration.isascii() and duration.isdigit() and 1 <= int(duration) <= 600):
        raise ValueError(_("the duration must be 1-600 minutes"))
    return {
        "invoice_number": row["invoice_number"],
        "invoice_date": _parse_date(row["invoice_date"], "invoice_date"),
        "referral": referral,
        "session_date": _parse_date(row["session_date"], "session_date"),
        "start_time": _parse_time(row["start_time"]),
        "duration_minutes": int(duration),
        "specialist": specialist,
        "service": row["service"],
        "rate": _parse_decimal(row["rate"], "rate"),
        "amount": _parse_decimal(row["amount"], "amount"),
    }


def invoices_import(*, actor: User, provider: Provider, data: bytes) -> ImportResult:
    """Import invoices of one provider from CSV (documented in the README). Every row is read first; any row
    that cannot be read stops the import with a message per row, and nothing is saved. A referral is found
    only among those the importer may invoice against (restrict()), and only the provider's own."""
    _organiser(actor)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return ImportResult([], [(0, _("The file is not UTF-8 text."))])
    if "\x00" in text:
        return ImportResult([], [(0, _("The file cannot be read as CSV."))])
    reader = csv.DictReader(io.StringIO(text), delimiter=";" if text.count(";") >= text.count(",") else ",")
    rows, errors = [], []
    try:
        if not reader.fieldnames or set(CSV_COLUMNS) - {name.strip() for name in reader.fieldnames}:
            return ImportResult([], [(1, _("The columns must be: %(columns)s.") % {"columns": ";".join(CSV_COLUMNS)})])
        for number, raw in enumerate(reader, start=2):
            row = {key.strip(): (value or "").strip() for key, value in raw.items() if isinstance(key, str)}
            try:
                rows.append(_parse_row(row, actor=actor, provider=provider))
            except (ValueError, KeyError) as error:
                errors.append((number, str(error) if isinstance(error, ValueError) else _("the row cannot be read")))
    except csv.Error:
        return ImportResult([], [(reader.line_num, _("The file cannot be read as CSV."))])
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
