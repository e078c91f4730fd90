"""Statistics: monthly figures per county computed by a worker (no personal data), and a record of each
computation."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from victimsupport.history import history
from victimsupport.models import County, Region


class StatisticsRun(models.Model):
    """One computation of a year's monthly figures (nightly, or asked for by a user)."""

    year = models.PositiveSmallIntegerField(_("year"))
    computed_at = models.DateTimeField(default=timezone.now)
    # Empty for the nightly run.
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    seconds = models.FloatField(default=0)
    # What was counted: {"figures": rows written, "measures": {measure: rows}}.
    data = models.JSONField(default=dict)
    # The figures hidden from users who may not see the cases behind them (reporting.protection), as
    # [period, area, table, category] cells; empty (None) for a run made before they were kept.
    protected = models.JSONField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-computed_at"]
        verbose_name = _("statistics run")
        verbose_name_plural = _("statistics runs")
        indexes = [models.Index(fields=["year", "-computed_at"], name="statsrun_year_idx")]

    def __str__(self) -> str:
        return f"{self.year} ({self.computed_at:%d.%m.%Y %H:%M})"


class MonthlyFigure(models.Model):
    """A count or a sum of one month in one county (or, for figures kept per region, one region), by one
    category (a crime type, a channel, ...; empty when the measure has none). Figures of a year are
    replaced as a whole by each run, so any period made of whole months is a sum of rows."""

    month = models.DateField()  # the first day
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    measure = models.CharField(max_length=40)
    category = models.CharField(max_length=40, blank=True, default="")
    value = models.DecimalField(max_digits=18, decimal_places=2)

    class Meta:
        verbose_name = _("monthly figure")
        verbose_name_plural = _("monthly figures")
        indexes = [models.Index(fields=["month", "region"], name="figure_month_region_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["month", "region", "county", "measure", "category"],
                name="figure_one_per_cell",
                nulls_distinct=False,
            ),
            models.CheckConstraint(name="figure_month_first_day", condition=models.Q(month__day=1)),
        ]

    def __str__(self) -> str:
        return f"{self.month:%m.%Y} {self.measure} {self.category}: {self.value}"


class YearlyReport(models.Model):
    """The yearly report of a year in one language: a registered public document (figures only, small
    counts hidden). Made again, it is a new document that supersedes the earlier one."""

    year = models.PositiveSmallIntegerField(_("year"))
    language = models.CharField(_("language"), max_length=8)
    document = models.OneToOneField(
        "victimsupport.RegisteredDocument", on_delete=models.PROTECT, related_name="+", verbose_name=_("document")
    )
    # The job that made it: a second run of the same job finds the report instead of making another.
    job = models.OneToOneField("victimsupport.Job", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-year", "-created_at"]
        verbose_name = _("yearly report")
        verbose_name_plural = _("yearly reports")

    def __str__(self) -> str:
        return f"{self.year} ({self.language})"


# --- anonymous client feedback ---------------------------------------------------------------------------

SURVEY_LANGUAGES = ("et", "ru", "en")


class FeedbackService(models.TextChoices):
    COUNSELLING = "counselling", _("counselling by victim support")
    AID = "aid", _("mental-health aid")
    VOLUNTEER = "volunteer", _("a support person (volunteer)")
    MARAC = "marac", _("MARAC")
    OTHER = "other", _("other help")


class QuestionKind(models.TextChoices):
    SCALE = "scale", _("a scale from 1 to 5")
    YES_NO = "yes_no", _("yes or no")
    TEXT = "text", _("free text")


class SurveyPurpose(models.TextChoices):
    CLIENT_FEEDBACK = "client_feedback", _("clients' feedback on a service")
    TRAINING_FEEDBACK = "training_feedback", _("participants' feedback on a training")
    KNOWLEDGE_CHECK = "knowledge_check", _("a knowledge check before and after a training")


class Survey(models.Model):
    """A questionnaire whose questions are data, in Estonian, Russian and English: the clients' feedback
    (one offered at a time), or a training's feedback or knowledge check (prevention.Activity chooses
    its own). A new version is a new survey; answers keep the survey they were given to."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    purpose = models.CharField(
        _("purpose"), max_length=20, choices=SurveyPurpose.choices, default=SurveyPurpose.CLIENT_FEEDBACK
    )
    title_et = models.CharField(_("title (Estonian)"), max_length=200)
    title_ru = models.CharField(_("title (Russian)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    active = models.BooleanField(
        _("offered"), default=False, help_text=_("Clients' feedback: the one offered. Trainings: offered to choose.")
    )
    created_at = models.DateTimeField(default=timezone.now)
    history = history()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("feedback survey")
        verbose_name_plural = _("feedback surveys")
        constraints = [
            models.UniqueConstraint(
                fields=["active"],
                condition=models.Q(active=True, purpose="client_feedback"),
                name="one_active_client_survey",
            )
        ]

    def __str__(self) -> str:
        return self.title_et

    def title(self, language: str) -> str:
        return getattr(self, f"title_{language}", "") or self.title_et

    def has_answers(self) -> bool:
        """Answers refer to its questions: then they stay as they are (a change is a new survey)."""
        return self.responses.exists() or self.training_answers.exists()

    def in_use(self) -> bool:
        """Answered, or chosen: its purpose stays (links given out, activities that chose it)."""
        return (
            self.has_answers()
            or FeedbackInvitation.objects.filter(survey=self).exists()
            or self.feedback_activities.exists()
            or self.check_activities.exists()
        )


class SurveyQuestion(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices)
    text_et = models.CharField(_("question (Estonian)"), max_length=300)
    text_ru = models.CharField(_("question (Russian)"), max_length=300)
    text_en = models.CharField(_("question (English)"), max_length=300)
    required = models.BooleanField(_("an answer is required"), default=False)
    # A knowledge check's statement is true ("yes") or false ("no"): an answer scores when it agrees.
    correct_answer = models.CharField(
        _("the right answer"), max_length=3, blank=True, default="", choices=[("yes", _("yes")), ("no", _("no"))]
    )
    version = models.PositiveIntegerField(default=1)
    history = history()

    class Meta:
        ordering = ["survey", "position"]
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")
        constraints = [
            models.UniqueConstraint(fields=["survey", "position"], name="survey_question_position"),
            models.CheckConstraint(
                condition=models.Q(correct_answer="") | models.Q(kind="yes_no"),
                name="survey_question_answer_yes_no",
            ),
        ]

    def __str__(self) -> str:
        return self.text_et

    def text(self, language: str) -> str:
        return getattr(self, f"text_{language}", "") or self.text_et


class FeedbackInvitation(models.Model):
    """A one-time link. Only a hash of its token is kept, and nothing that leads back to the client: not
    the case, not who gave it, not the day (only the month, the region and the service). Deleted when it
    is used."""

    token_hash = models.CharField(max_length=64, unique=True)
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    service = models.CharField(max_length=20, choices=FeedbackService.choices)
    month = models.DateField()
    expires_on = models.DateField()

    class Meta:
        verbose_name = _("feedback invitation")
        verbose_name_plural = _("feedback invitations")
        constraints = [models.CheckConstraint(name="invitation_month_first_day", condition=models.Q(month__day=1))]

    def __str__(self) -> str:
        return f"{self.region} {self.service} {self.month:%m.%Y}"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()


class FeedbackResponse(models.Model):
    """The answers of one client, with the invitation's region, service and month only (no link to the
    invitation either, so not even the link's expiry ties it to a day)."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    service = models.CharField(max_length=20, choices=FeedbackService.choices)
    month = models.DateField()
    language = models.CharField(max_length=2)
    answers = models.JSONField(default=dict)  # {question id (text): 1..5, "yes"/"no", or text}

    class Meta:
        verbose_name = _("feedback answer")
        verbose_name_plural = _("feedback answers")
        indexes = [models.Index(fields=["month", "region"], name="feedback_month_region_idx")]
        constraints = [models.CheckConstraint(name="response_month_first_day", condition=models.Q(month__day=1))]

    def __str__(self) -> str:
        return f"{self.region} {self.service} {self.month:%m.%Y}"
