"""Case work: contacts and counselling sessions, notes, the case plan, tasks and documents."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.choices import ContactChannel, ContactKind
from cases.models.cases import Case
from victimsupport.history import history


class Contact(models.Model):
    """A contact with the client or about the case: counselling sessions and other contacts."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="contacts")
    happened_at = models.DateTimeField(_("time"))
    duration_minutes = models.PositiveIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(1), MaxValueValidator(24 * 60)]
    )
    channel = models.CharField(_("channel"), max_length=20, choices=ContactChannel.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=ContactKind.choices)
    summary = models.TextField(_("summary"), blank=True, default="")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    history = history()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-happened_at", "-id"]
        indexes = [
            models.Index(fields=["case", "-happened_at"], name="contact_case_time_idx"),
            models.Index(fields=["recorded_by", "-happened_at"], name="contact_user_time_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gte=1, duration_minutes__lte=24 * 60),
                name="contact_duration_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.happened_at:%d.%m.%Y}"


class Note(models.Model):
    """A case note. A restricted note is read only by its author, the responsible specialist and
    the regional managers."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField(_("note"))
    restricted = models.BooleanField(
        _("restricted"),
        default=False,
        help_text=_("Only you, the responsible specialist and the regional managers can read it."),
    )
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(default=timezone.now)
    history = history()

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["-written_at", "-id"]
        indexes = [models.Index(fields=["case", "-written_at"], name="note_case_time_idx")]

    def __str__(self) -> str:
        return f"{_('note')} {self.written_at:%d.%m.%Y}"


class PlanItemKind(models.TextChoices):
    NEED = "need", _("need")
    GOAL = "goal", _("goal")


class PlanItemStatus(models.TextChoices):
    OPEN = "open", _("open")
    MET = "met", _("met")
    DROPPED = "dropped", _("dropped")


class PlanItem(models.Model):
    """A need or a goal in the case plan (juhtumiplaan)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="plan_items")
    kind = models.CharField(_("kind"), max_length=10, choices=PlanItemKind.choices)
    text = models.CharField(_("description"), max_length=500)
    status = models.CharField(_("status"), max_length=10, choices=PlanItemStatus.choices, default=PlanItemStatus.OPEN)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    history = history()

    class Meta:
        verbose_name = _("case plan item")
        verbose_name_plural = _("case plan")
        ordering = ["kind", "created_at", "id"]

    def __str__(self) -> str:
        return self.text


class Task(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("task"), max_length=300)
    due_on = models.DateField(_("due date"))
    # Empty when nobody in the case's region holds it (after a transfer): the region's managers see it.
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="case_tasks",
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
    )
    remind_on = models.DateField(_("reminder date"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    history = history()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["assigned_to", "due_on"], name="task_open_due_idx", condition=models.Q(done_at=None)),
            models.Index(fields=["case", "due_on"], name="task_case_due_idx"),
            # Open tasks by due date, for the region's overdue list.
            models.Index(fields=["due_on", "id"], name="task_due_idx", condition=models.Q(done_at=None)),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        return self.done_at is None and self.due_on < timezone.localdate()


class Attachment(models.Model):
    """A document stored with the case, with its access restriction marking (AK)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(_("file"), upload_to="cases/%Y/%m/", max_length=300)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    # From criminal proceedings (AvTS § 35(1)(1)): reads are restricted (P) for the Data Tracker.
    from_proceedings = models.BooleanField(_("from criminal proceedings"), default=False)
    restriction_basis = models.CharField(_("restriction basis"), max_length=100)
    restricted_until = models.DateField(_("restricted until"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    history = history()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-uploaded_at", "-id"]
        indexes = [models.Index(fields=["case", "-uploaded_at"], name="attachment_case_time_idx")]

    def __str__(self) -> str:
        return self.title


class CaseEventKind(models.TextChoices):
    OPENED = "opened", _("case opened")
    ASSIGNED = "assigned", _("responsible specialist changed")
    TRANSFERRED = "transferred", _("transferred to another region")
    CLOSED = "closed", _("case closed")
    REOPENED = "reopened", _("case reopened")
    SEALED = "sealed", _("case sealed")
    UNSEALED = "unsealed", _("case unsealed")
    PARTY_ADDED = "party_added", _("person added to the case")


class CaseEvent(models.Model):
    """What happened to the case itself, for the timeline (the full record is in the history)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=CaseEventKind.choices)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    detail = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["case", "-at"], name="caseevent_case_time_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%d.%m.%Y}"
