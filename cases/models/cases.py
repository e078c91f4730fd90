"""Cases (juhtum): a person's way through basic victim support, and the persons involved."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from cases.choices import (
    FORWARDING_SOURCES,
    CaseStatus,
    ClosureReason,
    IncidentType,
    PartyRole,
    ProceedingsKind,
    ReferralSource,
    RiskLevel,
)
from cases.models.persons import Person
from victimsupport.history import history
from victimsupport.models import County, Region
from victimsupport.permissions import GuardedManager
from victimsupport.status import status_properties


@status_properties
class Case(models.Model):
    client = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="client_cases", verbose_name=_("client"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="cases", verbose_name=_("region"))
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="cases", verbose_name=_("county"))
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="responsible_cases",
        verbose_name=_("responsible specialist"),
    )
    status = models.CharField(_("status"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    opened_on = models.DateField(_("opened"), default=timezone.localdate)
    # Intake: where the contact came from and the person's consent to forwarding (OAS § 7(3)).
    referral_source = models.CharField(_("referral source"), max_length=20, choices=ReferralSource.choices)
    referral_source_detail = models.CharField(_("referred by (agency, unit)"), max_length=200, blank=True, default="")
    consent_given_by = models.CharField(_("consent recorded by"), max_length=200, blank=True, default="")
    consent_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    consent_scope = models.CharField(_("scope of the consent"), max_length=300, blank=True, default="")
    incident_type = models.CharField(_("crime or incident type"), max_length=30, choices=IncidentType.choices)
    incident_date = models.DateField(_("incident date"), null=True, blank=True)
    incident_place = models.CharField(_("incident place"), max_length=200, blank=True, default="")
    proceedings_kind = models.CharField(
        _("proceedings"), max_length=20, choices=ProceedingsKind.choices, blank=True, default=""
    )
    proceedings_number = models.CharField(_("proceedings number"), max_length=40, blank=True, default="")
    proceedings_date = models.DateField(_("proceedings started"), null=True, blank=True)
    risk_level = models.CharField(_("risk level"), max_length=10, choices=RiskLevel.choices, default=RiskLevel.STANDARD)
    summary = models.TextField(_("summary"), blank=True, default="")
    # Sealed: opened only with a stated reason (access log, regional manager told).
    sealed = models.BooleanField(_("sealed"), default=False)
    sealed_reason = models.CharField(_("why sealed"), max_length=300, blank=True, default="")
    closed_on = models.DateField(_("closed"), null=True, blank=True)
    closure_reason = models.CharField(
        _("closure reason"), max_length=20, choices=ClosureReason.choices, blank=True, default=""
    )
    closure_note = models.TextField(_("closure note"), blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)
    history = history()

    objects = GuardedManager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-opened_on", "-id"]
        permissions = [("assign_case", "Can assign and transfer the case")]
        indexes = [
            models.Index(fields=["-opened_on", "-id"], name="case_opened_idx"),
            models.Index(fields=["region", "-opened_on", "-id"], name="case_region_opened_idx"),
            models.Index(fields=["responsible", "status", "-opened_on"], name="case_responsible_idx"),
            # The few sealed cases, for "is this person the client of a sealed case" on every search row.
            models.Index(
                fields=["client", "responsible"], condition=models.Q(sealed=True), name="case_sealed_client_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status=CaseStatus.OPEN, closed_on__isnull=True)
                | models.Q(status=CaseStatus.CLOSED, closed_on__isnull=False) & ~models.Q(closure_reason=""),
                name="case_closed_has_date_and_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(proceedings_kind="") | ~models.Q(proceedings_number=""),
                name="case_proceedings_have_number",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.client}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        today = timezone.localdate()
        for name in ("incident_date", "proceedings_date", "opened_on", "closed_on"):
            value = getattr(self, name)
            if value and value > today:
                errors[name] = _("The date cannot be in the future.")
        if self.consent_at and self.consent_at > timezone.now():
            errors["consent_at"] = _("The date cannot be in the future.")
        if self.referral_source in FORWARDING_SOURCES:
            if not self.consent_at:
                errors["consent_at"] = _("Record when the person consented to the forwarding (OAS § 7(3)).")
            if not self.consent_given_by.strip():
                errors["consent_given_by"] = _("Record who forwarded the data with the person's consent.")
        if self.proceedings_kind and not self.proceedings_number.strip():
            errors["proceedings_number"] = _("Enter the proceedings number.")
        if self.proceedings_number and not self.proceedings_kind:
            errors["proceedings_kind"] = _("Choose the kind of proceedings the number belongs to.")
        if self.county_id and self.region_id and self.county.region_id != self.region_id:
            errors["county"] = _("The county is not in the case's region.")
        if self.incident_date and self.opened_on and self.incident_date > self.opened_on:
            errors["incident_date"] = _("The incident cannot be after the case was opened.")
        if errors:
            raise ValidationError(errors)

    @property
    def reference(self) -> str:
        return f"J-{self.pk}" if self.pk else ""

    @property
    def is_open(self) -> bool:
        return self.status == CaseStatus.OPEN


class CaseUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        abstract = False


class CaseGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        abstract = False


class CaseParty(models.Model):
    """Another person involved in a case: a family member, a witness, the alleged perpetrator."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="case_parties")
    role = models.CharField(_("role in the case"), max_length=30, choices=PartyRole.choices)
    note = models.CharField(_("note"), max_length=300, blank=True, default="")
    # The person was first recorded through this case. Only then does the link carry the right to change
    # and contact the person (cases.services.grants); a person already on record who is linked to another
    # case is seen there, never changed through it.
    recorded_here = models.BooleanField(default=False, db_default=False, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = history()

    class Meta:
        verbose_name = _("person in the case")
        verbose_name_plural = _("persons in the case")
        constraints = [
            models.UniqueConstraint(fields=["case", "person", "role"], name="case_party_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()})"
