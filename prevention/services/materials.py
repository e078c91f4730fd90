"""Materials: written by staff, approved by a regional manager or a service organiser who is not the
owner, published (then public), revised as a new version (the published one stays public until the new
one is published), withdrawn. The owner is told once when a review is overdue."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cases.services.work import stored_upload
from prevention.models import Material, MaterialFile, MaterialLanguage, MaterialStatus
from victimsupport.concurrency import ConcurrentEdit, versioned_edit
from victimsupport.models import Role, User
from victimsupport.notify import notify
from victimsupport.rules import check_field_rules, field_errors
from victimsupport.security import security_event

EDITORS = (Role.SPECIALIST, Role.REGIONAL_MANAGER, Role.SERVICE_ORGANISER, Role.COORDINATOR)
APPROVERS = (Role.REGIONAL_MANAGER, Role.SERVICE_ORGANISER)
MATERIAL_FIELDS = ["title", "kind", "audience", "summary", "owner", "review_due_on"]


def _first_review(review_due_on: date | None, is_new: bool | None) -> dict:
    """A new material's first review is in the future (`is_new`: the material is not stored yet)."""
    if is_new and review_due_on and review_due_on <= timezone.localdate():
        return {"review_due_on": _("The first review is in the future.")}
    return {}


def _next_review(next_review_on: date | None) -> dict:
    if next_review_on and next_review_on <= timezone.localdate():
        return {"next_review_on": _("The next review is in the future.")}
    return {}


MATERIAL_RULES = (_first_review,)
REVIEW_RULES = (_next_review,)


def _editor(actor: User) -> None:
    if not actor.has_role(*EDITORS):
        raise PermissionDenied


def _check(material: Material) -> None:
    errors: dict = {}
    if material.owner_id and not (material.owner.is_active and material.owner.has_role(*EDITORS)):
        errors["owner"] = [_("The owner is a member of staff who keeps the material up to date.")]
    for field, message in field_errors(
        *MATERIAL_RULES, review_due_on=material.review_due_on, is_new=material.pk is None
    ).items():
        errors[field] = [message]
    try:
        material.full_clean()
    except ValidationError as error:
        for field, messages in error.update_error_dict({}).items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def material_create(*, actor: User, **fields) -> Material:
    _editor(actor)
    material = Material(created_by=actor, **{name: fields[name] for name in MATERIAL_FIELDS})
    _check(material)
    material.save()
    material.contributors.add(actor)
    return material


def _locked(material: Material) -> Material:
    return Material.objects.select_for_update().get(pk=material.pk)


@transaction.atomic
def material_update(*, actor: User, material: Material, expected_version: int, **fields) -> Material:
    """The description, while the version is prepared (a published one changes through a revision)."""
    _editor(actor)
    stored = versioned_edit(material, expected_version, fields, MATERIAL_FIELDS)
    if not stored.is_draft:
        raise ValidationError(_("Only a draft is changed: start a revision of the material first."))
    if material.review_due_on != stored.review_due_on or material.owner_id != stored.owner_id:
        material.review_reminded_on = None  # a new date or a new owner: told again when due
    _check(material)
    material.save()
    material.contributors.add(actor)
    return material


@transaction.atomic
def file_add(*, actor: User, material: Material, language: str, upload: UploadedFile, note: str = "") -> MaterialFile:
    """The file of the version being prepared in one language (a draft's file may be replaced)."""
    _editor(actor)
    material = _locked(material)
    if not material.is_draft:
        raise ValidationError(_("Files are added to a draft: start a revision of the material first."))
    if language not in MaterialLanguage.values:
        raise ValidationError({"language": _("Choose Estonian, Russian or English.")})
    try:
        fields, name = stored_upload(
            upload, from_proceedings=False, name=f"material-{material.pk}-v{material.current_version}-{language}"
        )
    except ValidationError as error:
        raise ValidationError({"upload": error.message_dict.get("file", error.messages)}) from error

    MaterialFile.objects.filter(material=material, number=material.current_version, language=language).delete()
    row = MaterialFile(
        material=material,
        number=material.current_version,
        language=language,
        original_name=fields["original_name"],
        content_type=fields["content_type"],
        size=fields["size"],
        sha256=fields["sha256"],
        note=note.strip()[:300],
        uploaded_by=actor,
    )
    row.file.save(name, upload, save=False)
    row.save()
    material.version += 1  # what an approver saw is no longer what is there
    material.save(update_fields=["version"])
    material.contributors.add(actor)
    return row


@transaction.atomic
def material_approve(*, actor: User, material: Material, expected_version: int | None = None) -> Material:
    """Four eyes: a regional manager or a service organiser who neither owns the material nor wrote or
    changed this version; what they approve is what they saw (`expected_version`); the version has its
    Estonian file."""
    material = _locked(material)
    if not actor.has_role(*APPROVERS) or actor.pk == material.owner_id:
        raise PermissionDenied
    if material.contributors.filter(pk=actor.pk).exists():
        raise ValidationError(_("You wrote or changed this version: another approver approves it."))
    if expected_version is not None and material.version != expected_version:
        raise ConcurrentEdit(material)
    if not material.is_draft:
        raise ValidationError(_("Only a draft is approved."))
    if not material.files.filter(number=material.current_version, language=MaterialLanguage.ET).exists():
        raise ValidationError(_("Add the Estonian file of this version first."))
    material.status, material.approved_by, material.approved_at = MaterialStatus.APPROVED, actor, timezone.now()
    material.version += 1
    material.save()
    security_event("material_approved", actor=actor, material=material.pk, number=material.current_version)
    return material


@transaction.atomic
def material_publish(*, actor: User, material: Material) -> Material:
    _editor(actor)
    material = _locked(material)
    if not material.is_approved:
        raise ValidationError(_("Only an approved material is published."))
    material.status, material.published_at = MaterialStatus.PUBLISHED, timezone.now()
    material.published_version = material.current_version
    material.published_title, material.published_kind = material.title, material.kind
    material.published_audience, material.published_summary = material.audience, material.summary
    material.published_approved_by = material.approved_by
    material.version += 1
    material.save()
    security_event("material_published", actor=actor, material=material.pk, number=material.current_version)
    return material


@transaction.atomic
def material_return_to_draft(*, actor: User, material: Material) -> Material:
    """An approved version with a mistake in it goes back to its author (approved again after)."""
    _editor(actor)
    material = _locked(material)
    if not material.is_approved:
        raise ValidationError(_("Only an approved material goes back to draft."))
    material.status, material.approved_by, material.approved_at = MaterialStatus.DRAFT, None, None
    material.version += 1
    material.save()
    return material


@transaction.atomic
def material_revise(*, actor: User, material: Material) -> Material:
    """Start the next version: the published one stays public until the new one is published."""
    _editor(actor)
    material = _locked(material)
    if not material.is_published:
        raise ValidationError(_("Only a published material is revised."))
    material.status, material.approved_by, material.approved_at = MaterialStatus.DRAFT, None, None
    material.current_version += 1
    material.version += 1
    material.save()
    material.contributors.set([actor])  # the new version's authors, from now
    return material


@transaction.atomic
def material_withdraw(*, actor: User, material: Material) -> Material:
    _editor(actor)
    material = _locked(material)
    if material.is_withdrawn:
        raise ValidationError(_("The material has been withdrawn already."))
    material.status, material.withdrawn_at = MaterialStatus.WITHDRAWN, timezone.now()
    material.version += 1
    material.save()
    security_event("material_withdrawn", actor=actor, material=material.pk)
    return material


@transaction.atomic
def material_reviewed(*, actor: User, material: Material, next_review_on: date) -> Material:
    """The owner checked that the material is still right: the next review date (the content is as
    approved, so nothing is approved again)."""
    material = _locked(material)
    if actor.pk != material.owner_id and not actor.has_role(*APPROVERS):
        raise PermissionDenied
    if material.is_withdrawn:
        raise ValidationError(_("The material has been withdrawn."))
    check_field_rules(*REVIEW_RULES, next_review_on=next_review_on)
    material.review_due_on, material.review_reminded_on = next_review_on, None
    material.version += 1
    material.save(update_fields=["review_due_on", "review_reminded_on", "version"])
    return material


def send_review_reminders(today: date | None = None) -> int:
    """Materials whose review is overdue: their owner is told once (until the next review date)."""
    today = today or timezone.localdate()
    sent = 0
    due = Material.objects.filter(review_due_on__lt=today, review_reminded_on__isnull=True).exclude(
        status=MaterialStatus.WITHDRAWN
    )
    for material in due.select_related("owner").filter(owner__is_active=True):
        with transaction.atomic():
            if not Material.objects.filter(pk=material.pk, review_reminded_on__isnull=True).update(
                review_reminded_on=today
            ):
                continue
            notify(
                [material.owner],
                gettext_noop("The review of the material %(title)s was due on %(due)s."),
                params={"title": material.title, "due": f"{material.review_due_on:%d.%m.%Y}"},
                link=reverse("prevention:material", args=[material.pk]),
                email=True,
            )
            sent += 1
    return sent


def default_review_date() -> date:
    return timezone.localdate() + timedelta(days=365)
