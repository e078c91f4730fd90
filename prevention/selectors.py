"""Reads of materials: the staff's list, and what the public sees (published, not withdrawn, the
published version's files)."""

from __future__ import annotations

from django.db.models import F, Prefetch, QuerySet
from django.utils import timezone

from prevention.models import Material, MaterialFile, MaterialStatus


def material_list(*, status: str = "", overdue: bool = False) -> QuerySet[Material]:
    materials = Material.objects.select_related("owner")
    if status:
        materials = materials.filter(status=status)
    if overdue:
        materials = materials.filter(review_due_on__lt=timezone.localdate()).exclude(status=MaterialStatus.WITHDRAWN)
    return materials.order_by("title", "id")


def public_materials(language: str = "") -> QuerySet[Material]:
    files = MaterialFile.objects.filter(number=F("material__published_version")).order_by("language")
    if language:
        files = files.filter(language=language)
    materials = (
        Material.objects.filter(published_version__isnull=False)
        .exclude(status=MaterialStatus.WITHDRAWN)
        .prefetch_related(Prefetch("files", queryset=files, to_attr="public_files"))
        .order_by("published_title", "id")
    )
    if language:
        materials = materials.filter(files__language=language, files__number=F("published_version")).distinct()
    return materials


def public_file(material_id: int, language: str) -> MaterialFile | None:
    return (
        MaterialFile.objects.filter(
            material_id=material_id,
            language=language,
            number=F("material__published_version"),
            material__published_version__isnull=False,
        )
        .exclude(material__status=MaterialStatus.WITHDRAWN)
        .first()
    )
