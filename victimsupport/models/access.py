"""The access log: every read of personal data. Append-only; the database refuses UPDATE and DELETE."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AccessAction(models.TextChoices):
    VIEW = "view", _("viewed")
    LIST = "list", _("saw in a list")
    SEARCH = "search", _("found in a search")
    DOWNLOAD = "download", _("downloaded a document")
    EXPORT = "export", _("exported")
    OPEN_SEALED = "open_sealed", _("opened a sealed record")
    CREATE = "create", _("created")
    CHANGE = "change", _("changed")


# What the logged object types are called, for people (apps add theirs: audit.register_object_type).
OBJECT_TYPE_LABELS: dict[str, object] = {}


class AccessLogEntry(models.Model):
    at = models.DateTimeField(_("time"), default=timezone.now)
    # Users are deactivated, never deleted, so the log keeps who read what.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("user")
    )
    action = models.CharField(_("action"), max_length=20, choices=AccessAction.choices)
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.BigIntegerField(_("object id"), null=True, blank=True)
    # The data subjects whose data was read (person ids); a plain array so that retention of a
    # person record never has to touch this log.
    person_ids = ArrayField(models.BigIntegerField(), default=list, blank=True, verbose_name=_("persons"))
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    path = models.CharField(_("address"), max_length=300, blank=True, default="")
    reason = models.TextField(_("stated reason"), blank=True, default="")
    # Information from criminal proceedings (AvTS § 35(1)(1)): never shown to the data subject.
    restricted = models.BooleanField(_("restricted"), default=False)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-id"]
        default_permissions = ("view",)
        indexes = [
            models.Index(fields=["-at"], name="accesslog_at_idx"),
            GinIndex(fields=["person_ids"], name="accesslog_persons_gin"),
            models.Index(fields=["object_type", "object_id"], name="accesslog_object_idx"),
            models.Index(fields=["user", "at"], name="accesslog_user_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%d.%m.%Y %H:%M} {self.user_id} {self.action} {self.object_type}#{self.object_id}"

    @property
    def object_label(self) -> str:
        return str(OBJECT_TYPE_LABELS.get(self.object_type, self.object_type))
