"""Trainings' questionnaires kept by the planners: a knowledge check asks yes/no statements with their
right answer, a feedback form has none; questions change only while nobody has answered (then a new
version); offered ones are the ones to choose for an activity; the clients' survey is not theirs."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from prevention.forms import ActivityForm
from prevention.services import plans
from prevention.services import questionnaires as services
from reporting.models import Survey
from tests.factories import make_user
from tests.prevention.test_plans import YEAR, add
from victimsupport.concurrency import ConcurrentEdit

pytestmark = pytest.mark.django_db


@pytest.fixture
def planner(db):
    return make_user("coordinator", "pohja")


def new_check(planner):
    return services.questionnaire_create(
        actor=planner, purpose="knowledge_check", title_et="Kontroll", title_ru="Проверка", title_en="Check"
    )


def statement(planner, survey, **fields):
    values = {
        "kind": "yes_no",
        "required": True,
        "correct_answer": "yes",
        "text_et": "Kas abi on tasuta?",
        "text_ru": "Бесплатна ли помощь?",
        "text_en": "Is help free?",
    }
    return services.question_add(actor=planner, survey=survey, **(values | fields))


def test_a_knowledge_check_asks_statements_with_their_right_answer(planner):
    survey = new_check(planner)
    with pytest.raises(ValidationError) as error:
        statement(planner, survey, kind="scale", correct_answer="", text_ru="")
    assert {"kind", "correct_answer", "text_ru"} <= set(error.value.message_dict)
    first, second = statement(planner, survey), statement(planner, survey, correct_answer="no")
    assert (first.position, second.position) == (1, 2)
    feedback = services.questionnaire_create(
        actor=planner, purpose="training_feedback", title_et="Tagasiside", title_ru="Отзыв", title_en="Feedback"
    )
    with pytest.raises(ValidationError) as error:
        statement(planner, feedback)
    assert "correct_answer" in error.value.message_dict
    assert statement(planner, feedback, kind="scale", correct_answer="").pk


def test_only_planners_and_only_trainings_questionnaires(planner, specialist):
    with pytest.raises(PermissionDenied):
        new_check(specialist)
    with pytest.raises(ValidationError):
        services.questionnaire_create(
            actor=planner, purpose="client_feedback", title_et="x", title_ru="x", title_en="x"
        )
    clients = Survey.objects.get(purpose="client_feedback")
    for change in (
        lambda: services.questionnaire_offer(actor=planner, survey=clients, offered=False),
        lambda: services.questionnaire_copy(actor=planner, survey=clients),
        lambda: services.question_remove(actor=planner, question=clients.questions.first()),
    ):
        with pytest.raises(PermissionDenied):
            change()
    assert Survey.objects.get(pk=clients.pk).active


def test_answered_questions_stay_and_a_new_version_is_offered(planner):
    survey = new_check(planner)
    with pytest.raises(ValidationError):
        services.questionnaire_offer(actor=planner, survey=survey, offered=True)  # no questions yet
    question = statement(planner, survey)
    seen = question.version
    services.question_update(
        actor=planner, question=question, expected_version=seen, **(services_fields(question) | {"text_et": "Uus?"})
    )
    with pytest.raises(ConcurrentEdit):
        services.question_update(actor=planner, question=question, expected_version=seen, **services_fields(question))
    services.questionnaire_offer(actor=planner, survey=survey, offered=True)
    plan = plans.plan_create(actor=planner, year=YEAR, aims="Eesmärk")
    form = ActivityForm(user=planner, plan=plan)
    assert survey in form.fields["knowledge_check"].queryset
    activity = plans.answers_open(actor=planner, activity=add(planner, plan, knowledge_check=survey), open=True)
    plans.answer_submit(activity=activity, phase="before", language="et", agency_kind="", answers={question.pk: "yes"})
    with pytest.raises(ValidationError):
        statement(planner, survey)
    with pytest.raises(ValidationError):
        services.question_remove(actor=planner, question=question)
    copy = services.questionnaire_copy(actor=planner, survey=survey)
    assert list(copy.questions.values_list("text_et", "correct_answer")) == [("Uus?", "yes")]
    assert not copy.active and copy.code != survey.code
    services.questionnaire_offer(actor=planner, survey=survey, offered=False)
    chosen = ActivityForm(user=planner, plan=plan, instance=activity)
    assert survey in chosen.fields["knowledge_check"].queryset  # the activity keeps what it chose
    assert survey not in ActivityForm(user=planner, plan=plan).fields["knowledge_check"].queryset


def services_fields(question) -> dict:
    return {name: getattr(question, name) for name in services.QUESTION_FIELDS}


def test_the_pages(client, planner):
    client.force_login(planner)
    response = client.post(reverse("prevention:questionnaire-add"), {"purpose": "knowledge_check", "title_et": "T"})
    assert response.status_code == 400 and 'value="T"' in response.content.decode()
    response = client.post(
        reverse("prevention:questionnaire-add"),
        {"purpose": "knowledge_check", "title_et": "Teadmised", "title_ru": "Знания", "title_en": "Knowledge"},
    )
    survey = Survey.objects.get(title_et="Teadmised")
    assert response["Location"] == reverse("prevention:questionnaire", args=[survey.pk])
    data = {"kind": "yes_no", "required": "on", "text_et": "Kas?", "text_ru": "Ли?", "text_en": "Is?"}
    response = client.post(reverse("prevention:question-add", args=[survey.pk]), data)
    assert response.status_code == 400  # the right answer is missing
    client.post(reverse("prevention:question-add", args=[survey.pk]), data | {"correct_answer": "no"})
    assert survey.questions.get().correct_answer == "no"
    page = client.get(reverse("prevention:questionnaire", args=[survey.pk])).content.decode()
    assert "Ли?" in page and "Is?" in page
    assert (
        client.get(
            reverse("prevention:questionnaire", args=[Survey.objects.get(purpose="client_feedback").pk])
        ).status_code
        == 404
    )
