"""Psychosocial crisis response: one event (an accident, a fire, an attack), many people. The region's
managers open it at any hour and keep a roster of helpers (staff and crisis volunteers) with shifts;
helpers register affected people from a phone with minimal data, log psychological first aid in one tap,
and follow up: a case, a referral elsewhere, or closed."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crisis.policies import OnRoster
from victimsupport.history import history
from victimsupport.models import Region, Role
from victimsupport.permissions import AnyOf, Follows, RoleAndRegion, guarded
from victimsupport.status import status_properties

MANAGERS = (Role.REGIONAL_MANAGER,)
EVENT_POLICY = AnyOf(
    RoleAndRegion({"view": MANAGERS, "change": MANAGERS, "assign": MANAGERS}),
    OnRoster(actions=("view", "change")),
)


class EventStatus(models.TextChoices):
    OPEN = "open", _("under way")
    CLOSED = "closed", _("closed")


@status_properties
class CrisisEvent(models.Model):
    STATUS_TONES = {"open": "warn", "closed": "ok"}

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    title = models.CharField(_("what happened"), max_length=200)
    place = models.CharField(_("where"), max_length=200)
    started_at = models.DateTimeField(_("when"))
    lead_agency = models.CharField(
        _("lead agency"), max_length=200, help_text=_("E.g. Päästeamet, Politsei- ja Piirivalveamet.")
    )
    contact_point = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("our contact point"),
        help_text=_("Who the lead agency calls at the Social Insurance Board."),
    )
    notes = models.TextField(_("notes"), max_length=4000, blank=True, default="")
    status = models.CharField(_("status"), max_length=10, choices=EventStatus.choices, default=EventStatus.OPEN)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)
    history = history()

    objects = guarded(EVENT_POLICY)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("crisis event")
        verbose_name_plural = _("crisis events")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="open", closed_at__isnull=True)
                | models.Q(status="closed", closed_at__isnull=False),
                name="crisisevent_closed_with_time",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def reference(self) -> str:
        return f"K-{self.pk}" if self.pk else ""


class RosterEntry(models.Model):
    """A helper on the event's roster, with a shift (open-ended while they are there)."""

    event = models.ForeignKey(CrisisEvent, on_delete=models.PROTECT, related_name="roster")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField(_("shift starts"))
    ends_at = models.DateTimeField(_("shift ends"), null=True, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = history()

    objects = guarded(Follows("event", target="crisis.CrisisEvent"))

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("roster entry")
        verbose_name_plural = _("roster")
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="roster_once_per_event"),
            models.CheckConstraint(
                condition=models.Q(ends_at__isnull=True) | models.Q(ends_at__gt=models.F("starts_at")),
                name="roster_shift_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)


class Category(models.TextChoices):
    AFFECTED = "affected", _("directly affected")
    RELATIVE = "relative", _("relative")
    WITNESS = "witness", _("witness")
    RESPONDER = "responder", _("responder")


class Need(models.TextChoices):
    INFORMATION = "information", _("information")
    FIRST_AID = "first_aid", _("psychological first aid")
    PRACTICAL = "practical", _("practical help")
    MEDICAL = "medical", _("medical help")
    CHILDREN = "children", _("care for children")
    SHELTER = "shelter", _("a place to stay")


class RegistrationStatus(models.TextChoices):
    WAITING = "waiting", _("waiting")
    SEEN = "seen", _("seen")
    CLOSED = "closed", _("closed")


class Outcome(models.TextChoices):
    CASE = "case", _("a victim-support case opened")
    REFERRED = "referred", _("referred elsewhere")
    NO_FURTHER_HELP = "no_further_help", _("no further help needed")


@status_properties
class Registration(models.Model):
    """An affected person, as little as is needed: a name or a description, a contact if given."""

    STATUS_TONES = {"waiting": "warn", "seen": "info", "closed": "ok"}

    event = models.ForeignKey(CrisisEvent, on_delete=models.PROTECT, related_name="registrations")
    who = models.CharField(
        _("name or description"), max_length=200, help_text=_("E.g. Mari Tamm, or: woman in a red coat, about 40.")
    )
    contact = models.CharField(_("contact, if given"), max_length=200, blank=True, default="")
    category = models.CharField(_("affected as"), max_length=20, choices=Category.choices)
    needs = ArrayField(
        models.CharField(max_length=20, choices=Need.choices), default=list, blank=True, verbose_name=_("needs")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RegistrationStatus.choices, default=RegistrationStatus.WAITING
    )
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True, default="")
    referred_to = models.CharField(_("referred to"), max_length=200, blank=True, default="")
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("case")
    )
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    history = history()

    objects = guarded(Follows("event", target="crisis.CrisisEvent"))

    class Meta:
        ordering = ["registered_at", "id"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        indexes = [models.Index(fields=["event", "status"], name="crisisreg_event_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="closed") | (models.Q(closed_at__isnull=False) & ~models.Q(outcome="")),
                name="crisisreg_closed_with_outcome",
            ),
            models.CheckConstraint(
                condition=~models.Q(outcome="case") | models.Q(case__isnull=False), name="crisisreg_case_outcome"
            ),
        ]

    def __str__(self) -> str:
        return self.who

    @property
    def reference(self) -> str:
        return f"KR-{self.pk}" if self.pk else ""

    @property
    def need_labels(self) -> list[str]:
        return [str(Need(need).label) for need in self.needs if need in Need.values]


class FirstAidContact(models.Model):
    """Psychological first aid given: logged in one tap, a note if there is time."""

    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="contacts")
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("note"), max_length=500, blank=True, default="")
    history = history()

    objects = guarded(Follows("registration__event", target="crisis.CrisisEvent"))

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("first aid contact")
        verbose_name_plural = _("first aid contacts")

    def __str__(self) -> str:
        return f"{self.at:%d.%m.%Y %H:%M}"
