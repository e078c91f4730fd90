"""Sealed cases: whose names a user is shown, and the neutral placeholder everyone else sees.

A sealed case opens for a user only after they state a reason (cases.views.cases.OpenSealedView), for an
hour, in their session; its responsible specialist always sees it. Until then every name shown in the
context of the case (its client, applicants, parties, free-text task titles) is replaced by a
placeholder, and so is the name of a person who is the client of such a case wherever the person is
shown on their own (search results, relations, duplicate warnings). Lists, fragments and exports ask
here; templates use the `sealing` tags.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from cases.models import Case

SEALED_OPEN_SECONDS = 60 * 60
PLACEHOLDER = _("client of a sealed case")
TASK_PLACEHOLDER = _("task in a sealed case")


def sealed_session_key(case_id: int) -> str:
    return f"sealed-open:{case_id}"


def mark_opened(request, case_id: int) -> None:
    request.session[sealed_session_key(case_id)] = time.time()


def _opened(request, case_id: int) -> bool:
    session = getattr(request, "session", None)
    opened = session.get(sealed_session_key(case_id)) if session is not None else None
    return bool(opened and time.time() - opened < SEALED_OPEN_SECONDS)


def sealed_is_open(request, case) -> bool:
    """Whether the user may see what `case` holds now (`case` needs sealed, responsible_id and pk)."""
    if not case.sealed or case.responsible_id == request.user.pk:
        return True
    return _opened(request, case.pk)


def names_hidden(request, case) -> bool:
    return not sealed_is_open(request, case)


def sealed_client_cases(person_ids: Iterable[int], user) -> dict[int, list[int]]:
    """For each of these persons who is the client of a sealed case `user` is not responsible for:
    those cases' ids."""

    ids = {pk for pk in person_ids if pk is not None}
    found: dict[int, list[int]] = {}
    if not ids:
        return found
    rows = (
        Case.objects.filter(client_id__in=ids, sealed=True)
        .exclude(responsible_id=user.pk)
        .values_list("client_id", "pk")
    )
    for client_id, case_id in rows:
        found.setdefault(client_id, []).append(case_id)
    return found


def hidden_person_ids(request, person_ids: Iterable[int]) -> set[int]:
    """The persons among `person_ids` whose names `request.user` must not be shown: clients of a sealed
    case the user has not opened (and is not responsible for)."""
    sealed = sealed_client_cases(person_ids, request.user)
    return {person_id for person_id, case_ids in sealed.items() if not any(_opened(request, pk) for pk in case_ids)}


def sealed_client_exists(user, outer: str = "pk") -> Exists:
    """An annotation for a queryset of persons (`outer` points at the person's pk): True where the person
    is the client of a sealed case `user` is not responsible for."""

    return Exists(Case.objects.filter(client=OuterRef(outer), sealed=True).exclude(responsible_id=user.pk))


def mark_hidden(request, persons: Iterable) -> list:
    """Set `name_hidden` on each person (see hidden_person_ids); one query for the whole list. A
    `sealed` annotation (sealed_client_exists) saves the query for persons who are not sealed."""
    persons = list(persons)
    candidates = [p.pk for p in persons if getattr(p, "sealed", True)]
    hidden = hidden_person_ids(request, candidates) if candidates else set()
    for person in persons:
        person.name_hidden = person.pk in hidden
    return persons
