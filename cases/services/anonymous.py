"""Anonymous counselling contacts, and turning one into a case when the person agrees."""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases.models import AnonymousContact, Case
from victimsupport.models import Role, User

ANONYMOUS_FIELDS = [
    "happened_at",
    "region",
    "county",
    "age_group",
    "sex",
    "incident_type",
    "channel",
    "duration_minutes",
    "topic",
]


PERSONAL_DATA_PATTERNS = [
    re.compile(r"\d[\d\s-]{4,}\d"),  # personal codes, phone numbers
    re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+"),  # e-mail addresses
]


def looks_like_personal_data(text: str) -> bool:
    return any(pattern.search(text or "") for pattern in PERSONAL_DATA_PATTERNS)


def _check_region(actor: User, region) -> None:
    if not actor.has_role(Role.SPECIALIST, Role.REGIONAL_MANAGER) or region.pk not in actor.region_ids:
        raise PermissionDenied


@transaction.atomic
def anonymous_contact_add(*, actor: User, **fields) -> AnonymousContact:
    unknown = set(fields) - set(ANONYMOUS_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    _check_region(actor, fields["region"])
    if looks_like_personal_data(fields.get("topic", "")):
        raise ValidationError(
            {
                "topic": _(
                    "Remove the numbers and e-mail addresses: an anonymous contact holds no "
                    "personal codes, phone numbers or addresses."
                )
            }
        )
    contact = AnonymousContact(recorded_by=actor, **fields)
    if contact.county_id and contact.county.region_id != contact.region_id:
        raise ValidationError({"county": _("The county is not in the chosen region.")})
    contact.full_clean()
    contact.save()
    return contact


@transaction.atomic
def anonymous_contact_link_case(*, actor: User, contact: AnonymousContact, case: Case) -> AnonymousContact:
    """Record that the anonymous contact became `case` (the person agreed to give their data)."""
    contact = AnonymousContact.objects.select_for_update().get(pk=contact.pk)
    _check_region(actor, contact.region)
    if contact.converted_case_id:
        raise ValidationError(_("This contact has already been turned into a case."))
    contact.converted_case = case
    contact.save(update_fields=["converted_case"])
    return contact
