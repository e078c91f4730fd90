"""Anonymous client feedback: a one-time link given after a service (printed with a QR code, or sent
by e-mail where the client's safe-contact rules allow it), a short survey that opens without login, and
answers that cannot be linked back to the client (reporting.models.FeedbackInvitation)."""

from __future__ import annotations

import secrets
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from cases.choices import Channel
from cases.contact import PERSON_EMAIL, may_contact
from cases.models import Case
from reporting.models import SURVEY_LANGUAGES, FeedbackInvitation, FeedbackResponse
from reporting.periods import add_months
from reporting.selectors import active_survey, invitation_for
from victimsupport.models import User
from victimsupport.permissions import ensure_permitted
from victimsupport.security import security_event

LINK_VALID_MONTHS = 2


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
    month = date(today.year, today.month, 1)
    invitation = FeedbackInvitation(
        token_hash=FeedbackInvitation.hash_token(token),
        survey=survey,
        region=case.region,
        service=service,
        month=month,
        # Valid to the end of the second month after: no finer than the month, so it tells no day.
        expires_on=add_months(month, LINK_VALID_MONTHS + 1) - timedelta(days=1),
    )
    invitation.full_clean()
    invitation.save()
    if destination:
        transaction.on_commit(lambda: _send(destination, token, case.client.language, case.client_id))
        security_event("feedback_link_emailed", case=case.pk)
    return token


def survey_url(token: str) -> str:
    return reverse("reporting:feedback-survey", args=[token])


def _send(destination: list[str], token: str, language: str, person_id: int) -> None:
    language = language if language in SURVEY_LANGUAGES else "et"
    link = settings.SITE_URL.rstrip("/") + survey_url(token)
    with override("en" if language == "en" else "et"):
        message = EmailMessage(
            subject=_("Your feedback to victim support"),
            body=_(
                "Hello,\n\nwe would be grateful for your feedback on the help you received. The survey is "
                "anonymous and the link works once:\n%(link)s\n\nSocial Insurance Board, victim support"
            )
            % {"link": link},
            to=destination,
        )
    message.delivery_check = (PERSON_EMAIL, person_id)  # the rules are asked again when it goes out
    message.send()


@transaction.atomic
def feedback_answer(*, token: str, language: str, answers: dict) -> FeedbackResponse | None:
    """Store the answers once: the invitation is taken by a conditional update, so a second submit (or a
    second tab) stores nothing."""
    invitation = invitation_for(token)
    if invitation is None:
        return None
    # Taken by deleting it: a second submit finds nothing, and no row is left to set beside the answer.
    taken, _deleted = FeedbackInvitation.objects.filter(pk=invitation.pk).delete()
    if not taken:
        return None
    response = FeedbackResponse(
        survey=invitation.survey,
        region=invitation.region,
        service=invitation.service,
        month=invitation.month,
        language=language,
        answers={str(key): value for key, value in answers.items() if value not in (None, "")},
    )
    response.full_clean()
    response.save()
    return response
