"""Trauma-recovery mental-health aid (TTTVT): applications, decisions (administrative acts), the cap
(amounts with effective dates) and the entitlement ledger that referrals and invoices draw down."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.choices import Language, RelationKind, delivery_label
from cases.models.cases import Case
from cases.models.persons import Person
from victimsupport.history import history
from victimsupport.permissions import Follows, guarded
from victimsupport.status import status_properties

MONEY = {"max_digits": 12, "decimal_places": 2}


# Aid records are seen and changed by whoever may see and change their case: a decision is never wider
# than its case.


class AidCap(models.Model):
    """The cap per person: one minimum monthly wage, in force from `valid_from` until the next amount's
    start (entered by an administrator). A decision takes the amount in force on its decision date."""

    valid_from = models.DateField(_("valid from"), unique=True, validators=[MinValueValidator(date(2023, 1, 1))])
    amount = models.DecimalField(_("cap (EUR)"), validators=[MinValueValidator(Decimal("0.01"))], **MONEY)
    note = models.CharField(
        _("source"),
        max_length=200,
        help_text=_("Where the amount comes from (the regulation), or e.g. 'demo value, confirm'."),
    )
    history = history()

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("aid cap")
        verbose_name_plural = _("aid caps")
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="aidcap_amount_positive")]

    def __str__(self) -> str:
        return f"{self.valid_from:%d.%m.%Y}: {self.amount} €"

    @classmethod
    def amount_on(cls, day: date) -> Decimal | None:
        """The amount in force on `day`: the one with the latest start on or before it (None if none)."""
        return cls.objects.filter(valid_from__lte=day).order_by("-valid_from").values_list("amount", flat=True).first()


class DecisionKind(models.TextChoices):
    GRANT = "grant", _("grant")
    PARTIAL = "partial", _("partial grant")
    REFUSAL = "refusal", _("refusal")
    AMENDMENT = "amendment", _("amendment")
    REVOCATION = "revocation", _("revocation")


GRANTING_KINDS = frozenset({DecisionKind.GRANT, DecisionKind.PARTIAL, DecisionKind.AMENDMENT})


class DecisionKindSetting(models.Model):
    """Per decision kind: whether a regional manager must approve it, and the legal basis cited in the
    letter (act and section, kept as data by an administrator)."""

    kind = models.CharField(_("decision kind"), max_length=20, choices=DecisionKind.choices, unique=True)
    approval_required = models.BooleanField(_("a regional manager must approve"), default=False)
    legal_basis = models.TextField(_("legal basis (Estonian)"))
    legal_basis_en = models.TextField(_("legal basis (English)"), blank=True, default="")
    history = history()

    class Meta:
        ordering = ["kind"]
        verbose_name = _("decision kind setting")
        verbose_name_plural = _("decision kind settings")

    def __str__(self) -> str:
        return self.get_kind_display()


class AidPolicy(models.Model):
    """Settings of the aid procedure kept as data (one row)."""

    decision_working_days = models.PositiveSmallIntegerField(
        _("decision deadline (working days after the application)"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    due_soon_working_days = models.PositiveSmallIntegerField(
        _("'due soon' warning (working days before the deadline)"),
        default=3,
        validators=[MaxValueValidator(30)],
    )
    history = history()

    class Meta:
        verbose_name = _("aid procedure settings")
        verbose_name_plural = _("aid procedure settings")

    def __str__(self) -> str:
        return str(_("Aid procedure settings"))

    @classmethod
    def current(cls) -> AidPolicy:
        policy = cls.objects.order_by("pk").first()
        return policy if policy is not None else cls()


class ApplicantRole(models.TextChoices):
    VICTIM = "victim", _("victim")
    FAMILY_MEMBER = "family_member", _("family member of the victim")
    WITNESS = "witness", _("witness in criminal proceedings")


class EligibilityBasis(models.TextChoices):
    CRIMINAL_PROCEEDINGS = "criminal_proceedings", _("victim of a crime, criminal proceedings started")
    DOMESTIC_VIOLENCE = "domestic_violence", _("victim of domestic violence")
    SEXUAL_VIOLENCE = "sexual_violence", _("victim of sexual violence")
    FAMILY_MEMBER = "family_member", _("family member of a victim")
    WITNESS = "witness", _("witness in criminal proceedings")


class Urgency(models.TextChoices):
    ROUTINE = "routine", _("routine")
    SOON = "soon", _("within two weeks")
    URGENT = "urgent", _("urgent")


class ServiceType(models.TextChoices):
    COUNSELLING = "counselling", _("psychological counselling")
    PSYCHOTHERAPY = "psychotherapy", _("psychotherapy")


class ApplicationStatus(models.TextChoices):
    OPEN = "open", _("waiting for a decision")
    DECIDED = "decided", _("decided")
    WITHDRAWN = "withdrawn", _("withdrawn")


# Family members who may get the aid (DOMAIN.md): the applicant is <kind> the victim.
ALLOWED_FAMILY_RELATIONS = frozenset(
    {
        RelationKind.CHILD_OF,
        RelationKind.GRANDCHILD_OF,
        RelationKind.PARENT_OF,
        RelationKind.RAISES_CHILD_OF,
        RelationKind.GRANDPARENT_OF,
        RelationKind.SIBLING_OF,
        RelationKind.SPOUSE_OF,
        RelationKind.FORMER_SPOUSE_OF,
    }
)


@status_properties
class AidApplication(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="aid_applications", verbose_name=_("case"))
    applicant = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="aid_applications", verbose_name=_("applicant")
    )
    applicant_role = models.CharField(_("the applicant is"), max_length=20, choices=ApplicantRole.choices)
    basis = models.CharField(_("eligibility basis"), max_length=30, choices=EligibilityBasis.choices)
    received_on = models.DateField(_("application received"))
    # The need assessment.
    what_happened = models.TextField(_("what happened"))
    symptoms = models.TextField(_("symptoms and functioning"))
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE)
    language_wish = models.CharField(
        _("language of the service"), max_length=10, choices=Language.choices, default=Language.ESTONIAN
    )
    service_wished = models.CharField(_("service wished"), max_length=20, choices=ServiceType.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=ApplicationStatus.choices, default=ApplicationStatus.OPEN
    )
    decision_due_on = models.DateField(_("decision due"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    reminded_on = models.DateField(null=True, blank=True, editable=False)
    register_matter = models.ForeignKey(
        "victimsupport.RegisterMatter", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    history = history()

    objects = guarded(Follows("case"))

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("aid application")
        verbose_name_plural = _("aid applications")
        indexes = [
            models.Index(
                fields=["status", "decision_due_on"], name="aidapp_open_due_idx", condition=models.Q(status="open")
            ),
            models.Index(fields=["case", "-received_on"], name="aidapp_case_idx"),
        ]

    def __str__(self) -> str:
        return f"{_('Application')} {self.reference}"

    @property
    def reference(self) -> str:
        return f"T-{self.pk}" if self.pk else ""


class DecisionStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("waiting for approval")
    RETURNED = "returned", _("returned with a comment")
    ISSUED = "issued", _("issued")


@status_properties
class AidDecision(models.Model):
    """A decision on an application. Once issued it never changes (a database trigger holds this);
    an amendment or a revocation is a new decision that refers to it."""

    STATUS_TONES = {"issued": "ok", "returned": "warn", "submitted": "info"}

    application = models.ForeignKey(AidApplication, on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField(_("decision"), max_length=20, choices=DecisionKind.choices)
    status = models.CharField(_("status"), max_length=10, choices=DecisionStatus.choices, default=DecisionStatus.DRAFT)
    amends = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="amended_by",
        verbose_name=_("amends or revokes"),
    )
    amount_cap = models.DecimalField(_("amount cap (EUR)"), null=True, blank=True, **MONEY)
    # The cap (minimum monthly wage) in force on the decision date, kept with the decision: a later amount
    # entered by an administrator never changes what an issued decision was checked against.
    cap_in_force = models.DecimalField(
        _("cap in force on the decision date (EUR)"), null=True, blank=True, editable=False, **MONEY
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    service_type = models.CharField(_("service"), max_length=20, choices=ServiceType.choices, blank=True, default="")
    facts = models.TextField(_("facts"), blank=True, default="")
    reasoning = models.TextField(_("reasoning"))
    # Stored with the decision: the rule that decided eligibility, and the legal basis cited.
    eligibility_rule = models.CharField(_("eligibility rule"), max_length=60)
    eligibility_explanation = models.CharField(_("eligibility"), max_length=500)
    legal_basis = models.TextField(_("legal basis"), blank=True, default="")
    approval_required = models.BooleanField(default=False)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drafted_at = models.DateTimeField(default=timezone.now)
    # Everyone who changed the content of the draft (drafted it or edited it): none of them may approve it.
    contributors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="+", blank=True, editable=False, verbose_name=_("content changed by")
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    return_comment = models.TextField(_("comment"), blank=True, default="")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed by"),
    )
    signer_name = models.CharField(max_length=200, blank=True, default="")
    signer_position = models.CharField(max_length=200, blank=True, default="")
    letter = models.OneToOneField(
        "victimsupport.RegisteredDocument",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="aid_decision",
        verbose_name=_("decision letter"),
    )
    letter_language = models.CharField(max_length=8, blank=True, default="")
    delivery_channel = models.CharField(_("delivered by"), max_length=20, blank=True, default="")
    delivered_on = models.DateField(_("delivered"), null=True, blank=True)
    delivery_note = models.CharField(_("delivery note"), max_length=300, blank=True, default="")
    version = models.PositiveIntegerField(default=1)
    history = history()

    objects = guarded(Follows("application__case"))

    class Meta:
        ordering = ["-drafted_at", "-id"]
        verbose_name = _("aid decision")
        verbose_name_plural = _("aid decisions")
        indexes = [
            models.Index(fields=["status"], name="aiddecision_status_idx", condition=models.Q(status="submitted"))
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_from__isnull=True)
                | models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="aiddecision_period_order",
            ),
            models.CheckConstraint(
                condition=models.Q(amount_cap__isnull=True) | models.Q(amount_cap__gte=0),
                name="aiddecision_amount_not_negative",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="issued") | models.Q(issued_at__isnull=False),
                name="aiddecision_issued_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference}"

    @property
    def reference(self) -> str:
        return f"O-{self.pk}" if self.pk else ""

    @property
    def delivery_channel_label(self) -> str:
        return delivery_label(self.delivery_channel)

    @property
    def is_issued(self) -> bool:
        return self.status == DecisionStatus.ISSUED

    @property
    def grants(self) -> bool:
        return self.kind in GRANTING_KINDS


class AidEntitlement(models.Model):
    """What an issued grant opens for the person: a cap that referrals and invoices draw down."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="aid_entitlements")
    decision = models.OneToOneField(
        AidDecision, on_delete=models.PROTECT, related_name="entitlement", verbose_name=_("granted by")
    )
    amended_by = models.ForeignKey(
        AidDecision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="amended_entitlements",
        verbose_name=_("last amended by"),
    )
    cap = models.DecimalField(_("cap (EUR)"), **MONEY)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    service_type = models.CharField(_("service"), max_length=20, choices=ServiceType.choices)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by_decision = models.ForeignKey(
        AidDecision, on_delete=models.PROTECT, null=True, blank=True, related_name="closed_entitlements"
    )
    history = history()

    objects = guarded(Follows("decision__application__case"))

    class Meta:
        ordering = ["-valid_from", "-id"]
        verbose_name = _("aid entitlement")
        verbose_name_plural = _("aid entitlements")
        constraints = [
            models.CheckConstraint(condition=models.Q(cap__gte=0), name="entitlement_cap_not_negative"),
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("valid_from")), name="entitlement_period_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.cap} €"

    @property
    def is_active(self) -> bool:
        return self.closed_at is None


class ChargeKind(models.TextChoices):
    COMMITMENT = "commitment", _("committed by a referral")
    INVOICE = "invoice", _("invoiced")
    RELEASE = "release", _("released")


class EntitlementCharge(models.Model):
    """A movement on an entitlement. The remaining amount is the cap minus the charges; charges are
    written under a row lock on the entitlement, so concurrent ones can never exceed the cap."""

    entitlement = models.ForeignKey(AidEntitlement, on_delete=models.PROTECT, related_name="charges")
    kind = models.CharField(max_length=20, choices=ChargeKind.choices)
    amount = models.DecimalField(**MONEY)
    source_type = models.CharField(max_length=60)
    source_id = models.BigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("entitlement charge")
        verbose_name_plural = _("entitlement charges")
        indexes = [
            models.Index(fields=["entitlement", "kind"], name="charge_entitlement_idx"),
            models.Index(fields=["source_type", "source_id"], name="charge_source_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount}"
