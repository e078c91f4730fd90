"""Paying compensation: a regional manager approves the instalments that are due; another person makes
the payment file (pain.001, the one used for invoices and volunteers' expenses) of a region's approved
instalments, so every payment passes two people. Periodic payments stop at their end or on a recorded
event."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from compensation.models import CompensationDecision, Instalment, InstalmentStatus, PaymentBatch
from referrals.services.payments import Payee, credit_transfer_xml
from victimsupport.models import Region, Role, User
from victimsupport.permissions import ensure_permitted, is_permitted
from victimsupport.rules import check_field_rules, not_past
from victimsupport.security import security_event

# Instalments due within this many days may be approved (the next month's payment in advance).
APPROVE_AHEAD_DAYS = 31
PAYMENT_FILE_RULES = (not_past("execution_date", gettext_lazy("The payment date cannot be in the past.")),)


def lock_instalments(rows) -> list[int]:
    """Lock instalment rows in id order (every writer of instalments locks so, after the decision's row
    where it has one), so two writers never hold each other's rows. Returns their ids."""
    return list(rows.select_for_update(of=("self",)).order_by("id").values_list("pk", flat=True))


def _decision(decision: CompensationDecision) -> CompensationDecision:
    return (
        CompensationDecision.objects.select_for_update(of=("self",)).select_related("claim__crime").get(pk=decision.pk)
    )


@transaction.atomic
def instalments_approve(*, actor: User, decision: CompensationDecision, today: date | None = None) -> int:
    """Approve the decision's planned instalments due within APPROVE_AHEAD_DAYS: a regional manager of the
    crime's region. Returns how many."""
    today = today or timezone.localdate()
    decision = _decision(decision)
    if not actor.has_role(Role.REGIONAL_MANAGER) or not is_permitted(actor, decision.claim.crime, "assign"):
        raise PermissionDenied
    if not decision.is_issued:
        raise ValidationError(_("Only an issued decision is paid."))
    if not decision.iban:
        raise ValidationError(_("The claimant's bank account is missing: enter it on the claim first."))
    due = lock_instalments(
        Instalment.objects.filter(
            decision=decision, status=InstalmentStatus.PLANNED, due_on__lte=today + timedelta(days=APPROVE_AHEAD_DAYS)
        )
    )
    count = Instalment.objects.filter(pk__in=due).update(
        status=InstalmentStatus.APPROVED, approved_by=actor, approved_at=timezone.now(), version=F("version") + 1
    )
    if not count:
        raise ValidationError(_("No payment of this decision is due yet."))
    security_event("compensation_instalments_approved", actor=actor, decision=decision.pk, count=count)
    return count


def waiting_for_file(region: Region):
    """Approved instalments of the region's crimes, not yet in a payment file."""
    return Instalment.objects.filter(
        status=InstalmentStatus.APPROVED, decision__claim__crime__region=region
    ).select_related("decision__claim__claimant")


@transaction.atomic
def payment_file_make(*, actor: User, region: Region, execution_date: date | None = None) -> PaymentBatch:
    """The payment file of the region's approved instalments that someone else approved (the maker and the
    approver are two people). Each instalment goes into one file only (rows locked, status changed)."""
    if region.pk not in actor.region_ids or not actor.has_role(Role.SPECIALIST, Role.REGIONAL_MANAGER):
        raise PermissionDenied
    execution_date = execution_date or timezone.localdate()
    check_field_rules(*PAYMENT_FILE_RULES, execution_date=execution_date)
    locked = lock_instalments(
        waiting_for_file(region).exclude(approved_by=actor).filter(due_on__lte=execution_date)  # none paid early
    )
    rows = list(
        Instalment.objects.filter(pk__in=locked, status=InstalmentStatus.APPROVED)
        .select_related("decision__claim__claimant")
        .order_by("due_on", "id")
    )
    if not rows:
        raise ValidationError(_("No payments approved by someone else are waiting for a file."))
    payees = [
        Payee(
            row.decision.claim.claimant.full_name[:70],
            row.decision.iban,
            row.amount,
            f"Kuriteoohvri hüvitis {row.decision.reference}",
            f"HI{row.pk}",
        )
        for row in rows
    ]
    xml = credit_transfer_xml(payees, execution_date=execution_date)
    total = sum((row.amount for row in rows), Decimal("0"))
    batch = PaymentBatch(
        region=region,
        created_by=actor,
        execution_date=execution_date,
        total=total,
        xml_sha256=hashlib.sha256(xml).hexdigest(),
    )
    batch.xml_file.save(f"hyvitised-{region.code}-{timezone.now():%Y%m%d%H%M%S}.xml", ContentFile(xml), save=False)
    batch.save()
    Instalment.objects.filter(pk__in=[row.pk for row in rows]).update(
        status=InstalmentStatus.SENT, batch=batch, version=F("version") + 1
    )
    ensure_permitted(actor, batch, "view")
    security_event("compensation_payment_file", actor=actor, batch=batch.pk, count=len(rows), total=str(total))
    return batch


@transaction.atomic
def periodic_stop(*, actor: User, decision: CompensationDecision, stop_from: date, reason: str) -> int:
    """Stop the periodic payments due on or after `stop_from` (an event ended the maintenance). Payments
    already sent are not touched. Returns how many were stopped."""
    decision = _decision(decision)
    ensure_permitted(actor, decision.claim, "change")
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the payments stop.")})
    waiting = lock_instalments(
        Instalment.objects.filter(
            decision=decision,
            periodic=True,
            status__in=(InstalmentStatus.PLANNED, InstalmentStatus.APPROVED),
            due_on__gte=stop_from,
        )
    )
    stopped = Instalment.objects.filter(pk__in=waiting).update(
        status=InstalmentStatus.STOPPED, stopped_reason=reason.strip()[:300], version=F("version") + 1
    )
    if not stopped:
        raise ValidationError({"stop_from": _("No periodic payment is waiting from that date.")})
    security_event("compensation_payments_stopped", actor=actor, decision=decision.pk, count=stopped)
    return stopped


def paid_total(decision: CompensationDecision):
    return decision.instalments.filter(status=InstalmentStatus.SENT).aggregate(total=Sum("amount"))["total"] or 0
