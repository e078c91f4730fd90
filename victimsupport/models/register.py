"""The document register (dokumendiregister): series, matters and registered documents.

A number reads SERIES/RUNNING-SEQ (`2-1/41723-1`): the series index, a running number per series (one
per matter) and a sequence number within the matter. Numbers are assigned under row locks inside the
registering transaction, so they have no gaps and no duplicates (services.register_document).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from victimsupport.history import history


class RegisterSeries(models.Model):
    code = models.CharField(_("series index"), max_length=20, unique=True)
    title = models.CharField(_("title"), max_length=200)
    # What the system files into this series by default, e.g. "aid_decision"; set by an administrator.
    purpose = models.CharField(_("purpose"), max_length=40, unique=True, null=True, blank=True)
    last_number = models.PositiveIntegerField(_("last running number"), default=0)
    history = history()

    class Meta:
        ordering = ["code"]
        verbose_name = _("register series")
        verbose_name_plural = _("register series")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class RegisterMatter(models.Model):
    series = models.ForeignKey(RegisterSeries, on_delete=models.PROTECT, related_name="matters")
    running_number = models.PositiveIntegerField(_("running number"))
    title = models.CharField(_("title"), max_length=300, blank=True, default="")
    last_sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("register matter")
        verbose_name_plural = _("register matters")
        constraints = [
            models.UniqueConstraint(fields=["series", "running_number"], name="matter_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.series.code}/{self.running_number}"


class Direction(models.TextChoices):
    OUTGOING = "outgoing", _("outgoing")
    INCOMING = "incoming", _("incoming")
    INTERNAL = "internal", _("internal")


class RegisteredDocument(models.Model):
    """A registered document. Its file and number never change once stored (a database trigger holds
    this); a correction is a new document that refers to the old one."""

    matter = models.ForeignKey(RegisterMatter, on_delete=models.PROTECT, related_name="documents")
    sequence = models.PositiveIntegerField(_("sequence"))
    number = models.CharField(_("register number"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=300)
    doc_type = models.CharField(_("document type"), max_length=40)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices, default=Direction.OUTGOING)
    registered_at = models.DateTimeField(_("registered"), default=timezone.now)
    party = models.CharField(_("party"), max_length=200, blank=True, default="")
    # The postal or e-mail address printed on the letter when it was rendered, a line each ("" for none;
    # NULL for letters registered before this was recorded): delivery by post checks it against what
    # the person's safe-contact rules allow now.
    addressed_to = models.TextField(_("address on the letter"), null=True, blank=True, default=None)
    channel = models.CharField(_("channel"), max_length=30, blank=True, default="")
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("responsible official")
    )
    reply_due = models.DateField(_("reply deadline"), null=True, blank=True)
    # Access restriction (AK): legal basis, start and end.
    restricted = models.BooleanField(_("for internal use only"), default=True)
    restriction_basis = models.CharField(_("restriction basis"), max_length=100, blank=True, default="")
    restricted_from = models.DateField(_("restricted from"), null=True, blank=True)
    restricted_until = models.DateField(_("restricted until"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to="register/%Y/%m/", max_length=300, blank=True)
    content_type = models.CharField(max_length=100, blank=True, default="")
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(_("checksum (SHA-256)"), max_length=64, blank=True, default="")
    # A letter's archival format and the agency's e-seal on it (victimsupport.seal), as the file says.
    archival_format = models.CharField(_("archival format"), max_length=12, blank=True, default="")
    sealed_by = models.CharField(_("sealed by"), max_length=200, blank=True, default="")
    seal_fingerprint = models.CharField(max_length=64, blank=True, default="")  # the certificate's SHA-256
    sealed_at = models.DateTimeField(_("time of the seal"), null=True, blank=True)
    supersedes = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("corrects"),
    )
    history = history()

    class Meta:
        ordering = ["-registered_at", "-id"]
        verbose_name = _("registered document")
        verbose_name_plural = _("registered documents")
        constraints = [
            models.UniqueConstraint(fields=["matter", "sequence"], name="document_sequence_unique"),
            models.CheckConstraint(
                condition=~models.Q(restricted=True) | ~models.Q(restriction_basis=""),
                name="document_restriction_has_basis",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def verify_checksum(self) -> bool:
        if not self.file:
            return False
        digest = hashlib.sha256()
        with self.file.open("rb") as handle:
            for chunk in iter(lambda: handle.read(65536), b""):
                digest.update(chunk)
        return digest.hexdigest() == self.sha256
