"""The yearly plan of prevention and development work for partners: projects (aim, method, timeline,
budget and what was spent), activities (trainings, information events, campaigns, e-courses) with their
topic, audience, trainer, place, participants by agency and materials, and the participants' anonymous
answers: feedback and a knowledge check before and after, on surveys whose questions are data
(reporting.Survey)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marac.models import AgencyKind
from prevention.models.materials import Material
from victimsupport.history import history
from victimsupport.status import status_properties


class PreventionPlan(models.Model):
    year = models.PositiveSmallIntegerField(
        _("year"), unique=True, validators=[MinValueValidator(2020), MaxValueValidator(2100)]
    )
    aims = models.TextField(_("aims of the year"), max_length=4000)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)
    history = history()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("prevention plan")
        verbose_name_plural = _("prevention plans")
        constraints = [
            models.CheckConstraint(condition=models.Q(year__gte=2020, year__lte=2100), name="plan_year_range")
        ]

    def __str__(self) -> str:
        return str(self.year)


class Project(models.Model):
    plan = models.ForeignKey(PreventionPlan, on_delete=models.PROTECT, related_name="projects", verbose_name=_("plan"))
    name = models.CharField(_("name"), max_length=200)
    aim = models.TextField(_("aim"), max_length=2000)
    method = models.TextField(_("method"), max_length=2000)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    budget = models.DecimalField(_("budget"), max_digits=10, decimal_places=2, validators=[MinValueValidator(0)])
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("responsible")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)
    history = history()

    class Meta:
        ordering = ["starts_on", "name", "id"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        constraints = [
            models.UniqueConstraint(fields=["plan", "name"], name="project_name_in_plan"),
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="project_timeline"),
            models.CheckConstraint(condition=models.Q(budget__gte=0), name="project_budget_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name


class Expense(models.Model):
    """Money spent on a project (recorded, never edited: a correction is a negative line)."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="expenses")
    spent_on = models.DateField(_("date"))
    description = models.CharField(_("what for"), max_length=300)
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    history = history()

    class Meta:
        ordering = ["spent_on", "id"]
        verbose_name = _("expense")
        verbose_name_plural = _("expenses")
        constraints = [models.CheckConstraint(condition=~models.Q(amount=0), name="expense_not_zero")]

    def __str__(self) -> str:
        return f"{self.project} {self.amount}"


class ActivityKind(models.TextChoices):
    TRAINING = "training", _("training")
    INFORMATION_EVENT = "information_event", _("information event")
    CAMPAIGN = "campaign", _("campaign")
    E_COURSE = "e_course", _("e-course")


class Topic(models.TextChoices):
    DOMESTIC_VIOLENCE = "domestic_violence", _("domestic violence")
    SEXUAL_VIOLENCE = "sexual_violence", _("sexual violence")
    CHILDREN = "children", _("children as victims and witnesses")
    TRAFFICKING = "trafficking", _("human trafficking")
    VICTIMS_RIGHTS = "victims_rights", _("victims' rights and services")
    RISK_ASSESSMENT = "risk_assessment", _("risk assessment and MARAC")
    CRISIS = "crisis", _("psychosocial crisis help")
    OTHER = "other", _("other topic")


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    HELD = "held", _("held")
    CANCELLED = "cancelled", _("cancelled")


def new_answer_key() -> str:
    return secrets.token_urlsafe(12)


@status_properties
class Activity(models.Model):
    STATUS_TONES = {"held": "ok", "cancelled": "warn"}

    plan = models.ForeignKey(PreventionPlan, on_delete=models.PROTECT, related_name="activities")
    project = models.ForeignKey(
        Project,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("project"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ActivityKind.choices)
    title = models.CharField(_("title"), max_length=200)
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    audiences = ArrayField(
        models.CharField(max_length=20, choices=AgencyKind.choices), verbose_name=_("for whom"), default=list
    )
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("trainer (staff)"),
    )
    trainer_name = models.CharField(
        _("trainer (from outside)"), max_length=200, blank=True, default="", help_text=_("Name and organisation.")
    )
    held_on = models.DateField(_("date"), help_text=_("The first day of a campaign or an e-course."))
    ends_on = models.DateField(_("last day"), null=True, blank=True, help_text=_("For a campaign or an e-course."))
    online = models.BooleanField(_("online"), default=False)
    place = models.CharField(_("place"), max_length=200, blank=True, default="")
    status = models.CharField(
        _("status"), max_length=10, choices=ActivityStatus.choices, default=ActivityStatus.PLANNED
    )
    materials = models.ManyToManyField(Material, blank=True, related_name="+", verbose_name=_("materials"))
    feedback_survey = models.ForeignKey(
        "reporting.Survey",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="feedback_activities",
        verbose_name=_("feedback form"),
        limit_choices_to={"purpose": "training_feedback"},
    )
    knowledge_check = models.ForeignKey(
        "reporting.Survey",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="check_activities",
        verbose_name=_("knowledge check"),
        limit_choices_to={"purpose": "knowledge_check"},
    )
    # The participants' answer links carry this key (shown on the screen or printed as a QR code).
    answer_key = models.CharField(max_length=32, unique=True, default=new_answer_key, editable=False)
    answers_open = models.BooleanField(_("answers are taken"), default=False)
    notes = models.TextField(_("notes"), max_length=4000, blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)
    history = history()

    class Meta:
        ordering = ["held_on", "id"]
        verbose_name = _("prevention activity")
        verbose_name_plural = _("prevention activities")
        indexes = [models.Index(fields=["plan", "held_on"], name="activity_plan_date_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(trainer__isnull=False) | ~models.Q(trainer_name=""), name="activity_has_trainer"
            ),
            models.CheckConstraint(condition=models.Q(online=True) | ~models.Q(place=""), name="activity_has_place"),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("held_on")),
                name="activity_ends_after_start",
            ),
            models.CheckConstraint(condition=~models.Q(audiences=[]), name="activity_has_audience"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def trainer_label(self) -> str:
        names = [self.trainer.get_full_name() if self.trainer_id else "", self.trainer_name]
        return ", ".join(name for name in names if name)

    @property
    def audience_labels(self) -> list[str]:
        return [str(AgencyKind(kind).label) for kind in self.audiences if kind in AgencyKind.values]


class Participation(models.Model):
    """How many took part from one kind of agency."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="participants")
    agency_kind = models.CharField(_("agency"), max_length=20, choices=AgencyKind.choices)
    count = models.PositiveIntegerField(_("participants"))
    history = history()

    class Meta:
        ordering = ["agency_kind"]
        verbose_name = _("participants from an agency")
        verbose_name_plural = _("participants by agency")
        constraints = [
            models.UniqueConstraint(fields=["activity", "agency_kind"], name="participation_one_per_agency"),
            models.CheckConstraint(condition=models.Q(count__gt=0), name="participation_count_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.activity} {self.agency_kind} {self.count}"


class AnswerPhase(models.TextChoices):
    BEFORE = "before", _("knowledge before")
    AFTER = "after", _("knowledge after")
    FEEDBACK = "feedback", _("feedback")


class ActivityAnswer(models.Model):
    """One participant's anonymous answers: where they work (if they said), the day, nothing else. A
    knowledge check's answers are scored when given (right answers out of the statements)."""

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="answers")
    survey = models.ForeignKey("reporting.Survey", on_delete=models.PROTECT, related_name="training_answers")
    phase = models.CharField(max_length=10, choices=AnswerPhase.choices)
    agency_kind = models.CharField(max_length=20, choices=AgencyKind.choices, blank=True, default="")
    language = models.CharField(max_length=2)
    answers = models.JSONField(default=dict, blank=True)  # {question id (text): 1..5, "yes"/"no", or text}
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    out_of = models.PositiveSmallIntegerField(null=True, blank=True)
    submitted_on = models.DateField(default=timezone.localdate)

    class Meta:
        verbose_name = _("participant's answer")
        verbose_name_plural = _("participants' answers")
        indexes = [models.Index(fields=["activity", "phase"], name="answer_activity_phase_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(phase="feedback", score__isnull=True, out_of__isnull=True)
                | ~models.Q(phase="feedback") & models.Q(score__lte=models.F("out_of"), out_of__gt=0),
                name="answer_scored_when_checked",
            )
        ]

    def __str__(self) -> str:
        return f"{self.activity} {self.phase}"
