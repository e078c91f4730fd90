"""Referrals from an issued grant to a provider; the scope holds part of the person's aid."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cases.models import AidDecision, AidEntitlement
from cases.models.aid import GRANTING_KINDS, ChargeKind
from cases.services.aid import entitlement_charge
from referrals.checks import run_checks
from referrals.letters import render_referral_letter
from referrals.models import Provider, ProviderSpecialist, Referral, ReferralExtension
from referrals.models.invoices import InvoiceStatus
from referrals.models.providers import tariff_on
from referrals.models.referrals import OPEN_REFERRAL_STATUSES, ReferralStatus
from referrals.selectors import held_by
from victimsupport.jobs import job_start
from victimsupport.models import User
from victimsupport.permissions import ensure_permitted
from victimsupport.security import security_event

CENT = Decimal("0.01")


@transaction.atomic
def referral_create(
    *,
    actor: User,
    decision: AidDecision,
    provider: Provider,
    amount: Decimal,
    valid_from: date,
    valid_until: date,
    hours: Decimal | None = None,
    specialist: ProviderSpecialist | None = None,
) -> Referral:
    case = decision.application.case
    ensure_permitted(actor, case, "change")
    errors: dict[str, str] = {}
    entitlement = AidEntitlement.objects.filter(Q(decision=decision) | Q(amended_by=decision)).first()
    if not decision.is_issued or decision.kind not in GRANTING_KINDS or entitlement is None:
        raise ValidationError(_("A referral needs an issued decision that grants the aid."))
    if not entitlement.is_active:
        raise ValidationError(_("The aid has been revoked or has ended."))
    service = entitlement.service_type
    if valid_until < valid_from:
        errors["valid_until"] = _("The period ends before it starts.")
    elif valid_from < entitlement.valid_from or valid_until > entitlement.valid_until:
        errors["valid_until"] = _("The referral must fit in the period of the decision (%(start)s–%(end)s).") % {
            "start": entitlement.valid_from.strftime("%d.%m.%Y"),
            "end": entitlement.valid_until.strftime("%d.%m.%Y"),
        }
    tariff = tariff_on(provider, service, valid_from)
    if not provider.active:
        errors["provider"] = _("The provider is not active.")
    elif tariff is None:
        errors["provider"] = _(
            "The provider has no contract with a tariff for this service at the start of the referral."
        )
    if amount is None and hours is not None and hours > 0 and tariff is not None:
        amount = (hours * tariff.hourly_rate).quantize(CENT)  # proposed from the hours and the tariff
    if specialist is not None and (
        specialist.provider_id != provider.pk or not specialist.qualified_for(service, valid_from)
    ):
        errors["specialist"] = _("The specialist must work for the provider and be qualified for the service.")
    if amount is None:
        errors["amount"] = _("Enter the amount, or the hours to compute it from the contract's tariff.")
    elif amount <= 0:
        errors["amount"] = _("The amount must be positive.")
    if hours is not None and hours <= 0:
        errors["hours"] = _("The hours must be more than zero (or left empty).")
    if errors:
        raise ValidationError(errors)
    referral = Referral(
        decision=decision,
        entitlement=entitlement,
        provider=provider,
        specialist=specialist,
        service=service,
        hours=hours,
        amount=Decimal(amount).quantize(CENT),
        valid_from=valid_from,
        valid_until=valid_until,
        created_by=actor,
    )
    referral.full_clean()
    referral.save()
    try:
        entitlement_charge(
            actor=actor, entitlement=entitlement, kind=ChargeKind.COMMITMENT, amount=referral.amount, source=referral
        )
    except ValidationError as error:
        raise ValidationError({"amount": error.messages}) from error
    referral_letter_request(actor=actor, referral=referral)
    security_event("referral_issued", actor=actor, referral=referral.pk, amount=str(referral.amount))
    return referral


def referral_letter_request(*, actor: User, referral: Referral | ReferralExtension):
    """The letter of a referral, or of its extension (the job's target says which)."""
    job = job_start(
        render_referral_letter,
        kind="referral_letter",
        created_by=actor,
        target=referral,
        message=gettext_noop("Waiting for a worker"),
    )
    return job


@transaction.atomic
def referral_extend(
    *, actor: User, referral: Referral, amount: Decimal, reason: str, hours: Decimal | None = None
) -> ReferralExtension:
    """Widen an open referral's scope: `amount` more (and `hours` more, if it has an hours scope), drawn from
    the decision's free remainder under the entitlement's lock, recorded with who, when and why, and told to
    the provider in a new referral letter that refers to the earlier one. The only way an invoice may be paid
    beyond what the provider was first ordered."""

    # The referral first, then the entitlement (the order referral_close takes them in).
    referral = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("decision__application__case", "entitlement")
        .get(pk=referral.pk)
    )
    ensure_permitted(actor, referral.decision.application.case, "change")
    if not referral.is_open:
        raise ValidationError(_("The referral is closed: it cannot be extended."))
    errors: dict[str, str] = {}
    try:
        amount = Decimal(amount if amount is not None else "0")
        valid_amount = amount.is_finite() and amount >= 0 and amount == amount.quantize(CENT)
    except (InvalidOperation, TypeError, ValueError):
        valid_amount = False
    if not valid_amount:
        errors["amount"] = _("Enter the added amount in euros and cents (zero or more).")
    if hours is not None:
        if referral.hours is None:
            errors["hours"] = _("The referral has no hours scope: extend its amount only.")
        elif not (Decimal(hours).is_finite() and hours > 0 and hours == Decimal(hours).quantize(Decimal("0.1"))):
            errors["hours"] = _("Enter the added hours with at most one decimal (more than zero).")
    if not errors and amount == 0 and not hours:
        errors["amount"] = _("Add an amount, or hours.")
    if not (reason or "").strip():
        errors["reason"] = _("Say why the referral is extended.")
    if errors:
        raise ValidationError(errors)
    amount = amount.quantize(CENT)
    if amount > 0:
        try:  # locks the entitlement and refuses more than its free remainder
            entitlement_charge(
                actor=actor,
                entitlement=referral.entitlement,
                kind=ChargeKind.COMMITMENT,
                amount=amount,
                source=referral,
            )
        except ValidationError as error:
            raise ValidationError({"amount": error.messages}) from error
    referral.amount += amount
    if hours:
        referral.hours += Decimal(hours)
    referral.version += 1
    referral.full_clean()
    referral.save()
    extension = ReferralExtension(
        referral=referral,
        amount=amount,
        hours=Decimal(hours) if hours else None,
        reason=reason.strip()[:500],
        amount_after=referral.amount,
        hours_after=referral.hours,
        created_by=actor,
    )
    extension.full_clean()
    extension.save()
    for invoice in referral.invoices.filter(status=InvoiceStatus.RECEIVED):
        run_checks(invoice)  # what was beyond the referral may fit now
    referral_letter_request(actor=actor, referral=extension)
    security_event(
        "referral_extended", actor=actor, referral=referral.pk, amount=str(amount), total=str(referral.amount)
    )
    return extension


@transaction.atomic
def referral_respond(
    *, actor: User, referral: Referral, accepted: bool, note: str = "", answered_on: date | None = None
) -> Referral:
    referral = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("decision__application__case")
        .get(pk=referral.pk)
    )
    ensure_permitted(actor, referral.decision.application.case, "change")
    if referral.status != ReferralStatus.ISSUED:
        raise ValidationError(_("The provider's answer is recorded already."))
    referral.status = ReferralStatus.ACCEPTED if accepted else ReferralStatus.REFUSED
    referral.response_on = answered_on or timezone.localdate()
    referral.response_note = note[:300]
    referral.version += 1
    referral.save()
    if not accepted:
        _release_all(actor, referral)
    return referral


@transaction.atomic
def referral_close(*, actor: User, referral: Referral, status: str) -> Referral:
    """Cancel or complete a referral: what it still holds of the aid is released."""
    referral = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("decision__application__case")
        .get(pk=referral.pk)
    )
    ensure_permitted(actor, referral.decision.application.case, "change")
    if referral.status not in OPEN_REFERRAL_STATUSES:
        raise ValidationError(_("The referral is closed already."))
    if status not in (ReferralStatus.CANCELLED, ReferralStatus.COMPLETED):
        raise ValueError(status)
    referral.status = status
    referral.version += 1
    referral.save()
    _release_all(actor, referral)
    return referral


def _release_all(actor: User, referral: Referral) -> None:
    held = held_by(referral)
    if held > 0:
        entitlement_charge(
            actor=actor, entitlement=referral.entitlement, kind=ChargeKind.RELEASE, amount=held, source=referral
        )
