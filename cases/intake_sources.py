"""Where a case intake can start from: an anonymous contact, a crisis registration. A source fills in
what it knows and, once the case is opened (in the intake's transaction), records that it became the
case. The intake page takes `?source=<name>:<id>`; an app registers its sources when it is ready."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from cases.models import AnonymousContact, Case
from cases.services.anonymous import anonymous_contact_link_case
from victimsupport.models import User


@dataclass(frozen=True)
class IntakeSource:
    name: str
    # The source object the user may see, or None (its link() refuses one that is a case already).
    load: Callable[[User, int], object | None]
    # What the intake's forms start with: {"person": {...}, "safe": {...}, "case": {...}}.
    initial: Callable[[object], dict[str, dict]]
    # Record that the source became the case (raises ValidationError if it cannot).
    link: Callable[[User, object, Case], None]


SOURCES: dict[str, IntakeSource] = {}


def register_intake_source(source: IntakeSource) -> None:
    SOURCES[source.name] = source


def parse_source(value: str | None) -> tuple[IntakeSource, int] | None:
    """`anonymous:12` as the source and the id; anything else (an unknown name, "abc", "²", an id past the
    database's range) is no source."""
    name, _, raw = (value or "").partition(":")
    source = SOURCES.get(name)
    if source is None or not (raw.isascii() and raw.isdigit()) or len(raw) > 18:
        return None
    return source, int(raw)


def _anonymous_load(user: User, pk: int) -> AnonymousContact | None:
    return AnonymousContact.objects.restrict(user).filter(pk=pk).first()


def _anonymous_initial(contact: AnonymousContact) -> dict[str, dict]:
    return {
        "case": {
            "region": contact.region_id,
            "county": contact.county_id,
            "incident_type": contact.incident_type,
            "referral_source": "self",
        }
    }


def _anonymous_link(actor: User, contact: AnonymousContact, case: Case) -> None:
    anonymous_contact_link_case(actor=actor, contact=contact, case=case)


register_intake_source(IntakeSource("anonymous", _anonymous_load, _anonymous_initial, _anonymous_link))
