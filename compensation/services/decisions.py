"""Decisions on compensation claims: a draft, four eyes (a regional manager who did not write it
approves and issues it), the crime's cap kept under a lock, the instalments of the grant, the letter in
a worker, and its delivery through a channel the claimant's safe-contact rules allow."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from cases.choices import Channel
from cases.delivery import checked_delivery
from compensation import letters, selectors
from compensation.checks import claim_checks, problems
from compensation.models import (
    Claim,
    ClaimStatus,
    CompensationDecision,
    CompensationDecisionKind,
    CompensationDecisionStatus,
    Crime,
    Instalment,
    InstalmentStatus,
)
from compensation.services.payments import lock_instalments
from victimsupport.approval import check_approver
from victimsupport.concurrency import versioned_edit
from victimsupport.dates import add_months
from victimsupport.jobs import job_start
from victimsupport.models import User
from victimsupport.notify import notify
from victimsupport.permissions import ensure_permitted
from victimsupport.rules import field_errors
from victimsupport.security import security_event
from victimsupport.templatetags.money import format_eur

DRAFT_FIELDS = ["kind", "one_off_amount", "monthly_amount", "monthly_from", "monthly_months", "facts", "reasoning"]
CENT = Decimal("0.01")


def _reasoning(reasoning) -> dict:
    if reasoning is not None and not reasoning.strip():
        return {"reasoning": gettext_lazy("Write the reasoning: the facts and the law the decision rests on.")}
    return {}


def _amounts(kind, one_off_amount, monthly_amount, monthly_months, monthly_from) -> dict:
    """What a grant pays: amounts in cents, the monthly payments complete, and something paid at all (a
    refusal pays nothing: its amounts are cleared)."""
    if kind is None or kind == CompensationDecisionKind.REFUSAL:
        return {}
    errors = {}
    for name, value in (("one_off_amount", one_off_amount), ("monthly_amount", monthly_amount)):
        if value is not None and value != value.quantize(CENT):
            errors[name] = gettext_lazy("Use at most two decimals.")
    if monthly_amount and monthly_months is not None and not monthly_months:
        errors["monthly_months"] = gettext_lazy("Enter how many monthly payments there are.")
    if monthly_months and monthly_amount is not None and not monthly_amount:
        errors["monthly_amount"] = gettext_lazy("Enter the monthly amount.")
    if monthly_amount and not monthly_from:
        errors["monthly_from"] = gettext_lazy("Enter the month of the first monthly payment.")
    amounts = (one_off_amount, monthly_amount, monthly_months)
    if not errors and None not in amounts and one_off_amount + monthly_amount * monthly_months <= 0:
        errors["one_off_amount"] = gettext_lazy("A grant pays something: enter the amount paid at once or monthly.")
    return errors


DRAFT_RULES = (_reasoning, _amounts)


def _validate(decision: CompensationDecision) -> None:
    """Every rule of a draft, each at its field, all at once."""
    if not decision.claim.is_open:
        raise ValidationError(_("Only a claim being handled can be decided."))
    values = {name: getattr(decision, name) for name in DRAFT_FIELDS}
    for name, empty in (("one_off_amount", Decimal("0")), ("monthly_amount", Decimal("0")), ("monthly_months", 0)):
        if values[name] is None:  # not given: nothing (a form's None is a value it refused already)
            values[name] = empty
    errors = field_errors(*DRAFT_RULES, **values)
    if decision.kind == CompensationDecisionKind.REFUSAL:
        decision.one_off_amount = decision.monthly_amount = Decimal("0")
        decision.monthly_months, decision.monthly_from = 0, None
    else:
        if not decision.monthly_amount:
            decision.monthly_months, decision.monthly_from = 0, None
        elif decision.amends_id and decision.monthly_from:
            # An amendment's monthly payments start after the last month already paid.
            last = Instalment.objects.filter(
                decision__claim=decision.claim_id, periodic=True, status=InstalmentStatus.SENT
            ).aggregate(last=Max("due_on"))["last"]
            if last is not None and decision.monthly_from <= last:
                errors["monthly_from"] = _(
                    "The monthly payment of %(date)s has been paid already: start the new ones after it."
                ) % {"date": f"{last:%d.%m.%Y}"}
        claim = decision.claim
        if not claim.iban:
            errors["one_off_amount"] = _("The claimant's bank account is missing: enter it on the claim first.")
        unmet = problems(claim_checks(claim, selectors.rules_for(claim.crime)))
        if unmet:
            errors["kind"] = _("A condition of compensation is not met (%(why)s): only a refusal is possible.") % {
                "why": " ".join(check.text for check in unmet)
            }
        calculation = selectors.claim_calculation(claim)
        if calculation is None:
            errors.setdefault("kind", _("No compensation rules are in force on the day of the crime."))
        elif not errors:
            # An amendment grants what is left after what the claim's earlier decisions already paid.
            paid = selectors.paid_on_claim(claim)
            taken = selectors.granted_for_crime(claim.crime, exclude_claim=claim) + paid
            left = max(Decimal("0"), calculation.crime_cap - taken)
            allowed = max(Decimal("0"), calculation.proposed - paid)
            if decision.total > left:
                errors["one_off_amount"] = _(
                    "The grant (%(total)s) is more than is left of the crime's cap (%(left)s)."
                ) % {"total": format_eur(decision.total), "left": format_eur(left)}
            elif decision.total > allowed:
                # The proposal is the claim's share: the crime's other open claims keep theirs.
                errors["one_off_amount"] = _(
                    "The grant (%(total)s) is more than the calculation allows (%(allowed)s)."
                ) % {"total": format_eur(decision.total), "allowed": format_eur(allowed)}
            elif decision.kind == CompensationDecisionKind.GRANT and decision.total < allowed:
                errors["kind"] = _("Less than the calculation proposes is a partial grant: say why in the reasoning.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def decision_draft(*, actor: User, claim: Claim, **fields) -> CompensationDecision:
    unknown = set(fields) - set(DRAFT_FIELDS)
    if unknown:
        raise TypeError(f"unknown decision fields {sorted(unknown)}")
    claim = Claim.objects.select_for_update().select_related("crime").get(pk=claim.pk)
    if not claim.is_open:
        raise ValidationError(_("Only a claim being handled can be decided."))
    if claim.decisions.exclude(status=CompensationDecisionStatus.ISSUED).exists():
        raise ValidationError(_("The claim already has a draft decision: change that one."))
    decision = CompensationDecision(
        claim=claim,
        amends=selectors.decision_in_force(claim),  # a reopened claim's new decision amends the one in force
        drafted_by=actor,
        legal_basis=letters.LEGAL_BASIS,
        **fields,
    )
    _validate(decision)
    decision.full_clean()
    decision.save()
    decision.contributors.add(actor)
    ensure_permitted(actor, claim, "change")
    return decision


@transaction.atomic
def decision_update(
    *, actor: User, decision: CompensationDecision, expected_version: int, **fields
) -> CompensationDecision:
    stored = versioned_edit(decision, expected_version, fields, DRAFT_FIELDS)
    if not (stored.is_draft or stored.is_returned):
        raise ValidationError(_("Only a draft can be changed."))
    _validate(decision)
    decision.full_clean()
    decision.save()
    if [getattr(decision, n) for n in DRAFT_FIELDS] != [getattr(stored, n) for n in DRAFT_FIELDS]:
        decision.contributors.add(actor)  # whoever changed the content may not approve it
    ensure_permitted(actor, decision.claim, "change")
    return decision


@transaction.atomic
def decision_discard(*, actor: User, decision: CompensationDecision) -> None:
    """Drop a draft that will not be issued (its history keeps it). A claim reopened for an amendment
    stays open: keeping the decision in force closes it again (claim_keep_decision)."""
    decision = _locked(decision)
    ensure_permitted(actor, decision.claim, "change")
    if not (decision.is_draft or decision.is_returned):
        raise ValidationError(_("Only a draft can be discarded."))
    discarded = decision.pk  # delete() clears it
    decision.contributors.clear()
    decision.delete()
    security_event("compensation_decision_discarded", actor=actor, decision=discarded, claim=decision.claim_id)


@transaction.atomic
def claim_reopen(*, actor: User, claim: Claim, reason: str) -> Claim:
    """Open a decided claim again to amend or revoke its decision (new facts, a changed loss, an event):
    its items and documents can be changed, and its next decision amends the one in force, which stays in
    force (and is paid) until the amendment is issued."""
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    ensure_permitted(actor, claim, "change")
    in_force = selectors.decision_in_force(claim)
    if claim.status != ClaimStatus.DECIDED or in_force is None:
        raise ValidationError(_("Only a decided claim can be reopened."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the decision is to be amended.")})
    note = _("Reopened to amend decision %(reference)s: %(reason)s") % {
        "reference": in_force.reference,
        "reason": reason.strip(),
    }
    claim.status, claim.version = ClaimStatus.OPEN, claim.version + 1
    claim.notes = "\n".join(filter(None, [claim.notes, note]))
    claim.full_clean()
    claim.save()
    security_event("compensation_claim_reopened", actor=actor, claim=claim.pk, decision=in_force.pk)
    return claim


@transaction.atomic
def claim_keep_decision(*, actor: User, claim: Claim) -> Claim:
    """Close a reopened claim without an amendment: the decision in force stays."""
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    ensure_permitted(actor, claim, "change")
    if not claim.is_open or selectors.decision_in_force(claim) is None:
        raise ValidationError(_("Only a claim reopened for an amendment can be closed this way."))
    if claim.decisions.exclude(status=CompensationDecisionStatus.ISSUED).exists():
        raise ValidationError(_("The claim has a draft amendment: discard it first, or send it for approval."))
    note = _("Closed again without an amendment: decision %(reference)s stays in force.") % {
        "reference": selectors.decision_in_force(claim).reference
    }
    claim.status, claim.version = ClaimStatus.DECIDED, claim.version + 1
    claim.notes = "\n".join(filter(None, [claim.notes, note]))
    claim.save(update_fields=["status", "version", "notes"])
    security_event("compensation_claim_closed_unchanged", actor=actor, claim=claim.pk)
    return claim


def _locked(decision: CompensationDecision) -> CompensationDecision:
    # Only the decision's row: the crime's and the claim's are locked first where they are (approval).
    return (
        CompensationDecision.objects.select_for_update(of=("self",)).select_related("claim__crime").get(pk=decision.pk)
    )


def _link(decision: CompensationDecision) -> str:
    return reverse("compensation:decision", args=[decision.pk])


@transaction.atomic
def decision_submit(*, actor: User, decision: CompensationDecision) -> CompensationDecision:
    decision = _locked(decision)
    if decision.status not in (CompensationDecisionStatus.DRAFT, CompensationDecisionStatus.RETURNED):
        raise ValidationError(_("Only a draft can be sent for approval."))
    _validate(decision)
    decision.status, decision.submitted_at = CompensationDecisionStatus.SUBMITTED, timezone.now()
    decision.version += 1
    decision.save()
    ensure_permitted(actor, decision.claim, "change")
    region = decision.claim.crime.region
    managers = (
        User.objects.filter(groups=region.managers_group, is_active=True)
        .exclude(pk=actor.pk)
        .exclude(pk__in=decision.contributors.values("pk"))
    )
    notify(
        managers,
        gettext_noop("A compensation decision on claim %(claim)s waits for your approval."),
        params={"claim": decision.claim.reference},
        link=_link(decision),
        email=True,
    )
    return decision


@transaction.atomic
def decision_return(*, actor: User, decision: CompensationDecision, comment: str) -> CompensationDecision:
    decision = _locked(decision)
    check_approver(actor, decision, scope=decision.claim.crime)
    if decision.status != CompensationDecisionStatus.SUBMITTED:
        raise ValidationError(_("Only a decision waiting for approval can be returned."))
    if not comment.strip():
        raise ValidationError({"comment": _("Say what needs to change.")})
    decision.status, decision.return_comment = CompensationDecisionStatus.RETURNED, comment.strip()
    decision.version += 1
    decision.save()
    notify(
        [decision.drafted_by],
        gettext_noop("Your draft compensation decision on claim %(claim)s was returned."),
        params={"claim": decision.claim.reference},
        link=_link(decision),
        email=True,
    )
    return decision


@transaction.atomic
def decision_approve(*, actor: User, decision: CompensationDecision) -> CompensationDecision:
    """Approve and issue: the approver signs. The crime's row is locked first, so two grants of one crime
    approved at the same moment cannot together pass its cap."""
    crime = Crime.objects.select_for_update().get(pk=decision.claim.crime_id)
    Claim.objects.select_for_update().get(pk=decision.claim_id)  # a withdrawal waits, or is seen
    decision = _locked(decision)
    check_approver(actor, decision, scope=crime, approving=True)
    if decision.status != CompensationDecisionStatus.SUBMITTED:
        raise ValidationError(_("Only a decision waiting for approval can be approved."))
    amended = decision.amends
    if amended is not None:
        if selectors.decision_in_force(decision.claim) != amended:
            raise ValidationError(_("The decision this one amends is no longer in force: draft the amendment again."))
        # The amended decision's row first (its payments are approved or stopped under it), then the
        # claim's instalments in id order, as every writer of them locks: a payment file made meanwhile
        # waits for these rows, or has already sent them (and they count).
        CompensationDecision.objects.select_for_update(of=("self",)).filter(pk=amended.pk).exists()
        lock_instalments(Instalment.objects.filter(decision__claim=decision.claim_id))
    decision.decision_date = timezone.localdate()
    _validate(decision)
    paid = selectors.paid_on_claim(decision.claim)
    decision.calculation = letters.calculation_snapshot(selectors.claim_calculation(decision.claim), paid_before=paid)
    decision.status = CompensationDecisionStatus.ISSUED
    decision.iban = decision.claim.iban if decision.grants else ""
    decision.approved_by, decision.approved_at = actor, timezone.now()
    decision.issued_at = timezone.now()
    decision.signer_name = actor.get_full_name() or actor.username
    decision.signer_position = actor.position
    decision.version += 1
    decision.save()
    if amended is not None:
        reason = _("replaced by decision %(reference)s") % {"reference": decision.reference}
        Instalment.objects.filter(
            decision__claim=decision.claim_id, status__in=(InstalmentStatus.PLANNED, InstalmentStatus.APPROVED)
        ).exclude(decision=decision).update(
            status=InstalmentStatus.STOPPED, stopped_reason=reason, version=F("version") + 1
        )
    _plan_instalments(decision)
    claim = Claim.objects.get(pk=decision.claim_id)
    claim.status, claim.version = ClaimStatus.DECIDED, claim.version + 1
    claim.save(update_fields=["status", "version"])  # with its history row
    security_event(
        "compensation_decision_issued",
        actor=actor,
        decision=decision.pk,
        kind=decision.kind,
        amount=str(decision.total),
        amends=amended.pk if amended else None,
    )
    decision_letter_request(actor=actor, decision=decision)
    return decision


def _plan_instalments(decision: CompensationDecision) -> None:
    rows = []
    if decision.one_off_amount:
        rows.append(Instalment(decision=decision, due_on=decision.decision_date, amount=decision.one_off_amount))
    for month in range(decision.monthly_months):
        rows.append(
            Instalment(
                decision=decision,
                due_on=add_months(decision.monthly_from, month),
                amount=decision.monthly_amount,
                periodic=True,
            )
        )
    Instalment.objects.bulk_create(rows)


def decision_letter_request(*, actor: User, decision: CompensationDecision):
    return job_start(
        letters.render_compensation_letter,
        kind="compensation_letter",
        created_by=actor,
        target=decision,
        message=gettext_noop("Waiting for a worker"),
    )


@transaction.atomic
def decision_deliver(
    *, actor: User, decision: CompensationDecision, channel: str, delivered_on: date | None = None, note: str = ""
) -> CompensationDecision:
    """Deliver the letter only through a channel the claimant's safe-contact rules allow now; with none,
    record that the claimant picks it up."""
    decision = _locked(decision)
    ensure_permitted(actor, decision.claim, "change")
    delivered_on = checked_delivery(decision, decision.claim.claimant, channel, delivered_on)
    decision.delivery_channel, decision.delivered_on, decision.delivery_note = channel, delivered_on, note[:300]
    decision.save(update_fields=["delivery_channel", "delivered_on", "delivery_note"])
    if channel == Channel.EMAIL:
        letters.send_compensation_email.delay_on_commit(decision.pk, actor_id=actor.pk)
    security_event("compensation_decision_delivered", actor=actor, decision=decision.pk, channel=channel)
    return decision
