"""State compensation for victims of violent crime (kuriteoohvri hüvitis): the rules as data with
effective dates, the crime whose claims share one cap, the claims, their loss items and documents."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.choices import RelationKind, delivery_label
from referrals.models.providers import validate_iban
from victimsupport.history import history
from victimsupport.models import County, Region, Role
from victimsupport.permissions import AnyOf, Follows, OwnerOnly, PerAction, RoleAndRegion, guarded
from victimsupport.status import status_properties

MONEY = {"max_digits": 12, "decimal_places": 2}
NOT_NEGATIVE = [MinValueValidator(Decimal("0"))]


class CompensationRules(models.Model):
    """The figures of the law, in force from `valid_from` until the next row's start. A claim is judged
    by the rules in force on the day of the crime."""

    valid_from = models.DateField(_("valid from"), unique=True)
    rate_percent = models.DecimalField(
        _("share of the loss compensated (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
    )
    crime_cap = models.DecimalField(
        _("cap for the victim and all dependants of one crime (EUR)"), validators=NOT_NEGATIVE, **MONEY
    )
    funeral_cap = models.DecimalField(_("cap of funeral costs (EUR)"), validators=NOT_NEGATIVE, **MONEY)
    report_days = models.PositiveSmallIntegerField(
        _("report to the police within (days)"), validators=[MaxValueValidator(365)]
    )
    claim_years = models.PositiveSmallIntegerField(
        _("claim within (years of the crime)"), validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    disorder_months = models.PositiveSmallIntegerField(
        _("a health disorder lasting at least (months)"), validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    note = models.CharField(_("source"), max_length=300)
    history = history()

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("compensation rules")
        verbose_name_plural = _("compensation rules")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rate_percent__gt=0, rate_percent__lte=100), name="comprules_rate_range"
            ),
            models.CheckConstraint(
                condition=models.Q(crime_cap__gte=0, funeral_cap__gte=0), name="comprules_caps_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.valid_from:%d.%m.%Y}: {self.rate_percent}%, {self.crime_cap} €"

    @classmethod
    def in_force(cls, day: date) -> CompensationRules | None:
        return cls.objects.filter(valid_from__lte=day).order_by("-valid_from").first()


class HealthDamage(models.TextChoices):
    SERIOUS = "serious", _("serious health damage")
    DISORDER = "disorder", _("a health disorder")
    DEATH = "death", _("death of the victim")


CASEWORK = (Role.SPECIALIST, Role.REGIONAL_MANAGER)
# Claims are handled by the casework staff of the crime's region (a regional manager decides); the
# victim's case also leads to them.
CRIME_POLICY = AnyOf(
    RoleAndRegion({"view": CASEWORK, "change": CASEWORK, "assign": (Role.REGIONAL_MANAGER,)}),
    Follows("case"),
)


class Crime(models.Model):
    """The violent crime the claims are about. Every claim of one crime (the victim's and the dependants')
    shares one cap, so they are handled together, in the crime's region."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("county")
    )
    victim = models.ForeignKey(
        "cases.Person", on_delete=models.PROTECT, related_name="compensation_crimes", verbose_name=_("victim")
    )
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="compensation_crimes",
        verbose_name=_("victim support case"),
    )
    occurred_on = models.DateField(_("date of the crime"))
    in_estonia = models.BooleanField(_("committed in Estonia"), default=True)
    place = models.CharField(_("place"), max_length=200, blank=True, default="")
    description = models.TextField(_("what happened"))
    reported_on = models.DateField(_("reported to the police"), null=True, blank=True)
    proceedings_number = models.CharField(_("criminal proceedings number"), max_length=30, blank=True, default="")
    late_report_reason = models.TextField(_("reason for the late report"), blank=True, default="")
    late_report_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reason accepted by"),
    )
    late_report_accepted_at = models.DateTimeField(null=True, blank=True)
    health_damage = models.CharField(_("consequence"), max_length=20, choices=HealthDamage.choices)
    disorder_months = models.PositiveSmallIntegerField(
        _("length of the health disorder (months)"), null=True, blank=True, validators=[MaxValueValidator(600)]
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)
    history = history()

    objects = guarded(CRIME_POLICY)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("crime")
        verbose_name_plural = _("crimes")
        constraints = [
            models.UniqueConstraint(
                fields=["proceedings_number"],
                condition=~models.Q(proceedings_number=""),
                name="crime_proceedings_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(reported_on__isnull=True) | models.Q(reported_on__gte=models.F("occurred_on")),
                name="crime_reported_after_crime",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"K-{self.pk}" if self.pk else ""

    @property
    def late_reason_accepted(self) -> bool:
        return self.late_report_accepted_by_id is not None


class ClaimantRole(models.TextChoices):
    VICTIM = "victim", _("the victim")
    DEPENDANT = "dependant", _("a dependant of the victim")
    FUNERAL_PAYER = "funeral_payer", _("the person who paid the funeral")


class ClaimStatus(models.TextChoices):
    OPEN = "open", _("being handled")
    DECIDED = "decided", _("decided")
    WITHDRAWN = "withdrawn", _("withdrawn")


@status_properties
class Claim(models.Model):
    STATUS_TONES = {"open": "info", "decided": "ok"}

    crime = models.ForeignKey(Crime, on_delete=models.PROTECT, related_name="claims", verbose_name=_("crime"))
    claimant = models.ForeignKey(
        "cases.Person", on_delete=models.PROTECT, related_name="compensation_claims", verbose_name=_("claimant")
    )
    claimant_role = models.CharField(_("the claimant is"), max_length=20, choices=ClaimantRole.choices)
    relation = models.CharField(
        _("relation to the victim"), max_length=30, choices=RelationKind.choices, blank=True, default=""
    )
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="compensation_claims",
        verbose_name=_("claimant's case"),
    )
    received_on = models.DateField(_("claim received"))
    iban = models.CharField(
        _("claimant's bank account (IBAN)"), max_length=34, blank=True, default="", validators=[validate_iban]
    )
    notes = models.TextField(_("notes"), blank=True, default="")
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )
    status = models.CharField(_("status"), max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.OPEN)
    register_matter = models.ForeignKey(
        "victimsupport.RegisterMatter", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)
    history = history()

    # Whoever handles the crime (its region's casework staff, the victim's case): the claims of one crime
    # share its cap and its facts, so they are seen together or not at all.
    objects = guarded(Follows("crime", target="compensation.Crime"))

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("compensation claim")
        verbose_name_plural = _("compensation claims")
        indexes = [
            models.Index(fields=["status", "-received_on"], name="claim_status_idx"),
            models.Index(fields=["crime", "received_on"], name="claim_crime_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["crime", "claimant"],
                condition=~models.Q(status="withdrawn"),
                name="claim_one_per_claimant_and_crime",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"H-{self.pk}" if self.pk else ""


class LossKind(models.TextChoices):
    TREATMENT = "treatment", _("treatment, rehabilitation, medicines, travel to treatment")
    AIDS = "aids", _("glasses, aids and personal items damaged")
    FUNERAL = "funeral", _("funeral costs")
    LOST_INCOME = "lost_income", _("lost income of the victim")
    CARER_INCOME = "carer_income", _("lost income of a carer")
    MAINTENANCE = "maintenance", _("loss of maintenance (dependants)")
    LEGAL_COSTS = "legal_costs", _("legal aid and state fees (not compensated)")
    NON_PECUNIARY = "non_pecuniary", _("pain and suffering (not compensated)")


NOT_COMPENSATED = frozenset({LossKind.LEGAL_COSTS, LossKind.NON_PECUNIARY})
PERIODIC = frozenset({LossKind.LOST_INCOME, LossKind.CARER_INCOME, LossKind.MAINTENANCE})


class LossItem(models.Model):
    """One loss claimed, with what the handler accepted after checking the evidence and what other
    sources (insurance, the health insurance fund, the offender) already paid for it."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="items", verbose_name=_("claim"))
    kind = models.CharField(_("kind of loss"), max_length=20, choices=LossKind.choices)
    description = models.CharField(_("description"), max_length=300)
    period_from = models.DateField(_("period from"), null=True, blank=True)
    period_until = models.DateField(_("period until"), null=True, blank=True)
    amount_claimed = models.DecimalField(_("amount claimed (EUR)"), validators=NOT_NEGATIVE, **MONEY)
    amount_accepted = models.DecimalField(
        _("amount accepted (EUR)"),
        null=True,
        blank=True,
        validators=NOT_NEGATIVE,
        help_text=_("What the evidence shows. Empty: not checked yet (the amount claimed is counted)."),
        **MONEY,
    )
    other_sources = models.DecimalField(
        _("already paid by others (EUR)"), default=Decimal("0"), validators=NOT_NEGATIVE, **MONEY
    )
    other_sources_note = models.CharField(
        _("paid by"), max_length=200, blank=True, default="", help_text=_("Insurance, health insurance fund, offender.")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)
    history = history()

    objects = guarded(Follows("claim", target="compensation.Claim"))

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("loss item")
        verbose_name_plural = _("loss items")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_claimed__gte=0, other_sources__gte=0)
                & (models.Q(amount_accepted__isnull=True) | models.Q(amount_accepted__gte=0)),
                name="lossitem_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(period_from__isnull=True)
                | models.Q(period_until__isnull=True)
                | models.Q(period_until__gte=models.F("period_from")),
                name="lossitem_period_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.amount_claimed} €"


class ClaimDocument(models.Model):
    """Evidence and other documents of a claim (bills, medical certificates), optionally for one item."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="documents")
    item = models.ForeignKey(
        LossItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("evidence for"),
    )
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(_("file"), upload_to="compensation/%Y/%m/", max_length=300)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    from_proceedings = models.BooleanField(_("from criminal proceedings"), default=False)
    restriction_basis = models.CharField(_("restriction basis"), max_length=100)
    restricted_until = models.DateField(_("restricted until"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    history = history()

    objects = guarded(Follows("claim", target="compensation.Claim"))

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("claim document")
        verbose_name_plural = _("claim documents")

    def __str__(self) -> str:
        return self.title


class CompensationDecisionKind(models.TextChoices):
    GRANT = "grant", _("grant")
    PARTIAL = "partial", _("partial grant")
    REFUSAL = "refusal", _("refusal")


class CompensationDecisionStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("waiting for approval")
    RETURNED = "returned", _("returned with a comment")
    ISSUED = "issued", _("issued")


@status_properties
class CompensationDecision(models.Model):
    """The decision on a claim: an administrative act. A regional manager who did not write it approves
    it (four eyes); once issued it never changes (a database trigger holds this). A change is a new
    decision that `amends` the one in force: its payments not yet made are stopped and replaced by the
    amendment's (a refusal amending a grant revokes it for the future)."""

    STATUS_TONES = {"issued": "ok", "returned": "warn", "submitted": "info"}

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="decisions")
    amends = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="amendments",
        verbose_name=_("amends the decision"),
    )
    kind = models.CharField(_("decision"), max_length=20, choices=CompensationDecisionKind.choices)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=CompensationDecisionStatus.choices,
        default=CompensationDecisionStatus.DRAFT,
    )
    one_off_amount = models.DecimalField(
        _("paid at once (EUR)"), default=Decimal("0"), validators=NOT_NEGATIVE, **MONEY
    )
    monthly_amount = models.DecimalField(
        _("paid monthly (EUR)"), default=Decimal("0"), validators=NOT_NEGATIVE, **MONEY
    )
    monthly_from = models.DateField(_("monthly payments from"), null=True, blank=True)
    monthly_months = models.PositiveSmallIntegerField(
        _("number of monthly payments"), default=0, validators=[MaxValueValidator(240)]
    )
    facts = models.TextField(_("facts"), blank=True, default="")
    reasoning = models.TextField(_("reasoning"))
    legal_basis = models.TextField(_("legal basis"), blank=True, default="")
    # The claimant's account when the decision was issued: its payments go there, whatever the claim says
    # later (a new account is an amendment, approved by a manager).
    iban = models.CharField(_("bank account"), max_length=34, blank=True, default="", editable=False)
    # The calculation as it stood when the decision was issued (the letter prints it).
    calculation = models.JSONField(default=dict, blank=True, editable=False)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drafted_at = models.DateTimeField(default=timezone.now)
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
    signer_name = models.CharField(max_length=200, blank=True, default="")
    signer_position = models.CharField(max_length=200, blank=True, default="")
    letter = models.OneToOneField(
        "victimsupport.RegisteredDocument",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="compensation_decision",
        verbose_name=_("decision letter"),
    )
    letter_language = models.CharField(max_length=8, blank=True, default="")
    delivery_channel = models.CharField(_("delivered by"), max_length=20, blank=True, default="")
    delivered_on = models.DateField(_("delivered"), null=True, blank=True)
    delivery_note = models.CharField(_("delivery note"), max_length=300, blank=True, default="")
    version = models.PositiveIntegerField(default=1)
    history = history()

    objects = guarded(Follows("claim", target="compensation.Claim"))

    class Meta:
        ordering = ["-drafted_at", "-id"]
        verbose_name = _("compensation decision")
        verbose_name_plural = _("compensation decisions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(one_off_amount__gte=0, monthly_amount__gte=0),
                name="compdecision_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="issued") | models.Q(issued_at__isnull=False, decision_date__isnull=False),
                name="compdecision_issued_has_time",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="refusal") | models.Q(one_off_amount=0, monthly_amount=0),
                name="compdecision_refusal_grants_nothing",
            ),
            # One first decision per claim; each later one amends the one before it, once: a chain, whose
            # last issued decision is the one in force.
            models.UniqueConstraint(
                fields=["claim"],
                condition=models.Q(status="issued", amends__isnull=True),
                name="compdecision_one_first_per_claim",
            ),
            models.UniqueConstraint(
                fields=["amends"], condition=models.Q(status="issued"), name="compdecision_amended_once"
            ),
            models.CheckConstraint(condition=~models.Q(amends=models.F("id")), name="compdecision_not_amending_itself"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference}"

    @property
    def reference(self) -> str:
        return f"HO-{self.pk}" if self.pk else ""

    @property
    def total(self) -> Decimal:
        return self.one_off_amount + self.monthly_amount * self.monthly_months

    @property
    def grants(self) -> bool:
        return self.kind != CompensationDecisionKind.REFUSAL

    @property
    def delivery_channel_label(self) -> str:
        return delivery_label(self.delivery_channel)


class InstalmentStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    APPROVED = "approved", _("approved for payment")
    SENT = "sent", _("sent to the bank")
    STOPPED = "stopped", _("stopped")


@status_properties
class Instalment(models.Model):
    """One payment of an issued grant (the one-off sum, or a month of the periodic payment). The crime's
    row is locked while grants are issued, so the grants of one crime never exceed its cap; the issue
    service makes the instalments of a decision once, adding up to its total."""

    STATUS_TONES = {"sent": "ok", "approved": "info", "stopped": "warn"}

    decision = models.ForeignKey(CompensationDecision, on_delete=models.PROTECT, related_name="instalments")
    due_on = models.DateField(_("due"))
    amount = models.DecimalField(_("amount (EUR)"), validators=[MinValueValidator(Decimal("0.01"))], **MONEY)
    periodic = models.BooleanField(default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=InstalmentStatus.choices, default=InstalmentStatus.PLANNED
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    batch = models.ForeignKey(
        "compensation.PaymentBatch", on_delete=models.PROTECT, null=True, blank=True, related_name="instalments"
    )
    stopped_reason = models.CharField(_("why stopped"), max_length=300, blank=True, default="")
    version = models.PositiveIntegerField(default=1)
    history = history()

    objects = guarded(Follows("decision__claim", target="compensation.Claim"))

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("instalment")
        verbose_name_plural = _("instalments")
        indexes = [models.Index(fields=["status", "due_on"], name="instalment_status_due_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="instalment_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(batch__isnull=True) | models.Q(status="sent"), name="instalment_sent_in_a_batch"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.due_on:%d.%m.%Y} {self.amount} €"


class PaymentBatch(models.Model):
    """Approved instalments of a region sent for payment: a pain.001 file and a CSV for accounting."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    execution_date = models.DateField(_("payment date"))
    total = models.DecimalField(_("total"), **MONEY)
    xml_file = models.FileField(upload_to="compensation-payments/%Y/", max_length=300)
    xml_sha256 = models.CharField(max_length=64)
    history = history()

    objects = guarded(RoleAndRegion({"view": CASEWORK, "change": (Role.REGIONAL_MANAGER,)}))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("compensation payment file")
        verbose_name_plural = _("compensation payment files")

    def __str__(self) -> str:
        return f"{self.created_at:%d.%m.%Y %H:%M} {self.total}"


class RecipientKind(models.TextChoices):
    POLICE = "police", _("police")
    PROSECUTOR = "prosecutor", _("prosecutor's office")
    HEALTH_INSURANCE = "health_insurance", _("health insurance fund")
    OTHER = "other", _("other agency")


@status_properties
class InformationRequest(models.Model):
    """A request for information about a claim to another agency: a registered outgoing letter with a
    reply deadline, a reminder when it passes, and the reply recorded."""

    STATUS_TONES = {"answered": "ok", "sent": "info"}

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="information_requests")
    recipient_kind = models.CharField(_("recipient"), max_length=20, choices=RecipientKind.choices)
    recipient_name = models.CharField(_("agency"), max_length=200)
    recipient_address = models.TextField(_("address or e-mail of the agency"))
    question = models.TextField(_("what is asked"))
    sent_on = models.DateField(_("sent"), default=timezone.localdate)
    reply_due_on = models.DateField(_("reply due"))
    letter = models.OneToOneField(
        "victimsupport.RegisteredDocument",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="compensation_request",
        verbose_name=_("request letter"),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=[("sent", _("waiting for the reply")), ("answered", _("answered"))],
        default="sent",
    )
    reply_received_on = models.DateField(_("reply received"), null=True, blank=True)
    reply_summary = models.TextField(_("what the reply says"), blank=True, default="")
    reminded_on = models.DateField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)
    history = history()

    objects = guarded(Follows("claim", target="compensation.Claim"))

    class Meta:
        ordering = ["sent_on", "id"]
        verbose_name = _("information request")
        verbose_name_plural = _("information requests")
        indexes = [models.Index(fields=["reply_due_on"], name="inforequest_due_idx", condition=models.Q(status="sent"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reply_due_on__gte=models.F("sent_on")), name="inforequest_due_after_sent"
            ),
            models.CheckConstraint(
                condition=models.Q(status="sent") | models.Q(reply_received_on__isnull=False),
                name="inforequest_answered_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_name} {self.sent_on:%d.%m.%Y}"

    @property
    def reference(self) -> str:
        return f"HP-{self.pk}" if self.pk else ""


class CrimeLink(models.TextChoices):
    YES = "yes", _("the health damage was caused by the crime")
    PARTLY = "partly", _("the crime caused part of the health damage")
    NO = "no", _("the health damage was not caused by the crime")


@status_properties
class ExpertOpinion(models.Model):
    """An expert doctor's opinion on the link between the crime and the health damage. The doctor sees the
    question, the crime's date and description, the consequence claimed and the documents shared with them,
    and nothing else of the claim."""

    STATUS_TONES = {"given": "ok", "asked": "info"}

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="expert_opinions")
    doctor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("expert doctor")
    )
    question = models.TextField(_("what the doctor is asked"))
    documents = models.ManyToManyField(ClaimDocument, blank=True, related_name="+", verbose_name=_("documents shared"))
    due_on = models.DateField(_("opinion due"))
    status = models.CharField(
        _("status"), max_length=10, choices=[("asked", _("asked")), ("given", _("given"))], default="asked"
    )
    crime_link = models.CharField(_("link to the crime"), max_length=10, choices=CrimeLink.choices, blank=True)
    health_damage = models.CharField(_("consequence"), max_length=20, choices=HealthDamage.choices, blank=True)
    disorder_months = models.PositiveSmallIntegerField(
        _("length of the health disorder (months)"), null=True, blank=True, validators=[MaxValueValidator(600)]
    )
    statement = models.TextField(_("opinion"), blank=True, default="")
    given_at = models.DateTimeField(null=True, blank=True)
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)
    history = history()

    # The claim's handlers, and the doctor asked (only their own requests).
    objects = guarded(
        PerAction(
            {
                "view": AnyOf(Follows("claim", target="compensation.Claim"), OwnerOnly("doctor")),
                "give": OwnerOnly("doctor"),
            },
            default=Follows("claim", target="compensation.Claim"),
        )
    )

    class Meta:
        ordering = ["asked_at", "id"]
        verbose_name = _("expert opinion")
        verbose_name_plural = _("expert opinions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="asked") | models.Q(given_at__isnull=False) & ~models.Q(crime_link=""),
                name="expertopinion_given_is_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.claim} {self.doctor}"
