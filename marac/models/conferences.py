"""MARAC cases (a referral of a victim to the network), meetings with their agendas and attendance,
the minutes per case, and the action plan.

Partners see a MARAC case only while it is on an agenda of their network, not closed, and their
membership lasts; they never see the victim support case behind it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marac.models.networks import ORGANISERS, STAFF_READERS, Agency, AgencyKind, Membership, Network
from marac.policies import ActiveMember, MemberOnAgenda, OwnAction
from victimsupport.history import history
from victimsupport.permissions import AnyOf, Follows, PerAction, RoleAndRegion, guarded
from victimsupport.status import status_properties


class LegalBasis(models.TextChoices):
    CONSENT = "consent", _("the victim's consent")
    VICTIM_SUPPORT_ACT = "oas_10", _("Victim Support Act § 10(1): high risk to life or health")
    CHILD_PROTECTION = "lasteks", _("Child Protection Act § 27: a child in danger")
    OTHER = "other", _("another basis (named in the note)")


class MaracStatus(models.TextChoices):
    REFERRED = "referred", _("referred")
    HEARD = "heard", _("heard at a meeting")
    CLOSED = "closed", _("closed")


@status_properties
class MaracCase(models.Model):
    """A referral of a victim to a MARAC network, from a risk assessment (its answers, level and reasons
    are read from the assessment, never typed again)."""

    STATUS_TONES = {MaracStatus.REFERRED: "warn", MaracStatus.HEARD: "info", MaracStatus.CLOSED: "ok"}

    network = models.ForeignKey(Network, on_delete=models.PROTECT, related_name="cases", verbose_name=_("network"))
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="marac_cases", verbose_name=_("case"))
    person = models.ForeignKey("cases.Person", on_delete=models.PROTECT, related_name="marac_cases")
    assessment = models.OneToOneField(
        "marac.RiskAssessment", on_delete=models.PROTECT, related_name="marac_case", verbose_name=_("risk assessment")
    )
    level = models.CharField(_("risk level"), max_length=10)
    referred_on = models.DateField(_("referred on"))
    referred_by = models.CharField(
        _("referring agency"), max_length=20, choices=AgencyKind.choices, default=AgencyKind.VICTIM_SUPPORT
    )
    referred_by_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    legal_basis = models.CharField(_("legal basis for sharing"), max_length=20, choices=LegalBasis.choices)
    legal_basis_note = models.CharField(_("note on the legal basis"), max_length=500, blank=True, default="")
    is_repeat = models.BooleanField(_("repeat"), default=False)
    previous = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="repeats",
        verbose_name=_("previous referral"),
    )
    status = models.CharField(_("status"), max_length=10, choices=MaracStatus.choices, default=MaracStatus.REFERRED)
    first_heard_on = models.DateField(_("first heard"), null=True, blank=True)
    closed_on = models.DateField(_("closed"), null=True, blank=True)
    closure_note = models.CharField(_("closure note"), max_length=500, blank=True, default="")
    referral_letter = models.OneToOneField(
        "victimsupport.RegisteredDocument", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    notification_sheet = models.OneToOneField(
        "victimsupport.RegisteredDocument", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    history = history()

    objects = guarded(
        PerAction(
            {"view": AnyOf(Follows("case"), RoleAndRegion(ORGANISERS, "network__county__region"), MemberOnAgenda())},
            default=RoleAndRegion(ORGANISERS, "network__county__region"),
        )
    )

    class Meta:
        ordering = ["-referred_on", "-pk"]
        verbose_name = _("MARAC case")
        verbose_name_plural = _("MARAC cases")
        default_permissions = ("view", "change")
        indexes = [
            models.Index(fields=["person", "-referred_on"], name="marac_case_person_idx"),
            models.Index(fields=["network", "status"], name="marac_case_network_idx"),
            # The list's orders (by referral, newest or oldest first; by status, then newest or the whole list
            # backwards): a page reads its 25 rows, not every case.
            models.Index(fields=["referred_on", "id"], name="marac_case_referred_idx"),
            models.Index(fields=["status", "-referred_on", "-id"], name="marac_case_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                name="marac_case_closed_has_date",
                condition=Q(status=MaracStatus.CLOSED, closed_on__isnull=False)
                | (~Q(status=MaracStatus.CLOSED) & Q(closed_on=None)),
            ),
            models.CheckConstraint(
                name="marac_case_repeat_has_previous", condition=Q(is_repeat=False) | Q(previous__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"M-{self.pk}"


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    HELD = "held", _("held")
    CANCELLED = "cancelled", _("cancelled")


@status_properties
class Meeting(models.Model):
    STATUS_TONES = {MeetingStatus.PLANNED: "info", MeetingStatus.HELD: "ok", MeetingStatus.CANCELLED: "warn"}

    network = models.ForeignKey(Network, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("network"))
    starts_at = models.DateTimeField(_("time"))
    place = models.CharField(_("place"), max_length=200, blank=True, default="")
    status = models.CharField(_("status"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED)
    agenda_sent_at = models.DateTimeField(_("agenda sent"), null=True, blank=True)
    agenda_document = models.ForeignKey(
        "victimsupport.RegisteredDocument", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    minutes_document = models.OneToOneField(
        "victimsupport.RegisteredDocument", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    attendees = models.ManyToManyField(
        Membership, blank=True, related_name="meetings_attended", verbose_name=_("present")
    )
    version = models.PositiveIntegerField(default=1)
    history = history(m2m_fields=[attendees])

    objects = guarded(
        PerAction(
            {"view": AnyOf(RoleAndRegion(STAFF_READERS, "network__county__region"), ActiveMember("network"))},
            default=RoleAndRegion(ORGANISERS, "network__county__region"),
        )
    )

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("MARAC meeting")
        verbose_name_plural = _("MARAC meetings")
        default_permissions = ("view", "change")
        indexes = [models.Index(fields=["network", "starts_at"], name="marac_meeting_network_idx")]

    def __str__(self) -> str:
        return f"{self.network} {timezone.localtime(self.starts_at):%d.%m.%Y}"

    @property
    def held_on(self):
        return timezone.localtime(self.starts_at).date()


class ItemKind(models.TextChoices):
    NEW = "new", _("new")
    REPEAT = "repeat", _("repeat")
    REVIEW = "review", _("review of actions")


# The agenda's order: new and repeat cases first, then the reviews.
ITEM_ORDER = {ItemKind.NEW: 0, ItemKind.REPEAT: 0, ItemKind.REVIEW: 1}


class AgendaItem(models.Model):
    """A MARAC case on a meeting's agenda, and the minutes of its discussion."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="items", verbose_name=_("meeting"))
    referral = models.ForeignKey(
        MaracCase, on_delete=models.PROTECT, related_name="agenda_items", verbose_name=_("MARAC case")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ItemKind.choices)
    position = models.PositiveIntegerField(_("position"), default=0)
    shared_info = models.TextField(_("information shared"), max_length=10000, blank=True, default="")
    risks = models.TextField(_("risks identified"), max_length=10000, blank=True, default="")
    decisions = models.TextField(_("decisions"), max_length=10000, blank=True, default="")
    version = models.PositiveIntegerField(default=1)
    history = history()

    # The minutes: the network's members (while the case is open) and the case's victim support staff.
    objects = guarded(
        PerAction(
            {
                "view": AnyOf(
                    Follows("referral__case"),
                    RoleAndRegion(ORGANISERS, "meeting__network__county__region"),
                    MemberOnAgenda("referral"),
                )
            },
            default=RoleAndRegion(ORGANISERS, "meeting__network__county__region"),
        )
    )

    class Meta:
        ordering = ["meeting", "position", "pk"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        default_permissions = ("view", "change")
        constraints = [models.UniqueConstraint(fields=["meeting", "referral"], name="marac_agenda_case_once")]

    def __str__(self) -> str:
        return f"{self.meeting}: {self.referral}"

    @property
    def has_minutes(self) -> bool:
        return bool(self.shared_info or self.risks or self.decisions)


class ActionStatus(models.TextChoices):
    OPEN = "open", _("open")
    DONE = "done", _("done")
    NOT_DONE = "not_done", _("could not be done")
    CANCELLED = "cancelled", _("cancelled")


@status_properties
class Action(models.Model):
    """An action of the plan: what an agency (and a member of it) does, by when, and how it went."""

    STATUS_TONES = {
        ActionStatus.OPEN: "info",
        ActionStatus.DONE: "ok",
        ActionStatus.NOT_DONE: "danger",
        ActionStatus.CANCELLED: "warn",
    }

    referral = models.ForeignKey(
        MaracCase, on_delete=models.PROTECT, related_name="actions", verbose_name=_("MARAC case")
    )
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.PROTECT, null=True, blank=True, related_name="actions", verbose_name=_("agreed at")
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="actions", verbose_name=_("agency"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="marac_actions",
        verbose_name=_("responsible member"),
    )
    description = models.TextField(_("action"), max_length=2000)
    due_on = models.DateField(_("deadline"))
    status = models.CharField(_("status"), max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    outcome = models.TextField(_("outcome"), max_length=4000, blank=True, default="")
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1)
    history = history()

    objects = guarded(
        PerAction(
            {"view": Follows("referral", target="marac.MaracCase")},
            default=AnyOf(RoleAndRegion(ORGANISERS, "referral__network__county__region"), OwnAction()),
        )
    )

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        default_permissions = ("view", "change")
        indexes = [
            models.Index(fields=["due_on"], name="marac_action_open_due_idx", condition=Q(status="open")),
            models.Index(fields=["owner", "status"], name="marac_action_owner_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                name="marac_action_completed_date",
                condition=Q(status__in=["open", "cancelled"]) | Q(completed_on__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.description[:60]

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_on < timezone.localdate()

    @property
    def on_time(self) -> bool | None:
        if not self.is_done:
            return None
        return self.completed_on <= self.due_on


class CountyPopulation(models.Model):
    """Adult women living in a county in a year (reference data for "cases per 10,000 adult women")."""

    county = models.ForeignKey(
        "victimsupport.County", on_delete=models.PROTECT, related_name="+", verbose_name=_("county")
    )
    year = models.PositiveIntegerField(_("year"))
    adult_women = models.PositiveIntegerField(_("adult women"))
    source = models.CharField(_("source"), max_length=200, blank=True, default="")
    history = history()

    class Meta:
        ordering = ["-year", "county__name"]
        verbose_name = _("county population")
        verbose_name_plural = _("county populations")
        constraints = [models.UniqueConstraint(fields=["county", "year"], name="marac_population_unique")]

    def __str__(self) -> str:
        return f"{self.county} {self.year}"
