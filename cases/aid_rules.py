"""Rules of the aid procedure: who is eligible (decided by rules, not by hand) and when a decision is due
(working days, Estonian public holidays respected)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from cases.choices import IncidentType, ProceedingsKind
from cases.models import AidApplication, Case, CaseParty, PersonRelation
from cases.models.aid import ALLOWED_FAMILY_RELATIONS, ApplicantRole, EligibilityBasis

# What each eligibility rule says, in words (stored with the decision by its code).
RULE_TEXT = {
    "crime_with_proceedings": _("The applicant is a victim of a crime and criminal proceedings have been started."),
    "crime_without_proceedings": _(
        "The applicant is a victim of a crime other than domestic or sexual violence and no criminal proceedings "
        "have been started: the aid requires criminal proceedings."
    ),
    "domestic_violence": _("The applicant is a victim of domestic violence; proceedings are not required."),
    "sexual_violence": _("The applicant is a victim of sexual violence; proceedings are not required."),
    "incident_does_not_match": _("The case does not record the kind of violence the application names."),
    "family_member": _("The applicant is a family member of the victim (%(relation)s)."),
    "family_relation_not_allowed": _(
        "The recorded relation to the victim (%(relation)s) is not one that gives a right to the aid."
    ),
    "family_relation_missing": _("No relation between the applicant and the victim is recorded."),
    "victim_not_eligible": _("The victim of the case is not eligible, so a family member is not either."),
    "witness_in_proceedings": _("The applicant is a witness in criminal proceedings."),
    "witness_without_proceedings": _("A witness needs criminal proceedings and the case records none."),
    "role_does_not_match_basis": _("The applicant's role in the case does not fit the eligibility basis."),
}


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    rule: str
    params: tuple = ()

    @property
    def explanation(self) -> str:
        return str(RULE_TEXT[self.rule]) % dict(self.params) if self.params else str(RULE_TEXT[self.rule])


def _has_criminal_proceedings(case: Case) -> bool:
    return case.proceedings_kind == ProceedingsKind.CRIMINAL and bool(case.proceedings_number.strip())


def _victim_is_eligible(case: Case) -> bool:
    return case.incident_type in {IncidentType.DOMESTIC_VIOLENCE, IncidentType.SEXUAL_VIOLENCE} or (
        _has_criminal_proceedings(case)
    )


ROLE_BASES = {
    ApplicantRole.VICTIM: {
        EligibilityBasis.CRIMINAL_PROCEEDINGS,
        EligibilityBasis.DOMESTIC_VIOLENCE,
        EligibilityBasis.SEXUAL_VIOLENCE,
    },
    ApplicantRole.FAMILY_MEMBER: {EligibilityBasis.FAMILY_MEMBER},
    ApplicantRole.WITNESS: {EligibilityBasis.WITNESS},
}


def check_eligibility(application: AidApplication) -> Eligibility:
    case, basis = application.case, application.basis
    if basis not in ROLE_BASES.get(application.applicant_role, set()):
        return Eligibility(False, "role_does_not_match_basis")
    if basis == EligibilityBasis.CRIMINAL_PROCEEDINGS:
        if _has_criminal_proceedings(case):
            return Eligibility(True, "crime_with_proceedings")
        return Eligibility(False, "crime_without_proceedings")
    if basis == EligibilityBasis.DOMESTIC_VIOLENCE:
        if case.incident_type == IncidentType.DOMESTIC_VIOLENCE:
            return Eligibility(True, "domestic_violence")
        return Eligibility(False, "incident_does_not_match")
    if basis == EligibilityBasis.SEXUAL_VIOLENCE:
        if case.incident_type == IncidentType.SEXUAL_VIOLENCE:
            return Eligibility(True, "sexual_violence")
        return Eligibility(False, "incident_does_not_match")
    if basis == EligibilityBasis.WITNESS:
        if _has_criminal_proceedings(case):
            return Eligibility(True, "witness_in_proceedings")
        return Eligibility(False, "witness_without_proceedings")
    # A family member: a relation of an allowed kind to the victim, who must be eligible too.
    relation = (
        PersonRelation.objects.filter(person=application.applicant, related_person=case.client_id)
        .order_by("id")
        .first()
    )
    if relation is None:
        return Eligibility(False, "family_relation_missing")
    label = str(relation.get_kind_display())
    if relation.kind not in ALLOWED_FAMILY_RELATIONS:
        return Eligibility(False, "family_relation_not_allowed", (("relation", label),))
    if not _victim_is_eligible(case):
        return Eligibility(False, "victim_not_eligible")
    return Eligibility(True, "family_member", (("relation", label),))


def applicant_is_linked(case: Case, person_id: int) -> bool:
    return case.client_id == person_id or CaseParty.objects.filter(case=case, person_id=person_id).exists()
