"""Case work: contacts, notes, the plan, tasks and documents."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import Attachment, Case, Contact, Note, PlanItem, Task
from cases.selectors import eligible_responsibles
from victimsupport.models import User
from victimsupport.permissions import ensure_permitted
from victimsupport.register import CRIMINAL_PROCEEDINGS_BASIS, PERSONAL_DATA_BASIS, PERSONAL_DATA_YEARS
from victimsupport.rules import check_field_rules, not_future

# Accepted documents: extension -> (content type, leading bytes that a real file of the kind has).
ALLOWED_UPLOADS: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    ".odt": ("application/vnd.oasis.opendocument.text", (b"PK\x03\x04",)),
    ".txt": ("text/plain", ()),
}


def _require_open(case: Case) -> None:
    if not case.is_open:
        raise ValidationError(_("The case is closed. Reopen it to add work."))


def _reminder_before_due(remind_on, due_on) -> dict:
    if remind_on and due_on and remind_on > due_on:
        return {"remind_on": gettext_lazy("The reminder must come on or before the due date.")}
    return {}


CONTACT_RULES = (not_future("happened_at"),)
TASK_RULES = (_reminder_before_due,)


@transaction.atomic
def contact_add(
    *, actor: User, case: Case, happened_at: datetime, duration_minutes: int, channel: str, kind: str, summary: str = ""
) -> Contact:
    _require_open(case)
    check_field_rules(*CONTACT_RULES, happened_at=happened_at)
    contact = Contact(
        case=case,
        happened_at=happened_at,
        duration_minutes=duration_minutes,
        channel=channel,
        kind=kind,
        summary=summary,
        recorded_by=actor,
    )
    contact.full_clean()
    contact.save()
    ensure_permitted(actor, case, "change")
    return contact


@transaction.atomic
def note_add(*, actor: User, case: Case, text: str, restricted: bool = False) -> Note:
    note = Note(case=case, text=text, restricted=restricted, written_by=actor)
    note.full_clean()
    note.save()
    ensure_permitted(actor, case, "change")
    return note


@transaction.atomic
def plan_item_add(*, actor: User, case: Case, kind: str, text: str, target_date: date | None = None) -> PlanItem:
    _require_open(case)
    item = PlanItem(case=case, kind=kind, text=text, target_date=target_date, created_by=actor)
    item.full_clean()
    item.save()
    ensure_permitted(actor, case, "change")
    return item


@transaction.atomic
def plan_item_set_status(*, actor: User, item: PlanItem, status: str) -> PlanItem:
    item = PlanItem.objects.select_for_update().get(pk=item.pk)
    item.status = status
    item.full_clean()
    item.save()
    ensure_permitted(actor, item.case, "change")
    return item


@transaction.atomic
def task_add(*, actor: User, case: Case, title: str, due_on: date, assigned_to, remind_on: date | None = None) -> Task:
    _require_open(case)

    if not eligible_responsibles(case.region).filter(pk=assigned_to.pk).exists():
        raise ValidationError({"assigned_to": _("Tasks go to specialists or managers of the case's region.")})
    check_field_rules(*TASK_RULES, remind_on=remind_on, due_on=due_on)
    task = Task(case=case, title=title, due_on=due_on, assigned_to=assigned_to, remind_on=remind_on, created_by=actor)
    task.full_clean()
    task.save()
    ensure_permitted(actor, case, "change")
    return task


@transaction.atomic
def task_set_done(*, actor: User, task: Task, done: bool = True) -> Task:
    task = Task.objects.select_for_update().select_related("case").get(pk=task.pk)
    task.done_at = timezone.now() if done else None
    task.save()
    ensure_permitted(actor, task.case, "change")
    return task


def check_upload(upload: UploadedFile) -> tuple[str, str]:
    """(extension, content type) of an acceptable upload; ValidationError on the `file` field else."""
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            {
                "file": _("The file is too large (%(size)s MB); the limit is %(limit)s MB.")
                % {"size": f"{upload.size / 1048576:.1f}", "limit": f"{settings.UPLOAD_MAX_BYTES / 1048576:.0f}"}
            }
        )
    if upload.size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    extension = PurePath(upload.name or "").suffix.lower()
    if extension not in ALLOWED_UPLOADS:
        raise ValidationError({"file": _("This kind of file is not accepted. Use PDF, PNG, JPEG, DOCX, ODT or TXT.")})
    content_type, signatures = ALLOWED_UPLOADS[extension]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if signatures and not any(head.startswith(signature) for signature in signatures):
        raise ValidationError({"file": _("The file's content does not match its name (%(ext)s).") % {"ext": extension}})
    if not signatures and b"\x00" in head:
        raise ValidationError({"file": _("The file's content does not match its name (%(ext)s).") % {"ext": extension}})
    return extension, content_type


def stored_upload(upload: UploadedFile, *, from_proceedings: bool, name: str) -> tuple[dict, str]:
    """What a stored document records of an upload (checked first: ValidationError on `file`), and the
    file name to store it under (`name` plus a piece of its checksum). Used by every app's documents."""
    extension, content_type = check_upload(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    today = timezone.localdate()
    try:
        until = today.replace(year=today.year + PERSONAL_DATA_YEARS)
    except ValueError:
        until = today.replace(year=today.year + PERSONAL_DATA_YEARS, day=28)
    fields = {
        "original_name": PurePath(upload.name).name[:255],
        "content_type": content_type,
        "size": upload.size,
        "sha256": digest.hexdigest(),
        "from_proceedings": from_proceedings,
        "restriction_basis": CRIMINAL_PROCEEDINGS_BASIS if from_proceedings else PERSONAL_DATA_BASIS,
        "restricted_until": until,
    }
    return fields, f"{name}-{digest.hexdigest()[:16]}{extension}"


@transaction.atomic
def attachment_add(
    *, actor: User, case: Case, title: str, upload: UploadedFile, from_proceedings: bool = False
) -> Attachment:
    fields, filename = stored_upload(upload, from_proceedings=from_proceedings, name=f"case-{case.pk}")
    attachment = Attachment(case=case, title=title, uploaded_by=actor, **fields)
    attachment.file.save(filename, upload, save=False)
    attachment.full_clean()
    attachment.save()
    ensure_permitted(actor, case, "change")
    return attachment
