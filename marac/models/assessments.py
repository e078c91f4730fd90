"""Risk assessment: a questionnaire whose questions, answer options, weights and thresholds are data,
versioned; assessments made with a version keep its score. An assessment is never edited: a later one
supersedes it (a database trigger refuses UPDATE and DELETE)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from cases.choices import RiskLevel
from victimsupport.history import history
from victimsupport.permissions import Follows, guarded

LEVEL_ORDER = {RiskLevel.STANDARD: 0, RiskLevel.MEDIUM: 1, RiskLevel.HIGH: 2}


def in_language(et: str, en: str) -> str:
    return en if translation.get_language() == "en" and en else et


class Questionnaire(models.Model):
    """One version of a risk questionnaire. A version in use is never changed: a new version is added."""

    code = models.SlugField(_("code"), max_length=30)
    version = models.PositiveIntegerField(_("version"))
    name_et = models.CharField(_("name (Estonian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True, default="")
    medium_from = models.PositiveIntegerField(_("medium risk from score"))
    high_from = models.PositiveIntegerField(_("high risk from score"))
    escalation_callouts = models.PositiveIntegerField(
        _("police call-outs in 12 months that make the risk high"), default=3
    )
    in_use_from = models.DateField(_("in use from"), default=timezone.localdate)
    active = models.BooleanField(_("offered for new assessments"), default=True)
    history = history()

    class Meta:
        ordering = ["code", "-version"]
        verbose_name = _("risk questionnaire")
        verbose_name_plural = _("risk questionnaires")
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="marac_questionnaire_version_unique"),
            models.CheckConstraint(
                name="marac_questionnaire_thresholds", condition=Q(high_from__gt=models.F("medium_from"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({_('version')} {self.version})"

    @property
    def name(self) -> str:
        return in_language(self.name_et, self.name_en)

    def level_for(self, score: int) -> str:
        if score >= self.high_from:
            return RiskLevel.HIGH
        if score >= self.medium_from:
            return RiskLevel.MEDIUM
        return RiskLevel.STANDARD


class Question(models.Model):
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="questions")
    number = models.PositiveIntegerField(_("number"))
    text_et = models.CharField(_("question (Estonian)"), max_length=400)
    text_en = models.CharField(_("question (English)"), max_length=400, blank=True, default="")
    weight = models.PositiveIntegerField(_("weight"), default=1)
    history = history()

    class Meta:
        ordering = ["questionnaire", "number"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [models.UniqueConstraint(fields=["questionnaire", "number"], name="marac_question_number_unique")]

    def __str__(self) -> str:
        return f"{self.number}. {self.text}"

    @property
    def text(self) -> str:
        return in_language(self.text_et, self.text_en)


class AnswerOption(models.Model):
    """An answer every question of the questionnaire offers, with its score (times the question's weight)."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="options")
    code = models.SlugField(_("code"), max_length=20)
    label_et = models.CharField(_("answer (Estonian)"), max_length=100)
    label_en = models.CharField(_("answer (English)"), max_length=100, blank=True, default="")
    score = models.PositiveIntegerField(_("score"), default=0)
    position = models.PositiveIntegerField(_("position"), default=0)
    history = history()

    class Meta:
        ordering = ["questionnaire", "position", "pk"]
        verbose_name = _("answer option")
        verbose_name_plural = _("answer options")
        constraints = [models.UniqueConstraint(fields=["questionnaire", "code"], name="marac_option_code_unique")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return in_language(self.label_et, self.label_en)


class RaisedBy(models.TextChoices):
    SCORE = "score", _("the score")
    JUDGEMENT = "judgement", _("professional judgement")
    ESCALATION = "escalation", _("escalation (police call-outs)")


class RiskAssessment(models.Model):
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="risk_assessments", verbose_name=_("case")
    )
    person = models.ForeignKey(
        "cases.Person", on_delete=models.PROTECT, related_name="risk_assessments", verbose_name=_("person")
    )
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("questionnaire")
    )
    assessed_on = models.DateField(_("assessed on"))
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("assessor")
    )
    score = models.PositiveIntegerField(_("score"))
    score_level = models.CharField(_("level by the score"), max_length=10, choices=RiskLevel.choices)
    police_callouts = models.PositiveIntegerField(_("police call-outs in the last 12 months"), default=0)
    escalation = models.BooleanField(_("escalation"), default=False)
    judgement_level = models.CharField(
        _("level by professional judgement"), max_length=10, choices=RiskLevel.choices, blank=True, default=""
    )
    judgement_reason = models.TextField(_("reason for the judgement"), max_length=4000, blank=True, default="")
    level = models.CharField(_("risk level"), max_length=10, choices=RiskLevel.choices)
    raised_by = models.CharField(_("level set by"), max_length=12, choices=RaisedBy.choices, default=RaisedBy.SCORE)
    incident_note = models.TextField(_("the incident"), max_length=4000, blank=True, default="")
    # A new incident within 12 months of the person's last MARAC referral: a repeat, whatever the score.
    repeat_of = models.ForeignKey(
        "marac.MaracCase",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("repeat of"),
    )
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("supersedes"),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    history = history()

    objects = guarded(Follows("case"))

    class Meta:
        ordering = ["-assessed_on", "-pk"]
        verbose_name = _("risk assessment")
        verbose_name_plural = _("risk assessments")
        default_permissions = ("view",)
        indexes = [models.Index(fields=["person", "assessed_on"], name="marac_assessment_person_idx")]
        constraints = [
            models.CheckConstraint(
                name="marac_judgement_has_reason", condition=Q(judgement_level="") | ~Q(judgement_reason="")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire.name} {self.assessed_on:%d.%m.%Y}"

    @property
    def is_superseded(self) -> bool:
        return hasattr(self, "superseded_by")  # the reverse one-to-one (select_related("superseded_by"))

    @property
    def may_refer(self) -> bool:
        """High risk (by the score, judgement or escalation), or a repeat whatever the score."""
        return self.level == RiskLevel.HIGH or self.repeat_of_id is not None

    def reasons(self) -> list[str]:
        """Why the level is what it is, in words (carried into the referral)."""
        reasons = [
            _("Score %(score)s of %(questions)s questions: %(level)s by the thresholds of version %(version)s.")
            % {
                "score": self.score,
                "questions": self.questionnaire.questions.count(),
                "level": self.get_score_level_display(),
                "version": self.questionnaire.version,
            }
        ]
        if self.escalation:
            reasons.append(
                _("Escalation: %(count)s police call-outs in the last 12 months (threshold %(threshold)s).")
                % {"count": self.police_callouts, "threshold": self.questionnaire.escalation_callouts}
            )
        if self.judgement_level:
            reasons.append(
                _("Professional judgement: %(level)s. %(reason)s")
                % {"level": self.get_judgement_level_display(), "reason": self.judgement_reason}
            )
        if self.repeat_of_id:
            reasons.append(_("Repeat: a new incident within 12 months of the last MARAC referral."))
        return reasons


class Answer(models.Model):
    assessment = models.ForeignKey(RiskAssessment, on_delete=models.PROTECT, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    option = models.ForeignKey(AnswerOption, on_delete=models.PROTECT, related_name="+")
    comment = models.CharField(_("comment"), max_length=500, blank=True, default="")

    objects = guarded(Follows("assessment__case"))

    class Meta:
        ordering = ["question__number"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        default_permissions = ("view",)
        constraints = [models.UniqueConstraint(fields=["assessment", "question"], name="marac_answer_unique")]

    def __str__(self) -> str:
        return f"{self.question.number}: {self.option.code}"

    @property
    def points(self) -> int:
        return self.option.score * self.question.weight
