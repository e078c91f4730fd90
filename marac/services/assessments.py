"""Risk assessments: the score from the questionnaire's data, the level raised by professional judgement
or escalation, repeats detected, never edited (a new assessment supersedes the last one of the case)."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cases.choices import RiskLevel
from cases.models import Case
from marac.models import LEVEL_ORDER, Answer, Questionnaire, RaisedBy, RiskAssessment
from marac.selectors import network_coordinators, repeat_of
from victimsupport.models import User
from victimsupport.notify import notify
from victimsupport.permissions import ensure_permitted, is_permitted
from victimsupport.rules import field_errors, not_future
from victimsupport.security import security_event


def score_answers(questionnaire: Questionnaire, answers: dict[int, str]) -> tuple[int, dict]:
    """The score of `answers` ({question number: option code}) by the questionnaire's weights, and the
    chosen options by question. Every question must be answered with one of its options."""
    options = {option.code: option for option in questionnaire.options.all()}
    chosen, missing = {}, []
    score = 0
    for question in questionnaire.questions.all():
        option = options.get(answers.get(question.number, ""))
        if option is None:
            missing.append(str(question.number))
            continue
        chosen[question] = option
        score += option.score * question.weight
    if missing:
        raise ValidationError(_("Answer every question (missing: %(numbers)s).") % {"numbers": ", ".join(missing)})
    return score, chosen


def assessed_level(questionnaire: Questionnaire, score: int, police_callouts: int, judgement_level: str):
    """(level by the score, escalation, final level, what set it)."""
    score_level = questionnaire.level_for(score)
    escalation = police_callouts >= questionnaire.escalation_callouts
    level, raised_by = score_level, RaisedBy.SCORE
    if escalation and LEVEL_ORDER[RiskLevel.HIGH] > LEVEL_ORDER[level]:
        level, raised_by = RiskLevel.HIGH, RaisedBy.ESCALATION
    if judgement_level and LEVEL_ORDER[judgement_level] > LEVEL_ORDER[level]:
        level, raised_by = judgement_level, RaisedBy.JUDGEMENT
    return score_level, escalation, level, raised_by


DOUBLE_SUBMIT_WINDOW = timedelta(minutes=2)


def _judgement(judgement_level: str | None, judgement_reason: str | None) -> dict:
    """Professional judgement comes with its reason, and a reason with the level it sets."""
    if judgement_level is None or judgement_reason is None:
        return {}
    reason = judgement_reason.strip()
    if judgement_level and not reason:
        return {"judgement_reason": _("Give the reason for the professional judgement.")}
    if reason and not judgement_level:
        return {"judgement_level": _("Choose the level your judgement sets, or leave the reason empty.")}
    return {}


ASSESSMENT_RULES = (not_future("assessed_on"), _judgement)


def _same(latest, actor, questionnaire, assessed_on, chosen, police_callouts, judgement_level) -> bool:
    if latest.assessed_by_id != actor.pk or latest.created_at < timezone.now() - DOUBLE_SUBMIT_WINDOW:
        return False
    if (latest.questionnaire_id, latest.assessed_on, latest.police_callouts, latest.judgement_level) != (
        questionnaire.pk,
        assessed_on,
        police_callouts,
        judgement_level,
    ):
        return False
    given = {question.pk: option.pk for question, option in chosen.items()}
    return dict(latest.answers.values_list("question_id", "option_id")) == given


@transaction.atomic
def assessment_create(
    *,
    actor: User,
    case: Case,
    questionnaire: Questionnaire,
    answers: dict[int, str],
    assessed_on: date,
    police_callouts: int = 0,
    judgement_level: str = "",
    judgement_reason: str = "",
    incident_note: str = "",
) -> RiskAssessment:
    """Record an assessment of the case's client. Judgement can only raise the level, with a reason."""
    if not is_permitted(actor, case, "change"):
        raise PermissionDenied
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not case.is_open:
        raise ValidationError(_("The case is closed. Reopen it to assess the risk."))
    if not questionnaire.active:
        raise ValidationError(_("This questionnaire version is no longer offered. Open the form again."))
    judgement_reason = judgement_reason.strip()
    errors = field_errors(
        *ASSESSMENT_RULES, assessed_on=assessed_on, judgement_level=judgement_level, judgement_reason=judgement_reason
    )
    try:
        score, chosen = score_answers(questionnaire, answers)
    except ValidationError as error:
        errors["__all__"] = error.messages
        score, chosen = 0, {}
    if errors:
        raise ValidationError(errors)
    score_level, escalation, level, raised_by = assessed_level(questionnaire, score, police_callouts, judgement_level)
    if judgement_level and raised_by != RaisedBy.JUDGEMENT:
        raise ValidationError(
            {
                "judgement_level": _("Judgement can only raise the level: the assessment is already %(level)s.")
                % {"level": RiskLevel(level).label}
            }
        )
    latest = RiskAssessment.objects.filter(case=case, superseded_by__isnull=True).order_by("-pk").first()
    if latest is not None and _same(
        latest, actor, questionnaire, assessed_on, chosen, police_callouts, judgement_level
    ):
        return latest  # the same form sent twice: an assessment is never deleted, so it is not made twice
    repeat = repeat_of(case.client, assessed_on)
    assessment = RiskAssessment(
        case=case,
        person=case.client,
        questionnaire=questionnaire,
        assessed_on=assessed_on,
        assessed_by=actor,
        score=score,
        score_level=score_level,
        police_callouts=police_callouts,
        escalation=escalation,
        judgement_level=judgement_level,
        judgement_reason=judgement_reason,
        level=level,
        raised_by=raised_by,
        incident_note=incident_note.strip(),
        repeat_of=repeat,
        supersedes=latest,
    )
    assessment.full_clean()
    assessment.save()
    Answer.objects.bulk_create(
        Answer(assessment=assessment, question=question, option=option) for question, option in chosen.items()
    )
    case.risk_level = level
    case.version += 1
    case.save(update_fields=["risk_level", "version"])
    ensure_permitted(actor, assessment, "view")
    if repeat is not None:
        notify(
            network_coordinators(repeat.network_id),
            gettext_noop("A new incident within 12 months of MARAC case %(reference)s: a repeat."),
            params={"reference": repeat.reference},
            link=reverse("marac:case", args=[repeat.pk]),
            email=True,
        )
    security_event("marac_risk_assessment", actor=actor, case=case, assessment=assessment, level=level)
    return assessment
