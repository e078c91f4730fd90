"""Versions of risk questionnaires: a version in use never changes; a new version starts as a copy."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max

from marac.models import AnswerOption, Question, Questionnaire
from victimsupport.models import User
from victimsupport.security import security_event


@transaction.atomic
def questionnaire_new_version(*, actor: User, source: Questionnaire, **changes) -> Questionnaire:
    """A copy of `source` (questions, options, weights, thresholds) as the next version of its code,
    not yet offered (`active=False`) unless `changes` say otherwise."""
    latest = Questionnaire.objects.filter(code=source.code).aggregate(top=Max("version"))["top"] or 0
    fields = {
        name: getattr(source, name)
        for name in ("code", "name_et", "name_en", "medium_from", "high_from", "escalation_callouts", "in_use_from")
    }
    made = Questionnaire(**{**fields, "version": latest + 1, "active": False, **changes})
    made.full_clean()
    made.save()
    AnswerOption.objects.bulk_create(
        AnswerOption(
            questionnaire=made,
            code=option.code,
            label_et=option.label_et,
            label_en=option.label_en,
            score=option.score,
            position=option.position,
        )
        for option in source.options.all()
    )
    Question.objects.bulk_create(
        Question(questionnaire=made, number=q.number, text_et=q.text_et, text_en=q.text_en, weight=q.weight)
        for q in source.questions.all()
    )
    security_event("marac_questionnaire_version", actor=actor, questionnaire=made, source=source)
    return made
