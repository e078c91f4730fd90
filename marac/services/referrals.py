"""Referring a victim to MARAC from a risk assessment (nothing typed again), its letters, and closing."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cases.models import Case
from marac.letters import render_referral_letters
from marac.models import AgencyKind, LegalBasis, MaracCase, Network, RiskAssessment
from marac.selectors import network_coordinators
from victimsupport.concurrency import versioned_edit
from victimsupport.jobs import job_start
from victimsupport.models import Job, User
from victimsupport.notify import notify
from victimsupport.permissions import ensure_permitted, is_permitted
from victimsupport.rules import field_errors
from victimsupport.security import security_event


def _legal_basis_note(legal_basis: str | None, legal_basis_note: str | None) -> dict:
    """Another legal basis is named."""
    if legal_basis == LegalBasis.OTHER and legal_basis_note is not None and not legal_basis_note.strip():
        return {"legal_basis_note": _("Name the legal basis.")}
    return {}


REFERRAL_RULES = (_legal_basis_note,)


@transaction.atomic
def maraccase_refer(
    *,
    actor: User,
    assessment: RiskAssessment,
    network: Network,
    legal_basis: str,
    legal_basis_note: str = "",
    referred_by: str = AgencyKind.VICTIM_SUPPORT,
) -> MaracCase:
    """Refer the assessed person to `network`: high risk (by the score, judgement or escalation) or a
    repeat, from the case's current assessment. The letters are made by a worker."""
    assessment = RiskAssessment.objects.select_related("case", "person").get(pk=assessment.pk)
    if not is_permitted(actor, assessment.case, "change"):
        raise PermissionDenied
    case = Case.objects.select_for_update().get(pk=assessment.case_id)  # one referral at a time per case
    done = MaracCase.objects.filter(assessment=assessment).first()
    if done is not None:
        raise ValidationError(
            _("This assessment has already been referred (%(reference)s).") % {"reference": done.reference}
        )
    waiting = MaracCase.objects.filter(person=assessment.person, status="referred").first()
    if waiting is not None:
        raise ValidationError(
            _("%(reference)s is still waiting for its first meeting: the new incident is discussed there.")
            % {"reference": waiting.reference}
        )
    if hasattr(assessment, "superseded_by"):
        raise ValidationError(_("A newer assessment supersedes this one: refer from the newest."))
    if not assessment.may_refer:
        raise ValidationError(
            _("Only a high risk (by the score, professional judgement or escalation) or a repeat is referred to MARAC.")
        )
    if not case.is_open:
        raise ValidationError(_("The case is closed. Reopen it to refer."))
    errors = {}
    if not network.active or not Network.objects.restrict(actor).filter(pk=network.pk).exists():
        errors["network"] = _("Choose a network from the list.")
    elif not network_coordinators(network.pk):
        errors["network"] = _("This network has no coordinator yet: nobody would receive the referral.")
    if legal_basis not in LegalBasis.values:
        errors["legal_basis"] = _("Choose the legal basis for sharing.")
    errors.update(field_errors(*REFERRAL_RULES, legal_basis=legal_basis, legal_basis_note=legal_basis_note))
    if referred_by not in AgencyKind.values:
        errors["referred_by"] = _("Choose the referring agency.")
    if errors:
        raise ValidationError(errors)
    previous = assessment.repeat_of
    referral = MaracCase(
        network=network,
        case=case,
        person=assessment.person,
        assessment=assessment,
        level=assessment.level,
        referred_on=timezone.localdate(),
        referred_by=referred_by,
        referred_by_user=actor,
        legal_basis=legal_basis,
        legal_basis_note=legal_basis_note.strip(),
        is_repeat=previous is not None,
        previous=previous,
    )
    referral.full_clean()
    referral.save()
    ensure_permitted(actor, referral, "view")
    maraccase_letters(actor=actor, referral=referral)
    notify(
        network_coordinators(network.pk),
        gettext_noop("A new referral to MARAC: %(reference)s."),
        params={"reference": referral.reference},
        link=reverse("marac:case", args=[referral.pk]),
        email=True,
    )
    security_event("marac_referral", actor=actor, case=case, marac_case=referral, legal_basis=legal_basis)
    return referral


def maraccase_letters(*, actor: User, referral: MaracCase) -> Job:
    """The referral letter and the victim notification sheet, made by a worker (again only if missing)."""
    job = job_start(
        render_referral_letters,
        kind="marac_referral_letters",
        created_by=actor,
        target=referral,
        message=gettext_noop("Waiting for a worker"),
    )
    return job


@transaction.atomic
def maraccase_close(*, actor: User, referral: MaracCase, expected_version: int, note: str) -> MaracCase:
    """Close the MARAC case: partners' access ends; open actions are cancelled."""
    if not is_permitted(actor, referral, "change"):
        raise PermissionDenied
    if referral.is_closed:
        raise ValidationError(_("The MARAC case is already closed."))
    fields = {"status": "closed", "closed_on": timezone.localdate(), "closure_note": note.strip()}
    versioned_edit(referral, expected_version, fields, list(fields))
    for action in referral.actions.filter(status="open"):
        action.status = "cancelled"
        action.outcome = _("The MARAC case was closed.")
        action.version += 1
        action.save()
    referral.full_clean()
    referral.save()
    ensure_permitted(actor, referral, "change")
    security_event("marac_case_close", actor=actor, marac_case=referral)
    return referral
