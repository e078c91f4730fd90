"""Referrals from an issued grant to a provider; the scope holds part of the person's aid."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cases.models import AidDecision, AidEntitlement, EntitlementCharge
from cases.models.aid import GRANTING_KINDS, ChargeKind
from cases.services.aid import entitlement_charge
from referrals.models import Provider, ProviderSpecialist, Referral
from referrals.models.providers import tariff_on
from referrals.models.referrals import OPEN_REFERRAL_STATUSES, ReferralStatus
from victimsupport.permissions.views import ensure_permitted
from victimsupport.security import security_event

CENT = Decimal("0.01")


def held_by(referral: Referral) -> Decimal:
    sums = dict(
        EntitlementCharge.objects.filter(source_type="referrals.referral", source_id=referral.pk)
        .values_list("kind")
        .annotate(total=Sum("amount"))
        .values_list("kind", "total")
    )
    return (sums.get(ChargeKind.COMMITMENT, Decimal("0")) - sums.get(ChargeKind.RELEASE, Decimal("0"))).quantize(CENT)


@transaction.atomic
def referral_create(
    *,
    actor,
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
    if not provider.active:
        errors["provider"] = _("The provider is not active.")
    elif tariff_on(provider, service, valid_from) is None:
        errors["provider"] = _(
            "The provider has no contract with a tariff for this service at the start of the referral."
        )
    if specialist is not None and (
        specialist.provider_id != provider.pk or not specialist.qualified_for(service, valid_from)
    ):
        errors["specialist"] = _("The specialist must work for the provider and be qualified for the service.")
    if amount is None or amount <= 0:
        errors["amount"] = _("The amount must be positive.")
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
    request_referral_letter(actor=actor, referral=referral)
    security_event("referral_issued", actor=actor, referral=referral.pk, amount=str(referral.amount))
    return referral


def request_referral_letter(*, actor, referral: Referral):
    from referrals.tasks import render_referral_letter
    from victimsupport.jobs import job_create

    job = job_create(
        kind="referral_letter", created_by=actor, target=referral, message=gettext_noop("Waiting for a worker")
    )
    render_referral_letter.delay_on_commit(job.pk, actor_id=actor.pk)
    return job


@transaction.atomic
def referral_respond(
    *, actor, referral: Referral, accepted: bool, note: str = "", answered_on: date | None = None
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
def referral_close(*, actor, referral: Referral, status: str) -> Referral:
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


def _release_all(actor, referral: Referral) -> None:
    held = held_by(referral)
    if held > 0:
        entitlement_charge(
            actor=actor, entitlement=referral.entitlement, kind=ChargeKind.RELEASE, amount=held, source=referral
        )
