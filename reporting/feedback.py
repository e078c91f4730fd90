"""Anonymous client feedback: a one-time link given after a service (printed with a QR code, or sent
by e-mail where the client's safe-contact rules allow it), a short survey that opens without login, and
answers that cannot be linked back to the client (reporting.models.FeedbackInvitation)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, timedelta

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from cases.choices import Channel
from cases.contact import may_contact
from cases.models import Case
from reporting.models import (
    SURVEY_LANGUAGES,
    FeedbackInvitation,
    FeedbackResponse,
    QuestionKind,
    Survey,
)
from victimsupport.models import User
from victimsupport.permissions import ensure_permitted
from victimsupport.security import security_event

LINK_VALID_DAYS = 60
TEXT_MAX_LENGTH = 2000

# The survey page's own words in the survey's three languages (the staff interface has two).
PAGE_TEXTS = {
    "et": {
        "intro": "Vastamine on anonüümne: teie vastuseid ei seota teie nime ega juhtumiga. See võtab paar minutit.",
        "send": "Saada vastused",
        "yes": "jah",
        "no": "ei",
        "scale_low": "1 – üldse mitte",
        "scale_high": "5 – väga",
        "required": "Palun vastake sellele küsimusele.",
        "errors": "Palun vaadake üle märgitud küsimused. Midagi ei saadetud.",
        "invalid": "See link on juba kasutatud või ei kehti enam. Täname, et soovisite tagasisidet anda.",
        "thanks": "Täname! Teie vastused on kätte saadud.",
        "title_invalid": "Link ei kehti",
        "title_thanks": "Aitäh",
    },
    "ru": {
        "intro": "Ответы анонимны: они не связываются с вашим именем или делом. Это займёт пару минут.",
        "send": "Отправить ответы",
        "yes": "да",
        "no": "нет",
        "scale_low": "1 – совсем нет",
        "scale_high": "5 – очень",
        "required": "Пожалуйста, ответьте на этот вопрос.",
        "errors": "Пожалуйста, проверьте отмеченные вопросы. Ничего не отправлено.",
        "invalid": "Эта ссылка уже использована или больше не действует. Спасибо, что хотели оставить отзыв.",
        "thanks": "Спасибо! Ваши ответы получены.",
        "title_invalid": "Ссылка не действует",
        "title_thanks": "Спасибо",
    },
    "en": {
        "intro": "Your answers are anonymous: they are not linked to your name or your case. It takes a couple "
        "of minutes.",
        "send": "Send the answers",
        "yes": "yes",
        "no": "no",
        "scale_low": "1 – not at all",
        "scale_high": "5 – very much",
        "required": "Please answer this question.",
        "errors": "Please check the marked questions. Nothing was sent.",
        "invalid": "This link has been used or is no longer valid. Thank you for wanting to give feedback.",
        "thanks": "Thank you! Your answers have been received.",
        "title_invalid": "The link is not valid",
        "title_thanks": "Thank you",
    },
}
LANGUAGE_NAMES = {"et": "eesti keeles", "ru": "по-русски", "en": "in English"}


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def active_survey() -> Survey | None:
    return Survey.objects.filter(active=True).prefetch_related("questions").first()


@transaction.atomic
def feedback_invite(*, actor: User, case: Case, service: str, channel: str = "print") -> str:
    """A one-time link for the client of `case`; its token (shown once, or e-mailed). Nothing of the case
    is stored with it."""
    ensure_permitted(actor, case, "change")
    survey = active_survey()
    if survey is None:
        raise ValidationError(_("No feedback survey is offered at the moment."))
    destination = None
    if channel == Channel.EMAIL:
        allowed = may_contact(case.client, Channel.EMAIL)
        if not allowed:
            raise ValidationError({"channel": allowed.reason})
        destination = allowed.destination
    token = secrets.token_urlsafe(18)
    today = timezone.localdate()
    invitation = FeedbackInvitation(
        token_hash=_hash(token),
        survey=survey,
        region=case.region,
        service=service,
        month=date(today.year, today.month, 1),
        expires_on=today + timedelta(days=LINK_VALID_DAYS),
    )
    invitation.full_clean()
    invitation.save()
    if destination:
        transaction.on_commit(lambda: _send(destination, token, case.client.language))
        security_event("feedback_link_emailed", case=case.pk)
    return token


def survey_url(token: str) -> str:
    return reverse("reporting:feedback-survey", args=[token])


def _send(destination: list[str], token: str, language: str) -> None:
    language = language if language in SURVEY_LANGUAGES else "et"
    link = settings.SITE_URL.rstrip("/") + survey_url(token)
    with override("en" if language == "en" else "et"):
        EmailMessage(
            subject=_("Your feedback to victim support"),
            body=_(
                "Hello,\n\nwe would be grateful for your feedback on the help you received. The survey is "
                "anonymous and the link works once:\n%(link)s\n\nSocial Insurance Board, victim support"
            )
            % {"link": link},
            to=destination,
        ).send()


def invitation_for(token: str) -> FeedbackInvitation | None:
    """The unused, unexpired invitation of the token, or None (the page says the same in every case)."""
    if not token or len(token) > 100:
        return None
    return (
        FeedbackInvitation.objects.select_related("survey")
        .filter(token_hash=_hash(token), used=False, expires_on__gte=timezone.localdate())
        .first()
    )


@transaction.atomic
def feedback_answer(*, token: str, language: str, answers: dict) -> FeedbackResponse | None:
    """Store the answers once: the invitation is taken by a conditional update, so a second submit (or a
    second tab) stores nothing."""
    invitation = invitation_for(token)
    if invitation is None:
        return None
    taken = FeedbackInvitation.objects.filter(pk=invitation.pk, used=False).update(used=True)
    if not taken:
        return None
    return FeedbackResponse.objects.create(
        survey=invitation.survey,
        region=invitation.region,
        service=invitation.service,
        month=invitation.month,
        language=language,
        answers={str(key): value for key, value in answers.items() if value not in (None, "")},
    )


class SurveyForm(forms.Form):
    """The survey's questions as fields, in `language`."""

    def __init__(self, survey: Survey, language: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        texts = PAGE_TEXTS[language]
        self.questions = list(survey.questions.all())
        for question in self.questions:
            name = f"q{question.pk}"
            label = question.text(language)
            errors = {"required": texts["required"]}
            if question.kind == QuestionKind.SCALE:
                field = forms.TypedChoiceField(
                    label=label,
                    choices=[(n, str(n)) for n in range(1, 6)],
                    coerce=int,
                    widget=forms.RadioSelect(attrs={"class": "scale"}),
                    help_text=f"{texts['scale_low']} … {texts['scale_high']}",
                )
            elif question.kind == QuestionKind.YES_NO:
                field = forms.ChoiceField(
                    label=label, choices=[("yes", texts["yes"]), ("no", texts["no"])], widget=forms.RadioSelect
                )
            else:
                field = forms.CharField(
                    label=label, max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 4})
                )
            field.required = question.required
            field.error_messages.update(errors)
            self.fields[name] = field

    def answers(self) -> dict:
        return {question.pk: self.cleaned_data.get(f"q{question.pk}") for question in self.questions}
