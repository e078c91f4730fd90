"""Bringing a person into a case: intake (a new case for a new or recorded person) and adding a party.

Each is one transaction. A person already on record keeps their details and safe-contact rules: those
change only on the person's own pages, where the user sees what is stored (safe_contact_set refuses an
edit that did not start from the stored rules).
"""

from __future__ import annotations

from django.db import transaction

from cases.models import Case, CaseParty, Person
from cases.services.cases import case_add_party, case_open
from cases.services.persons import person_create, relation_add, safe_contact_set
from victimsupport.models import User


@transaction.atomic
def case_intake(
    *,
    actor: User,
    person: Person | None,
    person_fields: dict | None = None,
    safe_contact: dict | None = None,
    source: tuple | None = None,
    **case_fields,
) -> Case:
    """Open a case for `person` (one on record) or for a new person made of `person_fields`, with the
    new person's safe-contact rules. `safe_contact` is never applied to a person on record. `source`
    (an IntakeSource and its object) records that it became the case, in the same transaction."""
    new = person is None
    if new:
        person = person_create(actor=actor, **(person_fields or {}))
    case = case_open(actor=actor, client=person, **case_fields)
    if new and safe_contact is not None:
        safe_contact_set(actor=actor, person=person, expected_version=0, **safe_contact)
    if source is not None:
        intake_source, obj = source
        intake_source.link(actor, obj, case)
    return case


@transaction.atomic
def case_party_intake(
    *,
    actor: User,
    case: Case,
    person: Person | None,
    person_fields: dict | None = None,
    role: str,
    note: str = "",
    relation: str = "",
) -> CaseParty:
    """Add a person on record, or a new person made of `person_fields`, to `case` in `role`, with their
    relation to the case's client."""
    if person is None:
        person = person_create(actor=actor, **(person_fields or {}))
    party = case_add_party(actor=actor, case=case, person=person, role=role, note=note)
    if relation:
        relation_add(actor=actor, person=person, related_person=case.client, kind=relation)
    return party
