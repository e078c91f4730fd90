"""The mail server is down (issue 18): notices and e-mailed letters wait in the outbox with their status,
are tried again with growing pauses, are listed for the administrators when they keep failing, and are
sent (once) when the server is back. A real SMTP server on a real port; nothing is faked but the clock."""

from __future__ import annotations

from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.core.mail import EmailMessage
from django.test import Client
from django.utils import timezone
from django.utils.translation import gettext_noop

from tests.factories import make_case, make_user, set_rules
from tests.faults import free_port
from victimsupport.mail import mail_deliver, mail_send_waiting, pause_after
from victimsupport.models import MailStatus, Notification, OutgoingMail
from victimsupport.notify import email_notification, notify

pytestmark = [pytest.mark.django_db, pytest.mark.drill]


class Inbox:
    """An SMTP server's handler that keeps what it receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp(settings):
    """The outbox in front of an SMTP mailer on a port where no server answers yet."""
    port = free_port()
    settings.MAILERS = {
        "default": {"BACKEND": "victimsupport.mail.OutboxBackend"},
        "delivery": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        },
    }
    settings.MAIL_MAX_ATTEMPTS = 3
    return port


def due_now():
    OutgoingMail.objects.filter(status=MailStatus.QUEUED).update(next_attempt_at=timezone.now())


def test_mail_waits_while_the_server_is_down_and_goes_once_it_is_back(smtp, specialist):
    notify([specialist], gettext_noop("A task is due"), email=True)
    email_notification(Notification.objects.get(user=specialist))  # what its task does
    letter = EmailMessage("Otsus 5-1/7", "Lugupeetud klient, otsus on lisatud.", to=["klient@example.ee"])
    letter.attach("5-1_7.pdf", b"%PDF-1.7 a letter", "application/pdf")
    letter.send()
    mails = OutgoingMail.objects.order_by("pk")
    assert list(mails.values_list("status", flat=True)) == [MailStatus.QUEUED, MailStatus.QUEUED]

    # The server is down: each attempt is counted, with the reason, and the next one waits longer.
    for pk in mails.values_list("pk", flat=True):
        assert mail_deliver(pk) is False
    first = mails.first()
    assert first.attempts == 1 and "Connection refused" in first.last_error
    assert first.next_attempt_at > timezone.now() + pause_after(1) - timedelta(seconds=5)
    assert mail_send_waiting() == 0  # not due yet: nothing is tried
    due_now()
    assert mail_send_waiting() == 0
    assert set(mails.values_list("attempts", flat=True)) == {2}
    assert pause_after(2) == 2 * pause_after(1) and pause_after(20) == timedelta(hours=6)

    # The server is back: both go, once, the letter with its attachment; the message content is dropped.
    inbox = Inbox()
    server = Controller(inbox, hostname="127.0.0.1", port=smtp)
    server.start()
    try:
        due_now()
        assert mail_send_waiting() == 2
        due_now()
        assert mail_send_waiting() == 0
    finally:
        server.stop()
    assert len(inbox.messages) == 2
    assert inbox.messages[1].rcpt_tos == ["klient@example.ee"] and b"5-1_7.pdf" in inbox.messages[1].content
    assert inbox.messages[0].rcpt_tos == [specialist.email]
    assert set(mails.values_list("status", "message")) == {(MailStatus.SENT, None)}


def test_mail_that_keeps_failing_is_listed_for_the_administrators_and_can_be_sent_again(smtp, specialist):
    administrator = make_user("administrator", is_staff=True, is_superuser=True)
    EmailMessage("Teade", "Tekst", to=["mari.maasikas@example.ee"]).send()
    mail = OutgoingMail.objects.get()
    for _attempt in range(3):
        due_now()
        mail_send_waiting()
    mail.refresh_from_db()
    assert mail.status == MailStatus.FAILED and mail.attempts == 3 and mail.message  # kept, not dropped
    due_now()
    mail_send_waiting()
    mail.refresh_from_db()
    assert mail.attempts == 3  # a failed message waits for a person
    notice = Notification.objects.get(user=administrator)
    assert "3" in notice.text and "Teade" in notice.text and "outgoingmail" in notice.link

    client = Client()
    client.force_login(administrator)
    listing = client.get("/admin/victimsupport/outgoingmail/", {"status__exact": "failed"})
    page = listing.content.decode()
    assert listing.status_code == 200 and "Teade" in page and "m***@example.ee" in page
    assert "mari.maasikas" not in page  # the address itself is not shown
    inbox = Inbox()
    server = Controller(inbox, hostname="127.0.0.1", port=smtp)
    server.start()
    try:
        response = client.post(
            "/admin/victimsupport/outgoingmail/", {"action": "send_again", "_selected_action": [mail.pk]}
        )
        assert response.status_code == 302
        mail.refresh_from_db()
        assert mail.status == MailStatus.QUEUED and mail.attempts == 0
        assert mail_send_waiting() == 1
    finally:
        server.stop()
    mail.refresh_from_db()
    assert mail.status == MailStatus.SENT and len(inbox.messages) == 1


def test_mail_to_a_client_is_withheld_when_their_rules_no_longer_allow_email(
    smtp, specialist, django_capture_on_commit_callbacks
):
    """The rules are asked again just before the message goes: a client who asked not to be e-mailed
    (or changed the address) while the message waited gets nothing."""
    from reporting.feedback import feedback_invite

    case = make_case(specialist)
    case.client.email = "mari@example.ee"
    case.client.save()
    set_rules(specialist, case.client, email_allowed=True)
    with django_capture_on_commit_callbacks(execute=True):
        feedback_invite(actor=specialist, case=case, service="counselling", channel="email")
    mail = OutgoingMail.objects.get()
    assert mail.delivery_check == "person_email" and mail.recipients == ["mari@example.ee"]
    set_rules(specialist, case.client, email_allowed=False)  # while the mail server was away
    inbox = Inbox()
    server = Controller(inbox, hostname="127.0.0.1", port=smtp)
    server.start()
    try:
        due_now()
        assert mail_send_waiting() == 0
    finally:
        server.stop()
    mail.refresh_from_db()
    assert mail.status == MailStatus.WITHHELD and mail.message is None and not inbox.messages
    assert "do not allow" in mail.last_error or "ei luba" in mail.last_error


def test_an_error_text_does_not_show_the_addresses():
    from victimsupport.mail import _masked

    text = "SMTPRecipientsRefused: {'mari.maasikas@example.ee': (550, b'no such user <mari.maasikas@example.ee>')}"
    assert "mari.maasikas" not in _masked(text) and "m***@example.ee" in _masked(text)
