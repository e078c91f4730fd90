"""Persons: create, edit (with a version check), relations, safe-contact rules, duplicate warnings."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases.models import Person, PersonRelation, SafeContact
from victimsupport.concurrency import ConcurrentEdit, versioned_edit
from victimsupport.models import User
from victimsupport.permissions import ensure_permitted, is_permitted

PERSON_FIELDS = [
    "first_name",
    "last_name",
    "personal_code",
    "birth_date",
    "sex",
    "language",
    "email",
    "phone",
    "county",
    "municipality",
    "settlement",
    "street",
    "house",
    "apartment",
    "postal_code",
    "ads_code",
]


def person_create(*, actor: User, **fields) -> Person:
    """A new person. Grants come with the case the person is attached to (in the same transaction)."""
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"unknown person fields {sorted(unknown)}")
    person = Person(created_by=actor, **fields)
    person.full_clean()
    person.save()
    return person


@transaction.atomic
def person_update(*, actor: User, person: Person, expected_version: int, **fields) -> Person:
    versioned_edit(person, expected_version, fields, PERSON_FIELDS)
    person.full_clean()
    person.save()
    ensure_permitted(actor, person, "change")
    return person


SAFE_CONTACT_FIELDS = [
    "phone_allowed",
    "sms_allowed",
    "email_allowed",
    "letter_allowed",
    "in_person_allowed",
    "channel_notes",
    "safe_times",
    "code_word",
    "never_write_home",
    "confidential_address",
    "letter_address",
]


@transaction.atomic
def safe_contact_set(*, actor: User, person: Person, expected_version: int, **fields) -> SafeContact:
    """Record the person's safe-contact rules. `expected_version` is the version the caller showed the
    user (0: none were recorded); stored rules are never replaced by someone who did not see them (an
    intake that found a person already on record, a stale form): ConcurrentEdit with the stored rules."""
    unknown = set(fields) - set(SAFE_CONTACT_FIELDS)
    if unknown:
        raise TypeError(f"unknown safe-contact fields {sorted(unknown)}")
    rules = SafeContact.objects.select_for_update().filter(person=person).first()
    if rules is not None and rules.version != expected_version:
        raise ConcurrentEdit(rules)
    if rules is None and expected_version != 0:
        raise ValidationError(_("The safe-contact rules are not what the page showed: open the page again."))
    if rules is None:
        rules = SafeContact(person=person, version=0)
    for name, value in fields.items():
        setattr(rules, name, value)
    rules.version += 1
    rules.updated_by = actor
    rules.full_clean()
    rules.save()
    ensure_permitted(actor, person, "change")
    return rules


@transaction.atomic
def relation_add(*, actor: User, person: Person, related_person: Person, kind: str, note: str = "") -> PersonRelation:
    if person.pk == related_person.pk:
        raise ValidationError({"related_person": _("A person cannot be related to themselves.")})
    if PersonRelation.objects.filter(person=person, related_person=related_person, kind=kind).exists():
        raise ValidationError({"kind": _("This relation is already recorded.")})
    relation = PersonRelation(person=person, related_person=related_person, kind=kind, note=note, created_by=actor)
    relation.full_clean()
    relation.save()
    # A relation belongs to both persons: whoever may change either one records it (a family member on
    # record elsewhere is linked to one's own client without gaining their record).
    if not (is_permitted(actor, related_person, "change") or is_permitted(actor, person, "change")):
        raise PermissionDenied
    return relation
