"""Sending a decision letter by e-mail, checked against the safe-contact rules at the moment of sending."""

from __future__ import annotations

from datetime import date

from celery import shared_task
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, override

from cases.aidletters import current_letter, letter_is_stale
from cases.choices import Channel
from cases.contact import PERSON_EMAIL, may_contact
from cases.models import AidDecision
from victimsupport.celery import ActorTask
from victimsupport.jobs import STORAGE_RETRY
from victimsupport.security import security_event


@shared_task(
    name="cases.send_decision_email",
    base=ActorTask,
    ignore_result=True,
    **STORAGE_RETRY,  # the letter is read from storage; the database may be restarting
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


PICKUP = "pickup"  # the person picks the letter up at the office


def checked_delivery(decision, person, channel: str, delivered_on: date | None) -> date:
    """The checks every decision letter's delivery passes (aid and compensation): the letter is made, the
    date is not in the future, the channel is one the person's rules allow now, and a posted letter
    still carries an allowed address. Returns the delivery date."""
    if not decision.is_issued or decision.letter_id is None:
        raise ValidationError(_("The letter is not ready yet."))
    delivered_on = delivered_on or timezone.localdate()
    if delivered_on > timezone.localdate():
        raise ValidationError({"delivered_on": _("The date cannot be in the future.")})
    if channel != PICKUP:
        allowed = may_contact(person, channel)
        if not allowed:
            raise ValidationError({"channel": allowed.reason})
    if channel == Channel.LETTER and letter_is_stale(decision, person=person):
        # The rules changed after the letter was rendered: the address printed on it may now be forbidden.
        raise ValidationError(
            {
                "channel": _(
                    "The safe-contact rules changed after the letter was made, so the address on it may no longer "
                    "be used. Re-issue the letter to the allowed address and post the new one."
                )
            }
        )
    return delivered_on
