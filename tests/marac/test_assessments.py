"""Risk assessment: scores and thresholds from the questionnaire's data, judgement and escalation,
never edited, superseded, versions replaced as data."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from marac.models import Question, RiskAssessment
from marac.selectors import current_questionnaire
from marac.services.assessments import assessment_create
from marac.services.questionnaires import questionnaire_new_version
from tests.factories import make_user
from tests.marac.conftest import assess

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("yes", "level"), [(0, "standard"), (9, "standard"), (10, "medium"), (13, "medium"), (14, "high"), (24, "high")]
)
def test_dash_thresholds(specialist, harju_case, yes, level):
    assessment = assess(specialist, harju_case, yes=yes)
    assert (assessment.score, assessment.score_level, assessment.level) == (yes, level, level)
    assert assessment.questionnaire.code == "dash" and assessment.questionnaire.questions.count() == 24
    harju_case.refresh_from_db()
    assert harju_case.risk_level == level


def test_judgement_raises_the_level_below_the_threshold_with_a_reason(specialist, harju_case):
    with pytest.raises(ValidationError) as error:
        assess(specialist, harju_case, yes=3, judgement_level="high")
    assert "judgement_reason" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        assess(specialist, harju_case, yes=12, judgement_level="medium", judgement_reason="Ei ole vaja")
    assert "judgement_level" in error.value.message_dict  # judgement only raises
    assessment = assess(specialist, harju_case, yes=3, judgement_level="high", judgement_reason="Kägistamine")
    assert (assessment.score_level, assessment.level, assessment.raised_by) == ("standard", "high", "judgement")
    assert assessment.may_refer
    assert any("Kägistamine" in reason for reason in assessment.reasons())


def test_escalation_by_police_callouts(specialist, harju_case):
    assert assess(specialist, harju_case, yes=2, police_callouts=2).level == "standard"
    escalated = assess(specialist, harju_case, yes=2, police_callouts=3)
    assert (escalated.level, escalated.escalation, escalated.raised_by) == ("high", True, "escalation")


def test_every_question_must_be_answered_and_nothing_is_saved_otherwise(specialist, harju_case):
    questionnaire = current_questionnaire()
    with pytest.raises(ValidationError):
        assessment_create(
            actor=specialist,
            case=harju_case,
            questionnaire=questionnaire,
            answers={1: "yes"},
            assessed_on=timezone.localdate(),
        )
    assert not RiskAssessment.objects.exists()


def test_assessments_are_never_edited_only_superseded(specialist, harju_case):
    first = assess(specialist, harju_case, yes=5)
    second = assess(specialist, harju_case, yes=15)
    assert second.supersedes == first
    first = RiskAssessment.objects.get(pk=first.pk)
    assert first.is_superseded and not RiskAssessment.objects.get(pk=second.pk).is_superseded
    with pytest.raises(DatabaseError), transaction.atomic():
        RiskAssessment.objects.filter(pk=first.pk).update(score=24)
    with pytest.raises(DatabaseError), transaction.atomic():
        first.answers.update(comment="muudetud")
    assert RiskAssessment.objects.get(pk=first.pk).score == 5


def test_a_new_questionnaire_version_changes_scores_and_thresholds_without_code(specialist, harju_case):
    admin = make_user("administrator", is_staff=True)
    old = current_questionnaire()
    before = assess(specialist, harju_case, yes=6)
    assert before.level == "standard"
    new = questionnaire_new_version(actor=admin, source=old, medium_from=3, high_from=6, escalation_callouts=2)
    Question.objects.filter(questionnaire=new, number=1).update(weight=3)
    new.active = True
    new.save()
    assert current_questionnaire() == new
    after = assess(specialist, harju_case, yes=4, questionnaire=current_questionnaire())
    # 3 (question 1 weighs 3) + 3 = 6 points: high by the new version's threshold.
    assert (after.score, after.level, after.questionnaire.version) == (6, "high", 2)
    assert assess(specialist, harju_case, yes=0, police_callouts=2, questionnaire=new).level == "high"
    before = RiskAssessment.objects.get(pk=before.pk)
    assert (before.score, before.level, before.questionnaire_id) == (6, "standard", old.pk)


def test_pages_show_the_form_and_keep_what_was_typed(client, specialist, harju_case):
    client.force_login(specialist)
    url = reverse("marac:assessment-add", args=[harju_case.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Kas te olete väga hirmul?" in page.content.decode()
    data = {f"q{n}": "no" for n in range(1, 25)} | {
        "questionnaire_id": current_questionnaire().pk,
        "q1": "yes",
        "assessed_on": timezone.localdate().strftime("%d.%m.%Y"),
        "police_callouts": "0",
        "judgement_level": "high",
        "judgement_reason": "",
    }
    rejected = client.post(url, data)
    assert rejected.status_code == 400 and not RiskAssessment.objects.exists()
    html = rejected.content.decode()
    assert re.search(r'<input[^>]*name="q1"[^>]*value="yes"[^>]*checked', html)
    assert rejected.context["form"].errors["judgement_reason"]
    data["judgement_reason"] = "Ähvardas relvaga"
    done = client.post(url, data)
    assessment = RiskAssessment.objects.get()
    assert done.status_code == 302 and done["Location"] == reverse("marac:assessment", args=[assessment.pk])
    assert assessment.level == "high" and assessment.score == 1
    risk = client.get(reverse("marac:case-risk", args=[harju_case.pk])).content.decode()
    assert reverse("marac:assessment", args=[assessment.pk]) in risk


def test_trend_over_time_per_person(client, specialist, harju_case):
    for day, yes in ((30, 4), (20, 11), (10, 16)):
        assess(specialist, harju_case, yes=yes, assessed_on=timezone.localdate() - timedelta(days=day))
    client.force_login(specialist)
    page = client.get(reverse("marac:case-risk", args=[harju_case.pk])).content.decode()
    assert "<polyline" in page and page.count("<rect ") == 1  # one high-risk mark
    assert Case.objects.get(pk=harju_case.pk).risk_level == "high"


def test_answers_given_to_an_older_version_are_not_scored_with_a_newer_one(client, specialist, harju_case):
    admin = make_user("administrator", is_staff=True)
    old = current_questionnaire()
    client.force_login(specialist)
    url = reverse("marac:assessment-add", args=[harju_case.pk])
    data = {f"q{n}": "no" for n in range(1, 25)} | {
        "questionnaire_id": old.pk,
        "assessed_on": timezone.localdate().strftime("%d.%m.%Y"),
        "police_callouts": "0",
    }
    new = questionnaire_new_version(actor=admin, source=old, active=True)
    response = client.post(url, data)
    assert response.status_code == 400 and not RiskAssessment.objects.exists()
    assert response.context["form"].questionnaire == new
