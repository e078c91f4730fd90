"""Trainings' questionnaires, kept by the planners: feedback forms and knowledge checks (reporting.Survey
with a training purpose; the clients' feedback survey stays with the administrators). Questions are
written in Estonian, Russian and English; a knowledge check's questions are yes/no statements with their
right answer. A questionnaire that has answers keeps its questions: the change is a new version."""

from __future__ import annotations

import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify
from django.utils.translation import gettext as _

from prevention.models import ActivityStatus
from prevention.services.plans import PLANNERS, scored
from reporting.models import QuestionKind, Survey, SurveyPurpose, SurveyQuestion
from victimsupport.concurrency import versioned_edit
from victimsupport.models import User
from victimsupport.validation import collect_errors

TRAINING_PURPOSES = (SurveyPurpose.TRAINING_FEEDBACK, SurveyPurpose.KNOWLEDGE_CHECK)
SURVEY_FIELDS = ["purpose", "title_et", "title_ru", "title_en"]
QUESTION_FIELDS = ["kind", "required", "correct_answer", "text_et", "text_ru", "text_en"]


def _planner(actor: User) -> None:
    if not actor.has_role(*PLANNERS):
        raise PermissionDenied


def _unanswered(survey: Survey) -> Survey:
    """The questionnaire locked for a change of its questions, which it may still take."""
    stored = Survey.objects.select_for_update().get(pk=survey.pk)
    if stored.purpose not in TRAINING_PURPOSES:
        raise PermissionDenied
    if stored.has_answers():
        raise ValidationError(_("Participants have answered this questionnaire: make a new version to change it."))
    return stored


@transaction.atomic
def questionnaire_create(*, actor: User, purpose: str, title_et: str, title_ru: str, title_en: str) -> Survey:
    _planner(actor)
    if purpose not in TRAINING_PURPOSES:
        raise ValidationError({"purpose": [_("Choose a feedback form or a knowledge check.")]})
    code = f"{slugify(title_et)[:28] or 'vorm'}-{secrets.token_hex(4)}"
    survey = Survey(code=code, purpose=purpose, title_et=title_et, title_ru=title_ru, title_en=title_en)
    survey.full_clean()
    survey.save()
    return survey


def _check_question(survey: Survey, question: SurveyQuestion) -> None:
    errors: dict = {}
    if survey.purpose == SurveyPurpose.KNOWLEDGE_CHECK:
        if question.kind != QuestionKind.YES_NO:
            errors["kind"] = [_("A knowledge check asks yes or no: a statement that is true or not.")]
        if not question.correct_answer:
            errors["correct_answer"] = [_("Give the right answer.")]
    elif question.correct_answer:
        errors["correct_answer"] = [_("A feedback question has no right answer.")]
    collect_errors(errors, lambda: question.full_clean(exclude=["survey", "position"], validate_constraints=False))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def question_add(*, actor: User, survey: Survey, **fields) -> SurveyQuestion:
    _planner(actor)
    stored = _unanswered(survey)
    position = (stored.questions.aggregate(last=Max("position"))["last"] or 0) + 1
    question = SurveyQuestion(survey=stored, position=position, **{name: fields[name] for name in QUESTION_FIELDS})
    _check_question(stored, question)
    question.save()
    return question


@transaction.atomic
def question_update(*, actor: User, question: SurveyQuestion, expected_version: int, **fields) -> SurveyQuestion:
    _planner(actor)
    survey = _unanswered(question.survey)
    versioned_edit(question, expected_version, fields, QUESTION_FIELDS)
    _check_question(survey, question)
    question.save()
    return question


@transaction.atomic
def question_remove(*, actor: User, question: SurveyQuestion) -> None:
    _planner(actor)
    survey = _unanswered(question.survey)
    question.delete()
    chosen = survey.check_activities.exclude(status=ActivityStatus.CANCELLED)
    if survey.purpose == SurveyPurpose.KNOWLEDGE_CHECK and not scored(survey) and chosen.exists():
        raise ValidationError(_("Activities use this knowledge check: it keeps at least one statement."))


@transaction.atomic
def questionnaire_offer(*, actor: User, survey: Survey, offered: bool) -> Survey:
    """Offered: planners can choose it for an activity (one not offered stays with the activities that
    chose it)."""
    _planner(actor)
    stored = Survey.objects.select_for_update().get(pk=survey.pk)
    if stored.purpose not in TRAINING_PURPOSES:
        raise PermissionDenied
    if offered and not stored.questions.exists():
        raise ValidationError(_("Add its questions first."))
    stored.active = offered
    stored.save(update_fields=["active"])
    return stored


@transaction.atomic
def questionnaire_copy(*, actor: User, survey: Survey) -> Survey:
    """A new version to change: the same titles and questions, not offered until the planner offers it."""
    _planner(actor)
    if survey.purpose not in TRAINING_PURPOSES:
        raise PermissionDenied
    copy = questionnaire_create(
        actor=actor,
        purpose=survey.purpose,
        title_et=survey.title_et,
        title_ru=survey.title_ru,
        title_en=survey.title_en,
    )
    SurveyQuestion.objects.bulk_create(
        SurveyQuestion(
            survey=copy, position=question.position, **{name: getattr(question, name) for name in QUESTION_FIELDS}
        )
        for question in survey.questions.all()
    )
    return copy
