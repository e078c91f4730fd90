"""Persons: create, edit (with a version check), relations, safe-contact rules, duplicate warnings."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from cases.models import Person, PersonRelation, SafeContact
from cases.models.persons import normalize_name
from victimsupport.concurrency import lock_version
from victimsupport.permissions.views import ensure_permitted

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


def person_create(*, actor, **fields) -> Person:
    """A new person. Grants come with the case the person is attached to (in the same transaction)."""
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"unknown person fields {sorted(unknown)}")
    person = Person(created_by=actor, **fields)
    person.full_clean()
    person.save()
    return person


@transaction.atomic
def person_update(*, actor, person: Person, expected_version: int, **fields) -> Person:
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"unknown person fields {sorted(unknown)}")
    lock_version(Person, person.pk, expected_version)
    for name, value in fields.items():
        setattr(person, name, value)
    person.version = expected_version + 1
    person.full_clean()
    person.save()
    ensure_permitted(actor, person, "change")
    return person


def possible_duplicates(
    user,
    *,
    personal_code: str = "",
    first_name: str = "",
    last_name: str = "",
    birth_date: date | None = None,
    exclude_pk: int | None = None,
) -> list[Person]:
    """Persons the user may see with the same code, or the same name and birth date. Persons out of
    the user's scope are never revealed."""
    condition = Q()
    if personal_code:
        condition |= Q(personal_code=personal_code)
    if first_name and last_name and birth_date:
        # Diacritics and case do not matter: "Julia Janes" is "Julia Jänes".
        condition |= Q(search_name=normalize_name(f"{first_name} {last_name}"), birth_date=birth_date)
    if not condition:
        return []
    found = Person.objects.restrict(user, "view").filter(condition)
    if exclude_pk:
        found = found.exclude(pk=exclude_pk)
    return list(found.order_by("last_name", "first_name")[:10])


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
def safe_contact_set(*, actor, person: Person, **fields) -> SafeContact:
    unknown = set(fields) - set(SAFE_CONTACT_FIELDS)
    if unknown:
        raise TypeError(f"unknown safe-contact fields {sorted(unknown)}")
    rules = SafeContact.objects.select_for_update().filter(person=person).first() or SafeContact(person=person)
    for name, value in fields.items():
        setattr(rules, name, value)
    rules.updated_by = actor
    rules.full_clean()
    rules.save()
    ensure_permitted(actor, person, "change")
    return rules


@transaction.atomic
def relation_add(*, actor, person: Person, related_person: Person, kind: str, note: str = "") -> PersonRelation:
    if person.pk == related_person.pk:
        raise ValidationError({"related_person": _("A person cannot be related to themselves.")})
    if PersonRelation.objects.filter(person=person, related_person=related_person, kind=kind).exists():
        raise ValidationError({"kind": _("This relation is already recorded.")})
    relation = PersonRelation(person=person, related_person=related_person, kind=kind, note=note, created_by=actor)
    relation.full_clean()
    relation.save()
    ensure_permitted(actor, person, "change")
    return relation


def same_code_person(user, personal_code: str) -> Person | None:
    """The person the user may see who has this personal code: the same person, never recorded twice."""
    if not personal_code:
        return None
    return Person.objects.restrict(user, "view").filter(personal_code=personal_code).order_by("pk").first()
