"""Guides and information materials for victims and partners: versions in Estonian, Russian and English,
an owner who keeps them up to date (a review date, overdue reviews flagged), and a status (draft,
approved by someone other than the owner, published, withdrawn). Published materials are public."""

from __future__ import annotations

from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from victimsupport.history import history
from victimsupport.status import status_properties


class MaterialKind(models.TextChoices):
    GUIDE = "guide", _("guide")
    LEAFLET = "leaflet", _("leaflet")
    POSTER = "poster", _("poster")
    E_COURSE = "e_course", _("e-course")
    OTHER = "other", _("other material")


class MaterialStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    APPROVED = "approved", _("approved")
    PUBLISHED = "published", _("published")
    WITHDRAWN = "withdrawn", _("withdrawn")


class MaterialLanguage(models.TextChoices):
    ET = "et", _("Estonian")
    RU = "ru", _("Russian")
    EN = "en", _("English")


@status_properties
class Material(models.Model):
    STATUS_TONES = {"published": "ok", "approved": "info", "withdrawn": "warn"}

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=MaterialKind.choices)
    audience = models.CharField(
        _("for whom"), max_length=200, help_text=_("E.g. victims of domestic violence; police officers.")
    )
    summary = models.TextField(_("summary"), max_length=2000, help_text=_("Shown on the public page."))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("owner")
    )
    review_due_on = models.DateField(_("review by"))
    status = models.CharField(_("status"), max_length=10, choices=MaterialStatus.choices, default=MaterialStatus.DRAFT)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    review_reminded_on = models.DateField(null=True, blank=True, editable=False)
    # The version being prepared, and the one the public sees (kept while a revision is prepared).
    current_version = models.PositiveSmallIntegerField(default=1, editable=False)
    published_version = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    # What the public sees, as it was published: a revision's edits stay in the draft until published.
    published_title = models.CharField(max_length=200, blank=True, default="", editable=False)
    published_kind = models.CharField(max_length=20, blank=True, default="", editable=False)
    published_audience = models.CharField(max_length=200, blank=True, default="", editable=False)
    published_summary = models.TextField(blank=True, default="", editable=False)
    published_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    # Who wrote or changed the version being prepared: none of them approves it.
    contributors = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)
    history = history()

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status__in=["approved", "published"])
                | models.Q(approved_by__isnull=False, approved_at__isnull=False)
                & ~models.Q(approved_by=models.F("owner")),
                name="material_approved_by_another",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="published")
                | models.Q(published_at__isnull=False, published_version=models.F("current_version")),
                name="material_published_with_time",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.published_version is not None and not self.is_withdrawn

    @property
    def published_kind_label(self) -> str:
        return str(MaterialKind(self.published_kind).label) if self.published_kind in MaterialKind.values else ""


class MaterialFile(models.Model):
    """One version of the material in one language (a new version is a new row: what was published
    stays as it was)."""

    material = models.ForeignKey(Material, on_delete=models.PROTECT, related_name="files")
    number = models.PositiveSmallIntegerField(_("version"))
    language = models.CharField(_("language"), max_length=2, choices=MaterialLanguage.choices)
    file = models.FileField(upload_to="materials/%Y/", max_length=300)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    note = models.CharField(_("what changed"), max_length=300, blank=True, default="")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number", "language"]
        verbose_name = _("material file")
        verbose_name_plural = _("material files")
        constraints = [
            models.UniqueConstraint(fields=["material", "number", "language"], name="materialfile_one_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.material} v{self.number} ({self.language})"

    @property
    def public_name(self) -> str:
        """The download's name for the public: from the published title, never the uploader's file name."""
        extension = PurePath(self.original_name).suffix.lower()
        return f"{slugify(self.material.published_title)[:60] or 'material'}-v{self.number}-{self.language}{extension}"
