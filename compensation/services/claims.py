"""Compensation claims: a claim opened in a case (with its crime, new or already recorded for another
claimant), the crime's facts and an accepted reason for a late report, loss items and evidence."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.aid_rules import applicant_is_linked
from cases.models import Case, Person
from cases.services.grants import person_sync_grants
from cases.services.persons import safe_contact_set
from cases.services.work import stored_upload
from compensation.models import (
    PERIODIC,
    Claim,
    ClaimantRole,
    ClaimDocument,
    ClaimStatus,
    CompensationDecision,
    CompensationDecisionStatus,
    Crime,
    HealthDamage,
    LossItem,
)
from victimsupport.concurrency import assign_fields, versioned_edit
from victimsupport.models import Role, User
from victimsupport.permissions import ensure_permitted, is_permitted
from victimsupport.rules import check_field_rules, date_order, field_errors, not_future
from victimsupport.validation import collect_errors

CRIME_FIELDS = [
    "victim",
    "occurred_on",
    "in_estonia",
    "place",
    "description",
    "reported_on",
    "proceedings_number",
    "late_report_reason",
    "health_damage",
    "disorder_months",
]
CLAIM_FIELDS = ["claimant", "claimant_role", "relation", "received_on", "iban", "notes"]
ISSUED_CLAIM_FIELDS = ["claimant", "claimant_role", "relation", "received_on"]
ITEM_FIELDS = [
    "kind",
    "description",
    "period_from",
    "period_until",
    "amount_claimed",
    "amount_accepted",
    "other_sources",
    "other_sources_note",
]
CRIME_RULES = (
    not_future("occurred_on"),
    not_future("reported_on"),
    date_order("occurred_on", "reported_on", gettext_lazy("The crime was reported before it happened.")),
)


def _claimant_role(claimant_role, claimant, victim) -> dict:
    """The victim claims as the victim, anyone else in another role (`claimant` and `victim`: persons or
    their ids)."""
    if claimant_role is None or claimant is None or victim is None:
        return {}
    same = getattr(claimant, "pk", claimant) == getattr(victim, "pk", victim)
    if claimant_role == ClaimantRole.VICTIM and not same:
        return {"claimant_role": gettext_lazy("The claimant is not the victim of this crime.")}
    if claimant_role != ClaimantRole.VICTIM and same:
        return {"claimant_role": gettext_lazy("The victim claims as the victim.")}
    return {}


CLAIM_RULES = (not_future("received_on"), _claimant_role)


def _item_period(kind, period_from, period_until) -> dict:
    if kind in PERIODIC and period_from and period_until and period_until < period_from:
        return {"period_until": gettext_lazy("The end date is before the start date.")}
    return {}


def _item_amounts(amount_claimed, amount_accepted, other_sources) -> dict:
    counted = amount_claimed if amount_accepted is None else amount_accepted
    if amount_accepted is not None and amount_claimed is not None and amount_accepted > amount_claimed:
        return {"amount_accepted": gettext_lazy("More than was claimed cannot be accepted.")}
    if counted is not None and other_sources and other_sources > counted:
        return {
            "other_sources": gettext_lazy(
                "More than the loss was paid by others: check the amounts (the item then counts as nothing)."
            )
        }
    return {}


ITEM_RULES = (_item_period, _item_amounts)


def _check_crime(crime: Crime) -> None:
    errors = field_errors(*CRIME_RULES, occurred_on=crime.occurred_on, reported_on=crime.reported_on)
    if crime.health_damage != HealthDamage.DISORDER:
        crime.disorder_months = None
    crime.proceedings_number = crime.proceedings_number.strip()
    crime.late_report_reason = crime.late_report_reason.strip()
    if crime.proceedings_number:
        other = Crime.objects.filter(proceedings_number__iexact=crime.proceedings_number).exclude(pk=crime.pk).first()
        if other is not None:
            errors["proceedings_number"] = _(
                "Crime %(crime)s has this proceedings number: a claim for the same crime is added to it."
            ) % {"crime": other.reference}
    if errors:
        raise ValidationError(errors)


def _check_claim(claim: Claim, case: Case | None) -> None:
    errors = field_errors(
        *CLAIM_RULES,
        received_on=claim.received_on,
        claimant_role=claim.claimant_role,
        claimant=claim.claimant_id,
        victim=claim.crime.victim_id,
    )
    if case is not None and claim.claimant_id and not applicant_is_linked(case, claim.claimant_id):
        errors["claimant"] = _("The claimant must be a person linked to the case.")
    if claim.claimant_role == ClaimantRole.VICTIM:
        claim.relation = ""
    claim.iban = claim.iban.replace(" ", "").upper()
    duplicate = claim.crime.pk and (
        Claim.objects.filter(crime=claim.crime, claimant=claim.claimant_id)
        .exclude(status=ClaimStatus.WITHDRAWN)
        .exclude(pk=claim.pk)
        .first()
    )
    if duplicate:
        errors["claimant"] = _("This person already has claim %(claim)s for this crime.") % {
            "claim": duplicate.reference
        }
    if errors:
        raise ValidationError(errors)


def _save_new(crime: Crime, claim: Claim) -> None:
    """Save a checked claim (and its new crime): the same ones recorded at the same moment by someone else
    end as a message, not an error page."""
    try:
        with transaction.atomic():
            if crime.pk is None:
                crime.save()
            claim.crime = crime
            claim.save()
    except IntegrityError as error:
        raise ValidationError(
            _("The same claim or proceedings number was just recorded by someone else: look at it first.")
        ) from error


def _check_victim(case: Case, victim: Person | None) -> None:
    if victim is not None and not applicant_is_linked(case, victim.pk):
        raise ValidationError({"victim": _("The victim must be a person linked to the case.")})


@transaction.atomic
def claim_open(
    *, actor: User, case: Case, crime: Crime | None = None, crime_fields: dict | None = None, **fields
) -> Claim:
    """A claim in `case`: for a crime already recorded (another claimant's), or a new crime made of
    `crime_fields` in the case's region. Checks every field and reports them all at once."""
    unknown = set(fields) - set(CLAIM_FIELDS)
    if unknown:
        raise TypeError(f"unknown claim fields {sorted(unknown)}")
    errors: dict = {}
    if crime is None:
        crime_fields = dict(crime_fields or {})
        crime_fields["late_report_reason"] = crime_fields.get("late_report_reason", "")
        crime = Crime(region=case.region, county=case.county, case=case, created_by=actor, **crime_fields)
        collect_errors(
            errors,
            lambda: _check_victim(case, crime.victim if crime.victim_id else None),
            lambda: _check_crime(crime),
            crime.full_clean,
        )
    else:
        ensure_permitted(actor, crime, "change")
    claim = Claim(crime=crime, case=case, created_by=actor, handler=actor, **fields)
    collect_errors(errors, lambda: _check_claim(claim, case), lambda: claim.full_clean(exclude=["crime"]))
    if errors:
        raise ValidationError(errors)
    _save_new(crime, claim)
    ensure_permitted(actor, case, "change")
    ensure_permitted(actor, crime, "change")
    return claim


PERSON_CLAIM_FIELDS = [name for name in CLAIM_FIELDS if name not in ("claimant", "claimant_role", "relation")]
PERSON_FIELDS_FOR_CLAIM = [
    "first_name",
    "last_name",
    "personal_code",
    "birth_date",
    "language",
    "email",
    "phone",
    "county",
    "settlement",
    "street",
    "house",
    "apartment",
    "postal_code",
]


@transaction.atomic
def claim_open_for_person(
    *, actor: User, region, person_fields: dict, safe_contact: dict, crime_fields: dict, **fields
) -> Claim:
    """A victim without a victim-support case claims: the person, their safe-contact rules, the crime (in
    `region`, one the actor works in) and the claim, all checked at once. The region's casework staff hold
    the person's record through the claim (compensation.grants)."""
    if region.pk not in actor.region_ids or not actor.has_role(Role.SPECIALIST, Role.REGIONAL_MANAGER):
        raise PermissionDenied
    errors: dict = {}
    code = (person_fields.get("personal_code") or "").strip()
    if code and Person.objects.filter(personal_code=code).exists():
        errors["personal_code"] = [
            _(
                "A person with this personal code is on record: record the claim in their case, or ask the "
                "region that holds it."
            )
        ]
    person = Person(created_by=actor, **person_fields)
    crime = Crime(region=region, created_by=actor, **{k: v for k, v in crime_fields.items() if k != "victim"})
    claim = Claim(crime=crime, claimant_role=ClaimantRole.VICTIM, created_by=actor, handler=actor, **fields)
    collect_errors(
        errors,
        person.full_clean,
        lambda: _check_crime(crime),
        lambda: crime.full_clean(exclude=["victim"]),
        lambda: _check_claim(claim, None),
        lambda: claim.full_clean(exclude=["crime", "claimant"]),
    )
    if errors:
        raise ValidationError(errors)
    person.save()
    crime.victim = claim.claimant = person
    _save_new(crime, claim)
    person_sync_grants(person, actor=actor)
    safe_contact_set(actor=actor, person=person, expected_version=0, **safe_contact)
    ensure_permitted(actor, claim, "change")
    return claim


@transaction.atomic
def claim_update(*, actor: User, claim: Claim, expected_version: int, **fields) -> Claim:
    stored = versioned_edit(claim, expected_version, fields, CLAIM_FIELDS)
    if not claim.is_open:
        raise ValidationError(_("Only a claim being handled can be changed."))
    # What an issued decision's letter states about the claim stays (a re-issued letter prints the same);
    # the bank account and the notes may change.
    frozen = [name for name in ISSUED_CLAIM_FIELDS if getattr(claim, name) != getattr(stored, name)]
    if frozen and claim.decisions.filter(status=CompensationDecisionStatus.ISSUED).exists():
        raise ValidationError(
            {name: _("A decision on this claim has been issued: this no longer changes.") for name in frozen}
        )
    _check_claim(claim, claim.case)
    claim.full_clean()
    claim.save()
    ensure_permitted(actor, claim.crime, "change")
    return claim


@transaction.atomic
def crime_update(
    *, actor: User, crime: Crime, expected_version: int, late_reason_accepted: bool = False, **fields
) -> Crime:
    """The crime's facts. A reason for a late report counts once someone accepts it (recorded: who, when);
    a changed or cleared reason is no longer the one accepted."""
    stored = versioned_edit(crime, expected_version, fields, CRIME_FIELDS)
    if CompensationDecision.objects.filter(claim__crime=crime, status=CompensationDecisionStatus.ISSUED).exists():
        raise ValidationError(_("A decision on this crime has been issued: its facts no longer change."))
    if crime.case_id:
        _check_victim(crime.case, crime.victim)
    _check_crime(crime)
    if not crime.late_report_reason:
        late_reason_accepted = False
    reason_changed = crime.late_report_reason != stored.late_report_reason
    if late_reason_accepted and (reason_changed or not crime.late_reason_accepted):
        crime.late_report_accepted_by, crime.late_report_accepted_at = actor, timezone.now()
    elif not late_reason_accepted or reason_changed:
        crime.late_report_accepted_by, crime.late_report_accepted_at = None, None
    crime.full_clean()
    crime.save()
    ensure_permitted(actor, crime, "change")
    return crime


@transaction.atomic
def claim_withdraw(*, actor: User, claim: Claim, reason: str) -> Claim:
    """The claimant withdrew the claim (before a decision): it no longer shares the crime's cap. The
    record and its drafts stay; a draft of a withdrawn claim can no longer be issued."""
    claim = _open_claim(claim)
    if claim.decisions.filter(status=CompensationDecisionStatus.ISSUED).exists():
        raise ValidationError(_("A claim with an issued decision is not withdrawn: amend or revoke the decision."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say how the claimant withdrew the claim.")})
    claim.status = ClaimStatus.WITHDRAWN
    claim.notes = "\n".join(filter(None, [claim.notes, _("Withdrawn: %(reason)s") % {"reason": reason.strip()}]))
    claim.version += 1
    claim.full_clean()
    claim.save()
    ensure_permitted(actor, claim, "change")
    return claim


def _open_claim(claim: Claim) -> Claim:
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    if not claim.is_open:
        raise ValidationError(_("Only a claim being handled can be changed."))
    return claim


def _check_item(item: LossItem) -> None:
    if item.kind not in PERIODIC:
        item.period_from = item.period_until = None
    check_field_rules(*ITEM_RULES, **{name: getattr(item, name) for name in ITEM_FIELDS})


@transaction.atomic
def item_add(*, actor: User, claim: Claim, **fields) -> LossItem:
    claim = _open_claim(claim)
    assign_fields(item := LossItem(claim=claim, created_by=actor), fields, ITEM_FIELDS)
    _check_item(item)
    item.full_clean()
    item.save()
    ensure_permitted(actor, claim.crime, "change")
    return item


@transaction.atomic
def item_update(*, actor: User, item: LossItem, expected_version: int, **fields) -> LossItem:
    _open_claim(item.claim)
    versioned_edit(item, expected_version, fields, ITEM_FIELDS)
    _check_item(item)
    item.full_clean()
    item.save()
    ensure_permitted(actor, item.claim.crime, "change")
    return item


@transaction.atomic
def item_remove(*, actor: User, item: LossItem) -> None:
    claim = _open_claim(item.claim)
    ensure_permitted(actor, claim.crime, "change")
    LossItem.objects.filter(pk=item.pk).delete()


@transaction.atomic
def document_add(
    *,
    actor: User,
    claim: Claim,
    title: str,
    upload: UploadedFile,
    item: LossItem | None = None,
    from_proceedings: bool = False,
) -> ClaimDocument:
    if item is not None and item.claim_id != claim.pk:
        raise ValidationError({"item": _("Choose an item of this claim.")})
    if not is_permitted(actor, claim, "change"):
        raise PermissionDenied  # before anything is stored
    fields, filename = stored_upload(upload, from_proceedings=from_proceedings, name=f"claim-{claim.pk}")
    document = ClaimDocument(claim=claim, item=item, title=title, uploaded_by=actor, **fields)
    document.file.save(filename, upload, save=False)
    document.full_clean()
    document.save()
    ensure_permitted(actor, claim.crime, "change")
    return document
