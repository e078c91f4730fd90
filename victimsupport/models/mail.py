"""E-mail on its way out: kept in the database first, sent by a worker (victimsupport.mail)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MailStatus(models.TextChoices):
    QUEUED = "queued", _("waiting to be sent")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")
    WITHHELD = "withheld", _("not sent: the recipient's contact rules no longer allow it")


class OutgoingMail(models.Model):
    """One e-mail the system sends (a notice, a letter, an invitation). Kept until the mail server has
    taken it: tried again with growing pauses while it is away, and listed for the administrators when
    it keeps failing. The message itself (which may carry a letter) is dropped once it is sent."""

    created_at = models.DateTimeField(_("created"), default=timezone.now)
    status = models.CharField(_("status"), max_length=10, choices=MailStatus.choices, default=MailStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    sender = models.CharField(_("sender"), max_length=300)
    recipients = models.JSONField(_("recipients"), default=list)
    message = models.BinaryField(null=True, blank=True, editable=False)  # the MIME message, until sent
    # Asked again just before sending (victimsupport.mail.DELIVERY_CHECKS): e.g. "person_email" and the
    # person's id, so that a message to a client goes only if their safe-contact rules still allow it.
    delivery_check = models.CharField(max_length=40, blank=True, editable=False)
    delivery_check_id = models.PositiveBigIntegerField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mail")
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="mail_status_due_idx")]
        constraints = [
            models.CheckConstraint(
                name="mail_sent_has_no_message",
                condition=~models.Q(status=MailStatus.SENT) | models.Q(message__isnull=True, sent_at__isnull=False),
            ),
            models.CheckConstraint(
                name="mail_waiting_has_message",
                condition=models.Q(status__in=[MailStatus.SENT, MailStatus.WITHHELD]) | models.Q(message__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.subject or str(self.pk)
