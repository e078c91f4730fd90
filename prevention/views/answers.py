"""The participants' answer pages, without login, in Estonian, Russian or English: the knowledge check
before and after the activity and the feedback, through the activity's link while its answers are taken.
Nothing identifies a participant; a browser that has answered is told so (a cookie, not a record)."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from prevention import selectors
from prevention.forms import ANSWER_TEXTS, AnswerForm
from prevention.models import AnswerPhase
from prevention.services import plans as services
from reporting.forms import LANGUAGE_NAMES, PAGE_TEXTS, survey_language
from victimsupport.ratelimit import over_limit

ANSWERED_COOKIE_DAYS = 60


class AnswerView(View):
    template_name = "reporting/feedback_survey.html"  # the client feedback's page: one survey page

    def dispatch(self, request, *args, **kwargs):
        self.language = survey_language(request.GET.get("lang") or request.POST.get("lang"))
        self.phase = kwargs["phase"]
        activity = selectors.activity_for_answers(kwargs["key"])
        self.activity = activity
        self.survey = services.answer_survey(activity, self.phase) if activity is not None else None
        self.cookie = f"answered-{activity.pk}-{self.phase}" if activity is not None else ""
        return super().dispatch(request, *args, **kwargs)

    def texts(self) -> dict:
        texts = {**PAGE_TEXTS[self.language], **ANSWER_TEXTS[self.language]}
        texts["intro"] = {
            AnswerPhase.BEFORE: texts["intro_before"],
            AnswerPhase.AFTER: texts["intro_after"],
        }.get(self.phase, texts["intro"])
        return texts

    def render(self, form, status=200, message=""):
        texts = self.texts()
        if self.survey is None:
            title = texts["title_invalid"]
        elif self.phase == AnswerPhase.FEEDBACK:
            title = self.survey.title(self.language)
        else:
            title = texts[f"title_{self.phase}"]
        context = {
            "message": message or texts["invalid"],
            "form": form,
            "texts": texts,
            "language": self.language,
            "languages": LANGUAGE_NAMES,
            "survey_title": title,
            "subtitle": self.activity.title if self.survey is not None else "",
        }
        response = render(self.request, self.template_name, context, status=status)
        response["Cache-Control"] = "no-store"
        return response

    def answered(self) -> bool:
        return bool(self.cookie) and self.request.COOKIES.get(self.cookie) == "1"

    def get(self, request, key: str, phase: str):
        if self.survey is None:
            return self.render(None, status=410)
        if self.answered():
            return self.render(None, message=self.texts()["already"])
        return self.render(AnswerForm(self.survey, self.language))

    def post(self, request, key: str, phase: str):
        if self.survey is None:
            return self.render(None, status=410)
        if self.answered():
            return self.render(None, message=self.texts()["already"])
        if over_limit(request, "training-answers", settings.TRAINING_ANSWERS_PER_HOUR):
            return self.render(None, status=429, message=self.texts()["busy"])
        form = AnswerForm(self.survey, self.language, request.POST)
        if not form.is_valid():
            return self.render(form, status=400)
        answer = services.answer_submit(
            activity=self.activity,
            phase=self.phase,
            language=self.language,
            agency_kind=form.agency_kind(),
            answers=form.answers(),
            survey_id=self.survey.pk,
        )
        if answer is None:  # closed while the form was open
            return self.render(None, status=410)
        response = redirect(f"{reverse('reporting:feedback-thanks')}?lang={self.language}")
        response.set_cookie(
            self.cookie,
            "1",
            max_age=ANSWERED_COOKIE_DAYS * 86400,
            path=reverse("prevention:answer", args=[key, phase]),
            secure=request.is_secure(),
            httponly=True,
            samesite="Lax",
        )
        return response
