"""The outbox: every e-mail the system sends goes through here. The default mailer
(`MAILERS["default"]`, `OutboxBackend`) only keeps the message in the database (`OutgoingMail`), in the
sender's transaction; a worker hands it to the real mail server (`MAILERS["delivery"]`) once that
transaction has committed. While the server is away the message waits and is tried again with growing
pauses by the beat task `victimsupport.send_waiting_mail`; after `MAIL_MAX_ATTEMPTS` it is marked failed,
the administrators are told in the app, and it stays listed ("Outgoing e-mail" in the admin) until
someone sends it again. Nothing is dropped silently.

Delivery is at least once: a message the server took just before the worker died (or before the
database could record it) is sent again.

A message to a person whose contact rules decide how they may be reached carries a delivery check
(`message.delivery_check = ("person_email", person.pk)`), asked again just before every attempt: a
message the rules no longer allow is withheld (never sent, its content dropped)."""

from __future__ import annotations

import email
import email.policy
import logging
import re
from collections.abc import Callable
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from victimsupport.models import MailStatus, OutgoingMail
from victimsupport.notify import notify_administrators
from victimsupport.security import security_event

logger = logging.getLogger(__name__)

DELIVERY_MAILER = "delivery"
LONGEST_PAUSE = timedelta(hours=6)
KEEP_SENT = timedelta(days=30)  # a sent message's row (no content) for the administrators' questions
MAIL_FAILED = gettext_noop(
    "An e-mail could not be sent after %(attempts)s attempts (%(subject)s): %(error)s. It waits in the list "
    "of outgoing e-mail until it is sent again."
)


# name -> check(object id, recipients): None when the message may go, else the reason it may not.
DELIVERY_CHECKS: dict[str, Callable[[int, list[str]], str | None]] = {}
ADDRESS = re.compile(r"[^\s<>\"',;:()]+@[^\s<>\"',;:()]+")


def register_delivery_check(name: str, check: Callable[[int, list[str]], str | None]) -> None:
    DELIVERY_CHECKS[name] = check


def mask_address(address: str) -> str:
    """m***@example.ee: enough to tell messages apart, not to read the address."""
    name, _at, domain = address.rpartition("@")
    return f"{name[:1]}***@{domain}" if name else "***"


def _masked(text: str) -> str:
    """An error text without the addresses in it (an SMTP refusal quotes them)."""
    return ADDRESS.sub(lambda match: mask_address(match.group(0)), text)


class OutboxBackend(BaseEmailBackend):
    """Keeps each message for the worker instead of sending it."""

    def send_messages(self, email_messages) -> int:
        count = 0
        for message in email_messages:
            if not message.recipients():
                continue
            check, check_id = getattr(message, "delivery_check", ("", None))
            if check and check not in DELIVERY_CHECKS:
                raise ValueError(f"unknown delivery check {check!r}")
            mail = OutgoingMail.objects.create(
                subject=str(message.subject)[:300],
                sender=message.from_email or settings.DEFAULT_FROM_EMAIL,
                recipients=list(message.recipients()),
                message=message.message().as_bytes(),
                delivery_check=check,
                delivery_check_id=check_id,
            )
            transaction.on_commit(lambda pk=mail.pk: send_outgoing_mail.delay(pk))
            count += 1
        return count


class StoredMessage(EmailMessage):
    """A kept message, as the delivery mailer sends it: the stored MIME message and its recipients."""

    def __init__(self, mail: OutgoingMail):
        super().__init__(subject=mail.subject, from_email=mail.sender, to=mail.recipients)
        self.raw = bytes(mail.message)

    def message(self, *, policy=email.policy.default):
        return email.message_from_bytes(self.raw, policy=policy)


def pause_after(attempts: int) -> timedelta:
    """1, 2, 4, ... minutes, at most six hours."""
    return min(LONGEST_PAUSE, timedelta(minutes=2 ** max(0, attempts - 1)))


def mail_deliver(mail_id: int) -> bool:
    """Hand a waiting message to the mail server; on failure count the attempt and set the next one (or
    mark it failed and tell the administrators). A message another worker is sending is left alone."""
    with transaction.atomic():
        mail = (
            OutgoingMail.objects.select_for_update(skip_locked=True)
            .filter(pk=mail_id, status=MailStatus.QUEUED)
            .first()
        )
        if mail is None:
            return False
        refused = (
            DELIVERY_CHECKS[mail.delivery_check](mail.delivery_check_id, mail.recipients)
            if mail.delivery_check
            else None
        )
        if refused:
            mail.status, mail.message, mail.last_error = MailStatus.WITHHELD, None, refused[:500]
            mail.save(update_fields=["status", "message", "last_error"])
            security_event("mail_withheld", mail=mail.pk, check=mail.delivery_check, reason=refused)
            return False
        mail.attempts += 1
        try:
            mailers[DELIVERY_MAILER].send_messages([StoredMessage(mail)])
        except (OSError, ValueError) as exc:  # the server away or refusing (smtplib's errors are OSErrors)
            mail.last_error = _masked(f"{type(exc).__name__}: {exc}")[:500]
            logger.warning("e-mail %s: attempt %s failed: %s", mail.pk, mail.attempts, mail.last_error)
            if mail.attempts >= settings.MAIL_MAX_ATTEMPTS:
                mail.status = MailStatus.FAILED
                notify_administrators(
                    MAIL_FAILED,
                    params={"attempts": mail.attempts, "subject": mail.subject[:80], "error": mail.last_error[:200]},
                    link=f"/admin/victimsupport/outgoingmail/?status__exact={MailStatus.FAILED}",
                )
            else:
                mail.next_attempt_at = timezone.now() + pause_after(mail.attempts)
            mail.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
            return False
        mail.status, mail.sent_at, mail.message, mail.last_error = MailStatus.SENT, timezone.now(), None, ""
        mail.save(update_fields=["attempts", "status", "sent_at", "message", "last_error"])
        return True


def mail_send_waiting(limit: int = 200) -> int:
    """Send the messages whose next attempt is due (also those whose task the broker lost); forget the
    rows of messages sent long ago. The number sent."""
    due = OutgoingMail.objects.filter(status=MailStatus.QUEUED, next_attempt_at__lte=timezone.now())
    sent = sum(mail_deliver(pk) for pk in due.order_by("next_attempt_at").values_list("pk", flat=True)[:limit])
    OutgoingMail.objects.filter(status=MailStatus.SENT, sent_at__lt=timezone.now() - KEEP_SENT).delete()
    return sent


def mail_send_again(mails) -> int:
    """An administrator's "send again": failed or waiting messages get a new round of attempts now."""
    waiting = mails.exclude(status=MailStatus.SENT)
    ids = list(waiting.values_list("pk", flat=True))
    waiting.update(status=MailStatus.QUEUED, attempts=0, next_attempt_at=timezone.now())
    for pk in ids:
        transaction.on_commit(lambda pk=pk: send_outgoing_mail.delay(pk))
    return len(ids)


@shared_task(name="victimsupport.send_outgoing_mail", ignore_result=True)
def send_outgoing_mail(mail_id: int) -> None:
    mail_deliver(mail_id)


@shared_task(name="victimsupport.send_waiting_mail", ignore_result=True)
def send_waiting_mail() -> None:
    mail_send_waiting()
