"""Volunteers: candidates from their application on, the recruitment pipeline and the registry.

A volunteer's data is staff working data about a person: the coordinator sees every volunteer, a
regional manager those of their regions, a supervisor (juhendaja) their own volunteers; a volunteer
sees nothing here (their pages come with assignments).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.choices import Language
from referrals.models.providers import validate_iban
from victimsupport.history import history
from victimsupport.models import County, Region, Role
from victimsupport.permissions import AnyOf, Follows, OwnerOnly, PerAction, RoleAndRegion, RoleOnly, guarded
from victimsupport.status import status_properties


class VolunteerKind(models.TextChoices):
    MARAC = "marac", _("MARAC support person")
    MEDIATOR = "mediator", _("restorative-justice mediator")
    COUNSELLOR = "counsellor", _("mental-health counsellor")
    CRISIS = "crisis", _("crisis-help volunteer")


class VolunteerStatus(models.TextChoices):
    APPLIED = "applied", _("applied")
    INTERVIEWED = "interviewed", _("interviewed")
    CHECKED = "checked", _("background checked")
    TRAINED = "trained", _("base training done")
    SIGNED = "signed", _("agreement signed")
    ACTIVE = "active", _("active")
    PAUSED = "paused", _("paused")
    LEFT = "left", _("left")
    REJECTED = "rejected", _("not accepted")
    WITHDRAWN = "withdrawn", _("withdrew")


# Where a volunteer can go from each status (the pipeline); volunteers.services.recruitment applies it.
NEXT_STATUSES: dict[str, tuple[str, ...]] = {
    VolunteerStatus.APPLIED: (VolunteerStatus.INTERVIEWED, VolunteerStatus.REJECTED, VolunteerStatus.WITHDRAWN),
    VolunteerStatus.INTERVIEWED: (VolunteerStatus.CHECKED, VolunteerStatus.REJECTED, VolunteerStatus.WITHDRAWN),
    VolunteerStatus.CHECKED: (VolunteerStatus.TRAINED, VolunteerStatus.REJECTED, VolunteerStatus.WITHDRAWN),
    VolunteerStatus.TRAINED: (VolunteerStatus.SIGNED, VolunteerStatus.REJECTED, VolunteerStatus.WITHDRAWN),
    VolunteerStatus.SIGNED: (VolunteerStatus.ACTIVE, VolunteerStatus.WITHDRAWN),
    VolunteerStatus.ACTIVE: (VolunteerStatus.PAUSED, VolunteerStatus.LEFT),
    VolunteerStatus.PAUSED: (VolunteerStatus.ACTIVE, VolunteerStatus.LEFT),
    VolunteerStatus.LEFT: (),
    VolunteerStatus.REJECTED: (),
    VolunteerStatus.WITHDRAWN: (),
}
# Candidates who never became volunteers: deleted after VOLUNTEER_CANDIDATE_RETENTION_DAYS.
CLOSED_CANDIDATE_STATUSES = (VolunteerStatus.REJECTED, VolunteerStatus.WITHDRAWN)


class BackgroundCheck(models.TextChoices):
    """Only the date and the result are kept, never the extract itself."""

    CLEAR = "clear", _("no obstacles")
    OBSTACLE = "obstacle", _("obstacles found")


MANAGE = AnyOf(RoleOnly((Role.COORDINATOR,)), RoleAndRegion((Role.REGIONAL_MANAGER,)))
VOLUNTEER_POLICY = PerAction({"view": AnyOf(MANAGE, OwnerOnly("supervisor"))}, default=MANAGE)


@status_properties
class Volunteer(models.Model):
    STATUS_TONES = {"active": "ok", "paused": "warn", "rejected": "danger", "applied": "info"}

    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(_("e-mail"), max_length=254)
    phone = models.CharField(_("phone"), max_length=40, blank=True, default="")
    address = models.CharField(
        _("address"),
        max_length=300,
        blank=True,
        default="",
        help_text=_("Street and house; compared with the client's and the alleged perpetrator's before assigning."),
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="volunteers", verbose_name=_("region"))
    counties = models.ManyToManyField(County, related_name="volunteers", verbose_name=_("counties"))
    languages = ArrayField(
        models.CharField(max_length=10, choices=Language.choices), default=list, verbose_name=_("languages")
    )
    kinds = ArrayField(
        models.CharField(max_length=20, choices=VolunteerKind.choices), default=list, verbose_name=_("kinds")
    )
    motivation = models.TextField(_("motivation"), max_length=2000, blank=True, default="")
    status = models.CharField(
        _("status"), max_length=12, choices=VolunteerStatus.choices, default=VolunteerStatus.APPLIED
    )
    applied_at = models.DateTimeField(_("applied"), auto_now_add=True)
    interviewed_on = models.DateField(_("interviewed"), null=True, blank=True)
    background_checked_on = models.DateField(_("background check"), null=True, blank=True)
    background_check = models.CharField(
        _("background check result"), max_length=10, choices=BackgroundCheck.choices, blank=True, default=""
    )
    base_training_on = models.DateField(_("base training completed"), null=True, blank=True)
    agreement_signed_on = models.DateField(_("agreement signed"), null=True, blank=True)
    pledge_signed_on = models.DateField(_("confidentiality pledge signed"), null=True, blank=True)
    closed_on = models.DateField(_("closed"), null=True, blank=True)
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervised_volunteers",
        verbose_name=_("supervisor"),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="volunteer",
        verbose_name=_("user account"),
    )
    iban = models.CharField(
        _("bank account (IBAN)"),
        max_length=34,
        blank=True,
        default="",
        validators=[validate_iban],
        help_text=_("For the reimbursement of expenses."),
    )
    conflicts = models.TextField(
        _("declared conflicts of interest"),
        blank=True,
        default="",
        help_text=_("People or organisations the volunteer must not be assigned to, as the volunteer declared them."),
    )
    version = models.PositiveIntegerField(default=1)
    history = history()

    objects = guarded(VOLUNTEER_POLICY)

    class Meta:
        ordering = ["last_name", "first_name", "pk"]
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        indexes = [models.Index(fields=["status", "region"], name="volunteer_status_region_idx")]
        constraints = [
            models.CheckConstraint(
                name="volunteer_check_has_date_and_result",
                condition=Q(background_checked_on__isnull=True, background_check="")
                | Q(background_checked_on__isnull=False, background_check__in=BackgroundCheck.values),
            ),
            # Nobody works as a volunteer without the check passed, the base training and both signatures.
            models.CheckConstraint(
                name="volunteer_active_is_complete",
                condition=~Q(status__in=["active", "paused"])
                | Q(
                    background_check="clear",
                    base_training_on__isnull=False,
                    agreement_signed_on__isnull=False,
                    pledge_signed_on__isnull=False,
                ),
            ),
            models.CheckConstraint(
                name="volunteer_closed_has_date",
                condition=~Q(status__in=["left", "rejected", "withdrawn"]) | Q(closed_on__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def kind_labels(self) -> list[str]:
        labels = dict(VolunteerKind.choices)
        return [labels.get(kind, kind) for kind in self.kinds]

    @property
    def language_labels(self) -> list[str]:
        labels = dict(Language.choices)
        return [labels.get(language, language) for language in self.languages]

    @property
    def next_statuses(self) -> tuple[str, ...]:
        return NEXT_STATUSES[self.status]


class VolunteerStep(models.Model):
    """One step of the pipeline: what happened, on which day, recorded by whom and when."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="steps")
    status = models.CharField(_("step"), max_length=12, choices=VolunteerStatus.choices)
    happened_on = models.DateField(_("date"))
    note = models.TextField(_("note"), max_length=2000, blank=True, default="")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = history()

    objects = guarded(Follows("volunteer", target="volunteers.Volunteer"))

    class Meta:
        ordering = ["recorded_at", "pk"]
        verbose_name = _("pipeline step")
        verbose_name_plural = _("pipeline steps")

    def __str__(self) -> str:
        return f"{self.get_status_display()} {self.happened_on:%d.%m.%Y}"
