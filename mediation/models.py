"""Mediation in criminal cases (lepitusmenetlus, KrMS § 203^1): a case a prosecutor or a court sends,
the two parties with their consent, the mediator appointed, the meetings, the agreement's obligations
and their follow-up. The deadlines are working days and months (cases.aid_rules' calendar)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mediation.policies import ActiveMediator
from victimsupport.history import history
from victimsupport.models import Region, Role
from victimsupport.permissions import AnyOf, Follows, PerAction, RoleAndRegion, guarded
from victimsupport.status import status_properties

CASEWORK = (Role.SPECIALIST, Role.REGIONAL_MANAGER)
# The region's casework staff handle a mediation (and alone appoint, and edit the referral: "assign"); its
# mediator works on their own mediations only, while they may still mediate in its region.
MEDIATION_POLICY = PerAction(
    {
        "view": AnyOf(RoleAndRegion(CASEWORK), ActiveMediator()),
        "change": AnyOf(RoleAndRegion(CASEWORK), ActiveMediator()),
        "assign": RoleAndRegion(CASEWORK),
    }
)


class ReferredBy(models.TextChoices):
    PROSECUTOR = "prosecutor", _("prosecutor's office")
    COURT = "court", _("court")


class MediationStatus(models.TextChoices):
    RECEIVED = "received", _("waiting for a mediator")
    IN_PROGRESS = "in_progress", _("mediation in progress")
    FOLLOW_UP = "follow_up", _("agreement being fulfilled")
    CLOSED = "closed", _("closed")


class MediationOutcome(models.TextChoices):
    FULFILLED = "fulfilled", _("the agreement was fulfilled")
    BREACHED = "breached", _("the agreement was breached")
    NO_AGREEMENT = "no_agreement", _("no agreement was reached")
    WITHDRAWN = "withdrawn", _("a party withdrew consent")


@status_properties
class Mediation(models.Model):
    STATUS_TONES = {"received": "warn", "in_progress": "info", "follow_up": "info", "closed": "ok"}

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    received_on = models.DateField(_("received"))
    referred_by = models.CharField(_("sent by"), max_length=20, choices=ReferredBy.choices)
    referring_body = models.CharField(
        _("prosecutor's office or court"), max_length=200, help_text=_("E.g. Põhja Ringkonnaprokuratuur.")
    )
    proceedings_number = models.CharField(_("proceedings number"), max_length=40)
    offence = models.TextField(_("the offence"), max_length=2000)
    victim = models.ForeignKey(
        "cases.Person", on_delete=models.PROTECT, related_name="mediations_as_victim", verbose_name=_("victim")
    )
    offender = models.ForeignKey(
        "cases.Person", on_delete=models.PROTECT, related_name="mediations_as_offender", verbose_name=_("offender")
    )
    victim_consent_on = models.DateField(_("the victim consented"), null=True, blank=True)
    offender_consent_on = models.DateField(_("the offender consented"), null=True, blank=True)
    # Whether the mediation created the party's record (and so holds it); a person on record is only linked.
    victim_recorded_here = models.BooleanField(default=False, editable=False)
    offender_recorded_here = models.BooleanField(default=False, editable=False)
    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mediations",
        verbose_name=_("mediator"),
    )
    appointed_on = models.DateField(_("mediator appointed"), null=True, blank=True)
    agreement_on = models.DateField(_("agreement signed"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=MediationStatus.choices, default=MediationStatus.RECEIVED
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=MediationOutcome.choices, blank=True, default="")
    closed_on = models.DateField(_("closed"), null=True, blank=True)
    new_offence_on = models.DateField(
        _("new offence against the victim"),
        null=True,
        blank=True,
        help_text=_("Within six months of the agreement's last deadline, as the prosecutor or the police told."),
    )
    register_matter = models.ForeignKey(
        "victimsupport.RegisterMatter", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    report = models.OneToOneField(
        "victimsupport.RegisteredDocument",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mediation_report",
        verbose_name=_("report to the prosecutor"),
    )
    # Reminders sent once: the appointment overdue (to the region's managers), the first meeting due.
    appointment_reminded_on = models.DateField(null=True, blank=True, editable=False)
    meeting_reminded_on = models.DateField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)
    history = history()

    objects = guarded(MEDIATION_POLICY)

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("mediation")
        verbose_name_plural = _("mediations")
        indexes = [models.Index(fields=["region", "status"], name="mediation_region_status_idx")]
        constraints = [
            models.CheckConstraint(condition=~models.Q(victim=models.F("offender")), name="mediation_two_parties"),
            models.CheckConstraint(
                condition=models.Q(mediator__isnull=True, appointed_on__isnull=True)
                | models.Q(mediator__isnull=False, appointed_on__isnull=False),
                name="mediation_appointed_with_date",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="closed") | models.Q(closed_on__isnull=False) & ~models.Q(outcome=""),
                name="mediation_closed_with_outcome",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["in_progress", "follow_up"]) | models.Q(mediator__isnull=False),
                name="mediation_worked_by_a_mediator",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"L-{self.pk}" if self.pk else ""


class Meeting(models.Model):
    mediation = models.ForeignKey(Mediation, on_delete=models.PROTECT, related_name="meetings")
    held_on = models.DateField(_("held on"))
    victim_attended = models.BooleanField(_("the victim attended"), default=False)
    offender_attended = models.BooleanField(_("the offender attended"), default=False)
    notes = models.TextField(
        _("notes"), max_length=4000, blank=True, default="", help_text=_("What was agreed next; no quotes.")
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = history()

    objects = guarded(Follows("mediation", target="mediation.Mediation"))

    class Meta:
        ordering = ["held_on", "id"]
        verbose_name = _("mediation meeting")
        verbose_name_plural = _("mediation meetings")

    def __str__(self) -> str:
        return f"{self.held_on:%d.%m.%Y}"


class Party(models.TextChoices):
    OFFENDER = "offender", _("the offender")
    VICTIM = "victim", _("the victim")


class ObligationStatus(models.TextChoices):
    OPEN = "open", _("to be fulfilled")
    FULFILLED = "fulfilled", _("fulfilled")
    BREACHED = "breached", _("breached")


@status_properties
class Obligation(models.Model):
    """One obligation of the agreement: what, who, by when (at most six months after the agreement)."""

    STATUS_TONES = {"fulfilled": "ok", "breached": "danger"}

    mediation = models.ForeignKey(Mediation, on_delete=models.PROTECT, related_name="obligations")
    party = models.CharField(_("who"), max_length=10, choices=Party.choices, default=Party.OFFENDER)
    what = models.CharField(_("what"), max_length=500)
    due_on = models.DateField(_("by"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ObligationStatus.choices,
        default=ObligationStatus.OPEN,
    )
    settled_on = models.DateField(_("fulfilled or breached on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True, default="")
    reminded_on = models.DateField(null=True, blank=True, editable=False)
    history = history()

    objects = guarded(Follows("mediation", target="mediation.Mediation"))

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("obligation")
        verbose_name_plural = _("obligations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="open", settled_on__isnull=True)
                | ~models.Q(status="open") & models.Q(settled_on__isnull=False),
                name="obligation_settled_with_date",
            )
        ]

    def __str__(self) -> str:
        return self.what
