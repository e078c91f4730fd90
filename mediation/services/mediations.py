"""Mediation: receiving a case from a prosecutor or a court with its two parties, appointing the
mediator, the meetings, the agreement and its obligations, closing, and the reminders of the deadlines."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from cases.models import Person
from cases.services.grants import person_sync_grants
from cases.services.persons import safe_contact_set
from mediation import deadlines, letters, selectors
from mediation.models import (
    Mediation,
    MediationOutcome,
    MediationStatus,
    Meeting,
    Obligation,
    ObligationStatus,
)
from victimsupport.concurrency import ConcurrentEdit, versioned_edit
from victimsupport.jobs import job_start
from victimsupport.models import Job, Role, User
from victimsupport.models.jobs import JobStatus
from victimsupport.notify import notify
from victimsupport.permissions import ensure_permitted
from victimsupport.rules import Rule, check_field_rules, field_errors, not_future
from victimsupport.security import security_event
from victimsupport.validation import collect_errors

PARTIES = ("victim", "offender")
PARTY_FIELDS = ["first_name", "last_name", "personal_code", "birth_date", "language", "phone", "email"]
PARTY_CONTACT_FIELDS = ["phone_allowed", "sms_allowed", "email_allowed", "safe_times"]
MEDIATION_FIELDS = [
    "received_on",
    "referred_by",
    "referring_body",
    "proceedings_number",
    "offence",
    "victim_consent_on",
    "offender_consent_on",
]
MEETING_FIELDS = ["held_on", "victim_attended", "offender_attended", "notes"]
OBLIGATION_FIELDS = ["party", "what", "due_on"]


def _two_people(victim_personal_code, offender_personal_code) -> dict:
    if victim_personal_code and victim_personal_code == offender_personal_code:
        return {"offender_personal_code": gettext_lazy("The victim and the offender are two people.")}
    return {}


def _received_before_appointment(received_on, appointed_on) -> dict:
    if appointed_on and received_on and received_on > appointed_on:
        return {"received_on": gettext_lazy("The mediation cannot be received after the appointment.")}
    return {}


def _consent_before_agreement(victim_consent_on, offender_consent_on, agreement_on) -> dict:
    """Once the agreement is recorded, both consents stay, on or before its day."""
    if not agreement_on:
        return {}
    message = gettext_lazy("The parties consented before the agreement: keep the date.")
    consents = {"victim_consent_on": victim_consent_on, "offender_consent_on": offender_consent_on}
    return {name: message for name, consent in consents.items() if consent is None or consent > agreement_on}


def _appointed_between(appointed_on, received_on) -> dict:
    if appointed_on and (appointed_on > timezone.localdate() or (received_on and appointed_on < received_on)):
        return {"appointed_on": gettext_lazy("The day is between the receipt and today.")}
    return {}


def _meeting_after_appointment(held_on, appointed_on) -> dict:
    if held_on and appointed_on and held_on < appointed_on:
        return {"held_on": gettext_lazy("The meeting cannot be before the mediator was appointed.")}
    return {}


def _obligation_due(due_on, agreement_on) -> dict:
    """An obligation falls due within six months of the agreement."""
    if not (due_on and agreement_on):
        return {}
    latest = deadlines.latest_obligation_due(agreement_on)
    if due_on < agreement_on:
        return {"due_on": gettext_lazy("The deadline cannot be before the agreement.")}
    if due_on > latest:
        return {
            "due_on": _("An obligation is fulfilled within six months of the agreement: by %(latest)s at the latest.")
            % {"latest": f"{latest:%d.%m.%Y}"}
        }
    return {}


def _settled_after_agreement(settled_on, agreement_on) -> dict:
    if settled_on and agreement_on and settled_on < agreement_on:
        return {"settled_on": gettext_lazy("The day cannot be before the agreement.")}
    return {}


def _breach_note(status, note) -> dict:
    if status == ObligationStatus.BREACHED and note is not None and not note.strip():
        return {"note": gettext_lazy("Say what was not done.")}
    return {}


# The checks of the values typed, run by the forms too (`field_rules`). A value a form does not have (the
# mediation's appointment or agreement, for a form that is not given the mediation) is None there and its
# rule is skipped; the service checks it.
DATES_NOT_FUTURE = (not_future("received_on"), not_future("victim_consent_on"), not_future("offender_consent_on"))
RECEIVE_RULES = (_two_people, *DATES_NOT_FUTURE)
MEDIATION_RULES = (*DATES_NOT_FUTURE, _received_before_appointment, _consent_before_agreement)
APPOINT_RULES = (_appointed_between,)
MEETING_RULES = (not_future("held_on"), _meeting_after_appointment)
OBLIGATION_RULES = (_obligation_due,)
AGREEMENT_DATE_RULES = (not_future("agreement_on"),)
AGREEMENT_RULES = (*AGREEMENT_DATE_RULES, *OBLIGATION_RULES)  # the agreement's form: its date and first obligation
SETTLE_RULES = (not_future("settled_on"), _settled_after_agreement, _breach_note)
NEW_OFFENCE_RULES = (not_future("offence_on"),)


def _link(mediation: Mediation) -> str:
    return reverse("mediation:mediation", args=[mediation.pk])


def _rule_errors(errors: dict, rules: tuple[Rule, ...], **values) -> None:
    """The rules' errors added to `errors` (lists by field): every rule's message, in order."""
    for rule in rules:
        for field, message in field_errors(rule, **values).items():
            errors.setdefault(field, []).append(message)


def _party(actor: User, party: str, person_fields: dict, errors: dict) -> Person:
    """The party as a new person, or the person on record with the same personal code when the actor may
    work with their record (as a case opened for them would need); their data and rules are kept."""
    code = (person_fields.get("personal_code") or "").strip()
    if code:
        found = Person.objects.restrict(actor, "change").filter(personal_code=code).first()
        if found is not None:
            typed = (person_fields.get("last_name") or "").strip().casefold()
            if typed and typed != found.last_name.strip().casefold():
                errors.setdefault(f"{party}_personal_code", []).append(
                    _("The personal code is of a person on record with another name: check the code and the name.")
                )
            return found
        if Person.objects.filter(personal_code=code).exists():
            # The same message for a person the actor may only see and one they may not see at all.
            errors.setdefault(f"{party}_personal_code", []).append(
                _("This personal code cannot be used here: ask the regional manager to add the person.")
            )
    person = Person(created_by=actor, **person_fields)
    try:
        person.full_clean()
    except ValidationError as error:
        for field, messages in error.update_error_dict({}).items():
            errors.setdefault(field if field == NON_FIELD_ERRORS else f"{party}_{field}", []).extend(messages)
    return person


@transaction.atomic
def mediation_receive(
    *, actor: User, region, parties: dict[str, dict], contacts: dict[str, dict], **fields
) -> Mediation:
    """A mediation a prosecutor or a court sent: the offence, both parties (new, or on record), their
    consent and contact rules, all checked at once. The region's casework staff hold the parties' records
    through it (mediation.grants)."""
    if region.pk not in actor.region_ids or not actor.has_role(Role.SPECIALIST, Role.REGIONAL_MANAGER):
        raise PermissionDenied
    errors: dict = {}
    persons = {party: _party(actor, party, parties[party], errors) for party in PARTIES}
    victim, offender = persons["victim"], persons["offender"]
    mediation = Mediation(region=region, created_by=actor, **fields)
    # A person on record is found by the code typed: the same person twice has the same code twice.
    _rule_errors(
        errors,
        RECEIVE_RULES,
        victim_personal_code=victim.personal_code,
        offender_personal_code=offender.personal_code,
        **{name: getattr(mediation, name) for name in MEDIATION_FIELDS},
    )
    collect_errors(errors, lambda: mediation.full_clean(exclude=["victim", "offender"]))
    if errors:
        raise ValidationError(errors)
    new = {party for party, person in persons.items() if person.pk is None}
    for party, person in persons.items():
        if party in new:
            person.save()
        setattr(mediation, party, person)
        setattr(mediation, f"{party}_recorded_here", party in new)
    mediation.save()
    for party, person in persons.items():
        person_sync_grants(person, actor=actor)
        if party in new:  # a person on record keeps their rules (changed on their page, by who sees them)
            safe_contact_set(actor=actor, person=person, expected_version=0, **contacts[party])
    ensure_permitted(actor, mediation, "change")
    return mediation


@transaction.atomic
def mediation_update(*, actor: User, mediation: Mediation, expected_version: int, **fields) -> Mediation:
    """The referral's facts and the parties' consent: the region's staff (not the mediator)."""
    versioned_edit(mediation, expected_version, fields, MEDIATION_FIELDS)
    ensure_permitted(actor, mediation, "assign")
    if mediation.is_closed:
        raise ValidationError(_("The mediation is closed."))
    errors: dict = {}
    _rule_errors(
        errors,
        MEDIATION_RULES,
        appointed_on=mediation.appointed_on,
        agreement_on=mediation.agreement_on,
        **{name: getattr(mediation, name) for name in MEDIATION_FIELDS},
    )
    collect_errors(errors, mediation.full_clean)
    if errors:
        raise ValidationError(errors)
    # Only these fields: a report or a reminder recorded meanwhile stays.
    mediation.save(update_fields=[*MEDIATION_FIELDS, "version"])
    return mediation


def _locked(mediation: Mediation) -> Mediation:
    return Mediation.objects.select_for_update(of=("self",)).select_related("region").get(pk=mediation.pk)


@transaction.atomic
def mediator_appoint(
    *, actor: User, mediation: Mediation, mediator: User, appointed_on: date | None = None, expected_version=None
) -> Mediation:
    """Appoint the mediator: a member of the region's casework staff, or one of its active mediator
    volunteers. A later change keeps the first appointment's date (the deadlines run from it); the new
    mediator is told, and so is the one replaced."""
    mediation = _locked(mediation)
    ensure_permitted(actor, mediation, "assign")
    if expected_version is not None and mediation.version != expected_version:
        raise ConcurrentEdit(mediation)
    if mediation.is_closed:
        raise ValidationError(_("The mediation is closed."))
    if not selectors.mediators_for(mediation.region).filter(pk=mediator.pk).exists():
        raise ValidationError(
            {"mediator": _("Choose a member of the region's staff or one of its active mediator volunteers.")}
        )
    if mediation.mediator_id == mediator.pk:
        return mediation
    replaced = mediation.mediator
    if mediation.appointed_on is None:
        appointed_on = appointed_on or timezone.localdate()
        check_field_rules(*APPOINT_RULES, appointed_on=appointed_on, received_on=mediation.received_on)
        mediation.appointed_on = appointed_on
    mediation.mediator = mediator
    mediation.meeting_reminded_on = None  # the new mediator is reminded of the first meeting
    if mediation.is_received:
        mediation.status = MediationStatus.IN_PROGRESS
    mediation.version += 1
    mediation.save()
    notify(
        [mediator],
        gettext_noop("You were appointed the mediator of %(mediation)s. Hold the first meeting by %(due)s."),
        params={
            "mediation": mediation.reference,
            "due": f"{deadlines.first_meeting_due(mediation.appointed_on):%d.%m.%Y}",
        },
        link=_link(mediation),
        email=True,
    )
    if replaced is not None:
        notify(
            [replaced],
            gettext_noop("Another mediator now mediates %(mediation)s."),
            params={"mediation": mediation.reference},
        )
    security_event("mediator_appointed", actor=actor, mediation=mediation.pk, mediator=mediator.pk)
    return mediation


def _working(mediation: Mediation) -> None:
    if mediation.is_received:
        raise ValidationError(_("Appoint the mediator first."))
    if mediation.is_closed:
        raise ValidationError(_("The mediation is closed."))


@transaction.atomic
def meeting_record(*, actor: User, mediation: Mediation, **fields) -> Meeting:
    mediation = _locked(mediation)
    ensure_permitted(actor, mediation, "change")
    _working(mediation)
    meeting = Meeting(mediation=mediation, recorded_by=actor, **{k: fields[k] for k in MEETING_FIELDS})
    errors: dict = {}
    _rule_errors(errors, MEETING_RULES, held_on=meeting.held_on, appointed_on=mediation.appointed_on)
    collect_errors(errors, meeting.full_clean)
    if errors:
        raise ValidationError(errors)
    meeting.save()
    return meeting


def _check_obligation(mediation: Mediation, obligation: Obligation) -> None:
    errors: dict = {}
    _rule_errors(errors, OBLIGATION_RULES, due_on=obligation.due_on, agreement_on=mediation.agreement_on)
    collect_errors(errors, lambda: obligation.full_clean(exclude=["mediation"]))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def agreement_record(*, actor: User, mediation: Mediation, agreement_on: date, **obligation_fields) -> Obligation:
    """The parties agreed: the agreement's date and its first obligation (more are added one by one)."""
    mediation = _locked(mediation)
    ensure_permitted(actor, mediation, "change")
    _working(mediation)
    errors: dict = {}
    if mediation.agreement_on is not None:
        raise ValidationError(_("The agreement has been recorded: add its obligations."))
    joint = mediation.meetings.filter(victim_attended=True, offender_attended=True).order_by("held_on").first()
    if joint is None:
        errors["agreement_on"] = [_("Record the meeting both parties attended first.")]
    if not (mediation.victim_consent_on and mediation.offender_consent_on):
        errors.setdefault("agreement_on", []).append(_("Record the consent of both parties first."))
    _rule_errors(errors, AGREEMENT_DATE_RULES, agreement_on=agreement_on)
    if agreement_on and not errors:
        earliest = max(joint.held_on, mediation.victim_consent_on, mediation.offender_consent_on)
        if agreement_on < earliest:
            errors["agreement_on"] = [
                _("The agreement comes after the consents and a meeting of both parties: on %(day)s or later.")
                % {"day": f"{earliest:%d.%m.%Y}"}
            ]
    mediation.agreement_on = agreement_on
    obligation = Obligation(mediation=mediation, **{k: obligation_fields[k] for k in OBLIGATION_FIELDS})
    try:
        _check_obligation(mediation, obligation)
    except ValidationError as error:
        for field, messages in error.update_error_dict({}).items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    mediation.status = MediationStatus.FOLLOW_UP
    mediation.version += 1
    mediation.save()
    obligation.save()
    security_event("mediation_agreement", actor=actor, mediation=mediation.pk)
    return obligation


@transaction.atomic
def obligation_add(*, actor: User, mediation: Mediation, **fields) -> Obligation:
    mediation = _locked(mediation)
    ensure_permitted(actor, mediation, "change")
    if not mediation.is_follow_up:
        raise ValidationError(_("Obligations are added to a recorded agreement that is being fulfilled."))
    obligation = Obligation(mediation=mediation, **{k: fields[k] for k in OBLIGATION_FIELDS})
    _check_obligation(mediation, obligation)
    obligation.save()
    return obligation


@transaction.atomic
def obligation_settle(
    *, actor: User, obligation: Obligation, status: str, settled_on: date, note: str = ""
) -> Obligation:
    """Fulfilled or breached, on a day. A breach is told to the region's managers (the prosecutor may
    resume the proceedings)."""
    obligation = Obligation.objects.select_for_update().select_related("mediation__region").get(pk=obligation.pk)
    mediation = obligation.mediation
    ensure_permitted(actor, mediation, "change")
    if not obligation.is_open or not mediation.is_follow_up:
        raise ValidationError(_("Only an open obligation of an agreement being fulfilled is settled."))
    if status not in (ObligationStatus.FULFILLED, ObligationStatus.BREACHED):
        raise ValidationError({"status": _("Choose fulfilled or breached.")})
    errors: dict = {}
    _rule_errors(
        errors, SETTLE_RULES, settled_on=settled_on, agreement_on=mediation.agreement_on, status=status, note=note
    )
    if errors:
        raise ValidationError(errors)
    obligation.status, obligation.settled_on, obligation.note = status, settled_on, note.strip()[:300]
    obligation.full_clean()
    obligation.save()
    if status == ObligationStatus.BREACHED:
        notify(
            User.objects.filter(groups=mediation.region.managers_group, is_active=True).exclude(pk=actor.pk),
            gettext_noop("An obligation of the agreement in mediation %(mediation)s was breached."),
            params={"mediation": mediation.reference},
            link=_link(mediation),
        )
    return obligation


# What each outcome needs of the obligations.
def _outcome_problem(mediation: Mediation, outcome: str) -> str | None:
    states = set(mediation.obligations.values_list("status", flat=True))
    if outcome in (MediationOutcome.NO_AGREEMENT, MediationOutcome.WITHDRAWN):
        return (
            _("The parties reached an agreement: close it as fulfilled or breached.")
            if mediation.agreement_on
            else None
        )
    if mediation.agreement_on is None:
        return _("No agreement was recorded: close it as without agreement or withdrawn.")
    if ObligationStatus.OPEN in states:
        return _("Record for every obligation whether it was fulfilled first.")
    if outcome == MediationOutcome.FULFILLED and ObligationStatus.BREACHED in states:
        return _("An obligation was breached: the outcome is a breach.")
    if outcome == MediationOutcome.BREACHED and ObligationStatus.BREACHED not in states:
        return _("Every obligation was fulfilled: the outcome is fulfilled.")
    return None


@transaction.atomic
def mediation_close(*, actor: User, mediation: Mediation, outcome: str, closed_on: date | None = None) -> Mediation:
    mediation = _locked(mediation)
    ensure_permitted(actor, mediation, "change")
    if mediation.is_closed:
        raise ValidationError(_("The mediation is closed."))
    closed_on = closed_on or timezone.localdate()
    problem = _outcome_problem(mediation, outcome)
    if problem:
        raise ValidationError({"outcome": problem})
    settled = (
        mediation.obligations.exclude(settled_on=None).order_by("-settled_on").values_list("settled_on", flat=True)
    )
    earliest = max(filter(None, [mediation.received_on, mediation.agreement_on, settled.first()]))
    if closed_on > timezone.localdate() or closed_on < earliest:
        raise ValidationError(
            {"closed_on": _("The day is between %(day)s and today.") % {"day": f"{earliest:%d.%m.%Y}"}}
        )
    mediation.status, mediation.outcome, mediation.closed_on = MediationStatus.CLOSED, outcome, closed_on
    mediation.version += 1
    mediation.full_clean()
    mediation.save()
    security_event("mediation_closed", actor=actor, mediation=mediation.pk, outcome=outcome)
    return mediation


@transaction.atomic
def new_offence_record(*, actor: User, mediation: Mediation, offence_on: date) -> Mediation:
    """A new offence of the offender against the same victim, within six months of the agreement's last
    deadline: recorded, and the region's managers are told."""
    mediation = _locked(mediation)
    ensure_permitted(actor, mediation, "change")
    last_due = selectors.last_obligation_due(mediation)
    if last_due is None:
        raise ValidationError(_("A new offence is followed after an agreement."))
    if mediation.new_offence_on is not None:
        raise ValidationError(_("A new offence has been recorded already."))
    errors: dict = {}
    _rule_errors(errors, NEW_OFFENCE_RULES, offence_on=offence_on)
    if offence_on < mediation.agreement_on or offence_on > deadlines.watched_until(last_due):
        errors.setdefault("offence_on", []).append(
            _("Only an offence between the agreement and %(until)s is recorded here.")
            % {"until": f"{deadlines.watched_until(last_due):%d.%m.%Y}"}
        )
    if errors:
        raise ValidationError(errors)
    mediation.new_offence_on = offence_on
    mediation.version += 1
    mediation.save()
    notify(
        User.objects.filter(groups=mediation.region.managers_group, is_active=True).exclude(pk=actor.pk),
        gettext_noop("A new offence against the victim of mediation %(mediation)s was recorded."),
        params={"mediation": mediation.reference},
        link=_link(mediation),
    )
    security_event("mediation_new_offence", actor=actor, mediation=mediation.pk)
    return mediation


@transaction.atomic
def report_request(*, actor: User, mediation: Mediation):
    """The report, once there is something to report: an agreement, or a close without one. One at a
    time (a double click makes one); a new report supersedes the one before in the register."""
    mediation = _locked(mediation)
    ensure_permitted(actor, mediation, "change")
    if mediation.agreement_on is None and not mediation.is_closed:
        raise ValidationError(_("The report is made after an agreement, or when the mediation closes without one."))
    waiting = Job.objects.filter(
        kind="mediation_report",
        target_type="mediation.mediation",
        target_id=mediation.pk,
        status__in=(JobStatus.QUEUED, JobStatus.RUNNING),
    ).first()
    if waiting is not None:
        return waiting
    return job_start(
        letters.render_report,
        kind="mediation_report",
        created_by=actor,
        target=mediation,
        message=gettext_noop("Waiting for a worker"),
    )


def _mediator_or_managers(mediation: Mediation) -> list[User]:
    """Who is reminded of the mediation's work: its mediator while they may still mediate it, else the
    region's managers (nobody's reminder is lost with a mediator who left)."""
    mediator = mediation.mediator
    if mediator is not None and Mediation.objects.restrict(mediator, "change").filter(pk=mediation.pk).exists():
        return [mediator]
    return list(User.objects.filter(groups=mediation.region.managers_group, is_active=True))


def _first_time(model, pk: int, field: str, today: date) -> bool:
    """Mark a reminder sent (once: a concurrent run finds it marked)."""
    return bool(model.objects.filter(pk=pk, **{f"{field}__isnull": True}).update(**{field: today}))


def send_reminders(today: date | None = None) -> int:
    """Once each: an appointment overdue (the region's managers), a first meeting due within three
    working days or overdue (the mediator), an obligation past its deadline (the mediator)."""
    today = today or timezone.localdate()
    sent = 0
    for mediation in Mediation.objects.filter(status=MediationStatus.RECEIVED, appointment_reminded_on__isnull=True):
        if today > deadlines.appointment_due(mediation.received_on):
            with transaction.atomic():
                if not _first_time(Mediation, mediation.pk, "appointment_reminded_on", today):
                    continue
                notify(
                    User.objects.filter(groups=mediation.region.managers_group, is_active=True),
                    gettext_noop("Mediation %(mediation)s has no mediator: one was due by %(due)s."),
                    params={
                        "mediation": mediation.reference,
                        "due": f"{deadlines.appointment_due(mediation.received_on):%d.%m.%Y}",
                    },
                    link=_link(mediation),
                    email=True,
                )
                sent += 1
    waiting = Mediation.objects.filter(
        status=MediationStatus.IN_PROGRESS, meetings__isnull=True, meeting_reminded_on__isnull=True
    ).select_related("mediator", "region")
    for mediation in waiting:
        due = deadlines.first_meeting_due(mediation.appointed_on)
        if deadlines.add_working_days(today, 3) >= due:
            with transaction.atomic():
                if not _first_time(Mediation, mediation.pk, "meeting_reminded_on", today):
                    continue
                notify(
                    _mediator_or_managers(mediation),
                    gettext_noop("The first meeting of mediation %(mediation)s is due by %(due)s."),
                    params={"mediation": mediation.reference, "due": f"{due:%d.%m.%Y}"},
                    link=_link(mediation),
                    email=True,
                )
                sent += 1
    overdue = Obligation.objects.filter(
        status=ObligationStatus.OPEN, reminded_on__isnull=True, due_on__lt=today
    ).select_related("mediation__mediator", "mediation__region")
    for obligation in overdue:
        with transaction.atomic():
            if not _first_time(Obligation, obligation.pk, "reminded_on", today):
                continue
            notify(
                _mediator_or_managers(obligation.mediation),
                gettext_noop(
                    "An obligation of mediation %(mediation)s was due on %(due)s: record whether it was fulfilled."
                ),
                params={"mediation": obligation.mediation.reference, "due": f"{obligation.due_on:%d.%m.%Y}"},
                link=_link(obligation.mediation),
                email=True,
            )
            sent += 1
    return sent
