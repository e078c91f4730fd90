"""The aid procedure: applications, decision drafts, approval, issue, amendments and revocations,
delivery, and the entitlement ledger."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cases.aid_rules import applicant_is_linked, check_eligibility
from cases.aidletters import render_decision_letter
from cases.choices import Channel
from cases.delivery import checked_delivery, send_decision_email
from cases.models import (
    AidApplication,
    AidDecision,
    AidEntitlement,
    AidPolicy,
    Case,
    DecisionKindSetting,
    EntitlementCharge,
)
from cases.models.aid import (
    ApplicationStatus,
    ChargeKind,
    DecisionKind,
    DecisionStatus,
)
from cases.selectors import cap_on, charged, remaining
from victimsupport.approval import check_approver
from victimsupport.concurrency import versioned_edit
from victimsupport.dates import add_working_days
from victimsupport.jobs import job_start
from victimsupport.models import User
from victimsupport.notify import notify
from victimsupport.permissions import ensure_permitted
from victimsupport.rules import check_field_rules, not_future
from victimsupport.security import security_event
from victimsupport.templatetags.money import format_eur

APPLICATION_FIELDS = [
    "applicant",
    "applicant_role",
    "basis",
    "received_on",
    "what_happened",
    "symptoms",
    "urgency",
    "language_wish",
    "service_wished",
]
DRAFT_FIELDS = ["kind", "amount_cap", "valid_from", "valid_until", "service_type", "facts", "reasoning"]
APPLICATION_RULES = (not_future("received_on"),)


# --- applications ---


def _check_application(application: AidApplication) -> None:
    if application.applicant_id and not applicant_is_linked(application.case, application.applicant_id):
        raise ValidationError({"applicant": _("The applicant must be a person linked to the case.")})
    check_field_rules(*APPLICATION_RULES, received_on=application.received_on)


@transaction.atomic
def application_create(*, actor: User, case: Case, **fields) -> AidApplication:
    unknown = set(fields) - set(APPLICATION_FIELDS)
    if unknown:
        raise TypeError(f"unknown application fields {sorted(unknown)}")
    application = AidApplication(case=case, created_by=actor, **fields)
    _check_application(application)
    policy = AidPolicy.current()
    application.decision_due_on = add_working_days(application.received_on, policy.decision_working_days)
    application.full_clean()
    application.save()
    ensure_permitted(actor, case, "change")
    return application


@transaction.atomic
def application_update(*, actor: User, application: AidApplication, expected_version: int, **fields) -> AidApplication:
    versioned_edit(application, expected_version, fields, APPLICATION_FIELDS)
    if application.decisions.filter(status=DecisionStatus.ISSUED).exists():
        raise ValidationError(_("The application has been decided; it can no longer be changed."))
    _check_application(application)
    application.decision_due_on = add_working_days(application.received_on, AidPolicy.current().decision_working_days)
    application.full_clean()
    application.save()
    ensure_permitted(actor, application.case, "change")
    return application


# --- caps and the ledger ---


def decision_day(decision: AidDecision) -> date:
    """The date that decides the cap: the decision date, i.e. the day the decision is issued (signed by its
    author, or approved and signed by a regional manager). A draft has none yet: today, the earliest day
    it can be issued; it is checked again on the day it is issued."""
    return decision.decision_date or timezone.localdate()


@transaction.atomic
def entitlement_charge(
    *, actor: User, entitlement: AidEntitlement, kind: str, amount: Decimal, source
) -> EntitlementCharge:
    """Draw on (or release to) the entitlement. The entitlement row is locked, so two concurrent charges
    that together exceed the cap cannot both pass."""
    locked = AidEntitlement.objects.select_for_update().get(pk=entitlement.pk)
    amount = Decimal(amount).quantize(Decimal("0.01"))
    if amount <= 0:
        raise ValidationError(_("The amount must be positive."))
    if kind != ChargeKind.RELEASE:
        if not locked.is_active:
            raise ValidationError(_("The aid has been revoked or has ended."))
        left = remaining(locked)
        if amount > left:
            raise ValidationError(
                _("The amount %(amount)s exceeds what is left of the aid (%(left)s).")
                % {"amount": format_eur(amount), "left": format_eur(left)}
            )
    return EntitlementCharge.objects.create(
        entitlement=locked,
        kind=kind,
        amount=amount,
        source_type=source._meta.label_lower,
        source_id=source.pk,
        created_by=actor,
    )


# --- decisions ---


def kind_setting(kind: str) -> DecisionKindSetting:
    return DecisionKindSetting.objects.get(kind=kind)


def _validate_decision(decision: AidDecision) -> None:
    """The rules of a decision draft, each with a message at its field."""
    errors: dict[str, str] = {}
    application = decision.application
    eligibility = check_eligibility(application)
    decision.eligibility_rule = eligibility.rule
    decision.eligibility_explanation = eligibility.explanation[:500]
    if not decision.reasoning.strip():
        errors["reasoning"] = _("Write the reasoning: the facts and the law the decision rests on.")
    if decision.kind in (DecisionKind.GRANT, DecisionKind.PARTIAL, DecisionKind.AMENDMENT):
        if decision.kind != DecisionKind.AMENDMENT and not eligibility.eligible:
            errors["kind"] = _("The applicant is not eligible (%(why)s) - only a refusal is possible.") % {
                "why": eligibility.explanation
            }
        day = decision_day(decision)
        cap = decision.cap_in_force = cap_on(day)
        if decision.amount_cap is None:
            errors["amount_cap"] = _("Enter the amount cap.")
        elif decision.amount_cap <= 0:
            errors["amount_cap"] = _("The amount cap must be more than zero.")
        elif cap is None:
            errors["amount_cap"] = _(
                "There is no aid cap in force on %(date)s (the decision date): an administrator must enter the "
                "minimum monthly wage in the administration first."
            ) % {"date": day.strftime("%d.%m.%Y")}
        elif decision.amount_cap > cap:
            errors["amount_cap"] = _("The amount cap is above the cap in force on %(date)s (%(cap)s).") % {
                "date": day.strftime("%d.%m.%Y"),
                "cap": format_eur(cap),
            }
        elif decision.amount_cap != decision.amount_cap.quantize(Decimal("0.01")):
            errors["amount_cap"] = _("Use at most two decimals.")
        if not decision.valid_from:
            errors["valid_from"] = _("Enter the start of the period.")
        if not decision.valid_until:
            errors["valid_until"] = _("Enter the end of the period.")
        elif decision.valid_from and decision.valid_until < decision.valid_from:
            errors["valid_until"] = _("The period ends before it starts.")
        if not decision.service_type:
            errors["service_type"] = _("Choose the service.")
        if decision.kind == DecisionKind.AMENDMENT and decision.amends_id and decision.amount_cap is not None:
            entitlement = AidEntitlement.objects.filter(decision=decision.amends).first()
            if entitlement is not None and decision.amount_cap < charged(entitlement):
                errors["amount_cap"] = _("Referrals and invoices already hold %(held)s of this aid.") % {
                    "held": format_eur(charged(entitlement))
                }
    else:
        decision.amount_cap = decision.cap_in_force = None
        decision.service_type = ""
        if decision.kind == DecisionKind.REFUSAL:
            decision.valid_from = decision.valid_until = None
        elif not decision.valid_from:
            errors["valid_from"] = _("Enter the date from which the aid is revoked.")
    if decision.kind in (DecisionKind.AMENDMENT, DecisionKind.REVOCATION):
        amended = decision.amends
        if (
            amended is None
            or not amended.is_issued
            or amended.kind not in (DecisionKind.GRANT, DecisionKind.PARTIAL, DecisionKind.AMENDMENT)
        ):
            errors["kind"] = _("An amendment or a revocation refers to an issued grant.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def decision_draft(
    *, actor: User, application: AidApplication, kind: str, amends: AidDecision | None = None, **fields
) -> AidDecision:
    unknown = set(fields) - set(DRAFT_FIELDS) - {"kind"}
    if unknown:
        raise TypeError(f"unknown decision fields {sorted(unknown)}")
    if application.status == ApplicationStatus.WITHDRAWN:
        raise ValidationError(_("The application was withdrawn."))
    if (
        kind in (DecisionKind.GRANT, DecisionKind.PARTIAL, DecisionKind.REFUSAL)
        and application.decisions.filter(
            kind__in=[DecisionKind.GRANT, DecisionKind.PARTIAL, DecisionKind.REFUSAL], status=DecisionStatus.ISSUED
        ).exists()
    ):
        raise ValidationError(_("The application has been decided. Amend or revoke the issued decision instead."))
    setting = kind_setting(kind)
    decision = AidDecision(
        application=application,
        kind=kind,
        amends=amends,
        drafted_by=actor,
        approval_required=setting.approval_required,
        legal_basis=setting.legal_basis,
        **fields,
    )
    _validate_decision(decision)
    decision.full_clean()
    decision.save()
    decision.contributors.add(actor)
    ensure_permitted(actor, application.case, "change")
    return decision


@transaction.atomic
def decision_update(*, actor: User, decision: AidDecision, expected_version: int, **fields) -> AidDecision:
    stored = versioned_edit(decision, expected_version, fields, DRAFT_FIELDS)
    if not (stored.is_draft or stored.is_returned):
        raise ValidationError(_("Only a draft can be changed."))
    setting = kind_setting(decision.kind)
    decision.approval_required, decision.legal_basis = setting.approval_required, setting.legal_basis
    _validate_decision(decision)
    decision.full_clean()
    decision.save()
    if _content(decision) != _content(stored):
        decision.contributors.add(actor)  # whoever changed the content may not approve it
    ensure_permitted(actor, decision.application.case, "change")
    return decision


def _content(decision: AidDecision) -> list:
    return [getattr(decision, name) for name in DRAFT_FIELDS]


def _locked(decision: AidDecision) -> AidDecision:
    return AidDecision.objects.select_for_update().select_related("application__case__region").get(pk=decision.pk)


@transaction.atomic
def decision_submit(*, actor: User, decision: AidDecision) -> AidDecision:
    decision = _locked(decision)
    if decision.status not in (DecisionStatus.DRAFT, DecisionStatus.RETURNED):
        raise ValidationError(_("Only a draft can be sent for approval."))
    if not decision.approval_required:
        raise ValidationError(_("This decision needs no approval: issue it."))
    _validate_decision(decision)
    decision.status = DecisionStatus.SUBMITTED
    decision.submitted_at = timezone.now()
    decision.version += 1
    decision.save()
    ensure_permitted(actor, decision.application.case, "change")
    case = decision.application.case
    managers = (
        User.objects.filter(groups=case.region.managers_group, is_active=True)
        .exclude(pk=actor.pk)
        .exclude(pk__in=decision.contributors.values("pk"))
    )
    notify(
        managers,
        gettext_noop("A decision on case %(case)s waits for your approval."),
        params={"case": case.reference},
        link=reverse("cases:aid-decision", args=[decision.pk]),
        email=True,
    )
    return decision


@transaction.atomic
def decision_return(*, actor: User, decision: AidDecision, comment: str) -> AidDecision:
    decision = _locked(decision)
    _check_approver(actor, decision)
    if decision.status != DecisionStatus.SUBMITTED:
        raise ValidationError(_("Only a decision waiting for approval can be returned."))
    if not comment.strip():
        raise ValidationError({"comment": _("Say what needs to change.")})
    decision.status = DecisionStatus.RETURNED
    decision.return_comment = comment.strip()
    decision.version += 1
    decision.save()
    notify(
        [decision.drafted_by],
        gettext_noop("Your draft decision on case %(case)s was returned."),
        params={"case": decision.application.case.reference},
        link=reverse("cases:aid-decision", args=[decision.pk]),
        email=True,
    )
    return decision


def _check_approver(actor: User, decision: AidDecision, *, approving: bool = False) -> None:
    check_approver(actor, decision, scope=decision.application.case, approving=approving)


@transaction.atomic
def decision_approve(*, actor: User, decision: AidDecision) -> AidDecision:
    decision = _locked(decision)
    _check_approver(actor, decision, approving=True)
    if decision.status != DecisionStatus.SUBMITTED:
        raise ValidationError(_("Only a decision waiting for approval can be approved."))
    decision.approved_by = actor
    decision.approved_at = timezone.now()
    return _issue(actor, decision, signer=actor)


@transaction.atomic
def decision_issue(*, actor: User, decision: AidDecision) -> AidDecision:
    """Issue a decision that needs no approval (the drafter signs it)."""
    decision = _locked(decision)
    if decision.status not in (DecisionStatus.DRAFT, DecisionStatus.RETURNED):
        raise ValidationError(_("Only a draft can be issued."))
    if decision.approval_required:
        raise ValidationError(_("A regional manager must approve this decision."))
    ensure_permitted(actor, decision.application.case, "change")
    return _issue(actor, decision, signer=actor)


def _issue(actor: User, decision: AidDecision, *, signer) -> AidDecision:
    # The decision date is the day of issue; the draft is checked against the cap in force on it.
    decision.decision_date = timezone.localdate()
    _validate_decision(decision)
    application = decision.application
    decision.status = DecisionStatus.ISSUED
    decision.issued_at = timezone.now()
    decision.signer = signer
    decision.signer_name = signer.get_full_name() or signer.username
    decision.signer_position = signer.position
    decision.version += 1
    decision.save()
    if decision.kind in (DecisionKind.GRANT, DecisionKind.PARTIAL):
        AidEntitlement.objects.create(
            person=application.applicant,
            decision=decision,
            cap=decision.amount_cap,
            valid_from=decision.valid_from,
            valid_until=decision.valid_until,
            service_type=decision.service_type,
        )
    elif decision.kind == DecisionKind.AMENDMENT:
        entitlement = AidEntitlement.objects.select_for_update().get(decision=decision.amends)
        entitlement.cap, entitlement.valid_from = decision.amount_cap, decision.valid_from
        entitlement.valid_until, entitlement.service_type = decision.valid_until, decision.service_type
        entitlement.amended_by = decision
        entitlement.save()
    elif decision.kind == DecisionKind.REVOCATION:
        AidEntitlement.objects.filter(decision=decision.amends, closed_at__isnull=True).update(
            closed_at=timezone.now(), closed_by_decision=decision
        )
    if decision.kind in (DecisionKind.GRANT, DecisionKind.PARTIAL, DecisionKind.REFUSAL):
        AidApplication.objects.filter(pk=application.pk).update(status=ApplicationStatus.DECIDED)
    security_event(
        "decision_issued",
        actor=actor,
        decision=decision.pk,
        kind=decision.kind,
        amount=str(decision.amount_cap or ""),
        signer=signer.pk,
    )
    decision_letter_request(actor=actor, decision=decision)
    return decision


def decision_letter_request(*, actor: User, decision: AidDecision):
    """A job renders the decision letter in a worker (after commit); the page polls the job."""
    job = job_start(
        render_decision_letter,
        kind="decision_letter",
        created_by=actor,
        target=decision,
        message=gettext_noop("Waiting for a worker"),
    )
    return job


# --- delivery ---


@transaction.atomic
def decision_deliver(
    *, actor: User, decision: AidDecision, channel: str, delivered_on: date | None = None, note: str = ""
) -> AidDecision:
    """Deliver the letter only through a channel the safe-contact rules allow; with none, record that the
    person picks it up."""
    decision = _locked(decision)
    ensure_permitted(actor, decision.application.case, "change")
    delivered_on = checked_delivery(decision, decision.application.applicant, channel, delivered_on)
    decision.delivery_channel, decision.delivered_on, decision.delivery_note = channel, delivered_on, note[:300]
    decision.save(update_fields=["delivery_channel", "delivered_on", "delivery_note"])
    if channel == Channel.EMAIL:
        send_decision_email.delay_on_commit(decision.pk, actor_id=actor.pk)
    security_event("decision_delivered", actor=actor, decision=decision.pk, channel=channel)
    return decision
