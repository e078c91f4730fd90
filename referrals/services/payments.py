"""Payment export: approved invoices as a CSV for accounting and an ISO 20022 pain.001 credit transfer file,
each invoice exported once."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from sepaxml import SepaTransfer

from referrals.models import BillingPolicy, Invoice, PaymentExport
from referrals.models.invoices import InvoiceStatus
from victimsupport.exports import csv_bytes
from victimsupport.models import Role, User
from victimsupport.security import security_event


@dataclass(frozen=True)
class Payee:
    """One credit transfer: to whom, which account, how much, what for, and its end-to-end id."""

    name: str
    iban: str
    amount: Decimal
    description: str
    endtoend_id: str


def credit_transfer_xml(payees: list[Payee], *, execution_date: date) -> bytes:
    """An ISO 20022 pain.001.001.03 file from the agency's account (BillingPolicy), validated against the
    schema. Invoices and volunteers' expense reports are paid with it."""
    policy = BillingPolicy.current()
    transfer = SepaTransfer(
        {
            "name": policy.payer_name,
            "IBAN": policy.payer_iban,
            "BIC": policy.payer_bic,
            "batch": True,
            "currency": "EUR",
        },
        schema="pain.001.001.03",
    )
    for payee in payees:
        transfer.add_payment(
            {
                "name": payee.name,
                "IBAN": payee.iban,
                "amount": int((payee.amount * 100).to_integral_value()),
                "execution_date": execution_date,
                "description": payee.description,
                "endtoend_id": payee.endtoend_id[:35],
            }
        )
    return transfer.export(validate=True)


def payment_xml(invoices: list[Invoice], *, execution_date: date) -> bytes:
    payees = [
        Payee(
            invoice.provider.name,
            invoice.provider.iban,
            invoice.approved_total,
            f"Arve {invoice.number}",
            f"VS{invoice.pk}",
        )
        for invoice in invoices
    ]
    return credit_transfer_xml(payees, execution_date=execution_date)


def payment_csv(invoices: list[Invoice]) -> bytes:
    header = [
        "provider",
        "registry_code",
        "iban",
        "invoice_number",
        "invoice_date",
        "received_on",
        "due_on",
        "referral",
        "amount",
    ]
    rows = (
        [
            invoice.provider.name,
            invoice.provider.registry_code,
            invoice.provider.iban,
            invoice.number,
            invoice.invoice_date,
            invoice.received_on,
            invoice.due_on,
            invoice.referral.number,
            invoice.approved_total.quantize(Decimal("0.01")),
        ]
        for invoice in invoices
    )
    return csv_bytes(rows, header=header)


@transaction.atomic
def payments_export(
    *, actor: User, execution_date: date | None = None, invoice_ids: list[int] | None = None
) -> PaymentExport:
    """Export every approved invoice not yet exported (or the given ones) and mark them sent for payment."""
    if not actor.has_role(Role.SERVICE_ORGANISER):
        raise PermissionDenied
    execution_date = execution_date or timezone.localdate()
    if execution_date < timezone.localdate():
        raise ValidationError({"execution_date": _("The payment date cannot be in the past.")})
    invoices = (
        Invoice.objects.restrict(actor)
        .select_for_update(of=("self",))
        .filter(status=InvoiceStatus.APPROVED, export__isnull=True, approved_total__gt=0)
        .select_related("provider", "referral__letter")
        .order_by("provider__name", "id")
    )
    if invoice_ids is not None:
        invoices = invoices.filter(pk__in=invoice_ids)
    invoices = list(invoices)
    if not invoices:
        raise ValidationError(_("No approved invoice waits for payment."))
    total = sum((invoice.approved_total for invoice in invoices), Decimal("0.00"))
    xml = payment_xml(invoices, execution_date=execution_date)
    found = re.search(rb"<MsgId>([^<]+)</MsgId>", xml)
    message_id = found.group(1).decode() if found else ""
    export = PaymentExport(
        created_by=actor,
        execution_date=execution_date,
        total=total,
        xml_sha256=hashlib.sha256(xml).hexdigest(),
        message_id=message_id,
    )
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    export.csv_file.save(f"payments-{stamp}.csv", ContentFile(payment_csv(invoices)), save=False)
    export.xml_file.save(f"payments-{stamp}.xml", ContentFile(xml), save=False)
    export.save()
    for invoice in invoices:  # locked above: nobody else exports them at the same moment
        invoice.export, invoice.status = export, InvoiceStatus.SENT_FOR_PAYMENT
        invoice.version += 1
        invoice.save(update_fields=["export", "status", "version"])
    security_event("payments_exported", actor=actor, export=export.pk, invoices=len(invoices), total=str(total))
    return export
