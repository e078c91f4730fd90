"""Trainings' questionnaires: the list, one questionnaire with its questions (added, changed, removed
while nobody has answered), offered for activities or not, copied as a new version."""

from __future__ import annotations

import copy

from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from prevention import forms
from prevention.services import questionnaires as services
from prevention.services.plans import PLANNERS
from reporting.models import Survey, SurveyQuestion
from victimsupport.permissions.views import RoleRequiredMixin
from victimsupport.views.actions import ActionView


def training_surveys():
    return Survey.objects.filter(purpose__in=services.TRAINING_PURPOSES)


class QuestionnaireListView(RoleRequiredMixin, TemplateView):
    roles = PLANNERS
    template_name = "prevention/questionnaire_list.html"

    def get_context_data(self, **kwargs):
        surveys = training_surveys().annotate(question_count=Count("questions")).order_by("purpose", "-created_at")
        return {**super().get_context_data(**kwargs), "surveys": surveys}


class QuestionnaireAddView(RoleRequiredMixin, ActionView):
    roles = PLANNERS
    template_name = "prevention/plan_form.html"
    form_class = forms.QuestionnaireForm
    title = gettext_lazy("A new questionnaire")
    success_message = gettext_lazy("The questionnaire was saved. Add its questions.")

    def perform(self, data):
        survey = services.questionnaire_create(
            actor=self.request.user, **{name: data[name] for name in services.SURVEY_FIELDS}
        )
        return reverse("prevention:questionnaire", args=[survey.pk])

    def object_url(self) -> str:
        return reverse("prevention:questionnaire-list")


class QuestionnaireMixin(RoleRequiredMixin):
    roles = PLANNERS

    def prepare(self, request, *args, **kwargs):
        self.survey = get_object_or_404(training_surveys(), pk=kwargs["pk"])

    def object_url(self) -> str:
        return reverse("prevention:questionnaire", args=[self.survey.pk])

    def page_context(self, form) -> dict:
        return {**super().page_context(form), "survey": self.survey}


class QuestionnaireDetailView(QuestionnaireMixin, TemplateView):
    template_name = "prevention/questionnaire_detail.html"

    def get_context_data(self, **kwargs):
        survey = self.survey
        answered = survey.has_answers()
        return {
            **super().get_context_data(**kwargs),
            "survey": survey,
            "questions": list(survey.questions.all()),
            "answered": answered,
            "question_form": None if answered else forms.QuestionForm(survey=survey),
        }


class QuestionAddView(QuestionnaireMixin, ActionView):
    template_name = "prevention/plan_form.html"
    title = gettext_lazy("A new question")
    success_message = gettext_lazy("The question was added.")

    def get_form(self, data=None, **kwargs):
        return forms.QuestionForm(data, survey=self.survey, **kwargs)

    def perform(self, data):
        services.question_add(
            actor=self.request.user,
            survey=self.survey,
            **{name: data.get(name, "") for name in services.QUESTION_FIELDS},
        )


class QuestionMixin(RoleRequiredMixin):
    roles = PLANNERS

    def prepare(self, request, *args, **kwargs):
        self.question = get_object_or_404(
            SurveyQuestion.objects.select_related("survey").filter(survey__purpose__in=services.TRAINING_PURPOSES),
            pk=kwargs["pk"],
        )
        self.survey = self.question.survey

    def object_url(self) -> str:
        return reverse("prevention:questionnaire", args=[self.survey.pk])

    def page_context(self, form) -> dict:
        return {**super().page_context(form), "survey": self.survey}


class QuestionEditView(QuestionMixin, ActionView):
    template_name = "prevention/plan_form.html"
    title = gettext_lazy("The question")
    edits = "question"
    success_message = gettext_lazy("Saved.")

    def get_form(self, data=None, **kwargs):
        kwargs.setdefault("instance", copy.copy(self.question))
        return forms.QuestionForm(data, survey=self.survey, **kwargs)

    def perform(self, data):
        services.question_update(
            actor=self.request.user,
            question=self.question,
            expected_version=data["version"],
            **{name: data.get(name, "") for name in services.QUESTION_FIELDS},
        )


class QuestionRemoveView(QuestionMixin, ActionView):
    success_message = gettext_lazy("The question was removed.")

    def perform(self, data):
        services.question_remove(actor=self.request.user, question=self.question)


class QuestionnaireOfferView(QuestionnaireMixin, ActionView):
    success_message = gettext_lazy("Planners can choose it for an activity.")

    def perform(self, data):
        services.questionnaire_offer(actor=self.request.user, survey=self.survey, offered=True)


class QuestionnaireWithdrawView(QuestionnaireMixin, ActionView):
    success_message = gettext_lazy("It is no longer offered for new activities.")

    def perform(self, data):
        services.questionnaire_offer(actor=self.request.user, survey=self.survey, offered=False)


class QuestionnaireCopyView(QuestionnaireMixin, ActionView):
    success_message = gettext_lazy("A new version was made: change it, then offer it.")

    def perform(self, data):
        survey = services.questionnaire_copy(actor=self.request.user, survey=self.survey)
        return reverse("prevention:questionnaire", args=[survey.pk])
