"""Sending a decision letter by e-mail, checked against the safe-contact rules at the moment of sending."""

from __future__ import annotations

from celery import shared_task
from django.core.mail import EmailMessage
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, override

from cases.aidletters import current_letter
from cases.choices import Channel
from cases.contact import PERSON_EMAIL, may_contact
from cases.models import AidDecision
from victimsupport.celery import ActorTask
from victimsupport.jobs import DATABASE_ERRORS
from victimsupport.security import security_event


@shared_task(
    name="cases.send_decision_email",
    base=ActorTask,
    ignore_result=True,
    autoretry_for=(OSError, *DATABASE_ERRORS),
    retry_backoff=True,
    max_retries=5,
)
def send_decision_email(decision_id: int, *, actor_id: int) -> None:
    email_decision_letter(decision_id)


def email_decision_letter(decision_id: int) -> bool:
    decision = AidDecision.objects.select_related("application__applicant", "letter").get(pk=decision_id)
    return email_letter(
        decision.application.applicant,
        current_letter(decision),
        language=decision.letter_language,
        body=gettext_noop(
            "Dear %(name)s,\n\nattached is the decision on your application for mental-health aid.\n\n"
            "Social Insurance Board, victim support"
        ),
        event="decision_emailed",
        decision=decision.pk,
    )


def email_letter(person, letter, *, language: str, body: str, event: str, **event_fields) -> bool:
    """E-mail a registered letter to `person` as a PDF, if their rules allow e-mail now (asked again when it
    goes out). `body` is an untranslated text with %(name)s; `event` names the security events."""
    allowed = may_contact(person, Channel.EMAIL)  # the rules may have changed since the letter was queued
    if not allowed or letter is None:
        security_event(event.replace("emailed", "email_refused"), reason=allowed.reason, **event_fields)
        return False
    with override(language or "et"):
        message = EmailMessage(
            subject=_("Decision %(number)s of the Social Insurance Board") % {"number": letter.number},
            body=_(body) % {"name": person.full_name},
            to=allowed.destination,
        )
    with letter.file.open("rb") as handle:
        message.attach(f"{letter.number.replace('/', '_')}.pdf", handle.read(), "application/pdf")
    message.delivery_check = (PERSON_EMAIL, person.pk)  # the rules are asked again when it goes out
    message.send()
    security_event(event, **event_fields)
    return True
