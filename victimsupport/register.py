"""Registering documents: numbers without gaps or duplicates, files stored with their checksum."""

from __future__ import annotations

import hashlib
import logging
from datetime import date

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_noop

from victimsupport.models import RegisteredDocument, RegisterMatter, RegisterSeries
from victimsupport.notify import notify_administrators
from victimsupport.seal import archival_format, seal_facts
from victimsupport.security import security_event
from victimsupport.storage import STORAGE_ERRORS, storage_unavailable

logger = logging.getLogger(__name__)

PERSONAL_DATA_BASIS = "AvTS § 35 lg 1 p 12"
CRIMINAL_PROCEEDINGS_BASIS = "AvTS § 35 lg 1 p 1"
PERSONAL_DATA_YEARS = 75


def series_for(purpose: str) -> RegisterSeries:
    """The series an administrator configured for this purpose."""
    return RegisterSeries.objects.get(purpose=purpose)


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@transaction.atomic
def open_matter(*, series: RegisterSeries, title: str = "") -> RegisterMatter:
    """A new matter with the next running number of the series (the series row is locked until commit,
    so concurrent registrations queue and a rollback leaves no gap)."""
    updated = RegisterSeries.objects.filter(pk=series.pk).update(last_number=F("last_number") + 1)
    if not updated:
        raise RegisterSeries.DoesNotExist(series.pk)
    number = RegisterSeries.objects.values_list("last_number", flat=True).get(pk=series.pk)
    return RegisterMatter.objects.create(series=series, running_number=number, title=title[:300])


def private_person_party(reference: str) -> str:
    """The register's party for a private person: a reference to their matter, never their name (the
    register is read by people, administrators among them, who have no access to the case)."""
    return f"füüsiline isik ({reference})"


@transaction.atomic
def register_document(
    *,
    title: str,
    doc_type: str,
    responsible,
    content: bytes | None = None,
    filename: str = "",
    content_type: str = "application/pdf",
    matter: RegisterMatter | None = None,
    series: RegisterSeries | None = None,
    party: str = "",
    addressed_to: str | None = None,
    channel: str = "",
    direction: str = "outgoing",
    restricted: bool = True,
    restriction_basis: str = PERSONAL_DATA_BASIS,
    reply_due: date | None = None,
    supersedes: RegisteredDocument | None = None,
) -> RegisteredDocument:
    """Register a document in `matter` (or in a new matter of `series`) and store its file."""
    if matter is None:
        if series is None:
            raise ValueError("register_document needs a matter or a series")
        matter = open_matter(series=series, title=title)
    RegisterMatter.objects.filter(pk=matter.pk).update(last_sequence=F("last_sequence") + 1)
    matter = RegisterMatter.objects.select_related("series").get(pk=matter.pk)
    today = timezone.localdate()
    document = RegisteredDocument(
        matter=matter,
        sequence=matter.last_sequence,
        number=f"{matter.series.code}/{matter.running_number}-{matter.last_sequence}",
        title=title[:300],
        doc_type=doc_type,
        direction=direction,
        party=party[:200],
        addressed_to=addressed_to,
        channel=channel,
        responsible=responsible,
        reply_due=reply_due,
        restricted=restricted,
        restriction_basis=restriction_basis if restricted else "",
        restricted_from=today if restricted else None,
        restricted_until=_add_years(today, PERSONAL_DATA_YEARS) if restricted else None,
        supersedes=supersedes,
    )
    if content is not None:
        document.sha256 = hashlib.sha256(content).hexdigest()
        document.size = len(content)
        document.content_type = content_type
        if content_type == "application/pdf":
            document.archival_format = archival_format(content)
            document.sealed_by, document.seal_fingerprint, document.sealed_at = seal_facts(content)
        safe_name = document.number.replace("/", "_") + "-" + (filename or "document.pdf")
        document.file.save(safe_name, ContentFile(content), save=False)
    document.full_clean()
    document.save()
    return document


def documents_check_integrity() -> list[str]:
    """The register numbers of stored documents whose file is missing, unreadable or no longer matches
    its checksum. Administrators are told (a notification, and e-mail) and the security log records it;
    none found, nobody is disturbed."""
    broken, unreachable = [], None
    documents = RegisteredDocument.objects.exclude(file="").only("pk", "number", "file", "sha256").order_by("pk")
    for document in documents.iterator(chunk_size=500):
        try:
            intact = document.verify_checksum()
        except STORAGE_ERRORS as exc:
            if storage_unavailable(exc):  # the storage away is not every document lost: stop, say so
                unreachable = exc
                break
            intact = False
        if not intact:
            broken.append(document.number)
    if broken:
        security_event("documents_integrity_failed", count=len(broken), numbers=",".join(broken[:50]))
        notify_administrators(
            gettext_noop("%(count)s registered documents are missing or changed: %(numbers)s"),
            params={"count": len(broken), "numbers": ", ".join(broken[:20])},
            email=True,
        )
    if unreachable is not None:
        logger.warning("document check stopped: the document storage is out of reach: %s", unreachable)
        notify_administrators(
            gettext_noop(
                "The document check stopped: the document storage could not be reached (%(error)s). "
                "It runs again next night; manage.py check_documents runs it now."
            ),
            params={"error": type(unreachable).__name__},
            email=True,
        )
    return broken
